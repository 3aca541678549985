package cvm

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDefaultChainOffCVMIsOffline (round 3, finding 15): on a machine that
// is not a CVM instance, with nothing configured, ConfigFromEnv makes no
// network call at all, not even a DNS query for the metadata host; with
// TENCENTCLOUD_METADATA_ENDPOINT set it asks that endpoint.
func TestDefaultChainOffCVMIsOffline(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	for _, k := range []string{EnvSecretID, EnvSecretKey, EnvToken, EnvSecurityToken, EnvSessionToken, EnvRegion,
		EnvCredentialsFile, EnvTCCLIProfile, EnvProfile, EnvSharedCredsDir, EnvMetadataDisabled, EnvMetadataEndpoint,
		EnvRoleArn, EnvRoleSessionName, EnvAPIEndpoint} {
		t.Setenv(k, "")
	}
	saved, savedResolver := onCVM, net.DefaultResolver
	t.Cleanup(func() { onCVM, net.DefaultResolver = saved, savedResolver })
	onCVM = func() bool { return false }
	var dials atomic.Int32
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		dials.Add(1)
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.ErrPermission}
	}}

	_, err := ConfigFromEnv()
	require.ErrorIs(t, err, ErrNoCredentials)
	assert.Contains(t, err.Error(), "not a CVM instance")
	assert.Zero(t, dials.Load(), "DNS queries")

	// Forced by the variable: the endpoint is asked (a closed loopback port
	// here), and still no DNS query is needed for an IP address.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	var accepted atomic.Int32
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			conn.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	t.Setenv(EnvMetadataEndpoint, "http://"+addr)
	_, err = ConfigFromEnv()
	require.ErrorIs(t, err, ErrNoCredentials)
	assert.Positive(t, accepted.Load(), "the metadata endpoint was asked")
	assert.Zero(t, dials.Load())
}

// TestIdentityNamesTencent: the DMI and cloud-init files that name
// Tencent make a machine a CVM instance; others, or none, do not.
func TestIdentityNamesTencent(t *testing.T) {
	dir := t.TempDir()
	vendor, cfg := filepath.Join(dir, "sys_vendor"), filepath.Join(dir, "cloud.cfg")
	require.NoError(t, os.WriteFile(vendor, []byte("QEMU\n"), 0o600))
	assert.False(t, identityNamesTencent([]string{vendor, filepath.Join(dir, "missing")}))
	require.NoError(t, os.WriteFile(cfg, []byte("datasource_list: [ TencentCloud ]\n"), 0o600))
	assert.True(t, identityNamesTencent([]string{vendor, cfg}))
	require.NoError(t, os.WriteFile(vendor, []byte("Tencent Cloud\n"), 0o600))
	assert.True(t, identityNamesTencent([]string{vendor}))
}
