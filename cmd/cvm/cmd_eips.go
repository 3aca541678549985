package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/qcloud-legacy/cvm"
)

func (a *app) eipsCommand() *cobra.Command {
	return group("eips", "Allocate, bind, unbind, wait for and release elastic IPs", []string{"eip"},
		a.eipsListCommand(), a.eipsCreateCommand(), a.eipsAssociateCommand(), a.eipsDisassociateCommand(),
		a.eipsDeleteCommand(), a.eipsWaitCommand())
}

type eipsListOptions struct{ page pageFlags }

func (a *app) eipsListCommand() *cobra.Command {
	o := &eipsListOptions{}
	cmd := &cobra.Command{Use: "list", Short: "List the EIPs of the region (every page)", Args: cobra.NoArgs,
		Example: "  cvm eips list --query \"[?instanceId!=''].[id,ip,instanceId]\" -o text",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ []string) error {
			opts := &cvm.EIPListOptions{ListOptions: o.page.options()}
			out, err := list(ctx, o.page, c.EIPs.All(ctx, opts), func(ctx context.Context) ([]cvm.EIP, *cvm.Response, error) {
				return c.EIPs.List(ctx, opts)
			})
			if err != nil {
				return err
			}
			return a.emit(out, eipCols)
		})}
	o.page.add(cmd)
	return cmd
}

type eipsCreateOptions struct {
	count int
	wait  bool
}

func (a *app) eipsCreateCommand() *cobra.Command {
	o := &eipsCreateOptions{}
	cmd := &cobra.Command{Use: "create", Short: "Allocate EIPs", Args: cobra.NoArgs, Example: "  cvm eips create --count 2 --wait",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ []string) error {
			if err := checkCount(o.count); err != nil {
				return err
			}
			ids, resp, err := c.EIPs.Create(ctx, o.count)
			if err != nil && len(ids) == 0 {
				return err
			}
			rows := outcomesOf(ids, "allocated", nil, resp, nil)
			if err == nil && o.wait {
				err = a.waitEIPs(ctx, c, cvm.EIPUnbound, ids)
			}
			return a.report(rows, err)
		})}
	countFlag(cmd, &o.count, "EIPs")
	waitFlag(cmd, &o.wait, "they can be associated")
	return cmd
}

type eipsAssociateOptions struct{ wait bool }

func (a *app) eipsAssociateCommand() *cobra.Command {
	o := &eipsAssociateOptions{}
	cmd := &cobra.Command{Use: "associate EIP INSTANCE", Short: "Bind an EIP to an instance", Args: cobra.ExactArgs(2),
		Example: "  cvm eips associate eip-abc12345 ins-abc12345 --wait",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, args []string) error {
			resp, err := c.EIPs.Associate(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			row := outcome{ID: args[0], Outcome: "associating with " + args[1], RequestID: resp.RequestID}
			if o.wait {
				if err := a.waitEIPs(ctx, c, cvm.EIPBound, args[:1]); err != nil {
					return a.report([]outcome{row}, err)
				}
				row.Outcome = "bound to " + args[1]
			}
			return a.report([]outcome{row}, nil)
		})}
	waitFlag(cmd, &o.wait, "it is bound")
	return cmd
}

type eipsDisassociateOptions struct{ newIP, wait bool }

func (a *app) eipsDisassociateCommand() *cobra.Command {
	o := &eipsDisassociateOptions{}
	cmd := &cobra.Command{Use: "disassociate EIP", Short: "Unbind an EIP", Args: cobra.ExactArgs(1),
		Example: "  cvm eips disassociate eip-abc12345 --wait",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, args []string) error {
			resp, err := c.EIPs.Disassociate(ctx, args[0], o.newIP)
			if err != nil {
				return err
			}
			row := outcome{ID: args[0], Outcome: "disassociating", RequestID: resp.RequestID}
			if o.wait {
				if err := a.waitEIPs(ctx, c, cvm.EIPUnbound, args); err != nil {
					return a.report([]outcome{row}, err)
				}
				row.Outcome = "unbound"
			}
			return a.report([]outcome{row}, nil)
		})}
	cmd.Flags().BoolVar(&o.newIP, "new-public-ip", false, "give the instance an ordinary public IP instead")
	waitFlag(cmd, &o.wait, "it is unbound")
	return cmd
}

func (a *app) eipsDeleteCommand() *cobra.Command {
	return &cobra.Command{Use: "delete EIP...", Short: "Release unbound EIPs", Args: cobra.MinimumNArgs(1),
		Example: "  cvm eips delete eip-abc12345 --yes",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, ids []string) error {
			if err := a.confirm("release " + strings.Join(ids, " ")); err != nil {
				return err
			}
			resp, err := c.EIPs.Delete(ctx, ids...)
			return a.report(outcomesOf(ids, "released", nil, resp, err), nil)
		})}
}

type eipsWaitOptions struct{ status string }

func (a *app) eipsWaitCommand() *cobra.Command {
	o := &eipsWaitOptions{}
	cmd := &cobra.Command{Use: "wait EIP...", Short: "Wait until EIPs reach a status",
		Example: "  cvm eips wait eip-abc12345 --status bound --timeout 2m", Args: cobra.MinimumNArgs(1),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, ids []string) error {
			st, err := cvm.ParseEIPStatus(o.status)
			if err != nil {
				return usagef("--status: %v", err)
			}
			if err := a.waitEIPs(ctx, c, st, ids); err != nil {
				return err
			}
			rows := make([]outcome, len(ids))
			for i, id := range ids {
				rows[i] = outcome{ID: id, Outcome: st.String()}
			}
			return a.report(rows, nil)
		})}
	cmd.Flags().StringVar(&o.status, "status", "unbound", "the status to wait for: "+enumList(cvm.EIPStatusValues()))
	return cmd
}

func (a *app) waitEIPs(ctx context.Context, c *cvm.Client, st cvm.EIPStatus, ids []string) error {
	stop := a.progress(fmt.Sprintf("waiting for %d EIP(s) to be %s", len(ids), st))
	err := c.EIPs.WaitStatus(ctx, st, ids...)
	stop(err == nil)
	return err
}
