package cvm_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// echoHeaders is a transport that fails quoting every header it was given,
// as a careless middleware might.
type echoHeaders struct{ seen atomic.Pointer[http.Header] }

func (e *echoHeaders) RoundTrip(r *http.Request) (*http.Response, error) {
	h := r.Header.Clone()
	e.seen.Store(&h)
	return nil, fmt.Errorf("proxy refused %s %v", r.URL, r.Header)
}

// TestAPI3ErrorsCarryNoSecrets: under API 3.0 the signature, the token and
// the key travel in headers; an error that quotes them is scrubbed of them.
func TestAPI3ErrorsCarryNoSecrets(t *testing.T) {
	t.Parallel()
	rt := &echoHeaders{}
	cfg := cvm.Config{SecretID: "AKIDsafety", SecretKey: cvm.NewSecret("the-secret-key-0001"), Token: cvm.NewSecret("session-token-0001"),
		Region: "gz", API: cvm.API3, Endpoint: "http://127.0.0.1:1", HTTPClient: &http.Client{Transport: rt}, MaxAttempts: 1}
	cfg.RateLimit.Disabled = true
	var hooked []string
	cfg.Hooks = []cvm.Hooks{{Attempt: func(_ context.Context, a cvm.AttemptInfo) { hooked = append(hooked, fmt.Sprint(a.Err)) }}}
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	err = c.Do3(context.Background(), "cvm", "DescribeZones", nil, nil)
	require.Error(t, err)
	h := rt.seen.Load()
	require.NotNil(t, h)
	auth := (*h).Get("Authorization")
	sig := auth[strings.LastIndex(auth, "=")+1:]
	require.Len(t, sig, 64)
	for _, text := range append([]string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}, hooked...) {
		assert.NotContains(t, text, sig)
		assert.NotContains(t, text, "session-token-0001")
		assert.NotContains(t, text, "the-secret-key-0001")
	}
	assert.Equal(t, "session-token-0001", (*h).Get("X-TC-Token"), "the token was sent, in its header")
}

// TestAPI3LimiterPaces: under API 3.0 the built-in limiter holds each
// action to its per-second limit (DescribeZones 20), so the emulator
// refuses none of 50 calls in a row; in a synctest bubble, time is fake.
func TestAPI3LimiterPaces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := cvmtest.NewServer(cvmtest.WithoutNetwork())
		defer srv.Close()
		c, err := cvm.NewClient(srv.API3Config())
		require.NoError(t, err)
		ctx := context.Background()
		start := time.Now()
		for i := range 50 {
			_, _, err := c.Zones.List(ctx)
			require.NoError(t, err, "call %d", i)
		}
		assert.GreaterOrEqual(t, time.Since(start), 2*time.Second, "50 calls at 20 a second")
		assert.Less(t, time.Since(start), 3*time.Second)
		var apiErr *cvm.APIError
		assert.False(t, errors.As(err, &apiErr))
	})
}

// TestOutcomeUnknownNamesTheResourceUnderBothContracts: a Terminate whose
// answer is lost is an OutcomeUnknownError naming "instance", whichever
// contract the client speaks, and whether it came through the typed method
// or Do3.
func TestOutcomeUnknownNamesTheResourceUnderBothContracts(t *testing.T) {
	t.Parallel()
	// The request is read whole, then the connection closes unanswered.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	defer srv.Close()
	for _, api := range []cvm.APIVersion{cvm.LegacyAPI, cvm.API3} {
		cfg := cvm.Config{SecretID: "AKIDsafety", SecretKey: cvm.NewSecret("the-secret-key-0001"), Region: "gz", API: api,
			MaxAttempts: 1}
		cfg.Endpoint = srv.URL + "/v2/index.php"
		if api == cvm.API3 {
			cfg.Endpoint = srv.URL
		}
		cfg.RateLimit.Disabled = true
		c, err := cvm.NewClient(cfg)
		require.NoError(t, err)
		_, err = c.Instances.Terminate(context.Background(), "ins-12345678")
		var unknown *cvm.OutcomeUnknownError
		require.ErrorAs(t, err, &unknown, "%v: %v", api, err)
		assert.Equal(t, "instance", unknown.Resource, "%v", api)
		if api == cvm.API3 {
			err = c.Do3(context.Background(), "cvm", "TerminateInstances", map[string]any{"InstanceIds": []string{"ins-12345678"}}, &struct{}{})
			require.ErrorAs(t, err, &unknown, "%v", err)
			assert.Equal(t, "instance", unknown.Resource, "Do3")
		}
	}
}
