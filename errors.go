package cvm

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors for branching with [errors.Is]. An [*APIError] matches the
// sentinel of its code's class; other errors of this package match where noted.
var (
	// ErrInvalidParameter matches code 4000: a missing or invalid parameter,
	// an unknown region or an unknown module host.
	ErrInvalidParameter = errors.New("cvm: invalid parameter")
	// ErrAuth matches the 41xx codes: a bad signature, an unknown or
	// disabled SecretId, a bad Token, a failed MFA or CAM check, or an
	// action the key may not call.
	ErrAuth = errors.New("cvm: authentication failed")
	// ErrExpired matches code 4200: the request has expired.
	ErrExpired = errors.New("cvm: request expired")
	// ErrForbidden matches code 4300: the account may not access the API.
	ErrForbidden = errors.New("cvm: access denied")
	// ErrQuotaExceeded matches code 4400: too many calls in the quota window.
	ErrQuotaExceeded = errors.New("cvm: request quota exceeded")
	// ErrReplay matches code 4500: a Nonce seen before, or a Timestamp too
	// far from the server's clock.
	ErrReplay = errors.New("cvm: replayed request")
	// ErrProtocol matches code 4600: the protocol is not supported (the API
	// serves HTTPS only).
	ErrProtocol = errors.New("cvm: protocol not supported")
	// ErrNotFound matches code 5000: the resource does not exist, was
	// returned, or belongs to another account.
	ErrNotFound = errors.New("cvm: resource not found")
	// ErrOperationFailed matches code 5100: the operation failed (for a batch
	// action, every item failed).
	ErrOperationFailed = errors.New("cvm: operation failed")
	// ErrPurchaseFailed matches codes 5200 and 5300: a purchase failed, for
	// example for lack of capacity or balance.
	ErrPurchaseFailed = errors.New("cvm: purchase failed")
	// ErrPartialFailure matches code 5400: some items of a batch action
	// failed. [APIError.Items] says which.
	ErrPartialFailure = errors.New("cvm: batch partially failed")
	// ErrInternal matches code 6000: an internal error of the server.
	ErrInternal = errors.New("cvm: internal server error")
	// ErrUnsupportedAction matches code 6100: the action is not served, often
	// because it was sent to the wrong module host.
	ErrUnsupportedAction = errors.New("cvm: action not supported")
	// ErrUnavailable matches code 6200: the action is temporarily unavailable.
	ErrUnavailable = errors.New("cvm: service unavailable")
	// ErrBadResponse matches a [*ResponseError]: an answer that is not the
	// API's JSON envelope, such as an HTML error page from a proxy.
	ErrBadResponse = errors.New("cvm: malformed response")
	// ErrOutcomeUnknown matches an [*OutcomeUnknownError]: a change was
	// sent and no answer proves whether the API acted on it.
	ErrOutcomeUnknown = errors.New("cvm: outcome unknown")
	// ErrInsecureConnection matches a call refused because the connection's
	// certificate was not verified or its TLS version is below 1.2, and
	// Config.AllowInsecureTLS is not set. Nothing was sent.
	ErrInsecureConnection = errors.New("cvm: insecure TLS connection")
)

// OutcomeUnknownError reports a call that may change something and whose
// request may have reached the API, with no answer that proves whether it
// was acted on: the connection failed after the request was written, a
// proxy answered with an error page, or the transport resent the request and
// the API refused the copy as a replay. The SDK never retries such a call;
// check the resource (for example with a List or Get call) before trying
// again.
type OutcomeUnknownError struct {
	// Action is the legacy action called.
	Action string
	// Resource names the kind of resource the action changes, such as
	// "instance" or "EIP".
	Resource string
	// Err is what was seen instead of a conclusive answer.
	Err error
}

// Error returns one line naming the action, the resource kind and the cause.
func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("cvm: %s: outcome unknown, the %s change may have been made: %s", e.Action, e.Resource, oneLine(e.Err.Error()))
}

// Unwrap returns the cause.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Is reports whether target is ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// Documented legacy API codes. See the API's error-code page for more.
const (
	CodeSuccess            = 0
	CodeInvalidParameter   = 4000
	CodeAuthFailure        = 4100
	CodeExpired            = 4200
	CodeForbidden          = 4300
	CodeQuotaExceeded      = 4400
	CodeReplay             = 4500
	CodeProtocol           = 4600
	CodeNotFound           = 5000
	CodeOperationFailed    = 5100
	CodePurchaseFailed     = 5200
	CodeInsufficientFunds  = 5300
	CodePartialFailure     = 5400
	CodeInternal           = 6000
	CodeUnsupportedAction  = 6100
	CodeServiceUnavailable = 6200
)

// APIError is an answer of the API whose code is not 0.
//
// Its Error method gives one line naming the action and the code:
//
//	cvm: StopInstances: code 5400 (OperationFail): 1 of 2 items failed: ins-1: code 5100: ...
type APIError struct {
	// Action is the legacy action called, such as "DescribeInstances".
	Action string
	// Code is the envelope's numeric code.
	Code int
	// CodeDesc is the envelope's codeDesc, such as "InvalidParameter" or
	// "OperationConstraints.InvaildInstanceStatus" (the API's own spelling).
	CodeDesc string
	// Message is the envelope's message. Module errors put their own number
	// first, in parentheses: "(7001)security group not found".
	Message string
	// HTTPStatusCode is the status of the HTTP answer, usually 200.
	HTTPStatusCode int
	// Items holds, for a batch action (codes 5100 and 5400), the result for
	// each resource id, sorted by id. It is empty for other errors, and
	// under [API3], whose batches are all or nothing with no per-id results.
	Items []ItemResult
	// RequestID identifies the answer, when it carries one; quote it to
	// support.
	RequestID string
	// ErrorCode is, for an API 3.0 call, the answer's dotted error code
	// ("InvalidInstanceId.NotFound"); Code is then the legacy class it
	// belongs to (5000 here), which errors.Is and the retry rules read.
	ErrorCode string
}

// ItemResult is the outcome of one resource of a batch action, from the
// answer's detail map.
type ItemResult struct {
	// ID is the resource id the result belongs to.
	ID string
	// Code is 0 when this item succeeded.
	Code int
	// Message explains a failure.
	Message string
	// RequestID is the id of the asynchronous task started for the item.
	RequestID string
}

// Err returns nil when the item succeeded, and otherwise an *APIError for the
// item alone, so that errors.Is works on each item.
func (r ItemResult) Err(action string) error {
	if r.Code == 0 {
		return nil
	}
	return &APIError{Action: action, Code: r.Code, Message: r.ID + ": " + r.Message}
}

// Failed returns the items whose code is not 0.
func (e *APIError) Failed() []ItemResult {
	var out []ItemResult
	for _, it := range e.Items {
		if it.Code != 0 {
			out = append(out, it)
		}
	}
	return out
}

// Error returns one line: "cvm: <action>: code <n> (<codeDesc>): <message>".
func (e *APIError) Error() string {
	if e.ErrorCode != "" {
		// "cvm: <action>: <code>: <message> (request <id>)"
		s := "cvm: " + e.Action + ": " + oneLine(e.ErrorCode)
		if e.Message != "" {
			s += ": " + oneLine(e.Message)
		}
		if e.RequestID != "" {
			s += " (request " + oneLine(e.RequestID) + ")"
		}
		return s
	}
	var b strings.Builder
	b.WriteString("cvm: ")
	b.WriteString(e.Action)
	b.WriteString(": code ")
	b.WriteString(strconv.Itoa(e.Code))
	if e.CodeDesc != "" {
		b.WriteString(" (")
		b.WriteString(oneLine(e.CodeDesc))
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Message))
	}
	if failed := e.Failed(); len(failed) > 0 {
		fmt.Fprintf(&b, ": %d of %d items failed", len(failed), len(e.Items))
		const shown = 3
		for i, it := range failed {
			if i == shown {
				fmt.Fprintf(&b, "; and %d more", len(failed)-shown)
				break
			}
			sep := "; "
			if i == 0 {
				sep = ": "
			}
			fmt.Fprintf(&b, "%s%s: code %d", sep, it.ID, it.Code)
			if it.Message != "" {
				b.WriteString(" ")
				b.WriteString(oneLine(it.Message))
			}
		}
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(oneLine(e.RequestID))
		b.WriteString(")")
	}
	return b.String()
}

// Is reports whether the error's code belongs to target's class, so that
// errors.Is(err, cvm.ErrNotFound) works.
func (e *APIError) Is(target error) bool {
	return target != nil && codeSentinel(e.Code) == target
}

func codeSentinel(code int) error {
	switch {
	case code == CodeInvalidParameter:
		return ErrInvalidParameter
	case code >= 4100 && code < 4200:
		return ErrAuth
	case code == CodeExpired:
		return ErrExpired
	case code == CodeForbidden:
		return ErrForbidden
	case code == CodeQuotaExceeded:
		return ErrQuotaExceeded
	case code == CodeReplay:
		return ErrReplay
	case code == CodeProtocol:
		return ErrProtocol
	case code == CodeNotFound:
		return ErrNotFound
	case code == CodeOperationFailed:
		return ErrOperationFailed
	case code == CodePurchaseFailed, code == CodeInsufficientFunds:
		return ErrPurchaseFailed
	case code == CodePartialFailure:
		return ErrPartialFailure
	case code == CodeInternal:
		return ErrInternal
	case code == CodeUnsupportedAction:
		return ErrUnsupportedAction
	case code == CodeServiceUnavailable:
		return ErrUnavailable
	}
	return nil
}

// ArgError reports a bad argument, found before any request is sent.
type ArgError struct {
	// Arg names the argument or field, such as "Config.Region" or
	// "InstanceIDs".
	Arg string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns "cvm: invalid argument <arg>: <reason>".
func (e *ArgError) Error() string {
	return "cvm: invalid argument " + e.Arg + ": " + oneLine(e.Reason)
}

// Is makes errors.Is(err, ErrInvalidParameter) true for argument errors as
// well as for the server's 4000 answers.
func (e *ArgError) Is(target error) bool { return target == ErrInvalidParameter }

// ResponseError is an answer that is not the API's JSON envelope: an HTML
// error page from a proxy, a truncated or oversized body, or an HTTP error
// status without an envelope. It matches [ErrBadResponse].
type ResponseError struct {
	// Action is the legacy action called.
	Action string
	// HTTPStatusCode is the status of the HTTP answer.
	HTTPStatusCode int
	// Reason says what was wrong with the body.
	Reason string
	// Body is the start of the body, at most 128 bytes, for diagnosis.
	Body string
	// Err is the underlying decoding error, if any.
	Err error
}

// Error returns one line naming the action, the HTTP status and the reason.
func (e *ResponseError) Error() string {
	s := fmt.Sprintf("cvm: %s: HTTP %d: %s", e.Action, e.HTTPStatusCode, oneLine(e.Reason))
	if e.Body != "" {
		s += fmt.Sprintf(" (body %q)", e.Body)
	}
	return s
}

// Unwrap returns the underlying decoding error.
func (e *ResponseError) Unwrap() error { return e.Err }

// Is reports whether target is ErrBadResponse.
func (e *ResponseError) Is(target error) bool { return target == ErrBadResponse }

// RequestError is a failure to get an answer at all: the transport failed,
// the context ended, or the limiter refused to wait. Unwrap gives the cause,
// so errors.Is(err, context.DeadlineExceeded) works.
type RequestError struct {
	// Action is the legacy action called.
	Action string
	// Attempts is how many attempts were made.
	Attempts int
	// Err is the cause.
	Err error
}

// Error returns one line naming the action, the attempts and the cause.
func (e *RequestError) Error() string {
	return fmt.Sprintf("cvm: %s: after %d attempt(s): %s", e.Action, e.Attempts, oneLine(e.Err.Error()))
}

// Unwrap returns the cause.
func (e *RequestError) Unwrap() error { return e.Err }

func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
