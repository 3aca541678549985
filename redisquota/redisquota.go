// Package redisquota shares the legacy API's quota of one account among
// every process that calls it, through Redis.
//
// The API allows 1000 calls a minute per account and 100 per action,
// whatever the number of processes calling. Each Client's built-in limiter
// keeps its own process under the quota; a fleet of workers, each with its
// own limiter, overruns the account together and collects 4400 answers.
// A [*Limiter] set as [cvm.Config.Limiter] in every process counts the
// account's calls in Redis instead:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	cfg.Limiter = redisquota.New(rdb, cfg.SecretID, cvm.RateLimit{})
//
// It keeps the built-in limiter's guarantee across the fleet: an exact
// sliding-window log for the account and one for each action, consumed
// together, atomically, by one Lua script. No window of Window+Margin holds
// more than the quota, however aligned; an idle account sends its whole
// quota at once. Time is Redis's own (the TIME command), never a host's
// clock. Keys are named after a hash of the account, never the SecretID in
// the clear, and expire one window after their last call.
//
// When Redis cannot be reached, the Limiter fails closed by default: Wait
// returns an error matching [ErrUnavailable] at once. [WithFallback] makes
// it pace calls with a local limiter at a share of the quota instead, and
// return to Redis when it answers again.
//
// This package is a module of its own, so that the SDK never depends on a
// Redis client.
package redisquota

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/qcloud-legacy/cvm"
)

// ErrUnavailable matches the error Wait returns when Redis cannot be
// reached and no fallback is configured.
var ErrUnavailable = errors.New("redisquota: redis unavailable")

// script takes a call from both logs, or says how long until both have
// room, in microseconds of Redis's clock. KEYS: the account's log, the
// action's log. ARGV: span (µs), account quota, action quota, a unique
// member. A call at t counts while now - span < t, as the API's window does.
var script = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local span = tonumber(ARGV[1])
local quotas = {tonumber(ARGV[2]), tonumber(ARGV[3])}
local wait = 0
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - span)
  local n = redis.call('ZCARD', KEYS[i])
  if n >= quotas[i] then
    local first = n - quotas[i]
    local e = redis.call('ZRANGE', KEYS[i], first, first, 'WITHSCORES')
    local w = tonumber(e[2]) + span - now
    if w > wait then wait = w end
  end
end
if wait > 0 then
  return {0, wait}
end
local ttl = math.ceil(span / 1000) + 1000
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[i], ttl)
end
return {1, 0}
`)

// Option configures a Limiter.
type Option func(*Limiter)

// WithFallback makes a Limiter that cannot reach Redis pace calls with a
// local built-in limiter at share (0 < share ≤ 1) of the quotas instead of
// failing, for example 1/N for a fleet of N processes. It tries Redis again
// every retry interval (WithRetryInterval) and returns to it once it
// answers.
func WithFallback(share float64) Option {
	return func(l *Limiter) { l.share = share }
}

// WithRetryInterval sets how long a Limiter that found Redis unreachable
// waits before trying it again. The default is one second.
func WithRetryInterval(d time.Duration) Option {
	return func(l *Limiter) { l.retry = d }
}

// WithPrefix sets the prefix of the Redis keys; the default is "cvmquota".
func WithPrefix(p string) Option {
	return func(l *Limiter) { l.prefix = p }
}

// Limiter is a [cvm.Limiter] whose quota is shared through Redis by every
// process that uses the same account and keys.
type Limiter struct {
	rdb    redis.UniversalClient
	rl     cvm.RateLimit
	ns     string // key namespace: prefix and a hash of the account
	prefix string
	share  float64
	retry  time.Duration

	mu       sync.Mutex
	turns    map[string]chan struct{} // one waiter per action at a time, here
	local    cvm.Limiter              // the fallback, when configured
	downTill time.Time                // Redis is not tried again before this
}

// New returns a Limiter for account (its SecretID, or any name the fleet
// agrees on) and quotas (the zero value means the documented ones) on rdb.
// The account appears in Redis only as a hash.
func New(rdb redis.UniversalClient, account string, quotas cvm.RateLimit, opts ...Option) *Limiter {
	l := &Limiter{rdb: rdb, rl: quotas.Effective(), prefix: "cvmquota", retry: time.Second, turns: map[string]chan struct{}{}}
	for _, o := range opts {
		o(l)
	}
	sum := sha256.Sum256([]byte(account))
	// The hash tag keeps an account's keys in one slot of a Redis Cluster,
	// as a script touching two keys needs.
	l.ns = l.prefix + ":{" + hex.EncodeToString(sum[:12]) + "}:"
	if l.share > 0 {
		local := l.rl
		local.Global = max(1, int(float64(local.Global)*min(l.share, 1)))
		local.PerAction = max(1, int(float64(local.PerAction)*min(l.share, 1)))
		l.local = cvm.NewLimiter(local)
	}
	return l
}

// Keys returns the Redis keys the Limiter uses for action: the account's
// log and the action's.
func (l *Limiter) Keys(action string) (account, actionKey string) {
	return l.ns + "account", l.ns + "action:" + action
}

// Wait blocks until a call of action may be sent, or returns at once when the
// wait would outlast ctx's deadline. Waiters of one action in this process
// take turns.
func (l *Limiter) Wait(ctx context.Context, action string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	turn := l.turn(action)
	select {
	case turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-turn }()
	acct, act := l.Keys(action)
	span := (l.rl.Window + l.rl.Margin).Microseconds()
	member := newMember()
	for {
		if local := l.fallingBack(); local != nil {
			return local.Wait(ctx, action)
		}
		res, err := script.Run(ctx, l.rdb, []string{acct, act},
			span, l.rl.Global, l.rl.PerAction, member).Int64Slice()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if local := l.down(); local != nil {
				return local.Wait(ctx, action)
			}
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		if len(res) == 2 && res[0] == 1 {
			return nil
		}
		wait := time.Duration(res[1]) * time.Microsecond
		if wait <= 0 {
			wait = time.Millisecond
		}
		if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
			return fmt.Errorf("redisquota: %s would wait %v, past the context deadline: %w",
				action, wait.Round(time.Millisecond), context.DeadlineExceeded)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

func (l *Limiter) turn(action string) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.turns[action]
	if !ok {
		t = make(chan struct{}, 1)
		l.turns[action] = t
	}
	return t
}

// fallingBack returns the local limiter while Redis is considered down.
func (l *Limiter) fallingBack() cvm.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.local != nil && time.Now().Before(l.downTill) {
		return l.local
	}
	return nil
}

// down records that Redis failed, and returns the fallback that takes over,
// if any.
func (l *Limiter) down() cvm.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.local != nil {
		l.downTill = time.Now().Add(l.retry)
	}
	return l.local
}

// newMember returns a unique log entry: two calls in one microsecond are
// two entries.
func newMember() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return strconv.FormatInt(time.Now().UnixNano(), 36) + hex.EncodeToString(b[:])
}
