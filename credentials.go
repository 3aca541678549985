package cvm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/ini.v1"
)

// Environment variables read by [ConfigFromEnv]. They are the ones Tencent's
// own SDKs and tools read.
const (
	EnvSecretID        = "TENCENTCLOUD_SECRET_ID"
	EnvSecretKey       = "TENCENTCLOUD_SECRET_KEY"
	EnvSessionToken    = "TENCENTCLOUD_SESSION_TOKEN"
	EnvRegion          = "TENCENTCLOUD_REGION"
	EnvCredentialsFile = "TENCENTCLOUD_CREDENTIALS_FILE"
)

// ErrNoCredentials is returned by [ConfigFromEnv] when neither the
// environment nor the profile file holds a key pair.
var ErrNoCredentials = errors.New("cvm: no credentials in the environment or the profile file")

// ConfigFromEnv returns a Config with credentials and region from the
// environment, falling back to the profile file that Tencent's tools use.
//
// SecretID and SecretKey come from TENCENTCLOUD_SECRET_ID and
// TENCENTCLOUD_SECRET_KEY, with TENCENTCLOUD_SESSION_TOKEN for temporary
// credentials. When those are unset, they come from the [default] section of
// the INI file named by TENCENTCLOUD_CREDENTIALS_FILE, or else
// ~/.tencentcloud/credentials (keys secret_id, secret_key, and optionally
// token and region). The region comes from TENCENTCLOUD_REGION, else the
// file. The other fields are left zero for the caller to fill.
//
// It returns [ErrNoCredentials] (wrapped) when no key pair is found, and an
// error naming the file when the file exists but cannot be read.
func ConfigFromEnv() (Config, error) {
	cfg := Config{
		SecretID:  os.Getenv(EnvSecretID),
		SecretKey: os.Getenv(EnvSecretKey),
		Token:     os.Getenv(EnvSessionToken),
		Region:    os.Getenv(EnvRegion),
	}
	if cfg.SecretID != "" && cfg.SecretKey != "" {
		return cfg, nil
	}
	path, explicit := os.Getenv(EnvCredentialsFile), true
	if path == "" {
		explicit = false
		home, err := os.UserHomeDir()
		if err != nil {
			return cfg, fmt.Errorf("%w (no home directory: %v)", ErrNoCredentials, err)
		}
		path = filepath.Join(home, ".tencentcloud", "credentials")
	}
	f, err := ini.Load(path)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return cfg, ErrNoCredentials
		}
		return cfg, fmt.Errorf("cvm: reading credentials file %s: %w", path, err)
	}
	sec := f.Section("default")
	cfg.SecretID = sec.Key("secret_id").String()
	cfg.SecretKey = sec.Key("secret_key").String()
	if cfg.Token == "" {
		cfg.Token = sec.Key("token").String()
	}
	if cfg.Region == "" {
		cfg.Region = sec.Key("region").String()
	}
	if cfg.SecretID == "" || cfg.SecretKey == "" {
		return cfg, fmt.Errorf("%w (%s has no secret_id and secret_key in [default])", ErrNoCredentials, path)
	}
	return cfg, nil
}
