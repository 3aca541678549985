package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
)

// admin calls the admin API the way a test in any language would: plain
// HTTP and JSON, no SDK code.
func admin(t *testing.T, endpoint, method, path, body, token string) (int, map[string]any) {
	t.Helper()
	base := strings.TrimSuffix(endpoint, "/v2/index.php")
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out), "%s %s answered %q", method, path, b)
	return resp.StatusCode, out
}

func client(t *testing.T, endpoint, region string) *cvm.Client {
	t.Helper()
	c, err := cvm.NewClient(cvm.Config{SecretID: "AKIDadmin", SecretKey: cvm.NewSecret("adminkey"),
		Region: region, Endpoint: endpoint, Retry: cvm.RetryPolicy{MaxAttempts: 1}})
	require.NoError(t, err)
	return c
}

// TestAdminAPI drives every admin endpoint against a running command:
// seeding by flags, faults, the fake clock, the request log and reset.
func TestAdminAPI(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	endpoint, done := start(t, ctx, "-secret-id", "AKIDadmin", "-secret-key", "adminkey", "-fake-clock", "-transition", "3s",
		"-seed-region", "gz:instances=2,keypairs=deploy|backup,groups=web", "-seed-region", "sh:eips=3,images=base")
	gz, sh := client(t, endpoint, "gz"), client(t, endpoint, "sh")

	st, out := admin(t, endpoint, "GET", "/_emulator/health", "", "")
	require.Equal(t, http.StatusOK, st)
	assert.Equal(t, "ok", out["status"])
	assert.Greater(t, out["actions"], float64(50))

	// Seeded by flags, per region.
	insts, _, err := gz.Instances.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, insts, 2)
	keys, _, err := gz.KeyPairs.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, keys, 2)
	eips, _, err := sh.EIPs.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, eips, 3)
	shInsts, _, err := sh.Instances.List(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, shInsts, "regions are seeded apart")

	// The fake clock: a stop stays in progress until the clock moves.
	_, _, err = gz.Instances.Stop(ctx, insts[0].ID)
	require.NoError(t, err)
	got, _, err := gz.Instances.Get(ctx, insts[0].ID)
	require.NoError(t, err)
	assert.Equal(t, cvm.InstanceStopping, got.Status)
	st, out = admin(t, endpoint, "POST", "/_emulator/clock", `{"advance":"5s"}`, "")
	require.Equal(t, http.StatusOK, st, "%v", out)
	got, _, err = gz.Instances.Get(ctx, insts[0].ID)
	require.NoError(t, err)
	assert.Equal(t, cvm.InstanceStopped, got.Status)

	// A fault for one call of one action, then the action answers again.
	st, out = admin(t, endpoint, "POST", "/_emulator/faults", `{"action":"DescribeKeyPairs","code":9003,"message":"injected","times":1}`, "")
	require.Equal(t, http.StatusOK, st, "%v", out)
	_, _, err = gz.KeyPairs.List(ctx, nil)
	var apiErr *cvm.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 9003, apiErr.Code)
	_, _, err = gz.KeyPairs.List(ctx, nil)
	require.NoError(t, err)

	// Faults for every action until cleared.
	st, _ = admin(t, endpoint, "POST", "/_emulator/faults", `{"action":"*","httpStatus":502,"body":"<html>bad gateway</html>"}`, "")
	require.Equal(t, http.StatusOK, st)
	_, _, err = gz.KeyPairs.List(ctx, nil)
	require.Error(t, err)
	st, _ = admin(t, endpoint, "DELETE", "/_emulator/faults", "", "")
	require.Equal(t, http.StatusOK, st)
	_, _, err = gz.KeyPairs.List(ctx, nil)
	require.NoError(t, err)

	// The request log: every call, with its code, in order, and no secret.
	st, out = admin(t, endpoint, "GET", "/_emulator/requests", "", "")
	require.Equal(t, http.StatusOK, st)
	recs := out["requests"].([]any)
	var actions []string
	var codes []float64
	for _, r := range recs {
		m := r.(map[string]any)
		actions = append(actions, m["action"].(string))
		codes = append(codes, m["code"].(float64))
	}
	assert.Equal(t, []string{"DescribeInstances", "DescribeKeyPairs", "DescribeEip", "DescribeInstances",
		"StopInstances", "DescribeInstances", "DescribeInstances", "DescribeKeyPairs", "DescribeKeyPairs",
		"DescribeKeyPairs", "DescribeKeyPairs"}, actions)
	assert.Equal(t, float64(9003), codes[7])
	assert.Equal(t, float64(0), codes[8])
	assert.Equal(t, "sh", recs[2].(map[string]any)["region"])
	assert.Equal(t, float64(502), recs[9].(map[string]any)["status"])
	raw, _ := json.Marshal(recs)
	assert.NotContains(t, string(raw), "adminkey")
	assert.NotContains(t, string(raw), "Signature")

	// Reset: back to what the flags seeded, the log emptied.
	_, _, err = gz.KeyPairs.Delete(ctx, keys[0].ID)
	require.NoError(t, err)
	st, _ = admin(t, endpoint, "POST", "/_emulator/reset", "", "")
	require.Equal(t, http.StatusOK, st)
	keys, _, err = gz.KeyPairs.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, keys, 2)
	got, _, err = gz.Instances.Get(ctx, insts[0].ID)
	require.NoError(t, err)
	assert.Equal(t, cvm.InstanceRunning, got.Status)
	_, out = admin(t, endpoint, "GET", "/_emulator/requests", "", "")
	assert.Len(t, out["requests"], 2, "the log starts again at reset")

	// Bad requests are refused with the envelope and a reason.
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/_emulator/faults", `{"action":"NoSuchAction","code":1}`},
		{"POST", "/_emulator/faults", `{"code":1}`},
		{"POST", "/_emulator/faults", `{"action":"*","delay":"soon"}`},
		{"POST", "/_emulator/faults", `{"action":"*","probability":2}`},
		{"POST", "/_emulator/faults", `{"action":"*","colour":"red"}`},
		{"POST", "/_emulator/clock", `{"advance":"-1s"}`},
		{"PUT", "/_emulator/state", `{"version":1`},
		{"GET", "/_emulator/nothing", ``},
	} {
		st, out := admin(t, endpoint, c.method, c.path, c.body, "")
		assert.GreaterOrEqual(t, st, 400, "%v", c)
		assert.NotEmpty(t, out["message"], "%v", c)
	}
	cancel()
	<-done
}

// TestAdminStateRoundTrip: GET /_emulator/state into PUT on a second
// emulator makes the second answer as the first.
func TestAdminStateRoundTrip(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, doneA := start(t, ctx, "-secret-id", "AKIDadmin", "-secret-key", "adminkey", "-seed-region", "gz:instances=3,groups=web|db")
	b, doneB := start(t, ctx, "-secret-id", "AKIDadmin", "-secret-key", "adminkey")

	resp, err := http.Get(strings.TrimSuffix(a, "/v2/index.php") + "/_emulator/state")
	require.NoError(t, err)
	snap, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	st, out := admin(t, b, "PUT", "/_emulator/state", string(snap), "")
	require.Equal(t, http.StatusOK, st, "%v", out)

	ia, _, err := client(t, a, "gz").Instances.List(ctx, nil)
	require.NoError(t, err)
	ib, _, err := client(t, b, "gz").Instances.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, ia, ib)
	cancel()
	<-doneA
	<-doneB
}

// TestAdminToken: with -admin-token, the admin API wants exactly that
// bearer token; the API itself is unaffected.
func TestAdminToken(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	endpoint, done := start(t, ctx, "-secret-id", "AKIDadmin", "-secret-key", "adminkey", "-admin-token", "s3cret")
	for _, tok := range []string{"", "wrong", "s3cre", "s3cret2"} {
		st, out := admin(t, endpoint, "POST", "/_emulator/reset", "", tok)
		assert.Equal(t, http.StatusForbidden, st, "token %q", tok)
		assert.NotContains(t, out["message"], "s3cret")
	}
	st, _ := admin(t, endpoint, "POST", "/_emulator/reset", "", "s3cret")
	assert.Equal(t, http.StatusOK, st)
	_, _, err := client(t, endpoint, "gz").Instances.List(ctx, nil)
	assert.NoError(t, err)
	st, out := admin(t, endpoint, "POST", "/_emulator/clock", `{"advance":"1s"}`, "s3cret")
	assert.Equal(t, http.StatusConflict, st, "no fake clock")
	assert.Contains(t, out["message"], "-fake-clock")
	cancel()
	<-done
}

// TestStateSurvivesRestart: with -state, what was created before a stop is
// there after the restart; a corrupt file is refused whole and left alone.
func TestStateSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	args := []string{"-secret-id", "AKIDadmin", "-secret-key", "adminkey", "-state", path}

	ctx, cancel := context.WithCancel(context.Background())
	endpoint, done := start(t, ctx, args...)
	created, _, err := client(t, endpoint, "gz").KeyPairs.Create(ctx, "kept")
	require.NoError(t, err)
	cancel()
	<-done
	_, err = os.Stat(path)
	require.NoError(t, err, "state saved at stop")

	ctx, cancel = context.WithCancel(context.Background())
	endpoint, done = start(t, ctx, args...)
	keys, _, err := client(t, endpoint, "gz").KeyPairs.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.Equal(t, created.ID, keys[0].ID)
	assert.Equal(t, "kept", keys[0].Name)
	cancel()
	<-done

	corrupt := []byte(`{"version":1,"regions":`)
	require.NoError(t, os.WriteFile(path, corrupt, 0o600))
	err = run(context.Background(), append([]string{"-addr", "127.0.0.1:0", "-quiet"}, args...), io.Discard, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a usable snapshot")
	left, _ := os.ReadFile(path)
	assert.True(t, bytes.Equal(corrupt, left), "a refused file is not overwritten")
}

// TestSeedFile seeds from JSON, and refuses unknown fields and regions.
func TestSeedFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "seed.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"regions":{"bj":{"instances":2,"keyPairs":["deploy"],"projects":["backend"]}}}`), 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	endpoint, done := start(t, ctx, "-secret-id", "AKIDadmin", "-secret-key", "adminkey", "-seed-file", good, "-region", "bj")
	c := client(t, endpoint, "bj")
	insts, _, err := c.Instances.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, insts, 2)
	projects, _, err := c.Projects.List(ctx, true)
	require.NoError(t, err)
	var names []string
	for _, p := range projects {
		names = append(names, p.Name)
	}
	assert.Contains(t, names, "backend")
	cancel()
	<-done

	for name, body := range map[string]string{
		"unknown-field.json":  `{"regions":{"gz":{"servers":2}}}`,
		"unknown-region.json": `{"regions":{"atlantis":{"instances":1}}}`,
		"bad-keyname.json":    `{"regions":{"gz":{"keyPairs":["no spaces allowed"]}}}`,
	} {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-quiet", "-seed-file", p}, io.Discard, io.Discard)
		assert.Error(t, err, name)
	}
	err = run(context.Background(), []string{"-addr", "127.0.0.1:0", "-quiet", "-seed-file", filepath.Join(dir, "missing.json")}, io.Discard, io.Discard)
	assert.True(t, errors.Is(err, os.ErrNotExist), "%v", err)
}
