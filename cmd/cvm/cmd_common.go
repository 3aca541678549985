package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
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
	zoneCols     = columns{"id", "name", "zone", "state"}
	keyCols      = columns{"id", "name", "instanceIds", "created"}
	dealCols     = columns{"id", "name", "status", "price", "created"}
)

// group is a command that only holds others: run with no subcommand it
// shows its help; with an unknown one it is a usage error (exit 2), never
// the help with exit 0.
func group(use, short string, aliases []string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Aliases: aliases, Args: cobra.ArbitraryArgs,
		Example: fmt.Sprintf("  cvm %s %s --help", use, subs[0].Name()),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += "; did you mean " + strings.Join(s, " or ") + "?"
			}
			return usagef("%s (see %s --help)", msg, cmd.CommandPath())
		}}
	cmd.SuggestionsMinimumDistance = 2
	cmd.AddCommand(subs...)
	return cmd
}

// pageFlags are a list command's paging: --limit, --page-size and
// --no-paginate, defined once here.
type pageFlags struct {
	limit, pageSize int
	noPaginate      bool
}

func (p *pageFlags) add(cmd *cobra.Command) {
	cmd.Flags().IntVar(&p.limit, "limit", 0, "stop after this many (0: all)")
	cmd.Flags().IntVar(&p.pageSize, "page-size", 0, "how many each API call asks for (1 to 100; 0: the largest the action allows)")
	cmd.Flags().BoolVar(&p.noPaginate, "no-paginate", false, "make one API call: its page only")
}

func (p pageFlags) validate() error {
	switch {
	case p.limit < 0:
		return usagef("--limit %d: want 0 or more", p.limit)
	case p.pageSize < 0 || p.pageSize > cvm.MaxPageSize:
		return usagef("--page-size %d: want 1 to %d", p.pageSize, cvm.MaxPageSize)
	}
	return nil
}

// options are the list options of the flags.
func (p pageFlags) options() cvm.ListOptions { return cvm.ListOptions{Limit: p.pageSize} }

// list gathers a list command's items: every page (all), or one
// (--no-paginate), stopping after --limit.
func list[T any](ctx context.Context, p pageFlags, all iter.Seq2[T, error], one func(context.Context) ([]T, *cvm.Response, error)) ([]T, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if p.noPaginate {
		items, _, err := one(ctx)
		if err != nil {
			return nil, err
		}
		if p.limit > 0 && len(items) > p.limit {
			items = items[:p.limit]
		}
		return items, nil
	}
	var out []T
	for it, err := range all {
		if err != nil {
			return nil, err
		}
		out = append(out, it)
		if p.limit > 0 && len(out) == p.limit {
			break
		}
	}
	return out, nil
}

// countFlag is --count of a command that makes resources: at least 1
// (the API's 0 would make one); above 100, the SDK makes several calls.
func countFlag(cmd *cobra.Command, count *int, what string) {
	cmd.Flags().IntVar(count, "count", 1, "how many "+what+" (1 or more; above 100, several calls)")
}

func checkCount(count int) error {
	if count < 1 {
		return usagef("--count %d: want 1 or more", count)
	}
	return nil
}

// withClient runs f with the command's client and context (--timeout).
// Under --dry-run, what f prints is dropped and the requests it would have
// sent are printed instead.
func (a *app) withClient(f func(ctx context.Context, c *cvm.Client, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ctx, cancel := a.ctx(cmd)
		defer cancel()
		c, err := a.clientFor(ctx)
		if err != nil {
			return err
		}
		if !a.dryRun {
			return f(ctx, c, args)
		}
		out, errw := a.out, a.err
		a.out, a.err = io.Discard, io.Discard
		err = f(ctx, c, args)
		a.out, a.err = out, errw
		var pe *partialError
		if err != nil && !errors.Is(err, errDryRun) && !errors.As(err, &pe) {
			return err
		}
		if len(a.dry.kept) == 0 {
			fmt.Fprintln(a.err, "cvm: --dry-run: nothing would be changed")
		}
		return a.emit(a.dry.kept, columns{"method", "url", "action", "params"})
	}
}

// waitFlag is --wait of a command whose change takes time.
func waitFlag(cmd *cobra.Command, wait *bool, until string) {
	cmd.Flags().BoolVar(wait, "wait", false, "wait until "+until)
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

// succeeded are the ids whose outcome was a success.
func succeeded(rows []outcome) []string {
	var ids []string
	for _, o := range rows {
		if o.ok() {
			ids = append(ids, o.ID)
		}
	}
	return ids
}

func enumList[T fmt.Stringer](vs []T) string {
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = v.String()
	}
	return strings.Join(names, ", ")
}
