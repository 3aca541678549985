package cvm_test

import (
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/stretchr/testify/require"
)

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
