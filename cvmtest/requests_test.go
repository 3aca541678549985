package cvmtest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// TestRequestLogAndAimedFaults: a test asserts "StopInstances was called
// for the second instance exactly once" on the request log, which never
// holds a password; a fault aimed at one instance fails its calls only.
func TestRequestLogAndAimedFaults(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithInstances(3), cvmtest.WithoutQuotas(), cvmtest.WithClock(time.Now()))
	defer srv.Close()
	cfg := srv.Config()
	cfg.Retry = cvm.RetryPolicy{MaxAttempts: 1}
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	ctx := context.Background()
	ids := []string{srv.Instances("")[0].ID, srv.Instances("")[1].ID, srv.Instances("")[2].ID}

	// Restarting the second fails, the others succeed.
	srv.InjectFault("RestartInstances", cvmtest.Fault{Code: 6000, Message: "host failure", IDs: []string{ids[1]}})
	_, _, err = c.Instances.Restart(ctx, ids[0])
	assert.NoError(t, err)
	_, _, err = c.Instances.Restart(ctx, ids[1])
	var apiErr *cvm.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Equal(t, 6000, apiErr.Code)
	_, _, err = c.Instances.Restart(ctx, ids[2])
	assert.NoError(t, err)

	srv.ClearRequests()
	srv.Advance(time.Minute)
	_, _, err = c.Instances.Stop(ctx, ids[1])
	require.NoError(t, err)
	srv.Advance(time.Minute)
	_, _, err = c.Instances.ResetPassword(ctx, "Passw0rd!secret", ids[1])
	require.NoError(t, err)

	stops := srv.Requests("StopInstances")
	require.Len(t, stops, 1, "StopInstances exactly once")
	assert.Equal(t, ids[1], stops[0].Params["instanceIds.0"])
	assert.Equal(t, "POST", stops[0].Method)
	assert.Equal(t, "/v2/index.php", stops[0].Path)
	assert.NotEmpty(t, stops[0].RequestID)
	resets := srv.Requests("ResetInstancePassword")
	require.Len(t, resets, 1)
	for _, r := range srv.Requests("") {
		for k, v := range r.Params {
			assert.NotContains(t, strings.ToLower(k), "password")
			assert.NotContains(t, k, "Signature")
			assert.NotContains(t, v, "Passw0rd")
		}
	}
	assert.Len(t, srv.Requests(""), 2, "cleared before the stop")
}

// TestWaitWithAutoAdvance: a program waiting on transitions of a minute
// finishes on a fake clock that no one advances.
func TestWaitWithAutoAdvance(t *testing.T) {
	t.Parallel()
	start := time.Now()
	srv := cvmtest.NewServer(cvmtest.WithAutoAdvance(start), cvmtest.WithTransition(time.Minute), cvmtest.WithoutQuotas())
	defer srv.Close()
	cfg := srv.Config()
	cfg.RateLimit.Disabled = true
	cfg.Wait = cvm.WaitPolicy{MinDelay: time.Millisecond, MaxDelay: time.Millisecond}
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a guard, not a measure
	defer cancel()
	ids, _, err := c.Instances.Create(ctx, &cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph", Count: 2})
	require.NoError(t, err)
	require.NoError(t, c.Instances.WaitStatus(ctx, cvm.InstanceRunning, ids...))
	_, _, err = c.Instances.Stop(ctx, ids...)
	require.NoError(t, err)
	require.NoError(t, c.Instances.WaitStatus(ctx, cvm.InstanceStopped, ids...))
	assert.GreaterOrEqual(t, srv.Now().Sub(start), 2*time.Minute, "the clock moved by itself")
}

// TestSeedNamedResources: a Go test seeds named resources through cvmtest,
// with the same JSON as the admin API, and gets their ids back.
func TestSeedNamedResources(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithoutQuotas(), cvmtest.WithTransition(-1))
	defer srv.Close()
	seeded, err := srv.Seed(`{"regions":{"gz":{"instances":[{"name":"web-1","status":"stopped","cpu":2,"memoryGB":4},{"name":"web-2"}],
		"eips":[{"name":"pub-1","instance":"web-2"}],"keyPairs":[{"name":"deploy","instances":["web-1"]}]}}}`)
	require.NoError(t, err)
	gz := seeded["gz"]
	require.Len(t, gz.Instances, 2)
	require.Len(t, gz.EIPs, 1)
	require.Len(t, gz.KeyPairs, 1)
	c, err := cvm.NewClient(srv.Config())
	require.NoError(t, err)
	web1, _, err := c.Instances.Get(context.Background(), gz.Instances[0])
	require.NoError(t, err)
	assert.Equal(t, "web-1", web1.Name)
	assert.Equal(t, cvm.InstanceStopped, web1.Status)
	assert.Equal(t, 2, web1.CPU)
	eip, _, err := c.EIPs.Get(context.Background(), gz.EIPs[0])
	require.NoError(t, err)
	assert.Equal(t, gz.Instances[1], eip.InstanceID)
	_, err = srv.Seed(`{"regions":{"gz":{"eips":[{"instance":"nobody"}]}}}`)
	assert.Error(t, err)
}

// TestSeedNetworks: a seed makes VPCs with their subnets first, and an
// instance naming a subnet is placed in it, at one of its addresses; the
// legacy and API 3.0 contracts both see where.
func TestSeedNetworks(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithoutQuotas(), cvmtest.WithTransition(-1))
	defer srv.Close()
	seeded, err := srv.Seed(`{"regions":{"gz":{
		"vpcs":[{"name":"main","cidr":"10.8.0.0/16","subnets":[{"name":"web","cidr":"10.8.1.0/24","zoneId":100003},{"name":"db","cidr":"10.8.2.0/24"}]}],
		"instances":[{"name":"web-1","subnet":"web"}]}}}`)
	require.NoError(t, err)
	gz := seeded["gz"]
	require.Len(t, gz.VPCs, 1)
	require.Len(t, gz.Subnets, 2)
	for _, cfg := range []cvm.Config{srv.Config(), srv.API3Config()} {
		c, err := cvm.NewClient(cfg)
		require.NoError(t, err)
		in, _, err := c.Instances.Get(context.Background(), gz.Instances[0])
		require.NoError(t, err)
		assert.Equal(t, gz.VPCs[0], in.VPCID)
		assert.Equal(t, gz.Subnets[0], in.SubnetID)
		assert.Equal(t, "10.8.1.2", in.LANIP)
		assert.Equal(t, 100003, in.ZoneID, "the subnet's zone")
	}
	seeded, err = srv.Seed(`{"regions":{"gz":{"instances":[{"name":"db-1","subnet":"` + gz.Subnets[1] + `","tags":{"team":"db"}}],
		"disks":[{"name":"data","type":"CLOUD_SSD","size":100,"instance":"db-1","tags":{"team":"db"}},{"name":"spare"}]}}}`)
	require.NoError(t, err, "a subnet by id, tags, disks")
	require.Len(t, seeded["gz"].Disks, 2)
	c3, err := cvm.NewClient(srv.API3Config())
	require.NoError(t, err)
	var disks struct {
		cvm.Envelope3
		DiskSet []struct {
			DiskId, DiskType, DiskState, InstanceId string
			DiskSize                                int
			Tags                                    []struct{ Key, Value string }
		}
	}
	require.NoError(t, c3.Do3(context.Background(), "cbs", "DescribeDisks",
		map[string]any{"DiskIds": seeded["gz"].Disks}, &disks))
	require.Len(t, disks.DiskSet, 2)
	d := disks.DiskSet[0]
	assert.Equal(t, "CLOUD_SSD", d.DiskType)
	assert.Equal(t, 100, d.DiskSize)
	assert.Equal(t, "ATTACHED", d.DiskState)
	assert.Equal(t, seeded["gz"].Instances[0], d.InstanceId)
	assert.Equal(t, []struct{ Key, Value string }{{"team", "db"}}, d.Tags)
	assert.Equal(t, "UNATTACHED", disks.DiskSet[1].DiskState)
	db, _, err := c3.Instances.Get(context.Background(), seeded["gz"].Instances[0])
	require.NoError(t, err)
	assert.Equal(t, gz.Subnets[1], db.SubnetID, "a subnet named by id")
	_, err = srv.Seed(`{"regions":{"gz":{"disks":[{"size":15}]}}}`)
	assert.Error(t, err, "a size off the 10 GiB steps")
	_, err = srv.Seed(`{"regions":{"gz":{"vpcs":[{"name":"public","cidr":"8.8.0.0/16"}]}}}`)
	assert.Error(t, err, "a public block")
	_, err = srv.Seed(`{"regions":{"gz":{"instances":[{"subnet":"nowhere"}]}}}`)
	assert.Error(t, err)
}

// TestFaultsAndLogByEitherContractsName: a test written against the legacy
// names keeps testing when the client moves to API 3.0, and the reverse: a
// fault aimed at RestartInstances fires on API 3.0's RebootInstances, one
// aimed at RebootInstances on the legacy RestartInstances, and the request
// log finds both contracts' calls by either name.
func TestFaultsAndLogByEitherContractsName(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithInstances(2), cvmtest.WithoutQuotas(), cvmtest.WithClock(time.Now()))
	defer srv.Close()
	ctx := context.Background()
	ids := []string{srv.Instances("")[0].ID, srv.Instances("")[1].ID}
	clients := map[string]*cvm.Client{}
	for name, cfg := range map[string]cvm.Config{"legacy": srv.Config(), "api3": srv.API3Config()} {
		cfg.Retry = cvm.RetryPolicy{MaxAttempts: 1}
		c, err := cvm.NewClient(cfg)
		require.NoError(t, err)
		clients[name] = c
	}
	for _, tc := range []struct{ aim, client string }{
		{"RestartInstances", "api3"},
		{"RebootInstances", "legacy"},
	} {
		srv.InjectFault(tc.aim, cvmtest.Fault{Code: 6000, Message: "host failure", IDs: []string{ids[1]}, Times: 1})
		_, _, err := clients[tc.client].Instances.Restart(ctx, ids[1])
		var apiErr *cvm.APIError
		require.True(t, errors.As(err, &apiErr), "a fault aimed at %s, a restart over %s: %v", tc.aim, tc.client, err)
		assert.Contains(t, apiErr.Message, "host failure")
		_, _, err = clients[tc.client].Instances.Restart(ctx, ids[0])
		assert.NoError(t, err, "aimed at the other instance only")
		srv.Advance(time.Minute) // the restart is over
	}
	for _, name := range []string{"RestartInstances", "RebootInstances"} {
		recs := srv.Requests(name)
		require.Len(t, recs, 4, name)
		contracts := map[string]int{}
		for _, r := range recs {
			contracts[r.Contract]++
			assert.Equal(t, []string{"RestartInstances"}, r.LegacyActions)
			assert.Equal(t, []string{"RebootInstances"}, r.API3Actions)
		}
		assert.Equal(t, map[string]int{"legacy": 2, "api3": 2}, contracts)
	}
}
