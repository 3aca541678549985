package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/qcloud-legacy/cvm"
)

func (a *app) instancesCommand() *cobra.Command {
	return group("instances", "List, create, start, stop and terminate instances", []string{"instance", "ins"},
		a.instancesListCommand(), a.instancesGetCommand(), a.instancesCreateCommand(),
		a.lifecycleCommand("start", "Start stopped instances", cvm.InstanceRunning,
			func(ctx context.Context, c *cvm.Client, ids []string, _ bool) (*cvm.BatchResult, *cvm.Response, error) {
				return c.Instances.Start(ctx, ids...)
			}),
		a.lifecycleCommand("stop", "Stop running instances", cvm.InstanceStopped,
			func(ctx context.Context, c *cvm.Client, ids []string, force bool) (*cvm.BatchResult, *cvm.Response, error) {
				if force {
					return c.Instances.ForceStop(ctx, ids...)
				}
				return c.Instances.Stop(ctx, ids...)
			}),
		a.lifecycleCommand("restart", "Restart running instances", cvm.InstanceRunning,
			func(ctx context.Context, c *cvm.Client, ids []string, _ bool) (*cvm.BatchResult, *cvm.Response, error) {
				return c.Instances.Restart(ctx, ids...)
			}),
		a.terminateCommand(), a.resetPasswordCommand(), a.renameCommand(), a.instancesWaitCommand())
}

type instancesListOptions struct {
	zone         int
	status, name string
	ids          []string
	page         pageFlags
}

func (a *app) instancesListCommand() *cobra.Command {
	o := &instancesListOptions{}
	cmd := &cobra.Command{Use: "list", Short: "List the instances of the region (every page)",
		Example: `  cvm instances list -o table
  cvm instances list --status running --zone 100003 -o json
  cvm instances list --query "[?status=='stopped'].id" -o text`,
		Args: cobra.NoArgs,
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ []string) error {
			opts := &cvm.InstanceListOptions{ZoneID: o.zone, SearchWord: o.name, InstanceIDs: o.ids, ListOptions: o.page.options()}
			if o.status != "" {
				st, err := cvm.ParseInstanceStatus(o.status)
				if err != nil {
					return usagef("--status: %v", err)
				}
				opts.Status = st
			}
			out, err := list(ctx, o.page, c.Instances.All(ctx, opts), func(ctx context.Context) ([]cvm.Instance, *cvm.Response, error) {
				return c.Instances.List(ctx, opts)
			})
			if err != nil {
				return err
			}
			return a.emit(out, instanceCols)
		})}
	f := cmd.Flags()
	f.IntVar(&o.zone, "zone", 0, "keep the instances of this zone id (such as 100003)")
	f.StringVar(&o.status, "status", "", "keep the instances in this status: "+enumList(cvm.InstanceStatusValues()))
	f.StringVar(&o.name, "name", "", "keep the instances whose name contains this")
	f.StringSliceVar(&o.ids, "ids", nil, "keep these instances (comma-separated)")
	o.page.add(cmd)
	return cmd
}

func (a *app) instancesGetCommand() *cobra.Command {
	return &cobra.Command{Use: "get ID", Short: "Show one instance", Example: "  cvm instances get ins-abc12345 -o yaml",
		Args: cobra.ExactArgs(1),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, args []string) error {
			in, _, err := c.Instances.Get(ctx, args[0])
			if err != nil {
				return err
			}
			return a.emit(in, instanceCols)
		})}
}

type instancesCreateOptions struct {
	req  cvm.InstanceCreateRequest
	wait bool
}

func (a *app) instancesCreateCommand() *cobra.Command {
	o := &instancesCreateOptions{}
	cmd := &cobra.Command{Use: "create", Short: "Create postpaid instances (each call idempotent)",
		Example: "  cvm instances create --zone 100003 --cpu 2 --memory 4 --image img-31tjrtph --count 2 --name web --wait",
		Args:    cobra.NoArgs,
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ []string) error {
			if err := checkCount(o.req.Count); err != nil {
				return err
			}
			ids, _, err := c.Instances.Create(ctx, &o.req)
			if err != nil && len(ids) == 0 {
				return err
			}
			if err == nil && o.wait {
				err = a.waitInstances(ctx, c, cvm.InstanceRunning, ids)
			}
			// What was made is shown, whatever came after.
			if serr := a.showInstances(ctx, c, ids); serr != nil && err == nil {
				err = serr
			}
			return err
		})}
	f := cmd.Flags()
	f.IntVar(&o.req.ZoneID, "zone", 0, "zone id, such as 100003 (required)")
	f.IntVar(&o.req.CPU, "cpu", 0, "cores (required)")
	f.IntVar(&o.req.MemoryGB, "memory", 0, "memory in GB (required)")
	f.StringVar(&o.req.ImageID, "image", "", "image id, such as img-31tjrtph (required)")
	countFlag(cmd, &o.req.Count, "instances")
	f.StringVar(&o.req.Name, "name", "", "their name")
	f.IntVar(&o.req.BandwidthMbps, "bandwidth", 0, "public bandwidth in Mbps (0: no public IP)")
	f.StringVar(&o.req.Password, "password", "", "login password (or a key pair, --key)")
	f.StringVar(&o.req.KeyID, "key", "", "an SSH key pair's id")
	f.StringVar(&o.req.Type, "type", "", "an API 3.0 instance type, such as S5.MEDIUM4 (with --api 3)")
	waitFlag(cmd, &o.wait, "they run")
	return cmd
}

type lifecycleOptions struct{ wait, force bool }

// lifecycleCommand is start, stop or restart of instances, with --wait:
// one batch call, each id's outcome reported.
func (a *app) lifecycleCommand(verb, short string, then cvm.InstanceStatus,
	op func(context.Context, *cvm.Client, []string, bool) (*cvm.BatchResult, *cvm.Response, error)) *cobra.Command {
	o := &lifecycleOptions{}
	cmd := &cobra.Command{Use: verb + " ID...", Short: short, Args: cobra.MinimumNArgs(1),
		Example: fmt.Sprintf("  cvm instances %s ins-abc12345 ins-def67890 --wait", verb),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, ids []string) error {
			res, resp, err := op(ctx, c, ids, o.force)
			rows := outcomesOf(ids, verb+" accepted", res, resp, err)
			var cause error
			if ok := succeeded(rows); o.wait && len(ok) > 0 {
				if cause = a.waitInstances(ctx, c, then, ok); cause == nil {
					for i := range rows {
						if rows[i].ok() {
							rows[i].Outcome = then.String()
						}
					}
				}
			}
			return a.report(rows, cause)
		})}
	waitFlag(cmd, &o.wait, "they are "+then.String())
	if verb == "stop" {
		cmd.Flags().BoolVar(&o.force, "force", false, "force the stop (as pulling the plug)")
	}
	return cmd
}

type terminateOptions struct{ wait bool }

func (a *app) terminateCommand() *cobra.Command {
	o := &terminateOptions{}
	cmd := &cobra.Command{Use: "terminate ID...", Short: "Return (terminate) instances: they are destroyed; every id is tried",
		Example: "  cvm instances terminate ins-abc12345 ins-def67890 --yes --wait", Args: cobra.MinimumNArgs(1),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, ids []string) error {
			if err := a.confirm(fmt.Sprintf("terminate %d instance(s) %s", len(ids), strings.Join(ids, " "))); err != nil {
				return err
			}
			rows, cause := a.each(ctx, ids, "terminated", func(ctx context.Context, id string) (*cvm.Response, error) {
				return c.Instances.Terminate(ctx, id)
			})
			if ok := succeeded(rows); cause == nil && o.wait && len(ok) > 0 {
				cause = a.waitInstances(ctx, c, cvm.InstanceReturned, ok)
			}
			return a.report(rows, cause)
		})}
	waitFlag(cmd, &o.wait, "they are gone")
	return cmd
}

type resetPasswordOptions struct{ password string }

func (a *app) resetPasswordCommand() *cobra.Command {
	o := &resetPasswordOptions{}
	cmd := &cobra.Command{Use: "reset-password ID...", Short: "Reset the login password of stopped instances",
		Example: "  cvm instances reset-password ins-abc12345 --password 'Passw0rd!2'", Args: cobra.MinimumNArgs(1),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, ids []string) error {
			if o.password == "" {
				return usagef("--password is required")
			}
			res, resp, err := c.Instances.ResetPassword(ctx, o.password, ids...)
			return a.report(outcomesOf(ids, "password reset", res, resp, err), nil)
		})}
	cmd.Flags().StringVar(&o.password, "password", "", "the new password (required)")
	return cmd
}

func (a *app) renameCommand() *cobra.Command {
	return &cobra.Command{Use: "rename ID NAME", Short: "Rename an instance", Example: "  cvm instances rename ins-abc12345 web-2",
		Args: cobra.ExactArgs(2),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, args []string) error {
			if _, err := c.Instances.Rename(ctx, args[0], args[1]); err != nil {
				return err
			}
			return a.showInstances(ctx, c, args[:1])
		})}
}

type instancesWaitOptions struct{ status string }

func (a *app) instancesWaitCommand() *cobra.Command {
	o := &instancesWaitOptions{}
	cmd := &cobra.Command{Use: "wait ID...", Short: "Wait until instances reach a status",
		Example: "  cvm instances wait ins-abc12345 --status stopped --timeout 5m", Args: cobra.MinimumNArgs(1),
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, ids []string) error {
			st, err := cvm.ParseInstanceStatus(o.status)
			if err != nil {
				return usagef("--status: %v", err)
			}
			if err := a.waitInstances(ctx, c, st, ids); err != nil {
				return err
			}
			rows := make([]outcome, len(ids))
			for i, id := range ids {
				rows[i] = outcome{ID: id, Outcome: st.String()}
			}
			return a.report(rows, nil)
		})}
	cmd.Flags().StringVar(&o.status, "status", "running", "the status to wait for: "+enumList(cvm.InstanceStatusValues()))
	return cmd
}

// waitInstances waits, showing progress on stderr when it is a terminal.
func (a *app) waitInstances(ctx context.Context, c *cvm.Client, st cvm.InstanceStatus, ids []string) error {
	stop := a.progress(fmt.Sprintf("waiting for %d instance(s) to be %s", len(ids), st))
	err := c.Instances.WaitStatus(ctx, st, ids...)
	stop(err == nil)
	return err
}

func (a *app) showInstances(ctx context.Context, c *cvm.Client, ids []string) error {
	var out []cvm.Instance
	for in, err := range c.Instances.All(ctx, &cvm.InstanceListOptions{InstanceIDs: ids}) {
		if err != nil {
			return err
		}
		out = append(out, in)
	}
	return a.emit(out, instanceCols)
}
