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

// TestInstancesBothContracts: the instance methods and their Go types
// behave the same under the legacy contract and API 3.0, against the
// emulator serving both; where API 3.0 says less (per-id batch results,
// the qcvm id) the field stays zero, and where it says more (the instance
// type, the groups, the latest operation) the type has it.
func TestInstancesBothContracts(t *testing.T) {
	t.Parallel()
	bothContracts(t, func(t *testing.T, api cvm.APIVersion, c *cvm.Client, srv *cvmtest.Server) {
		ctx := context.Background()
		zones, _, err := c.Zones.List(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, zones)
		assert.Equal(t, 100001, zones[0].ID)
		assert.Equal(t, "广州一区", zones[0].Name)

		ids, _, err := c.Instances.Create(ctx, &cvm.InstanceCreateRequest{
			ZoneID: 100003, CPU: 2, MemoryGB: 4, ImageID: "img-31tjrtph", BandwidthMbps: 1,
			Password: "Passw0rd!", Name: "web", Count: 3,
		})
		require.NoError(t, err)
		require.Len(t, ids, 3)

		in, _, err := c.Instances.Get(ctx, ids[0])
		require.NoError(t, err)
		assert.Equal(t, cvm.InstanceCreating, in.Status)
		assert.Equal(t, "web", in.Name)
		assert.Equal(t, 2, in.CPU)
		assert.Equal(t, 4, in.MemoryGB)
		assert.Equal(t, 100003, in.ZoneID)
		assert.Equal(t, "广州三区", in.ZoneName)
		assert.Equal(t, cvm.PayHourly, in.PayMode)
		assert.Len(t, in.WANIPs, 1)
		assert.Equal(t, "gz", in.Region)
		assert.Equal(t, "img-31tjrtph", in.ImageID)
		if api == cvm.API3 {
			assert.Equal(t, "S1.MEDIUM4", in.InstanceType)
			assert.Equal(t, "ap-guangzhou-3", in.Zone)
			assert.Equal(t, "RunInstances", in.LatestOperation)
			assert.Equal(t, "OPERATING", in.LatestOperationState)
			assert.Empty(t, in.LegacyID, "API 3.0 has no qcvm id")
		} else {
			assert.NotEmpty(t, in.LegacyID)
			assert.Empty(t, in.InstanceType, "the legacy contract does not say")
		}

		srv.Advance(time.Minute)
		require.NoError(t, c.Instances.WaitStatus(ctx, cvm.InstanceRunning, ids...))
		byZone, resp, err := c.Instances.List(ctx, &cvm.InstanceListOptions{ZoneID: 100003, SearchWord: "we"})
		require.NoError(t, err)
		assert.Len(t, byZone, 3)
		assert.Equal(t, 3, resp.TotalCount)
		page, resp, err := c.Instances.List(ctx, &cvm.InstanceListOptions{ListOptions: cvm.ListOptions{Offset: 1, Limit: 1},
			Status: cvm.InstanceRunning})
		require.NoError(t, err)
		require.Len(t, page, 1)
		assert.Equal(t, ids[1], page[0].ID)
		assert.Equal(t, 3, resp.TotalCount)
		var all []string
		for in, err := range c.Instances.All(ctx, &cvm.InstanceListOptions{ListOptions: cvm.ListOptions{Limit: 2}}) {
			require.NoError(t, err)
			all = append(all, in.ID)
		}
		assert.Equal(t, ids, all)

		// A batch with one bad id: the legacy contract acts on the others
		// and names each; API 3.0 refuses the whole batch.
		_, _, err = c.Instances.Stop(ctx, ids[0], "ins-missing0")
		var apiErr *cvm.APIError
		require.ErrorAs(t, err, &apiErr)
		if api == cvm.API3 {
			assert.ErrorIs(t, err, cvm.ErrNotFound)
			assert.Equal(t, "InvalidInstanceId.NotFound", apiErr.ErrorCode)
			assert.Empty(t, apiErr.Items)
			assert.Contains(t, err.Error(), "InvalidInstanceId.NotFound")
			assert.Contains(t, err.Error(), "(request ")
			got, _, _ := c.Instances.Get(ctx, ids[0])
			assert.Equal(t, cvm.InstanceRunning, got.Status, "nothing was stopped")
		} else {
			assert.ErrorIs(t, err, cvm.ErrPartialFailure)
			require.Len(t, apiErr.Items, 2)
			srv.Advance(time.Minute)
			_, _, err = c.Instances.Start(ctx, ids[0])
			require.NoError(t, err)
		}
		srv.Advance(time.Minute)
		require.NoError(t, c.Instances.WaitStatus(ctx, cvm.InstanceRunning, ids...))

		res, _, err := c.Instances.Stop(ctx, ids...)
		require.NoError(t, err)
		require.Len(t, res.Items, 3, "every id's result, under both contracts")
		for _, it := range res.Items {
			assert.Contains(t, ids, it.ID)
			assert.Zero(t, it.Code)
		}
		srv.Advance(time.Minute)
		require.NoError(t, c.Instances.WaitStatus(ctx, cvm.InstanceStopped, ids...))
		_, _, err = c.Instances.ResetPassword(ctx, "Passw0rd!2", ids[0])
		require.NoError(t, err)
		srv.Advance(time.Minute)
		_, _, err = c.Instances.Restart(ctx, ids[0])
		assert.Error(t, err, "a stopped instance does not restart")
		_, _, err = c.Instances.Start(ctx, ids...)
		require.NoError(t, err)
		srv.Advance(time.Minute)
		require.NoError(t, c.Instances.WaitStatus(ctx, cvm.InstanceRunning, ids...))
		// Renaming, projects and termination: TestInstancesFlow, under
		// both contracts too.
	})
}

// TestZonesBothContracts: zones, a zone's capabilities and a product's
// regions read the same under both contracts.
func TestZonesBothContracts(t *testing.T) {
	t.Parallel()
	bothContracts(t, func(t *testing.T, api cvm.APIVersion, c *cvm.Client, _ *cvmtest.Server) {
		ctx := context.Background()
		zones, resp, err := c.Zones.List(ctx)
		require.NoError(t, err)
		require.Len(t, zones, 4)
		assert.Equal(t, 4, resp.TotalCount)
		z, _, err := c.Zones.Get(ctx, 100003)
		require.NoError(t, err)
		assert.Equal(t, 100003, z.ID)
		assert.Equal(t, "广州三区", z.Name)
		if api == cvm.API3 {
			assert.Equal(t, "ap-guangzhou-3", z.Zone)
		}
		_, _, err = c.Zones.Get(ctx, 999999)
		if api == cvm.API3 {
			assert.ErrorIs(t, err, cvm.ErrNotFound)
		} else {
			assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "the emulator's legacy answer: 4000 InvaildZoneId")
		}
		ab, _, err := c.Zones.Abilities(ctx, 100003, cvm.CapacityCBS, cvm.CapacityVPC)
		require.NoError(t, err)
		require.Len(t, ab, 1)
		assert.True(t, ab[0].Supported)
		assert.Equal(t, []string{cvm.CapacityCBS, cvm.CapacityVPC}, ab[0].Capacities)
		regions, _, err := c.Zones.ProductRegions(ctx, cvm.ProductCVM)
		require.NoError(t, err)
		codes := map[string]string{}
		for _, r := range regions {
			codes[r.Code] = r.Name
		}
		assert.Equal(t, "广州", codes["gz"])
		assert.Equal(t, "上海", codes["sh"])
	})
}

// TestOneStateThroughBothContracts: what a client of one contract makes,
// a client of the other reads and changes, with the same ids.
func TestOneStateThroughBothContracts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := cvmtest.NewServer(cvmtest.WithoutQuotas(), cvmtest.WithClock(time.Now()), cvmtest.WithTransition(time.Minute))
	defer srv.Close()
	mk := func(cfg cvm.Config) *cvm.Client {
		cfg.RateLimit.Disabled = true
		c, err := cvm.NewClient(cfg)
		require.NoError(t, err)
		return c
	}
	legacy, api3 := mk(srv.Config()), mk(srv.API3Config())
	assert.Equal(t, cvm.LegacyAPI, legacy.API())
	assert.Equal(t, cvm.API3, api3.API())

	ids, _, err := legacy.Instances.Create(ctx, &cvm.InstanceCreateRequest{ZoneID: 100002, CPU: 4, MemoryGB: 8, ImageID: "img-31tjrtph", Name: "old"})
	require.NoError(t, err)
	in, resp, err := api3.Instances.Get(ctx, ids[0])
	require.NoError(t, err)
	assert.NotEmpty(t, resp.RequestID, "API 3.0's Response.RequestId")
	assert.Equal(t, "old", in.Name)
	assert.Equal(t, 100002, in.ZoneID)
	assert.Equal(t, "S1.LARGE8", in.InstanceType)
	// Every member both contracts have reads the same: API 3.0's answer
	// fills Instance directly, the legacy one through its wire form.
	old, _, err := legacy.Instances.Get(ctx, ids[0])
	require.NoError(t, err)
	require.NotEmpty(t, old.LegacyID)
	same := in
	same.LegacyID, same.StatusTime, same.LegacyImageID, same.ImageType, same.DeviceClass =
		old.LegacyID, old.StatusTime, old.LegacyImageID, old.ImageType, old.DeviceClass
	same.InstanceType, same.Zone, same.SecurityGroupIDs, same.LatestOperation, same.LatestOperationState = "", "", nil, "", ""
	assert.Equal(t, old, same)
	srv.Advance(time.Minute)

	news, _, err := api3.Instances.Create(ctx, &cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 2, MemoryGB: 4, ImageID: "img-31tjrtph",
		Name: "new", Type: "S5.MEDIUM4"})
	require.NoError(t, err)
	srv.Advance(time.Minute)
	got, _, err := legacy.Instances.Get(ctx, news[0])
	require.NoError(t, err)
	assert.Equal(t, "new", got.Name)
	assert.Equal(t, cvm.InstanceRunning, got.Status)
	_, _, err = legacy.Instances.Stop(ctx, news[0])
	require.NoError(t, err)
	srv.Advance(time.Minute)
	got, _, err = api3.Instances.Get(ctx, news[0])
	require.NoError(t, err)
	assert.Equal(t, cvm.InstanceStopped, got.Status)
	assert.Equal(t, "StopInstances", got.LatestOperation)

	eips, _, err := api3.EIPs.Create(ctx, 1)
	require.NoError(t, err)
	e, _, err := legacy.EIPs.Get(ctx, eips[0])
	require.NoError(t, err)
	assert.Equal(t, eips[0], e.ID)
	k, _, err := legacy.KeyPairs.Create(ctx, "shared_key")
	require.NoError(t, err)
	k2, _, err := api3.KeyPairs.Get(ctx, k.ID)
	require.NoError(t, err)
	assert.Equal(t, k.PublicKey, k2.PublicKey)
}

// TestDo3 calls API 3.0 actions by name: params as a map or a struct,
// answers into a struct with Envelope3 (one pass) or without, a
// ClientToken added to RunInstances, and errors as *APIError.
func TestDo3(t *testing.T) {
	t.Parallel()
	c, _ := flowClient(t)
	ctx := context.Background()
	var zones struct {
		cvm.Envelope3
		TotalCount int
		ZoneSet    []struct{ Zone, ZoneId string }
	}
	require.NoError(t, c.Do3(ctx, "cvm", "DescribeZones", nil, &zones), "Do3 works from a legacy client too")
	assert.Equal(t, 4, zones.TotalCount)
	assert.NotEmpty(t, zones.RequestID)
	var plain struct{ ZoneSet []map[string]any }
	require.NoError(t, c.Do3(ctx, "cvm", "DescribeZones", map[string]any{}, &plain))
	assert.Len(t, plain.ZoneSet, 4)

	run := map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-1"}, "ImageId": "img-31tjrtph", "InstanceType": "S5.SMALL1"}
	var a, b struct{ InstanceIdSet []string }
	require.NoError(t, c.Do3(ctx, "cvm", "RunInstances", run, &a))
	require.NoError(t, c.Do3(ctx, "cvm", "RunInstances", run, &b))
	assert.NotEqual(t, a.InstanceIdSet, b.InstanceIdSet, "each call its own token")
	run["ClientToken"] = "mine-1"
	require.NoError(t, c.Do3(ctx, "cvm", "RunInstances", run, &a))
	require.NoError(t, c.Do3(ctx, "cvm", "RunInstances", run, &b))
	assert.Equal(t, a.InstanceIdSet, b.InstanceIdSet, "the caller's token repeats the answer")

	err := c.Do3(ctx, "cvm", "DescribeInstances", struct{ InstanceIds []string }{[]string{"nonsense"}}, nil)
	var apiErr *cvm.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "InvalidInstanceId.Malformed", apiErr.ErrorCode)
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	assert.NotEmpty(t, apiErr.RequestID)

	var argErr *cvm.ArgError
	assert.ErrorAs(t, c.Do3(ctx, "nope", "X", nil, nil), &argErr)
	assert.ErrorAs(t, c.Do3(ctx, "cvm", "DescribeZones", []int{1}, nil), &argErr, "params must be an object")
	assert.ErrorAs(t, c.Do3(ctx, "cvm", "DescribeZones", nil, zones), &argErr, "out must be a pointer")
	// Names that are no action's are refused before anything is sent, and
	// quoted escaped, never raw.
	for _, bad := range []string{"DescribeZones\r\nX-Evil: 1", "Describe\x00Zones", "Describe Zones", "\nDescribeZones"} {
		err := c.Do3(ctx, "cvm", bad, nil, nil)
		require.ErrorAs(t, err, &argErr, "%q", bad)
		assert.NotContains(t, err.Error(), "\n")
		assert.NotContains(t, err.Error(), "\x00")
	}
	for _, bad := range []string{"cvm\r\n", "c\x00vm"} {
		err := c.Do3(ctx, bad, "DescribeZones", nil, nil)
		require.ErrorAs(t, err, &argErr, "%q", bad)
		assert.NotContains(t, err.Error(), "\n")
	}
}

// TestAPI3SignatureV1: the typed services under API 3.0 with signature
// v1 (HmacSHA256 over a form) instead of TC3.
func TestAPI3SignatureV1(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithoutQuotas(), cvmtest.WithClock(time.Now()), cvmtest.WithTransition(-1))
	defer srv.Close()
	cfg := srv.API3Config()
	cfg.API3SignatureMethod = cvm.SignatureHmacSHA256
	cfg.RateLimit.Disabled = true
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	ctx := context.Background()
	ids, _, err := c.Instances.Create(ctx, &cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 2, ImageID: "img-31tjrtph",
		Name: "中文 名", Count: 2})
	require.NoError(t, err)
	list, _, err := c.Instances.List(ctx, &cvm.InstanceListOptions{SearchWord: "中文"})
	require.NoError(t, err)
	assert.Len(t, list, 2)
	assert.Equal(t, ids[0], list[0].ID)
	reqs := srv.Requests("RunInstances")
	require.Len(t, reqs, 1)
	assert.Equal(t, "POST", reqs[0].Method)
}
