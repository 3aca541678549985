package conformance

import (
	"testing"

	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tctag "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// tagClient is the official tag client of the target, its answers walked
// against its models with the cvm and vpc clients' (the tag service is
// global: it is signed for ap-guangzhou as the provider does).
func tagClient(t *testing.T, tg target, j *judge, c *tccvm.Client, v *tcvpc.Client) *tctag.Client {
	t.Helper()
	tc, err := tctag.NewClient(credFor(tg), region, profileFor(tg, nil))
	if err != nil {
		t.Fatal(err)
	}
	m := newModelWalk()
	c.WithHttpTransport(m)
	v.WithHttpTransport(m)
	tc.WithHttpTransport(m)
	t.Cleanup(func() { m.check(j, map[string]any{"cvm": c, "vpc": v, "tag": tc}) })
	return tc
}

// resourceName is a six-segment name as the Terraform provider builds it:
// the account's uin left out.
func resourceName(service, prefix, id string) string {
	return "qcs::" + service + ":" + region + ":uin/:" + prefix + "/" + id
}

// TestGoSDKTags runs the official Go SDK's tag client (tag v1.1.0) through
// what the Terraform provider does with every resource: tags given at
// creation (RunInstances' TagSpecification, AllocateAddresses' Tags), read
// back by DescribeResourceTagsByResourceIds and in the resources' own
// describes, changed by TagResources and UnTagResources, found by
// GetResources and DescribeResourceTags; the documented refusals; and a
// deleted resource's tags gone with it.
func TestGoSDKTags(t *testing.T) {
	_, tg, j, c, v := goInProcess(t, cvmtest.WithoutQuotas())
	tc := tagClient(t, tg, j, c, v)

	run := tccvm.NewRunInstancesRequest()
	run.Placement = &tccvm.Placement{Zone: sp("ap-guangzhou-3")}
	run.ImageId = sp("img-31tjrtph")
	run.TagSpecification = []*tccvm.TagSpecification{{ResourceType: sp("instance"),
		Tags: []*tccvm.Tag{{Key: sp("team"), Value: sp("web")}, {Key: sp("env"), Value: sp("prod")}}}}
	made, err := c.RunInstances(run)
	if err != nil {
		t.Fatal(err)
	}
	ins := *made.Response.InstanceIdSet[0]

	byIDs := func(service, prefix string, ids ...string) map[string]map[string]string {
		req := tctag.NewDescribeResourceTagsByResourceIdsRequest()
		req.ServiceType, req.ResourcePrefix, req.ResourceRegion = sp(service), sp(prefix), sp(region)
		req.ResourceIds = common.StringPtrs(ids)
		req.Limit = common.Uint64Ptr(100)
		resp, err := tc.DescribeResourceTagsByResourceIds(req)
		if !j.check("DescribeResourceTagsByResourceIds", "the tags of "+prefix+"s", err == nil, err) {
			return nil
		}
		out := map[string]map[string]string{}
		for _, r := range resp.Response.Tags {
			if out[*r.ResourceId] == nil {
				out[*r.ResourceId] = map[string]string{}
			}
			out[*r.ResourceId][*r.TagKey] = *r.TagValue
		}
		return out
	}
	got := byIDs("cvm", "instance", ins)
	j.check("RunInstances", "TagSpecification tags the instances", got[ins]["team"] == "web" && got[ins]["env"] == "prod", got)
	d := tccvm.NewDescribeInstancesRequest()
	d.InstanceIds = common.StringPtrs([]string{ins})
	di, err := c.DescribeInstances(d)
	j.check("DescribeInstances", "Tags shows the instance's tags", err == nil && len(di.Response.InstanceSet) == 1 &&
		len(di.Response.InstanceSet[0].Tags) == 2, err)
	byTag := tccvm.NewDescribeInstancesRequest()
	byTag.Filters = []*tccvm.Filter{{Name: sp("tag:team"), Values: common.StringPtrs([]string{"web"})}}
	bt, err := c.DescribeInstances(byTag)
	j.check("DescribeInstances", "filter tag:team", err == nil && *bt.Response.TotalCount == 1 && *bt.Response.InstanceSet[0].InstanceId == ins, err)

	alloc := tcvpc.NewAllocateAddressesRequest()
	alloc.Tags = []*tcvpc.Tag{{Key: sp("team"), Value: sp("edge")}}
	a, err := v.AllocateAddresses(alloc)
	if err != nil {
		t.Fatal(err)
	}
	eip := *a.Response.AddressSet[0]
	j.check("AllocateAddresses", "Tags tags the addresses, read as the provider reads them (vpc, eip)",
		byIDs("vpc", "eip", eip)[eip]["team"] == "edge")
	j.check("DescribeResourceTagsByResourceIds", "an address named under cvm, as CAM names it, is the same resource",
		byIDs("cvm", "eip", eip)[eip]["team"] == "edge")

	sg := createGroup(t, v, "tagged")
	tr := tctag.NewTagResourcesRequest()
	tr.ResourceList = common.StringPtrs([]string{resourceName("cvm", "sg", sg), resourceName("vpc", "eip", eip)})
	tr.Tags = []*tctag.Tag{{TagKey: sp("owner"), TagValue: sp("ops")}, {TagKey: sp("team"), TagValue: sp("net")}}
	_, err = tc.TagResources(tr)
	j.check("TagResources", "two resources, two tags, one of them replacing a value", err == nil, err)
	j.check("TagResources", "a tag's value is replaced", byIDs("vpc", "eip", eip)[eip]["team"] == "net")
	da := tcvpc.NewDescribeAddressesRequest()
	da.Filters = []*tcvpc.Filter{{Name: sp("tag:team"), Values: common.StringPtrs([]string{"net"})}}
	addrs, err := v.DescribeAddresses(da)
	j.check("DescribeAddresses", "filter tag:team, and TagSet shows the tags", err == nil && *addrs.Response.TotalCount == 1 &&
		*addrs.Response.AddressSet[0].AddressId == eip && len(addrs.Response.AddressSet[0].TagSet) == 2, err)
	dsg := tcvpc.NewDescribeSecurityGroupsRequest()
	dsg.SecurityGroupIds = common.StringPtrs([]string{sg})
	gs, err := v.DescribeSecurityGroups(dsg)
	j.check("DescribeSecurityGroups", "TagSet shows the group's tags", err == nil && len(gs.Response.SecurityGroupSet) == 1 &&
		len(gs.Response.SecurityGroupSet[0].TagSet) == 2, err)

	mt := tctag.NewModifyResourceTagsRequest()
	mt.Resource = sp(resourceName("cvm", "instance", ins))
	mt.ReplaceTags = []*tctag.Tag{{TagKey: sp("env"), TagValue: sp("staging")}}
	mt.DeleteTags = []*tctag.TagKeyObject{{TagKey: sp("team")}}
	_, err = tc.ModifyResourceTags(mt)
	after := byIDs("cvm", "instance", ins)[ins]
	j.check("ModifyResourceTags", "one tag replaced, one deleted, as the Terraform provider changes tags", err == nil &&
		after["env"] == "staging" && after["team"] == "", err, after)
	mt.ReplaceTags = []*tctag.Tag{{TagKey: sp("team"), TagValue: sp("web")}}
	mt.DeleteTags = nil
	_, err = tc.ModifyResourceTags(mt)
	j.check("ModifyResourceTags", "a tag put back", err == nil, err)
	mt.DeleteTags = []*tctag.TagKeyObject{{TagKey: sp("team")}}
	_, err = tc.ModifyResourceTags(mt)
	j.check("ModifyResourceTags", "refuses a key both replaced and deleted with InvalidParameterValue.DeleteTagsParamError",
		codeOf(err) == "InvalidParameterValue.DeleteTagsParamError", codeOf(err))

	gr := tctag.NewGetResourcesRequest()
	gr.TagFilters = []*tctag.TagFilter{{TagKey: sp("team"), TagValue: common.StringPtrs([]string{"web", "net"})}}
	gr.MaxResults = common.Uint64Ptr(1)
	var found []string
	for page := 0; page < 5; page++ {
		resp, err := tc.GetResources(gr)
		if !j.check("GetResources", "a page of the resources a filter matches", err == nil, err) {
			break
		}
		for _, m := range resp.Response.ResourceTagMappingList {
			found = append(found, *m.Resource)
		}
		if *resp.Response.PaginationToken == "" {
			break
		}
		gr.PaginationToken = resp.Response.PaginationToken
	}
	j.check("GetResources", "paging through every match, one a page", len(found) == 3, found)

	rt := tctag.NewDescribeResourceTagsRequest()
	rt.ServiceType, rt.ResourcePrefix, rt.ResourceRegion = sp("cvm"), sp("sg"), sp(region)
	rows, err := tc.DescribeResourceTags(rt)
	j.check("DescribeResourceTags", "the rows of one kind of resource", err == nil && *rows.Response.TotalCount == 2, err)

	un := tctag.NewUnTagResourcesRequest()
	un.ResourceList = common.StringPtrs([]string{resourceName("cvm", "sg", sg)})
	un.TagKeys = common.StringPtrs([]string{"owner", "never-set"})
	_, err = tc.UnTagResources(un)
	j.check("UnTagResources", "a key removed, a key never set ignored", err == nil && len(byIDs("cvm", "sg", sg)[sg]) == 1, err)

	for _, bad := range []struct {
		action, what, code string
		call               func() error
	}{
		{"TagResources", "a name that is not six segments", "InvalidParameterValue.ResourceDescriptionError", func() error {
			r := tctag.NewTagResourcesRequest()
			r.ResourceList = common.StringPtrs([]string{"ins-abc"})
			r.Tags = []*tctag.Tag{{TagKey: sp("k"), TagValue: sp("v")}}
			_, err := tc.TagResources(r)
			return err
		}},
		{"TagResources", "ten resources", "LimitExceeded.ResourceNumPerRequest", func() error {
			r := tctag.NewTagResourcesRequest()
			for i := range 10 {
				r.ResourceList = append(r.ResourceList, sp(resourceName("cvm", "instance", "ins-0000000"+string(rune('0'+i)))))
			}
			r.Tags = []*tctag.Tag{{TagKey: sp("k"), TagValue: sp("v")}}
			_, err := tc.TagResources(r)
			return err
		}},
		{"TagResources", "a key given twice", "InvalidParameterValue.TagKeyDuplicate", func() error {
			r := tctag.NewTagResourcesRequest()
			r.ResourceList = common.StringPtrs([]string{resourceName("cvm", "sg", sg)})
			r.Tags = []*tctag.Tag{{TagKey: sp("k"), TagValue: sp("v")}, {TagKey: sp("k"), TagValue: sp("w")}}
			_, err := tc.TagResources(r)
			return err
		}},
		{"DescribeResourceTagsByResourceIds", "an Offset that is not a multiple of Limit", "InvalidParameterValue.OffsetInvalid", func() error {
			r := tctag.NewDescribeResourceTagsByResourceIdsRequest()
			r.ServiceType, r.ResourcePrefix, r.ResourceRegion = sp("cvm"), sp("sg"), sp(region)
			r.ResourceIds = common.StringPtrs([]string{sg})
			r.Offset, r.Limit = common.Uint64Ptr(3), common.Uint64Ptr(2)
			_, err := tc.DescribeResourceTagsByResourceIds(r)
			return err
		}},
	} {
		err := bad.call()
		j.check(bad.action, "refuses "+bad.what+" with "+bad.code, codeOf(err) == bad.code, codeOf(err))
	}

	terminateRunning(t, j, c, ins)
	j.check("TerminateInstances", "a terminated instance's tags go with it", len(byIDs("cvm", "instance", ins)[ins]) == 0)
}
