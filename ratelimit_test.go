package cvm

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
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

// driveMix is drive with a number of callers per action. It runs in a
// synctest bubble: time moves only when every goroutine is blocked, so the
// run is the same on any machine. Grant instants are reported as if the run
// had started at testEpoch.
func driveMix(t *testing.T, rl RateLimit, callers map[string]int, span time.Duration) ([]grant, RateLimit) {
	t.Helper()
	var grants []grant
	var eff RateLimit
	synctest.Test(t, func(t *testing.T) {
		l := newTestLimiter(rl, clock.Real{})
		eff = l.rl
		start := time.Now()
		var mu sync.Mutex
		l.reg.onGrant = func(a string, at time.Time) {
			mu.Lock()
			grants = append(grants, grant{a, time.Unix(testEpoch, 0).Add(at.Sub(start))})
			mu.Unlock()
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for a, n := range callers {
			for range n {
				wg.Go(func() {
					for l.Wait(ctx, a) == nil {
					}
				})
			}
		}
		time.Sleep(span)
		cancel()
		wg.Wait()
	})
	return grants, eff
}

// newTestLimiter is a standalone built-in limiter on clk.
func newTestLimiter(rl RateLimit, clk clock.Clock) *slidingLimiter {
	return &slidingLimiter{reg: newRegistry(clk), key: "AKIDtest", rl: rl.withDefaults()}
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
	// Sustained: after the first window, at least 99% of the quota.
	steady := 0
	from := time.Unix(testEpoch, 0).Add(time.Minute)
	for _, g := range grants {
		if !g.at.Before(from) {
			steady++
		}
	}
	perMinute := float64(steady) / 9
	t.Logf("one action: %d grants, %.1f/min sustained, max %d in any minute", len(grants), perMinute, maxInWindow(grants, rl.Window, all))
	assert.GreaterOrEqual(t, perMinute, 99.0)
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
	// The first window goes to whoever asks first (an idle client's full
	// burst); the shares settle within two more.
	span := rl.Window + rl.Margin
	from := time.Unix(testEpoch, 0).Add(3 * span)
	steady := 0
	for _, g := range grants {
		if !g.at.Before(from) {
			steady++
			per[g.action]++
		}
	}
	perMinute := float64(steady) / (10*time.Minute - 3*span).Minutes()
	t.Logf("20 actions: %.1f/min sustained, max %d in any minute, shares %v", perMinute, maxInWindow(grants, rl.Window, all), per)
	assert.GreaterOrEqual(t, perMinute, 990.0, "utilisation of the account quota")
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
	grants, eff := driveMix(t, rl, map[string]int{"Hot": 10, "Cold": 1}, 10*time.Minute)
	n := map[string]int{}
	from := time.Unix(testEpoch, 0).Add(3 * (eff.Window + eff.Margin)) // past the first burst
	for _, g := range grants {
		if !g.at.Before(from) {
			n[g.action]++
		}
	}
	t.Logf("hot and cold: %v", n)
	assert.LessOrEqual(t, maxInWindow(grants, time.Minute, func(grant) bool { return true }), 100)
	assert.InDelta(t, n["Hot"], n["Cold"], float64(n["Hot"]+n["Cold"])*0.05)
}

func TestLimiterSmallQuotas(t *testing.T) {
	t.Parallel()
	for _, q := range []int{1, 2, 5, 150} {
		t.Run(fmt.Sprint(q), func(t *testing.T) {
			t.Parallel()
			rl := RateLimit{Global: q * 10, PerAction: q, Window: 10 * time.Second}
			grants, _ := drive(t, rl, []string{"A"}, 2, 5*time.Minute)
			all := func(grant) bool { return true }
			// Closed windows too: the margin keeps calls a window apart
			// from sharing one.
			assert.LessOrEqual(t, maxInWindow(grants, 10*time.Second, all), q)
			// q per window+margin: a little under 30 windows in 5 minutes.
			assert.GreaterOrEqual(t, len(grants), q*29, "utilisation")
		})
	}
}

func TestLimiterDeadlineFailsFast(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(time.Now()) // deadlines are wall-clock times
	l := newTestLimiter(RateLimit{PerAction: 1, Window: time.Hour}, fake)
	require.NoError(t, l.Wait(context.Background(), "A"))

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := l.Wait(ctx, "A") // the next token is an hour away
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "rate limit: A would wait")
	assert.Zero(t, fake.Waiters(), "it failed without waiting")

	// The refused call took no token: once the hour has passed, one call
	// goes through at once.
	fake.Advance(time.Hour + time.Hour/200)
	require.NoError(t, l.Wait(ctx, "A"))
}

func TestLimiterCancelWhileWaiting(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(time.Unix(testEpoch, 0))
	l := newTestLimiter(RateLimit{PerAction: 1, Window: time.Minute}, fake)
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
	a1, err := NewClient(Config{SecretID: "AKIDshare1", SecretKey: NewSecret("k"), Region: "gz"})
	require.NoError(t, err)
	a2, err := NewClient(Config{SecretID: "AKIDshare1", SecretKey: NewSecret("k"), Region: "sh"})
	require.NoError(t, err)
	b, err := NewClient(Config{SecretID: "AKIDshare2", SecretKey: NewSecret("k"), Region: "gz"})
	require.NoError(t, err)
	l1, l2, lb := a1.limiter.(*slidingLimiter), a2.limiter.(*slidingLimiter), b.limiter.(*slidingLimiter)
	assert.Same(t, l1.reg, l2.reg)
	assert.Equal(t, l1.key, l2.key, "one account state for one SecretID")
	assert.NotEqual(t, l1.key, lb.key)
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

func TestSlidingLog(t *testing.T) {
	t.Parallel()
	var s slidingLog
	const span = 10
	for _, at := range []int64{100, 101, 105} {
		s.push(at)
	}
	assert.Equal(t, int64(0), s.until(105, span, 4, 1), "a fourth fits")
	assert.Equal(t, int64(5), s.until(105, span, 3, 1), "full: the call at 100 leaves at 110")
	assert.Equal(t, int64(6), s.until(105, span, 3, 2), "two free: the call at 101 leaves at 111")
	assert.Equal(t, int64(0), s.until(110, span, 3, 1), "at 110 the call at 100 no longer counts")
	assert.Equal(t, 2, s.count())
	assert.Equal(t, int64(10), s.until(105, span, 0, 1), "a quota of 0 waits a window")
	s.expire(200)
	assert.Nil(t, s.at, "an idle log holds no memory")
}

// TestLimiterFullBurst: an idle client sends the whole quota of an action at
// once, then paces.
func TestLimiterFullBurst(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(time.Unix(testEpoch, 0))
	l := newTestLimiter(RateLimit{}, fake)
	for i := range 100 {
		require.NoError(t, l.Wait(context.Background(), "ModifyInstanceAttributes"), "call %d", i)
	}
	assert.Zero(t, fake.Waiters(), "no call waited")
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	assert.ErrorIs(t, l.Wait(ctx, "ModifyInstanceAttributes"), context.DeadlineExceeded, "the 101st waits a window")
	assert.NoError(t, l.Wait(context.Background(), "DescribeInstances"), "another action has its own quota")
}

// TestLimiterTightestQuotaApplies: clients of one SecretID with different
// quotas share one account; the smallest applies.
func TestLimiterTightestQuotaApplies(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(time.Unix(testEpoch, 0))
	reg := newRegistry(fake)
	wide := &slidingLimiter{reg: reg, key: "AKIDsame", rl: RateLimit{Global: 1000}.withDefaults()}
	narrow := &slidingLimiter{reg: reg, key: "AKIDsame", rl: RateLimit{Global: 1}.withDefaults()}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	require.NoError(t, narrow.Wait(ctx, "A"))
	assert.ErrorIs(t, wide.Wait(ctx, "B"), context.DeadlineExceeded, "the account's burst of one is spent")
}

// TestLimiterForgetsIdleState: memory per idle action and per idle account
// returns to zero after a window.
func TestLimiterForgetsIdleState(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(time.Unix(testEpoch, 0))
	reg := newRegistry(fake)
	for i := range 200 {
		l := &slidingLimiter{reg: reg, key: fmt.Sprintf("AKID%03d", i%20), rl: RateLimit{}.withDefaults()}
		require.NoError(t, l.Wait(context.Background(), fmt.Sprintf("Action%d", i)))
	}
	accounts, actions := reg.size()
	assert.Equal(t, 20, accounts)
	assert.Equal(t, 200, actions)
	fake.Advance(time.Minute + time.Minute/200)
	l := &slidingLimiter{reg: reg, key: "AKIDnew", rl: RateLimit{}.withDefaults()}
	require.NoError(t, l.Wait(context.Background(), "DescribeInstances"))
	accounts, actions = reg.size()
	assert.Equal(t, 1, accounts, "idle accounts forgotten")
	assert.Equal(t, 1, actions, "idle actions forgotten")
}

// BenchmarkLimiterWait: the cost of one wait does not grow with the number
// of action names or accounts seen before.
func BenchmarkLimiterWait(b *testing.B) {
	for _, names := range []int{10, 40000} {
		b.Run(fmt.Sprintf("names=%d", names), func(b *testing.B) {
			fake := clock.NewFake(time.Unix(testEpoch, 0))
			reg := newRegistry(fake)
			l := &slidingLimiter{reg: reg, key: "AKIDbench", rl: RateLimit{Global: 1 << 30, PerAction: 1 << 30}.withDefaults()}
			for i := range names {
				_ = l.Wait(context.Background(), fmt.Sprintf("Action%05d", i))
				_ = (&slidingLimiter{reg: reg, key: fmt.Sprintf("AKID%05d", i), rl: l.rl}).Wait(context.Background(), "A")
			}
			fake.Advance(2 * time.Minute) // seen before, idle now
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := l.Wait(context.Background(), "DescribeInstances"); err != nil {
					b.Fatal(err)
				}
				if i%1024 == 0 {
					fake.Advance(time.Millisecond)
				}
			}
		})
	}
}

// TestQuotaAccount: the SecretID when set; otherwise the account the
// credentials provider names, asked once; never "".
func TestQuotaAccount(t *testing.T) {
	ctx := context.Background()
	got, err := QuotaAccount(ctx, Config{SecretID: "AKIDstatic"})
	require.NoError(t, err)
	assert.Equal(t, "AKIDstatic", got)

	got, err = QuotaAccount(ctx, Config{Credentials: NewCredentialsCache(StaticCredentials("AKIDprovider", "k", ""))})
	require.NoError(t, err)
	assert.Equal(t, "AKIDprovider", got)

	own := CredentialsProviderFunc(func(context.Context) (Credentials, error) {
		return Credentials{SecretID: "AKIDown", SecretKey: NewSecret("k")}, nil
	})
	got, err = QuotaAccount(ctx, Config{Credentials: own})
	require.NoError(t, err)
	assert.Equal(t, "AKIDown", got)

	_, err = QuotaAccount(ctx, Config{})
	assert.ErrorIs(t, err, ErrInvalidParameter)
	failing := CredentialsProviderFunc(func(context.Context) (Credentials, error) { return Credentials{}, ErrNoCredentials })
	_, err = QuotaAccount(ctx, Config{Credentials: failing})
	assert.ErrorIs(t, err, ErrNoCredentials)
}
