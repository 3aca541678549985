// Command cvm-emulator serves an emulator of the legacy CVM API
// (https://<module>.api.qcloud.com/v2/index.php) and of API 3.0
// (https://cvm.tencentcloudapi.com/), over one state, on a local port, for
// trying programs and SDKs against it without touching the cloud.
//
// Usage:
//
//	cvm-emulator [-addr 127.0.0.1:9191] [-secret-id ID -secret-key KEY]
//	             [-quota-global 1000] [-quota-action 100] [-quota-window 1m]
//	             [-instances N] [-transition 2s] [-seed N]
//	             [-role NAME -role-ttl 2h] [-read-timeout 30s] [-token T]
//	             [-region gz] [-seed-region gz:instances=3,eips=1 ...]
//	             [-seed-file seed.json] [-state state.json]
//	             [-admin-token T] [-fake-clock] [-quiet]
//
// It prints its endpoint and credentials when ready, logs one line per
// request, serves an admin API under /_emulator/ (reset, seed, state,
// faults, clock, request log; see -h), and stops cleanly on SIGINT or
// SIGTERM, saving its state first when -state is set.
package main

import (
	"bytes"
	"compress/gzip"
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
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/qcloud-legacy/cvm/internal/emulator"
)

func main() {
	os.Exit(exitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// exitCode is 0 for a clean stop and for -h (the help was asked for and
// printed), 2 for bad flags (as the flag package's own), 1 otherwise.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(*flagError)):
		fmt.Fprintln(stderr, "cvm-emulator:", err)
		return 2
	}
	fmt.Fprintln(stderr, "cvm-emulator:", err)
	return 1
}

// flagError is a flag the command cannot use.
type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

// emulatorSettings is what -print-settings json prints: everything a test
// in any language needs to call the emulator.
type emulatorSettings struct {
	Endpoint  string `json:"endpoint"`
	SecretID  string `json:"secretId"`
	SecretKey string `json:"secretKey"`
	Region    string `json:"region"`
	Token     string `json:"token,omitempty"`
	Admin     string `json:"admin"`
	Metadata  string `json:"metadata,omitempty"`
	// API3Endpoint is what Tencent's API 3.0 SDKs take as their endpoint:
	// host:port, called over plain HTTP.
	API3Endpoint string `json:"api3Endpoint"`
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

// regionSeeds collects -seed-region flags: "gz:instances=5,eips=2,images=web|db".
type regionSeeds map[string]emulator.RegionSeed

func (r regionSeeds) String() string { return "" }

func (r regionSeeds) Set(v string) error {
	region, spec, ok := strings.Cut(v, ":")
	if !ok || region == "" {
		return fmt.Errorf("want REGION:KIND=VALUE,..., got %q", v)
	}
	sp := r[region]
	for _, kv := range strings.Split(spec, ",") {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("want KIND=VALUE, got %q", kv)
		}
		names := strings.Split(val, "|")
		switch k {
		case "instances", "eips":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return fmt.Errorf("%s takes a count, got %q", k, val)
			}
			if k == "instances" {
				sp.Instances += n
			} else {
				sp.EIPs += n
			}
		case "images":
			sp.Images = append(sp.Images, names...)
		case "groups":
			sp.SecurityGroups = append(sp.SecurityGroups, names...)
		case "keypairs":
			sp.KeyPairs = append(sp.KeyPairs, names...)
		case "projects":
			sp.Projects = append(sp.Projects, names...)
		default:
			return fmt.Errorf("unknown kind %q (instances, eips, images, groups, keypairs, projects)", k)
		}
	}
	r[region] = sp
	return nil
}

// packState returns the emulator's state, gzipped.
func packState(emu *emulator.Server) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if err := emulator.WriteSnapshot(zw, emu.Snapshot()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// unpackState restores a state packState made.
func unpackState(emu *emulator.Server, packed []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(packed))
	if err != nil {
		return err
	}
	snap, err := emulator.ReadSnapshot(zr)
	if err != nil {
		return err
	}
	return emu.Restore(snap)
}

// writeState writes a snapshot atomically: a temporary file renamed over
// the old one, so a crash never leaves half a file.
func writeState(emu *emulator.Server, path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".cvm-emulator-state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := emulator.WriteSnapshot(tmp, emu.Snapshot()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

const usage = `cvm-emulator serves an emulator of the legacy CVM API and of API 3.0, over
one state, on a local port.

API:   POST or GET http://ADDR/v2/index.php, signed as the API documents.
API 3.0: http://ADDR/ (services cvm, vpc, cbs, billing, tag, region, api), POST JSON or
       GET signed with TC3-HMAC-SHA256, or a form or GET signed with v1.
       Point Tencent's official SDKs at it with the endpoint ADDR over HTTP:
         Go:     cpf.HttpProfile.Endpoint = "ADDR"; cpf.HttpProfile.Scheme = "HTTP"
         Node:   profile: {httpProfile: {endpoint: "ADDR", protocol: "http://"}}
         Python: HttpProfile(endpoint="ADDR", protocol="http")
         tccli:  tccli cvm DescribeZones --endpoint http://ADDR (its Host
                 header carries the scheme, which this server accepts)
       Regions by name (ap-guangzhou), zones by name (ap-guangzhou-3).
Admin: JSON under http://ADDR/_emulator/ (loopback clients under a loopback
       Host only, unless -admin-token is set; then "Authorization: Bearer
       TOKEN"). Cross-site requests are refused, and every write must say
       Content-Type: application/json.
  GET    /_emulator/health     {"status":"ok","inFlight":N,...} once serving
  POST   /_emulator/reset      state back to what the flags seeded
  POST   /_emulator/seed       add resources (the JSON of -seed-file), by count
                               or one by one with their attributes:
                               {"regions":{"gz":{"instances":[{"name":"web-1",
                               "status":"stopped","cpu":2,"memoryGB":4}],
                               "eips":[{"name":"pub-1","instance":"web-1"}]}}};
                               answers the ids made. At most 100,000 a request,
                               1,000,000 a region.
  GET    /_emulator/state      a snapshot; PUT /_emulator/state restores one
  POST   /_emulator/faults     {"action":"StopInstances","code":6000,"message":"...",
                               "httpStatus":502,"body":"...","delay":"2s","drop":true,
                               "times":1,"probability":0.5,"ids":["ins-..."]}
                               (any subset; "*" for all; ids: calls naming them only)
  DELETE /_emulator/faults     every fault removed
  POST   /_emulator/clock      {"advance":"5s"} (with -fake-clock)
  GET    /_emulator/requests   {"requests":[{"time","method","path","action","module",
                               "region","code","status","requestId","params"}]};
                               ?action=&code=&since= filter; DELETE clears
Metadata: GET /latest/meta-data/cam/security-credentials/[ROLE] (with -role).

Flags:
`

// run parses flags and serves until ctx ends or a signal arrives.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	opts, fake, err := cfg.options(stderr)
	if err != nil {
		return err
	}
	emu := emulator.New(opts)
	seeded, err := cfg.load(emu)
	if err != nil {
		return err
	}
	save := func() error { return nil }
	if cfg.statePath != "" {
		save = func() error { return writeState(emu, cfg.statePath) }
	}
	handler := emu.Admin(emulator.AdminOptions{Token: cfg.adminToken, Fake: fake, SaveState: save,
		Reset: func() error { return unpackState(emu, seeded) }})
	// Seeding and loading leave garbage behind: give it back to the system
	// before serving, so that resident memory follows the state.
	debug.FreeOSMemory()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	// tccli --endpoint http://… sends the scheme in its Host header, which
	// net/http would refuse before the emulator sees it.
	ln = emulator.SchemeHostListener(ln)
	srv := newServer(handler, cfg.readTimeout)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	notes, err := cfg.printSettings(ln.Addr().String(), stdout, stderr)
	if err != nil {
		return err
	}
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	return cfg.shutdown(srv, emu, save, serveErr, notes, stderr)
}

// shutdown ends every way out, saving the state: stop taking requests,
// give running ones the budget, cut off what is left, then make the state
// final (under the state lock, so no request changes it after the save).
func (cfg *config) shutdown(srv *http.Server, emu *emulator.Server, save func() error, serveErr error, notes, stderr io.Writer) error {
	shutdown, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		fmt.Fprintf(stderr, "cvm-emulator: %d request(s) still running after %v, cut off\n", emu.InFlight(), cfg.shutdownTimeout)
		_ = srv.Close()
	}
	emu.Stop()
	if cfg.statePath != "" {
		if err := save(); err != nil {
			return errors.Join(serveErr, fmt.Errorf("saving the state to %s: %w", cfg.statePath, err))
		}
		fmt.Fprintf(notes, "state saved to %s\n", cfg.statePath)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	fmt.Fprintln(notes, "cvm-emulator stopped")
	return nil
}
