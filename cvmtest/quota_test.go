package cvmtest_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// accounts numbers the SecretIDs of the quota tests. The SDK keeps one
// limiter per SecretID for the whole process, so a test that spends an
// account's quota needs an account no earlier run (go test -count=N) spent.
var accounts atomic.Int64

func freshSecretID(prefix string) string {
	return prefix + strconv.FormatInt(accounts.Add(1), 10)
}

// TestFullBurstOnEmulator: an idle client sends the whole quota of an action
// (100 renames) at once, on the emulator with the documented quotas on; the
// 101st is refused by the client at once, since it would wait a minute. The
// deadline makes the point without timing anything: a limiter that paced
// the burst would refuse calls long before the 100th.
func TestFullBurstOnEmulator(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithInstances(1), cvmtest.WithCredentials(freshSecretID("AKIDburst"), "burst-key"))
	defer srv.Close()
	cfg := srv.Config()
	cfg.MaxAttempts = 1
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	id := srv.Instances("")[0].ID
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range 100 {
		_, err := c.Instances.Rename(ctx, id, "burst")
		require.NoError(t, err, "call %d", i)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	_, err = c.Instances.Rename(short, id, "burst")
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the 101st waits for the window")
	assert.NotErrorIs(t, err, cvm.ErrQuotaExceeded, "the server never had to refuse")
}

// TestQuotaNeverOverOnEmulator: 12 goroutines on 4 actions call as fast as
// the client lets them, against the emulator enforcing a compressed quota
// (60 calls per 2 s for the account, 30 per action) with its own sliding
// windows, each request taking 0 to 40 ms to arrive and as long to be
// answered. The client's margin (100 ms) absorbs the delay: no 4400, and at
// least 97% of the quota used. It runs in a synctest bubble on an emulator
// reached in process, so the three windows and the delays pass in fake
// time and the test takes milliseconds.
func TestQuotaNeverOverOnEmulator(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const (
			global, perAction = 60, 30
			window, margin    = 2 * time.Second, 100 * time.Millisecond
			windows           = 3
		)
		srv := cvmtest.NewServer(cvmtest.WithoutNetwork(), cvmtest.WithQuotas(global, perAction, window),
			cvmtest.WithCredentials(freshSecretID("AKIDquota"), "quota-key"))
		defer srv.Close()
		cfg := srv.Config()
		cfg.MaxAttempts = 1
		cfg.RateLimit = cvm.RateLimit{Global: global, PerAction: perAction, Window: window, Margin: margin}
		cfg.HTTPClient = &http.Client{Transport: &delayed{next: srv.Transport(), rnd: rand.New(rand.NewPCG(1, 2)), most: 40 * time.Millisecond}}
		c, err := cvm.NewClient(cfg)
		require.NoError(t, err)
		span := window + margin
		ctx, cancel := context.WithTimeout(context.Background(), windows*span-span/4)
		defer cancel()
		var ok, over, other int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, action := range []string{"DescribeAvailabilityZones", "DescribeProductRegionList", "DescribeEipQuota", "DescribeInstances"} {
			for range 3 {
				wg.Go(func() {
					for {
						err := c.Do(ctx, "", action, nil, nil)
						if errors.Is(err, context.DeadlineExceeded) {
							return
						}
						mu.Lock()
						switch {
						case err == nil:
							ok++
						case errors.Is(err, cvm.ErrQuotaExceeded):
							over++
						default:
							other++
						}
						mu.Unlock()
					}
				})
			}
		}
		wg.Wait()
		use := float64(ok) / (windows * global)
		t.Logf("%d calls let through, %d answered 4400, %d other errors: %.1f%% of %d windows' quota", ok, over, other, 100*use, windows)
		assert.Zero(t, over)
		assert.Zero(t, other)
		assert.GreaterOrEqual(t, use, 0.97)
	})
}

// delayed is a transport whose requests take up to most to arrive, and
// their answers as long to come back (in a synctest bubble, fake time).
type delayed struct {
	next http.RoundTripper
	mu   sync.Mutex
	rnd  *rand.Rand
	most time.Duration
}

func (d *delayed) delay() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return time.Duration(d.rnd.Int64N(int64(d.most) + 1))
}

func (d *delayed) RoundTrip(req *http.Request) (*http.Response, error) {
	time.Sleep(d.delay())
	resp, err := d.next.RoundTrip(req)
	time.Sleep(d.delay())
	return resp, err
}
