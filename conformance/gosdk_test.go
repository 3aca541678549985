package conformance

import (
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	sdkerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

const region = "ap-guangzhou"

// profileFor points the official Go SDK at an emulator, as the README
// tells users to: the endpoint host:port and the HTTP scheme.
func profileFor(tg target, edit func(*profile.ClientProfile)) *profile.ClientProfile {
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = tg.endpoint
	cpf.HttpProfile.Scheme = "HTTP"
	if edit != nil {
		edit(cpf)
	}
	return cpf
}

func credFor(tg target) *common.Credential {
	if tg.token != "" {
		return common.NewTokenCredential(tg.id, tg.key, tg.token)
	}
	return common.NewCredential(tg.id, tg.key)
}

func goClients(t *testing.T, tg target, edit func(*profile.ClientProfile)) (*tccvm.Client, *tcvpc.Client) {
	t.Helper()
	c, err := tccvm.NewClient(credFor(tg), region, profileFor(tg, edit))
	if err != nil {
		t.Fatal(err)
	}
	v, err := tcvpc.NewClient(credFor(tg), region, profileFor(tg, edit))
	if err != nil {
		t.Fatal(err)
	}
	return c, v
}

// codeOf is the API 3.0 error code the SDK decoded, "" for none.
func codeOf(err error) string {
	var e *sdkerrors.TencentCloudSDKError
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}

func sp(s string) *string { return common.StringPtr(s) }

// TestGoSDKFlow runs Tencent's official Go SDK, unchanged, through the
// flow of a team moving a fleet: zones, images, instances (created twice
// with one ClientToken), describes with filters and paging, the lifecycle,
// EIPs, a security group with rules, a key pair, and the documented errors,
// against cvmtest and against the cvm-emulator binary.
func TestGoSDKFlow(t *testing.T) {
	for _, start := range targets(t) {
		tg := start(t)
		t.Run(tg.name, func(t *testing.T) {
			j := newJudge(t, "tencentcloud-sdk-go", "API 3.0", tg.name)
			c, v := goClients(t, tg, nil)
			walkModels(t, j, c, v)
			goFlow(t, j, c, v)
		})
	}
}

func goFlow(t *testing.T, j *judge, c *tccvm.Client, v *tcvpc.Client) {
	regions, err := c.DescribeRegions(tccvm.NewDescribeRegionsRequest())
	j.check("DescribeRegions", "lists ap-guangzhou, AVAILABLE", err == nil && slices.ContainsFunc(regions.Response.RegionSet,
		func(r *tccvm.RegionInfo) bool { return *r.Region == region && *r.RegionState == "AVAILABLE" }), err)

	zones, err := c.DescribeZones(tccvm.NewDescribeZonesRequest())
	ok := err == nil && slices.ContainsFunc(zones.Response.ZoneSet, func(z *tccvm.ZoneInfo) bool {
		return *z.Zone == "ap-guangzhou-3" && *z.ZoneId == "100003" && *z.ZoneState == "AVAILABLE"
	})
	j.check("DescribeZones", "names zones ap-guangzhou-N with a string ZoneId", ok, err)

	types := tccvm.NewDescribeInstanceTypeConfigsRequest()
	types.Filters = []*tccvm.Filter{{Name: sp("zone"), Values: common.StringPtrs([]string{"ap-guangzhou-3"})},
		{Name: sp("instance-family"), Values: common.StringPtrs([]string{"S5"})}}
	tr, err := c.DescribeInstanceTypeConfigs(types)
	j.check("DescribeInstanceTypeConfigs", "S5.MEDIUM4 is 2 cores and 4 GB", err == nil && slices.ContainsFunc(tr.Response.InstanceTypeConfigSet,
		func(x *tccvm.InstanceTypeConfig) bool {
			return *x.InstanceType == "S5.MEDIUM4" && *x.CPU == 2 && *x.Memory == 4
		}), err)

	imgReq := tccvm.NewDescribeImagesRequest()
	imgReq.Filters = []*tccvm.Filter{{Name: sp("image-type"), Values: common.StringPtrs([]string{"PUBLIC_IMAGE"})}}
	imgReq.Limit = common.Uint64Ptr(2)
	imgs, err := c.DescribeImages(imgReq)
	if !j.check("DescribeImages", "public images, paged by Limit", err == nil && len(imgs.Response.ImageSet) == 2 &&
		*imgs.Response.TotalCount >= 2 && *imgs.Response.ImageSet[0].ImageType == "PUBLIC_IMAGE", err) {
		return
	}
	imageID := *imgs.Response.ImageSet[0].ImageId

	kreq := tccvm.NewCreateKeyPairRequest()
	kreq.KeyName, kreq.ProjectId = sp("flow_key"), common.Int64Ptr(0)
	kp, err := c.CreateKeyPair(kreq)
	if !j.check("CreateKeyPair", "answers the id and the private key once", err == nil &&
		len(*kp.Response.KeyPair.KeyId) == 13 && len(*kp.Response.KeyPair.PrivateKey) > 100, err) {
		return
	}
	keyID := *kp.Response.KeyPair.KeyId
	_, err = c.CreateKeyPair(kreq)
	j.check("CreateKeyPair", "a second key of the same name is InvalidKeyPairName.Duplicate", codeOf(err) == "InvalidKeyPairName.Duplicate", err)

	sgReq := tcvpc.NewCreateSecurityGroupRequest()
	sgReq.GroupName, sgReq.GroupDescription = sp("web"), sp("web tier")
	sg, err := v.CreateSecurityGroup(sgReq)
	if !j.check("CreateSecurityGroup", "answers the group", err == nil && *sg.Response.SecurityGroup.SecurityGroupName == "web", err) {
		return
	}
	sgID := *sg.Response.SecurityGroup.SecurityGroupId
	pol := tcvpc.NewCreateSecurityGroupPoliciesRequest()
	pol.SecurityGroupId = sp(sgID)
	pol.SecurityGroupPolicySet = &tcvpc.SecurityGroupPolicySet{Ingress: []*tcvpc.SecurityGroupPolicy{
		{Protocol: sp("TCP"), Port: sp("22"), CidrBlock: sp("10.0.0.0/8"), Action: sp("ACCEPT"), PolicyDescription: sp("ssh")},
		{Protocol: sp("TCP"), Port: sp("80,443"), CidrBlock: sp("0.0.0.0/0"), Action: sp("ACCEPT")},
	}}
	_, err = v.CreateSecurityGroupPolicies(pol)
	j.check("CreateSecurityGroupPolicies", "two ingress rules", err == nil, err)
	dp := tcvpc.NewDescribeSecurityGroupPoliciesRequest()
	dp.SecurityGroupId = sp(sgID)
	pols, err := v.DescribeSecurityGroupPolicies(dp)
	j.check("DescribeSecurityGroupPolicies", "the rules in order, with a Version", err == nil &&
		len(pols.Response.SecurityGroupPolicySet.Ingress) == 2 && *pols.Response.SecurityGroupPolicySet.Ingress[0].Port == "22" &&
		*pols.Response.SecurityGroupPolicySet.Ingress[1].PolicyIndex == 1 && *pols.Response.SecurityGroupPolicySet.Version == "1", err)
	del := tcvpc.NewDeleteSecurityGroupPoliciesRequest()
	del.SecurityGroupId = sp(sgID)
	del.SecurityGroupPolicySet = &tcvpc.SecurityGroupPolicySet{Ingress: []*tcvpc.SecurityGroupPolicy{{PolicyIndex: common.Int64Ptr(1)}}}
	_, err = v.DeleteSecurityGroupPolicies(del)
	pols, err2 := v.DescribeSecurityGroupPolicies(dp)
	j.check("DeleteSecurityGroupPolicies", "removes the rule at PolicyIndex", err == nil && err2 == nil &&
		len(pols.Response.SecurityGroupPolicySet.Ingress) == 1, err, err2)
	dsg := tcvpc.NewDescribeSecurityGroupsRequest()
	dsg.Filters = []*tcvpc.Filter{{Name: sp("security-group-name"), Values: common.StringPtrs([]string{"web"})}}
	dsg.Limit, dsg.Offset = sp("10"), sp("0") // strings, as vpc types them
	groups, err := v.DescribeSecurityGroups(dsg)
	j.check("DescribeSecurityGroups", "filter by name, string-typed Offset and Limit", err == nil &&
		*groups.Response.TotalCount == 1 && *groups.Response.SecurityGroupSet[0].SecurityGroupId == sgID, err)

	run := tccvm.NewRunInstancesRequest()
	run.Placement = &tccvm.Placement{Zone: sp("ap-guangzhou-3")}
	run.ImageId, run.InstanceType = sp(imageID), sp("S5.MEDIUM4")
	run.InstanceCount, run.ClientToken = common.Int64Ptr(2), sp("flow-token-1")
	run.InstanceName = sp("web")
	run.SecurityGroupIds = common.StringPtrs([]string{sgID})
	run.InternetAccessible = &tccvm.InternetAccessible{InternetMaxBandwidthOut: common.Int64Ptr(1), PublicIpAssigned: common.BoolPtr(true)}
	first, err := c.RunInstances(run)
	if !j.check("RunInstances", "makes InstanceCount instances", err == nil && len(first.Response.InstanceIdSet) == 2, err) {
		return
	}
	ids := common.StringValues(first.Response.InstanceIdSet)
	again, err := c.RunInstances(run)
	j.check("RunInstances", "the same ClientToken answers the same instances, none made", err == nil &&
		slices.Equal(common.StringValues(again.Response.InstanceIdSet), ids), err)

	running := waitState(t, j, c, ids, "RUNNING")
	j.check("DescribeInstances", "PENDING, then RUNNING", running, ids)
	dr := tccvm.NewDescribeInstancesRequest()
	dr.InstanceIds = common.StringPtrs(ids)
	got, err := c.DescribeInstances(dr)
	ok = err == nil && len(got.Response.InstanceSet) == 2
	if ok {
		in := got.Response.InstanceSet[0]
		ok = *in.InstanceType == "S5.MEDIUM4" && *in.CPU == 2 && *in.Memory == 4 && *in.Placement.Zone == "ap-guangzhou-3" &&
			*in.InstanceChargeType == "POSTPAID_BY_HOUR" && len(in.PublicIpAddresses) == 1 &&
			slices.Equal(common.StringValues(in.SecurityGroupIds), []string{sgID}) && *in.ImageId == imageID &&
			*in.LatestOperation == "RunInstances" && *in.LatestOperationState == "SUCCESS"
	}
	j.check("DescribeInstances", "the instances' type, shape, zone, charge, IP, groups, image, latest operation", ok, err)

	page := tccvm.NewDescribeInstancesRequest()
	page.Filters = []*tccvm.Filter{{Name: sp("zone"), Values: common.StringPtrs([]string{"ap-guangzhou-3"})},
		{Name: sp("instance-name"), Values: common.StringPtrs([]string{"web"})}}
	page.Offset, page.Limit = common.Int64Ptr(1), common.Int64Ptr(1)
	pg, err := c.DescribeInstances(page)
	j.check("DescribeInstances", "Filters with Offset/Limit: TotalCount of all, one on the page", err == nil &&
		*pg.Response.TotalCount == 2 && len(pg.Response.InstanceSet) == 1 && *pg.Response.InstanceSet[0].InstanceId == ids[1], err)

	both := tccvm.NewDescribeInstancesRequest()
	both.InstanceIds = common.StringPtrs(ids[:1])
	both.Filters = page.Filters
	_, err = c.DescribeInstances(both)
	j.check("DescribeInstances", "InstanceIds with Filters is InvalidParameter", codeOf(err) == "InvalidParameter", err)
	bad := tccvm.NewDescribeInstancesRequest()
	bad.InstanceIds = common.StringPtrs([]string{"i-nonsense"})
	_, err = c.DescribeInstances(bad)
	j.check("DescribeInstances", "a malformed id is InvalidInstanceId.Malformed", codeOf(err) == "InvalidInstanceId.Malformed", err)
	big := tccvm.NewDescribeInstancesRequest()
	big.Limit = common.Int64Ptr(101)
	_, err = c.DescribeInstances(big)
	j.check("DescribeInstances", "Limit over 100 is refused", codeOf(err) == "InvalidParameterValue.LimitExceeded", err)

	start := tccvm.NewStartInstancesRequest()
	start.InstanceIds = common.StringPtrs(ids)
	_, err = c.StartInstances(start)
	j.check("StartInstances", "starting RUNNING instances is InvalidInstanceState, and changes nothing", codeOf(err) == "InvalidInstanceState", err)
	missing := tccvm.NewStopInstancesRequest()
	missing.InstanceIds = common.StringPtrs([]string{ids[0], "ins-00000000"})
	_, err = c.StopInstances(missing)
	j.check("StopInstances", "an unknown id is InvalidInstanceId.NotFound, and the batch does nothing", codeOf(err) == "InvalidInstanceId.NotFound" &&
		stateOf(c, ids[0]) == "RUNNING", err)

	stop := tccvm.NewStopInstancesRequest()
	stop.InstanceIds, stop.StopType = common.StringPtrs(ids), sp("SOFT")
	_, err = c.StopInstances(stop)
	j.check("StopInstances", "accepted", err == nil, err)
	j.check("StopInstances", "STOPPING, then STOPPED", waitState(t, j, c, ids, "STOPPED"))

	bind := tccvm.NewAssociateInstancesKeyPairsRequest()
	bind.InstanceIds, bind.KeyIds = common.StringPtrs(ids[:1]), common.StringPtrs([]string{keyID})
	_, err = c.AssociateInstancesKeyPairs(bind)
	dk := tccvm.NewDescribeKeyPairsRequest()
	dk.KeyIds = common.StringPtrs([]string{keyID})
	keys, err2 := c.DescribeKeyPairs(dk)
	j.check("AssociateInstancesKeyPairs", "the key shows the instance", err == nil && err2 == nil &&
		slices.Equal(common.StringValues(keys.Response.KeyPairSet[0].AssociatedInstanceIds), ids[:1]), err, err2)

	_, err = c.StartInstances(start)
	j.check("StartInstances", "accepted", err == nil, err)
	j.check("StartInstances", "STARTING, then RUNNING", waitState(t, j, c, ids, "RUNNING"))
	reboot := tccvm.NewRebootInstancesRequest()
	reboot.InstanceIds = common.StringPtrs(ids[1:])
	_, err = c.RebootInstances(reboot)
	j.check("RebootInstances", "REBOOTING, then RUNNING", err == nil && stateOf(c, ids[1]) == "REBOOTING" && waitState(t, j, c, ids[1:], "RUNNING"), err)

	alloc := tcvpc.NewAllocateAddressesRequest()
	alloc.AddressCount = common.Int64Ptr(1)
	eips, err := v.AllocateAddresses(alloc)
	if !j.check("AllocateAddresses", "answers the address and a TaskId", err == nil && len(eips.Response.AddressSet) == 1 && *eips.Response.TaskId != "", err) {
		return
	}
	eipID := *eips.Response.AddressSet[0]
	waitTask(t, j, v, *eips.Response.TaskId)
	j.check("DescribeAddresses", "CREATING, then UNBIND", waitAddress(v, eipID, "UNBIND"))
	assoc := tcvpc.NewAssociateAddressRequest()
	assoc.AddressId, assoc.InstanceId = sp(eipID), sp(ids[0])
	ar, err := v.AssociateAddress(assoc)
	j.check("AssociateAddress", "answers a TaskId", err == nil && *ar.Response.TaskId != "", err)
	j.check("DescribeAddresses", "BINDING, then BIND to the instance", waitAddress(v, eipID, "BIND") && addressOf(v, eipID).InstanceId != nil &&
		*addressOf(v, eipID).InstanceId == ids[0])
	_, err = v.ReleaseAddresses(&tcvpc.ReleaseAddressesRequest{BaseRequest: tcvpc.NewReleaseAddressesRequest().BaseRequest, AddressIds: common.StringPtrs([]string{eipID})})
	j.check("ReleaseAddresses", "a BIND address is InvalidAddressIdStatus.NotPermit", codeOf(err) == "InvalidAddressIdStatus.NotPermit", err)
	dis := tcvpc.NewDisassociateAddressRequest()
	dis.AddressId = sp(eipID)
	_, err = v.DisassociateAddress(dis)
	j.check("DisassociateAddress", "UNBINDING, then UNBIND", err == nil && waitAddress(v, eipID, "UNBIND"), err)
	rel := tcvpc.NewReleaseAddressesRequest()
	rel.AddressIds = common.StringPtrs([]string{eipID})
	_, err = v.ReleaseAddresses(rel)
	da := tcvpc.NewDescribeAddressesRequest()
	da.AddressIds = common.StringPtrs([]string{eipID})
	gone, err2 := v.DescribeAddresses(da)
	j.check("ReleaseAddresses", "the address is gone", err == nil && err2 == nil && *gone.Response.TotalCount == 0, err, err2)

	_, err = c.TerminateInstances(&tccvm.TerminateInstancesRequest{BaseRequest: tccvm.NewTerminateInstancesRequest().BaseRequest, InstanceIds: common.StringPtrs(ids)})
	j.check("TerminateInstances", "accepted", err == nil, err)
	j.check("TerminateInstances", "TERMINATING, then gone", waitGone(c, ids))

	dsgDel := tcvpc.NewDeleteSecurityGroupRequest()
	dsgDel.SecurityGroupId = sp(sgID)
	_, err = v.DeleteSecurityGroup(dsgDel)
	j.check("DeleteSecurityGroup", "the group, used by no instance now, is deleted", err == nil, err)
	dkd := tccvm.NewDeleteKeyPairsRequest()
	dkd.KeyIds = common.StringPtrs([]string{keyID})
	_, err = c.DeleteKeyPairs(dkd)
	j.check("DeleteKeyPairs", "the key, bound to no instance now, is deleted", err == nil, err)
}

// waitState polls DescribeInstancesStatus until every instance is in
// state; the emulator's clock moves by itself as the client waits.
func waitState(t *testing.T, j *judge, c *tccvm.Client, ids []string, state string) bool {
	t.Helper()
	req := tccvm.NewDescribeInstancesStatusRequest()
	req.InstanceIds = common.StringPtrs(ids)
	for range 10 {
		resp, err := c.DescribeInstancesStatus(req)
		if err != nil {
			t.Logf("DescribeInstancesStatus: %v", err)
			return false
		}
		all := len(resp.Response.InstanceStatusSet) == len(ids)
		for _, s := range resp.Response.InstanceStatusSet {
			all = all && *s.InstanceState == state
		}
		if all {
			return true
		}
	}
	return false
}

func stateOf(c *tccvm.Client, id string) string {
	req := tccvm.NewDescribeInstancesRequest()
	req.InstanceIds = common.StringPtrs([]string{id})
	resp, err := c.DescribeInstances(req)
	if err != nil || len(resp.Response.InstanceSet) != 1 {
		return ""
	}
	return *resp.Response.InstanceSet[0].InstanceState
}

// terminateRunning waits until the instances run, terminates them, and
// waits until they are gone.
func terminateRunning(t *testing.T, j *judge, c *tccvm.Client, ids ...string) {
	t.Helper()
	waitState(t, j, c, ids, "RUNNING")
	req := tccvm.NewTerminateInstancesRequest()
	req.InstanceIds = common.StringPtrs(ids)
	if _, err := c.TerminateInstances(req); err != nil {
		t.Fatal(err)
	}
	waitGone(c, ids)
}

func waitGone(c *tccvm.Client, ids []string) bool {
	req := tccvm.NewDescribeInstancesRequest()
	req.InstanceIds = common.StringPtrs(ids)
	for range 10 {
		resp, err := c.DescribeInstances(req)
		if err != nil {
			return false
		}
		if *resp.Response.TotalCount == 0 {
			return true
		}
	}
	return false
}

func waitTask(t *testing.T, j *judge, v *tcvpc.Client, id string) {
	t.Helper()
	req := tcvpc.NewDescribeTaskResultRequest()
	task, err := strconv.ParseUint(id, 10, 64) // a string in AllocateAddresses, a number here
	if !j.check("AllocateAddresses", "the TaskId is a number", err == nil, id) {
		return
	}
	req.TaskId = common.Uint64Ptr(task)
	for range 10 {
		resp, err := v.DescribeTaskResult(req)
		if err != nil {
			j.check("DescribeTaskResult", "answers the task", false, err)
			return
		}
		if *resp.Response.Result == "SUCCESS" {
			j.check("DescribeTaskResult", "RUNNING, then SUCCESS", true)
			return
		}
		addressTick(v)
	}
	j.check("DescribeTaskResult", "RUNNING, then SUCCESS", false)
}

// addressTick is a describe of addresses, which lets the emulator's clock
// move to the end of a transition the client waits on.
func addressTick(v *tcvpc.Client) { _, _ = v.DescribeAddresses(tcvpc.NewDescribeAddressesRequest()) }

func addressOf(v *tcvpc.Client, id string) *tcvpc.Address {
	req := tcvpc.NewDescribeAddressesRequest()
	req.AddressIds = common.StringPtrs([]string{id})
	resp, err := v.DescribeAddresses(req)
	if err != nil || len(resp.Response.AddressSet) != 1 {
		return &tcvpc.Address{}
	}
	return resp.Response.AddressSet[0]
}

func waitAddress(v *tcvpc.Client, id, status string) bool {
	for range 10 {
		if a := addressOf(v, id); a.AddressStatus != nil && *a.AddressStatus == status {
			return true
		}
	}
	return false
}

// goInProcess starts cvmtest's server with opts and points the official Go
// SDK's clients at it, with a judge of their checks and the model walk of
// their answers.
func goInProcess(t *testing.T, opts ...cvmtest.Option) (*cvmtest.Server, target, *judge, *tccvm.Client, *tcvpc.Client) {
	t.Helper()
	srv := cvmtest.NewServer(append([]cvmtest.Option{cvmtest.WithAutoAdvance(nowish())}, opts...)...)
	t.Cleanup(srv.Close)
	id, key, _ := srv.Credentials()
	tg := target{name: "cvmtest", endpoint: srv.API3Endpoint(), id: id, key: key}
	j := newJudge(t, "tencentcloud-sdk-go", "API 3.0", "cvmtest")
	c, v := goClients(t, tg, nil)
	walkModels(t, j, c, v)
	return srv, tg, j, c, v
}
