package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// streams are the command's standard streams.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// Exit codes.
const (
	exitOK      = 0
	exitError   = 1 // an API error, or another failure of the call
	exitUsage   = 2 // a usage or configuration error: nothing was sent
	exitPartial = 3 // a command on several resources where some failed
	exitTimeout = 124
	exitSignal  = 130
)

// app is one invocation: its global flags and, once made, its client.
type app struct {
	streams
	region, profile, endpoint, api, output, query   string
	debug, noColor, emulator, yes, dryRun, failFast bool
	timeout                                         time.Duration
	// dry is the transport of --dry-run, holding what was not sent.
	dry *dryRunTransport

	client *cvm.Client
	srv    *cvmtest.Server
	// exit is the code the command asks for when it succeeded in part.
	exit int
}

// usageError is a mistake in how the command was called.
type usageError struct{ error }

// configError is a configuration that cannot be used (credentials, a
// profile, a setting of the environment): exit 2, as a usage error.
type configError struct{ error }

func (e configError) Unwrap() error { return e.error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// run runs the command line and returns its exit code.
func run(ctx context.Context, args []string, s streams) int {
	a := &app{streams: s}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	err := root.ExecuteContext(ctx)
	if a.srv != nil {
		a.srv.Close()
	}
	return a.exitCode(ctx, err)
}

// exitCode prints err (one line) and returns the exit code it means.
func (a *app) exitCode(ctx context.Context, err error) int {
	if err == nil {
		return a.exit
	}
	fmt.Fprintln(a.err, "cvm:", strings.TrimPrefix(oneLine(err.Error()), "cvm: "))
	if isUsage(err) {
		return exitUsage
	}
	var pe *partialError
	switch {
	case ctx.Err() != nil:
		return exitSignal // interrupted, after printing what was done
	case errors.Is(err, context.DeadlineExceeded):
		return exitTimeout
	case errors.As(err, &pe) && pe.failed < pe.total:
		return exitPartial
	}
	return exitError
}

func isUsage(err error) bool {
	var u usageError
	var c configError
	var argErr *cvm.ArgError
	return errors.As(err, &u) || errors.As(err, &c) || errors.As(err, &argErr) ||
		strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "unknown flag") ||
		strings.HasPrefix(err.Error(), "unknown shorthand flag") || strings.Contains(err.Error(), "flag needs an argument") ||
		strings.HasPrefix(err.Error(), "invalid argument") || strings.Contains(err.Error(), "arg(s)")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "cvm",
		Short: "Manage Tencent Cloud CVM fleets: instances, images, EIPs, security groups, zones, key pairs, orders",
		Long: `cvm manages Tencent Cloud CVM resources from a shell, over the legacy API or API 3.0,
with the credentials of the environment, ~/.tencentcloud/credentials, tccli's profiles or the
instance's role, the SDK's quota limiter and its safe retries.

Exit codes: 0 success; 1 an API error (or every resource of the command failed); 2 a usage
or configuration error (nothing was sent); 3 some of several resources failed (each reported);
124 --timeout ran out; 130 interrupted (after reporting what was done).`,
		Example: `  cvm --emulator instances list -o table          # try it: an embedded emulator, no credentials
  cvm instances list --query "[?status=='running'].id" -o text
  cvm instances stop ins-abc12345 ins-def67890 --wait
  cvm --api 3 zones list -o json`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.validate() },
	}
	f := root.PersistentFlags()
	f.StringVar(&a.region, "region", "", "region, such as gz or ap-guangzhou (default: TENCENTCLOUD_REGION, the profile's, or gz)")
	f.StringVar(&a.profile, "profile", "", "credentials profile (of ~/.tencentcloud/credentials or tccli's)")
	f.StringVar(&a.endpoint, "endpoint", "", "the API's URL, such as http://127.0.0.1:9191/v2/index.php (legacy) or http://127.0.0.1:9191 (--api 3)")
	f.StringVar(&a.api, "api", "", `contract: "legacy" or "3" (default: TENCENTCLOUD_CVM_API, or legacy)`)
	f.StringVarP(&a.output, "output", "o", "table", "output: table, json, yaml or text")
	f.StringVar(&a.query, "query", "", "a JMESPath expression applied to the JSON form of the result")
	f.BoolVar(&a.debug, "debug", false, "one line per attempt on stderr (never a secret)")
	f.DurationVar(&a.timeout, "timeout", 5*time.Minute, "give up after this long")
	f.BoolVar(&a.noColor, "no-color", false, "no colour in tables (they have none; accepted for scripts)")
	f.BoolVar(&a.emulator, "emulator", false, "run against an embedded emulator seeded with a few resources: no credentials, nothing beyond this process")
	f.BoolVarP(&a.yes, "yes", "y", false, "do not ask before terminating or deleting")
	f.BoolVar(&a.dryRun, "dry-run", false, "print each request that would change something (secrets redacted) and send none; reads are sent")
	f.BoolVar(&a.failFast, "fail-fast", false, "on several resources, stop at the first failure (the rest are reported not tried)")
	root.AddCommand(a.instancesCommand(), a.imagesCommand(), a.eipsCommand(), a.securityGroupsCommand(),
		a.zonesCommand(), a.keyPairsCommand(), a.dealsCommand(), a.callCommand(), a.versionCommand())
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	return root
}

func (a *app) validate() error {
	switch a.output {
	case "table", "json", "yaml", "text":
	default:
		return usagef("--output %q: want table, json, yaml or text", a.output)
	}
	if a.api != "" {
		if _, err := cvm.ParseAPIVersion(a.api); err != nil {
			return usagef("--api %q: want legacy or 3", a.api)
		}
	}
	if a.query != "" {
		if _, err := compileQuery(a.query); err != nil {
			return usagef("--query: %v", err)
		}
	}
	return nil
}

// emulatorOptions seed --emulator's server: three instances, an image, a
// security group, an EIP; its clock moves by itself while a command waits.
var emulatorOptions = func() []cvmtest.Option {
	return []cvmtest.Option{cvmtest.WithInstances(3), cvmtest.WithImages("web-image"), cvmtest.WithSecurityGroups("web"),
		cvmtest.WithEIPs(1), cvmtest.WithAutoAdvance(time.Now()), cvmtest.WithoutNetwork(), cvmtest.WithSeed(1)}
}

// sharedEmulator, when set (by tests), is the --emulator of every command,
// so that a sequence of commands sees one state.
var sharedEmulator *cvmtest.Server

// wrapTransport, when set (by tests), wraps the transport of every
// command's client: a test acts between a command's calls.
var wrapTransport func(http.RoundTripper) http.RoundTripper

// clientFor makes the command's client, once.
func (a *app) clientFor(ctx context.Context) (*cvm.Client, error) {
	if a.client != nil {
		return a.client, nil
	}
	api, err := a.contract()
	if err != nil {
		return nil, err
	}
	var cfg cvm.Config
	if a.emulator {
		srv := sharedEmulator
		if srv == nil {
			srv = cvmtest.NewServer(emulatorOptions()...)
			a.srv = srv // closed when the command ends
		}
		cfg = srv.Config()
		if api == cvm.API3 {
			cfg = srv.API3Config()
		}
		// The emulator's clock moves when a waiter polls: poll at once.
		cfg.Wait = cvm.WaitPolicy{MinDelay: time.Millisecond, MaxDelay: time.Millisecond}
	} else {
		if a.profile != "" {
			// The profile alone: a name defined nowhere is an error
			// naming it, never another account's credentials.
			cfg, err = cvm.ConfigForProfile(a.profile)
		} else {
			cfg, err = cvm.ConfigFromEnv()
		}
		if err != nil {
			return nil, configError{err}
		}
		cfg.API = api
		if cfg.Region == "" {
			cfg.Region = "gz"
		}
	}
	if a.region != "" {
		cfg.Region = a.region
	}
	if a.endpoint != "" {
		cfg.Endpoint = a.endpoint
	}
	if a.debug {
		cfg.Logger = slog.New(slog.NewTextHandler(a.err, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if wrapTransport != nil {
		next := http.DefaultTransport
		if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
			next = cfg.HTTPClient.Transport
		}
		cfg.HTTPClient = &http.Client{Transport: wrapTransport(next)}
	}
	if a.dryRun {
		next := http.DefaultTransport
		if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
			next = cfg.HTTPClient.Transport
		}
		a.dry = &dryRunTransport{next: next}
		// A change kept here was provably not sent, which the SDK would
		// retry: one attempt shows each once.
		cfg.MaxAttempts, cfg.Retry.MaxAttempts = 1, 1
		hc := &http.Client{Transport: a.dry}
		if cfg.HTTPClient != nil {
			hc.Timeout = cfg.HTTPClient.Timeout
		}
		cfg.HTTPClient = hc
	}
	c, err := cvm.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	a.client = c
	return c, nil
}

// contract is the contract every command speaks: --api, else
// TENCENTCLOUD_CVM_API, else the legacy API. The client is made with it,
// and everything else asks the client (Client.API).
func (a *app) contract() (cvm.APIVersion, error) {
	name, from := a.api, "--api"
	if name == "" {
		name, from = os.Getenv(cvm.EnvCVMAPI), cvm.EnvCVMAPI
	}
	api, err := cvm.ParseAPIVersion(name)
	if err != nil {
		return 0, usagef("%s %q: want legacy or 3", from, name)
	}
	return api, nil
}

// ctx is the command's context, with --timeout.
func (a *app) ctx(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	return context.WithTimeout(cmd.Context(), a.timeout)
}

// confirm asks before a destructive change, on a terminal; elsewhere it
// needs --yes.
func (a *app) confirm(what string) error {
	if a.yes || a.dryRun {
		return nil
	}
	if !isTerminal(a.in) {
		return usagef("%s: pass --yes to confirm (stdin is not a terminal)", what)
	}
	fmt.Fprintf(a.err, "%s? [y/N] ", what)
	line, _ := bufio.NewReader(a.in).ReadString('\n')
	if ans := strings.ToLower(strings.TrimSpace(line)); ans != "y" && ans != "yes" {
		return usagef("%s: not confirmed", what)
	}
	return nil
}

// isTerminal reports whether a stream is a terminal (not merely a
// character device: /dev/null is one too).
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
