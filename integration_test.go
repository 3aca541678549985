//go:build integration

package cvm_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
)

// TestIntegrationReadOnly calls the real API, reading only. Run it with
// credentials in the environment (or the profile file):
//
//	go test -tags integration -run Integration .
func TestIntegrationReadOnly(t *testing.T) {
	cfg, err := cvm.ConfigFromEnv()
	if errors.Is(err, cvm.ErrNoCredentials) {
		t.Skip("no credentials")
	}
	require.NoError(t, err)
	if cfg.Region == "" {
		cfg.Region = "gz"
	}
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	zones, _, err := c.Zones.List(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, zones)
	_, _, err = c.Images.List(ctx, &cvm.ImageListOptions{Type: cvm.ImagePublic, ListOptions: cvm.ListOptions{Limit: 5}})
	require.NoError(t, err)
	for _, err := range c.Instances.All(ctx, nil) {
		require.NoError(t, err)
	}
	_, _, err = c.SecurityGroups.List(ctx, nil)
	require.NoError(t, err)
	_, _, err = c.EIPs.Quota(ctx)
	require.NoError(t, err)
}
