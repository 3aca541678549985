package main

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/qcloud-legacy/cvm"
)

// Columns of each kind of resource in a table and in text.
var (
	instanceCols = columns{"id", "name", "status", "zoneId", "cpu", "memoryGb", "lanIp", "wanIps"}
	imageCols    = columns{"id", "name", "type", "status", "osName"}
	eipCols      = columns{"id", "ip", "status", "instanceId", "name"}
	groupCols    = columns{"id", "name", "projectId", "instances", "remark"}
	ruleCols     = columns{"direction", "protocol", "ports", "cidr", "securityGroupId", "action", "description"}
	zoneCols     = columns{"id", "name", "zone", "state"}
	keyCols      = columns{"id", "name", "instanceIds", "created"}
	dealCols     = columns{"id", "name", "status", "price", "created"}
	resultCols   = columns{"id", "result"}
)

// collect gathers what seq yields, stopping after limit items (0: all):
// every list command pages through everything unless told to stop.
func collect[T any](seq iter.Seq2[T, error], limit int) ([]T, error) {
	var out []T
	for it, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, it)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// limitFlag adds --limit to a list command.
func limitFlag(cmd *cobra.Command, limit *int) {
	cmd.Flags().IntVar(limit, "limit", 0, "stop after this many (0: all)")
}

// withClient runs f with the command's client and context.
func (a *app) withClient(f func(ctx context.Context, c *cvm.Client, cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ctx, cancel := a.ctx(cmd)
		defer cancel()
		c, err := a.clientFor(ctx)
		if err != nil {
			return err
		}
		return f(ctx, c, cmd, args)
	}
}

// done is the result of a change of several resources.
type done struct {
	ID     string
	Result string
}

func doneAll(result string, ids ...string) []done {
	out := make([]done, len(ids))
	for i, id := range ids {
		out[i] = done{id, result}
	}
	return out
}

// ---- instances ----

func (a *app) instancesCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "instances", Aliases: []string{"instance", "ins"}, Short: "List, create, start, stop and terminate instances"}
	var zone, limit int
	var status, name string
	var ids []string
	list := &cobra.Command{Use: "list", Short: "List the instances of the region (every page)",
		Example: `  cvm instances list -o table
  cvm instances list --status running --zone 100003 -o json
  cvm instances list --query "[?status=='stopped'].id" -o text`,
		Args: cobra.NoArgs,
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, _ []string) error {
			opts := &cvm.InstanceListOptions{ZoneID: zone, SearchWord: name, InstanceIDs: ids}
			if status != "" {
				st, err := cvm.ParseInstanceStatus(status)
				if err != nil {
					return usagef("--status: %v", err)
				}
				opts.Status = st
			}
			out, err := collect(c.Instances.All(ctx, opts), limit)
			if err != nil {
				return err
			}
			return a.emit(out, instanceCols)
		})}
	list.Flags().IntVar(&zone, "zone", 0, "keep the instances of this zone id (such as 100003)")
	list.Flags().StringVar(&status, "status", "", "keep the instances in this status: "+enumList(cvm.InstanceStatusValues()))
	list.Flags().StringVar(&name, "name", "", "keep the instances whose name contains this")
	list.Flags().StringSliceVar(&ids, "ids", nil, "keep these instances (comma-separated)")
	limitFlag(list, &limit)

	get := &cobra.Command{Use: "get ID", Short: "Show one instance", Example: "  cvm instances get ins-abc12345 -o yaml",
		Args: cobra.ExactArgs(1),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, args []string) error {
			in, _, err := c.Instances.Get(ctx, args[0])
			if err != nil {
				return err
			}
			return a.emit(in, instanceCols)
		})}

	var req cvm.InstanceCreateRequest
	var wait bool
	create := &cobra.Command{Use: "create", Short: "Create postpaid instances (each call idempotent)",
		Example: "  cvm instances create --zone 100003 --cpu 2 --memory 4 --image img-31tjrtph --count 2 --name web --wait",
		Args:    cobra.NoArgs,
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, _ []string) error {
			ids, _, err := c.Instances.Create(ctx, &req)
			if err != nil {
				return err
			}
			if wait {
				if err := a.waitInstances(ctx, c, cvm.InstanceRunning, ids); err != nil {
					return err
				}
			}
			return a.showInstances(ctx, c, ids)
		})}
	cf := create.Flags()
	cf.IntVar(&req.ZoneID, "zone", 0, "zone id, such as 100003 (required)")
	cf.IntVar(&req.CPU, "cpu", 0, "cores (required)")
	cf.IntVar(&req.MemoryGB, "memory", 0, "memory in GB (required)")
	cf.StringVar(&req.ImageID, "image", "", "image id, such as img-31tjrtph (required)")
	cf.IntVar(&req.Count, "count", 1, "how many")
	cf.StringVar(&req.Name, "name", "", "their name")
	cf.IntVar(&req.BandwidthMbps, "bandwidth", 0, "public bandwidth in Mbps (0: no public IP)")
	cf.StringVar(&req.Password, "password", "", "login password (or a key pair, --key)")
	cf.StringVar(&req.KeyID, "key", "", "an SSH key pair's id")
	cf.StringVar(&req.Type, "type", "", "an API 3.0 instance type, such as S5.MEDIUM4 (with --api 3)")
	cf.BoolVar(&wait, "wait", false, "wait until they run")

	cmd.AddCommand(list, get, create,
		a.lifecycle("start", "Start stopped instances", cvm.InstanceRunning, func(ctx context.Context, c *cvm.Client, ids []string, _ bool) (*cvm.BatchResult, error) {
			r, _, err := c.Instances.Start(ctx, ids...)
			return r, err
		}),
		a.lifecycle("stop", "Stop running instances", cvm.InstanceStopped, func(ctx context.Context, c *cvm.Client, ids []string, force bool) (*cvm.BatchResult, error) {
			if force {
				r, _, err := c.Instances.ForceStop(ctx, ids...)
				return r, err
			}
			r, _, err := c.Instances.Stop(ctx, ids...)
			return r, err
		}),
		a.lifecycle("restart", "Restart running instances", cvm.InstanceRunning, func(ctx context.Context, c *cvm.Client, ids []string, _ bool) (*cvm.BatchResult, error) {
			r, _, err := c.Instances.Restart(ctx, ids...)
			return r, err
		}),
		a.terminateCommand(), a.resetPasswordCommand(), a.renameCommand(), a.waitCommand())
	return cmd
}

// lifecycle is start, stop or restart of instances, with --wait.
func (a *app) lifecycle(verb, short string, then cvm.InstanceStatus, op func(context.Context, *cvm.Client, []string, bool) (*cvm.BatchResult, error)) *cobra.Command {
	var wait, force bool
	cmd := &cobra.Command{Use: verb + " ID...", Short: short, Args: cobra.MinimumNArgs(1),
		Example: fmt.Sprintf("  cvm instances %s ins-abc12345 ins-def67890 --wait", verb),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, ids []string) error {
			if _, err := op(ctx, c, ids, force); err != nil {
				return a.batchError(err)
			}
			if wait {
				if err := a.waitInstances(ctx, c, then, ids); err != nil {
					return err
				}
			}
			return a.emit(doneAll(verb+" accepted", ids...), resultCols)
		})}
	cmd.Flags().BoolVar(&wait, "wait", false, "wait until they are "+then.String())
	if verb == "stop" {
		cmd.Flags().BoolVar(&force, "force", false, "force the stop (as pulling the plug)")
	}
	return cmd
}

// batchError reports each failed resource of a batch, then the error.
func (a *app) batchError(err error) error {
	var apiErr *cvm.APIError
	if isAPIError(err, &apiErr) {
		for _, it := range apiErr.Failed() {
			fmt.Fprintf(a.err, "cvm: %s: code %d: %s\n", it.ID, it.Code, oneLine(it.Message))
		}
	}
	return err
}

func (a *app) terminateCommand() *cobra.Command {
	var wait bool
	cmd := &cobra.Command{Use: "terminate ID...", Short: "Return (terminate) instances: they are destroyed",
		Example: "  cvm instances terminate ins-abc12345 --yes --wait", Args: cobra.MinimumNArgs(1),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, ids []string) error {
			if err := a.confirm(fmt.Sprintf("terminate %d instance(s) %s", len(ids), strings.Join(ids, " "))); err != nil {
				return err
			}
			for _, id := range ids {
				if _, err := c.Instances.Terminate(ctx, id); err != nil {
					return err
				}
			}
			if wait {
				if err := a.waitInstances(ctx, c, cvm.InstanceReturned, ids); err != nil {
					return err
				}
			}
			return a.emit(doneAll("terminated", ids...), resultCols)
		})}
	cmd.Flags().BoolVar(&wait, "wait", false, "wait until they are gone")
	return cmd
}

func (a *app) resetPasswordCommand() *cobra.Command {
	var password string
	cmd := &cobra.Command{Use: "reset-password ID...", Short: "Reset the login password of stopped instances",
		Example: "  cvm instances reset-password ins-abc12345 --password 'Passw0rd!2'", Args: cobra.MinimumNArgs(1),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, ids []string) error {
			if password == "" {
				return usagef("--password is required")
			}
			if _, _, err := c.Instances.ResetPassword(ctx, password, ids...); err != nil {
				return a.batchError(err)
			}
			return a.emit(doneAll("password reset", ids...), resultCols)
		})}
	cmd.Flags().StringVar(&password, "password", "", "the new password (required)")
	return cmd
}

func (a *app) renameCommand() *cobra.Command {
	return &cobra.Command{Use: "rename ID NAME", Short: "Rename an instance", Example: "  cvm instances rename ins-abc12345 web-2",
		Args: cobra.ExactArgs(2),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, args []string) error {
			if _, err := c.Instances.Rename(ctx, args[0], args[1]); err != nil {
				return err
			}
			return a.showInstances(ctx, c, args[:1])
		})}
}

func (a *app) waitCommand() *cobra.Command {
	var status string
	cmd := &cobra.Command{Use: "wait ID...", Short: "Wait until instances reach a status",
		Example: "  cvm instances wait ins-abc12345 --status stopped --timeout 5m", Args: cobra.MinimumNArgs(1),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, ids []string) error {
			st, err := cvm.ParseInstanceStatus(status)
			if err != nil {
				return usagef("--status: %v", err)
			}
			if err := a.waitInstances(ctx, c, st, ids); err != nil {
				return err
			}
			return a.emit(doneAll(st.String(), ids...), resultCols)
		})}
	cmd.Flags().StringVar(&status, "status", "running", "the status to wait for: "+enumList(cvm.InstanceStatusValues()))
	return cmd
}

// waitInstances waits, showing progress on stderr when it is a terminal.
func (a *app) waitInstances(ctx context.Context, c *cvm.Client, st cvm.InstanceStatus, ids []string) error {
	stop := a.progress(fmt.Sprintf("waiting for %d instance(s) to be %s", len(ids), st))
	err := c.Instances.WaitStatus(ctx, st, ids...)
	stop(err == nil)
	return err
}

// progress shows a line on stderr, when it is a terminal, until stopped.
func (a *app) progress(what string) func(ok bool) {
	if !isTerminal(a.err) {
		return func(bool) {}
	}
	start := time.Now()
	fmt.Fprintf(a.err, "%s ...", what)
	tick := time.NewTicker(time.Second)
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-tick.C:
				fmt.Fprintf(a.err, "\r%s ... %ds", what, int(time.Since(start).Seconds()))
			case <-quit:
				return
			}
		}
	}()
	return func(ok bool) {
		tick.Stop()
		close(quit)
		<-finished
		result := "done"
		if !ok {
			result = "failed"
		}
		fmt.Fprintf(a.err, "\r%s ... %s (%s)\n", what, result, time.Since(start).Round(time.Millisecond))
	}
}

func (a *app) showInstances(ctx context.Context, c *cvm.Client, ids []string) error {
	list, _, err := c.Instances.List(ctx, &cvm.InstanceListOptions{InstanceIDs: ids, ListOptions: cvm.ListOptions{Limit: 100}})
	if err != nil {
		return err
	}
	return a.emit(list, instanceCols)
}

// ---- images ----

func (a *app) imagesCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "images", Aliases: []string{"image"}, Short: "List and show images"}
	var typ string
	var limit int
	list := &cobra.Command{Use: "list", Short: "List images of a type (every page)", Args: cobra.NoArgs,
		Example: "  cvm images list --type public -o table",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, _ []string) error {
			t, err := cvm.ParseImageType(typ)
			if err != nil {
				return usagef("--type: %v", err)
			}
			out, err := collect(c.Images.All(ctx, &cvm.ImageListOptions{Type: t}), limit)
			if err != nil {
				return err
			}
			return a.emit(out, imageCols)
		})}
	list.Flags().StringVar(&typ, "type", "public", "image type: "+enumList(cvm.ImageTypeValues()))
	limitFlag(list, &limit)
	get := &cobra.Command{Use: "get ID", Short: "Show one image", Args: cobra.ExactArgs(1), Example: "  cvm images get img-31tjrtph",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, args []string) error {
			img, _, err := c.Images.Get(ctx, args[0])
			if err != nil {
				return err
			}
			return a.emit(img, imageCols)
		})}
	cmd.AddCommand(list, get)
	return cmd
}

// ---- EIPs ----

func (a *app) eipsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "eips", Aliases: []string{"eip"}, Short: "Allocate, bind, unbind and release elastic IPs"}
	var limit int
	list := &cobra.Command{Use: "list", Short: "List the EIPs of the region (every page)", Args: cobra.NoArgs,
		Example: "  cvm eips list --query \"[?instanceId!=''].[id,ip,instanceId]\" -o text",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, _ []string) error {
			out, err := collect(c.EIPs.All(ctx, nil), limit)
			if err != nil {
				return err
			}
			return a.emit(out, eipCols)
		})}
	limitFlag(list, &limit)
	var count int
	var wait bool
	create := &cobra.Command{Use: "create", Short: "Allocate EIPs", Args: cobra.NoArgs, Example: "  cvm eips create --count 2 --wait",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, _ []string) error {
			ids, _, err := c.EIPs.Create(ctx, count)
			if err != nil {
				return err
			}
			if wait {
				stop := a.progress(fmt.Sprintf("waiting for %d EIP(s) to be unbound", len(ids)))
				err := c.EIPs.WaitStatus(ctx, cvm.EIPUnbound, ids...)
				stop(err == nil)
				if err != nil {
					return err
				}
			}
			return a.emit(doneAll("allocated", ids...), resultCols)
		})}
	create.Flags().IntVar(&count, "count", 1, "how many")
	create.Flags().BoolVar(&wait, "wait", false, "wait until they can be associated")
	associate := &cobra.Command{Use: "associate EIP INSTANCE", Short: "Bind an EIP to an instance", Args: cobra.ExactArgs(2),
		Example: "  cvm eips associate eip-abc12345 ins-abc12345",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, args []string) error {
			if _, err := c.EIPs.Associate(ctx, args[0], args[1]); err != nil {
				return err
			}
			return a.emit(doneAll("associating with "+args[1], args[0]), resultCols)
		})}
	var newIP bool
	disassociate := &cobra.Command{Use: "disassociate EIP", Short: "Unbind an EIP", Args: cobra.ExactArgs(1),
		Example: "  cvm eips disassociate eip-abc12345",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, args []string) error {
			if _, err := c.EIPs.Disassociate(ctx, args[0], newIP); err != nil {
				return err
			}
			return a.emit(doneAll("disassociating", args[0]), resultCols)
		})}
	disassociate.Flags().BoolVar(&newIP, "new-public-ip", false, "give the instance an ordinary public IP instead")
	del := &cobra.Command{Use: "delete EIP...", Short: "Release unbound EIPs", Args: cobra.MinimumNArgs(1),
		Example: "  cvm eips delete eip-abc12345 --yes",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, ids []string) error {
			if err := a.confirm("release " + strings.Join(ids, " ")); err != nil {
				return err
			}
			if _, err := c.EIPs.Delete(ctx, ids...); err != nil {
				return err
			}
			return a.emit(doneAll("released", ids...), resultCols)
		})}
	cmd.AddCommand(list, create, associate, disassociate, del)
	return cmd
}

// ---- security groups ----

// ruleRow is a rule as a row, with its direction.
type ruleRow struct {
	Direction string
	cvm.Rule
}

func (a *app) securityGroupsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "security-groups", Aliases: []string{"sg", "security-group"}, Short: "List, show the rules of, create and delete security groups"}
	var limit int
	list := &cobra.Command{Use: "list", Short: "List the security groups (every page)", Args: cobra.NoArgs, Example: "  cvm security-groups list",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, _ []string) error {
			out, err := collect(c.SecurityGroups.All(ctx, nil), limit)
			if err != nil {
				return err
			}
			return a.emit(out, groupCols)
		})}
	limitFlag(list, &limit)
	rules := &cobra.Command{Use: "rules ID", Short: "Show a security group's rules", Args: cobra.ExactArgs(1), Example: "  cvm security-groups rules sg-abc12345",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, args []string) error {
			rs, _, err := c.SecurityGroups.Rules(ctx, args[0])
			if err != nil {
				return err
			}
			var out []ruleRow
			for _, r := range rs.Ingress {
				out = append(out, ruleRow{"ingress", r})
			}
			for _, r := range rs.Egress {
				out = append(out, ruleRow{"egress", r})
			}
			return a.emit(out, ruleCols)
		})}
	var req cvm.SecurityGroupCreateRequest
	create := &cobra.Command{Use: "create", Short: "Create a security group", Args: cobra.NoArgs, Example: "  cvm security-groups create --name web --remark 'web tier'",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, _ []string) error {
			g, _, err := c.SecurityGroups.Create(ctx, &req)
			if err != nil {
				return err
			}
			return a.emit(g, groupCols)
		})}
	create.Flags().StringVar(&req.Name, "name", "", "its name")
	create.Flags().StringVar(&req.Remark, "remark", "", "its remark")
	create.Flags().IntVar(&req.ProjectID, "project", 0, "its project")
	del := &cobra.Command{Use: "delete ID", Short: "Delete a security group", Args: cobra.ExactArgs(1), Example: "  cvm security-groups delete sg-abc12345 --yes",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, args []string) error {
			if err := a.confirm("delete security group " + args[0]); err != nil {
				return err
			}
			if _, err := c.SecurityGroups.Delete(ctx, args[0]); err != nil {
				return err
			}
			return a.emit(doneAll("deleted", args[0]), resultCols)
		})}
	cmd.AddCommand(list, rules, create, del)
	return cmd
}

// ---- zones, key pairs, deals ----

func (a *app) zonesCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "zones", Aliases: []string{"zone"}, Short: "List the zones of the region"}
	cmd.AddCommand(&cobra.Command{Use: "list", Short: "List the zones of the region", Args: cobra.NoArgs, Example: "  cvm zones list --region sh",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, _ []string) error {
			zs, _, err := c.Zones.List(ctx)
			if err != nil {
				return err
			}
			return a.emit(zs, zoneCols)
		})})
	return cmd
}

// newKey is a created key pair as printed: where its private key went,
// never the key.
type newKey struct {
	cvm.KeyPair
	PrivateKeyFile string
}

func (a *app) keyPairsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "keypairs", Aliases: []string{"keypair", "keys"}, Short: "List, create, import and delete SSH key pairs"}
	var limit int
	list := &cobra.Command{Use: "list", Short: "List the key pairs (every page)", Args: cobra.NoArgs, Example: "  cvm keypairs list",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, _ []string) error {
			out, err := collect(c.KeyPairs.All(ctx, nil), limit)
			if err != nil {
				return err
			}
			return a.emit(out, keyCols)
		})}
	limitFlag(list, &limit)
	var save string
	create := &cobra.Command{Use: "create NAME --save FILE", Short: "Create a key pair; its private key is written to FILE (mode 0600), never printed",
		Args: cobra.ExactArgs(1), Example: "  cvm keypairs create deploy_key --save ~/.ssh/deploy_key",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, args []string) error {
			if save == "" {
				return usagef("--save FILE is required: the private key is shown once, and only written to a file")
			}
			f, err := os.OpenFile(save, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return usagef("--save: %v", err)
			}
			k, _, err := c.KeyPairs.Create(ctx, args[0])
			if err != nil {
				f.Close()
				os.Remove(save)
				return err
			}
			_, werr := f.WriteString(k.PrivateKey.Reveal())
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				return fmt.Errorf("writing the private key of %s to %s: %w", k.ID, save, werr)
			}
			return a.emit(newKey{k.KeyPair, save}, keyCols)
		})}
	create.Flags().StringVar(&save, "save", "", "file to write the private key to (made with mode 0600; must not exist)")
	var pubFile string
	imp := &cobra.Command{Use: "import NAME --public-key-file FILE", Short: "Import an OpenSSH RSA public key", Args: cobra.ExactArgs(1),
		Example: "  cvm keypairs import laptop --public-key-file ~/.ssh/id_rsa.pub",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, args []string) error {
			b, err := os.ReadFile(pubFile)
			if err != nil {
				return usagef("--public-key-file: %v", err)
			}
			id, _, err := c.KeyPairs.Import(ctx, args[0], strings.TrimSpace(string(b)))
			if err != nil {
				return err
			}
			return a.emit(doneAll("imported", id), resultCols)
		})}
	imp.Flags().StringVar(&pubFile, "public-key-file", "", "the public key's file (required)")
	del := &cobra.Command{Use: "delete ID...", Short: "Delete key pairs bound to no instance", Args: cobra.MinimumNArgs(1),
		Example: "  cvm keypairs delete skey-abc12345 --yes",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, ids []string) error {
			if err := a.confirm("delete key pair(s) " + strings.Join(ids, " ")); err != nil {
				return err
			}
			if _, _, err := c.KeyPairs.Delete(ctx, ids...); err != nil {
				return a.batchError(err)
			}
			return a.emit(doneAll("deleted", ids...), resultCols)
		})}
	cmd.AddCommand(list, create, imp, del)
	return cmd
}

func (a *app) dealsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "deals", Aliases: []string{"deal", "orders"}, Short: "List orders"}
	var since time.Duration
	var limit int
	cmd.AddCommand(func() *cobra.Command {
		c := &cobra.Command{Use: "list", Short: "List the orders of a time span (every page)", Args: cobra.NoArgs, Example: "  cvm deals list --since 720h",
			RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, _ []string) error {
				now := time.Now()
				ds, err := collect(c.Deals.All(ctx, &cvm.DealListOptions{From: now.Add(-since), To: now.Add(time.Hour)}), limit)
				if err != nil {
					return err
				}
				return a.emit(ds, dealCols)
			})}
		c.Flags().DurationVar(&since, "since", 30*24*time.Hour, "how far back")
		limitFlag(c, &limit)
		return c
	}())
	return cmd
}

// ---- call, version ----

func (a *app) callCommand() *cobra.Command {
	var input string
	cmd := &cobra.Command{Use: "call MODULE ACTION [key=value...]", Short: "Call any action: legacy (module, key=value) or, with --api 3, API 3.0 (service, --input JSON)",
		Example: `  cvm call cvm DescribeInstances limit=2 -o json
  cvm --api 3 call cvm DescribeZones --input '{}' -o json`,
		Args: cobra.MinimumNArgs(2),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ *cobra.Command, args []string) error {
			var out map[string]any
			if v, _ := cvm.ParseAPIVersion(a.api); v == cvm.API3 {
				params := map[string]any{}
				if input != "" {
					if err := json.Unmarshal([]byte(input), &params); err != nil {
						return usagef("--input: %v", err)
					}
				}
				if len(args) > 2 {
					return usagef("with --api 3, give the parameters as --input JSON")
				}
				if err := c.Do3(ctx, args[0], args[1], params, &out); err != nil {
					return err
				}
			} else {
				params := map[string]string{}
				for _, kv := range args[2:] {
					k, v, ok := strings.Cut(kv, "=")
					if !ok {
						return usagef("%q: want key=value", kv)
					}
					params[k] = v
				}
				if err := c.Do(ctx, args[0], args[1], params, &out); err != nil {
					return err
				}
			}
			return a.emit(out, nil)
		})}
	cmd.Flags().StringVar(&input, "input", "", "with --api 3: the action's parameters as a JSON object")
	return cmd
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{Use: "version", Short: "Print the SDK's version", Args: cobra.NoArgs, Example: "  cvm version",
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(a.out, "cvm %s (github.com/qcloud-legacy/cvm %s)\n", cvm.Version, cvm.Version)
			return err
		}}
}

func enumList[T fmt.Stringer](vs []T) string {
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = v.String()
	}
	return strings.Join(names, ", ")
}

func isAPIError(err error, target **cvm.APIError) bool {
	if e, ok := err.(*cvm.APIError); ok {
		*target = e
		return true
	}
	type unwrapper interface{ Unwrap() error }
	if u, ok := err.(unwrapper); ok && u.Unwrap() != nil {
		return isAPIError(u.Unwrap(), target)
	}
	return false
}
