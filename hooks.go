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
