package emulator

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm/internal/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLegacyNodeSDK runs Tencent's own legacy Node.js SDK (qcloudapi-sdk
// 0.2.1), unchanged, against the emulator. .ci/run installs it with npm ci
// and sets CVM_REQUIRE_LEGACY_SDK=1; elsewhere the test skips when Node or
// the package is missing.
func TestLegacyNodeSDK(t *testing.T) {
	requireLegacySDK(t)
	h := newHarness(t, func(o *Options) { o.Clock = nil; o.Transition = -1 })
	out := runNode(t, "run.js", h.srv.URL)

	got := map[string]map[string]any{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct {
			Name string         `json:"name"`
			Err  *string        `json:"err"`
			Body map[string]any `json:"body"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line), sc.Text())
		require.Nil(t, line.Err, line.Name)
		got[line.Name] = line.Body
	}
	rec := newFidelity(t, "qcloudapi-sdk (legacy Node.js)", "legacy")
	for _, name := range []string{"zones-post-sha1", "zones-get-sha1", "zones-post-sha256", "zones-get-sha256"} {
		rec.check("DescribeAvailabilityZones", name+": the four zones of gz", code(got[name]) == 0 && got[name]["totalCount"] == float64(4), got[name])
	}
	rec.check("RunInstancesHour", "two instances, with a clientToken", code(got["run"]) == 0 && len(asList(got["run"]["unInstanceIds"])) == 2, got["run"])
	set := asList(got["describe"]["instanceSet"])
	rec.check("DescribeInstances", "both, the UTF-8 name signed raw", got["describe"]["totalCount"] == float64(2) && len(set) == 2 &&
		set[0].(map[string]any)["instanceName"] == "node sdk 实例", got["describe"])
	rec.check("CreateSecurityGroup", "on the dfw module host", code(got["sg"]) == 0, got["sg"])
	rec.check("StopInstances", "one unknown id of three is 5400 with a per-id detail", code(got["stop-bad"]) == 5400, got["stop-bad"])
	rec.check("DescribeAvailabilityZones", "the live test's special parameters verbatim", code(got["special"]) == 0, got["special"])
	for _, name := range []string{"reset-at-post", "reset-at-get", "reset-at-post-sha256"} {
		rec.check("ResetInstancePassword", name+": a password starting with @", code(got[name]) == 0, got[name])
	}
	rec.check("DescribeAvailabilityZones", "a wrong key is 4100 AuthFailure", code(got["bad-key"]) == 4100 && got["bad-key"]["codeDesc"] == "AuthFailure", got["bad-key"])
	rec.check("DescribeAvailabilityZones", "an unknown region is 4000", code(got["bad-region"]) == 4000, got["bad-region"])
}

// TestAdminAPIFromNode: a Node program drives the admin API over plain
// HTTP (reset, fake clock, faults, state out and back in, request log)
// while Tencent's legacy Node SDK makes the API calls.
func TestAdminAPIFromNode(t *testing.T) {
	requireLegacySDK(t)
	// The SDK signs with the wall clock, so the fake one starts there.
	fake := clock.NewFake(time.Now())
	emu := New(Options{Keys: map[string]string{tid: tkey}, Clock: fake, Seed: 7, Transition: 10 * time.Second})
	srv := httptest.NewServer(emu.Admin(AdminOptions{Fake: fake}))
	defer srv.Close()
	out := runNode(t, "admin.js", srv.URL)

	type line struct {
		Name   string         `json:"name"`
		Err    *string        `json:"err"`
		Status int            `json:"status"`
		Body   map[string]any `json:"body"`
	}
	got := map[string]line{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	for sc.Scan() {
		var l line
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), sc.Text())
		require.Nil(t, l.Err, l.Name)
		got[l.Name] = l
	}
	assert.Equal(t, 400, got["seed-bad"].Status, "%v", got["seed-bad"].Body)
	assert.Contains(t, got["seed-bad"].Body["message"], "servers")
	keys, _ := got["keys"].Body["data"].(map[string]any)
	assert.EqualValues(t, 2, keys["totalCount"], "seeded key pairs: %v", got["keys"].Body)
	for _, name := range []string{"health", "reset", "seed", "advance", "fault", "state", "reset-again", "restore", "requests"} {
		assert.Equal(t, 200, got[name].Status, "%s: %v", name, got[name].Body)
	}
	statusOf := func(name string) any {
		set, _ := got[name].Body["instanceSet"].([]any)
		require.Len(t, set, 1, "%s: %v", name, got[name].Body)
		return set[0].(map[string]any)["status"]
	}
	assert.EqualValues(t, 3, statusOf("creating"), "creating until the clock moves")
	assert.EqualValues(t, 2, statusOf("running"))
	assert.Equal(t, 6000, code(got["faulted"].Body))
	assert.Equal(t, "injected by node", got["faulted"].Body["message"])
	assert.Equal(t, 0, code(got["after-fault"].Body))
	assert.EqualValues(t, 0, got["after-reset"].Body["totalCount"])
	assert.EqualValues(t, 1, got["after-restore"].Body["totalCount"])
	reqs := got["requests"].Body["requests"].([]any)
	require.Len(t, reqs, 2, "the log restarted at the last reset: %v", reqs)
	assert.Equal(t, "DescribeInstances", reqs[0].(map[string]any)["action"])
}

// legacyNodeDir holds Tencent's legacy Node SDK and the scripts that drive
// it.
var legacyNodeDir = filepath.Join("testdata", "legacy-node")

// requireLegacySDK skips the test when Node or the SDK is missing, unless
// CVM_REQUIRE_LEGACY_SDK is set (as in CI), where it fails.
func requireLegacySDK(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CVM_REQUIRE_LEGACY_SDK") != "" {
			t.Fatal("node is not installed")
		}
		t.Skip("node is not installed")
	}
	if _, err := os.Stat(filepath.Join(legacyNodeDir, "node_modules", "qcloudapi-sdk")); err != nil {
		if os.Getenv("CVM_REQUIRE_LEGACY_SDK") != "" {
			t.Fatal("qcloudapi-sdk is not installed in " + legacyNodeDir)
		}
		t.Skip("run `npm ci` in " + legacyNodeDir + " to run this test")
	}
}

// runNode runs a script of legacyNodeDir against the server at serverURL
// with the test's key pair, and returns what it printed.
func runNode(t *testing.T, script, serverURL string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", script, strings.TrimPrefix(serverURL, "http://"), tid, tkey)
	cmd.Dir = legacyNodeDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, ctx.Err(), "node %s did not finish", script)
	require.NoError(t, err, stderr.String())
	return out
}
