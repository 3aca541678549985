package cvm

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/qcloud-legacy/cvm/internal/clock"
	"github.com/qcloud-legacy/cvm/internal/testhook"
)

// Documented quotas of the legacy API: 1000 calls a minute for the account,
// and at most 100 a minute for any one action.
const (
	DefaultGlobalQuota    = 1000
	DefaultPerActionQuota = 100
	DefaultQuotaWindow    = time.Minute
)

// Limiter paces calls. The client calls Wait before every attempt, retries
// included, with the legacy action about to be sent. Wait returns an error,
// without waiting, when it cannot let the call through before ctx ends.
//
// A Limiter shared across processes (say, backed by Redis) can be plugged in
// through [Config.Limiter]. [*rate.Limiter] from golang.org/x/time/rate fits
// through [LimiterFunc].
type Limiter interface {
	Wait(ctx context.Context, action string) error
}

// LimiterFunc adapts a function to [Limiter]:
//
//	lim := rate.NewLimiter(rate.Every(time.Second), 1)
//	cfg.Limiter = cvm.LimiterFunc(func(ctx context.Context, _ string) error { return lim.Wait(ctx) })
type LimiterFunc func(ctx context.Context, action string) error

// Wait calls f.
func (f LimiterFunc) Wait(ctx context.Context, action string) error { return f(ctx, action) }

// RateLimit configures the built-in limiter. The zero value means the
// documented quotas: 1000 calls per minute per account and 100 per minute per
// action.
type RateLimit struct {
	// Global is the number of calls the account may make per Window.
	// 0 means 1000.
	Global int
	// PerAction is the number of calls of one action per Window. 0 means 100.
	PerAction int
	// Window is the quota window. 0 means one minute.
	Window time.Duration
	// Disabled turns client-side limiting off.
	Disabled bool
}

func (r RateLimit) withDefaults() RateLimit {
	if r.Global == 0 {
		r.Global = DefaultGlobalQuota
	}
	if r.PerAction == 0 {
		r.PerAction = DefaultPerActionQuota
	}
	if r.Window == 0 {
		r.Window = DefaultQuotaWindow
	}
	return r
}

func (r RateLimit) validate() error {
	switch {
	case r.Global < 0:
		return &ArgError{Arg: "Config.RateLimit.Global", Reason: "must not be negative"}
	case r.PerAction < 0:
		return &ArgError{Arg: "Config.RateLimit.PerAction", Reason: "must not be negative"}
	case r.Window < 0:
		return &ArgError{Arg: "Config.RateLimit.Window", Reason: "must not be negative"}
	}
	return nil
}

// bucketFor returns a token bucket that never lets more than quota calls into
// any window of the given length, however the server aligns its window, and
// that sustains at least 99% of the quota.
//
// A bucket of burst b refilled at r admits at most b + r·L calls in any span
// of length L. With b = quota/100 (at least 1) and r = (quota-b)/window, a span
// of one window holds at most quota calls, and the long-run rate is
// (quota-b)/quota ≥ 99% of the quota. A quota of 1 gets r = 1/window, which
// keeps the bound for windows that exclude one end, as a sliding counter of
// "the last N seconds" does.
func bucketFor(quota int, window time.Duration) *rate.Limiter {
	burst := max(1, quota/100)
	refill := max(quota-burst, 1)
	return rate.NewLimiter(rate.Limit(float64(refill)/window.Seconds()), burst)
}

// bucketLimiter is the built-in [Limiter]: one bucket for the account and one
// per action, consumed together at the instant the call is let through, so
// that the instants counted by each bucket are the instants calls are sent.
//
// Waiters of one action queue in FIFO order and only the head of each queue
// competes for the account's bucket. Among heads whose action bucket has a
// token, the one whose action was served least recently takes the account's
// next token, so a busy action cannot crowd out others, and an action keeps
// its place while the scheduler hands its turn from one waiter to the next.
type bucketLimiter struct {
	clock  clock.Clock
	rl     RateLimit
	mu     sync.Mutex
	global *rate.Limiter
	action map[string]*actionQueue
	seq    uint64 // orders heads that became ready at the same instant
	// onGrant, when set by tests (directly, or through testhook.Grants),
	// is called under mu for every call let through, with the instant.
	onGrant func(action string, at time.Time)
}

type actionQueue struct {
	bucket *rate.Limiter
	turn   chan struct{} // holds a token while some waiter is the head
	// ready is set while the head has its action token and waits for the
	// account's. served is when the action was last let through (zero:
	// never); seq breaks ties.
	ready  bool
	served time.Time
	seq    uint64
}

// NewLimiter returns the built-in token-bucket limiter for rl, on the wall
// clock. Clients share one per SecretID automatically; call this only to
// share one limiter across several accounts or to use it apart from a Client.
func NewLimiter(rl RateLimit) Limiter {
	return newBucketLimiter(rl, clock.Real{})
}

func newBucketLimiter(rl RateLimit, clk clock.Clock) *bucketLimiter {
	rl = rl.withDefaults()
	l := &bucketLimiter{
		clock:  clk,
		rl:     rl,
		global: bucketFor(rl.Global, rl.Window),
		action: make(map[string]*actionQueue),
	}
	if f := testhook.Grants.Load(); f != nil {
		l.onGrant = *f
	}
	return l
}

func (l *bucketLimiter) queue(action string) *actionQueue {
	l.mu.Lock()
	defer l.mu.Unlock()
	q, ok := l.action[action]
	if !ok {
		q = &actionQueue{bucket: bucketFor(l.rl.PerAction, l.rl.Window), turn: make(chan struct{}, 1)}
		l.action[action] = q
	}
	return q
}

// Wait blocks until a call of action may be sent, or returns at once when the
// wait would outlast ctx's deadline.
func (l *bucketLimiter) Wait(ctx context.Context, action string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	q := l.queue(action)
	select {
	case q.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() {
		l.mu.Lock()
		q.ready = false
		l.mu.Unlock()
		<-q.turn
	}()
	for {
		wait, now := l.tryTake(action, q)
		if wait <= 0 {
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && now.Add(wait).After(dl) {
			return fmt.Errorf("cvm: rate limit: %s would wait %v, past the context deadline: %w",
				action, wait.Round(time.Millisecond), context.DeadlineExceeded)
		}
		if !clock.Sleep(l.clock, wait, ctx.Done()) {
			return ctx.Err()
		}
	}
}

// tryTake takes a token from both buckets if both have one, and otherwise
// says how long until both will.
func (l *bucketLimiter) tryTake(action string, q *actionQueue) (time.Duration, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if wait := untilTokens(q.bucket, now, 1); wait > 0 {
		return wait, now
	}
	if !q.ready {
		l.seq++
		q.ready, q.seq = true, l.seq
	}
	if wait := untilTokens(l.global, now, 1); wait > 0 {
		return wait, now
	}
	if l.nextServed() != q {
		// The account's token goes to an action served less recently;
		// ours is the one after it.
		return untilTokens(l.global, now, 2), now
	}
	q.ready, q.served = false, now
	l.global.AllowN(now, 1)
	q.bucket.AllowN(now, 1)
	if l.onGrant != nil {
		l.onGrant(action, now)
	}
	return 0, now
}

// nextServed returns, among the ready heads, the one whose action was
// served least recently.
func (l *bucketLimiter) nextServed() *actionQueue {
	var best *actionQueue
	for _, q := range l.action {
		if q.ready && (best == nil || q.served.Before(best.served) || q.served.Equal(best.served) && q.seq < best.seq) {
			best = q
		}
	}
	return best
}

// untilTokens says how long until b holds n tokens (0 if it does now).
func untilTokens(b *rate.Limiter, now time.Time, n float64) time.Duration {
	missing := n - b.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	// Round up, so that waking at now+d finds the token there.
	return time.Duration(math.Ceil(missing/float64(b.Limit())*float64(time.Second))) + 1
}

// accountLimiters holds the built-in limiter of each account, so that every
// Client of one SecretID in a process draws on the same buckets.
var accountLimiters struct {
	sync.Mutex
	m map[accountKey]*bucketLimiter
}

type accountKey struct {
	secretID string
	rl       RateLimit
}

func sharedLimiter(secretID string, rl RateLimit) *bucketLimiter {
	rl = rl.withDefaults()
	accountLimiters.Lock()
	defer accountLimiters.Unlock()
	if accountLimiters.m == nil {
		accountLimiters.m = make(map[accountKey]*bucketLimiter)
	}
	k := accountKey{secretID, rl}
	l, ok := accountLimiters.m[k]
	if !ok {
		l = newBucketLimiter(rl, clock.Real{})
		accountLimiters.m[k] = l
	}
	return l
}
