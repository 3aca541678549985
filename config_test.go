package cvm

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewClientValidation(t *testing.T) {
	t.Parallel()
	good := Config{SecretID: "AKID1", SecretKey: NewSecret("k"), Region: "gz"}
	tests := []struct {
		name    string
		mod     func(*Config)
		wantArg string
	}{
		{"missing id", func(c *Config) { c.SecretID = "" }, "Config.SecretID"},
		{"missing key", func(c *Config) { c.SecretKey = Secret{} }, "Config.SecretKey"},
		{"id with space", func(c *Config) { c.SecretID = "AK ID" }, "Config.SecretID"},
		{"missing region", func(c *Config) { c.Region = "" }, "Config.Region"},
		{"unknown region", func(c *Config) { c.Region = "mars-1" }, "Config.Region"},
		{"unknown method", func(c *Config) { c.HTTPMethod = "PUT" }, "Config.HTTPMethod"},
		{"unknown signature", func(c *Config) { c.SignatureMethod = "HmacMD5" }, "Config.SignatureMethod"},
		{"negative attempts", func(c *Config) { c.MaxAttempts = -1 }, "Config.MaxAttempts"},
		{"negative quota", func(c *Config) { c.RateLimit.Global = -5 }, "Config.RateLimit.Global"},
		{"endpoint not a URL", func(c *Config) { c.Endpoint = "://x" }, "Config.Endpoint"},
		{"endpoint without scheme", func(c *Config) { c.Endpoint = "cvm.api.qcloud.com/v2/index.php" }, "Config.Endpoint"},
		{"endpoint ftp", func(c *Config) { c.Endpoint = "ftp://h/v2/index.php" }, "Config.Endpoint"},
		{"endpoint without host", func(c *Config) { c.Endpoint = "https:///v2/index.php" }, "Config.Endpoint"},
		{"endpoint with query", func(c *Config) { c.Endpoint = "https://h/v2/index.php?a=1" }, "Config.Endpoint"},
		{"endpoint with user", func(c *Config) { c.Endpoint = "https://u:p@h/v2/index.php" }, "Config.Endpoint"},
		{"endpoint bad port", func(c *Config) { c.Endpoint = "https://h:99999/v2/index.php" }, "Config.Endpoint"},
		{"plain http to a remote host", func(c *Config) { c.Endpoint = "http://cvm.example.com/v2/index.php" }, "Config.Endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.mod(&cfg)
			c, err := NewClient(cfg)
			assert.Nil(t, c)
			var argErr *ArgError
			require.ErrorAs(t, err, &argErr)
			assert.Equal(t, tt.wantArg, argErr.Arg)
			assert.NotContains(t, err.Error(), "\n")
		})
	}

	for _, ok := range []func(*Config){
		func(c *Config) { c.Region = "ap-guangzhou" },
		func(c *Config) { c.Region = "AP-Shanghai" },
		func(c *Config) { c.HTTPMethod = "get" },
		func(c *Config) { c.Endpoint = "http://127.0.0.1:9191/v2/index.php" },
		func(c *Config) { c.Endpoint = "http://localhost:9191/v2/index.php" },
		func(c *Config) { c.Endpoint = "http://[::1]:9191/v2/index.php" },
		func(c *Config) { c.Endpoint = "http://cvm.example.com/v2/index.php"; c.AllowInsecureHTTP = true },
		func(c *Config) { c.Endpoint = "https://proxy.example.com" },
	} {
		cfg := good
		ok(&cfg)
		_, err := NewClient(cfg)
		assert.NoError(t, err, "%+v", cfg)
	}
}

func TestNewClientDefaults(t *testing.T) {
	t.Parallel()
	c, err := NewClient(Config{SecretID: "AKIDdefaults", SecretKey: NewSecret("k"), Region: "ap-guangzhou"})
	require.NoError(t, err)
	assert.Equal(t, "gz", c.Region().Short)
	assert.Equal(t, "POST", c.cfg.HTTPMethod)
	assert.Equal(t, "HmacSHA256", c.cfg.SignatureMethod)
	assert.Equal(t, 3, c.cfg.MaxAttempts)
	tr := c.hc.Transport.(*http.Transport)
	assert.GreaterOrEqual(t, tr.TLSClientConfig.MinVersion, uint16(0x0303), "TLS 1.2 at least")
	assert.False(t, tr.TLSClientConfig.InsecureSkipVerify)
	assert.NotNil(t, c.hc.CheckRedirect)
	ep, err := NewClient(Config{SecretID: "AKIDdefaults", SecretKey: NewSecret("k"), Region: "gz", Endpoint: "https://proxy.example.com"})
	require.NoError(t, err)
	assert.Equal(t, "/v2/index.php", ep.endpoint.Path)
}

// TestSecretsNeverPrinted covers Config and Client under every common verb.
func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	cfg := Config{SecretID: "AKIDvisible", SecretKey: NewSecret(testSecretKey), Token: NewSecret(testToken), Region: "gz"}
	c, err := NewClient(cfg)
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, v := range []any{cfg, &cfg, c, *c, []Config{cfg}, map[string]any{"c": c}} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, testSecretKey, "%s of %T", verb, v)
			assert.NotContains(t, out, testToken, "%s of %T", verb, v)
		}
	}
	assert.Contains(t, fmt.Sprintf("%+v", cfg), "AKIDvisible")
	assert.Contains(t, fmt.Sprintf("%+v", cfg), "SecretKey:REDACTED")
	assert.Contains(t, fmt.Sprintf("%#v", cfg), `cvm.Config{SecretID:"AKIDvisible", SecretKey:"REDACTED"`)
	assert.Equal(t, "cvm.Client{SecretID: AKIDvisible, Region: gz, Endpoint: https://<module>.api.qcloud.com/v2/index.php}", c.String())
}

// TestLogging: one Debug line per attempt, a Warn per retry, no secrets, and
// no secret in an error either, even for GET whose URL carries them.
func TestLogging(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mt := setup(t, func(cfg *Config) {
		cfg.Logger = logger
		cfg.Token = NewSecret(testToken)
		cfg.HTTPMethod = "GET"
	})
	rec := answer(t, mt, "GET", `=~^https://cvm`, `{"code":4400,"message":"slow down"}`, `{"code":0}`)
	require.NoError(t, c.Do(context.Background(), "cvm", "DescribeInstances", nil, nil))
	out := buf.String()
	assert.Equal(t, 2, bytes.Count(buf.Bytes(), []byte("level=DEBUG")), out)
	assert.Equal(t, 1, bytes.Count(buf.Bytes(), []byte("level=WARN")), out)
	assert.Contains(t, out, "action=DescribeInstances module=cvm attempt=1")
	assert.Contains(t, out, "code=4400")
	sig := rec.requests()[0].Params.Get("Signature")
	for _, secret := range []string{testSecretKey, testToken, sig} {
		assert.NotContains(t, out, secret)
	}
}

func TestTransportErrorHidesSignedURL(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, func(cfg *Config) {
		cfg.HTTPMethod = "GET"
		cfg.Token = NewSecret(testToken)
		cfg.MaxAttempts = 1
	})
	var sig string
	mt.RegisterResponder("GET", `=~^https://cvm`, func(req *http.Request) (*http.Response, error) {
		sig = req.URL.Query().Get("Signature")
		return nil, fmt.Errorf("connection refused")
	})
	err := c.Do(context.Background(), "cvm", "DescribeInstances", nil, nil)
	require.Error(t, err)
	require.NotEmpty(t, sig)
	assert.NotContains(t, err.Error(), sig)
	assert.NotContains(t, err.Error(), testToken)
	assert.NotContains(t, err.Error(), "SecretId")
	assert.Contains(t, err.Error(), "https://cvm.api.qcloud.com/v2/index.php")
}
