package cvm

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"time"

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
// A Limiter shared across processes can be plugged in through
// [Config.Limiter]: the nested module github.com/qcloud-legacy/cvm/redisquota
// shares the quota of an account through Redis. [*rate.Limiter] from
// golang.org/x/time/rate fits through [LimiterFunc].
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
	// Margin is added to Window when the client counts its calls: the
	// server counts a call when it arrives, a little after the client let it
	// through, and by a varying delay, so two calls a Window apart at the
	// client may arrive closer together. 0 means Window/200 (300 ms for a
	// minute), which keeps sustained use at 99.5% of the quota, and 50 ms
	// for API 3.0's per-second limits; negative means none.
	Margin time.Duration
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
	switch {
	case r.Margin == 0:
		r.Margin = r.Window / 200
	case r.Margin < 0:
		r.Margin = 0
	}
	return r
}

// Span is the length of the sliding window the client counts calls in:
// Window plus Margin, defaults applied.
func (r RateLimit) Span() time.Duration {
	r = r.withDefaults()
	return r.Window + r.Margin
}

// Effective returns r with its defaults applied.
func (r RateLimit) Effective() RateLimit { return r.withDefaults() }

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

// tighter returns the stricter of two quotas, field by field: the smaller
// counts, the longer window and margin.
func (r RateLimit) tighter(o RateLimit) RateLimit {
	return RateLimit{
		Global: min(r.Global, o.Global), PerAction: min(r.PerAction, o.PerAction),
		Window: max(r.Window, o.Window), Margin: max(r.Margin, o.Margin),
	}
}

// slidingLog holds the instants (Unix nanoseconds) of the calls let through
// in the current window, oldest first. It is an exact sliding-window log: a
// call at t counts for every instant before t+span.
type slidingLog struct {
	at   []int64
	head int
}

// expire forgets the calls at or before cut.
func (s *slidingLog) expire(cut int64) {
	for s.head < len(s.at) && s.at[s.head] <= cut {
		s.head++
	}
	switch {
	case s.head == len(s.at):
		s.at, s.head = nil, 0 // an idle log holds no memory
	case s.head > 64 && s.head > len(s.at)/2:
		s.at = append(s.at[:0:0], s.at[s.head:]...)
		s.head = 0
	}
}

func (s *slidingLog) count() int { return len(s.at) - s.head }

func (s *slidingLog) push(t int64) { s.at = append(s.at, t) }

// until returns how long from now until at most quota-n calls lie in the
// window (now-span, now], so that n more may go (0 if they may now).
func (s *slidingLog) until(now, span int64, quota, n int) int64 {
	s.expire(now - span)
	need := s.count() - (quota - n)
	if need <= 0 {
		return 0
	}
	if need > s.count() {
		return span // a quota smaller than n: a full window
	}
	return s.at[s.head+need-1] + span - now
}

// account is the limiter state of one SecretID: its log, and one queue and
// log per action in use. Idle actions are forgotten after a window, and so
// is an idle account.
type account struct {
	key     string
	rl      RateLimit // defaults applied; the tightest of its clients'
	mu      sync.Mutex
	log     slidingLog
	actions map[string]*actionQueue
	ready   map[*actionQueue]struct{} // heads waiting for the account's slot
	waiting map[*actionQueue]struct{} // actions someone is waiting for
	seq     uint64
	// changed is closed, and replaced, whenever a slot is taken or a ready
	// head leaves: heads waiting for their turn among others re-rank then.
	changed chan struct{}
	// lru orders the actions by last use, least recent first, so that idle
	// ones are found without scanning them all.
	lru list.List // of *actionQueue
	// Under the registry's lock:
	waiters int
	touched int64
	elem    *list.Element // in the registry's list
}

type actionQueue struct {
	name string
	log  slidingLog
	turn chan struct{} // holds a token while some waiter is the head
	// ready is set while the head has its action's slot and waits for the
	// account's. served is when the action was last let through (zero:
	// never); seq breaks ties.
	ready     bool
	overShare bool // the ready head waits for others to reach their share
	served    int64
	seq       uint64
	waiters   int
	touched   int64
	elem      *list.Element // in the account's list
}

// touch marks q used at now, moving it to the back of the list.
func (a *account) touch(q *actionQueue, now int64) {
	q.touched = now
	a.lru.MoveToBack(q.elem)
}

// sweep forgets the actions idle for a whole span, least recent first: the
// cost is proportional to what it frees, not to the actions ever seen.
func (a *account) sweep(now int64) {
	span := int64(a.rl.Window + a.rl.Margin)
	for e := a.lru.Front(); e != nil; e = a.lru.Front() {
		q := e.Value.(*actionQueue)
		if q.waiters != 0 || q.touched > now-span {
			break
		}
		a.lru.Remove(e)
		delete(a.actions, q.name)
	}
}

// registry holds the accounts of a process (or of one standalone limiter).
type registry struct {
	clock    clock.Clock
	mu       sync.Mutex
	accounts map[string]*account
	lru      list.List // of *account, least recently used first
	// onGrant, when set by tests (or else testhook.Grants), is called under
	// the account's lock for every call let through.
	onGrant func(action string, at time.Time)
}

func newRegistry(clk clock.Clock) *registry {
	return &registry{clock: clk, accounts: map[string]*account{}}
}

// processAccounts is the registry every Client's built-in limiter uses, so
// that the clients of one SecretID in a process share one quota.
var processAccounts = sync.OnceValue(func() *registry { return newRegistry(clock.Real{}) })

// acquire returns the account for key, made or tightened to rl, counted as
// in use until release.
func (r *registry) acquire(key string, rl RateLimit) *account {
	now := r.clock.Now().UnixNano()
	r.mu.Lock()
	defer r.mu.Unlock()
	// Forget accounts idle for a whole span, least recent first.
	for e := r.lru.Front(); e != nil; e = r.lru.Front() {
		a := e.Value.(*account)
		if a.waiters != 0 || a.touched > now-int64(a.rl.Window+a.rl.Margin) {
			break
		}
		r.lru.Remove(e)
		delete(r.accounts, a.key)
	}
	a, ok := r.accounts[key]
	if !ok {
		a = &account{key: key, rl: rl, actions: map[string]*actionQueue{}, ready: map[*actionQueue]struct{}{},
			waiting: map[*actionQueue]struct{}{}, changed: make(chan struct{})}
		r.accounts[key] = a
		a.elem = r.lru.PushBack(a)
	} else {
		r.lru.MoveToBack(a.elem)
		if t := a.rl.tighter(rl); t != a.rl {
			a.mu.Lock()
			a.rl = t
			a.mu.Unlock()
		}
	}
	a.waiters++
	a.touched = now
	return a
}

func (r *registry) release(a *account) {
	now := r.clock.Now().UnixNano()
	r.mu.Lock()
	defer r.mu.Unlock()
	a.waiters--
	a.touched = now
	if r.accounts[a.key] == a {
		r.lru.MoveToBack(a.elem)
	}
}

// size returns how many accounts and actions the registry holds.
func (r *registry) size() (accounts, actions int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range r.accounts {
		a.mu.Lock()
		actions += len(a.actions)
		a.mu.Unlock()
	}
	return len(r.accounts), actions
}

// slidingLimiter is the built-in [Limiter]: an exact sliding-window log for
// the account and one for each action, consumed together at the instant a
// call is let through. An idle client sends up to the full quota at once;
// in no window of Window+Margin, however aligned, does it let through more
// than the quota, for the account or any action.
//
// Waiters of one action queue in FIFO order and only the head of each queue
// competes for the account's slots. Among heads whose action has a free
// slot, those whose actions were served least recently take the account's
// free slots first, so a busy action cannot crowd out others.
type slidingLimiter struct {
	reg *registry
	key string
	rl  RateLimit
}

// NewLimiter returns a built-in sliding-window limiter for rl of its own,
// on the wall clock. Clients share one account state per SecretID
// automatically; call this only to share one quota across several accounts
// or to use it apart from a Client.
func NewLimiter(rl RateLimit) Limiter {
	return &slidingLimiter{reg: newRegistry(clock.Real{}), rl: rl.withDefaults()}
}

// accountLimiter returns the built-in limiter of a SecretID in this
// process. Clients of one SecretID whose RateLimit differs share one
// account; the smallest quotas (and longest window) among them apply.
func accountLimiter(secretID string, rl RateLimit) *slidingLimiter {
	return &slidingLimiter{reg: processAccounts(), key: secretID, rl: rl.withDefaults()}
}

// Wait blocks until a call of action may be sent, or returns at once when the
// wait would outlast ctx's deadline.
func (l *slidingLimiter) Wait(ctx context.Context, action string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	a := l.reg.acquire(l.key, l.rl)
	defer l.reg.release(a)
	q := a.queue(action, l.reg.clock.Now().UnixNano())
	defer a.leave(q)
	select {
	case q.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() {
		a.mu.Lock()
		if q.ready {
			q.ready, q.overShare = false, false
			delete(a.ready, q)
			a.signal()
		}
		a.mu.Unlock()
		<-q.turn
	}()
	for {
		wait, now, rerank := l.tryTake(a, q, action)
		if wait <= 0 {
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && now.Add(wait).After(dl) {
			return fmt.Errorf("cvm: rate limit: %s would wait %v, past the context deadline: %w",
				action, wait.Round(time.Millisecond), context.DeadlineExceeded)
		}
		t := l.reg.clock.NewTimer(wait)
		select {
		case <-t.C():
		case <-rerank: // the heads ahead moved: look again
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// signal wakes the heads waiting for their turn. a.mu must be held.
func (a *account) signal() {
	close(a.changed)
	a.changed = make(chan struct{})
}

// queue returns the action's queue, counted as waited on until leave.
func (a *account) queue(action string, now int64) *actionQueue {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sweep(now)
	q, ok := a.actions[action]
	if !ok {
		q = &actionQueue{name: action, turn: make(chan struct{}, 1)}
		a.actions[action] = q
		q.elem = a.lru.PushBack(q)
	}
	q.waiters++
	a.waiting[q] = struct{}{}
	a.touch(q, now)
	return q
}

func (a *account) leave(q *actionQueue) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if q.waiters--; q.waiters == 0 {
		delete(a.waiting, q)
	}
}

// tryTake lets the call through if the action and the account both have a
// free slot (and the account's slot is this action's turn), and otherwise
// says how long to wait before trying again, and, when other heads are
// ahead in turn, a channel closed when they move.
func (l *slidingLimiter) tryTake(a *account, q *actionQueue, action string) (time.Duration, time.Time, <-chan struct{}) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := l.reg.clock.Now()
	now := t.UnixNano()
	span := int64(a.rl.Window + a.rl.Margin)
	if wait := q.log.until(now, span, a.rl.PerAction, 1); wait > 0 {
		return time.Duration(wait), t, nil
	}
	if !q.ready {
		a.seq++
		q.ready, q.seq = true, a.seq
		a.ready[q] = struct{}{}
	}
	// An action at its fair share of the account waits while another
	// action in use is below it.
	grace := max(span/1000, int64(time.Millisecond))
	over := a.overShare(q, now, span, grace)
	if over != q.overShare {
		// Heads behind this one move up (or back): let them look again.
		q.overShare = over
		a.signal()
	}
	if over {
		return time.Duration(grace), t, a.changed
	}
	// The account's free slots go to the ready heads in the order their
	// actions were last served: ours needs one more free slot than there
	// are heads before it.
	ahead := a.ahead(q)
	if wait := a.log.until(now, span, a.rl.Global, ahead+1); wait > 0 {
		var rerank <-chan struct{}
		if ahead > 0 {
			rerank = a.changed
		}
		return time.Duration(wait), t, rerank
	}
	q.ready, q.overShare, q.served = false, false, now
	delete(a.ready, q)
	a.log.push(now)
	q.log.push(now)
	a.touch(q, now)
	if l.reg.onGrant != nil {
		l.reg.onGrant(action, t)
	} else if f := testhook.Grants.Load(); f != nil {
		(*f)(action, t)
	}
	a.signal()
	return 0, t, nil
}

// overShare reports whether q has had its fair share of the account in the
// current window while another action in use has not: max-min fairness.
// An action is in use while someone waits for it, or for grace after its
// last call, so that a caller who calls again at once keeps its place. The cost
// is proportional to the actions in use, not to those ever seen.
func (a *account) overShare(q *actionQueue, now, span, grace int64) bool {
	mine := q.log.count()
	if mine == 0 {
		return false
	}
	inUse := make([]*actionQueue, 0, len(a.waiting))
	for o := range a.waiting { // q among them
		inUse = append(inUse, o)
	}
	for e := a.lru.Back(); e != nil; e = e.Prev() {
		o := e.Value.(*actionQueue)
		if o.touched < now-grace {
			break
		}
		if o.waiters == 0 {
			inUse = append(inUse, o)
		}
	}
	share := (a.rl.Global + len(inUse) - 1) / len(inUse)
	if mine < share {
		return false
	}
	for _, o := range inUse {
		if o == q {
			continue
		}
		o.log.expire(now - span)
		if n := o.log.count(); n < share && n < a.rl.PerAction {
			return true
		}
	}
	return false
}

// ahead counts the ready heads whose actions were served less recently
// than q's (ties broken by when they became ready).
func (a *account) ahead(q *actionQueue) int {
	n := 0
	for o := range a.ready {
		if o != q && !o.overShare && (o.served < q.served || o.served == q.served && o.seq < q.seq) {
			n++
		}
	}
	return n
}

// QuotaAccount returns the name under which cfg's calls count against the
// API's quotas, as the built-in limiter keys them and a limiter shared
// across processes (package redisquota) should: cfg.SecretID, or, with
// cfg.Credentials, the account its provider names: the SecretID of the
// environment's or a file's key, "cam-role:NAME" for an instance role,
// "role:ARN" for an assumed role (whose temporary SecretIDs change with
// every refresh), or the SecretID of the credentials a provider of the
// caller's own returns. A provider that must be asked is asked once, within
// ctx.
func QuotaAccount(ctx context.Context, cfg Config) (string, error) {
	switch {
	case cfg.SecretID != "":
		return cfg.SecretID, nil
	case cfg.Credentials == nil:
		return "", &ArgError{Arg: "Config.SecretID", Reason: "is required (or Config.Credentials)"}
	case ctx == nil:
		return "", &ArgError{Arg: "ctx", Reason: "is nil"}
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return "", err
	}
	if k, ok := cfg.Credentials.(quotaKeyer); ok {
		if key := k.quotaKey(); key != "" {
			return key, nil
		}
	}
	if creds.SecretID == "" {
		return "", &ArgError{Arg: "Config.Credentials", Reason: "gave credentials without a SecretID"}
	}
	return creds.SecretID, nil
}

// resolveLimiter returns the caller's limiter, none, or the built-in one of
// the account, shared by every client of it in the process.
func resolveLimiter(cfg Config, provider CredentialsProvider) Limiter {
	switch {
	case cfg.Limiter != nil:
		return cfg.Limiter
	case cfg.RateLimit.Disabled:
		return LimiterFunc(func(ctx context.Context, _ string) error { return ctx.Err() })
	}
	key := cfg.SecretID
	if k, ok := provider.(quotaKeyer); ok && key == "" {
		key = k.quotaKey()
	}
	if key == "" {
		// A provider of the caller's own: one quota per provider.
		key = fmt.Sprintf("provider:%p", provider)
	}
	if cfg.API == API3 {
		// API 3.0's limits are per action and per second (spec/api3 §5).
		margin := cfg.RateLimit.Margin
		if margin == 0 {
			margin = api3Margin
		}
		return &api3Limiter{reg: processAccounts(), key: key, margin: margin}
	}
	return accountLimiter(key, cfg.RateLimit)
}
