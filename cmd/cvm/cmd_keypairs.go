package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/qcloud-legacy/cvm"
)

func (a *app) keyPairsCommand() *cobra.Command {
	return group("keypairs", "List, create, import and delete SSH key pairs", []string{"keypair", "keys"},
		a.keyPairsListCommand(), a.keyPairsCreateCommand(), a.keyPairsImportCommand(), a.keyPairsDeleteCommand())
}

type keyPairsListOptions struct{ page pageFlags }

func (a *app) keyPairsListCommand() *cobra.Command {
	o := &keyPairsListOptions{}
	cmd := &cobra.Command{Use: "list", Short: "List the key pairs (every page)", Args: cobra.NoArgs, Example: "  cvm keypairs list",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ []string) error {
			opts := &cvm.KeyPairListOptions{ListOptions: o.page.options()}
			out, err := list(ctx, o.page, c.KeyPairs.All(ctx, opts), func(ctx context.Context) ([]cvm.KeyPair, *cvm.Response, error) {
				return c.KeyPairs.List(ctx, opts)
			})
			if err != nil {
				return err
			}
			return a.emit(out, keyCols)
		})}
	o.page.add(cmd)
	return cmd
}

// newKey is a created key pair as printed: where its private key went,
// never the key.
type newKey struct {
	cvm.KeyPair
	PrivateKeyFile string
}

type keyPairsCreateOptions struct{ save string }

func (a *app) keyPairsCreateCommand() *cobra.Command {
	o := &keyPairsCreateOptions{}
	cmd := &cobra.Command{Use: "create NAME --save FILE", Short: "Create a key pair; its private key is written to FILE (mode 0600), never printed",
		Args: cobra.ExactArgs(1), Example: "  cvm keypairs create deploy_key --save ~/.ssh/deploy_key",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, args []string) error {
			if o.save == "" {
				return usagef("--save FILE is required: the private key is shown once, and only written to a file")
			}
			if a.dryRun {
				// Nothing is made: no file either.
				_, _, err := c.KeyPairs.Create(ctx, args[0])
				return err
			}
			f, err := os.OpenFile(o.save, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return usagef("--save: %v", err)
			}
			k, _, err := c.KeyPairs.Create(ctx, args[0])
			if err != nil {
				f.Close()
				os.Remove(o.save)
				return err
			}
			_, werr := f.WriteString(k.PrivateKey.Reveal())
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				return fmt.Errorf("writing the private key of %s to %s: %w", k.ID, o.save, werr)
			}
			return a.emit(newKey{k.KeyPair, o.save}, keyCols)
		})}
	cmd.Flags().StringVar(&o.save, "save", "", "file to write the private key to (made with mode 0600; must not exist)")
	return cmd
}

type keyPairsImportOptions struct{ pubFile string }

func (a *app) keyPairsImportCommand() *cobra.Command {
	o := &keyPairsImportOptions{}
	cmd := &cobra.Command{Use: "import NAME --public-key-file FILE", Short: "Import an OpenSSH RSA public key", Args: cobra.ExactArgs(1),
		Example: "  cvm keypairs import laptop --public-key-file ~/.ssh/id_rsa.pub",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, args []string) error {
			b, err := os.ReadFile(o.pubFile)
			if err != nil {
				return usagef("--public-key-file: %v", err)
			}
			id, resp, err := c.KeyPairs.Import(ctx, args[0], strings.TrimSpace(string(b)))
			if err != nil {
				return err
			}
			return a.report([]outcome{{ID: id, Outcome: "imported", RequestID: resp.RequestID}}, nil)
		})}
	cmd.Flags().StringVar(&o.pubFile, "public-key-file", "", "the public key's file (required)")
	return cmd
}

func (a *app) keyPairsDeleteCommand() *cobra.Command {
	return &cobra.Command{Use: "delete ID...", Short: "Delete key pairs bound to no instance", Args: cobra.MinimumNArgs(1),
		Example: "  cvm keypairs delete skey-abc12345 --yes",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, ids []string) error {
			if err := a.confirm("delete key pair(s) " + strings.Join(ids, " ")); err != nil {
				return err
			}
			res, resp, err := c.KeyPairs.Delete(ctx, ids...)
			return a.report(outcomesOf(ids, "deleted", res, resp, err), nil)
		})}
}
