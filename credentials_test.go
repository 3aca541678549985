package cvm_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// cleanEnv empties every variable the providers read and gives the test a
// home of its own, so that nothing of the machine's leaks in. The metadata
// service points at a closed port: "not on CVM".
func cleanEnv(t *testing.T) string {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, k := range []string{cvm.EnvSecretID, cvm.EnvSecretKey, cvm.EnvToken, cvm.EnvSecurityToken, cvm.EnvSessionToken,
		cvm.EnvRegion, cvm.EnvCredentialsFile, cvm.EnvTCCLIProfile, cvm.EnvProfile, cvm.EnvSharedCredsDir,
		cvm.EnvMetadataDisabled, cvm.EnvRoleArn, cvm.EnvRoleSessionName, cvm.EnvAPIEndpoint} {
		t.Setenv(k, "")
	}
	t.Setenv(cvm.EnvMetadataEndpoint, "http://"+closedPort(t))
	return home
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func write(t *testing.T, path, content string) {
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
}

func retrieve(t *testing.T, p cvm.CredentialsProvider) (cvm.Credentials, error) {
	t.Helper()
	return p.Retrieve(context.Background())
}

// TestRefreshAcrossExpiry: 1,000 goroutines call through one client whose
// credentials come from the emulator's instance role (keys that last ten
// minutes), for an hour of fake time under testing/synctest: every call
// succeeds, across five expiries, and the keys were refreshed once each
// time however many goroutines asked.
func TestRefreshAcrossExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := cvmtest.NewServer(cvmtest.WithoutNetwork(), cvmtest.WithoutQuotas(), cvmtest.WithRole("CVMRole", 10*time.Minute))
		defer srv.Close()
		var fetches atomic.Int64
		meta := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if !strings.HasSuffix(r.URL.Path, "/") {
				fetches.Add(1)
			}
			return srv.Transport().RoundTrip(r)
		})}
		role := cvm.InstanceRoleCredentials(cvm.InstanceRoleOptions{Endpoint: srv.MetadataEndpoint(), HTTPClient: meta})
		c, err := cvm.NewClient(cvm.Config{Credentials: role, Region: "gz", Endpoint: srv.Endpoint(),
			HTTPClient: &http.Client{Transport: srv.Transport()}, RateLimit: cvm.RateLimit{Disabled: true}})
		require.NoError(t, err)
		ctx := context.Background()
		var ok, failed atomic.Int64
		var firstErr error
		var mu sync.Mutex
		var wg sync.WaitGroup
		for g := range 1000 {
			wg.Go(func() {
				for i := range 6 {
					// Spread the calls over the hour.
					time.Sleep(time.Duration(g%60)*time.Second + time.Duration(i)*10*time.Minute)
					if _, _, err := c.Zones.List(ctx); err != nil {
						failed.Add(1)
						mu.Lock()
						if firstErr == nil {
							firstErr = err
						}
						mu.Unlock()
						continue
					}
					ok.Add(1)
				}
			})
		}
		wg.Wait()
		assert.Zero(t, failed.Load(), "first error: %v", firstErr)
		assert.Equal(t, int64(6000), ok.Load())
		n := fetches.Load()
		t.Logf("6,000 calls over an hour of 10-minute keys: %d fetches of the credentials", n)
		assert.GreaterOrEqual(t, n, int64(6), "refreshed before each expiry")
		assert.LessOrEqual(t, n, int64(30), "once per refresh, not once per goroutine")
	})
}

func TestNewClientCredentialsChoice(t *testing.T) {
	t.Parallel()
	_, err := cvm.NewClient(cvm.Config{SecretID: "AKIDx", SecretKey: cvm.NewSecret("k"),
		Credentials: cvm.StaticCredentials("AKIDy", "k", ""), Region: "gz"})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "both static keys and a provider")
	_, err = cvm.NewClient(cvm.Config{Region: "gz"})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "neither")
	failing := cvm.CredentialsProviderFunc(func(ctx context.Context) (cvm.Credentials, error) {
		return cvm.Credentials{}, errors.New("vault sealed")
	})
	c, err := cvm.NewClient(cvm.Config{Credentials: failing, Region: "gz"})
	require.NoError(t, err)
	err = c.Do(context.Background(), "cvm", "DescribeInstances", nil, nil)
	var re *cvm.RequestError
	require.ErrorAs(t, err, &re, "a provider's failure ends the call before anything is sent")
	assert.Contains(t, err.Error(), "vault sealed")
}
