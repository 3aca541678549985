package cvmtest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/qcloud-legacy/cvm/internal/clock"
	"github.com/qcloud-legacy/cvm/internal/testhook"
)

func TestMain(m *testing.M) {
	// Retry backoff and waiters sleep on a clock whose timers fire at
	// once: no test waits on the wall clock for them.
	var instant clock.Clock = clock.NewAuto(time.Now())
	testhook.Timers.Store(&instant)
	goleak.VerifyTestMain(m)
}

// fault is what the proxy does to one request.
type fault int

const (
	pass     fault = iota
	lose           // forward, then close the connection: the server acted
	reset          // reset the connection before forwarding
	html502        // answer an HTML 502 without forwarding
	truncate       // forward, then send half the body and close
	slow           // hold the answer until the client gives up
)

// proxy sits between the SDK and the emulator and plays a script of faults
// per action, then passes everything through.
type proxy struct {
	*httptest.Server
	target string
	mu     sync.Mutex
	script map[string][]fault
	seen   map[string]int
}

func newProxy(t *testing.T, target string) *proxy {
	p := &proxy{target: target, script: map[string][]fault{}, seen: map[string]int{}}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

func (p *proxy) plan(action string, fs ...fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.script[action] = fs
}

func (p *proxy) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	action := form.Get("Action")
	p.mu.Lock()
	f := pass
	if s := p.script[action]; len(s) > 0 {
		f, p.script[action] = s[0], s[1:]
	}
	p.seen[action]++
	p.mu.Unlock()

	switch f {
	case reset:
		hijackClose(w, true)
		return
	case html502:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>")
		return
	case slow:
		<-r.Context().Done()
		return
	}
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.Path, bytes.NewReader(body))
	req.Host = r.Host // the signature covers the host the client named
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		hijackClose(w, true)
		return
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	switch f {
	case lose:
		hijackClose(w, true)
	case truncate:
		w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(answer[:len(answer)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		hijackClose(w, false)
	default:
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(answer)
	}
}

func hijackClose(w http.ResponseWriter, rst bool) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok && rst {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func (p *proxy) count(action string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen[action]
}

// faultyClient returns a client that reaches the emulator through the proxy.
func faultyClient(t *testing.T, opts ...cvmtest.Option) (*cvm.Client, *cvmtest.Server, *proxy) {
	srv := cvmtest.NewServer(append([]cvmtest.Option{cvmtest.WithoutQuotas(), cvmtest.WithTransition(-1)}, opts...)...)
	t.Cleanup(srv.Close)
	p := newProxy(t, srv.URL)
	cfg := srv.Config()
	cfg.Endpoint = p.URL + "/v2/index.php"
	cfg.HTTPClient = p.Client()
	cfg.MaxAttempts = 6
	cfg.RateLimit.Disabled = true
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	return c, srv, p
}

// TestCreateSurvivesEveryFaultOnce: lost answers, truncation, resets and
// 502s on the way, and still exactly the instances asked for.
func TestCreateSurvivesEveryFaultOnce(t *testing.T) {
	t.Parallel()
	c, srv, p := faultyClient(t)
	p.plan("RunInstancesHour", lose, truncate, reset, html502, lose)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ids, resp, err := c.Instances.Create(ctx, &cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph", Count: 4})
	require.NoError(t, err)
	assert.Len(t, ids, 4)
	assert.Equal(t, 6, resp.Attempts)
	assert.Len(t, srv.Instances(""), 4, "created once, whatever was lost")
	assert.Equal(t, 6, p.count("RunInstancesHour"))
}

// TestChangeWithoutTokenIsNotRepeated: after an answer that may have been
// lost after the server acted, a change without a token is reported, not
// sent again.
func TestChangeWithoutTokenIsNotRepeated(t *testing.T) {
	t.Parallel()
	for _, f := range []fault{lose, truncate, reset, html502} {
		c, srv, p := faultyClient(t, cvmtest.WithInstances(1))
		id := srv.Instances("")[0].ID
		p.plan("ModifyInstanceAttributes", f)
		_, err := c.Instances.Rename(context.Background(), id, "x")
		require.Error(t, err)
		var reqErr *cvm.RequestError
		var respErr *cvm.ResponseError
		assert.True(t, errors.As(err, &reqErr) || errors.As(err, &respErr), "typed error, got %T: %v", err, err)
		assert.Equal(t, 1, p.count("ModifyInstanceAttributes"), "fault %d: sent once", f)
	}
}

// TestReadsRetryThroughFaults: reads are retried through every fault.
func TestReadsRetryThroughFaults(t *testing.T) {
	t.Parallel()
	c, _, p := faultyClient(t, cvmtest.WithInstances(3))
	p.plan("DescribeInstances", html502, truncate, reset, lose)
	list, resp, err := c.Instances.List(context.Background(), nil)
	require.NoError(t, err)
	assert.Len(t, list, 3)
	assert.Equal(t, 5, resp.Attempts)
}

// TestSlowAnswersEndAtTheDeadline: every call ends within its deadline.
func TestSlowAnswersEndAtTheDeadline(t *testing.T) {
	t.Parallel()
	c, _, p := faultyClient(t)
	p.plan("DescribeAvailabilityZones", slow, slow, slow, slow, slow, slow)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := c.Zones.List(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var reqErr *cvm.RequestError
	require.ErrorAs(t, err, &reqErr)
	// Generous: the point is that it does not hang for the 60 s client
	// timeout or retry past the deadline.
	assert.Less(t, time.Since(start), 5*time.Second)
}

// TestEmulatorFaultsThroughTheSDK: the emulator's own fault injection, a
// fault per call across every kind, ends in results or typed errors.
func TestEmulatorFaultsThroughTheSDK(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithoutQuotas(), cvmtest.WithTransition(-1), cvmtest.WithSeed(3))
	defer srv.Close()
	srv.InjectFault("*", cvmtest.Fault{Code: 6000, Probability: 0.3})
	srv.InjectFault("*", cvmtest.Fault{HTTPStatus: 502, Body: "<html>bad</html>", Probability: 0.2})
	srv.InjectFault("*", cvmtest.Fault{Drop: true, Probability: 0.2})
	cfg := srv.Config()
	cfg.RateLimit.Disabled = true
	cfg.MaxAttempts = 8
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	created := 0
	for i := range 20 {
		ids, _, err := c.Instances.Create(ctx, &cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph", Name: "f" + strconv.Itoa(i)})
		if err == nil {
			created += len(ids)
			continue
		}
		var apiErr *cvm.APIError
		var respErr *cvm.ResponseError
		var reqErr *cvm.RequestError
		require.True(t, errors.As(err, &apiErr) || errors.As(err, &respErr) || errors.As(err, &reqErr), "untyped: %v", err)
	}
	srv.ClearFaults()
	// Every create that reported success made exactly one instance; a
	// create that gave up may have made one (its answer was lost) but never
	// two.
	n := len(srv.Instances(""))
	assert.GreaterOrEqual(t, n, created)
	names := map[string]int{}
	for _, in := range srv.Instances("") {
		names[in.Name]++
	}
	for name, k := range names {
		assert.Equal(t, 1, k, "instance %s created twice", name)
	}
}
