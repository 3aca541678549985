package cvm

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingHooks keeps what the hooks saw.
type recordingHooks struct {
	mu       sync.Mutex
	calls    []CallInfo
	results  []CallResult
	attempts []AttemptInfo
	ctxSeen  []any
}

type hookKey struct{}

func (r *recordingHooks) hooks() Hooks {
	return Hooks{
		Call: func(ctx context.Context, info CallInfo) (context.Context, func(CallResult)) {
			r.mu.Lock()
			r.calls = append(r.calls, info)
			r.mu.Unlock()
			return context.WithValue(ctx, hookKey{}, "decorated"), func(res CallResult) {
				r.mu.Lock()
				r.results = append(r.results, res)
				r.mu.Unlock()
			}
		},
		Attempt: func(ctx context.Context, info AttemptInfo) {
			r.mu.Lock()
			r.attempts = append(r.attempts, info)
			r.ctxSeen = append(r.ctxSeen, ctx.Value(hookKey{}))
			r.mu.Unlock()
		},
	}
}

// TestHooksCallWithRetry: a call answered 4400, then 0 shows one call and
// two attempts, the first with its retry reason, and the decorated context
// reaches the attempts and the transport.
func TestHooksCallWithRetry(t *testing.T) {
	t.Parallel()
	rec := &recordingHooks{}
	c, mt := setup(t, func(cfg *Config) { cfg.Hooks = []Hooks{rec.hooks()} })
	var transportSaw any
	n := 0
	mt.RegisterResponder("POST", `=~^https://`, func(req *http.Request) (*http.Response, error) {
		transportSaw = req.Context().Value(hookKey{})
		n++
		body := `{"code":4400,"message":"slow down"}`
		if n > 1 {
			body = `{"code":0}`
		}
		resp := httpmock.NewStringResponse(200, body)
		resp.Header.Set("X-Request-Id", "req-"+string(rune('0'+n)))
		return resp, nil
	})
	require.NoError(t, c.Do(context.Background(), "", "DescribeInstances", nil, nil))
	require.Len(t, rec.calls, 1)
	assert.Equal(t, CallInfo{Action: "DescribeInstances", Module: "cvm", Region: "gz"}, rec.calls[0])
	require.Len(t, rec.attempts, 2)
	assert.Equal(t, 1, rec.attempts[0].Attempt)
	assert.Equal(t, 4400, rec.attempts[0].Code)
	assert.Equal(t, "quota", rec.attempts[0].RetryReason)
	assert.Equal(t, 200, rec.attempts[0].HTTPStatus)
	assert.Equal(t, "req-1", rec.attempts[0].RequestID)
	assert.Equal(t, 0, rec.attempts[1].Code)
	assert.Empty(t, rec.attempts[1].RetryReason)
	assert.Equal(t, []any{"decorated", "decorated"}, rec.ctxSeen)
	assert.Equal(t, "decorated", transportSaw, "the call's context reaches the transport")
	require.Len(t, rec.results, 1)
	res := rec.results[0]
	assert.Equal(t, 2, res.Attempts)
	assert.Equal(t, 0, res.Code)
	assert.NoError(t, res.Err)
	assert.Equal(t, "req-2", res.RequestID)
}

// TestHooksCallRefusedByLimiter: the limiter refusing the first attempt
// still ends the call, with no attempt and the error.
func TestHooksCallRefusedByLimiter(t *testing.T) {
	t.Parallel()
	rec := &recordingHooks{}
	c, _ := setup(t, func(cfg *Config) {
		cfg.Hooks = []Hooks{rec.hooks()}
		cfg.Limiter = LimiterFunc(func(ctx context.Context, action string) error {
			return errors.New("over the quota")
		})
	})
	err := c.Do(context.Background(), "", "DescribeInstances", nil, nil)
	require.Error(t, err)
	assert.Empty(t, rec.attempts)
	require.Len(t, rec.results, 1)
	assert.Equal(t, -1, rec.results[0].Code)
	assert.Equal(t, err, rec.results[0].Err)
}

// TestRequestIDInAPIError: an answer's request id is on Response and in
// the error's text.
func TestRequestIDInAPIError(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mt.RegisterResponder("POST", `=~^https://`, func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, `{"code":5000,"message":"no such instance"}`)
		resp.Header.Set("X-Request-Id", "6ef60bec-0242-43af-bb20-270359fb54a7")
		return resp, nil
	})
	_, resp, err := c.Instances.List(context.Background(), nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "6ef60bec-0242-43af-bb20-270359fb54a7", apiErr.RequestID)
	assert.Contains(t, err.Error(), "(request id 6ef60bec-0242-43af-bb20-270359fb54a7)")
	assert.Equal(t, apiErr.RequestID, resp.RequestID)
}

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

// TestWaitFailsFastOnDeadEnd: waiting for running, an instance that was
// returned ends the wait at once with an error matching ErrUnreachable.
func TestWaitFailsFastOnDeadEnd(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	answer(t, mt, "POST", `=~^https://`, `{"code":0,"totalCount":1,"instanceSet":[{"unInstanceId":"ins-1","status":6}]}`)
	err := c.Instances.WaitStatus(context.Background(), InstanceRunning, "ins-1")
	assert.ErrorIs(t, err, ErrUnreachable)
	var we *WaitError
	require.ErrorAs(t, err, &we)
	assert.Equal(t, "returning", we.Last["ins-1"])
}

// TestWaitPolicy: MaxWait bounds a wait on the client's clock, and the
// delays follow the policy.
func TestWaitPolicy(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, func(cfg *Config) {
		cfg.Wait = WaitPolicy{MinDelay: time.Second, MaxDelay: time.Second, MaxWait: time.Hour}
	})
	rec := answer(t, mt, "POST", `=~^https://`, `{"code":0,"totalCount":1,"instanceSet":[{"unInstanceId":"ins-1","status":3}]}`)
	start := c.clock.Now()
	ctx := WithCallOptions(context.Background(), func(o *CallOptions) {
		o.Wait = &WaitPolicy{MinDelay: time.Minute, MaxDelay: time.Minute, MaxWait: 3 * time.Minute}
	})
	err := c.Instances.WaitStatus(ctx, InstanceRunning, "ins-1")
	var we *WaitError
	require.ErrorAs(t, err, &we)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	n := len(rec.requests())
	assert.True(t, n >= 3 && n <= 7, "polls 30 to 60 s apart over 3 minutes: %d", n)
	assert.LessOrEqual(t, c.clock.Now().Sub(start), 3*time.Minute)
}

// TestHookReturningNilContext (round 3, finding 14): a Call hook that
// returns a nil context leaves the call's context as it was; the call goes
// on, and the hook's end function still runs.
func TestHookReturningNilContext(t *testing.T) {
	t.Parallel()
	ended := false
	c, mt := setup(t, func(cfg *Config) {
		cfg.Hooks = []Hooks{{Call: func(context.Context, CallInfo) (context.Context, func(CallResult)) {
			return nil, func(CallResult) { ended = true } //nolint:staticcheck // the point of the test
		}}}
	})
	answer(t, mt, http.MethodPost, cvmURL, `{"code":0,"message":"","codeDesc":"Success"}`)
	require.NotPanics(t, func() {
		require.NoError(t, c.Do(context.Background(), "cvm", "DescribeInstances", nil, nil))
	})
	assert.True(t, ended)
}
