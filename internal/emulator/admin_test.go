package emulator

import (
	"net/http"
	"net/http/httptest"
	"regexp"
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
	recs := s.Requests()
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
	total, set := page()
	assert.EqualValues(t, 3, total)
	snap := h.emu.Snapshot()

	_, err = h.emu.SeedInstances("gz", 2)
	require.NoError(t, err)
	total, _ = page()
	assert.EqualValues(t, 5, total, "seeding invalidates")

	require.Equal(t, 0, code(h.call("ModifyInstanceAttributes", "Region", "gz", "instanceId", ids[0], "instanceName", "renamed")))
	_, set = page()
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
		id := requestID()
		require.Regexp(t, re, id)
		require.False(t, seen[id])
		seen[id] = true
	}
}
