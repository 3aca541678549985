package cvm

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPerCallRetryPolicy: a policy per client and per call (through Do's
// options or the context); the safety rules hold whatever it says.
func TestPerCallRetryPolicy(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, func(cfg *Config) { cfg.Retry = RetryPolicy{MaxAttempts: 5, Codes: []int{5100}} })
	rec := answer(t, mt, "POST", `=~^https://`, `{"code":5100,"message":"busy"}`)
	err := c.Do(context.Background(), "", "DescribeInstances", nil, nil)
	assert.ErrorIs(t, err, ErrOperationFailed)
	assert.Len(t, rec.requests(), 5, "5100 retried for a read, as the policy says")

	rec.reqs = nil
	err = c.Do(context.Background(), "", "DescribeInstances", nil, nil, func(o *CallOptions) { o.Retry = &RetryPolicy{MaxAttempts: 2} })
	assert.Error(t, err)
	assert.Len(t, rec.requests(), 1, "the call's own policy: 5100 is not among its codes")

	rec.reqs = nil
	ctx := WithCallOptions(context.Background(), func(o *CallOptions) { o.Retry = &RetryPolicy{MaxAttempts: 2, Codes: []int{5100}} })
	_, _, err = c.Instances.Stop(ctx, "ins-1")
	assert.Error(t, err)
	assert.Len(t, rec.requests(), 1, "a change is never retried on a code the policy adds")

	rec.reqs = nil
	_, _, err = c.Instances.List(ctx, nil)
	assert.Error(t, err)
	assert.Len(t, rec.requests(), 2, "typed methods take the context's options")
}

// TestAttemptTimeout: an attempt that outlasts its own timeout is retried
// for a read; the call's context is untouched.
func TestAttemptTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) { attemptTimeout(t) })
}

func attemptTimeout(t *testing.T) {
	c, mt := setup(t)
	n := 0
	var mu sync.Mutex
	mt.RegisterResponder("POST", `=~^https://`, func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			<-req.Context().Done() // a stuck answer
			return nil, req.Context().Err()
		}
		return httpmock.NewStringResponse(200, `{"code":0}`), nil
	})
	err := c.Do(context.Background(), "", "DescribeInstances", nil, nil, func(o *CallOptions) { o.AttemptTimeout = 5 * time.Second })
	require.NoError(t, err)
	assert.Equal(t, 2, n)
}
