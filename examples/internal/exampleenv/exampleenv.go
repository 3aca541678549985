// Package exampleenv gives the example programs a client: the real API when
// TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (or the profile file)
// are set, a running cvm-emulator when TENCENTCLOUD_API_ENDPOINT points at
// it as well, and otherwise an emulator started in-process.
package exampleenv

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// Env is a client and, on the emulator, the server behind it.
type Env struct {
	Client *cvm.Client
	// Emulator is nil against the real API.
	Emulator *cvmtest.Server
}

// Real reports whether the client talks to the real API.
func (e *Env) Real() bool { return e.Emulator == nil }

// Close stops the emulator, if any.
func (e *Env) Close() {
	if e.Emulator != nil {
		e.Emulator.Close()
	}
}

// New returns a client for the examples. opts configure the emulator, when
// one is used.
func New(opts ...cvmtest.Option) (*Env, error) {
	return NewFor(-1, opts...)
}

// NewFor is New with the contract chosen: cvm.LegacyAPI or cvm.API3, or
// -1 for what TENCENTCLOUD_CVM_API says (legacy when unset). The emulator
// serves both.
func NewFor(api cvm.APIVersion, opts ...cvmtest.Option) (*Env, error) {
	cfg, err := cvm.ConfigFromEnv()
	var srv *cvmtest.Server
	switch {
	case errors.Is(err, cvm.ErrNoCredentials):
		pace := transition()
		srv = cvmtest.NewServer(append([]cvmtest.Option{cvmtest.WithTransition(pace)}, opts...)...)
		env := cfg.API
		cfg = srv.Config()
		if api == cvm.API3 || api < 0 && env == cvm.API3 {
			cfg = srv.API3Config()
		}
		if pace < defaultTransition {
			// Waiters poll at the emulator's pace, not the real API's.
			cfg.Wait = cvm.WaitPolicy{MinDelay: pace / 2, MaxDelay: 2 * pace}
		}
		fmt.Printf("No credentials found: using the in-process emulator at %s (%s)\n", cfg.Endpoint, contract(cfg.API))
	case err != nil:
		return nil, err
	default:
		if api >= 0 {
			cfg.API = api
		}
		if cfg.Region == "" {
			cfg.Region = "gz"
		}
		where := "the real API"
		if cfg.Endpoint != "" {
			where = cfg.Endpoint
		}
		fmt.Printf("Using %s in region %s (%s)\n", where, cfg.Region, contract(cfg.API))
	}
	client, err := cvm.NewClient(cfg)
	if err != nil {
		if srv != nil {
			srv.Close()
		}
		return nil, err
	}
	return &Env{Client: client, Emulator: srv}, nil
}

// defaultTransition is how long the in-process emulator's instances take
// to change state: long enough to see the waits happen.
const defaultTransition = 300 * time.Millisecond

// transition is defaultTransition, or CVM_EXAMPLES_TRANSITION (a Go
// duration) when it names a shorter one: the examples' own test runs
// them at 10 ms.
func transition() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("CVM_EXAMPLES_TRANSITION")); err == nil && d > 0 && d < defaultTransition {
		return d
	}
	return defaultTransition
}

func contract(api cvm.APIVersion) string {
	if api == cvm.API3 {
		return "API 3.0"
	}
	return "the legacy API"
}
