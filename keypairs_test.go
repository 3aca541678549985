package cvm_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKeyPairsFlow(t *testing.T) {
	t.Parallel()
	bothContracts(t, keyPairsFlow, cvmtest.WithInstances(2), cvmtest.WithTransition(-1))
}

func keyPairsFlow(t *testing.T, api cvm.APIVersion, c *cvm.Client, srv *cvmtest.Server) {
	ctx := context.Background()
	ins := srv.Instances("")
	linux := ins[0].ID

	created, _, err := c.KeyPairs.Create(ctx, "deploy_key")
	require.NoError(t, err)
	assert.Contains(t, created.PrivateKey.Reveal(), "BEGIN RSA PRIVATE KEY")
	assert.NotContains(t, fmt.Sprintf("%+v", created), "PRIVATE KEY", "the private key never prints")
	assert.Contains(t, created.PublicKey, "ssh-rsa ")
	imported, _, err := c.KeyPairs.Import(ctx, "laptop", testPublicKey)
	require.NoError(t, err)
	_, _, err = c.KeyPairs.Import(ctx, "bad", "ssh-rsa not-base64")
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "checked before sending")
	_, _, err = c.KeyPairs.Create(ctx, "has space")
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, _, err = c.KeyPairs.Create(ctx, "deploy_key")
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "names are unique")

	// Stopped Linux instances only.
	_, err = c.KeyPairs.Bind(ctx, created.ID, linux)
	assert.ErrorIs(t, err, cvm.ErrOperationFailed, "a running instance")
	_, _, err = c.Instances.Stop(ctx, linux)
	require.NoError(t, err)
	_, err = c.KeyPairs.Bind(ctx, created.ID, linux)
	require.NoError(t, err)
	k, _, err := c.KeyPairs.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{linux}, k.InstanceIDs)
	if api == cvm.API3 {
		assert.Empty(t, k.BoundIPs, "API 3.0 does not give the bound addresses")
	} else {
		assert.Equal(t, []string{ins[0].LanIP}, k.BoundIPs)
	}

	_, err = c.KeyPairs.Rename(ctx, imported, "laptop_2")
	require.NoError(t, err)
	var names []string
	for kp, err := range c.KeyPairs.All(ctx, nil) {
		require.NoError(t, err)
		names = append(names, kp.Name)
	}
	assert.ElementsMatch(t, []string{"deploy_key", "laptop_2"}, names)

	// A bound key cannot go: under the legacy contract a partial failure
	// with every item (the other key goes); under API 3.0 the whole call is
	// refused.
	_, _, err = c.KeyPairs.Delete(ctx, created.ID, imported)
	var apiErr *cvm.APIError
	require.ErrorAs(t, err, &apiErr)
	if api == cvm.API3 {
		assert.ErrorIs(t, err, cvm.ErrOperationFailed)
		assert.Empty(t, apiErr.Items)
		_, _, err = c.KeyPairs.Get(ctx, imported)
		require.NoError(t, err, "nothing was deleted")
	} else {
		assert.ErrorIs(t, err, cvm.ErrPartialFailure)
		assert.Len(t, apiErr.Items, 2)
	}
	_, err = c.KeyPairs.Unbind(ctx, created.ID, linux)
	require.NoError(t, err)
	res, _, err := c.KeyPairs.Delete(ctx, created.ID)
	require.NoError(t, err)
	if api == cvm.LegacyAPI {
		require.Len(t, res.Items, 1)
		assert.Equal(t, created.ID, res.Items[0].ID)
	}
	_, _, err = c.KeyPairs.Get(ctx, created.ID)
	assert.ErrorIs(t, err, cvm.ErrNotFound)
}

// testPublicKey is an OpenSSH RSA public key made for these tests.
const testPublicKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC4LyMNeOViOiaei5Nh9nFGt52gKlVUHw3++MjnrmNJEDUKrkKcCLs1joMDdfgdHP5C68CKRqypPVFnOY0UWVcPi9YeIu8HutlVmV6w8l2WR94oZRfZePV3YJ1+SpsaILaoAYRaDIlKphO80t893hqEg/G6EGPtNV7BlHrH7wUdgQ== test@example"
