package cvm_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
)

// TestProfileCredentials: two profiles of the credentials file hold
// different keys and a third is tccli's; each name reads its own, and a
// name defined nowhere is an error naming it and where it was looked for,
// never [default] or another source in its place.
func TestProfileCredentials(t *testing.T) {
	home := cleanEnv(t)
	ini := filepath.Join(home, ".tencentcloud", "credentials")
	write(t, ini, "[default]\nsecret_id = AKIDdefault\nsecret_key = defaultkey\nregion = gz\n\n"+
		"[prod]\nsecret_id = AKIDprod\nsecret_key = prodkey\nregion = sh\n")
	tccli := filepath.Join(home, ".tccli")
	write(t, filepath.Join(tccli, "staging.credential"), `{"secretId":"AKIDstaging","secretKey":"stagingkey"}`)
	write(t, filepath.Join(tccli, "staging.configure"), `{"_sys_param":{"region":"ap-beijing"}}`)

	for name, want := range map[string][2]string{
		"default": {"AKIDdefault", "gz"}, "prod": {"AKIDprod", "sh"}, "staging": {"AKIDstaging", "ap-beijing"},
	} {
		cfg, err := cvm.ConfigForProfile(name)
		require.NoError(t, err, name)
		c, err := cfg.Credentials.Retrieve(context.Background())
		require.NoError(t, err)
		assert.Equal(t, want[0], c.SecretID, name)
		assert.Equal(t, want[1], cfg.Region, name)
	}

	_, err := cvm.ConfigForProfile("prdo")
	var ce *cvm.CredentialsError
	require.ErrorAs(t, err, &ce)
	assert.NotErrorIs(t, err, cvm.ErrNoCredentials, "a named profile is never 'not configured'")
	assert.Contains(t, err.Error(), `profile "prdo"`)
	assert.Contains(t, err.Error(), ini+" (no [prdo] section)")
	assert.Contains(t, err.Error(), filepath.Join(tccli, "prdo.credential"))
	assert.NotContains(t, err.Error(), "prodkey")

	// The environment's keys do not replace a profile asked for by name.
	t.Setenv(cvm.EnvSecretID, "AKIDenv")
	t.Setenv(cvm.EnvSecretKey, "envkey")
	cfg, err := cvm.ConfigForProfile("prod")
	require.NoError(t, err)
	c, _ := cfg.Credentials.Retrieve(context.Background())
	assert.Equal(t, "AKIDprod", c.SecretID)
	t.Setenv(cvm.EnvSecretID, "")
	t.Setenv(cvm.EnvSecretKey, "")

	// TENCENTCLOUD_PROFILE names it for ConfigFromEnv: the section, or an
	// error, never [default].
	t.Setenv(cvm.EnvProfile, "prod")
	cfg, err = cvm.ConfigFromEnv()
	require.NoError(t, err)
	c, _ = cfg.Credentials.Retrieve(context.Background())
	assert.Equal(t, "AKIDprod", c.SecretID)
	t.Setenv(cvm.EnvProfile, "nowhere")
	_, err = cvm.ConfigFromEnv()
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), `profile "nowhere"`)

	t.Setenv(cvm.EnvProfile, "")
	for _, bad := range []string{"", "../default", "a\nb"} {
		_, err := cvm.ConfigForProfile(bad)
		assert.ErrorAs(t, err, &ce, "%q", bad)
	}
}
