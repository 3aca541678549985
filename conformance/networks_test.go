package conformance

import (
	"slices"
	"strings"
	"testing"

	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// TestGoSDKNetworks runs the official Go SDK's vpc client (v1.0.1000)
// through VPCs and subnets as an infrastructure team uses them: the
// default VPC, a VPC of its own with tags, subnets, describes with filters
// and paging, changes, the route table, instances placed in a subnet and
// the addresses they take, the documented refusals, and deletion, refused
// while an instance is inside.
func TestGoSDKNetworks(t *testing.T) {
	srv, _, j, c, v := goInProcess(t, cvmtest.WithoutQuotas())

	dv := tcvpc.NewDescribeVpcsRequest()
	dv.Filters = []*tcvpc.Filter{{Name: sp("is-default"), Values: common.StringPtrs([]string{"true"})}}
	defs, err := v.DescribeVpcs(dv)
	j.check("DescribeVpcs", "the region's default VPC, 172.16.0.0/16", err == nil && *defs.Response.TotalCount == 1 &&
		*defs.Response.VpcSet[0].CidrBlock == "172.16.0.0/16", err)
	ds := tcvpc.NewDescribeSubnetsRequest()
	ds.Filters = []*tcvpc.Filter{{Name: sp("is-default"), Values: common.StringPtrs([]string{"true"})},
		{Name: sp("zone"), Values: common.StringPtrs([]string{"ap-guangzhou-3"})}}
	defSubnets, err := v.DescribeSubnets(ds)
	j.check("DescribeSubnets", "a default subnet in the zone", err == nil && *defSubnets.Response.TotalCount == 1, err)

	cv := tcvpc.NewCreateVpcRequest()
	cv.VpcName, cv.CidrBlock = sp("tf-vpc"), sp("10.20.0.0/16")
	cv.Tags = []*tcvpc.Tag{{Key: sp("team"), Value: sp("infra")}}
	made, err := v.CreateVpc(cv)
	if err != nil {
		t.Fatal(err)
	}
	vpcID := *made.Response.Vpc.VpcId
	j.check("CreateVpc", "the VPC as asked, with its tags", *made.Response.Vpc.CidrBlock == "10.20.0.0/16" &&
		len(made.Response.Vpc.TagSet) == 1 && !*made.Response.Vpc.IsDefault)
	for _, bad := range []struct{ cidr, what string }{{"8.8.0.0/16", "a public block"}, {"10.0.0.0/12", "a /12"}, {"10.0.0.0/29", "a /29"}} {
		r := tcvpc.NewCreateVpcRequest()
		r.VpcName, r.CidrBlock = sp("bad"), sp(bad.cidr)
		_, err := v.CreateVpc(r)
		j.check("CreateVpc", "refuses "+bad.what+" with InvalidParameterValue", codeOf(err) == "InvalidParameterValue", codeOf(err))
	}

	subnet := func(name, cidr string) (string, error) {
		r := tcvpc.NewCreateSubnetRequest()
		r.VpcId, r.SubnetName, r.CidrBlock, r.Zone = sp(vpcID), sp(name), sp(cidr), sp("ap-guangzhou-3")
		resp, err := v.CreateSubnet(r)
		if err != nil {
			return "", err
		}
		return *resp.Response.Subnet.SubnetId, nil
	}
	web, err := subnet("web", "10.20.1.0/24")
	j.check("CreateSubnet", "a /24 inside the VPC", err == nil, err)
	tiny, err := subnet("tiny", "10.20.2.0/29")
	j.check("CreateSubnet", "a /29, the smallest", err == nil, err)
	_, err = subnet("outside", "10.21.0.0/24")
	j.check("CreateSubnet", "refuses a block outside the VPC's with InvalidParameterValue.SubnetRange",
		codeOf(err) == "InvalidParameterValue.SubnetRange", codeOf(err))
	_, err = subnet("overlap", "10.20.1.128/25")
	j.check("CreateSubnet", "refuses a block overlapping another subnet with InvalidParameterValue.SubnetConflict",
		codeOf(err) == "InvalidParameterValue.SubnetConflict", codeOf(err))

	for _, bad := range []struct{ limit, code string }{{"101", "InvalidParameterValue.LimitExceeded"},
		{"0", "InvalidParameterValue.LimitExceeded"}, {"ten", "InvalidParameterValue"}} {
		r := tcvpc.NewDescribeSubnetsRequest()
		r.Limit = sp(bad.limit)
		_, err := v.DescribeSubnets(r)
		j.check("DescribeSubnets", "Limit "+bad.limit+" is "+bad.code+" (1 to 100, §5)", codeOf(err) == bad.code, codeOf(err))
	}
	bySubnetVpc := tcvpc.NewDescribeSubnetsRequest()
	bySubnetVpc.Filters = []*tcvpc.Filter{{Name: sp("vpc-id"), Values: common.StringPtrs([]string{vpcID})}}
	bySubnetVpc.Limit, bySubnetVpc.Offset = sp("1"), sp("1")
	page, err := v.DescribeSubnets(bySubnetVpc)
	j.check("DescribeSubnets", "filter vpc-id, the second of two, one a page", err == nil && *page.Response.TotalCount == 2 &&
		len(page.Response.SubnetSet) == 1 && *page.Response.SubnetSet[0].SubnetId == tiny, err)
	j.check("DescribeSubnets", "a /29 holds 8 addresses, 5 of them usable", err == nil &&
		*page.Response.SubnetSet[0].TotalIpAddressCount == 8 && *page.Response.SubnetSet[0].AvailableIpAddressCount == 5, err)
	byTag := tcvpc.NewDescribeVpcsRequest()
	byTag.Filters = []*tcvpc.Filter{{Name: sp("tag:team"), Values: common.StringPtrs([]string{"infra"})}}
	tagged, err := v.DescribeVpcs(byTag)
	j.check("DescribeVpcs", "filter tag:team", err == nil && *tagged.Response.TotalCount == 1 && *tagged.Response.VpcSet[0].VpcId == vpcID, err)

	mv := tcvpc.NewModifyVpcAttributeRequest()
	mv.VpcId, mv.VpcName, mv.DnsServers = sp(vpcID), sp("tf-vpc-2"), common.StringPtrs([]string{"183.60.83.19", "183.60.82.98"})
	_, err = v.ModifyVpcAttribute(mv)
	byID := tcvpc.NewDescribeVpcsRequest()
	byID.VpcIds = common.StringPtrs([]string{vpcID})
	got, err2 := v.DescribeVpcs(byID)
	j.check("ModifyVpcAttribute", "the new name and DNS servers", err == nil && err2 == nil && *got.Response.VpcSet[0].VpcName == "tf-vpc-2" &&
		len(got.Response.VpcSet[0].DnsServerSet) == 2, err, err2)
	ms := tcvpc.NewModifySubnetAttributeRequest()
	ms.SubnetId, ms.SubnetName = sp(web), sp("web-2")
	_, err = v.ModifySubnetAttribute(ms)
	j.check("ModifySubnetAttribute", "the new name", err == nil, err)

	rt := tcvpc.NewDescribeRouteTablesRequest()
	rt.Filters = []*tcvpc.Filter{{Name: sp("vpc-id"), Values: common.StringPtrs([]string{vpcID})}}
	tables, err := v.DescribeRouteTables(rt)
	j.check("DescribeRouteTables", "the VPC's main table, associated with its two subnets", err == nil &&
		*tables.Response.TotalCount == 1 && *tables.Response.RouteTableSet[0].Main && len(tables.Response.RouteTableSet[0].AssociationSet) == 2, err)

	run := tccvm.NewRunInstancesRequest()
	run.Placement = &tccvm.Placement{Zone: sp("ap-guangzhou-3")}
	run.ImageId = sp("img-31tjrtph")
	run.VirtualPrivateCloud = &tccvm.VirtualPrivateCloud{VpcId: sp(vpcID), SubnetId: sp(web),
		PrivateIpAddresses: common.StringPtrs([]string{"10.20.1.50"})}
	run.UserData = sp("IyEvYmluL3NoCmVjaG8gaGkK") // #!/bin/sh echo hi
	ran, err := c.RunInstances(run)
	if err != nil {
		t.Fatal(err)
	}
	ins := *ran.Response.InstanceIdSet[0]
	attrs := tccvm.NewDescribeInstancesAttributesRequest()
	attrs.InstanceIds, attrs.Attributes = common.StringPtrs([]string{ins}), common.StringPtrs([]string{"UserData"})
	got3, err := c.DescribeInstancesAttributes(attrs)
	j.check("DescribeInstancesAttributes", "the UserData RunInstances was given", err == nil && len(got3.Response.InstanceSet) == 1 &&
		*got3.Response.InstanceSet[0].Attributes.UserData == *run.UserData, err)
	mu := tccvm.NewModifyInstancesAttributeRequest()
	mu.InstanceIds, mu.UserData = common.StringPtrs([]string{ins}), sp("ZWNobyBieWUK")
	_, err = c.ModifyInstancesAttribute(mu)
	got3, err2 = c.DescribeInstancesAttributes(attrs)
	j.check("ModifyInstancesAttribute", "UserData replaced", err == nil && err2 == nil &&
		*got3.Response.InstanceSet[0].Attributes.UserData == "ZWNobyBieWUK", err, err2)
	bad := tccvm.NewDescribeInstancesAttributesRequest()
	bad.InstanceIds, bad.Attributes = attrs.InstanceIds, common.StringPtrs([]string{"Password"})
	_, err = c.DescribeInstancesAttributes(bad)
	j.check("DescribeInstancesAttributes", "refuses an attribute it does not document with InvalidParameterValue",
		codeOf(err) == "InvalidParameterValue", codeOf(err))
	in := describeOne(c, ins)
	j.check("RunInstances", "placed in the subnet, at the address asked", *in.VirtualPrivateCloud.SubnetId == web &&
		*in.PrivateIpAddresses[0] == "10.20.1.50")
	placed := func(name, value string) []string {
		req := tccvm.NewDescribeInstancesRequest()
		req.Filters = []*tccvm.Filter{{Name: sp(name), Values: common.StringPtrs([]string{value})}}
		resp, err := c.DescribeInstances(req)
		if err != nil {
			return []string{"error: " + codeOf(err)}
		}
		var ids []string
		for _, i := range resp.Response.InstanceSet {
			ids = append(ids, *i.InstanceId)
		}
		return ids
	}
	j.check("DescribeInstances", "filters vpc-id and subnet-id find the instance in the subnet, and no other",
		slices.Equal(placed("vpc-id", vpcID), []string{ins}) && slices.Equal(placed("subnet-id", web), []string{ins}) &&
			len(placed("subnet-id", tiny)) == 0, placed("vpc-id", vpcID))
	used := tcvpc.NewDescribeUsedIpAddressRequest()
	used.VpcId, used.SubnetId = sp(vpcID), sp(web)
	ips, err := v.DescribeUsedIpAddress(used)
	j.check("DescribeUsedIpAddress", "the instance's address, taken", err == nil && *ips.Response.TotalCount == 1 &&
		*ips.Response.IpAddressStates[0].ResourceId == ins, err)
	for _, bad := range []struct {
		what, code string
		edit       func(*tccvm.RunInstancesRequest)
	}{
		{"an address taken", "VpcIpIsUsed", func(r *tccvm.RunInstancesRequest) {}},
		{"an address outside the subnet", "VpcAddrNotInSubNet", func(r *tccvm.RunInstancesRequest) {
			r.VirtualPrivateCloud.PrivateIpAddresses = common.StringPtrs([]string{"10.20.2.3"})
		}},
		{"a subnet of another zone", "InvalidParameterValue.SubnetIdZoneIdNotMatch", func(r *tccvm.RunInstancesRequest) {
			r.Placement = &tccvm.Placement{Zone: sp("ap-guangzhou-2")}
			r.VirtualPrivateCloud.PrivateIpAddresses = nil
		}},
		{"a VPC that does not exist", "InvalidParameterValue.VpcIdNotExist", func(r *tccvm.RunInstancesRequest) {
			r.VirtualPrivateCloud = &tccvm.VirtualPrivateCloud{VpcId: sp("vpc-00000000"), SubnetId: sp(web)}
		}},
		{"more instances than the subnet has addresses", "FailedOperation.NoAvailableIpAddressCountInSubnet", func(r *tccvm.RunInstancesRequest) {
			r.VirtualPrivateCloud = &tccvm.VirtualPrivateCloud{VpcId: sp(vpcID), SubnetId: sp(tiny)}
			r.InstanceCount = common.Int64Ptr(6)
		}},
	} {
		r := tccvm.NewRunInstancesRequest()
		r.Placement, r.ImageId = run.Placement, run.ImageId
		r.VirtualPrivateCloud = &tccvm.VirtualPrivateCloud{VpcId: sp(vpcID), SubnetId: sp(web),
			PrivateIpAddresses: common.StringPtrs([]string{"10.20.1.50"})}
		bad.edit(r)
		_, err := c.RunInstances(r)
		j.check("RunInstances", "refuses "+bad.what+" with "+bad.code, codeOf(err) == bad.code, codeOf(err))
	}

	del := tcvpc.NewDeleteSubnetRequest()
	del.SubnetId = sp(web)
	_, err = v.DeleteSubnet(del)
	j.check("DeleteSubnet", "refuses a subnet holding an instance with ResourceInUse", codeOf(err) == "ResourceInUse", codeOf(err))
	dvpc := tcvpc.NewDeleteVpcRequest()
	dvpc.VpcId = sp(vpcID)
	_, err = v.DeleteVpc(dvpc)
	j.check("DeleteVpc", "refuses a VPC holding an instance with ResourceInUse", codeOf(err) == "ResourceInUse", codeOf(err))

	terminateRunning(t, j, c, ins)
	_, err = v.DeleteSubnet(del)
	j.check("DeleteSubnet", "an empty subnet", err == nil, err)
	_, err = v.DeleteVpc(dvpc)
	j.check("DeleteVpc", "the VPC, with its last empty subnet", err == nil, err)
	gone, err := v.DescribeVpcs(byID)
	j.check("DescribeVpcs", "a deleted VPC is gone", err == nil && *gone.Response.TotalCount == 0, err)
	left, err := v.DescribeSubnets(bySubnetVpc)
	j.check("DeleteVpc", "its subnets went with it", err == nil && *left.Response.TotalCount == 0, err)

	// The new actions answer faults and fill the request log as the
	// others do.
	srv.InjectFault("vpc CreateVpc", cvmtest.Fault{Code: 6000, Message: "injected", Times: 1})
	_, err = v.CreateVpc(cv)
	j.check("CreateVpc", "an injected fault (cvmtest.Fault) is answered InternalError", codeOf(err) == "InternalError", codeOf(err))
	j.check("CreateVpc", "the request log names the five calls (one made, three refused, one faulted)", len(srv.Requests("vpc CreateVpc")) == 5, len(srv.Requests("vpc CreateVpc")))

	bp, err := v.DescribeBandwidthPackages(tcvpc.NewDescribeBandwidthPackagesRequest())
	j.check("DescribeBandwidthPackages", "none", err == nil && *bp.Response.TotalCount == 0, err)
	badVpc := tcvpc.NewDescribeVpcsRequest()
	badVpc.VpcIds = common.StringPtrs([]string{"vpc-bad"})
	_, err = v.DescribeVpcs(badVpc)
	j.check("DescribeVpcs", "refuses a malformed id with InvalidParameterValue.Malformed",
		strings.HasPrefix(codeOf(err), "InvalidParameterValue.Malformed"), codeOf(err))
}
