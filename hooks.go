package cvm

import (
	"context"
	"time"
)

// Hooks observe calls and their attempts, and may decorate a call's
// context (a tracing span, say). Every field is optional. They run in the
// calling goroutine, so they should be quick; package
// github.com/qcloud-legacy/cvm/cvmotel builds OpenTelemetry traces and
// metrics on them.
type Hooks struct {
	// Call is called as a call starts. The context it returns is the one the
	// call goes on with (its attempts, limiter waits and HTTP requests); a
	// nil context leaves the call's context as it was. The function, if not
	// nil, is called once the call ends.
	Call func(ctx context.Context, info CallInfo) (context.Context, func(CallResult))
	// Attempt is called after each attempt, with the call's context.
	Attempt func(ctx context.Context, info AttemptInfo)
}

// CallInfo describes a call.
type CallInfo struct {
	Action string
	Module string
	// Region is the region code sent.
	Region string
}

// CallResult is how a call ended.
type CallResult struct {
	CallInfo
	// Attempts is how many attempts were made.
	Attempts int
	// Duration is the whole call's, limiter waits and backoff included.
	Duration time.Duration
	// LimiterWait is the time spent waiting for the client-side quota,
	// over every attempt.
	LimiterWait time.Duration
	// Code is the API's code of the last answer: 0 for success, -1 when
	// there was no answer of the API's (a transport error, an HTML page).
	Code int
	// RequestID identifies the last answer, when it carries one.
	RequestID string
	// Err is the call's error; nil on success.
	Err error
}

// AttemptInfo describes one attempt.
type AttemptInfo struct {
	CallInfo
	// Attempt counts from 1.
	Attempt int
	// LimiterWait is how long the attempt waited for the quota.
	LimiterWait time.Duration
	// Duration is the attempt's, from sending to the decoded answer.
	Duration time.Duration
	// HTTPStatus is the answer's status; 0 without an answer.
	HTTPStatus int
	// Code is the API's code: 0 for success, -1 without an answer of the
	// API's.
	Code      int
	RequestID string
	Err       error
	// RetryReason says why another attempt follows ("quota", "replay",
	// "unavailable", "internal", "http-5xx", "transport", "cut-short",
	// "credentials"); "" when none does.
	RetryReason string
}

// RetryPolicy says how a call retries. Whatever it says, a call that may
// change something is never retried unless the answer proves the API did
// not act on it, or it carries an idempotency token (see the README's
// Retries section).
type RetryPolicy struct {
	// MaxAttempts is how many attempts a call may make, the first
	// included; 0 means Config.MaxAttempts (3 by default), 1 no retries.
	MaxAttempts int
	// BaseDelay and MaxDelay bound the capped exponential backoff with
	// full jitter between attempts; 0 means 250 ms and 8 s.
	BaseDelay, MaxDelay time.Duration
	// Codes are further API codes to retry, for calls that cannot act twice
	// (reads, and creations with a clientToken).
	Codes []int
}

// WaitPolicy says how waiters ([InstancesService.WaitStatus] and the like)
// poll: capped exponential backoff from MinDelay to MaxDelay (0 means 500 ms
// and 10 s), for at most MaxWait in all (0 means until the context ends).
type WaitPolicy struct {
	MinDelay, MaxDelay time.Duration
	MaxWait            time.Duration
}

// CallOptions are per-call settings. The zero value of each field means the
// client's own.
type CallOptions struct {
	// Retry replaces the client's retry policy for the call.
	Retry *RetryPolicy
	// AttemptTimeout bounds each attempt (the limiter's wait aside); 0
	// means only the context bounds it.
	AttemptTimeout time.Duration
	// Wait replaces the client's wait policy for waiters.
	Wait *WaitPolicy
	// Hooks are added to the client's for the call.
	Hooks []Hooks
}

// WithCallOptions returns a context that carries per-call options for the
// calls made with it, typed methods included: aws-sdk-go-v2's
// `...func(*Options)`, given through the context so that every method
// takes it without a new parameter. [Client.Do] also takes them directly.
//
//	ctx := cvm.WithCallOptions(ctx, func(o *cvm.CallOptions) { o.AttemptTimeout = 5 * time.Second })
//	list, _, err := client.Instances.List(ctx, nil)
func WithCallOptions(ctx context.Context, opts ...func(*CallOptions)) context.Context {
	prev, _ := ctx.Value(callOptionsKey{}).([]func(*CallOptions))
	return context.WithValue(ctx, callOptionsKey{}, append(append([]func(*CallOptions){}, prev...), opts...))
}

type callOptionsKey struct{}

// callOptions merges the client's settings, the context's options and the
// call's own.
func (c *Client) callOptions(ctx context.Context, extra []func(*CallOptions)) CallOptions {
	o := CallOptions{Retry: &c.cfg.Retry, Wait: &c.cfg.Wait, Hooks: c.cfg.Hooks}
	fromCtx, _ := ctx.Value(callOptionsKey{}).([]func(*CallOptions))
	for _, f := range append(fromCtx, extra...) {
		f(&o)
	}
	return o
}

func (p RetryPolicy) withDefaults(maxAttempts int) RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = maxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = backoffBase
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = backoffCap
	}
	p.MaxDelay = max(p.MaxDelay, p.BaseDelay)
	return p
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
