package cvm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/qcloud-legacy/cvm/internal/clock"
)

// WaitPolicy says how waiters ([InstancesService.WaitStatus] and the like)
// poll: capped exponential backoff from MinDelay to MaxDelay (0 means 500 ms
// and 10 s), for at most MaxWait in all (0 means until the context ends).
type WaitPolicy struct {
	MinDelay, MaxDelay time.Duration
	MaxWait            time.Duration
}

func (p WaitPolicy) withDefaults() WaitPolicy {
	if p.MinDelay <= 0 {
		p.MinDelay = waitBase
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = waitCap
	}
	p.MaxDelay = max(p.MaxDelay, p.MinDelay)
	return p
}

// Polling of waiters: capped exponential backoff with full jitter.
const (
	waitBase = 500 * time.Millisecond
	waitCap  = 10 * time.Second
)

// WaitError is returned by the Wait methods when the context ends before the
// resources reach the wanted state. It names what was last seen, and
// unwraps to the context's error.
type WaitError struct {
	// Action is the action polled, such as "DescribeInstances".
	Action string
	// Want is the state waited for.
	Want string
	// Last is the state last seen of each resource not yet there: its
	// status, or "not found".
	Last map[string]string
	// Err is the context's error, or the error that stopped the wait.
	Err error
}

// Error returns one line naming what was waited for and what was last seen.
func (e *WaitError) Error() string {
	ids := sortedKeys(e.Last)
	s := fmt.Sprintf("cvm: %s: waiting for %s: %v", e.Action, e.Want, e.Err)
	const shown = 5
	for i, id := range ids {
		if i == shown {
			s += fmt.Sprintf("; and %d more", len(ids)-shown)
			break
		}
		sep := "; "
		if i == 0 {
			sep = "; last seen: "
		}
		s += sep + id + " " + e.Last[id]
	}
	return s
}

// Unwrap returns the cause.
func (e *WaitError) Unwrap() error { return e.Err }

// ErrUnreachable matches a waiter's error when a resource reached a state
// from which the one waited for cannot be reached: an instance that failed
// to create or was returned while awaited as running, say.
var ErrUnreachable = errors.New("cvm: state cannot be reached")

// UnreachableError is the cause of such a [*WaitError].
type UnreachableError struct {
	ID     string
	Status string // the state reached
	Want   string
}

// Error returns one line naming the resource and the states.
func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cvm: %s is %s and will not become %s", e.ID, e.Status, e.Want)
}

// Is reports whether target is ErrUnreachable.
func (e *UnreachableError) Is(target error) bool { return target == ErrUnreachable }

// poll calls check until it reports done, sleeping with capped, jittered
// exponential backoff on the client's clock between calls; each call goes
// through the client's limiter like any other. check returns the state
// last seen of the resources not yet done.
func (c *Client) poll(ctx context.Context, action, want string, check func(ctx context.Context) (done bool, last map[string]string, err error)) error {
	var last map[string]string
	pol := c.callOptions(ctx, nil).Wait.withDefaults()
	var giveUp time.Time // MaxWait, on the client's clock
	if pol.MaxWait > 0 {
		giveUp = c.clock.Now().Add(pol.MaxWait)
	}
	for attempt := 0; ; attempt++ {
		done, seen, err := check(ctx)
		if seen != nil {
			last = seen
		}
		if err != nil {
			var unreachable *UnreachableError
			if errors.As(err, &unreachable) {
				return &WaitError{Action: action, Want: want, Last: last, Err: err}
			}
			if ctxErr := ctx.Err(); ctxErr != nil {
				return &WaitError{Action: action, Want: want, Last: last, Err: ctxErr}
			}
			var reqErr *RequestError
			if errors.As(err, &reqErr) && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
				return &WaitError{Action: action, Want: want, Last: last, Err: err}
			}
			return err
		}
		if done {
			return nil
		}
		d := min(pol.MaxDelay, pol.MinDelay<<min(attempt, 16))
		d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
		if dl, ok := ctx.Deadline(); ok && c.clock.Now().Add(d).After(dl) {
			d = max(dl.Sub(c.clock.Now()), 0)
		}
		if !giveUp.IsZero() && !c.clock.Now().Add(d).Before(giveUp) {
			return &WaitError{Action: action, Want: want, Last: last,
				Err: fmt.Errorf("cvm: waited the policy's %v: %w", pol.MaxWait, context.DeadlineExceeded)}
		}
		if !clock.Sleep(c.timers, d, ctx.Done()) || ctx.Err() != nil {
			err := ctx.Err()
			if err == nil {
				err = context.DeadlineExceeded
			}
			return &WaitError{Action: action, Want: want, Last: last, Err: err}
		}
	}
}
