package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/qcloud-legacy/cvm"
)

func (a *app) zonesCommand() *cobra.Command {
	return group("zones", "List the zones of the region", []string{"zone"},
		&cobra.Command{Use: "list", Short: "List the zones of the region", Args: cobra.NoArgs, Example: "  cvm zones list --region sh",
			RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ []string) error {
				zs, _, err := c.Zones.List(ctx)
				if err != nil {
					return err
				}
				return a.emit(zs, zoneCols)
			})})
}
