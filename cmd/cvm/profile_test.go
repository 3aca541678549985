package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// TestProfileChoosesTheAccount: two profiles of the credentials file hold
// different keys, and the emulator knows only prod's. --profile prod (and
// TENCENTCLOUD_PROFILE=prod) signs with prod's keys; --profile default
// with default's, which the emulator refuses; a profile defined nowhere
// is exit 2 naming it and where it was looked for, with nothing sent.
func TestProfileChoosesTheAccount(t *testing.T) {
	home := t.TempDir()
	for _, n := range []string{cvm.EnvSecretID, cvm.EnvSecretKey, cvm.EnvToken, cvm.EnvSessionToken, cvm.EnvSecurityToken,
		cvm.EnvProfile, cvm.EnvTCCLIProfile, cvm.EnvCredentialsFile, cvm.EnvSharedCredsDir, cvm.EnvRegion, cvm.EnvCVMAPI, cvm.EnvAPIEndpoint} {
		t.Setenv(n, "")
	}
	t.Setenv("HOME", home)
	t.Setenv(cvm.EnvMetadataDisabled, "true")
	creds := filepath.Join(home, ".tencentcloud", "credentials")
	require.NoError(t, os.MkdirAll(filepath.Dir(creds), 0o700))
	require.NoError(t, os.WriteFile(creds, []byte("[default]\nsecret_id = AKIDdefault0001\nsecret_key = defaultkey\n\n"+
		"[prod]\nsecret_id = AKIDprod00000001\nsecret_key = prodkey\nregion = gz\n"), 0o600))
	srv := cvmtest.NewServer(cvmtest.WithCredentials("AKIDprod00000001", "prodkey"), cvmtest.WithInstances(2))
	defer srv.Close()

	run1 := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"--endpoint", srv.Endpoint()}, args...),
			streams{in: strings.NewReader(""), out: &out, err: &errb})
		return out.String(), errb.String(), code
	}
	out, errOut, code := run1("--profile", "prod", "instances", "list", "-o", "json", "--query", "length(@)")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "2\n", out)

	_, errOut, code = run1("--profile", "default", "instances", "list")
	assert.Equal(t, exitError, code, "default's keys are another account's: %s", errOut)
	assert.Contains(t, errOut, "AuthFailure")

	srv.ClearRequests()
	_, errOut, code = run1("--profile", "prdo", "instances", "list")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `profile "prdo"`)
	assert.Contains(t, errOut, creds)
	assert.Contains(t, errOut, filepath.Join(home, ".tccli", "prdo.credential"))
	assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
	assert.Empty(t, srv.Requests(""), "nothing was sent")

	t.Setenv(cvm.EnvProfile, "prod")
	_, errOut, code = run1("instances", "list")
	assert.Equal(t, exitOK, code, errOut)
	t.Setenv(cvm.EnvProfile, "nowhere")
	_, errOut, code = run1("instances", "list")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `profile "nowhere"`)
}
