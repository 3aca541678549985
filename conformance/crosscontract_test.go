package conformance

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// TestOneStateBothContracts: what this project's SDK makes through the
// legacy contract, Tencent's official Go SDK reads through API 3.0 with
// the same ids, and what the official SDK makes, the legacy contract reads
// and changes: instances, EIPs, security groups and key pairs.
func TestOneStateBothContracts(t *testing.T) {
	ctx := context.Background()
	srv := cvmtest.NewServer(cvmtest.WithAutoAdvance(time.Now()))
	defer srv.Close()
	id, key, _ := srv.Credentials()
	tg := target{name: "cvmtest", endpoint: srv.API3Endpoint(), id: id, key: key}
	j := newJudge(t, "cross-contract", "legacy and API 3.0", tg.name)
	legacy, err := cvm.NewClient(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	c, v := goClients(t, tg, nil)

	// Legacy → API 3.0.
	ids, _, err := legacy.Instances.Create(ctx, &cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 2, MemoryGB: 4,
		ImageID: "img-31tjrtph", Name: "legacy-made", BandwidthMbps: 1, Count: 1})
	if !j.check("RunInstancesHour", "the legacy contract makes an instance", err == nil && len(ids) == 1, err) {
		return
	}
	legacyWait(t, func() bool {
		in, _, err := legacy.Instances.Get(ctx, ids[0])
		return err == nil && in.Status == cvm.InstanceRunning
	})
	req := tccvm.NewDescribeInstancesRequest()
	req.InstanceIds = common.StringPtrs(ids)
	got, err := c.DescribeInstances(req)
	ok := err == nil && len(got.Response.InstanceSet) == 1
	if ok {
		in := got.Response.InstanceSet[0]
		ok = *in.InstanceName == "legacy-made" && *in.InstanceState == "RUNNING" && *in.CPU == 2 && *in.Memory == 4 &&
			*in.InstanceType == "S1.MEDIUM4" && *in.Placement.Zone == "ap-guangzhou-3" && *in.ImageId == "img-31tjrtph"
	}
	j.check("DescribeInstances", "API 3.0 shows the legacy instance with its id, name, state, type and zone", ok, err)

	eips, _, err := legacy.EIPs.Create(ctx, 1)
	if !j.check("CreateEip", "the legacy contract makes an EIP", err == nil && len(eips) == 1, err) {
		return
	}
	legacyWait(t, func() bool {
		e, _, err := legacy.EIPs.Get(ctx, eips[0])
		return err == nil && e.Status == cvm.EIPUnbound
	})
	assoc := tcvpc.NewAssociateAddressRequest()
	assoc.AddressId, assoc.InstanceId = sp(eips[0]), sp(ids[0])
	_, err = v.AssociateAddress(assoc)
	j.check("AssociateAddress", "API 3.0 binds the legacy EIP to the legacy instance", err == nil, err)
	legacyWait(t, func() bool { e, _, err := legacy.EIPs.Get(ctx, eips[0]); return err == nil && e.Status == cvm.EIPBound })
	e, _, err := legacy.EIPs.Get(ctx, eips[0])
	j.check("DescribeEip", "the legacy contract sees the binding made through API 3.0", err == nil && e.InstanceID == ids[0], err)

	g, _, err := legacy.SecurityGroups.Create(ctx, &cvm.SecurityGroupCreateRequest{Name: "legacy-sg", Remark: "made the old way"})
	if !j.check("CreateSecurityGroup", "the legacy contract makes a group", err == nil, err) {
		return
	}
	dsg := tcvpc.NewDescribeSecurityGroupsRequest()
	dsg.SecurityGroupIds = common.StringPtrs([]string{g.ID})
	groups, err := v.DescribeSecurityGroups(dsg)
	j.check("DescribeSecurityGroups", "API 3.0 shows the legacy group", err == nil && *groups.Response.TotalCount == 1 &&
		*groups.Response.SecurityGroupSet[0].SecurityGroupDesc == "made the old way", err)

	// API 3.0 → legacy.
	kreq := tccvm.NewCreateKeyPairRequest()
	kreq.KeyName, kreq.ProjectId = sp("api3_key"), common.Int64Ptr(0)
	kp, err := c.CreateKeyPair(kreq)
	if !j.check("CreateKeyPair", "API 3.0 makes a key pair", err == nil, err) {
		return
	}
	k, _, err := legacy.KeyPairs.Get(ctx, *kp.Response.KeyPair.KeyId)
	j.check("DescribeKeyPairs", "the legacy contract shows the API 3.0 key with its public key", err == nil &&
		k.Name == "api3_key" && k.PublicKey == *kp.Response.KeyPair.PublicKey, err)

	run := tccvm.NewRunInstancesRequest()
	run.Placement = &tccvm.Placement{Zone: sp("ap-guangzhou-2")}
	run.ImageId, run.InstanceType, run.InstanceName = sp("img-31tjrtph"), sp("S5.LARGE8"), sp("api3-made")
	run.SecurityGroupIds = common.StringPtrs([]string{g.ID})
	made, err := c.RunInstances(run)
	if !j.check("RunInstances", "API 3.0 makes an instance in the legacy group", err == nil && len(made.Response.InstanceIdSet) == 1, err) {
		return
	}
	newID := *made.Response.InstanceIdSet[0]
	legacyWait(t, func() bool {
		in, _, err := legacy.Instances.Get(ctx, newID)
		return err == nil && in.Status == cvm.InstanceRunning
	})
	in, _, err := legacy.Instances.Get(ctx, newID)
	j.check("DescribeInstances", "the legacy contract shows the API 3.0 instance: zone, cores, memory, name", err == nil &&
		in.ZoneID == 100002 && in.CPU == 4 && in.MemoryGB == 8 && in.Name == "api3-made", err)
	members, _, err := legacy.SecurityGroups.ListInstances(ctx, g.ID, nil)
	j.check("DescribeInstancesOfSecurityGroup", "the legacy contract lists the API 3.0 instance in the group", err == nil &&
		slices.Contains(members, newID), err, members)

	_, _, err = legacy.Instances.Stop(ctx, newID)
	j.check("StopInstances", "the legacy contract stops the API 3.0 instance", err == nil, err)
	j.check("DescribeInstancesStatus", "API 3.0 sees it STOPPED", waitState(t, j, c, []string{newID}, "STOPPED"))
	_, err = legacy.Instances.Terminate(ctx, newID)
	j.check("ReturnInstance", "the legacy contract returns it", err == nil, err)
	j.check("DescribeInstances", "API 3.0 sees it gone", waitGone(c, []string{newID}))
}

// legacyWait polls through the legacy contract with no pause: each describe
// lets the emulator's fake clock move to the end of the transition waited
// on (cvmtest.WithAutoAdvance), so no test sleeps.
func legacyWait(t *testing.T, done func() bool) {
	t.Helper()
	for range 10 {
		if done() {
			return
		}
	}
	t.Fatal("the legacy contract never saw the state")
}
