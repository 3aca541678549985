package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/internal/clock"
	"github.com/qcloud-legacy/cvm/internal/emulator"
)

// config is the command line, parsed.
type config struct {
	addr, id, key, token, region    string
	qGlobal, qAction, instances     int
	qWindow, transition, roleTTL    time.Duration
	shutdownTimeout, readTimeout    time.Duration
	seed                            uint64
	quiet, fakeClock, autoAdvance   bool
	printFormat, logFormat, role    string
	seeds                           regionSeeds
	seedPath, statePath, adminToken string
}

// parseFlags reads the command line; -h answers flag.ErrHelp, a bad flag a
// *flagError.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{seeds: regionSeeds{}}
	flags := flag.NewFlagSet("cvm-emulator", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&c.addr, "addr", "127.0.0.1:9191", "address to listen on")
	flags.StringVar(&c.id, "secret-id", emulator.DefaultSecretID, "SecretId the emulator accepts")
	flags.StringVar(&c.key, "secret-key", emulator.DefaultSecretKey, "SecretKey of that SecretId")
	flags.IntVar(&c.qGlobal, "quota-global", 1000, "calls per window per SecretId (0 turns quotas off)")
	flags.IntVar(&c.qAction, "quota-action", 100, "calls per window per SecretId and action (0 turns quotas off)")
	flags.DurationVar(&c.qWindow, "quota-window", time.Minute, "quota window")
	flags.IntVar(&c.instances, "instances", 0, "seed N running instances in the default region (-region)")
	flags.DurationVar(&c.transition, "transition", 2*time.Second, "how long a transitional state lasts")
	flags.Uint64Var(&c.seed, "seed", 0, "seed for generated ids")
	flags.BoolVar(&c.quiet, "quiet", false, "do not log requests")
	flags.StringVar(&c.printFormat, "print-settings", "text", `how to print the settings at start: "text" (aligned lines) or "json" (one JSON line on stdout, for scripts; every other line goes to stderr)`)
	flags.StringVar(&c.logFormat, "log-format", "text", `the request log on stderr: "text" or "json" (one JSON object a line)`)
	flags.StringVar(&c.role, "role", "", "bind this CAM role to the instance the metadata service (/latest/meta-data/cam/security-credentials/) speaks for")
	flags.DurationVar(&c.roleTTL, "role-ttl", 2*time.Hour, "how long the role's temporary keys last")
	flags.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 5*time.Second, "how long running requests may take to finish at SIGINT/SIGTERM before they are cut off (the state is saved either way)")
	flags.DurationVar(&c.readTimeout, "read-timeout", 30*time.Second, "how long a client may take to send a whole request; a slower one is disconnected")
	flags.StringVar(&c.token, "token", "", "make the key pair temporary credentials that need this session Token")
	flags.StringVar(&c.region, "region", emulator.DefaultRegion, "the default region, of -instances and of the printed settings")
	flags.Var(c.seeds, "seed-region", "seed a region, repeatable: REGION:instances=N,eips=N,images=a|b,groups=web|db,keypairs=k1|k2,projects=p")
	flags.StringVar(&c.seedPath, "seed-file", "", `seed from a JSON file: {"regions":{"gz":{"instances":3,"eips":1,"images":["web"],"securityGroups":["web"],"keyPairs":["deploy"],"projects":["backend"]}}}`)
	flags.StringVar(&c.statePath, "state", "", "load the state from FILE at start (if it exists) and save it there on SIGINT/SIGTERM and after PUT /_emulator/state")
	flags.StringVar(&c.adminToken, "admin-token", "", "serve the admin API to any client with this bearer token (otherwise loopback clients only)")
	flags.BoolVar(&c.fakeClock, "fake-clock", false, "run on a fake clock, started at the wall clock's time, that moves only through POST /_emulator/clock (or -auto-advance): transitions, quota windows and the expiry of temporary keys (-role) follow it. Signatures' Timestamps are judged by the wall clock, which clients sign with, so it may be moved any distance")
	flags.BoolVar(&c.autoAdvance, "auto-advance", false, "with -fake-clock: a describe call that would show a resource still moving, which an earlier describe already showed moving, first moves the clock to the end of that transition, so a program waiting on it finishes with no one advancing the clock")
	flags.Usage = func() {
		fmt.Fprint(flags.Output(), usage)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &flagError{err}
	}
	if flags.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", flags.Args())
	}
	return c, nil
}

// validate refuses settings the emulator cannot serve with.
func (c *config) validate() error {
	switch {
	case c.id == "" || c.key == "":
		return errors.New("-secret-id and -secret-key must not be empty")
	case c.qGlobal < 0 || c.qAction < 0 || c.qWindow <= 0:
		return errors.New("quotas must not be negative and the window must be positive")
	case c.instances < 0:
		return errors.New("-instances must not be negative")
	case c.readTimeout <= 0:
		return errors.New("-read-timeout must be positive")
	case c.shutdownTimeout < 0:
		return errors.New("-shutdown-timeout must not be negative")
	case c.printFormat != "text" && c.printFormat != "json":
		return &flagError{fmt.Errorf("-print-settings %q: want text or json", c.printFormat)}
	case c.logFormat != "text" && c.logFormat != "json":
		return &flagError{fmt.Errorf("-log-format %q: want text or json", c.logFormat)}
	case c.roleTTL <= 0:
		return errors.New("-role-ttl must be positive")
	case c.autoAdvance && !c.fakeClock:
		return &flagError{errors.New("-auto-advance needs -fake-clock")}
	}
	if _, ok := cvm.LookupRegion(c.region); !ok {
		return fmt.Errorf("-region %q is not a region", c.region)
	}
	return nil
}

// options are the emulator's options, and its fake clock with -fake-clock.
func (c *config) options(stderr io.Writer) (emulator.Options, *clock.Fake, error) {
	opts := emulator.Options{
		Keys:        map[string]string{c.id: c.key},
		QuotaGlobal: c.qGlobal, QuotaAction: c.qAction, QuotaWindow: c.qWindow,
		QuotasOff:  c.qGlobal == 0 || c.qAction == 0,
		Transition: c.transition, Seed: c.seed,
	}
	if c.transition <= 0 {
		opts.Transition = -1
	}
	if c.role != "" {
		opts.Roles = map[string]time.Duration{c.role: c.roleTTL}
	}
	if c.token != "" {
		opts.Tokens = map[string]string{c.id: c.token}
	}
	var fake *clock.Fake
	if c.fakeClock {
		fake = clock.NewFake(time.Now())
		opts.Clock = fake
		if c.autoAdvance {
			opts.AutoAdvance = fake.Set
		}
	}
	if !c.quiet {
		if c.logFormat == "json" {
			opts.Logger = slog.New(slog.NewJSONHandler(stderr, nil))
		} else {
			opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
		}
	}
	return opts, fake, nil
}

// load seeds the emulator (-seed-file, -seed-region, -instances), keeps
// that state for resets, and then loads -state if it exists. It answers the
// seeded state, compressed: a seeded million instances take some 60 MB so,
// where the Snapshot itself would double the emulator's memory.
func (c *config) load(emu *emulator.Server) (seeded []byte, err error) {
	if c.seedPath != "" {
		b, err := os.ReadFile(c.seedPath)
		if err != nil {
			return nil, fmt.Errorf("-seed-file: %w", err)
		}
		sd, err := emulator.ParseSeed(b)
		if err == nil {
			_, err = emu.ApplySeed(sd)
		}
		if err != nil {
			return nil, fmt.Errorf("-seed-file %s: %w", c.seedPath, err)
		}
	}
	if c.instances > 0 {
		sp := c.seeds[c.region]
		sp.Instances += c.instances
		c.seeds[c.region] = sp
	}
	if _, err := emu.ApplySeed(emulator.Seed{Regions: c.seeds}); err != nil {
		return nil, fmt.Errorf("-seed-region: %w", err)
	}
	if seeded, err = packState(emu); err != nil {
		return nil, err
	}
	if c.statePath == "" {
		return seeded, nil
	}
	f, err := os.Open(c.statePath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return seeded, nil
	case err != nil:
		return nil, fmt.Errorf("-state: %w", err)
	}
	snap, err := emulator.ReadSnapshot(f)
	f.Close()
	if err == nil {
		err = emu.Restore(snap)
	}
	if err != nil {
		return nil, fmt.Errorf("-state %s is not a usable snapshot, so nothing was loaded: %w", c.statePath, err)
	}
	return seeded, nil
}

// printSettings prints what a client needs to call the emulator at addr,
// and answers where later notes go: stdout for text, stderr for json (whose
// stdout is the one JSON line).
func (c *config) printSettings(addr string, stdout, stderr io.Writer) (notes io.Writer, err error) {
	settings := emulatorSettings{Endpoint: "http://" + addr + emulator.Path, SecretID: c.id, SecretKey: c.key,
		Region: c.region, Token: c.token, Admin: "http://" + addr + emulator.AdminPrefix, API3Endpoint: addr}
	if c.role != "" {
		settings.Metadata = "http://" + addr
	}
	if c.printFormat == "json" {
		b, err := json.Marshal(settings)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return stderr, nil
	}
	fmt.Fprintf(stdout, "cvm-emulator listening\n")
	fmt.Fprintf(stdout, "  endpoint:   %s\n", settings.Endpoint)
	fmt.Fprintf(stdout, "  secret id:  %s\n", c.id)
	fmt.Fprintf(stdout, "  secret key: %s\n", c.key)
	fmt.Fprintf(stdout, "  region:     %s\n", c.region)
	if c.token != "" {
		fmt.Fprintf(stdout, "  token:      %s\n", c.token)
	}
	fmt.Fprintf(stdout, "  admin:      %s\n", settings.Admin)
	fmt.Fprintf(stdout, "  API 3.0:    http://%s/ (endpoint %s for the official SDKs)\n", addr, addr)
	if c.role != "" {
		fmt.Fprintf(stdout, "  metadata:   %s (instance role %s, keys for %v)\n", settings.Metadata, c.role, c.roleTTL)
	}
	return stdout, nil
}
