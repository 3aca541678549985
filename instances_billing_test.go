package cvm_test

import (
	"context"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInstancesPrepaid(t *testing.T) {
	t.Parallel()
	bothContracts(t, instancesPrepaid, cvmtest.WithTransition(-1))
}

func instancesPrepaid(t *testing.T, api cvm.APIVersion, c *cvm.Client, srv *cvmtest.Server) {
	ctx := context.Background()
	res, _, err := c.Instances.CreatePrepaid(ctx, &cvm.InstancePrepaidCreateRequest{
		InstanceCreateRequest: cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 2, ImageID: "img-31tjrtph"},
		Months:                3,
	})
	require.NoError(t, err)
	var id string
	if api == cvm.API3 {
		assert.Empty(t, res.DealIDs, "API 3.0 names no order")
		id = res.InstanceIDs[""][0]
	} else {
		require.Len(t, res.DealIDs, 1)
		id = res.InstanceIDs[res.DealIDs[0]][0]
	}
	in, _, err := c.Instances.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, cvm.PayPrepaid, in.PayMode)
	assert.WithinDuration(t, srv.Now().AddDate(0, 3, 0), in.Deadline, 2*time.Second)

	deal, _, err := c.Instances.Renew(ctx, id, 2)
	require.NoError(t, err)
	if api == cvm.LegacyAPI {
		assert.NotEmpty(t, deal)
	} else {
		assert.Empty(t, deal, "API 3.0 names no order")
	}
	_, _, err = c.Instances.SetAutoRenew(ctx, cvm.RenewAuto, id)
	require.NoError(t, err)
	in, _, err = c.Instances.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, cvm.RenewAuto, in.AutoRenew)
	assert.WithinDuration(t, srv.Now().AddDate(0, 5, 0), in.Deadline, 2*time.Second)

	deals, _, err := c.Instances.SetBandwidth(ctx, &cvm.BandwidthRequest{InstanceID: id, BandwidthMbps: 5, Start: srv.Now(), End: srv.Now().AddDate(0, 1, 0)})
	require.NoError(t, err)
	if api == cvm.LegacyAPI {
		assert.Len(t, deals, 1)
		_, err = c.Instances.Terminate(ctx, id)
		assert.ErrorIs(t, err, cvm.ErrOperationFailed, "prepaid instances are not returned through the legacy API")
	} else {
		assert.Empty(t, deals, "API 3.0 names no order")
	}

	fen, _, err := c.Instances.Price(ctx, &cvm.InstancePriceRequest{CPU: 1, MemoryGB: 1, Months: 1})
	require.NoError(t, err)
	assert.Equal(t, cvm.Fen(9700), fen)
	assert.Equal(t, "¥97.00", fen.String())
	hp, _, err := c.Instances.PriceHourly(ctx, &cvm.InstanceHourlyPriceRequest{CPU: 2, MemoryGB: 4, BandwidthMbps: 1})
	require.NoError(t, err)
	assert.Equal(t, cvm.Yuan{Amount: 0.36, Unit: "HOUR"}, hp.Instance)
	assert.Equal(t, "¥0.36/HOUR", hp.Instance.String())
}
