package cvm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm/internal/clock"
)

func TestRetryPolicy(t *testing.T) {
	t.Parallel()
	const ok = `{"code":0,"message":""}`
	tests := []struct {
		name     string
		action   string
		first    string
		status   int
		wantTry  int // requests sent
		wantFail error
	}{
		{"quota is retried", "StopInstances", `{"code":4400,"message":"quota"}`, 200, 2, nil},
		{"replay is retried", "StopInstances", `{"code":4500}`, 200, 2, nil},
		{"maintenance is retried", "StopInstances", `{"code":6200}`, 200, 2, nil},
		{"internal error retried for a read", "DescribeInstances", `{"code":6000}`, 200, 2, nil},
		{"internal error not retried for a change", "StopInstances", `{"code":6000}`, 200, 1, ErrInternal},
		{"internal error retried for a tokened create", "RunInstancesHour", `{"code":6000}`, 200, 2, nil},
		{"HTML 502 retried for a read", "DescribeImages", `<html>bad gateway</html>`, 502, 2, nil},
		{"HTML 502 not retried for a change", "DeleteImages", `<html>bad gateway</html>`, 502, 1, ErrBadResponse},
		{"invalid parameter never retried", "DescribeInstances", `{"code":4000}`, 200, 1, ErrInvalidParameter},
		{"auth never retried", "DescribeInstances", `{"code":4100}`, 200, 1, ErrAuth},
		{"forbidden never retried", "DescribeInstances", `{"code":4300}`, 200, 1, ErrForbidden},
		{"not found never retried", "DescribeInstances", `{"code":5000}`, 200, 1, ErrNotFound},
		{"HTTP 404 HTML not retried", "DescribeInstances", `<html>404</html>`, 404, 1, ErrBadResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t)
			rec := answer(t, mt, "POST", `=~^https://`, tt.first, ok)
			rec.status = []int{tt.status}
			err := c.Do(context.Background(), "", tt.action, nil, nil)
			assert.Len(t, rec.requests(), tt.wantTry)
			if tt.wantFail == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantFail)
		})
	}
}

func TestRetryGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, func(cfg *Config) { cfg.MaxAttempts = 4 })
	rec := answer(t, mt, "POST", cvmURL, `{"code":4400,"message":"too many"}`)
	err := c.Do(context.Background(), "cvm", "DescribeInstances", nil, nil)
	require.ErrorIs(t, err, ErrQuotaExceeded)
	assert.Len(t, rec.requests(), 4)

	c1, mt1 := setup(t, func(cfg *Config) { cfg.MaxAttempts = 1 })
	rec1 := answer(t, mt1, "POST", cvmURL, `{"code":4400}`)
	require.ErrorIs(t, c1.Do(context.Background(), "cvm", "DescribeInstances", nil, nil), ErrQuotaExceeded)
	assert.Len(t, rec1.requests(), 1, "MaxAttempts 1 means no retries")
}

// TestEveryAttemptSignedAfresh: a new Nonce, Timestamp and Signature per
// attempt, and the same clientToken on every attempt of a create.
func TestEveryAttemptSignedAfresh(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	rec := answer(t, mt, "POST", cvmURL, `{"code":6000}`, `{"code":4500}`, `{"code":0,"unInstanceIds":["ins-1"]}`)
	require.NoError(t, c.Do(context.Background(), "cvm", "RunInstancesHour", map[string]string{"zoneId": "100003"}, nil))
	reqs := rec.requests()
	require.Len(t, reqs, 3)
	seen := map[string]bool{}
	token := reqs[0].Params.Get("clientToken")
	assert.Len(t, token, 32)
	for i, r := range reqs {
		assert.False(t, seen[r.Params.Get("Nonce")], "attempt %d reuses a nonce", i)
		seen[r.Params.Get("Nonce")] = true
		assert.Equal(t, token, r.Params.Get("clientToken"), "attempt %d", i)
		sts := StringToSign("POST", "cvm.api.qcloud.com", "/v2/index.php", r.Params)
		assert.Equal(t, Sign(sts, testSecretKey, "HmacSHA256"), r.Params.Get("Signature"))
	}

	// A caller's own token is kept.
	c2, mt2 := setup(t)
	rec3 := answer(t, mt2, "POST", cvmURL, `{"code":0}`)
	require.NoError(t, c2.Do(context.Background(), "cvm", "RunInstances", map[string]string{"clientToken": "mine"}, nil))
	assert.Equal(t, "mine", rec3.requests()[0].Params.Get("clientToken"))
}

// TestTransportErrors: a change is retried only when the request never left.
func TestTransportErrors(t *testing.T) {
	t.Parallel()
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}

	t.Run("a change that may have reached the server is not retried", func(t *testing.T) {
		t.Parallel()
		c, mt := setup(t)
		n := 0
		mt.RegisterResponder("POST", cvmURL, func(req *http.Request) (*http.Response, error) {
			n++
			return nil, errors.New("connection reset by peer")
		})
		// httpmock answers without writing the request, so mark it
		// written the way net/http would, through the trace.
		c.hc.Transport = writtenTransport{mt}
		err := c.Do(context.Background(), "cvm", "StopInstances", nil, nil)
		var reqErr *RequestError
		require.ErrorAs(t, err, &reqErr)
		assert.Equal(t, 1, n)
		assert.Equal(t, 1, reqErr.Attempts)
	})
	t.Run("a change that never left is retried", func(t *testing.T) {
		t.Parallel()
		c, mt := setup(t)
		n := 0
		mt.RegisterResponder("POST", cvmURL, func(req *http.Request) (*http.Response, error) {
			n++
			if n == 1 {
				return nil, dialErr
			}
			return httpmock.NewStringResponse(200, `{"code":0}`), nil
		})
		require.NoError(t, c.Do(context.Background(), "cvm", "StopInstances", nil, nil))
		assert.Equal(t, 2, n)
	})
	t.Run("a read is retried after any transport error", func(t *testing.T) {
		t.Parallel()
		c, mt := setup(t)
		c.hc.Transport = writtenTransport{mt}
		n := 0
		mt.RegisterResponder("POST", cvmURL, func(req *http.Request) (*http.Response, error) {
			n++
			if n < 3 {
				return nil, errors.New("connection reset by peer")
			}
			return httpmock.NewStringResponse(200, `{"code":0}`), nil
		})
		require.NoError(t, c.Do(context.Background(), "cvm", "DescribeInstances", nil, nil))
		assert.Equal(t, 3, n)
	})
}

// writtenTransport reports the request as written before delegating, as
// net/http's transport does once it has sent the request.
type writtenTransport struct{ rt http.RoundTripper }

func (w writtenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if tr := httptraceFrom(req); tr != nil && tr.WroteRequest != nil {
		tr.WroteRequest(httptraceWroteInfo{})
	}
	return w.rt.RoundTrip(req)
}

func TestContextEndsDuringBackoff(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	fake := clock.NewFake(time.Unix(testEpoch, 0))
	c.clock, c.timers = fake, fake
	answer(t, mt, "POST", cvmURL, `{"code":4400}`)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Do(ctx, "cvm", "DescribeInstances", nil, nil) }()
	fake.BlockUntil(1) // in backoff
	cancel()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Contains(t, err.Error(), "code 4400", "the last error is named")
}

func TestCanceledContextSendsNothing(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := c.Do(ctx, "cvm", "DescribeInstances", nil, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	for attempt := 1; attempt < 70; attempt++ {
		for range 50 {
			d := backoff(attempt)
			assert.Greater(t, d, time.Duration(0))
			ceil := backoffCap
			if attempt < 6 {
				ceil = min(backoffCap, backoffBase<<(attempt-1))
			}
			assert.LessOrEqual(t, d, ceil, "attempt %d", attempt)
		}
	}
}

// TestLimiterRefusalKeepsLastError: when the limiter refuses a retry (its
// wait would pass the deadline), the error still matches the API error that
// made the retry necessary and the context's error.
func TestLimiterRefusalKeepsLastError(t *testing.T) {
	t.Parallel()
	waits := 0
	c, mt := setup(t, func(cfg *Config) {
		cfg.Limiter = LimiterFunc(func(ctx context.Context, action string) error {
			waits++
			if waits > 1 {
				return fmt.Errorf("cvm: waiting for the quota would pass the deadline: %w", context.DeadlineExceeded)
			}
			return nil
		})
	})
	answer(t, mt, "POST", `=~^https://`, `{"code":4400,"message":"quota"}`)
	err := c.Do(context.Background(), "", "DescribeInstances", nil, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, CodeQuotaExceeded, apiErr.Code)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, ErrQuotaExceeded)
	var reqErr *RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 1, reqErr.Attempts)
	assert.NotContains(t, err.Error(), "\n")
}

// TestBackoffCancelledKeepsLastError: a context that ends during backoff
// gives an error matching both the context's error and the last answer.
func TestBackoffCancelledKeepsLastError(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	timers := clock.NewFake(time.Unix(testEpoch, 0)) // sleeps never end by themselves
	c.timers = timers
	answer(t, mt, "POST", `=~^https://`, `{"code":6200,"message":"maintenance"}`)
	// Cancelled once the client sleeps before its second attempt, not while
	// the answer is on its way (which would end the attempt instead).
	go func() {
		timers.BlockUntil(1)
		cancel()
	}()
	err := c.Do(ctx, "", "DescribeInstances", nil, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, ErrUnavailable)
}

// TestTruncatedAnswer: a body cut short is a ResponseError (retried for a
// read), and a lying Content-Length allocates for what arrives.
func TestTruncatedAnswer(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, func(cfg *Config) { cfg.MaxAttempts = 1 })
	mt.RegisterResponder("POST", `=~^https://`, func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, "")
		resp.Body = io.NopCloser(io.MultiReader(strings.NewReader(`{"code":0,"tot`), errReader{io.ErrUnexpectedEOF}))
		resp.ContentLength = 16 << 20
		return resp, nil
	})
	err := c.Do(context.Background(), "", "DescribeInstances", nil, nil)
	var respErr *ResponseError
	require.ErrorAs(t, err, &respErr)
	assert.ErrorIs(t, err, ErrBadResponse)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.True(t, retryable(err, true, true, nil), "a read is retried")
	assert.False(t, retryable(err, true, false, nil), "a change is not")

	// 16 MiB announced, 10 bytes sent: far less than 16 MiB allocated.
	mt.RegisterResponder("POST", `=~^https://`, func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, `{"code":0}`)
		resp.ContentLength = 16 << 20
		return resp, nil
	})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		require.NoError(t, c.Do(context.Background(), "", "DescribeInstances", nil, nil))
	}
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(16<<20), "10 calls allocated %d bytes", after.TotalAlloc-before.TotalAlloc)
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// TestDecide is the retry policy as a table: each rule of decide, in its
// order, for reads and changes.
func TestDecide(t *testing.T) {
	pol := RetryPolicy{MaxAttempts: 3, Codes: []int{5100}}
	api := func(code, status int) error { return &APIError{Action: "A", Code: code, HTTPStatusCode: status} }
	transport := errors.New("connection reset")
	sent, resent, unsent := attemptTrace{sent: true}, attemptTrace{sent: true, resent: true}, attemptTrace{}
	for _, c := range []struct {
		name       string
		res        attemptResult
		safe       bool
		mayRefresh bool
		attempt    int
		ctxErr     error
		want       verdict
		reason     string
	}{
		{"success", attemptResult{}, false, false, 1, nil, callDone, ""},
		{"expired temporary keys are refreshed once", attemptResult{err: api(4104, 200), trace: sent}, false, true, 1, nil, callRefresh, "credentials"},
		{"a bad token too", attemptResult{err: api(4105, 200), trace: sent}, true, true, 1, nil, callRefresh, "credentials"},
		{"but not twice", attemptResult{err: api(4104, 200), trace: sent}, false, false, 2, nil, callDone, ""},
		{"a change lost after it was sent", attemptResult{err: transport, trace: sent}, false, false, 1, nil, callUnknown, ""},
		{"a read lost after it was sent", attemptResult{err: transport, trace: sent}, true, false, 1, nil, callRetry, "transport"},
		{"a change never sent", attemptResult{err: transport, trace: unsent}, false, false, 1, nil, callRetry, "transport"},
		{"a change refused as a replay of a resent copy", attemptResult{err: api(4500, 200), trace: resent}, false, false, 1, nil, callUnknown, ""},
		{"a change refused as a replay, sent once", attemptResult{err: api(4500, 200), trace: sent}, false, false, 1, nil, callRetry, "replay"},
		{"quota", attemptResult{err: api(4400, 200), trace: sent}, false, false, 1, nil, callRetry, "quota"},
		{"unavailable", attemptResult{err: api(6200, 200), trace: sent}, false, false, 2, nil, callRetry, "unavailable"},
		{"internal, for a read", attemptResult{err: api(6000, 200), trace: sent}, true, false, 1, nil, callRetry, "internal"},
		{"internal, for a change", attemptResult{err: api(6000, 200), trace: sent}, false, false, 1, nil, callDone, ""},
		{"a definite answer", attemptResult{err: api(4000, 200), trace: sent}, true, false, 1, nil, callDone, ""},
		{"a policy code, for a read", attemptResult{err: api(5100, 200), trace: sent}, true, false, 1, nil, callRetry, "code-5100"},
		{"a policy code, for a change", attemptResult{err: api(5100, 200), trace: sent}, false, false, 1, nil, callDone, ""},
		{"the last attempt", attemptResult{err: api(4400, 200), trace: sent}, true, false, 3, nil, callDone, ""},
		{"past the deadline", attemptResult{err: api(4400, 200), trace: sent}, true, false, 1, context.DeadlineExceeded, callPastDeadline, ""},
		{"the deadline itself", attemptResult{err: context.DeadlineExceeded, trace: sent}, true, false, 1, context.DeadlineExceeded, callDone, ""},
		{"an attempt timeout, for a read", attemptResult{err: context.DeadlineExceeded, trace: sent, timedOut: true}, true, false, 1, nil, callRetry, "attempt-timeout"},
		{"an attempt timeout, for a change sent", attemptResult{err: context.DeadlineExceeded, trace: sent, timedOut: true}, false, false, 1, nil, callUnknown, ""},
		{"an insecure connection", attemptResult{err: fmt.Errorf("%w: x", ErrInsecureConnection)}, false, false, 1, nil, callDone, ""},
	} {
		v, reason := decide(c.res, c.safe, c.mayRefresh, c.attempt, pol, c.ctxErr)
		assert.Equal(t, c.want, v, c.name)
		assert.Equal(t, c.reason, reason, c.name)
	}
}
