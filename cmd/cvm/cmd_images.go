package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/qcloud-legacy/cvm"
)

func (a *app) imagesCommand() *cobra.Command {
	return group("images", "List and show images", []string{"image"}, a.imagesListCommand(), a.imagesGetCommand())
}

type imagesListOptions struct {
	typ  string
	page pageFlags
}

func (a *app) imagesListCommand() *cobra.Command {
	o := &imagesListOptions{}
	cmd := &cobra.Command{Use: "list", Short: "List images of a type (every page)", Args: cobra.NoArgs,
		Example: "  cvm images list --type public -o table",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, _ []string) error {
			t, err := cvm.ParseImageType(o.typ)
			if err != nil {
				return usagef("--type: %v", err)
			}
			opts := &cvm.ImageListOptions{Type: t, ListOptions: o.page.options()}
			out, err := list(ctx, o.page, c.Images.All(ctx, opts), func(ctx context.Context) ([]cvm.Image, *cvm.Response, error) {
				return c.Images.List(ctx, opts)
			})
			if err != nil {
				return err
			}
			return a.emit(out, imageCols)
		})}
	cmd.Flags().StringVar(&o.typ, "type", "public", "image type: "+enumList(cvm.ImageTypeValues()))
	o.page.add(cmd)
	return cmd
}

func (a *app) imagesGetCommand() *cobra.Command {
	return &cobra.Command{Use: "get ID", Short: "Show one image", Args: cobra.ExactArgs(1), Example: "  cvm images get img-31tjrtph",
		RunE: a.withClient(func(ctx context.Context, c *cvm.Client, args []string) error {
			img, _, err := c.Images.Get(ctx, args[0])
			if err != nil {
				return err
			}
			return a.emit(img, imageCols)
		})}
}
