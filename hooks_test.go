package cvm

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

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
