package redisquota_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/qcloud-legacy/cvm/redisquota"
)

// redisServer is a redis-server of the test's own, on a free loopback port,
// so that a test may stop and restart it.
type redisServer struct {
	t    *testing.T
	addr string
	cmd  *exec.Cmd
}

// startRedis starts redis-server (from Debian's package, which .ci/run
// installs). Without it the test skips, unless CVM_REQUIRE_REDIS is set.
func startRedis(t *testing.T, addr string) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CVM_REQUIRE_REDIS") != "" {
			t.Fatal("redis-server is not installed")
		}
		t.Skip("redis-server is not installed (apt-get install redis-server)")
	}
	if addr == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr = ln.Addr().String()
		ln.Close()
	}
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	require.NoError(t, cmd.Start())
	rs := &redisServer{t: t, addr: addr, cmd: cmd}
	t.Cleanup(rs.stop)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	for i := 0; ; i++ {
		if rdb.Ping(context.Background()).Err() == nil {
			return rs
		}
		require.Less(t, i, 500, "redis-server did not start")
		time.Sleep(10 * time.Millisecond) // polling a starting process, not timing the test
	}
}

// pause stops the server's process (SIGSTOP): it still accepts connections
// (the kernel completes the handshake) but never answers, as a stalled
// primary or a partition does.
func (rs *redisServer) pause() {
	require.NoError(rs.t, rs.cmd.Process.Signal(syscall.SIGSTOP))
	rs.t.Cleanup(rs.resume)
}

func (rs *redisServer) resume() {
	if rs.cmd.Process != nil {
		_ = rs.cmd.Process.Signal(syscall.SIGCONT)
	}
}

func (rs *redisServer) stop() {
	if rs.cmd.Process != nil {
		_ = rs.cmd.Process.Kill()
		_ = rs.cmd.Wait()
		rs.cmd.Process = nil
	}
}

func mustNew(t *testing.T, rdb redis.UniversalClient, account string, rl cvm.RateLimit, opts ...redisquota.Option) *redisquota.Limiter {
	t.Helper()
	l, err := redisquota.New(rdb, account, rl, opts...)
	require.NoError(t, err)
	return l
}

func client(t *testing.T, addr string) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 200 * time.Millisecond,
		ReadTimeout: 200 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// TestQuotasAreExact: the account's and each action's quota, the full burst,
// and a wait refused at once when it would pass the deadline.
func TestQuotasAreExact(t *testing.T) {
	t.Parallel()
	rs := startRedis(t, "")
	l := mustNew(t, client(t, rs.addr), "AKIDexact", cvm.RateLimit{Global: 8, PerAction: 5, Window: time.Hour})
	ctx := context.Background()
	for i := range 5 {
		require.NoError(t, l.Wait(ctx, "StopInstances"), "call %d: the whole quota at once", i)
	}
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	assert.ErrorIs(t, l.Wait(short, "StopInstances"), context.DeadlineExceeded, "the action's quota")
	for i := range 3 {
		require.NoError(t, l.Wait(ctx, "StartInstances"), "call %d", i)
	}
	assert.ErrorIs(t, l.Wait(short, "RestartInstances"), context.DeadlineExceeded, "the account's quota")

	// Another account has its own quota; the same account through another
	// Limiter (another process) shares it.
	other := mustNew(t, client(t, rs.addr), "AKIDother", cvm.RateLimit{Global: 8, PerAction: 5, Window: time.Hour})
	assert.NoError(t, other.Wait(short, "StopInstances"))
	same := mustNew(t, client(t, rs.addr), "AKIDexact", cvm.RateLimit{Global: 8, PerAction: 5, Window: time.Hour})
	assert.ErrorIs(t, same.Wait(short, "DescribeInstances"), context.DeadlineExceeded)
}

// TestKeysAreHashedAndExpire: no key names the account in the clear, and
// every key expires one window after its last call.
func TestKeysAreHashedAndExpire(t *testing.T) {
	t.Parallel()
	rs := startRedis(t, "")
	rdb := client(t, rs.addr)
	const secret = "AKIDsecretaccount123"
	l := mustNew(t, rdb, secret, cvm.RateLimit{Window: 10 * time.Second})
	require.NoError(t, l.Wait(context.Background(), "DescribeInstances"))
	keys, err := rdb.Keys(context.Background(), "*").Result()
	require.NoError(t, err)
	require.Len(t, keys, 3)
	acct, act := l.Keys("DescribeInstances")
	for _, k := range keys {
		if k != acct && k != act {
			assert.True(t, strings.HasSuffix(k, ":marker"), k)
			continue // the marker that tells a flushed Redis has no expiry
		}
		assert.NotContains(t, k, secret)
		assert.NotContains(t, k, "secretaccount")
		ttl, err := rdb.PTTL(context.Background(), k).Result()
		require.NoError(t, err)
		assert.Positive(t, ttl, k)
		assert.LessOrEqual(t, ttl, 10*time.Second+50*time.Millisecond+time.Second, k)
	}
	assert.Subset(t, keys, []string{acct, act})
}

// workerEnv marks a re-executed test binary as one worker of the fleet.
const workerEnv = "REDISQUOTA_FLEET_WORKER"

// TestMain lets the test binary run as a fleet worker in its own process.
func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) != "" {
		os.Exit(worker())
	}
	os.Exit(m.Run())
}

// fleetSpec is what a worker is told, besides its secret key.
type fleetSpec struct {
	SecretID, Region, Endpoint string
	RateLimit                  cvm.RateLimit
}

type workerResult struct {
	OK, Quota, Other int
}

// worker calls the emulator as fast as its Limiter lets it, for a while,
// and prints what it got.
func worker() int {
	var spec fleetSpec
	if err := json.Unmarshal([]byte(os.Getenv(workerEnv)), &spec); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	cfg := cvm.Config{SecretID: spec.SecretID, SecretKey: cvm.NewSecret(os.Getenv("REDISQUOTA_FLEET_KEY")), Region: spec.Region, Endpoint: spec.Endpoint}
	rl := spec.RateLimit
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("REDISQUOTA_FLEET_REDIS")})
	defer rdb.Close()
	l, err := redisquota.New(rdb, cfg.SecretID, rl)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	cfg.Limiter = l
	cfg.MaxAttempts = 1
	c, err := cvm.NewClient(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	d, _ := time.ParseDuration(os.Getenv("REDISQUOTA_FLEET_FOR"))
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var res workerResult
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, action := range []string{"DescribeAvailabilityZones", "DescribeProductRegionList", "DescribeEipQuota", "DescribeInstances"} {
		for range 3 {
			wg.Go(func() {
				for ctx.Err() == nil {
					err := c.Do(ctx, "", action, nil, nil)
					if errors.Is(err, context.DeadlineExceeded) {
						return
					}
					mu.Lock()
					switch {
					case err == nil:
						res.OK++
					case errors.Is(err, cvm.ErrQuotaExceeded):
						res.Quota++
					case errors.Is(err, context.DeadlineExceeded):
						// The run's end: the next slot is past it.
					case ctx.Err() == nil:
						res.Other++
						fmt.Fprintln(os.Stderr, err)
					}
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	_ = json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

// TestFleetSharesOneQuota: three OS processes, each with its own client and
// Limiter, call the emulator, which enforces a compressed quota (60 calls per
// 2 s for the account, 30 per action) and answers 4400 beyond it. Together
// they get no 4400, and use at least 97% of the quota.
func TestFleetSharesOneQuota(t *testing.T) {
	rs := startRedis(t, "")
	const (
		global, perAction = 60, 30
		window            = 2 * time.Second
		margin            = 150 * time.Millisecond // loopback delay and jitter, with the race detector on 2 busy cores
		windows           = 3
		processes         = 3
	)
	srv := cvmtest.NewServer(cvmtest.WithQuotas(global, perAction, window))
	defer srv.Close()
	cfg := srv.Config()
	key := cfg.SecretKey
	span := window + margin
	spec, err := json.Marshal(fleetSpec{SecretID: cfg.SecretID, Region: cfg.Region, Endpoint: cfg.Endpoint,
		RateLimit: cvm.RateLimit{Global: global, PerAction: perAction, Window: window, Margin: margin}})
	require.NoError(t, err)
	// The run ends just before a fourth window opens: three bursts of the
	// whole quota fit in it.
	runFor := windows*span - span/4
	var total workerResult
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range processes {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), workerEnv+"="+string(spec), "REDISQUOTA_FLEET_KEY="+key.Reveal(),
			"REDISQUOTA_FLEET_REDIS="+rs.addr, "REDISQUOTA_FLEET_FOR="+runFor.String())
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		wg.Go(func() {
			var r workerResult
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "{") {
					_ = json.Unmarshal(sc.Bytes(), &r)
				}
			}
			assert.NoError(t, cmd.Wait())
			mu.Lock()
			total.OK += r.OK
			total.Quota += r.Quota
			total.Other += r.Other
			mu.Unlock()
		})
	}
	wg.Wait()
	use := float64(total.OK) / float64(windows*global)
	t.Logf("%d processes: %d calls let through, %d answered 4400, %d other errors; %.1f%% of %d windows' quota",
		processes, total.OK, total.Quota, total.Other, 100*use, windows)
	assert.Zero(t, total.Quota, "4400 answers")
	assert.Zero(t, total.Other)
	assert.GreaterOrEqual(t, use, 0.97, "utilisation")
	assert.LessOrEqual(t, total.OK, windows*global)
}

// TestRace: many goroutines of several Limiters, as several processes
// would, never let more than the quota through.
func TestRace(t *testing.T) {
	t.Parallel()
	rs := startRedis(t, "")
	rl := cvm.RateLimit{Global: 40, PerAction: 40, Window: time.Hour}
	var ok atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for p := range 4 {
		l := mustNew(t, client(t, rs.addr), "AKIDrace", rl)
		for g := range 25 {
			wg.Go(func() {
				if l.Wait(ctx, "A"+strconv.Itoa((p+g)%3)) == nil {
					ok.Add(1)
				}
			})
		}
	}
	wg.Wait()
	assert.Equal(t, int64(40), ok.Load(), "exactly the quota, out of 100 callers")
}
