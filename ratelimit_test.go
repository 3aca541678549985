package cvm

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/qcloud-legacy/cvm/internal/clock"
)

type grant struct {
	action string
	at     time.Time
}

// drive runs callers goroutines per action against l for the span of fake
// time, and returns every grant in order. Time moves only when every
// action's head waiter is asleep, so the run does not depend on the wall
// clock.
func drive(t *testing.T, rl RateLimit, actions []string, callers int, span time.Duration) ([]grant, RateLimit) {
	t.Helper()
	m := map[string]int{}
	for _, a := range actions {
		m[a] = callers
	}
	return driveMix(t, rl, m, span)
}

// driveMix is drive with a number of callers per action.
func driveMix(t *testing.T, rl RateLimit, callers map[string]int, span time.Duration) ([]grant, RateLimit) {
	t.Helper()
	start := time.Unix(testEpoch, 0)
	fake := clock.NewFake(start)
	l := newBucketLimiter(rl, fake)
	var mu sync.Mutex
	var grants []grant
	l.onGrant = func(a string, at time.Time) {
		mu.Lock()
		grants = append(grants, grant{a, at})
		mu.Unlock()
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for a, n := range callers {
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for l.Wait(ctx, a) == nil {
				}
			}()
		}
	}
	end := start.Add(span)
	for {
		fake.BlockUntil(len(callers))
		next, _ := fake.NextDeadline()
		if next.After(end) {
			break
		}
		fake.Set(next)
	}
	cancel()
	wg.Wait()
	return grants, l.rl
}

// maxInWindow returns the most grants (matching keep) in any closed window
// [t, t+w].
func maxInWindow(grants []grant, w time.Duration, keep func(grant) bool) int {
	var ts []time.Time
	for _, g := range grants {
		if keep(g) {
			ts = append(ts, g.at)
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	best, j := 0, 0
	for i := range ts {
		for j < len(ts) && !ts[j].After(ts[i].Add(w)) {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

func TestLimiterOneActionNeverOverQuota(t *testing.T) {
	t.Parallel()
	grants, rl := drive(t, RateLimit{}, []string{"DescribeInstances"}, 8, 10*time.Minute)
	all := func(grant) bool { return true }
	assert.LessOrEqual(t, maxInWindow(grants, rl.Window, all), 100)
	// Sustained: after the first window, at least 98% of the quota.
	steady := 0
	from := time.Unix(testEpoch, 0).Add(time.Minute)
	for _, g := range grants {
		if !g.at.Before(from) {
			steady++
		}
	}
	perMinute := float64(steady) / 9
	t.Logf("one action: %d grants, %.1f/min sustained, max %d in any minute", len(grants), perMinute, maxInWindow(grants, rl.Window, all))
	assert.GreaterOrEqual(t, perMinute, 98.0)
}

func TestLimiterManyActionsGlobalQuotaAndFairness(t *testing.T) {
	t.Parallel()
	var actions []string
	for i := range 20 {
		actions = append(actions, fmt.Sprintf("Action%02d", i))
	}
	grants, rl := drive(t, RateLimit{}, actions, 3, 10*time.Minute)
	all := func(grant) bool { return true }
	assert.LessOrEqual(t, maxInWindow(grants, rl.Window, all), 1000, "account quota")
	per := map[string]int{}
	for _, a := range actions {
		assert.LessOrEqual(t, maxInWindow(grants, rl.Window, func(g grant) bool { return g.action == a }), 100, a)
	}
	from := time.Unix(testEpoch, 0).Add(time.Minute)
	steady := 0
	for _, g := range grants {
		if !g.at.Before(from) {
			steady++
			per[g.action]++
		}
	}
	perMinute := float64(steady) / 9
	t.Logf("20 actions: %.1f/min sustained, max %d in any minute", perMinute, maxInWindow(grants, rl.Window, all))
	assert.GreaterOrEqual(t, perMinute, 980.0, "utilisation of the account quota")
	mean := float64(steady) / float64(len(actions))
	for a, n := range per {
		assert.InDelta(t, mean, float64(n), mean*0.05, "share of %s", a)
	}
}

func TestLimiterHotActionDoesNotStarveOthers(t *testing.T) {
	t.Parallel()
	// A small quota window so that the account bucket binds: 10 callers on
	// one action, 1 on another.
	rl := RateLimit{Global: 100, PerAction: 80, Window: time.Minute}
	grants, _ := driveMix(t, rl, map[string]int{"Hot": 10, "Cold": 1}, 10*time.Minute)
	n := map[string]int{}
	for _, g := range grants {
		n[g.action]++
	}
	assert.LessOrEqual(t, maxInWindow(grants, time.Minute, func(grant) bool { return true }), 100)
	assert.InDelta(t, n["Hot"], n["Cold"], float64(n["Hot"])*0.05)
}

func TestLimiterSmallQuotas(t *testing.T) {
	t.Parallel()
	for _, q := range []int{1, 2, 5, 150} {
		t.Run(fmt.Sprint(q), func(t *testing.T) {
			t.Parallel()
			rl := RateLimit{Global: q * 10, PerAction: q, Window: 10 * time.Second}
			grants, _ := drive(t, rl, []string{"A"}, 2, 5*time.Minute)
			all := func(grant) bool { return true }
			if q == 1 {
				// A quota of one holds for windows that leave out one
				// end, as a server counting "the last N seconds" does.
				assert.LessOrEqual(t, maxInWindow(grants, 10*time.Second-time.Nanosecond, all), q)
			} else {
				assert.LessOrEqual(t, maxInWindow(grants, 10*time.Second, all), q)
			}
			// A token bucket that keeps closed windows within q sustains
			// q-burst per window: 30 windows in 5 minutes.
			burst := max(1, q/100)
			assert.GreaterOrEqual(t, len(grants), max(q-burst, 1)*30, "utilisation")
		})
	}
}

func TestLimiterDeadlineFailsFast(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(time.Now()) // deadlines are wall-clock times
	l := newBucketLimiter(RateLimit{PerAction: 1, Window: time.Hour}, fake)
	require.NoError(t, l.Wait(context.Background(), "A"))

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := l.Wait(ctx, "A") // the next token is an hour away
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "rate limit: A would wait")
	assert.Zero(t, fake.Waiters(), "it failed without waiting")

	// The refused call took no token: once the hour has passed, one call
	// goes through at once.
	fake.Advance(time.Hour)
	require.NoError(t, l.Wait(ctx, "A"))
}

func TestLimiterCancelWhileWaiting(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(time.Unix(testEpoch, 0))
	l := newBucketLimiter(RateLimit{PerAction: 1, Window: time.Minute}, fake)
	require.NoError(t, l.Wait(context.Background(), "A"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 2)
	go func() { done <- l.Wait(ctx, "A") }() // head, sleeping on the clock
	go func() { done <- l.Wait(ctx, "A") }() // queued behind it
	fake.BlockUntil(1)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	assert.ErrorIs(t, <-done, context.Canceled)
}

func TestClientsShareAccountLimiter(t *testing.T) {
	t.Parallel()
	a1, err := NewClient(Config{SecretID: "AKIDshare1", SecretKey: "k", Region: "gz"})
	require.NoError(t, err)
	a2, err := NewClient(Config{SecretID: "AKIDshare1", SecretKey: "k", Region: "sh"})
	require.NoError(t, err)
	b, err := NewClient(Config{SecretID: "AKIDshare2", SecretKey: "k", Region: "gz"})
	require.NoError(t, err)
	assert.Same(t, a1.limiter, a2.limiter)
	assert.NotSame(t, a1.limiter, b.limiter)
}

func TestLimiterPluggable(t *testing.T) {
	t.Parallel()
	lim := rate.NewLimiter(rate.Inf, 1)
	var seen []string
	c, mt := setup(t, func(cfg *Config) {
		cfg.Limiter = LimiterFunc(func(ctx context.Context, action string) error {
			seen = append(seen, action)
			return lim.Wait(ctx)
		})
	})
	answer(t, mt, "POST", cvmURL, `{"code":4400}`, `{"code":0}`)
	require.NoError(t, c.Do(context.Background(), "cvm", "DescribeInstances", nil, nil))
	assert.Equal(t, []string{"DescribeInstances", "DescribeInstances"}, seen, "waited before every attempt")
}

func TestBucketBounds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ quota, burst int }{{1000, 10}, {100, 1}, {1, 1}, {50, 1}, {5000, 50}} {
		b := bucketFor(tc.quota, time.Minute)
		assert.Equal(t, tc.burst, b.Burst())
		perWindow := float64(b.Limit())*60 + float64(b.Burst())
		if tc.quota > 1 {
			assert.LessOrEqual(t, perWindow, float64(tc.quota)+1e-9)
			assert.GreaterOrEqual(t, float64(b.Limit())*60/float64(tc.quota), 0.98)
		}
	}
}
