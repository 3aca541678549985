package cvm_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// BenchmarkAPI3LimiterAgainstTheEmulator measures how many attempts the
// emulator refuses for its per-second limit (spec/api3 §5: DescribeZones,
// 20 a second per key and action) while the client's own limiter paces 8
// goroutines, each margin in turn: the emulator counts a call when it
// arrives, a varying delay after the limiter let it through, so the margin
// must cover that jitter. It reports refused attempts per 100 calls
// ("refused/100") and calls a second. It runs on the wall clock, so it is a
// benchmark, never a test: go test -run '^$' -bench API3LimiterAgainst -benchtime 1x.
func BenchmarkAPI3LimiterAgainstTheEmulator(b *testing.B) {
	for _, jitter := range []time.Duration{0, 40 * time.Millisecond} {
		for _, margin := range []time.Duration{5 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond, 0} {
			benchLimiter(b, jitter, margin)
		}
	}
}

// jittery delays each request by up to max before sending it, as a network
// path of varying delay does: what makes calls arrive out of the order the
// limiter let them through.
type jittery struct {
	max time.Duration
	mu  sync.Mutex
	rng *rand.Rand
}

func (j *jittery) RoundTrip(r *http.Request) (*http.Response, error) {
	if j.max > 0 {
		j.mu.Lock()
		d := time.Duration(j.rng.Int64N(int64(j.max)))
		j.mu.Unlock()
		time.Sleep(d)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func benchLimiter(b *testing.B, jitter, margin time.Duration) {
	name := fmt.Sprint(margin)
	if margin == 0 {
		name = "default"
	}
	b.Run(fmt.Sprintf("jitter=0-%v/margin=%s", jitter, name), func(b *testing.B) {
		srv := cvmtest.NewServer() // the wall clock, quotas on
		defer srv.Close()
		cfg := srv.API3Config()
		cfg.RateLimit.Margin = margin
		cfg.HTTPClient = &http.Client{Transport: &jittery{max: jitter, rng: rand.New(rand.NewPCG(1, 2))}}
		var refused, attempts atomic.Int64
		cfg.Hooks = []cvm.Hooks{{Attempt: func(_ context.Context, a cvm.AttemptInfo) {
			attempts.Add(1)
			if a.RetryReason == "quota" || a.Code == cvm.CodeQuotaExceeded {
				refused.Add(1)
			}
		}}}
		c, err := cvm.NewClient(cfg)
		if err != nil {
			b.Fatal(err)
		}
		const workers, each = 8, 10
		start := time.Now()
		b.ResetTimer()
		for range b.N {
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for range each {
						_, _, _ = c.Zones.List(context.Background())
					}
				})
			}
			wg.Wait()
		}
		calls := float64(b.N * workers * each)
		b.ReportMetric(100*float64(refused.Load())/calls, "refused/100")
		b.ReportMetric(calls/time.Since(start).Seconds(), "calls/s")
	})
}
