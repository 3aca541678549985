package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAdminRefusesRemoteClients: without a token only loopback clients are
// served; with one, the address does not matter but the token must match.
func TestAdminRefusesRemoteClients(t *testing.T) {
	s := New(Options{})
	for _, c := range []struct {
		token, remote, auth string
		want                int
	}{
		{"", "192.0.2.1:1234", "", http.StatusForbidden},
		{"", "[2001:db8::1]:1234", "", http.StatusForbidden},
		{"", "10.0.0.1:80", "Bearer anything", http.StatusForbidden},
		{"", "not an address", "", http.StatusForbidden},
		{"", "127.0.0.1:5555", "", http.StatusOK},
		{"", "[::1]:5555", "", http.StatusOK},
		{"tok", "127.0.0.1:5555", "", http.StatusForbidden},
		{"tok", "192.0.2.1:1234", "Bearer tok", http.StatusOK},
		{"tok", "192.0.2.1:1234", "bearer tok", http.StatusForbidden},
		{"tok", "192.0.2.1:1234", "Bearer tokx", http.StatusForbidden},
	} {
		h := s.Admin(AdminOptions{Token: c.token})
		r := httptest.NewRequest("GET", "/_emulator/health", nil)
		r.RemoteAddr = c.remote
		r.Host = "127.0.0.1:9191"
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		assert.Equal(t, c.want, w.Code, "%+v", c)
	}
}

// TestRequestLogIsBounded keeps the last requestLogSize calls, oldest
// first.
func TestRequestLogIsBounded(t *testing.T) {
	var l requestLog
	for i := range requestLogSize + 10 {
		l.add(RequestRecord{Code: i})
	}
	got := l.list()
	assert.Len(t, got, requestLogSize)
	assert.Equal(t, 10, got[0].Code)
	assert.Equal(t, requestLogSize+9, got[len(got)-1].Code)
	l.clear()
	assert.Empty(t, l.list())
}

// TestRequestLogKeepsNoLargeValues: a megabyte action name is logged cut
// short, so a thousand such calls cannot hold a gigabyte.
func TestRequestLogKeepsNoLargeValues(t *testing.T) {
	s := New(Options{})
	r := httptest.NewRequest("POST", Path, strings.NewReader("Action="+strings.Repeat("A", 1<<20)+"&Region="+strings.Repeat("r", 1<<20)))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	recs := s.Requests(RequestFilter{})
	require.Len(t, recs, 1)
	assert.LessOrEqual(t, len(recs[0].Action), 70)
	assert.LessOrEqual(t, len(recs[0].Region), 70)
}

// TestCachedPagesFollowChanges: an unfiltered page is answered from a
// cache, which every change must invalidate: seeding, an API change, a
// transition completing on the clock, a restore.
func TestCachedPagesFollowChanges(t *testing.T) {
	h := newHarness(t, nil)
	ids, err := h.emu.SeedInstances("gz", 3)
	require.NoError(t, err)
	page := func() (float64, []any) {
		t.Helper()
		out := h.call("DescribeInstances", "Region", "gz", "limit", "2")
		require.Equal(t, 0, code(out), "%v", out)
		return out["totalCount"].(float64), out["instanceSet"].([]any)
	}
	field := func(set []any, i int, k string) any { return set[i].(map[string]any)[k] }
	total, _ := page()
	assert.EqualValues(t, 3, total)
	snap := h.emu.Snapshot()

	_, err = h.emu.SeedInstances("gz", 2)
	require.NoError(t, err)
	total, _ = page()
	assert.EqualValues(t, 5, total, "seeding invalidates")

	require.Equal(t, 0, code(h.call("ModifyInstanceAttributes", "Region", "gz", "instanceId", ids[0], "instanceName", "renamed")))
	_, set := page()
	assert.Equal(t, "renamed", field(set, 0, "instanceName"), "an API change invalidates")

	require.Equal(t, 0, code(h.call("StopInstances", "Region", "gz", "instanceIds.0", ids[1])))
	_, set = page()
	assert.EqualValues(t, 9, field(set, 1, "status"), "stopping")
	h.fake.Advance(time.Minute)
	_, set = page()
	assert.EqualValues(t, 4, field(set, 1, "status"), "a transition completing invalidates")

	require.NoError(t, h.emu.Restore(snap))
	total, set = page()
	assert.EqualValues(t, 3, total, "a restore invalidates")
	assert.NotEqual(t, "renamed", field(set, 0, "instanceName"))
}

// TestRequestIDIsAUUID: the X-Request-Id is a version-4 UUID, distinct per
// answer.
func TestRequestIDIsAUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := (&Server{}).newRequestID()
		require.Regexp(t, re, id)
		require.False(t, seen[id])
		seen[id] = true
	}
}

// adminDo sends one admin request from loopback, as the listener's own
// name, with the headers given.
func adminDo(t *testing.T, h http.Handler, method, path, body string, headers map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.RemoteAddr, r.Host = "127.0.0.1:5555", "127.0.0.1:9191"
	if method != http.MethodGet {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		if k == "Host" {
			r.Host = v
			continue
		}
		if v == "" {
			r.Header.Del(k)
		} else {
			r.Header.Set(k, v)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestAdminRefusesWebPages (round 3, finding 10): a web page open on the
// developer's machine can neither write (a cross-site form or fetch) nor
// read (DNS rebinding, under a name of its own) the admin API; a test or a
// tool, on loopback with JSON, can. With -admin-token any name is served.
func TestAdminRefusesWebPages(t *testing.T) {
	s := New(Options{})
	h := s.Admin(AdminOptions{})
	for _, c := range []struct {
		name    string
		method  string
		path    string
		headers map[string]string
		want    int
	}{
		{"a tool reads", "GET", "/_emulator/state", nil, http.StatusOK},
		{"a tool writes JSON", "POST", "/_emulator/reset", nil, http.StatusOK},
		{"localhost by name", "GET", "/_emulator/health", map[string]string{"Host": "localhost:9191"}, http.StatusOK},
		{"IPv6 loopback", "GET", "/_emulator/health", map[string]string{"Host": "[::1]:9191"}, http.StatusOK},
		{"same origin", "POST", "/_emulator/reset", map[string]string{"Origin": "http://127.0.0.1:9191", "Sec-Fetch-Site": "same-origin"}, http.StatusOK},
		{"a cross-site form", "POST", "/_emulator/reset", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"a cross-site fetch without Origin", "POST", "/_emulator/faults", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"a same-site page", "POST", "/_emulator/reset", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"another origin", "POST", "/_emulator/seed", map[string]string{"Origin": "http://localhost:3000"}, http.StatusForbidden},
		{"a text/plain write", "POST", "/_emulator/reset", map[string]string{"Content-Type": "text/plain;charset=UTF-8"}, http.StatusForbidden},
		{"a write with no type", "DELETE", "/_emulator/faults", map[string]string{"Content-Type": ""}, http.StatusForbidden},
		{"DNS rebinding reads the state", "GET", "/_emulator/state", map[string]string{"Host": "rebind.evil.example:9191"}, http.StatusForbidden},
		{"a private name", "GET", "/_emulator/requests", map[string]string{"Host": "my-laptop.local:9191"}, http.StatusForbidden},
	} {
		w := adminDo(t, h, c.method, c.path, "", c.headers)
		assert.Equal(t, c.want, w.Code, "%s: %s", c.name, w.Body.String())
		if c.want == http.StatusForbidden {
			assert.Contains(t, w.Header().Get("Content-Type"), "application/json", c.name)
		}
	}
	// With a token, any name is served (the token is the guard), and still
	// no cross-site write.
	tok := s.Admin(AdminOptions{Token: "t0k"})
	w := adminDo(t, tok, "GET", "/_emulator/health", "", map[string]string{"Host": "emulator.ci.internal:9191", "Authorization": "Bearer t0k"})
	assert.Equal(t, http.StatusOK, w.Code)
	w = adminDo(t, tok, "POST", "/_emulator/reset", "", map[string]string{"Authorization": "Bearer t0k", "Sec-Fetch-Site": "cross-site"})
	assert.Equal(t, http.StatusForbidden, w.Code)
}

// TestFaultFieldsAreValidated (round 3, finding 11): a fault the emulator
// could not answer as asked is refused with a JSON error; valid ones are
// taken.
func TestFaultFieldsAreValidated(t *testing.T) {
	h := New(Options{}).Admin(AdminOptions{})
	for _, body := range []string{
		`{"action":"StopInstances","httpStatus":42}`,
		`{"action":"StopInstances","httpStatus":1000}`,
		`{"action":"StopInstances","httpStatus":-1}`,
		`{"action":"StopInstances","httpStatus":101}`,
		`{"action":"StopInstances","code":42}`,
		`{"action":"StopInstances","code":-1}`,
		`{"action":"StopInstances","code":1000000}`,
		`{"action":"StopInstances","probability":1.5}`,
		`{"action":"StopInstances","times":-1}`,
		`{"action":"StopInstances","httpStatus":502,"code":6000}`,
		`{"action":"NoSuchAction","code":6000}`,
	} {
		w := adminDo(t, h, "POST", "/_emulator/faults", body, nil)
		assert.Equal(t, http.StatusBadRequest, w.Code, body)
		assert.Contains(t, w.Body.String(), `"code":4000`, body)
	}
	for _, body := range []string{
		`{"action":"StopInstances","httpStatus":502,"body":"<html>bad gateway</html>"}`,
		`{"action":"StopInstances","httpStatus":200,"body":"not json"}`,
		`{"action":"StopInstances","code":6200,"times":1}`,
		`{"action":"*","code":9003}`,
		`{"action":"StopInstances","drop":true,"probability":0.5}`,
	} {
		w := adminDo(t, h, "POST", "/_emulator/faults", body, nil)
		assert.Equal(t, http.StatusOK, w.Code, "%s: %s", body, w.Body.String())
	}
}

// TestSeedIsBounded (round 3, finding 9): a small request for a huge seed
// is refused at once, before anything is allocated or added; a region
// cannot be seeded past its cap; seeds within the caps work.
func TestSeedIsBounded(t *testing.T) {
	s := New(Options{})
	h := s.Admin(AdminOptions{})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, body := range []string{
		`{"regions":{"gz":{"instances":100000000}}}`,
		`{"regions":{"gz":{"instances":60000,"eips":60000}}}`,
		`{"regions":{"gz":{"instances":50000},"sh":{"instances":50001}}}`,
		`{"regions":{"gz":{"instances":9223372036854775807,"eips":9223372036854775807}}}`,
		`{"regions":{"gz":{"instances":-1}}}`,
	} {
		w := adminDo(t, h, "POST", "/_emulator/seed", body, nil)
		assert.Equal(t, http.StatusBadRequest, w.Code, body)
		assert.Contains(t, w.Body.String(), `"code":4000`, body)
	}
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated by refused seeds")
	insts, err := s.Instances("gz")
	require.NoError(t, err)
	assert.Empty(t, insts, "nothing added")

	w := adminDo(t, h, "POST", "/_emulator/seed", `{"regions":{"gz":{"instances":3,"eips":1}}}`, nil)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	insts, err = s.Instances("gz")
	require.NoError(t, err)
	assert.Len(t, insts, 3)

	// The region cap holds for seeds from Go and flags too, before anything
	// is added.
	_, err = s.ApplySeed(Seed{Regions: map[string]RegionSeed{"gz": {Instances: MaxRegionResources}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cap")
	insts, err = s.Instances("gz")
	require.NoError(t, err)
	assert.Len(t, insts, 3)
}

// TestRequestLogFilters: the admin API filters the request log by action,
// code and time, clears it, and takes faults aimed at resources.
func TestRequestLogFilters(t *testing.T) {
	hs := newHarness(t, func(o *Options) { o.Transition = -1 })
	h := hs.emu.Admin(AdminOptions{})
	ids, err := hs.emu.SeedInstances("gz", 2)
	require.NoError(t, err)
	w := adminDo(t, h, "POST", "/_emulator/faults", `{"action":"StopInstances","code":6000,"ids":["`+ids[1]+`"]}`, nil)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, 0, code(hs.call("StopInstances", "Region", "gz", "instanceIds.0", ids[0])))
	assert.Equal(t, 6000, code(hs.call("StopInstances", "Region", "gz", "instanceIds.0", ids[1])))
	assert.Equal(t, 0, code(hs.call("DescribeInstances", "Region", "gz")))

	get := func(query string) []map[string]any {
		w := adminDo(t, h, "GET", "/_emulator/requests"+query, "", nil)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		var out struct {
			Requests []map[string]any `json:"requests"`
		}
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &out))
		return out.Requests
	}
	assert.Len(t, get(""), 3)
	stops := get("?action=StopInstances")
	require.Len(t, stops, 2)
	assert.Equal(t, ids[0], stops[0]["params"].(map[string]any)["instanceIds.0"])
	failed := get("?code=6000")
	require.Len(t, failed, 1)
	assert.Equal(t, ids[1], failed[0]["params"].(map[string]any)["instanceIds.0"])
	assert.Len(t, get("?since="+url.QueryEscape(hs.fake.Now().Add(time.Second).UTC().Format(time.RFC3339Nano))), 0)
	assert.Equal(t, http.StatusBadRequest, adminDo(t, h, "GET", "/_emulator/requests?code=x", "", nil).Code)
	require.Equal(t, http.StatusOK, adminDo(t, h, "DELETE", "/_emulator/requests", "", nil).Code)
	assert.Empty(t, get(""))
}

// TestAutoAdvance: with AutoAdvance, a stop is seen stopping once; the
// next describe moves the fake clock to the stop's end, so a waiting
// program needs no one to advance the clock.
func TestAutoAdvance(t *testing.T) {
	hs := newHarness(t, func(o *Options) { o.Transition = time.Hour })
	hs.emu.opts.AutoAdvance = hs.fake.Set
	ids, err := hs.emu.SeedInstances("gz", 1)
	require.NoError(t, err)
	start := hs.fake.Now()
	require.Equal(t, 0, code(hs.call("StopInstances", "Region", "gz", "instanceIds.0", ids[0])))
	status := func() float64 {
		out := hs.call("DescribeInstances", "Region", "gz", "instanceIds.0", ids[0])
		return out["instanceSet"].([]any)[0].(map[string]any)["status"].(float64)
	}
	assert.EqualValues(t, 9, status(), "stopping, seen once")
	assert.EqualValues(t, 4, status(), "stopped: the clock moved to the stop's end")
	assert.Equal(t, time.Hour, hs.fake.Now().Sub(start))
	assert.EqualValues(t, 4, status(), "nothing moving: the clock stays")
	assert.Equal(t, time.Hour, hs.fake.Now().Sub(start))
	// A new transition is seen once too.
	require.Equal(t, 0, code(hs.call("StartInstances", "Region", "gz", "instanceIds.0", ids[0])))
	assert.EqualValues(t, 8, status(), "starting")
	assert.EqualValues(t, 2, status(), "running")
}
