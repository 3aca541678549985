package cvmtest_test

import (
	"context"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/qcloud-legacy/cvm/internal/testhook"
)

// grantLog records, from inside the built-in limiter, when each call was
// let through and for which action.
type grantLog struct {
	mu  sync.Mutex
	at  []time.Time
	act []string
}

func (g *grantLog) record(action string, at time.Time) {
	g.mu.Lock()
	g.at = append(g.at, at)
	g.act = append(g.act, action)
	g.mu.Unlock()
}

// maxIn returns the most grants of one action ("" for all) in any window.
func (g *grantLog) maxIn(w time.Duration, action string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	var ts []time.Time
	for i, t := range g.at {
		if action == "" || g.act[i] == action {
			ts = append(ts, t)
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	best, j := 0, 0
	for i := range ts {
		for j < len(ts) && ts[j].Sub(ts[i]) < w {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// TestLoadOneClientThousandGoroutines: 1,000 goroutines share one client
// and its limiter (the built-in token buckets, at 1,000 calls a second per
// account and 400 per action, so that the run takes seconds, not minutes).
// It must finish without an error or a deadlock, race-clean; no second of
// grants may hold more than the quotas; none of the four actions, all
// waiting, may starve; and a second round must not grow the heap.
func TestLoadOneClientThousandGoroutines(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const goroutines, perWorker = 1000, 2
	rl := cvm.RateLimit{Global: 1000, PerAction: 400, Window: time.Second}
	srv := cvmtest.NewServer(cvmtest.WithInstances(50), cvmtest.WithTransition(-1), cvmtest.WithoutQuotas())
	defer srv.Close()
	log := &grantLog{}
	record := log.record
	testhook.Grants.Store(&record)
	defer testhook.Grants.Store(nil)
	cfg := srv.Config()
	cfg.RateLimit = rl
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)

	round := func() []error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		var errs []error
		var mu sync.Mutex
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perWorker {
					var err error
					switch (g + i) % 4 {
					case 0:
						_, _, err = c.Instances.List(ctx, &cvm.InstanceListOptions{ListOptions: cvm.ListOptions{Limit: 10}})
					case 1:
						_, _, err = c.Zones.List(ctx)
					case 2:
						_, _, err = c.EIPs.Quota(ctx)
					case 3:
						_, _, err = c.Images.List(ctx, &cvm.ImageListOptions{Type: cvm.ImagePublic})
					}
					if err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return errs
	}

	start := time.Now()
	require.Empty(t, round(), "first round")
	first := time.Since(start)
	assert.LessOrEqual(t, log.maxIn(time.Second, ""), rl.Global)
	for _, a := range []string{"DescribeInstances", "DescribeAvailabilityZones", "DescribeEipQuota", "DescribeImages"} {
		assert.LessOrEqual(t, log.maxIn(time.Second, a), rl.PerAction, a)
	}
	// Fairness is asserted exactly on a fake clock (the limiter's own
	// tests, within 5%). On the wall clock, with 1,000 goroutines runnable
	// and the race detector on, which head wakes in time for a token is up
	// to the scheduler, so here the check is only that no action starves:
	// each is served in the first two seconds. The shares are logged.
	share := map[string]int{}
	log.mu.Lock()
	for i, at := range log.at {
		if at.Sub(log.at[0]) < 2*time.Second {
			share[log.act[i]]++
		}
	}
	log.mu.Unlock()
	for _, a := range []string{"DescribeInstances", "DescribeAvailabilityZones", "DescribeEipQuota", "DescribeImages"} {
		assert.Positive(t, share[a], "%s starved in the first two seconds: %v", a, share)
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	require.Empty(t, round(), "second round")
	runtime.GC()
	runtime.ReadMemStats(&after)
	growth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d calls a round, first round %v, shares in the first two seconds %v, heap %d KiB then %+d KiB",
		goroutines*perWorker, first.Round(time.Millisecond), share, before.HeapAlloc>>10, growth>>10)
	assert.Less(t, growth, int64(8<<20), "memory stays flat")
}
