package conformance

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// TestGoSDKEveryAction calls, through the official Go SDK, each API 3.0
// action the flows do not, with a check of its effect read back: images,
// key pairs, reconfiguration, prices, renewal of prepaid instances and
// their orders, projects, groups of instances and interfaces, and EIPs'
// other actions. billing, tag and region go through the SDK's
// CommonClient, as the Go SDK's packages for them are not among the pinned
// modules.
func TestGoSDKEveryAction(t *testing.T) {
	srv, tg, j, c, v := goInProcess(t, cvmtest.WithUnpaidDeals())
	walk := newModelWalk() // against the newest models: no Go model of these is pinned
	t.Cleanup(func() { walk.check(j, nil) })
	common3 := func(service, version, action string, params map[string]any, out any) error {
		cc := common.NewCommonClient(credFor(tg), region, profileFor(tg, nil))
		cc.WithHttpTransport(walk)
		req := tchttp.NewCommonRequest(service, version, action)
		if err := req.SetActionParameters(params); err != nil {
			return err
		}
		resp := tchttp.NewCommonResponse()
		if err := cc.Send(req, resp); err != nil {
			return err
		}
		var env struct{ Response json.RawMessage }
		if err := json.Unmarshal(resp.GetBody(), &env); err != nil {
			return err
		}
		return json.Unmarshal(env.Response, out)
	}

	// A VPC with two subnets, made as a user makes them.
	cv := tcvpc.NewCreateVpcRequest()
	cv.VpcName, cv.CidrBlock = sp("conform"), sp("10.77.0.0/16")
	madeVpc, err := v.CreateVpc(cv)
	if err != nil {
		t.Fatal(err)
	}
	vpcID := *madeVpc.Response.Vpc.VpcId
	subnet := func(name, cidr string) string {
		cs := tcvpc.NewCreateSubnetRequest()
		cs.VpcId, cs.SubnetName, cs.CidrBlock, cs.Zone = sp(vpcID), sp(name), sp(cidr), sp("ap-guangzhou-3")
		made, err := v.CreateSubnet(cs)
		if err != nil {
			t.Fatal(err)
		}
		return *made.Response.Subnet.SubnetId
	}
	subnet1, subnet2 := subnet("conform-1", "10.77.1.0/24"), subnet("conform-2", "10.77.0.0/24")

	// Instances to work on: one postpaid in a VPC, one prepaid.
	run := tccvm.NewRunInstancesRequest()
	run.Placement = &tccvm.Placement{Zone: sp("ap-guangzhou-3")}
	run.ImageId, run.InstanceType = sp("img-31tjrtph"), sp("S2.SMALL2")
	run.VirtualPrivateCloud = &tccvm.VirtualPrivateCloud{VpcId: sp(vpcID), SubnetId: sp(subnet1)}
	run.InternetAccessible = &tccvm.InternetAccessible{InternetMaxBandwidthOut: common.Int64Ptr(2)}
	r1, err := c.RunInstances(run)
	if err != nil {
		t.Fatal(err)
	}
	hourly := *r1.Response.InstanceIdSet[0]
	pre := tccvm.NewRunInstancesRequest()
	pre.Placement, pre.ImageId, pre.InstanceType = run.Placement, run.ImageId, sp("S5.SMALL1")
	pre.InstanceChargeType = sp("PREPAID")
	pre.InstanceChargePrepaid = &tccvm.InstanceChargePrepaid{Period: common.Int64Ptr(1)}
	r2, err := c.RunInstances(pre)
	if !j.check("RunInstances", "PREPAID with a Period", err == nil, err) {
		return
	}
	prepaid := *r2.Response.InstanceIdSet[0]

	// Orders: the prepaid purchase left one unpaid (WithUnpaidDeals).
	var deals struct {
		Deals []struct {
			OrderId    string
			Status     int
			ResourceId []string
		}
		TotalCount int
	}
	err = common3("billing", "2018-07-09", "DescribeDealsByCond", map[string]any{"StartTime": "2000-01-01 00:00:00",
		"EndTime": "2100-01-01 00:00:00", "Limit": 100, "Offset": 0}, &deals)
	j.check("DescribeDealsByCond", "the unpaid order of the prepaid instance", err == nil && deals.TotalCount == 1 &&
		deals.Deals[0].Status == 1 && slices.Equal(deals.Deals[0].ResourceId, []string{prepaid}), err, deals)
	err = common3("billing", "2018-07-09", "DescribeDealsByCond", map[string]any{"StartTime": "2000-01-01 00:00:00",
		"EndTime": "2100-01-01 00:00:00"}, &deals)
	j.check("DescribeDealsByCond", "Limit is required", codeOf(err) == "MissingParameter", err)
	if len(deals.Deals) == 1 {
		var paid struct{ OrderIds []string }
		err = common3("billing", "2018-07-09", "PayDeals", map[string]any{"OrderIds": []string{deals.Deals[0].OrderId}}, &paid)
		j.check("PayDeals", "pays the order, and the instance is delivered", err == nil && len(paid.OrderIds) == 1 &&
			waitState(t, j, c, []string{prepaid}, "RUNNING"), err)
	}
	waitState(t, j, c, []string{hourly}, "RUNNING")

	// Projects (tag).
	var added struct {
		ProjectId int
		IsNew     int
	}
	err = common3("tag", "2018-08-13", "AddProject", map[string]any{"ProjectName": "conformance", "Info": "made by the Go SDK"}, &added)
	j.check("AddProject", "a new project", err == nil && added.ProjectId > 0 && added.IsNew == 1, err)
	var projects struct {
		Total    int
		Projects []struct{ ProjectId int }
	}
	err = common3("tag", "2018-08-13", "DescribeProjects", map[string]any{"AllList": 1, "Limit": 1000, "Offset": 0}, &projects)
	j.check("DescribeProjects", "lists it", err == nil && projects.Total >= 1 &&
		slices.ContainsFunc(projects.Projects, func(p struct{ ProjectId int }) bool { return p.ProjectId == added.ProjectId }), err)
	mp := tccvm.NewModifyInstancesProjectRequest()
	mp.InstanceIds, mp.ProjectId = common.StringPtrs([]string{hourly}), common.Int64Ptr(int64(added.ProjectId))
	_, err = c.ModifyInstancesProject(mp)
	byProject := tccvm.NewDescribeInstancesRequest()
	byProject.Filters = []*tccvm.Filter{{Name: sp("project-id"), Values: common.StringPtrs([]string{itoa(added.ProjectId)})}}
	inProject, err2 := c.DescribeInstances(byProject)
	j.check("ModifyInstancesProject", "the filter project-id finds it there", err == nil && err2 == nil &&
		*inProject.Response.TotalCount == 1, err, err2)

	// region 2022-06-27.
	var regs struct{ TotalCount int }
	err = common3("region", "2022-06-27", "DescribeRegions", map[string]any{"Product": "cvm"}, &regs)
	j.check("DescribeRegions", "region's DescribeRegions for Product cvm", err == nil && regs.TotalCount > 1, err)
	var rz struct{ TotalCount int }
	err = common3("region", "2022-06-27", "DescribeZones", map[string]any{"Product": "cvm"}, &rz)
	j.check("DescribeZones", "region's DescribeZones for Product cvm", err == nil && rz.TotalCount > 4, err)
	var prods struct{ Products []struct{ Name string } }
	err = common3("region", "2022-06-27", "DescribeProducts", map[string]any{}, &prods)
	j.check("DescribeProducts", "cvm is a product", err == nil && slices.ContainsFunc(prods.Products, func(p struct{ Name string }) bool { return p.Name == "cvm" }), err)

	// Prices.
	ip := tccvm.NewInquiryPriceRunInstancesRequest()
	ip.Placement, ip.ImageId, ip.InstanceType = run.Placement, run.ImageId, sp("S5.LARGE8")
	price, err := c.InquiryPriceRunInstances(ip)
	j.check("InquiryPriceRunInstances", "an hourly unit price", err == nil && *price.Response.Price.InstancePrice.UnitPrice > 0 &&
		*price.Response.Price.InstancePrice.ChargeUnit == "HOUR", err)
	ip.InstanceChargeType = sp("PREPAID")
	ip.InstanceChargePrepaid = &tccvm.InstanceChargePrepaid{Period: common.Int64Ptr(12)}
	price, err = c.InquiryPriceRunInstances(ip)
	j.check("InquiryPriceRunInstances", "a prepaid price for 12 months", err == nil && *price.Response.Price.InstancePrice.OriginalPrice > 0, err)
	ir := tccvm.NewInquiryPriceRenewInstancesRequest()
	ir.InstanceIds = common.StringPtrs([]string{prepaid})
	ir.InstanceChargePrepaid = &tccvm.InstanceChargePrepaid{Period: common.Int64Ptr(3)}
	renewPrice, err := c.InquiryPriceRenewInstances(ir)
	j.check("InquiryPriceRenewInstances", "a price to renew", err == nil && *renewPrice.Response.Price.InstancePrice.OriginalPrice > 0, err)
	ir.InstanceIds = common.StringPtrs([]string{hourly})
	_, err = c.InquiryPriceRenewInstances(ir)
	j.check("InquiryPriceRenewInstances", "a postpaid instance is not renewed", codeOf(err) == "InvalidInstanceNotSupportedPostpaid", err)
	it := tccvm.NewInquiryPriceResetInstancesTypeRequest()
	it.InstanceIds, it.InstanceType = common.StringPtrs([]string{prepaid}), sp("S5.MEDIUM4")
	typePrice, err := c.InquiryPriceResetInstancesType(it)
	j.check("InquiryPriceResetInstancesType", "the price of the bigger type", err == nil && *typePrice.Response.Price.InstancePrice.OriginalPrice > 0, err)
	ib := tccvm.NewInquiryPriceResetInstancesInternetMaxBandwidthRequest()
	ib.InstanceIds = common.StringPtrs([]string{hourly})
	ib.InternetAccessible = &tccvm.InternetAccessible{InternetMaxBandwidthOut: common.Int64Ptr(10)}
	bwPrice, err := c.InquiryPriceResetInstancesInternetMaxBandwidth(ib)
	j.check("InquiryPriceResetInstancesInternetMaxBandwidth", "an hourly bandwidth price", err == nil && *bwPrice.Response.Price.BandwidthPrice.UnitPrice > 0, err)

	// Renewal of the prepaid instance.
	rn := tccvm.NewRenewInstancesRequest()
	rn.InstanceIds = common.StringPtrs([]string{prepaid})
	rn.InstanceChargePrepaid = &tccvm.InstanceChargePrepaid{Period: common.Int64Ptr(2)}
	before := describeOne(c, prepaid)
	_, err = c.RenewInstances(rn)
	after := describeOne(c, prepaid)
	j.check("RenewInstances", "the ExpiredTime moves 2 months", err == nil && before.ExpiredTime != nil && after.ExpiredTime != nil &&
		*after.ExpiredTime > *before.ExpiredTime, err)
	rf := tccvm.NewModifyInstancesRenewFlagRequest()
	rf.InstanceIds, rf.RenewFlag = common.StringPtrs([]string{prepaid}), sp("NOTIFY_AND_AUTO_RENEW")
	_, err = c.ModifyInstancesRenewFlag(rf)
	j.check("ModifyInstancesRenewFlag", "the RenewFlag is set", err == nil && *describeOne(c, prepaid).RenewFlag == "NOTIFY_AND_AUTO_RENEW", err)

	// Bandwidth, then type and disks of the stopped hourly instance.
	bw := tccvm.NewResetInstancesInternetMaxBandwidthRequest()
	bw.InstanceIds = common.StringPtrs([]string{hourly})
	bw.InternetAccessible = &tccvm.InternetAccessible{InternetMaxBandwidthOut: common.Int64Ptr(5)}
	_, err = c.ResetInstancesInternetMaxBandwidth(bw)
	j.check("ResetInstancesInternetMaxBandwidth", "the bandwidth is 5", err == nil &&
		*describeOne(c, hourly).InternetAccessible.InternetMaxBandwidthOut == 5, err)
	rt := tccvm.NewResetInstancesTypeRequest()
	rt.InstanceIds, rt.InstanceType = common.StringPtrs([]string{hourly}), sp("S2.MEDIUM4")
	_, err = c.ResetInstancesType(rt)
	j.check("ResetInstancesType", "a RUNNING instance without ForceStop is InvalidInstanceState", codeOf(err) == "InvalidInstanceState", err)
	rt.ForceStop = common.BoolPtr(true)
	_, err = c.ResetInstancesType(rt)
	j.check("ResetInstancesType", "with ForceStop, the new type once STOPPED", err == nil && waitState(t, j, c, []string{hourly}, "STOPPED") &&
		*describeOne(c, hourly).InstanceType == "S2.MEDIUM4" && *describeOne(c, hourly).CPU == 2, err)
	rd := tccvm.NewResizeInstanceDisksRequest()
	rd.InstanceId = sp(hourly)
	rd.DataDisks = []*tccvm.DataDisk{{DiskSize: common.Int64Ptr(100)}}
	_, err = c.ResizeInstanceDisks(rd)
	waitDone(c, hourly)
	in := describeOne(c, hourly)
	j.check("ResizeInstanceDisks", "the data disk is 100 GB", err == nil && len(in.DataDisks) == 1 && *in.DataDisks[0].DiskSize == 100, err)

	// Groups of an instance.
	g1 := createGroup(t, v, "ga")
	g2 := createGroup(t, v, "gb")
	as := tccvm.NewAssociateSecurityGroupsRequest()
	as.InstanceIds, as.SecurityGroupIds = common.StringPtrs([]string{hourly}), common.StringPtrs([]string{g1, g2})
	_, err = c.AssociateSecurityGroups(as)
	j.check("AssociateSecurityGroups", "both groups", err == nil && slices.Equal(common.StringValues(describeOne(c, hourly).SecurityGroupIds), []string{g1, g2}), err)
	ds := tccvm.NewDisassociateSecurityGroupsRequest()
	ds.InstanceIds, ds.SecurityGroupIds = common.StringPtrs([]string{hourly}), common.StringPtrs([]string{g1})
	_, err = c.DisassociateSecurityGroups(ds)
	j.check("DisassociateSecurityGroups", "one group left", err == nil && slices.Equal(common.StringValues(describeOne(c, hourly).SecurityGroupIds), []string{g2}), err)
	ma := tccvm.NewModifyInstancesAttributeRequest()
	ma.InstanceIds, ma.SecurityGroups = common.StringPtrs([]string{hourly}), common.StringPtrs([]string{g1})
	_, err = c.ModifyInstancesAttribute(ma)
	j.check("ModifyInstancesAttribute", "SecurityGroups replaces the list", err == nil && slices.Equal(common.StringValues(describeOne(c, hourly).SecurityGroupIds), []string{g1}), err)
	bySG := tccvm.NewDescribeInstancesRequest()
	bySG.Filters = []*tccvm.Filter{{Name: sp("security-group-id"), Values: common.StringPtrs([]string{g1})}}
	inGroup, err := c.DescribeInstances(bySG)
	j.check("DescribeInstances", "the filter security-group-id (legacy DescribeInstancesOfSecurityGroup)", err == nil &&
		*inGroup.Response.TotalCount == 1, err)

	// Groups: attributes, rules replaced, references, statistics, default.
	msa := tcvpc.NewModifySecurityGroupAttributeRequest()
	msa.SecurityGroupId, msa.GroupName, msa.GroupDescription = sp(g2), sp("gb-renamed"), sp("renamed")
	_, err = v.ModifySecurityGroupAttribute(msa)
	dsg := tcvpc.NewDescribeSecurityGroupsRequest()
	dsg.SecurityGroupIds = common.StringPtrs([]string{g2})
	gs, err2 := v.DescribeSecurityGroups(dsg)
	j.check("ModifySecurityGroupAttribute", "the new name and description", err == nil && err2 == nil &&
		*gs.Response.SecurityGroupSet[0].SecurityGroupName == "gb-renamed" && *gs.Response.SecurityGroupSet[0].SecurityGroupDesc == "renamed", err, err2)
	msp := tcvpc.NewModifySecurityGroupPoliciesRequest()
	msp.SecurityGroupId = sp(g2)
	msp.SecurityGroupPolicySet = &tcvpc.SecurityGroupPolicySet{
		Ingress: []*tcvpc.SecurityGroupPolicy{{Protocol: sp("TCP"), Port: sp("443"), SecurityGroupId: sp(g1), Action: sp("ACCEPT")}},
		Egress:  []*tcvpc.SecurityGroupPolicy{{Protocol: sp("ALL"), CidrBlock: sp("0.0.0.0/0"), Action: sp("ACCEPT")}},
	}
	_, err = v.ModifySecurityGroupPolicies(msp)
	dp := tcvpc.NewDescribeSecurityGroupPoliciesRequest()
	dp.SecurityGroupId = sp(g2)
	pols, err2 := v.DescribeSecurityGroupPolicies(dp)
	j.check("ModifySecurityGroupPolicies", "every rule replaced", err == nil && err2 == nil &&
		len(pols.Response.SecurityGroupPolicySet.Ingress) == 1 && len(pols.Response.SecurityGroupPolicySet.Egress) == 1 &&
		*pols.Response.SecurityGroupPolicySet.Ingress[0].SecurityGroupId == g1, err, err2)
	refs := tcvpc.NewDescribeSecurityGroupReferencesRequest()
	refs.SecurityGroupIds = common.StringPtrs([]string{g1})
	rr, err := v.DescribeSecurityGroupReferences(refs)
	j.check("DescribeSecurityGroupReferences", "g2's rule refers to g1", err == nil &&
		slices.Equal(common.StringValues(rr.Response.ReferredSecurityGroupSet[0].ReferredSecurityGroupIds), []string{g2}), err)
	st := tcvpc.NewDescribeSecurityGroupAssociationStatisticsRequest()
	st.SecurityGroupIds = common.StringPtrs([]string{g1})
	stats, err := v.DescribeSecurityGroupAssociationStatistics(st)
	j.check("DescribeSecurityGroupAssociationStatistics", "one instance, one referring group", err == nil &&
		*stats.Response.SecurityGroupAssociationStatisticsSet[0].CVM == 1 && *stats.Response.SecurityGroupAssociationStatisticsSet[0].SG == 1, err)
	def, err := v.CreateDefaultSecurityGroup(tcvpc.NewCreateDefaultSecurityGroupRequest())
	def2, err2 := v.CreateDefaultSecurityGroup(tcvpc.NewCreateDefaultSecurityGroupRequest())
	j.check("CreateDefaultSecurityGroup", "made once, then the same one", err == nil && err2 == nil &&
		*def.Response.SecurityGroup.IsDefault && *def.Response.SecurityGroup.SecurityGroupId == *def2.Response.SecurityGroup.SecurityGroupId, err, err2)

	// Network interfaces.
	eni := srv.SeedNetworkInterface("gz", vpcID, 100003)
	att := tcvpc.NewAttachNetworkInterfaceRequest()
	att.NetworkInterfaceId, att.InstanceId = sp(eni), sp(hourly)
	_, err = v.AttachNetworkInterface(att)
	j.check("AttachNetworkInterface", "the interface is attached", err == nil, err)
	dn := tcvpc.NewDescribeNetworkInterfacesRequest()
	dn.Filters = []*tcvpc.Filter{{Name: sp("attachment.instance-id"), Values: common.StringPtrs([]string{hourly})}}
	enis, err := v.DescribeNetworkInterfaces(dn)
	j.check("DescribeNetworkInterfaces", "the instance's primary and attached interfaces", err == nil && *enis.Response.TotalCount == 2, err)
	mn := tcvpc.NewModifyNetworkInterfaceAttributeRequest()
	mn.NetworkInterfaceId, mn.SecurityGroupIds = sp(eni), common.StringPtrs([]string{g2})
	_, err = v.ModifyNetworkInterfaceAttribute(mn)
	byGroup := tcvpc.NewDescribeNetworkInterfacesRequest()
	byGroup.Filters = []*tcvpc.Filter{{Name: sp("groups.security-group-id"), Values: common.StringPtrs([]string{g2})}}
	inG2, err2 := v.DescribeNetworkInterfaces(byGroup)
	j.check("ModifyNetworkInterfaceAttribute", "the interface is in g2 (filter groups.security-group-id)", err == nil && err2 == nil &&
		*inG2.Response.TotalCount == 1 && *inG2.Response.NetworkInterfaceSet[0].NetworkInterfaceId == eni, err, err2)
	an := tcvpc.NewAssociateNetworkInterfaceSecurityGroupsRequest()
	an.NetworkInterfaceIds, an.SecurityGroupIds = common.StringPtrs([]string{eni}), common.StringPtrs([]string{g1})
	_, err = v.AssociateNetworkInterfaceSecurityGroups(an)
	j.check("AssociateNetworkInterfaceSecurityGroups", "adds g1", err == nil && slices.Equal(eniGroups(v, eni), []string{g2, g1}), err)
	dnsg := tcvpc.NewDisassociateNetworkInterfaceSecurityGroupsRequest()
	dnsg.NetworkInterfaceIds, dnsg.SecurityGroupIds = common.StringPtrs([]string{eni}), common.StringPtrs([]string{g2})
	_, err = v.DisassociateNetworkInterfaceSecurityGroups(dnsg)
	j.check("DisassociateNetworkInterfaceSecurityGroups", "removes g2", err == nil && slices.Equal(eniGroups(v, eni), []string{g1}), err)
	vt := tcvpc.NewDescribeVpcTaskResultRequest()
	vt.TaskId = sp("1")
	_, err = v.DescribeVpcTaskResult(vt)
	j.check("DescribeVpcTaskResult", "an unknown task is ResourceNotFound", codeOf(err) == "ResourceNotFound", err)

	// The VPC address of the stopped instance.
	mv := tccvm.NewModifyInstancesVpcAttributeRequest()
	mv.InstanceIds = common.StringPtrs([]string{hourly})
	mv.VirtualPrivateCloud = &tccvm.VirtualPrivateCloud{VpcId: sp(vpcID), SubnetId: sp(subnet2),
		PrivateIpAddresses: common.StringPtrs([]string{"10.77.0.10"})}
	_, err = c.ModifyInstancesVpcAttribute(mv)
	in = describeOne(c, hourly)
	j.check("ModifyInstancesVpcAttribute", "the new subnet and address", err == nil && *in.VirtualPrivateCloud.SubnetId == subnet2 &&
		*in.PrivateIpAddresses[0] == "10.77.0.10", err)

	// Reinstall, with a new password.
	ri := tccvm.NewResetInstanceRequest()
	ri.InstanceId, ri.ImageId = sp(hourly), sp("img-7fwdvfur")
	ri.LoginSettings = &tccvm.LoginSettings{Password: sp("Reinstall-2026")}
	_, err = c.ResetInstance(ri)
	j.check("ResetInstance", "the new image, RUNNING after", err == nil && waitState(t, j, c, []string{hourly}, "RUNNING") &&
		*describeOne(c, hourly).ImageId == "img-7fwdvfur", err)

	// Images of the running instance.
	ci := tccvm.NewCreateImageRequest()
	ci.InstanceId, ci.ImageName, ci.ImageDescription = sp(hourly), sp("conformimg"), sp("made by the Go SDK")
	_, err = c.CreateImage(ci)
	j.check("CreateImage", "a RUNNING instance without ForcePoweroff is InvalidInstanceState", codeOf(err) == "InvalidInstanceState", err)
	ci.ForcePoweroff = sp("TRUE")
	made, err := c.CreateImage(ci)
	if !j.check("CreateImage", "answers the ImageId", err == nil && made.Response.ImageId != nil, err) {
		return
	}
	img := *made.Response.ImageId
	mi := tccvm.NewModifyImageAttributeRequest()
	mi.ImageId, mi.ImageName = sp(img), sp("conformimg2")
	_, err = c.ModifyImageAttribute(mi)
	private := tccvm.NewDescribeImagesRequest()
	private.ImageIds = common.StringPtrs([]string{img})
	var shown *tccvm.Image
	for range 10 { // CREATING, then NORMAL
		got, err := c.DescribeImages(private)
		if err == nil && len(got.Response.ImageSet) == 1 && *got.Response.ImageSet[0].ImageState == "NORMAL" {
			shown = got.Response.ImageSet[0]
			break
		}
	}
	j.check("ModifyImageAttribute", "the new name on the NORMAL private image", err == nil && shown != nil &&
		*shown.ImageName == "conformimg2" && *shown.ImageType == "PRIVATE_IMAGE", err)
	sh := tccvm.NewModifyImageSharePermissionRequest()
	sh.ImageId, sh.AccountIds, sh.Permission = sp(img), common.StringPtrs([]string{"100000000001"}), sp("SHARE")
	_, err = c.ModifyImageSharePermission(sh)
	dsp := tccvm.NewDescribeImageSharePermissionRequest()
	dsp.ImageId = sp(img)
	perms, err2 := c.DescribeImageSharePermission(dsp)
	j.check("DescribeImageSharePermission", "the account it is shared with", err == nil && err2 == nil &&
		len(perms.Response.SharePermissionSet) == 1 && *perms.Response.SharePermissionSet[0].AccountId == "100000000001", err, err2)
	sh.Permission = sp("CANCEL")
	_, err = c.ModifyImageSharePermission(sh)
	perms, err2 = c.DescribeImageSharePermission(dsp)
	j.check("ModifyImageSharePermission", "CANCEL ends the share", err == nil && err2 == nil && len(perms.Response.SharePermissionSet) == 0, err, err2)
	sy := tccvm.NewSyncImagesRequest()
	sy.ImageIds, sy.DestinationRegions = common.StringPtrs([]string{img}), common.StringPtrs([]string{"ap-shanghai"})
	_, err = c.SyncImages(sy)
	sh2, _ := tccvm.NewClient(credFor(tg), "ap-shanghai", profileFor(tg, nil))
	priv := tccvm.NewDescribeImagesRequest()
	priv.Filters = []*tccvm.Filter{{Name: sp("image-type"), Values: common.StringPtrs([]string{"PRIVATE_IMAGE"})}}
	copies, err2 := sh2.DescribeImages(priv)
	j.check("SyncImages", "a copy in ap-shanghai", err == nil && err2 == nil && *copies.Response.TotalCount == 1, err, err2)
	for range 10 { // the source is SYNCING while it is copied
		got, err := c.DescribeImages(private)
		if err == nil && len(got.Response.ImageSet) == 1 && *got.Response.ImageSet[0].ImageState == "NORMAL" {
			break
		}
	}
	di := tccvm.NewDeleteImagesRequest()
	di.ImageIds = common.StringPtrs([]string{img})
	_, err = c.DeleteImages(di)
	gone, err2 := c.DescribeImages(private)
	j.check("DeleteImages", "the image is gone", err == nil && err2 == nil && *gone.Response.TotalCount == 0, err, err2)

	start := tccvm.NewStartInstancesRequest()
	start.InstanceIds = common.StringPtrs([]string{hourly})
	_, err = c.StartInstances(start)
	j.check("StartInstances", "the imaged instance, left STOPPED by ForcePoweroff, starts", err == nil &&
		waitState(t, j, c, []string{hourly}, "RUNNING"), err)

	// Key pairs: import, rename, bind and unbind.
	// An RSA public key made for this test (its private half was thrown away).
	const pub = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDDVRNjUvBmgYnSnD6OUwJ51jAiqT/sEhqGNTmHWNiXUorPdCMQAMq7I8oFL/jBZcupfx0G9FN60U9eI71PXeT6qnrJ3YgkSlFUWbHEP63pMvtkd3OfPwsKdfqC+7rfx6nB4Ytvyt3FPLoOV5GRmAM32CdVcRcbJtl8N3PVibRw70LFfvvIs+U4QrdZ2nQ5qjkumbVnq8OsCkilw+9FkirjgrzMFXUZvKyHYhRCKhza1uSYkVmAWOZfFVZgQsG6yL2jtfYPJIG+bvHD5sEX/FbG+Zt0US8MEoVnhVzlFdHkfWSF9p93HjP2zdcRoFoljWLzS/6uc2FLk6WUugw19XBP conformance"
	ik := tccvm.NewImportKeyPairRequest()
	ik.KeyName, ik.ProjectId, ik.PublicKey = sp("imported"), common.Int64Ptr(0), sp(pub)
	imp, err := c.ImportKeyPair(ik)
	if !j.check("ImportKeyPair", "answers the KeyId", err == nil, err) {
		return
	}
	kid := *imp.Response.KeyId
	mk := tccvm.NewModifyKeyPairAttributeRequest()
	mk.KeyId, mk.KeyName, mk.Description = sp(kid), sp("imported2"), sp("renamed key")
	_, err = c.ModifyKeyPairAttribute(mk)
	dk := tccvm.NewDescribeKeyPairsRequest()
	dk.KeyIds = common.StringPtrs([]string{kid})
	keys, err2 := c.DescribeKeyPairs(dk)
	j.check("ModifyKeyPairAttribute", "the new name and description", err == nil && err2 == nil &&
		*keys.Response.KeyPairSet[0].KeyName == "imported2" && *keys.Response.KeyPairSet[0].Description == "renamed key", err, err2)
	bk := tccvm.NewAssociateInstancesKeyPairsRequest()
	bk.InstanceIds, bk.KeyIds, bk.ForceStop = common.StringPtrs([]string{hourly}), common.StringPtrs([]string{kid}), common.BoolPtr(true)
	_, err = c.AssociateInstancesKeyPairs(bk)
	j.check("AssociateInstancesKeyPairs", "with ForceStop on a RUNNING instance", err == nil &&
		slices.Equal(common.StringValues(describeOne(c, hourly).LoginSettings.KeyIds), []string{kid}), err)
	waitState(t, j, c, []string{hourly}, "RUNNING")
	uk := tccvm.NewDisassociateInstancesKeyPairsRequest()
	uk.InstanceIds, uk.KeyIds, uk.ForceStop = bk.InstanceIds, bk.KeyIds, common.BoolPtr(true)
	_, err = c.DisassociateInstancesKeyPairs(uk)
	j.check("DisassociateInstancesKeyPairs", "the key is unbound", err == nil && describeOne(c, hourly).LoginSettings.KeyIds == nil, err)

	// EIPs: rename, and a public IP turned into an EIP.
	ma2 := tcvpc.NewModifyAddressAttributeRequest()
	alloc, err := v.AllocateAddresses(tcvpc.NewAllocateAddressesRequest())
	if err != nil {
		t.Fatal(err)
	}
	eip := *alloc.Response.AddressSet[0]
	ma2.AddressId, ma2.AddressName = sp(eip), sp("renamed-eip")
	_, err = v.ModifyAddressAttribute(ma2)
	j.check("ModifyAddressAttribute", "the new name", err == nil && *addressOf(v, eip).AddressName == "renamed-eip", err)
	waitState(t, j, c, []string{hourly}, "RUNNING")
	ta := tcvpc.NewTransformAddressRequest()
	ta.InstanceId = sp(hourly)
	tr, err := v.TransformAddress(ta)
	j.check("TransformAddress", "the public IP becomes an EIP bound to the instance", err == nil && tr.Response.AddressId != nil &&
		waitAddress(v, *tr.Response.AddressId, "BIND"), err)
}

// waitDone polls DescribeInstances until the instance's latest operation
// is no longer OPERATING: a reconfiguration keeps the state STOPPED and
// shows its progress there.
func waitDone(c *tccvm.Client, id string) {
	for range 10 {
		if in := describeOne(c, id); in.LatestOperationState != nil && *in.LatestOperationState != "OPERATING" {
			return
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func describeOne(c *tccvm.Client, id string) *tccvm.Instance {
	req := tccvm.NewDescribeInstancesRequest()
	req.InstanceIds = common.StringPtrs([]string{id})
	resp, err := c.DescribeInstances(req)
	if err != nil || len(resp.Response.InstanceSet) != 1 {
		return &tccvm.Instance{}
	}
	return resp.Response.InstanceSet[0]
}

func createGroup(t *testing.T, v *tcvpc.Client, name string) string {
	t.Helper()
	req := tcvpc.NewCreateSecurityGroupRequest()
	req.GroupName, req.GroupDescription = sp(name), sp(name)
	resp, err := v.CreateSecurityGroup(req)
	if err != nil {
		t.Fatal(err)
	}
	return *resp.Response.SecurityGroup.SecurityGroupId
}

func eniGroups(v *tcvpc.Client, id string) []string {
	req := tcvpc.NewDescribeNetworkInterfacesRequest()
	req.NetworkInterfaceIds = common.StringPtrs([]string{id})
	resp, err := v.DescribeNetworkInterfaces(req)
	if err != nil || len(resp.Response.NetworkInterfaceSet) != 1 {
		return nil
	}
	return common.StringValues(resp.Response.NetworkInterfaceSet[0].GroupSet)
}
