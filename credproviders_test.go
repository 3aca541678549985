package cvm_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnvCredentials(t *testing.T) {
	cleanEnv(t)
	p := cvm.EnvCredentials()
	_, err := retrieve(t, p)
	assert.ErrorIs(t, err, cvm.ErrNoCredentials, "nothing set: not configured")

	t.Setenv(cvm.EnvSecretID, "AKIDenv")
	_, err = retrieve(t, p)
	var ce *cvm.CredentialsError
	require.ErrorAs(t, err, &ce, "half a pair is broken, not skipped")
	assert.NotErrorIs(t, err, cvm.ErrNoCredentials)
	assert.Contains(t, err.Error(), cvm.EnvSecretKey)

	t.Setenv(cvm.EnvSecretKey, "envkey")
	c, err := retrieve(t, p)
	require.NoError(t, err)
	assert.Equal(t, "AKIDenv", c.SecretID)
	assert.True(t, c.Token.IsZero())
	// The token: TENCENTCLOUD_TOKEN, then _SECURITY_TOKEN, then _SESSION_TOKEN.
	t.Setenv(cvm.EnvSessionToken, "session")
	c, _ = retrieve(t, p)
	assert.Equal(t, "session", c.Token.Reveal())
	t.Setenv(cvm.EnvSecurityToken, "security")
	c, _ = retrieve(t, p)
	assert.Equal(t, "security", c.Token.Reveal())
	t.Setenv(cvm.EnvToken, "token")
	c, _ = retrieve(t, p)
	assert.Equal(t, "token", c.Token.Reveal())
}

// TestConfigFromEnvFindings covers what was wrong before: a half-set pair
// that silently fell back to the file (or gave an error naming nothing),
// the environment's token combined with the file's key, and malformed files
// whose errors quoted the secret line.
func TestConfigFromEnvFindings(t *testing.T) {
	home := cleanEnv(t)
	write(t, filepath.Join(home, ".tencentcloud", "credentials"), "[default]\nsecret_id = AKIDfile\nsecret_key = FILEKEY-must-not-leak\n")

	t.Setenv(cvm.EnvSecretID, "AKIDhalf")
	_, err := cvm.ConfigFromEnv()
	require.Error(t, err, "only the id: no fallback to the file")
	assert.Contains(t, err.Error(), cvm.EnvSecretKey)
	assert.Contains(t, err.Error(), "environment")

	t.Setenv(cvm.EnvSessionToken, "envtoken")
	_, err = cvm.ConfigFromEnv()
	require.Error(t, err, "id and token: never combined with the file's key")
	assert.NotErrorIs(t, err, cvm.ErrNoCredentials)

	t.Setenv(cvm.EnvSecretID, "")
	t.Setenv(cvm.EnvSessionToken, "")
	require.NoError(t, os.Remove(filepath.Join(home, ".tencentcloud", "credentials")))
	_, err = cvm.ConfigFromEnv()
	var none *cvm.NoCredentialsError
	require.ErrorAs(t, err, &none, "nothing anywhere")
	assert.ErrorIs(t, err, cvm.ErrNoCredentials)
	require.Len(t, none.Tried, 4, "every source tried: %v", none.Tried)
	for _, want := range []string{cvm.EnvSecretID, ".tencentcloud/credentials", ".tccli/default.credential", "metadata service"} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), "\n")

	const secret = "SECRETLINE-must-not-leak"
	for name, content := range map[string]string{
		"no equals sign":      "[default]\nsecret_id = AKIDbad\n" + secret + "\n",
		"unclosed section":    "[default\nsecret_id = AKIDbad\nsecret_key = " + secret + "\n",
		"no default section":  "[other]\nsecret_id = AKIDbad\nsecret_key = " + secret + "\n",
		"no secret_key":       "[default]\nsecret_id = AKIDbad\nsecret_kye = " + secret + "\n",
		"binary garbage":      "\x00\x01[default]\n" + secret + "\x00\n",
		"key without section": "secret_key = " + secret + "\n[default\n",
	} {
		path := filepath.Join(home, "bad.ini")
		write(t, path, content)
		t.Setenv(cvm.EnvCredentialsFile, path)
		_, err := cvm.ConfigFromEnv()
		var ce *cvm.CredentialsError
		require.ErrorAs(t, err, &ce, name)
		assert.NotContains(t, err.Error(), secret, name)
		assert.NotContains(t, err.Error(), "\n", name)
		assert.Contains(t, err.Error(), path, name)
	}
	t.Setenv(cvm.EnvCredentialsFile, filepath.Join(home, "missing.ini"))
	_, err = cvm.ConfigFromEnv()
	var ce *cvm.CredentialsError
	require.ErrorAs(t, err, &ce, "a named file that is missing is broken")
	assert.Contains(t, err.Error(), "missing.ini")
}

func TestINIFileCredentials(t *testing.T) {
	home := cleanEnv(t)
	write(t, filepath.Join(home, ".tencentcloud", "credentials"),
		"; comment\n[default]\nsecret_id = AKIDfile\nsecret_key = filekey\ntoken = filetoken\nregion = sh\n\n[other]\nsecret_id = nope\n")
	cfg, err := cvm.ConfigFromEnv()
	require.NoError(t, err)
	assert.Equal(t, "sh", cfg.Region, "the file's region")
	c, err := cfg.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "AKIDfile", c.SecretID)
	assert.Equal(t, "filetoken", c.Token.Reveal())
	assert.Contains(t, c.Source, "credentials file")

	t.Setenv(cvm.EnvRegion, "bj")
	cfg, err = cvm.ConfigFromEnv()
	require.NoError(t, err)
	assert.Equal(t, "bj", cfg.Region, "the environment's region wins")

	other := filepath.Join(home, "other.ini")
	write(t, other, "[default]\nsecret_id=AKIDother\nsecret_key=otherkey\n")
	t.Setenv(cvm.EnvCredentialsFile, other)
	c, err = retrieve(t, cvm.INIFileCredentials(""))
	require.NoError(t, err)
	assert.Equal(t, "AKIDother", c.SecretID, "TENCENTCLOUD_CREDENTIALS_FILE first")
}

func TestTCCLICredentials(t *testing.T) {
	home := cleanEnv(t)
	dir := filepath.Join(home, ".tccli")
	write(t, filepath.Join(dir, "default.credential"), `{"secretId":"AKIDtccli","secretKey":"tcclikey"}`)
	write(t, filepath.Join(dir, "default.configure"), `{"_sys_param":{"region":"ap-shanghai","output":"json"}}`)
	write(t, filepath.Join(dir, "work.credential"), `{"secretId":"AKIDwork","secretKey":"workkey","token":"worktoken","expiresAt":4102444800}`)
	write(t, filepath.Join(dir, "other.credential"), `{"secretId":"AKIDother","secretKey":"otherkey"}`)

	cfg, err := cvm.ConfigFromEnv()
	require.NoError(t, err)
	assert.Equal(t, "ap-shanghai", cfg.Region, "from default.configure")
	c, _ := cfg.Credentials.Retrieve(context.Background())
	assert.Equal(t, "AKIDtccli", c.SecretID)

	t.Setenv(cvm.EnvProfile, "other")
	c, err = retrieve(t, cvm.TCCLICredentials("", ""))
	require.NoError(t, err)
	assert.Equal(t, "AKIDother", c.SecretID, "TENCENTCLOUD_PROFILE")
	t.Setenv(cvm.EnvTCCLIProfile, "work")
	c, err = retrieve(t, cvm.TCCLICredentials("", ""))
	require.NoError(t, err)
	assert.Equal(t, "AKIDwork", c.SecretID, "TCCLI_PROFILE before TENCENTCLOUD_PROFILE")
	assert.Equal(t, "worktoken", c.Token.Reveal())
	assert.Equal(t, time.Unix(4102444800, 0), c.Expires)

	t.Setenv(cvm.EnvTCCLIProfile, "absent")
	_, err = retrieve(t, cvm.TCCLICredentials("", ""))
	var ce *cvm.CredentialsError
	assert.ErrorAs(t, err, &ce, "a named profile that is missing is broken")

	moved := filepath.Join(home, "elsewhere")
	write(t, filepath.Join(moved, "absent.credential"), `{"secretId":"AKIDmoved","secretKey":"k"}`)
	t.Setenv(cvm.EnvSharedCredsDir, moved)
	c, err = retrieve(t, cvm.TCCLICredentials("", ""))
	require.NoError(t, err)
	assert.Equal(t, "AKIDmoved", c.SecretID, "TENCENTCLOUD_SHARED_CREDENTIALS_DIR")
}

func TestInstanceRoleCredentials(t *testing.T) {
	cleanEnv(t)
	srv := cvmtest.NewServer(cvmtest.WithRole("CVMRole", 2*time.Hour), cvmtest.WithoutQuotas())
	defer srv.Close()
	t.Setenv(cvm.EnvMetadataEndpoint, srv.MetadataEndpoint())

	c, err := retrieve(t, cvm.InstanceRoleCredentials(cvm.InstanceRoleOptions{}))
	require.NoError(t, err)
	assert.Equal(t, "instance role CVMRole", c.Source)
	assert.False(t, c.Token.IsZero())
	assert.WithinDuration(t, time.Now().Add(2*time.Hour), c.Expires, 5*time.Second)

	// The chain reaches it when nothing else is configured, and a client
	// calls with its keys.
	cfg, err := cvm.ConfigFromEnv()
	require.NoError(t, err)
	cfg.Region, cfg.Endpoint = "gz", srv.Endpoint()
	client, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	_, _, err = client.Zones.List(context.Background())
	require.NoError(t, err)

	_, err = retrieve(t, cvm.InstanceRoleCredentials(cvm.InstanceRoleOptions{Role: "Nobody"}))
	var ce *cvm.CredentialsError
	assert.ErrorAs(t, err, &ce, "a role the service does not know is broken")
	assert.Contains(t, err.Error(), "404")

	t.Setenv(cvm.EnvMetadataDisabled, "true")
	_, err = retrieve(t, cvm.InstanceRoleCredentials(cvm.InstanceRoleOptions{}))
	assert.ErrorIs(t, err, cvm.ErrNoCredentials, "disabled")

	t.Setenv(cvm.EnvMetadataDisabled, "")
	t.Setenv(cvm.EnvMetadataEndpoint, "http://"+closedPort(t))
	_, err = retrieve(t, cvm.InstanceRoleCredentials(cvm.InstanceRoleOptions{}))
	assert.ErrorIs(t, err, cvm.ErrNoCredentials, "off CVM")

	// A metadata answer that is not Success is broken.
	bad := http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			fmt.Fprint(w, "Broken\n")
			return
		}
		fmt.Fprint(w, `{"Code":"Failure","TmpSecretId":"AKIDx","TmpSecretKey":"k","Token":"t","ExpiredTime":1}`)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = bad.Serve(ln) }()
	defer bad.Close()
	_, err = retrieve(t, cvm.InstanceRoleCredentials(cvm.InstanceRoleOptions{Endpoint: "http://" + ln.Addr().String()}))
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "Failure")
	assert.Contains(t, err.Error(), "instance role Broken")
}

func TestAssumeRoleCredentials(t *testing.T) {
	cleanEnv(t)
	srv := cvmtest.NewServer(cvmtest.WithoutQuotas())
	defer srv.Close()
	base := srv.Config()
	source := cvm.StaticCredentials(base.SecretID, base.SecretKey.Reveal(), "")
	req := cvm.AssumeRoleRequest{RoleArn: "qcs::cam::uin/12345678:roleName/deploy", RoleSessionName: "ci-job", DurationSeconds: 3600}
	p, err := cvm.AssumeRoleCredentials(source, req, cvm.Config{Region: "gz", Endpoint: srv.Endpoint()})
	require.NoError(t, err)
	c, err := retrieve(t, p)
	require.NoError(t, err)
	assert.NotEqual(t, base.SecretID, c.SecretID)
	assert.False(t, c.Token.IsZero())
	assert.WithinDuration(t, time.Now().Add(time.Hour), c.Expires, 5*time.Second)
	client, err := cvm.NewClient(cvm.Config{Credentials: p, Region: "gz", Endpoint: srv.Endpoint()})
	require.NoError(t, err)
	_, _, err = client.Zones.List(context.Background())
	require.NoError(t, err, "calls with the role's keys")

	for _, bad := range []cvm.AssumeRoleRequest{
		{RoleArn: req.RoleArn, RoleSessionName: "ci", DurationSeconds: 7201},
		{RoleArn: req.RoleArn, RoleSessionName: "x"},
		{RoleArn: req.RoleArn, RoleSessionName: "has space"},
		{RoleSessionName: "ci"},
	} {
		_, err := cvm.AssumeRoleCredentials(source, bad, cvm.Config{Region: "gz", Endpoint: srv.Endpoint()})
		assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "%+v", bad)
	}

	// From the environment, on the emulator named by TENCENTCLOUD_API_ENDPOINT.
	t.Setenv(cvm.EnvSecretID, base.SecretID)
	t.Setenv(cvm.EnvSecretKey, base.SecretKey.Reveal())
	t.Setenv(cvm.EnvRoleArn, req.RoleArn)
	t.Setenv(cvm.EnvRoleSessionName, "from-env")
	t.Setenv(cvm.EnvAPIEndpoint, srv.Endpoint())
	cfg, err := cvm.ConfigFromEnv()
	require.NoError(t, err)
	assert.Equal(t, srv.Endpoint(), cfg.Endpoint)
	cfg.Region = "gz"
	c, err = cfg.Credentials.Retrieve(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "role "+req.RoleArn, c.Source)
	t.Setenv(cvm.EnvRoleSessionName, "")
	_, err = cvm.ConfigFromEnv()
	assert.Error(t, err, "an ARN without a session name")
}
