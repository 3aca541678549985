package cvm

import (
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm/internal/clock"
)

const (
	testSecretID  = "AKIDtestid"
	testSecretKey = "TESTSECRETKEY-do-not-leak"
	testToken     = "TESTSESSIONTOKEN-do-not-leak"
	testEpoch     = 1700000000
)

// setup returns a client on a fresh mock transport, with the limiter off, an
// auto-advancing fake clock (backoff sleeps return at once) and nonces
// 1, 2, 3, ...
func setup(t testing.TB, mods ...func(*Config)) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	cfg := Config{
		SecretID:   testSecretID,
		SecretKey:  NewSecret(testSecretKey),
		Region:     "ap-guangzhou",
		HTTPClient: &http.Client{Transport: mt},
		RateLimit:  RateLimit{Disabled: true},
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := NewClient(cfg)
	require.NoError(t, err)
	c.clock = clock.NewAuto(time.Unix(testEpoch, 0))
	c.timers = c.clock
	var mu sync.Mutex
	var n uint64
	c.nonce = func() uint64 { mu.Lock(); defer mu.Unlock(); n++; return n }
	return c, mt
}

// request is what the mock server saw of one request.
type request struct {
	Method string
	Host   string
	Path   string
	Raw    string // the raw body (POST) or query (GET)
	Params url.Values
}

// params returns the request's parameters without the ones that change per
// attempt (Signature, Timestamp, Nonce), as go-github's testFormValues does.
func (r request) stable() url.Values {
	out := url.Values{}
	for k, v := range r.Params {
		switch k {
		case "Signature", "Timestamp", "Nonce":
			continue
		}
		out[k] = v
	}
	return out
}

func readRequest(t testing.TB, req *http.Request) request {
	t.Helper()
	r := request{Method: req.Method, Host: req.URL.Host, Path: req.URL.Path}
	if req.Method == http.MethodGet {
		r.Raw = req.URL.RawQuery
	} else {
		b, err := io.ReadAll(req.Body)
		require.NoError(t, err)
		r.Raw = string(b)
	}
	var err error
	r.Params, err = url.ParseQuery(r.Raw)
	require.NoError(t, err)
	return r
}

// recorder answers every request with the next of bodies (the last repeats)
// and records what it saw.
type recorder struct {
	t      testing.TB
	mu     sync.Mutex
	reqs   []request
	bodies []string
	status []int
}

func (rec *recorder) respond(req *http.Request) (*http.Response, error) {
	r := readRequest(rec.t, req)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	i := min(len(rec.reqs), len(rec.bodies)-1)
	rec.reqs = append(rec.reqs, r)
	status := http.StatusOK
	if i < len(rec.status) && rec.status[i] != 0 {
		status = rec.status[i]
	}
	resp := httpmock.NewStringResponse(status, rec.bodies[i])
	resp.Request = req
	return resp, nil
}

func (rec *recorder) requests() []request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]request(nil), rec.reqs...)
}

// answer registers a recorder for every request to url (method POST unless
// given) answering with bodies in turn.
func answer(t testing.TB, mt *httpmock.MockTransport, method, u string, bodies ...string) *recorder {
	rec := &recorder{t: t, bodies: bodies}
	mt.RegisterResponder(method, u, rec.respond)
	return rec
}

const cvmURL = "https://cvm.api.qcloud.com/v2/index.php"

type httptraceWroteInfo = httptrace.WroteRequestInfo

func httptraceFrom(req *http.Request) *httptrace.ClientTrace {
	return httptrace.ContextClientTrace(req.Context())
}

func timeOf(t jsonTime) time.Time { return time.Time(t) }
