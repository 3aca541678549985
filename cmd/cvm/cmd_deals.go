package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/qcloud-legacy/cvm"
)

func (a *app) dealsCommand() *cobra.Command {
	return group("deals", "List orders", []string{"deal", "orders"}, a.dealsListCommand())
}

type dealsListOptions struct {
	since time.Duration
	page  pageFlags
}

func (a *app) dealsListCommand() *cobra.Command {
	o := &dealsListOptions{}
	cmd := &cobra.Command{Use: "list", Short: "List the orders of a time span (every page)", Args: cobra.NoArgs, Example: "  cvm deals list --since 720h",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ []string) error {
			now := time.Now()
			opts := &cvm.DealListOptions{From: now.Add(-o.since), To: now.Add(time.Hour), Limit: o.page.pageSize}
			ds, err := list(ctx, o.page, c.Deals.All(ctx, opts), func(ctx context.Context) ([]cvm.Deal, *cvm.Response, error) {
				return c.Deals.List(ctx, opts)
			})
			if err != nil {
				return err
			}
			return a.emit(ds, dealCols)
		})}
	cmd.Flags().DurationVar(&o.since, "since", 30*24*time.Hour, "how far back")
	o.page.add(cmd)
	return cmd
}
