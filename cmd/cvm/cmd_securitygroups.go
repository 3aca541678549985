package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/qcloud-legacy/cvm"
)

func (a *app) securityGroupsCommand() *cobra.Command {
	return group("security-groups", "List, create and delete security groups, and show and edit their rules", []string{"sg", "security-group"},
		a.securityGroupsListCommand(), a.rulesCommand(), a.securityGroupsCreateCommand(), a.securityGroupsDeleteCommand())
}

type securityGroupsListOptions struct{ page pageFlags }

func (a *app) securityGroupsListCommand() *cobra.Command {
	o := &securityGroupsListOptions{}
	cmd := &cobra.Command{Use: "list", Short: "List the security groups (every page)", Args: cobra.NoArgs, Example: "  cvm security-groups list",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ []string) error {
			opts := &cvm.SecurityGroupListOptions{ListOptions: o.page.options()}
			out, err := list(ctx, o.page, c.SecurityGroups.All(ctx, opts), func(ctx context.Context) ([]cvm.SecurityGroup, *cvm.Response, error) {
				return c.SecurityGroups.List(ctx, opts)
			})
			if err != nil {
				return err
			}
			return a.emit(out, groupCols)
		})}
	o.page.add(cmd)
	return cmd
}

type securityGroupsCreateOptions struct {
	req cvm.SecurityGroupCreateRequest
}

func (a *app) securityGroupsCreateCommand() *cobra.Command {
	o := &securityGroupsCreateOptions{}
	cmd := &cobra.Command{Use: "create", Short: "Create a security group", Args: cobra.NoArgs, Example: "  cvm security-groups create --name web --remark 'web tier'",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ []string) error {
			g, _, err := c.SecurityGroups.Create(ctx, &o.req)
			if err != nil {
				return err
			}
			return a.emit(g, groupCols)
		})}
	cmd.Flags().StringVar(&o.req.Name, "name", "", "its name")
	cmd.Flags().StringVar(&o.req.Remark, "remark", "", "its remark")
	cmd.Flags().IntVar(&o.req.ProjectID, "project", 0, "its project")
	return cmd
}

func (a *app) securityGroupsDeleteCommand() *cobra.Command {
	return &cobra.Command{Use: "delete ID...", Short: "Delete security groups; every id is tried", Args: cobra.MinimumNArgs(1),
		Example: "  cvm security-groups delete sg-abc12345 --yes",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, ids []string) error {
			if err := a.confirm("delete security group(s) " + strings.Join(ids, " ")); err != nil {
				return err
			}
			rows, cause := a.each(ctx, ids, "deleted", func(ctx context.Context, id string) (*cvm.Response, error) {
				return c.SecurityGroups.Delete(ctx, id)
			})
			return a.report(rows, cause)
		})}
}
