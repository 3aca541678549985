// Package exampleenv gives the example programs a client: the real API when
// TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (or the profile file)
// are set, a running cvm-emulator when TENCENTCLOUD_API_ENDPOINT points at
// it as well, and otherwise an emulator started in-process.
package exampleenv

import (
	"errors"
	"fmt"
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
	cfg, err := cvm.ConfigFromEnv()
	var srv *cvmtest.Server
	switch {
	case errors.Is(err, cvm.ErrNoCredentials):
		srv = cvmtest.NewServer(append([]cvmtest.Option{cvmtest.WithTransition(300 * time.Millisecond)}, opts...)...)
		cfg = srv.Config()
		fmt.Printf("No credentials found: using the in-process emulator at %s\n", cfg.Endpoint)
	case err != nil:
		return nil, err
	default:
		if cfg.Region == "" {
			cfg.Region = "gz"
		}
		api := "the real API"
		if cfg.Endpoint != "" {
			api = cfg.Endpoint
		}
		fmt.Printf("Using %s in region %s\n", api, cfg.Region)
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
