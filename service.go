package cvm

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// enumName returns v's name, or kind(n) for a value the SDK does not know,
// so that new values from the server print without error.
func enumName[T ~int](names map[T]string, v T, kind string) string {
	if n, ok := names[v]; ok {
		return n
	}
	return kind + "(" + strconv.Itoa(int(v)) + ")"
}

func checkID(arg, id string) error {
	if id == "" {
		return &ArgError{Arg: arg, Reason: "is required"}
	}
	if strings.ContainsAny(id, " \t\r\n") {
		return &ArgError{Arg: arg, Reason: fmt.Sprintf("%q is not an id", id)}
	}
	return nil
}

func checkIDs(arg string, ids []string) error {
	if len(ids) == 0 {
		return &ArgError{Arg: arg, Reason: "needs at least one id"}
	}
	for _, id := range ids {
		if err := checkID(arg, id); err != nil {
			return err
		}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BatchResult is the per-resource outcome of a batch action that
// succeeded for every resource. (A partial or total failure is an
// [*APIError] whose Items say the same per resource.) API 3.0's batches are
// all or nothing: under [API3] one bad id refuses the whole batch, and on
// success Items holds every id with code 0 (and no RequestID: API 3.0
// starts no task per id).
type BatchResult struct {
	Items []ItemResult
}

// maxBatchIDs is how many ids one batch call takes [inferred: the legacy
// pages give no limit; the newer API's is 100].
const maxBatchIDs = 100

type batchResponse struct{ envelope }

// batchRequest is one call of a batch action: its ids, the legacy name of
// their list, and what else the action takes (a typed value of its own,
// nil for nothing).
type batchRequest struct {
	list  string
	ids   []string
	extra legacyEncoder
}

func (b *batchRequest) legacyValues() url.Values {
	v := url.Values{}
	if b.extra != nil {
		for k, vs := range b.extra.legacyValues() {
			v[k] = vs
		}
	}
	for i, id := range b.ids {
		v.Set(b.list+"."+strconv.Itoa(i+listIndexBase), id)
	}
	return v
}

// stopOptions is what StopInstances and RestartInstances take beside ids.
type stopOptions struct{ force bool }

func (o stopOptions) legacyValues() url.Values {
	if o.force {
		return url.Values{"forceStop": {"1"}}
	}
	return url.Values{}
}

// passwordOptions is what ResetInstancePassword takes beside ids.
type passwordOptions struct{ password string }

func (o passwordOptions) legacyValues() url.Values { return url.Values{"password": {o.password}} }

// renewOptions is what SetAutoRenew takes beside ids.
type renewOptions struct{ renew AutoRenew }

func (o renewOptions) legacyValues() url.Values {
	return url.Values{"instanceType": {"1"}, "autoRenew": {strconv.Itoa(int(o.renew))}}
}

// batch calls a batch action over ids, in calls of at most per ids, and
// merges the per-id results. When some fail, the error is an *APIError
// with code 5400 (5100 if all failed) and every item, as one call would
// have answered.
func (c *Client) batch(ctx context.Context, action, listName string, ids []string, per int, extra legacyEncoder) (*BatchResult, *Response, error) {
	if err := checkIDs("ids", ids); err != nil {
		return nil, nil, err
	}
	res := &BatchResult{}
	resp := &Response{}
	failed := 0
	var firstErr *APIError
	for chunk := range chunks(ids, per) {
		var out batchResponse
		r, err := c.do(ctx, action, &batchRequest{list: listName, ids: chunk, extra: extra}, &out)
		if r != nil {
			resp.add(r)
		}
		items := []ItemResult(out.Detail)
		if err != nil {
			var apiErr *APIError
			if !errors.As(err, &apiErr) || (apiErr.Code != CodePartialFailure && apiErr.Code != CodeOperationFailed) || len(apiErr.Items) == 0 {
				return res, resp, err
			}
			if firstErr == nil {
				firstErr = apiErr
			}
			items = apiErr.Items
		}
		for _, it := range items {
			if it.Code != 0 {
				failed++
			}
		}
		res.Items = append(res.Items, items...)
	}
	if failed == 0 {
		return res, resp, nil
	}
	code := CodePartialFailure
	if failed == len(res.Items) {
		code = CodeOperationFailed
	}
	return res, resp, &APIError{Action: action, Code: code, CodeDesc: firstErr.CodeDesc, Message: firstErr.Message,
		HTTPStatusCode: firstErr.HTTPStatusCode, RequestID: firstErr.RequestID, Items: res.Items}
}

type service struct{ client *Client }

// orZero returns a copy of *p, or the zero T for nil: how every method
// takes its options, never changing the caller's.
func orZero[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
