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
//	cfg, err := cvm.ConfigFromEnv()
//	...
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	cfg.Limiter, err = redisquota.NewForConfig(ctx, rdb, cfg)
//
// It keeps the built-in limiter's guarantee across the fleet: an exact
// sliding-window log for the account and one for each action, consumed
// together, atomically, by one Lua script. No window of Window+Margin holds
// more than the quota, however aligned; an idle account sends its whole
// quota at once. Time is Redis's own (the TIME command), never a host's
// clock. Keys are named after a hash of the account, never the SecretID in
// the clear, and expire one window after their last call.
//
// # When Redis misbehaves
//
// Every round trip to Redis ends when the caller's context does, whatever
// the Redis client's own timeouts, and Redis is taken for down when a round
// trip fails, when a dial fails (seen through a dial hook the Limiter adds
// to the client, so that the client's own dial retries do not hold a caller
// up), or when no answer comes within the round-trip timeout (see
// [WithRoundTripTimeout]; with a fallback, half of what is left of the
// caller's deadline when that is shorter). While Redis is known down, Wait
// fails at once with an error matching [ErrUnavailable], or, with
// [WithFallback], paces calls on a local log at a share of the quota; one
// caller at a time tries Redis again once the retry interval has passed.
//
// The fallback's local log starts with the fleet's calls as Redis last
// showed them (the account's and the action's counts, taken to have been
// made at that moment, which is never earlier than they were), so that a
// window across the start of an outage holds no more than the quota when
// the fleet's shares add up to at most 1. Calls the fallback lets through
// are written into Redis's logs, at the times they were made, before the
// Limiter uses Redis again: no window after the outage forgets them.
//
// # What it needs from Redis
//
// A single primary (or a Redis Cluster, the keys of an account sharing one
// slot) that keeps the keys it is given: maxmemory-policy noeviction, or
// enough memory that nothing is evicted (the logs carry expiries, so
// volatile-* policies would evict them first). Persistence is not needed:
// a Redis that was flushed or restarted empty is detected by a marker key
// the Limiter keeps beside the logs (it has no expiry); the first call to
// find it gone starts a quiet period of one window (Window+Margin) in which
// nothing is granted, since the calls the lost logs held may still count at
// the API. A process that starts after the loss and calls before any
// process that knew the marker cannot tell; a replica promoted after a
// failover may have lost the last writes of its primary.
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
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/qcloud-legacy/cvm"
)

// ErrUnavailable matches the error Wait returns when Redis cannot be
// reached and no fallback is configured.
var ErrUnavailable = errors.New("redisquota: redis unavailable")

// Defaults of the options.
const (
	DefaultRetryInterval    = time.Second
	DefaultRoundTripTimeout = 200 * time.Millisecond
	// minStallBudget is the shortest time a round trip is given before a
	// fallback takes over, however short the caller's deadline.
	minStallBudget = 5 * time.Millisecond
)

// lua is shared by the scripts: Redis's clock in µs; the marker check, which
// finds lost logs (a flush, a restart without persistence) and then grants
// nothing for one window, since the calls they held may still count; and
// the k-th smallest score (from 0) of a log and its reservations together.
const lua = `
local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local function checkMarker(markerKey, quietKey, known, fresh, now, span)
  local marker = redis.call('GET', markerKey)
  if not marker then
    marker = fresh
    redis.call('SET', markerKey, marker)
    if known ~= '' then
      redis.call('SET', quietKey, now + span, 'PX', math.ceil(span / 1000) + 1)
    end
  end
  return marker
end
local function kth(a, b, k)
  local x = redis.call('ZRANGE', a, 0, k, 'WITHSCORES')
  local y = redis.call('ZRANGE', b, 0, k, 'WITHSCORES')
  local i, j, n = 1, 1, 0
  while true do
    local sx, sy = tonumber(x[i + 1]), tonumber(y[j + 1])
    local v
    if sy == nil or (sx ~= nil and sx <= sy) then v = sx; i = i + 2 else v = sy; j = j + 2 end
    if n == k then return v end
    n = n + 1
  end
end
`

// script takes a call from both logs, or says how long until both have
// room, in microseconds of Redis's clock. KEYS: the account's log, the
// action's log, the marker, the quiet period, the account's and the
// actions' reservations. ARGV: span (µs), account quota, action quota, a
// unique member, the marker this process knows ("" at first), a marker to
// set if there is none. A call at t counts while now - span < t, as the
// API's window does. It returns {granted, wait, marker, account count,
// action count}.
var script = redis.NewScript(lua + `
local now = clock()
local span = tonumber(ARGV[1])
local marker = checkMarker(KEYS[3], KEYS[4], ARGV[5], ARGV[6], now, span)
local logs = {{KEYS[1], KEYS[5]}, {KEYS[2], KEYS[6]}}
local counts = {0, 0}
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', logs[i][1], '-inf', now - span)
  redis.call('ZREMRANGEBYSCORE', logs[i][2], '-inf', now - span)
  counts[i] = redis.call('ZCARD', logs[i][1]) + redis.call('ZCARD', logs[i][2])
end
local quiet = tonumber(redis.call('GET', KEYS[4]) or '0')
if quiet > now then
  return {0, quiet - now, marker, counts[1], counts[2]}
end
local quotas = {tonumber(ARGV[2]), tonumber(ARGV[3])}
local wait = 0
for i = 1, 2 do
  if counts[i] >= quotas[i] then
    local w = kth(logs[i][1], logs[i][2], counts[i] - quotas[i]) + span - now
    if w > wait then wait = w end
  end
end
if wait > 0 then
  return {0, wait, marker, counts[1], counts[2]}
end
local ttl = math.ceil(span / 1000) + 1000
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[i], ttl)
end
return {1, 0, marker, counts[1] + 1, counts[2] + 1}
`)

// record is run by a process coming back to Redis after an outage. It
// writes the calls the process let through meanwhile into the logs, at the
// times they were made, and settles the reservation for the rest of the
// fleet: the first process back reserves what the others may have let
// through and not yet written ((1 - share) of each quota, counted until one
// window after the time by which an active process has tried Redis again);
// each process back after it gives back its own share of that reservation,
// its calls being written instead. A process settles the reservation once
// an outage (the returns hash remembers its outage's id), so that a copy of
// the script that Redis runs late, after a stall, settles nothing twice;
// the calls are written by member, so twice is once. KEYS: the account's
// log, the marker, the quiet period, the account's and the actions'
// reservations, the returns, then the actions' logs. ARGV: span (µs), the
// marker this process knows, a marker to set if there is none, the account
// and per-action reservations to make, the shares to give back, the retry
// interval (µs), the outage's id, then for each call the index of its
// action's key (7 up), its age in µs and a unique member. It returns the
// marker.
var record = redis.NewScript(lua + `
local now = clock()
local span = tonumber(ARGV[1])
local marker = checkMarker(KEYS[2], KEYS[3], ARGV[2], ARGV[3], now, span)
local ttl = math.ceil(span / 1000) + 1000
local settle = redis.call('HSETNX', KEYS[6], ARGV[9], 1) == 1
redis.call('PEXPIRE', KEYS[6], ttl + math.ceil(tonumber(ARGV[8]) / 1000))
local reserves = {{KEYS[4], tonumber(ARGV[4]), tonumber(ARGV[6])}, {KEYS[5], tonumber(ARGV[5]), tonumber(ARGV[7])}}
for _, r in ipairs(reserves) do
  if not settle then break end
  redis.call('ZREMRANGEBYSCORE', r[1], '-inf', now - span)
  if redis.call('ZCARD', r[1]) == 0 then
    local at = now + tonumber(ARGV[8])
    for i = 1, r[2] do
      redis.call('ZADD', r[1], at, marker .. ':' .. now .. ':' .. i)
    end
  elseif r[3] > 0 then
    redis.call('ZPOPMAX', r[1], r[3])
  end
  redis.call('PEXPIRE', r[1], ttl + math.ceil(tonumber(ARGV[8]) / 1000))
end
for i = 10, #ARGV, 3 do
  local at = now - tonumber(ARGV[i + 1])
  if at > now - span then
    local k = KEYS[tonumber(ARGV[i])]
    redis.call('ZADD', KEYS[1], at, ARGV[i + 2])
    redis.call('ZADD', k, at, ARGV[i + 2])
    redis.call('PEXPIRE', KEYS[1], ttl)
    redis.call('PEXPIRE', k, ttl)
  end
end
return marker
`)

// Option configures a Limiter.
type Option func(*Limiter)

// WithFallback makes a Limiter that cannot reach Redis pace calls with a
// local log at share (0 < share ≤ 1) of the quotas instead of failing, for
// example 1/N for a fleet of N processes. It tries Redis again every retry
// interval (WithRetryInterval) and returns to it once it answers, after
// writing the calls it let through into Redis.
func WithFallback(share float64) Option {
	return func(l *Limiter) { l.share = share }
}

// WithRetryInterval sets how long a Limiter that found Redis unreachable
// waits before trying it again. The default is one second.
func WithRetryInterval(d time.Duration) Option {
	return func(l *Limiter) { l.retry = d }
}

// WithRoundTripTimeout sets how long a round trip to Redis may take before
// Redis is taken for down (a stalled primary, a partition). The default is
// 200 ms; Redis answers in well under a millisecond on a healthy network.
func WithRoundTripTimeout(d time.Duration) Option {
	return func(l *Limiter) { l.rtt = d }
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
	span   time.Duration
	ns     string // key namespace: prefix and a hash of the account
	prefix string
	share  float64
	retry  time.Duration
	rtt    time.Duration

	mu       sync.Mutex
	turns    map[string]chan struct{} // one waiter per action at a time, here
	down     bool
	gen      uint64        // counts the times Redis came back
	downErr  error         // why Redis is taken for down
	downCh   chan struct{} // closed when Redis is next taken for down
	probeAt  time.Time     // Redis is not tried again before this
	probing  bool
	outage   string     // the id of the current outage
	marker   string     // the marker Redis showed, "" before the first answer
	local    *localLog  // the fallback, when configured
	lent     []lentCall // calls the fallback let through, not yet in Redis
	seenAt   time.Time  // when Redis last answered a call
	seenAcct int        // the account's count it showed then
	seenActs map[string]int
}

// lentCall is a call the fallback let through.
type lentCall struct {
	action string
	at     time.Time
	member string
}

// New returns a Limiter for account (its SecretID, or any name the fleet
// agrees on, such as [cvm.QuotaAccount] gives) and quotas (the zero value
// means the documented ones) on rdb. The account appears in Redis only as
// a hash. An empty account is refused: it would share one quota with every
// other fleet that left it empty.
func New(rdb redis.UniversalClient, account string, quotas cvm.RateLimit, opts ...Option) (*Limiter, error) {
	switch {
	case rdb == nil:
		return nil, &cvm.ArgError{Arg: "rdb", Reason: "is nil"}
	case account == "":
		return nil, &cvm.ArgError{Arg: "account", Reason: "is empty; pass the SecretID, or use NewForConfig"}
	}
	l := &Limiter{rdb: rdb, rl: quotas.Effective(), prefix: "cvmquota", retry: DefaultRetryInterval,
		rtt: DefaultRoundTripTimeout, turns: map[string]chan struct{}{}, downCh: make(chan struct{}), seenActs: map[string]int{}}
	for _, o := range opts {
		o(l)
	}
	switch {
	case l.share < 0 || l.share > 1:
		return nil, &cvm.ArgError{Arg: "WithFallback", Reason: fmt.Sprintf("share %v is not in (0, 1]", l.share)}
	case l.retry <= 0:
		return nil, &cvm.ArgError{Arg: "WithRetryInterval", Reason: "must be positive"}
	case l.rtt <= 0:
		return nil, &cvm.ArgError{Arg: "WithRoundTripTimeout", Reason: "must be positive"}
	}
	l.span = l.rl.Window + l.rl.Margin
	sum := sha256.Sum256([]byte(account))
	// The hash tag keeps an account's keys in one slot of a Redis Cluster,
	// as a script touching several keys needs.
	l.ns = l.prefix + ":{" + hex.EncodeToString(sum[:12]) + "}:"
	if l.share > 0 {
		l.local = newLocalLog(l.rl, l.share)
	}
	rdb.AddHook(dialWatch{l})
	return l, nil
}

// NewForConfig returns a Limiter for the account and quotas of cfg: its
// SecretID, or the account its Credentials provider names (asked once, see
// [cvm.QuotaAccount]), and its RateLimit. Set the result as cfg.Limiter.
func NewForConfig(ctx context.Context, rdb redis.UniversalClient, cfg cvm.Config, opts ...Option) (*Limiter, error) {
	account, err := cvm.QuotaAccount(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return New(rdb, account, cfg.RateLimit, opts...)
}

// Keys returns the Redis keys the Limiter uses for action: the account's
// log and the action's.
func (l *Limiter) Keys(action string) (account, actionKey string) {
	return l.ns + "account", l.ns + "action:" + action
}

func (l *Limiter) markerKey() string          { return l.ns + "marker" }
func (l *Limiter) quietKey() string           { return l.ns + "quiet" }
func (l *Limiter) reservedAccountKey() string { return l.ns + "reserved:account" }
func (l *Limiter) reservedActionsKey() string { return l.ns + "reserved:actions" }
func (l *Limiter) returnsKey() string         { return l.ns + "returns" }

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
	member := newMember()
	for {
		if probe, down := l.state(); down {
			if !probe || !l.reconnect(ctx) {
				return l.whileDown(ctx, action, member)
			}
		}
		granted, wait, err := l.take(ctx, action, member)
		switch {
		case err != nil && ctx.Err() != nil:
			return fmt.Errorf("redisquota: %s: no answer from Redis before the context ended: %w", action, ctx.Err())
		case err != nil:
			l.setDown(err)
			return l.whileDown(ctx, action, member)
		case granted:
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
			return fmt.Errorf("redisquota: %s would wait %v, past the context deadline: %w",
				action, wait.Round(time.Millisecond), context.DeadlineExceeded)
		}
		if err := sleep(ctx, wait); err != nil {
			return err
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

// state says whether Redis is taken for down, and if so whether this caller
// is the one to try it again.
func (l *Limiter) state() (probe, down bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.down {
		return false, false
	}
	if !l.probing && !time.Now().Before(l.probeAt) {
		l.probing = true
		return true, true
	}
	return false, true
}

// setDown takes Redis for down because of err, and starts the fallback
// from the fleet's calls as Redis last showed them.
func (l *Limiter) setDown(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.setDownLocked(err)
}

// setDownSince is setDown for a round trip that started while Redis was up
// for the gen-th time: one that ends after Redis came back says nothing of
// it now.
func (l *Limiter) setDownSince(gen uint64, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if gen == l.gen {
		l.setDownLocked(err)
	}
}

func (l *Limiter) setDownLocked(err error) {
	l.probeAt = time.Now().Add(l.retry)
	l.downErr = err
	if l.down {
		return
	}
	l.down = true
	l.outage = newMember()
	close(l.downCh)
	l.downCh = make(chan struct{})
	if l.local != nil {
		l.local.reset(l.seenAt, l.seenAcct, l.seenActs)
	}
}

// whileDown answers a Wait while Redis is taken for down: the fallback, or
// ErrUnavailable at once.
func (l *Limiter) whileDown(ctx context.Context, action, member string) error {
	l.mu.Lock()
	local, cause := l.local, l.downErr
	l.mu.Unlock()
	if local == nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, cause)
	}
	at, err := local.wait(ctx, action)
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.lent = append(dropExpired(l.lent, at, l.span), lentCall{action: action, at: at, member: member})
	l.mu.Unlock()
	return nil
}

// dropExpired drops the calls (oldest first) that no window holds any more
// at now: however long an outage lasts, what waits to be written into Redis
// is at most a window of calls.
func dropExpired(lent []lentCall, now time.Time, span time.Duration) []lentCall {
	i := 0
	for i < len(lent) && now.Sub(lent[i].at) >= span {
		i++
	}
	return lent[i:]
}

// reconnect tries Redis again: it writes the calls the fallback let
// through into Redis, and on success takes Redis for up.
func (l *Limiter) reconnect(ctx context.Context) bool {
	l.mu.Lock()
	lent := append([]lentCall(nil), l.lent...)
	marker, outage := l.marker, l.outage
	l.mu.Unlock()
	// A PING first: a probe that Redis answers late, after a stall, then
	// carries nothing that acts.
	_, err := l.roundTrip(ctx, func(rctx context.Context) (any, error) { return l.rdb.Ping(rctx).Result() })
	if err != nil {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.probing = false
		l.probeAt = time.Now().Add(l.retry)
		if ctx.Err() == nil {
			l.downErr = err
		}
		return false
	}
	acct, _ := l.Keys("")
	keys := []string{acct, l.markerKey(), l.quietKey(), l.reservedAccountKey(), l.reservedActionsKey(), l.returnsKey()}
	others := 1 - l.share
	args := []any{l.span.Microseconds(), marker, newMember(),
		int(others * float64(l.rl.Global)), int(others * float64(l.rl.PerAction)),
		int(l.share * float64(l.rl.Global)), int(l.share * float64(l.rl.PerAction)), l.retry.Microseconds(), outage}
	index := map[string]int{}
	now := time.Now()
	for _, c := range lent {
		if now.Sub(c.at) >= l.span {
			continue // out of every window already
		}
		i, ok := index[c.action]
		if !ok {
			_, k := l.Keys(c.action)
			keys = append(keys, k)
			i = len(keys)
			index[c.action] = i
		}
		args = append(args, i, now.Sub(c.at).Microseconds(), c.member)
	}
	v, err := l.roundTrip(ctx, func(rctx context.Context) (any, error) {
		return record.Run(rctx, l.rdb, keys, args...).Text()
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.probing = false
	if err != nil {
		l.probeAt = time.Now().Add(l.retry)
		if ctx.Err() == nil {
			l.downErr = err
		}
		return false
	}
	l.marker = v.(string)
	l.lent = l.lent[len(lent):]
	l.down = false
	l.gen++
	return true
}

// take runs the script once: granted, or how long until there is room.
func (l *Limiter) take(ctx context.Context, action, member string) (granted bool, wait time.Duration, err error) {
	acct, act := l.Keys(action)
	l.mu.Lock()
	marker := l.marker
	l.mu.Unlock()
	v, err := l.roundTrip(ctx, func(rctx context.Context) (any, error) {
		return script.Run(rctx, l.rdb, []string{acct, act, l.markerKey(), l.quietKey(), l.reservedAccountKey(), l.reservedActionsKey()},
			l.span.Microseconds(), l.rl.Global, l.rl.PerAction, member, marker, newMember()).Slice()
	})
	if err != nil {
		return false, 0, err
	}
	res := v.([]any)
	if len(res) != 5 {
		return false, 0, fmt.Errorf("redisquota: the script answered %d values, not 5", len(res))
	}
	ok, _ := res[0].(int64)
	w, _ := res[1].(int64)
	m, _ := res[2].(string)
	na, _ := res[3].(int64)
	nx, _ := res[4].(int64)
	l.mu.Lock()
	l.marker, l.seenAt, l.seenAcct, l.seenActs[action] = m, time.Now(), int(na), int(nx)
	l.mu.Unlock()
	if ok == 1 {
		return true, 0, nil
	}
	wait = time.Duration(w) * time.Microsecond
	return false, max(wait, time.Millisecond), nil
}

// errNoAnswer is the cause of a round trip that got no answer in time.
var errNoAnswer = errors.New("no answer from Redis within the round-trip timeout")

// roundTrip runs one call to Redis in its own goroutine, so that it ends
// for the caller when ctx does, however the Redis client's own timeouts are
// set. Redis is taken for down when it fails, when a dial fails, or when it
// takes longer than the round-trip timeout (with a fallback, half of what
// is left of ctx's deadline, when that is shorter: the fallback then still
// has time). A call abandoned by its caller goes on in the background at
// most that long for this Limiter, and as long as the client's own
// timeouts allow for the client.
func (l *Limiter) roundTrip(ctx context.Context, do func(context.Context) (any, error)) (any, error) {
	budget := l.rtt
	if dl, ok := ctx.Deadline(); ok && l.local != nil {
		budget = min(budget, max(time.Until(dl)/2, minStallBudget))
	}
	l.mu.Lock()
	downCh, gen := l.downCh, l.gen
	l.mu.Unlock()
	// The call's own context outlives the caller's, up to the budget: a
	// caller that gives up does not make Redis look down, a stall does. The
	// timer, not the call, says so: the client may sit in a read until its
	// own ReadTimeout whatever the context.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), budget)
	stall := time.AfterFunc(budget, func() { l.setDownSince(gen, fmt.Errorf("%w (%v)", errNoAnswer, budget)) })
	type result struct {
		v   any
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer cancel()
		v, err := do(rctx)
		stall.Stop()
		if err != nil && !errors.Is(err, redis.Nil) && rctx.Err() == nil {
			l.setDownSince(gen, err)
		}
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-downCh:
		// A dial failed, or another round trip found Redis down.
		l.mu.Lock()
		err := l.downErr
		l.mu.Unlock()
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// localLog is the fallback: an exact sliding-window log of this process's
// calls, at a share of the quotas, started from the fleet's calls as Redis
// last showed them.
type localLog struct {
	mu        sync.Mutex
	span      time.Duration
	global    int
	perAction int
	acct      []time.Time // oldest first
	acts      map[string][]time.Time
}

func newLocalLog(rl cvm.RateLimit, share float64) *localLog {
	return &localLog{span: rl.Window + rl.Margin, global: max(1, int(float64(rl.Global)*share)),
		perAction: max(1, int(float64(rl.PerAction)*share)), acts: map[string][]time.Time{}}
}

// reset starts the log over from the fleet's counts at at: each taken to
// have been made then, which is never earlier than it was.
func (g *localLog) reset(at time.Time, acct int, acts map[string]int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	fill := func(n int) []time.Time {
		out := make([]time.Time, n)
		for i := range out {
			out[i] = at
		}
		return out
	}
	g.acct = fill(min(acct, g.global))
	clear(g.acts)
	for a, n := range acts {
		g.acts[a] = fill(min(n, g.perAction))
	}
}

// wait takes a call of action from the log, waiting for room, and returns
// when it was taken.
func (g *localLog) wait(ctx context.Context, action string) (time.Time, error) {
	for {
		g.mu.Lock()
		now := time.Now()
		acct, act := prune(g.acct, now, g.span), prune(g.acts[action], now, g.span)
		var w time.Duration
		if len(acct) >= g.global {
			w = acct[len(acct)-g.global].Add(g.span).Sub(now)
		}
		if len(act) >= g.perAction {
			w = max(w, act[len(act)-g.perAction].Add(g.span).Sub(now))
		}
		if w <= 0 {
			g.acct, g.acts[action] = append(acct, now), append(act, now)
			g.mu.Unlock()
			return now, nil
		}
		g.acct, g.acts[action] = acct, act
		g.mu.Unlock()
		if dl, ok := ctx.Deadline(); ok && now.Add(w).After(dl) {
			return time.Time{}, fmt.Errorf("redisquota: %s would wait %v on the local share while Redis is down, past the context deadline: %w",
				action, w.Round(time.Millisecond), context.DeadlineExceeded)
		}
		if err := sleep(ctx, w); err != nil {
			return time.Time{}, err
		}
	}
}

// prune drops the calls that no window holds any more.
func prune(ts []time.Time, now time.Time, span time.Duration) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= span {
		i++
	}
	return ts[i:]
}

// dialWatch is the hook through which the Limiter learns at once of a
// failed dial, before the client's own dial retries are over.
type dialWatch struct{ l *Limiter }

func (d dialWatch) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		if err != nil && ctx.Err() == nil {
			d.l.setDown(fmt.Errorf("dialing %s: %w", addr, err))
		}
		return conn, err
	}
}

func (dialWatch) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (dialWatch) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// newMember returns a unique log entry: two calls in one microsecond are
// two entries.
func newMember() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return strconv.FormatInt(time.Now().UnixNano(), 36) + hex.EncodeToString(b[:])
}
