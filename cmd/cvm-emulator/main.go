// Command cvm-emulator serves an emulator of the legacy CVM API
// (https://<module>.api.qcloud.com/v2/index.php) on a local port, for
// trying programs and SDKs against it without touching the cloud.
//
// Usage:
//
//	cvm-emulator [-addr 127.0.0.1:9191] [-secret-id ID -secret-key KEY]
//	             [-quota-global 1000] [-quota-action 100] [-quota-window 1m]
//	             [-instances N] [-transition 2s] [-seed N]
//	             [-role NAME -role-ttl 2h] [-read-timeout 30s]
//
// It prints its endpoint and credentials when ready, logs one line per
// request, and stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/qcloud-legacy/cvm/internal/emulator"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cvm-emulator:", err)
		os.Exit(1)
	}
}

// newServer returns the HTTP server: no client can hold a connection by
// trickling a request (headers and body together must arrive within
// readTimeout, headers alone within a third of it), answers must be written
// within twice readTimeout plus the longest injected delay a test would use,
// idle connections go after two minutes, and headers are capped at 64 KiB.
// The emulator caps bodies itself, answering with the API's envelope.
func newServer(h http.Handler, readTimeout time.Duration) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: max(readTimeout/3, time.Millisecond),
		ReadTimeout:       readTimeout,
		WriteTimeout:      2*readTimeout + time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(slog.NewTextHandler(io.Discard, nil), slog.LevelError),
	}
}

// run parses flags and serves until ctx ends or a signal arrives.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cvm-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9191", "address to listen on")
	id := fs.String("secret-id", emulator.DefaultSecretID, "SecretId the emulator accepts")
	key := fs.String("secret-key", emulator.DefaultSecretKey, "SecretKey of that SecretId")
	qGlobal := fs.Int("quota-global", 1000, "calls per window per SecretId (0 turns quotas off)")
	qAction := fs.Int("quota-action", 100, "calls per window per SecretId and action (0 turns quotas off)")
	qWindow := fs.Duration("quota-window", time.Minute, "quota window")
	instances := fs.Int("instances", 0, "seed N running instances in the default region (gz)")
	transition := fs.Duration("transition", 2*time.Second, "how long a transitional state lasts")
	seed := fs.Uint64("seed", 0, "seed for generated ids")
	quiet := fs.Bool("quiet", false, "do not log requests")
	role := fs.String("role", "", "bind this CAM role to the instance the metadata service (/latest/meta-data/cam/security-credentials/) speaks for")
	roleTTL := fs.Duration("role-ttl", 2*time.Hour, "how long the role's temporary keys last")
	readTimeout := fs.Duration("read-timeout", 30*time.Second, "how long a client may take to send a whole request; a slower one is disconnected")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch {
	case *id == "" || *key == "":
		return errors.New("-secret-id and -secret-key must not be empty")
	case *qGlobal < 0 || *qAction < 0 || *qWindow <= 0:
		return errors.New("quotas must not be negative and the window must be positive")
	case *instances < 0:
		return errors.New("-instances must not be negative")
	case *readTimeout <= 0:
		return errors.New("-read-timeout must be positive")
	case *roleTTL <= 0:
		return errors.New("-role-ttl must be positive")
	}
	opts := emulator.Options{
		Keys:        map[string]string{*id: *key},
		QuotaGlobal: *qGlobal, QuotaAction: *qAction, QuotaWindow: *qWindow,
		QuotasOff:  *qGlobal == 0 || *qAction == 0,
		Transition: *transition, Seed: *seed,
	}
	if *transition <= 0 {
		opts.Transition = -1
	}
	if *role != "" {
		opts.Roles = map[string]time.Duration{*role: *roleTTL}
	}
	if !*quiet {
		opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	emu := emulator.New(opts)
	if *instances > 0 {
		if _, err := emu.SeedInstances(emulator.DefaultRegion, *instances); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := newServer(emu, *readTimeout)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	fmt.Fprintf(stdout, "cvm-emulator listening\n")
	fmt.Fprintf(stdout, "  endpoint:   http://%s%s\n", ln.Addr(), emulator.Path)
	fmt.Fprintf(stdout, "  secret id:  %s\n", *id)
	fmt.Fprintf(stdout, "  secret key: %s\n", *key)
	fmt.Fprintf(stdout, "  region:     %s\n", emulator.DefaultRegion)
	if *role != "" {
		fmt.Fprintf(stdout, "  metadata:   http://%s (instance role %s, keys for %v)\n", ln.Addr(), *role, *roleTTL)
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "cvm-emulator stopped")
	return nil
}
