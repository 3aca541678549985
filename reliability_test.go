package cvm_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// droppingServer answers the first request on each connection and, for the
// second, reads it in full, records it and closes the connection without an
// answer: a keep-alive connection that dies as a change is acted on.
type droppingServer struct {
	ln   net.Listener
	mu   sync.Mutex
	seen []url.Values
}

func newDroppingServer(t *testing.T) *droppingServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ds := &droppingServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go ds.serve(conn)
		}
	}()
	return ds
}

func (ds *droppingServer) serve(conn net.Conn) {
	defer conn.Close()
	br := bufio.NewReader(conn)
	for n := 1; ; n++ {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		b, _ := io.ReadAll(req.Body)
		raw := req.URL.RawQuery
		if req.Method == http.MethodPost {
			raw = string(b)
		}
		p, _ := url.ParseQuery(raw)
		ds.mu.Lock()
		ds.seen = append(ds.seen, p)
		ds.mu.Unlock()
		if n == 2 {
			return // acted on, answer lost
		}
		body := `{"code":0,"message":"","codeDesc":"Success","totalCount":0,"instanceSet":[]}`
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	}
}

func (ds *droppingServer) count(action string) int {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	n := 0
	for _, p := range ds.seen {
		if p.Get("Action") == action {
			n++
		}
	}
	return n
}

// TestChangeWithLostAnswerIsNotRepeated: with GET or POST, a change whose
// answer is lost on a reused keep-alive connection reaches the server once
// and comes back as an OutcomeUnknownError naming the resource kind; net/http
// does not resend it and neither does the SDK.
func TestChangeWithLostAnswerIsNotRepeated(t *testing.T) {
	t.Parallel()
	changes := []struct {
		action, kind string
		call         func(ctx context.Context, c *cvm.Client) error
	}{
		{"StopInstances", "instance", func(ctx context.Context, c *cvm.Client) error {
			_, _, err := c.Instances.Stop(ctx, "ins-1")
			return err
		}},
		{"ReturnInstance", "instance", func(ctx context.Context, c *cvm.Client) error {
			_, err := c.Instances.Terminate(ctx, "ins-1")
			return err
		}},
		{"CreateEip", "EIP", func(ctx context.Context, c *cvm.Client) error {
			_, _, err := c.EIPs.Create(ctx, 1)
			return err
		}},
		{"CreateSecurityGroup", "security group", func(ctx context.Context, c *cvm.Client) error {
			_, _, err := c.SecurityGroups.Create(ctx, &cvm.SecurityGroupCreateRequest{Name: "web"})
			return err
		}},
		{"DeleteImages", "image", func(ctx context.Context, c *cvm.Client) error {
			_, _, err := c.Images.Delete(ctx, "img-1")
			return err
		}},
	}
	for _, method := range []string{"GET", "POST"} {
		for _, ch := range changes {
			ds := newDroppingServer(t)
			c, err := cvm.NewClient(cvm.Config{SecretID: "AKIDx", SecretKey: cvm.NewSecret("k"), Region: "gz", HTTPMethod: method,
				Endpoint: "http://" + ds.ln.Addr().String() + "/v2/index.php", RateLimit: cvm.RateLimit{Disabled: true}})
			require.NoError(t, err)
			ctx := context.Background()
			// The first call opens the connection the change then reuses.
			require.NoError(t, c.Do(ctx, "cvm", "DescribeInstances", nil, nil))
			err = ch.call(ctx, c)
			name := method + " " + ch.action
			assert.Equal(t, 1, ds.count(ch.action), "%s reached the server once", name)
			var unknown *cvm.OutcomeUnknownError
			require.ErrorAs(t, err, &unknown, name)
			assert.ErrorIs(t, err, cvm.ErrOutcomeUnknown)
			assert.Equal(t, ch.kind, unknown.Resource, name)
			assert.Equal(t, ch.action, unknown.Action)
			assert.Contains(t, err.Error(), "may have been made")
		}
	}
}

// TestEmulatorEIPCreateAnswerLost: against the emulator, an EIPs.Create
// whose answer is lost makes one EIP, over GET and POST.
func TestEmulatorEIPCreateAnswerLost(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"GET", "POST"} {
		srv := cvmtest.NewServer(cvmtest.WithoutQuotas())
		defer srv.Close()
		cfg := srv.Config()
		cfg.HTTPMethod = method
		cfg.RateLimit.Disabled = true
		c, err := cvm.NewClient(cfg)
		require.NoError(t, err)
		ctx := context.Background()
		_, _, err = c.EIPs.Quota(ctx) // warm the connection
		require.NoError(t, err)
		srv.InjectFault("CreateEip", cvmtest.Fault{Drop: true, Times: 1})
		_, _, err = c.EIPs.Create(ctx, 1)
		assert.ErrorIs(t, err, cvm.ErrOutcomeUnknown, method)
		assert.Len(t, srv.EIPs(""), 1, "%s: one EIP made, none twice", method)
	}
}

// resendingTransport resends a request whose answer failed, as a naive
// retrying middleware would.
type resendingTransport struct{ inner http.RoundTripper }

func (rt resendingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.inner.RoundTrip(req)
	if err == nil {
		return resp, nil
	}
	again := req.Clone(req.Context())
	if req.GetBody != nil {
		again.Body, _ = req.GetBody()
	}
	return rt.inner.RoundTrip(again)
}

// TestResentByMiddlewareIsDetected: a middleware resends a GET change whose
// answer was lost; the emulator refuses the copy as a replay; the SDK sees
// the second write and reports the outcome as unknown instead of retrying.
func TestResentByMiddlewareIsDetected(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithoutQuotas(), cvmtest.WithInstances(1))
	defer srv.Close()
	cfg := srv.Config()
	cfg.HTTPMethod = "GET"
	cfg.RateLimit.Disabled = true
	cfg.HTTPClient = &http.Client{Transport: resendingTransport{http.DefaultTransport.(*http.Transport).Clone()}}
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	srv.InjectFault("CreateSecurityGroup", cvmtest.Fault{Drop: true, Times: 1})
	_, _, err = c.SecurityGroups.Create(context.Background(), &cvm.SecurityGroupCreateRequest{Name: "web"})
	assert.ErrorIs(t, err, cvm.ErrOutcomeUnknown)
	assert.ErrorIs(t, err, cvm.ErrReplay, "the cause is kept")
	assert.Len(t, srv.SecurityGroups(""), 1, "made once, not twice")
}

// TestRedirectsAreNeverFollowed: whatever client the caller gives, a 302,
// 307 or 308 is not followed, the other host gets nothing, and the answer is
// a ResponseError.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	t.Parallel()
	var stolen atomic.Int32
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
		_, _ = io.WriteString(w, `{"code":0,"message":"","totalCount":0,"instanceSet":[]}`)
	}))
	defer thief.Close()
	for _, status := range []int{301, 302, 303, 307, 308} {
		redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, thief.URL+"/v2/index.php", status)
		}))
		for _, method := range []string{"GET", "POST"} {
			c, err := cvm.NewClient(cvm.Config{SecretID: "AKIDx", SecretKey: cvm.NewSecret("k"), Token: cvm.NewSecret("tok-secret"), Region: "gz",
				HTTPMethod: method, Endpoint: redirector.URL + "/v2/index.php", HTTPClient: &http.Client{},
				RateLimit: cvm.RateLimit{Disabled: true}, MaxAttempts: 1})
			require.NoError(t, err)
			var out struct{ cvm.Envelope }
			_, _, err = c.Instances.List(context.Background(), nil)
			err2 := c.Do(context.Background(), "cvm", "DescribeInstances", nil, &out)
			for _, e := range []error{err, err2} {
				var re *cvm.ResponseError
				require.ErrorAs(t, e, &re, "%d %s", status, method)
				assert.Equal(t, status, re.HTTPStatusCode)
			}
		}
		redirector.Close()
	}
	assert.Zero(t, stolen.Load(), "the other host received a signed request")
}

// TestErrorTextsCarryNoSecrets: a transport that wraps the failing request's
// URL deep in its own error, and quotes it in its text, still gives an error
// whose text holds neither the signature nor the token, while errors.Is
// reaches the cause.
func TestErrorTextsCarryNoSecrets(t *testing.T) {
	t.Parallel()
	var sig, tok string
	var mu sync.Mutex
	rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		sig, tok = req.URL.Query().Get("Signature"), req.URL.Query().Get("Token")
		mu.Unlock()
		inner := &url.Error{Op: "Get", URL: req.URL.String(), Err: fmt.Errorf("dial failed for %s: %w", req.URL, io.ErrUnexpectedEOF)}
		return nil, fmt.Errorf("middleware: %w (while fetching %q)", inner, req.URL.String())
	})
	c, err := cvm.NewClient(cvm.Config{SecretID: "AKIDx", SecretKey: cvm.NewSecret("k"), Token: cvm.NewSecret("session-token-value"), Region: "gz",
		HTTPMethod: "GET", HTTPClient: &http.Client{Transport: rt}, RateLimit: cvm.RateLimit{Disabled: true}, MaxAttempts: 1})
	require.NoError(t, err)
	_, _, err = c.Instances.Stop(context.Background(), "ins-1")
	require.Error(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, sig)
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		for _, secret := range []string{sig, url.QueryEscape(sig), tok, "session-token-value"} {
			assert.NotContains(t, text, secret)
		}
	}
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "the cause is still reachable")
	var ue *url.Error
	require.ErrorAs(t, err, &ue)
	assert.NotContains(t, ue.URL, "Signature")
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		assert.NotContains(t, e.Error(), sig, "an unwrapped cause's text")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// wrapped hides a transport behind middleware, as tracing or logging does.
type wrapped struct{ inner http.RoundTripper }

func (w wrapped) RoundTrip(r *http.Request) (*http.Response, error) { return w.inner.RoundTrip(r) }

// TestInsecureTLSRefusedHoweverWrapped: a transport that skips certificate
// checks, hidden behind middleware, still cannot carry a signed request to
// a self-signed server unless AllowInsecureTLS is set; a properly verified
// connection to the same server works.
func TestInsecureTLSRefusedHoweverWrapped(t *testing.T) {
	t.Parallel()
	var got atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		_, _ = io.WriteString(w, `{"code":0,"message":"","codeDesc":"Success"}`)
	}))
	defer srv.Close()
	// A server that still speaks TLS 1.1, for a client that allows it.
	old := httptest.NewUnstartedServer(srv.Config.Handler)
	old.TLS = &tls.Config{MinVersion: tls.VersionTLS10}
	old.StartTLS()
	defer old.Close()
	pool := x509.NewCertPool()
	pool.AddCert(old.Certificate())
	insecure := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	oldTLS := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11, RootCAs: pool}}
	for _, tc := range []struct {
		name, url string
		rt        http.RoundTripper
	}{{"skip verify", srv.URL, wrapped{insecure}}, {"TLS 1.1", old.URL, wrapped{oldTLS}}} {
		for _, method := range []string{"GET", "POST"} {
			c, err := cvm.NewClient(cvm.Config{SecretID: "AKIDx", SecretKey: cvm.NewSecret("k"), Region: "gz", HTTPMethod: method,
				Endpoint: tc.url + "/v2/index.php", HTTPClient: &http.Client{Transport: tc.rt}, RateLimit: cvm.RateLimit{Disabled: true}})
			require.NoError(t, err)
			err = c.Do(context.Background(), "cvm", "DescribeInstances", nil, nil)
			assert.ErrorIs(t, err, cvm.ErrInsecureConnection, "%s %s", tc.name, method)
		}
	}
	assert.Zero(t, got.Load(), "a signed request went over unverified TLS")

	c, err := cvm.NewClient(cvm.Config{SecretID: "AKIDx", SecretKey: cvm.NewSecret("k"), Region: "gz", Endpoint: srv.URL + "/v2/index.php",
		HTTPClient: &http.Client{Transport: wrapped{insecure}}, AllowInsecureTLS: true, RateLimit: cvm.RateLimit{Disabled: true}})
	require.NoError(t, err)
	assert.NoError(t, c.Do(context.Background(), "cvm", "DescribeInstances", nil, nil), "allowed when asked for")

	pool = x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	verified := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	c, err = cvm.NewClient(cvm.Config{SecretID: "AKIDx", SecretKey: cvm.NewSecret("k"), Region: "gz", Endpoint: srv.URL + "/v2/index.php",
		HTTPClient: &http.Client{Transport: wrapped{verified}}, RateLimit: cvm.RateLimit{Disabled: true}})
	require.NoError(t, err)
	assert.NoError(t, c.Do(context.Background(), "cvm", "DescribeInstances", nil, nil), "a verified connection")
	assert.Equal(t, int32(2), got.Load())
}

// TestStrictCode: only an integer 0 is success; other spellings are a
// ResponseError, never a success.
func TestStrictCode(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"code":""}`, `{"code":"0e9"}`, `{"code":1e-400}`, `{"code":0.0}`, `{"code":"0.0"}`, `{"code":" 0"}`,
		`{"code":4294967296}`, `{"code":"4294967296"}`, `{"code":true}`, `{"code":null}`, `{"code":[0]}`, `{"message":"no code"}`,
		`{"CODE":0}`, `{"Code":0}`, `{"code ":0}`, `{"code":0}{"x":1}`, `[{"code":0}]`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, body) }))
		c, err := cvm.NewClient(cvm.Config{SecretID: "AKIDx", SecretKey: cvm.NewSecret("k"), Region: "gz", Endpoint: srv.URL + "/v2/index.php",
			RateLimit: cvm.RateLimit{Disabled: true}, MaxAttempts: 1})
		require.NoError(t, err)
		var out map[string]any
		err = c.Do(context.Background(), "cvm", "DescribeInstances", nil, &out)
		assert.ErrorIs(t, err, cvm.ErrBadResponse, body)
		var typed struct{ cvm.Envelope }
		err = c.Do(context.Background(), "cvm", "DescribeInstances", nil, &typed)
		assert.ErrorIs(t, err, cvm.ErrBadResponse, body)
		srv.Close()
	}
	for _, body := range []string{`{"code":0}`, `{"code":"0"}`, `{"code":-0}`} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, body) }))
		c, err := cvm.NewClient(cvm.Config{SecretID: "AKIDx", SecretKey: cvm.NewSecret("k"), Region: "gz", Endpoint: srv.URL + "/v2/index.php",
			RateLimit: cvm.RateLimit{Disabled: true}})
		require.NoError(t, err)
		assert.NoError(t, c.Do(context.Background(), "cvm", "DescribeInstances", nil, nil), body)
		srv.Close()
	}
	_ = json.Valid
}
