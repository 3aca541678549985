package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// TestQuickstartWhateverThePace runs the walk-through on an emulator whose
// transitions end at once: a stop is over before the start that follows
// it arrives, so the start is not refused but starts them again, and the
// walk-through must stop them once more rather than wait for ever for a
// stop that will not come.
func TestQuickstartWhateverThePace(t *testing.T) {
	for _, api := range []cvm.APIVersion{cvm.LegacyAPI, cvm.API3} {
		t.Run(api.String(), func(t *testing.T) {
			srv := cvmtest.NewServer(cvmtest.WithTransition(0), cvmtest.WithoutQuotas())
			defer srv.Close()
			cfg := srv.Config()
			if api == cvm.API3 {
				cfg = srv.API3Config()
			}
			cfg.RateLimit.Disabled = true
			c, err := cvm.NewClient(cfg)
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			require.NoError(t, run(ctx, c, true))
		})
	}
}
