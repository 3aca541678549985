package cvm

import (
	"context"
	"time"
)

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
