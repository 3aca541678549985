package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/qcloud-legacy/cvm"
)

// outcome is one resource's fate in a command that acts on several: every
// id is reported, done or not, on stdout in the chosen format.
type outcome struct {
	ID string
	// Outcome is what happened: the command's word for success ("stop
	// accepted", "terminated"), "failed", "unknown" (the request may have
	// acted: check before trying again) or "not tried" (an earlier
	// failure with --fail-fast, an interrupt or the timeout came first).
	Outcome string
	// Code is the API's code of a failure: API 3.0's name, or the legacy
	// number.
	Code      string
	RequestID string
	Message   string
}

// Outcomes other than success.
const (
	outcomeFailed   = "failed"
	outcomeUnknown  = "unknown"
	outcomeNotTried = "not tried"
)

var outcomeCols = columns{"id", "outcome", "code", "requestId"}

func (o outcome) ok() bool {
	return o.Outcome != outcomeFailed && o.Outcome != outcomeUnknown && o.Outcome != outcomeNotTried
}

// outcomesOf is each id's outcome of one call acting on ids: success,
// each item's own result where the answer has them (a legacy batch), the
// whole batch's failure where it has none (API 3.0's batches are all or
// nothing), or unknown when no answer says.
func outcomesOf(ids []string, success string, res *cvm.BatchResult, resp *cvm.Response, err error) []outcome {
	out := make([]outcome, len(ids))
	byID := map[string]cvm.ItemResult{}
	var apiErr *cvm.APIError
	switch {
	case err == nil && res != nil:
		for _, it := range res.Items {
			byID[it.ID] = it
		}
	case errors.As(err, &apiErr):
		for _, it := range apiErr.Items {
			byID[it.ID] = it
		}
	}
	requestID := ""
	if resp != nil {
		requestID = resp.RequestID
	}
	for i, id := range ids {
		o := outcome{ID: id, Outcome: success, RequestID: requestID}
		it, has := byID[id]
		switch {
		case has && it.Code == 0:
			if it.RequestID != "" {
				o.RequestID = it.RequestID
			}
		case has:
			o.Outcome, o.Code, o.Message = outcomeFailed, strconv.Itoa(it.Code), oneLine(it.Message)
		case err == nil:
		case apiErr != nil && len(apiErr.Items) == 0:
			o = failedBy(id, err)
		case apiErr != nil:
			// The answer names other ids but not this one.
			o.Outcome, o.Message = outcomeUnknown, "the answer does not name it"
		default:
			o = failedBy(id, err)
		}
		out[i] = o
	}
	return out
}

// failedBy is id's outcome when its call ended in err.
func failedBy(id string, err error) outcome {
	o := outcome{ID: id, Outcome: outcomeFailed, Message: oneLine(err.Error())}
	var apiErr *cvm.APIError
	switch {
	case errors.Is(err, cvm.ErrOutcomeUnknown):
		o.Outcome = outcomeUnknown
	case errors.As(err, &apiErr):
		o.Code, o.RequestID, o.Message = apiErr.ErrorCode, apiErr.RequestID, oneLine(apiErr.Message)
		if o.Code == "" {
			o.Code = strconv.Itoa(apiErr.Code)
		}
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		// Cut short while in flight: it may have reached the API.
		o.Outcome = outcomeUnknown
	}
	return o
}

// notTried marks ids that were not tried.
func notTried(ids []string, why string) []outcome {
	out := make([]outcome, len(ids))
	for i, id := range ids {
		out[i] = outcome{ID: id, Outcome: outcomeNotTried, Message: why}
	}
	return out
}

// partialError ends a command some of whose resources failed, after their
// outcomes were reported: exit 3 when some succeeded, 1 when none did.
type partialError struct {
	failed, total int
	first         outcome
	cause         error
}

func (e *partialError) Error() string {
	s := fmt.Sprintf("%d of %d failed", e.failed, e.total)
	if e.first.ID != "" {
		s += fmt.Sprintf(" (first: %s %s", e.first.ID, e.first.Outcome)
		if e.first.Code != "" {
			s += " " + e.first.Code
		}
		s += ")"
	}
	return s
}

func (e *partialError) Unwrap() error { return e.cause }

// report prints every outcome and, when some were not successes, names
// each on stderr and returns a *partialError (cause: the error that ended
// the command early, if any).
func (a *app) report(rows []outcome, cause error) error {
	if err := a.emit(rows, outcomeCols); err != nil {
		return err
	}
	pe := &partialError{total: len(rows), cause: cause}
	for _, o := range rows {
		if o.ok() {
			continue
		}
		if pe.failed == 0 {
			pe.first = o
		}
		pe.failed++
		line := "cvm: " + o.ID + ": " + o.Outcome
		if o.Code != "" {
			line += ": code " + o.Code
		}
		if o.Message != "" {
			line += ": " + o.Message
		}
		fmt.Fprintln(a.err, line)
	}
	if pe.failed == 0 {
		return cause
	}
	return pe
}

// each runs op on every id in turn, as a command acting on several
// resources one call each: every id is tried unless --fail-fast (then the
// rest are "not tried" after the first failure), and none after the
// context ends.
func (a *app) each(ctx context.Context, ids []string, success string, op func(ctx context.Context, id string) (*cvm.Response, error)) ([]outcome, error) {
	out := make([]outcome, 0, len(ids))
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return append(out, notTried(ids[i:], "the command was "+endedBy(err))...), err
		}
		resp, err := op(ctx, id)
		if err != nil {
			out = append(out, failedBy(id, err))
			if a.failFast {
				return append(out, notTried(ids[i+1:], "--fail-fast after "+id)...), nil
			}
			continue
		}
		o := outcome{ID: id, Outcome: success}
		if resp != nil {
			o.RequestID = resp.RequestID
		}
		out = append(out, o)
	}
	return out, ctx.Err()
}

func endedBy(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "out of time (--timeout)"
	}
	return "interrupted"
}
