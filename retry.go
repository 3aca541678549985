package cvm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	mathrand "math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// codeOf is the API code an error carries: 0 for nil, -1 without one.
func codeOf(err error) int {
	var apiErr *APIError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &apiErr):
		return apiErr.Code
	}
	return -1
}

// retryReason names why an error is retried.
func retryReason(err error) string {
	var apiErr *APIError
	var respErr *ResponseError
	switch {
	case errors.As(err, &apiErr):
		switch apiErr.Code {
		case CodeQuotaExceeded:
			return "quota"
		case CodeReplay:
			return "replay"
		case CodeServiceUnavailable:
			return "unavailable"
		case CodeInternal:
			return "internal"
		}
		if apiErr.HTTPStatusCode >= 500 {
			return "http-5xx"
		}
		return "code-" + strconv.Itoa(apiErr.Code)
	case errors.As(err, &respErr):
		if errors.Is(err, errCutShort) {
			return "cut-short"
		}
		return "http-5xx"
	}
	return "transport"
}

// authRefused reports whether the API refused the credentials themselves:
// an unknown or expired SecretId (4104) or a bad Token (4105).
func authRefused(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && (apiErr.Code == 4104 || apiErr.Code == 4105)
}

// outcomeUnknown reports whether a failed attempt of a change leaves open
// whether the API acted: the request was written and no answer of the API
// settles it. A 4500 proves the API did not act only when this request was
// written once; a copy the transport resent is refused as a replay of the
// first, which may have been acted on.
func outcomeUnknown(err error, tr attemptTrace) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code == CodeReplay && tr.resent
	}
	if errors.Is(err, ErrInsecureConnection) {
		return false
	}
	return tr.sent
}

func finalError(action string, attempt int, err error, ctx context.Context) error {
	var apiErr *APIError
	var respErr *ResponseError
	var argErr *ArgError
	if errors.As(err, &apiErr) || errors.As(err, &respErr) || errors.As(err, &argErr) {
		return err
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (last error: %v)", ctxErr, err)
	}
	return &RequestError{Action: action, Attempts: attempt, Err: err}
}

func newClientToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Backoff: capped exponential with full jitter.
const (
	backoffBase = 250 * time.Millisecond
	backoffCap  = 8 * time.Second
)

func backoff(attempt int) time.Duration {
	return RetryPolicy{BaseDelay: backoffBase, MaxDelay: backoffCap}.backoff(attempt)
}

// backoff is the delay before attempt+1: full jitter below a ceiling that
// doubles from BaseDelay up to MaxDelay.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	ceil := p.MaxDelay
	if shift := attempt - 1; shift < bits.Len64(uint64(p.MaxDelay/p.BaseDelay)) {
		ceil = min(p.MaxDelay, p.BaseDelay<<shift)
	}
	return time.Duration(mathrand.Int64N(int64(ceil))) + 1
}

// retryable says whether another attempt is worth making and safe.
// safe is true for calls that cannot act twice (reads, and creations that
// carry a clientToken).
func retryable(err error, sent, safe bool, codes []int) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		if safe && slices.Contains(codes, apiErr.Code) {
			return true
		}
		switch apiErr.Code {
		case CodeQuotaExceeded, CodeReplay, CodeServiceUnavailable:
			// The server refused the call before acting on it.
			return true
		case CodeInternal:
			return safe
		}
		return apiErr.HTTPStatusCode >= 500 && safe
	}
	var respErr *ResponseError
	if errors.As(err, &respErr) {
		// An HTML 502 from a proxy, an answer cut short and the like: the
		// call may or may not have been acted on.
		return safe && (respErr.HTTPStatusCode >= 500 || errors.Is(respErr, errCutShort))
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrInsecureConnection) {
		return false
	}
	// A transport error: safe calls always; others only if the request was
	// never written in full, so the server cannot have acted on it.
	return safe || !sent
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

// verdict is what an attempt's outcome leads to.
type verdict uint8

const (
	callDone         verdict = iota // the call ends: success, or a definite error
	callRefresh                     // refresh the credentials and try again at once
	callUnknown                     // a change may have been made: OutcomeUnknownError
	callRetry                       // back off and try again
	callPastDeadline                // a retry the context's end refuses
)

// decide is the retry policy, one pure function of an attempt's outcome:
// res (the error and what the transport did), whether the call is safe to
// repeat, whether refreshing the credentials may help (temporary ones, not
// refreshed yet in this call), the attempt's number, the policy and the
// call's context error. It returns the verdict and, for the hooks, why a
// retry is made ("credentials" for a refresh). The rules in order:
//
//  1. success ends the call;
//  2. temporary credentials the API refuses (4104, 4105) are refreshed once;
//  3. a change whose request may have reached the API, with no answer that
//     proves it was not acted on, is an unknown outcome, never retried;
//  4. what is not retryable, or the last attempt, ends the call;
//  5. a retry past the context's end is refused;
//  6. otherwise: back off and retry.
func decide(res attemptResult, safe, mayRefresh bool, attempt int, pol RetryPolicy, ctxErr error) (verdict, string) {
	err := res.err
	switch {
	case err == nil:
		return callDone, ""
	case mayRefresh && authRefused(err):
		return callRefresh, "credentials"
	case !safe && outcomeUnknown(err, res.trace):
		return callUnknown, ""
	}
	again := retryable(err, res.trace.sent, safe, pol.Codes) || res.timedOut && (safe || !res.trace.sent)
	switch {
	case !again || attempt >= pol.MaxAttempts:
		return callDone, ""
	case ctxErr != nil && !errors.Is(err, ctxErr):
		return callPastDeadline, ""
	case res.timedOut:
		return callRetry, "attempt-timeout"
	}
	return callRetry, retryReason(err)
}
