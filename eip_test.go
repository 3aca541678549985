package cvm_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

func TestEIPsFlow(t *testing.T) {
	t.Parallel()
	bothContracts(t, eipsFlow, cvmtest.WithInstances(1))
}

func eipsFlow(t *testing.T, api cvm.APIVersion, c *cvm.Client, srv *cvmtest.Server) {
	ctx := context.Background()
	inst := srv.Instances("")[0].ID

	ids, resp, err := c.EIPs.Create(ctx, 7)
	require.NoError(t, err)
	assert.Len(t, ids, 7)
	assert.Equal(t, 2, resp.Attempts, "5 + 2")
	q, _, err := c.EIPs.Quota(ctx)
	require.NoError(t, err)
	assert.Equal(t, cvm.EIPQuota{Max: 20, Current: 7, DailyApplyMax: 10, DailyApplied: 7, DailyNewWANIPMax: 10}, *q)
	_, _, err = c.EIPs.Create(ctx, 4)
	assert.ErrorIs(t, err, cvm.ErrOperationFailed, "over the daily quota")

	srv.Advance(time.Minute)
	require.NoError(t, c.EIPs.WaitStatus(ctx, cvm.EIPUnbound, ids...), "all seven at once")
	_, err = c.EIPs.Associate(ctx, ids[0], inst)
	require.NoError(t, err)
	e, _, err := c.EIPs.Get(ctx, ids[0])
	require.NoError(t, err)
	assert.Equal(t, cvm.EIPBinding, e.Status)
	srv.Advance(time.Minute)
	require.NoError(t, c.EIPs.WaitStatus(ctx, cvm.EIPBound, ids[0]))
	in, _, err := c.Instances.Get(ctx, inst)
	require.NoError(t, err)
	e, _, err = c.EIPs.Get(ctx, ids[0])
	require.NoError(t, err)
	assert.Equal(t, []string{e.IP}, in.WANIPs)
	assert.Equal(t, inst, e.InstanceID)

	_, err = c.EIPs.SetPassThrough(ctx, ids[0], true)
	require.NoError(t, err)
	_, err = c.EIPs.Rename(ctx, ids[0], "front")
	require.NoError(t, err)
	list, resp, err := c.EIPs.List(ctx, &cvm.EIPListOptions{Statuses: []cvm.EIPStatus{cvm.EIPBound}})
	require.NoError(t, err)
	assert.Equal(t, 1, resp.TotalCount)
	assert.Equal(t, "front", list[0].Name)
	assert.True(t, list[0].PassThrough)

	_, err = c.EIPs.Delete(ctx, ids[0])
	assert.ErrorIs(t, err, cvm.ErrOperationFailed, "not while bound")
	_, err = c.EIPs.Disassociate(ctx, ids[0], true)
	require.NoError(t, err)
	srv.Advance(time.Minute)
	_, err = c.EIPs.Delete(ctx, ids...)
	require.NoError(t, err)
	assert.Empty(t, srv.EIPs(""))

	id, _, err := c.EIPs.FromPublicIP(ctx, inst)
	require.NoError(t, err)
	assert.Regexp(t, `^eip-`, id)

	var seen []string
	for e, err := range c.EIPs.All(ctx, &cvm.EIPListOptions{Ascending: true}) {
		require.NoError(t, err)
		seen = append(seen, e.ID)
	}
	assert.Equal(t, []string{id}, seen)
}

func TestEIPsValidation(t *testing.T) {
	t.Parallel()
	c, _ := flowClient(t)
	ctx := context.Background()
	_, _, err := c.EIPs.Create(ctx, 0)
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, err = c.EIPs.Rename(ctx, "eip-1", string(make([]rune, 21)))
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, err = c.EIPs.Associate(ctx, "eip-1", "")
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, err = c.EIPs.Delete(ctx)
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, _, err = c.EIPs.Get(ctx, "eip-none")
	assert.ErrorIs(t, err, cvm.ErrNotFound)
}
