package cvm_test

import (
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/stretchr/testify/require"
)

// contracts are the two a client speaks; flows that must hold under both
// run once per contract.
var contracts = []cvm.APIVersion{cvm.LegacyAPI, cvm.API3}

// bothContracts runs a flow under each contract, each with a client of a
// fresh emulator as flowClient makes it.
func bothContracts(t *testing.T, flow func(t *testing.T, api cvm.APIVersion, c *cvm.Client, srv *cvmtest.Server), opts ...cvmtest.Option) {
	for _, api := range contracts {
		t.Run(api.String(), func(t *testing.T) {
			t.Parallel()
			srv := cvmtest.NewServer(append([]cvmtest.Option{cvmtest.WithoutQuotas(), cvmtest.WithClock(time.Now()),
				cvmtest.WithTransition(time.Minute)}, opts...)...)
			t.Cleanup(srv.Close)
			cfg := srv.Config()
			if api == cvm.API3 {
				cfg = srv.API3Config()
			}
			cfg.RateLimit.Disabled = true
			c, err := cvm.NewClient(cfg)
			require.NoError(t, err)
			flow(t, api, c, srv)
		})
	}
}

// flowClient returns a client of a fresh emulator on a fake clock, with
// quotas off so that flows do not wait on the limiter.
func flowClient(t *testing.T, opts ...cvmtest.Option) (*cvm.Client, *cvmtest.Server) {
	t.Helper()
	srv := cvmtest.NewServer(append([]cvmtest.Option{cvmtest.WithoutQuotas(), cvmtest.WithClock(time.Now()),
		cvmtest.WithTransition(time.Minute)}, opts...)...)
	t.Cleanup(srv.Close)
	cfg := srv.Config()
	cfg.RateLimit.Disabled = true
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	return c, srv
}
