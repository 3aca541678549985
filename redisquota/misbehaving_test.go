package redisquota_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/redisquota"
)

// readmeClient is a Redis client with the README's options: the client's
// own defaults (dial retries, a 3 s read timeout, command retries).
func readmeClient(t *testing.T, addr string) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

var hourly = cvm.RateLimit{Global: 100, PerAction: 100, Window: time.Hour}

// timed runs f and returns how long it took and its error.
func timed(f func() error) (time.Duration, error) {
	start := time.Now()
	err := f()
	return time.Since(start), err
}

// TestStalledRedisFailsWithinTheDeadline (round 3, finding 3): a Redis that
// accepts connections but never answers (SIGSTOP) makes Wait fail within
// the caller's deadline, whatever the client's timeouts, then at once while
// it is known down; a fallback engages within the deadline.
func TestStalledRedisFailsWithinTheDeadline(t *testing.T) {
	t.Parallel()
	rs := startRedis(t, "")
	closed := mustNew(t, readmeClient(t, rs.addr), "AKIDstall", hourly)
	fallback := mustNew(t, readmeClient(t, rs.addr), "AKIDstallfb", hourly, redisquota.WithFallback(0.05))
	ctx := context.Background()
	require.NoError(t, closed.Wait(ctx, "A"))
	require.NoError(t, fallback.Wait(ctx, "A"))

	rs.pause()
	deadline := func() (context.Context, context.CancelFunc) { return context.WithTimeout(ctx, 500*time.Millisecond) }
	c1, cancel := deadline()
	defer cancel()
	first, err := timed(func() error { return closed.Wait(c1, "A") })
	assert.ErrorIs(t, err, redisquota.ErrUnavailable)
	assert.Less(t, first, 500*time.Millisecond, "failed within the caller's deadline")
	c2, cancel := deadline()
	defer cancel()
	known, err := timed(func() error { return closed.Wait(c2, "A") })
	assert.ErrorIs(t, err, redisquota.ErrUnavailable)
	assert.Less(t, known, 50*time.Millisecond, "known down: at once")

	c3, cancel := deadline()
	defer cancel()
	fb, err := timed(func() error { return fallback.Wait(c3, "A") })
	assert.NoError(t, err, "the fallback let the call through")
	assert.Less(t, fb, 500*time.Millisecond)
	t.Logf("stalled Redis: fail-closed in %v, then %v while known down; fallback engaged in %v (deadline 500ms)", first, known, fb)
}

// TestRedisDownFailsFast (round 3, finding 4): with Redis down, Wait fails
// in a few milliseconds (no dial-retry storm under the client's defaults),
// at once while it is known down, and a fallback engages for callers whose
// deadline is shorter than the client's dial retries: 5 of 8 calls go
// through on a 5% share of 100.
func TestRedisDownFailsFast(t *testing.T) {
	t.Parallel()
	rs := startRedis(t, "")
	closed := mustNew(t, readmeClient(t, rs.addr), "AKIDdown", hourly)
	ctx := context.Background()
	require.NoError(t, closed.Wait(ctx, "A"))
	rs.stop()

	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	first, err := timed(func() error { return closed.Wait(short, "A") })
	assert.ErrorIs(t, err, redisquota.ErrUnavailable)
	known, err := timed(func() error { return closed.Wait(short, "A") })
	assert.ErrorIs(t, err, redisquota.ErrUnavailable)
	assert.Less(t, first, 100*time.Millisecond)
	assert.Less(t, known, 20*time.Millisecond)

	fallback := mustNew(t, readmeClient(t, rs.addr), "AKIDdownfb", hourly, redisquota.WithFallback(0.05))
	let := 0
	var total time.Duration
	for range 8 {
		c, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		d, err := timed(func() error { return fallback.Wait(c, "A") })
		cancel()
		total += d
		switch {
		case err == nil:
			let++
		default:
			assert.ErrorIs(t, err, context.DeadlineExceeded, "refused at once: the local share is used up")
		}
	}
	assert.Equal(t, 5, let, "calls let through by the fallback")
	t.Logf("Redis down: fail-closed in %v, then %v while known down; fallback let %d of 8 through in %v in all", first, known, let, total)
}

// TestNoWindowHoldsMoreThanTheQuotaAcrossAnOutage (round 3, finding 5): two
// processes share a quota of 20 an hour, each with a fallback of half of
// it. One makes 6 calls through Redis; Redis stalls; both fall back (the
// one that called starts from the 6 Redis showed it); Redis returns; the
// first one back writes its calls and reserves the other's share, which the
// other replaces by its own calls when it is back. Before, across and after
// the outage, the hour holds exactly 20.
func TestNoWindowHoldsMoreThanTheQuotaAcrossAnOutage(t *testing.T) {
	t.Parallel()
	rs := startRedis(t, "")
	rl := cvm.RateLimit{Global: 20, PerAction: 20, Window: time.Hour}
	opts := []redisquota.Option{redisquota.WithFallback(0.5), redisquota.WithRetryInterval(time.Nanosecond)}
	a := mustNew(t, readmeClient(t, rs.addr), "AKIDoutage", rl, opts...)
	b := mustNew(t, readmeClient(t, rs.addr), "AKIDoutage", rl, opts...)
	ctx := context.Background()
	granted := map[string]int{}
	take := func(name string, l *redisquota.Limiter) {
		for {
			c, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			err := l.Wait(c, "DescribeInstances")
			cancel()
			if err != nil {
				require.ErrorIs(t, err, context.DeadlineExceeded, name)
				return
			}
			granted[name]++
		}
	}
	for range 6 {
		require.NoError(t, a.Wait(ctx, "DescribeInstances"))
	}
	granted["before"] = 6

	rs.pause()
	take("a during", a)
	take("b during", b)
	rs.resume()
	take("a after", a)
	// a came back first: besides its own calls, it reserved b's share,
	// which b has not written yet.
	acct, _ := a.Keys("DescribeInstances")
	keys, err := readmeClient(t, rs.addr).Keys(ctx, "*reserved:account").Result()
	require.NoError(t, err)
	require.Len(t, keys, 1)
	reserved, err := readmeClient(t, rs.addr).ZCard(ctx, keys[0]).Result()
	require.NoError(t, err)
	assert.Equal(t, int64(10), reserved, "b's share, held for b")
	take("b after", b)

	total := 0
	for _, n := range granted {
		total += n
	}
	t.Logf("calls granted in the hour, by phase: %v; %d in all against a quota of 20", granted, total)
	assert.Equal(t, 20, total, "calls in one window across the outage")
	assert.Equal(t, 4, granted["a during"], "a's half, less the 6 Redis showed it")
	assert.Equal(t, 10, granted["b during"])
	n, err := readmeClient(t, rs.addr).ZCard(ctx, acct).Result()
	require.NoError(t, err)
	assert.Equal(t, int64(20), n, "every call is in Redis's log")
	reserved, err = readmeClient(t, rs.addr).ZCard(ctx, keys[0]).Result()
	require.NoError(t, err)
	assert.Zero(t, reserved, "b gave its share back, its calls written instead")
}

// TestFlushedOrRestartedRedisIsDetected (round 3, finding 6): after
// FLUSHALL, or a restart of a Redis without persistence, the window's calls
// are not granted again: the lost marker starts a quiet window.
func TestFlushedOrRestartedRedisIsDetected(t *testing.T) {
	t.Parallel()
	rl := cvm.RateLimit{Global: 5, PerAction: 5, Window: time.Hour}
	ctx := context.Background()
	short := func() context.Context {
		c, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		t.Cleanup(cancel)
		return c
	}
	for _, how := range []string{"FLUSHALL", "restart"} {
		rs := startRedis(t, "")
		rdb := readmeClient(t, rs.addr)
		l := mustNew(t, rdb, "AKIDflush"+how, rl, redisquota.WithRetryInterval(time.Nanosecond))
		for range 5 {
			require.NoError(t, l.Wait(ctx, "A"))
		}
		require.ErrorIs(t, l.Wait(short(), "A"), context.DeadlineExceeded, "the quota is used")
		if how == "FLUSHALL" {
			require.NoError(t, rdb.FlushAll(ctx).Err())
		} else {
			rs.stop()
			assert.ErrorIs(t, l.Wait(short(), "A"), redisquota.ErrUnavailable)
			startRedis(t, rs.addr)
		}
		var err error
		for i := 0; ; i++ {
			if err = l.Wait(short(), "B"); !errors.Is(err, redisquota.ErrUnavailable) || i > 100 {
				break
			}
		}
		assert.ErrorIs(t, err, context.DeadlineExceeded, "%s: nothing granted in the quiet window", how)
		assert.Contains(t, err.Error(), "would wait", how)
		// Another process of the same fleet is held too.
		other := mustNew(t, readmeClient(t, rs.addr), "AKIDflush"+how, rl)
		assert.ErrorIs(t, other.Wait(short(), "C"), context.DeadlineExceeded, how)
	}
}

// TestAccountIsNeverEmpty (round 3, finding 7): New refuses an empty
// account; NewForConfig takes it from a Config whose keys sit behind its
// Credentials, as ConfigFromEnv makes it, and keys it as New would on the
// SecretID.
func TestAccountIsNeverEmpty(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled here
	t.Cleanup(func() { rdb.Close() })
	_, err := redisquota.New(rdb, "", cvm.RateLimit{})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)

	t.Setenv("HOME", t.TempDir())
	t.Setenv(cvm.EnvSecretID, "AKIDfromenv")
	t.Setenv(cvm.EnvSecretKey, "env-key")
	cfg, err := cvm.ConfigFromEnv()
	require.NoError(t, err)
	require.Empty(t, cfg.SecretID, "the keys sit behind cfg.Credentials")
	l, err := redisquota.NewForConfig(context.Background(), rdb, cfg)
	require.NoError(t, err)
	byID, err := redisquota.New(rdb, "AKIDfromenv", cvm.RateLimit{})
	require.NoError(t, err)
	la, _ := l.Keys("A")
	ia, _ := byID.Keys("A")
	assert.Equal(t, ia, la)

	_, err = redisquota.NewForConfig(context.Background(), rdb, cvm.Config{})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
}
