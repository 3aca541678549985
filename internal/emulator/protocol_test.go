package emulator

import (
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm/internal/clock"
	"github.com/qcloud-legacy/cvm/internal/spectest"
)

const (
	tid  = "AKIDprotocoltest"
	tkey = "protocol-test-key"
)

type harness struct {
	t     *testing.T
	emu   *Server
	srv   *httptest.Server
	fake  *clock.Fake
	nonce atomic.Int64
}

func newHarness(t *testing.T, mod func(*Options)) *harness {
	t.Helper()
	fake := clock.NewFake(time.Unix(1700000000, 0))
	opts := Options{Keys: map[string]string{tid: tkey}, Clock: fake, Seed: 7, Transition: 10 * time.Second}
	if mod != nil {
		mod(&opts)
	}
	h := &harness{t: t, emu: New(opts), fake: fake}
	h.srv = httptest.NewServer(h.emu)
	t.Cleanup(h.srv.Close)
	return h
}

// wire is a request built and signed by hand, the way the documentation
// describes, without the SDK's call path.
type wire struct {
	method string
	host   string // the Host header; "" for the server's address
	params url.Values
	key    string // signing key; "" for tkey
	sigAlg string // algorithm to sign with; "" follows SignatureMethod
	raw    bool   // params sent exactly as given (no common params added)
}

func (h *harness) send(w wire) (int, map[string]any) {
	h.t.Helper()
	p := url.Values{}
	for k, v := range w.params {
		p[k] = v
	}
	if !w.raw {
		set := func(k, v string) {
			if _, ok := p[k]; !ok {
				p.Set(k, v)
			}
		}
		set("SecretId", tid)
		set("Region", "gz")
		set("Timestamp", strconv.FormatInt(time.Now().Unix(), 10))
		set("Nonce", strconv.FormatInt(h.nonce.Add(1), 10))
		key := w.key
		if key == "" {
			key = tkey
		}
		method := w.method
		if method == "" {
			method = "POST"
		}
		host := w.host
		if host == "" {
			host = strings.TrimPrefix(h.srv.URL, "http://")
		}
		alg := w.sigAlg
		if alg == "" {
			alg = p.Get("SignatureMethod")
		}
		if _, ok := p["Signature"]; !ok {
			p.Set("Signature", spectest.SignAlg(method, host, "/v2/index.php", p, key, alg))
		}
	}
	var req *http.Request
	var err error
	if w.method == "GET" {
		req, err = http.NewRequest("GET", h.srv.URL+"/v2/index.php?"+p.Encode(), nil)
	} else {
		req, err = http.NewRequest("POST", h.srv.URL+"/v2/index.php", strings.NewReader(p.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	require.NoError(h.t, err)
	if w.host != "" {
		req.Host = w.host
	}
	resp, err := h.srv.Client().Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	var out map[string]any
	require.NoError(h.t, json.Unmarshal(b, &out), string(b))
	return resp.StatusCode, out
}

// call sends a signed POST of action and returns the answer.
func (h *harness) call(action string, kv ...string) map[string]any {
	h.t.Helper()
	p := url.Values{"Action": {action}}
	for i := 0; i+1 < len(kv); i += 2 {
		p.Add(kv[i], kv[i+1])
	}
	_, out := h.send(wire{params: p})
	return out
}

func code(out map[string]any) int {
	switch c := out["code"].(type) {
	case float64:
		return int(c)
	case string:
		n, _ := strconv.Atoi(c)
		return n
	}
	return -1
}

func TestSignedGETAndPOST(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	for _, m := range []string{"GET", "POST"} {
		for _, alg := range []string{"", "HmacSHA1", "HmacSHA256"} {
			p := url.Values{"Action": {"DescribeAvailabilityZones"}}
			if alg != "" {
				p.Set("SignatureMethod", alg)
			}
			status, out := h.send(wire{method: m, params: p})
			assert.Equal(t, 200, status)
			assert.Equal(t, 0, code(out), "%s %s: %v", m, alg, out)
			assert.Equal(t, "Success", out["codeDesc"])
			assert.EqualValues(t, 4, out["totalCount"])
		}
	}
}

func TestSignatureAlgorithmFollowsTheExactString(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	// Anything but exactly HmacSHA256 is verified with SHA-1.
	p := url.Values{"Action": {"DescribeAvailabilityZones"}, "SignatureMethod": {"hmacsha256"}}
	_, out := h.send(wire{params: p, sigAlg: "HmacSHA256"})
	assert.Equal(t, 4100, code(out))
	p = url.Values{"Action": {"DescribeAvailabilityZones"}, "SignatureMethod": {"hmacsha256"}}
	_, out = h.send(wire{params: p, sigAlg: "HmacSHA1"})
	assert.Equal(t, 0, code(out))
}

func TestAuthFailures(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) {
		o.Keys["AKIDtemp"] = "tempkey"
		o.Tokens = map[string]string{"AKIDtemp": "the-token"}
	})
	zones := url.Values{"Action": {"DescribeAvailabilityZones"}}
	tests := []struct {
		name string
		w    wire
		code int
	}{
		{"bad signature", wire{params: zones, key: "wrong"}, 4100},
		{"unknown SecretId", wire{params: url.Values{"Action": {"DescribeAvailabilityZones"}, "SecretId": {"AKIDnobody"}}}, 4104},
		{"missing signature", wire{params: url.Values{"Action": {"X"}, "SecretId": {tid}}, raw: true}, 4100},
		{"token without temporary key", wire{params: url.Values{"Action": {"DescribeAvailabilityZones"}, "Token": {"x"}}}, 4105},
		{"temporary key without token", wire{params: url.Values{"Action": {"DescribeAvailabilityZones"}, "SecretId": {"AKIDtemp"}}, key: "tempkey"}, 4105},
		{"temporary key, wrong token", wire{params: url.Values{"Action": {"DescribeAvailabilityZones"}, "SecretId": {"AKIDtemp"}, "Token": {"nope"}}, key: "tempkey"}, 4105},
		{"temporary key, right token", wire{params: url.Values{"Action": {"DescribeAvailabilityZones"}, "SecretId": {"AKIDtemp"}, "Token": {"the-token"}}, key: "tempkey"}, 0},
		{"signed host differs from Host", wire{params: zones, host: "cvm.api.qcloud.com", key: ""}, 0},
	}
	for _, tt := range tests {
		_, out := h.send(tt.w)
		assert.Equal(t, tt.code, code(out), "%s: %v", tt.name, out)
		if tt.code >= 4100 && tt.code < 4200 {
			assert.Equal(t, "AuthFailure", out["codeDesc"], tt.name)
		}
	}
	// The host signed must be the Host received, port included.
	p := url.Values{"Action": {"DescribeAvailabilityZones"}, "SecretId": {tid}, "Region": {"gz"},
		"Timestamp": {strconv.FormatInt(time.Now().Unix(), 10)}, "Nonce": {"424242"}}
	p.Set("Signature", spectest.Sign("POST", "cvm.api.qcloud.com", "/v2/index.php", p, tkey))
	_, out := h.send(wire{params: p, host: "cvm.api.qcloud.com:443", raw: true})
	assert.Equal(t, 4100, code(out), "signed without the port, sent with it")
}

func TestReplay(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Keys["AKIDother"] = "other-key" })
	now := time.Now().Unix()
	ts := strconv.FormatInt(now, 10)
	zones := func(kv ...string) url.Values {
		p := url.Values{"Action": {"DescribeAvailabilityZones"}}
		for i := 0; i+1 < len(kv); i += 2 {
			p.Set(kv[i], kv[i+1])
		}
		return p
	}
	_, out := h.send(wire{params: zones("Nonce", "777", "Timestamp", ts)})
	assert.Equal(t, 0, code(out))
	_, out = h.send(wire{params: zones("Nonce", "777", "Timestamp", ts)})
	assert.Equal(t, 4500, code(out), "the same Timestamp and Nonce again")
	// §12: the Nonce alone is not unique; another second makes another
	// request (the Node SDK draws Nonces from 0..65535).
	prev := strconv.FormatInt(now-1, 10) // from ts, not the clock: it ticks

	_, out = h.send(wire{params: zones("Nonce", "777", "Timestamp", prev)})
	assert.Equal(t, 0, code(out), "the same Nonce with another Timestamp")
	// Another key with the same pair is another request too.
	_, out = h.send(wire{params: zones("Nonce", "777", "Timestamp", ts, "SecretId", "AKIDother"), key: "other-key"})
	assert.Equal(t, 0, code(out), "another SecretId")
	for _, c := range []struct {
		off  time.Duration
		code int
	}{
		{-3 * time.Hour, 4500}, {3 * time.Hour, 4500}, {-2*time.Hour - time.Minute, 4500},
		{-time.Hour, 0}, {time.Hour, 0}, {-2*time.Hour + time.Minute, 0},
	} {
		_, out = h.send(wire{params: zones("Timestamp", strconv.FormatInt(time.Now().Add(c.off).Unix(), 10))})
		assert.Equal(t, c.code, code(out), "a Timestamp %v off", c.off)
	}
	_, out = h.send(wire{params: zones("Nonce", "-1")})
	assert.Equal(t, 4000, code(out))
	// The Node SDK's Nonce can be 0; the largest the Python SDK draws is
	// 2^63-1.
	_, out = h.send(wire{params: zones("Nonce", "0")})
	assert.Equal(t, 0, code(out))
	_, out = h.send(wire{params: zones("Nonce", "9223372036854775807")})
	assert.Equal(t, 0, code(out))
}

// TestReplayNodeSDKNonces sends 1,500 calls with the Node SDK's Nonces
// (0..65535, drawn at random) over 1,500 seconds: none is a replay.
func TestReplayNodeSDKNonces(t *testing.T) {
	t.Parallel()
	m := newReplayMemory(defaultReplayWindow, defaultReplayMax)
	now := time.Unix(1700000000, 0)
	rng := rand.New(rand.NewPCG(1, 2))
	refused := 0
	for i := range 1500 {
		at := now.Add(time.Duration(i) * time.Second)
		if m.check("AKIDnode", at.Unix(), uint64(rng.IntN(65536)), at) != nil {
			refused++
		}
	}
	assert.Zero(t, refused)
}

// TestReplayMemoryBounded: what is remembered is a fixed-size key per
// request, forgotten once its Timestamp leaves the window, and capped.
func TestReplayMemoryBounded(t *testing.T) {
	t.Parallel()
	m := newReplayMemory(time.Hour, 1000)
	start := time.Unix(1700000000, 0)
	for i := range 600 {
		at := start.Add(time.Duration(i) * time.Second)
		require.Nil(t, m.check("AKID", at.Unix(), 1, at))
	}
	assert.Equal(t, 600, m.size())
	// An hour and ten minutes later the first ten minutes have expired.
	later := start.Add(70 * time.Minute)
	require.Nil(t, m.check("AKID", later.Unix(), 1, later))
	assert.Equal(t, 1, m.size(), "every triple older than the window is gone")
	// The cap: at most 1,000 triples, the oldest seconds dropped first.
	for i := range 5000 {
		require.Nil(t, m.check("AKID", later.Unix(), uint64(i+2), later))
	}
	assert.LessOrEqual(t, m.size(), 1000)
	// A replay inside the window is still caught for what is kept.
	assert.NotNil(t, m.check("AKID", later.Unix(), 4999+2, later))
	assert.Equal(t, int(unsafe.Sizeof(replayKey{})), 16, "a fixed-size key, no request bytes")
}

// TestReplayKeepsNoBody: 100 large signed requests leave no request memory
// alive (the old memory pinned each request's whole body through its Nonce
// string).
func TestReplayKeepsNoBody(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.QuotasOff = true })
	big := strings.Repeat("x", 1<<20)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range 100 {
		_, out := h.send(wire{params: url.Values{"Action": {"DescribeAvailabilityZones"}, "pad": {big}}})
		require.Equal(t, 0, code(out))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	assert.Less(t, grew, int64(20<<20), "heap grew by %d bytes after 100 MiB of requests", grew)
	assert.Equal(t, 100, h.emu.replay.size())
}

func TestRouting(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	_, out := h.send(wire{params: url.Values{"Action": {"NoSuchAction"}}})
	assert.Equal(t, 4000, code(out))
	_, out = h.send(wire{params: url.Values{"Action": {"DescribeImages"}, "imageType": {"2"}}, host: "cvm.api.qcloud.com"})
	assert.Equal(t, 6100, code(out), "an image action on the cvm host")
	// §12: an unknown module host is a plain 4000, as node-sdk's live test
	// asserts for "unkown.api.qcloud.com".
	_, out = h.send(wire{params: url.Values{"Action": {"DescribeInstances"}}, host: "unkown.api.qcloud.com"})
	assert.Equal(t, 4000, code(out), "an unknown module host: %v", out)
	_, out = h.send(wire{params: url.Values{"Action": {"DescribeInstances"}}, host: "cdb.api.qcloud.com"})
	assert.Equal(t, 6100, code(out), "a known module that does not serve the action")
	_, out = h.send(wire{params: url.Values{"Action": {"DescribeImages"}, "imageType": {"2"}}, host: "image.api.qcloud.com:8443"})
	assert.Equal(t, 0, code(out))
	_, out = h.send(wire{params: url.Values{"Action": {"DescribeImages"}, "imageType": {"2"}}, host: "localhost:9191"})
	assert.Equal(t, 0, code(out), "localhost routes by action")
	// Zones are served on both cvm and trade hosts.
	_, out = h.send(wire{params: url.Values{"Action": {"DescribeAvailabilityZones"}}, host: "trade.api.qcloud.com"})
	assert.Equal(t, 0, code(out))
	_, out = h.send(wire{params: url.Values{"Action": {"DescribeAvailabilityZones"}, "Region": {"mars"}}})
	assert.Equal(t, 4000, code(out), "unknown region")
	_, out = h.send(wire{params: url.Values{"Action": {"DescribeAvailabilityZones"}, "Region": {"ap-guangzhou"}}})
	assert.Equal(t, 0, code(out), "long region names")
	_, out = h.send(wire{params: url.Values{"Action": {"DescribeInstances"}, "Version": {"2017-03-12"}}})
	assert.Equal(t, 4000, code(out), "the newer contract is refused plainly")
	assert.Contains(t, out["message"], "Version=2017-03-12")
}

func TestMethodsDoNotMix(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	// A POST's query is ignored: Action in the query alone is missing.
	p := url.Values{"SecretId": {tid}, "Region": {"gz"}, "Timestamp": {strconv.FormatInt(time.Now().Unix(), 10)}, "Nonce": {"1"}}
	p.Set("Signature", spectest.Sign("POST", strings.TrimPrefix(h.srv.URL, "http://"), "/v2/index.php", p, tkey))
	req, _ := http.NewRequest("POST", h.srv.URL+"/v2/index.php?Action=DescribeAvailabilityZones", strings.NewReader(p.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	assert.Equal(t, 4000, code(out))
	assert.Contains(t, out["message"], "Action")

	resp2, err := http.Get(h.srv.URL + "/other")
	require.NoError(t, err)
	resp2.Body.Close()
	assert.Equal(t, 404, resp2.StatusCode)
}

func TestUnderscoreKeysAndListIndexes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	ids, err := h.emu.SeedInstances("gz", 3)
	require.NoError(t, err)
	// PHP-style names on the wire, signed with dots; indexes from 1.
	out := h.call("DescribeInstances", "instanceIds_1", ids[0], "instanceIds_2", ids[2])
	assert.Equal(t, 0, code(out), out)
	assert.EqualValues(t, 2, out["totalCount"])
}

func TestQuotas(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.QuotaAction = 5; o.QuotaGlobal = 8; o.QuotaWindow = time.Minute })
	for i := range 5 {
		assert.Equal(t, 0, code(h.call("DescribeAvailabilityZones")), "call %d", i)
	}
	out := h.call("DescribeAvailabilityZones")
	assert.Equal(t, 4400, code(out), "the action's quota")
	assert.Equal(t, 0, code(h.call("DescribeProductRegionList")))
	assert.Equal(t, 0, code(h.call("DescribeProductRegionList")))
	assert.Equal(t, 0, code(h.call("DescribeProductRegionList")))
	assert.Equal(t, 4400, code(h.call("DescribeProductRegionList")), "the account's quota")
	// Sliding: the first calls leave the window a minute later.
	h.fake.Advance(61 * time.Second)
	assert.Equal(t, 0, code(h.call("DescribeAvailabilityZones")))
}

func TestFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.emu.InjectFault("DescribeAvailabilityZones", Fault{Code: 6000, Times: 2})
	assert.Equal(t, 6000, code(h.call("DescribeAvailabilityZones")))
	assert.Equal(t, 6000, code(h.call("DescribeAvailabilityZones")))
	assert.Equal(t, 0, code(h.call("DescribeAvailabilityZones")), "only the next two")

	h.emu.InjectFault("*", Fault{HTTPStatus: 502, Body: "<html>502 Bad Gateway</html>", Times: 1})
	p := url.Values{"Action": {"DescribeAvailabilityZones"}, "SecretId": {tid}, "Region": {"gz"},
		"Timestamp": {strconv.FormatInt(time.Now().Unix(), 10)}, "Nonce": {"5150"}}
	p.Set("Signature", spectest.Sign("POST", strings.TrimPrefix(h.srv.URL, "http://"), "/v2/index.php", p, tkey))
	resp, err := http.PostForm(h.srv.URL+"/v2/index.php", p)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 502, resp.StatusCode)
	assert.Contains(t, string(b), "Bad Gateway")

	// A dropped answer: the server acted, the client sees the connection go.
	h.emu.InjectFault("RunInstancesHour", Fault{Drop: true, Times: 1})
	p = url.Values{"Action": {"RunInstancesHour"}, "SecretId": {tid}, "Region": {"gz"},
		"Timestamp": {strconv.FormatInt(time.Now().Unix(), 10)}, "Nonce": {"5151"},
		"zoneId": {"100003"}, "cpu": {"1"}, "mem": {"1"}, "imageId": {"img-31tjrtph"}, "storageSize": {"0"}}
	p.Set("Signature", spectest.Sign("POST", strings.TrimPrefix(h.srv.URL, "http://"), "/v2/index.php", p, tkey))
	_, err = http.PostForm(h.srv.URL+"/v2/index.php", p)
	require.Error(t, err)
	list, err := h.emu.Instances("gz")
	require.NoError(t, err)
	assert.Len(t, list, 1, "the instance was created although the answer was lost")
}

func TestFaultProbabilityAndDelay(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.QuotasOff = true })
	h.emu.InjectFault("DescribeAvailabilityZones", Fault{Code: 6200, Probability: 0.3})
	failed := 0
	for range 200 {
		if code(h.call("DescribeAvailabilityZones")) == 6200 {
			failed++
		}
	}
	// Seeded: the same count on every run; about 30% of 200.
	assert.InDelta(t, 60, failed, 25)
	assert.Equal(t, 0, code(h.call("DescribeProductRegionList")), "other actions unaffected")
	h.emu.ClearFaults()
	assert.Equal(t, 0, code(h.call("DescribeAvailabilityZones")))

	h.emu.InjectFault("*", Fault{Delay: 30 * time.Millisecond, Times: 1})
	start := time.Now()
	assert.Equal(t, 0, code(h.call("DescribeAvailabilityZones")))
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
}

// TestFiftyThousandFormParameters (round 3, finding 16): the API takes a
// POST of 50,000 parameters (Tencent's legacy Node SDK asserts code 0 for
// that against the live API), past the standard library's 10,000 per parsed
// query; the body-size cap still holds.
func TestFiftyThousandFormParameters(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	p := url.Values{"Action": {"DescribeAvailabilityZones"}}
	for i := range 50000 {
		p.Set("extra"+strconv.Itoa(i), strconv.Itoa(i))
	}
	status, out := h.send(wire{params: p})
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, 0, code(out), "%v", out["message"])

	// Tampering with the last of them breaks the signature: every one was
	// read and signed over.
	p.Set("Timestamp", strconv.FormatInt(time.Now().Unix(), 10))
	p.Set("Nonce", "777")
	p.Set("SecretId", tid)
	p.Set("Region", "gz")
	p.Set("Signature", spectest.Sign("POST", strings.TrimPrefix(h.srv.URL, "http://"), "/v2/index.php", p, tkey))
	p.Set("extra49999", "tampered")
	_, out = h.send(wire{params: p, raw: true})
	assert.Equal(t, 41, code(out)/100, "a bad signature: %v", out)
}
