package emulator

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func data(t *testing.T, out map[string]any) map[string]any {
	t.Helper()
	d, ok := out["data"].(map[string]any)
	require.True(t, ok, "%v", out)
	return d
}

func TestSecurityGroupLifecycle(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	out := h.call("CreateSecurityGroup", "sgName", "web", "sgRemark", "front")
	require.Equal(t, 0, code(out), "%v", out)
	web := data(t, out)["sgId"].(string)
	assert.Regexp(t, `^sg-[a-z0-9]{8}$`, web)

	out = h.call("CreateSecurityGroup", "sgName", "web")
	assert.Equal(t, 4000, code(out))
	assert.Contains(t, out["message"], "(7005)")
	db := data(t, h.call("CreateSecurityGroup", "sgName", "db"))["sgId"].(string)

	// Paging: offset counts pages, offsetLine rows.
	for i := range 5 {
		h.call("CreateSecurityGroup", "sgName", "g"+string(rune('a'+i)))
	}
	d := data(t, h.call("DescribeSecurityGroupEx", "limit", "3", "offset", "1"))
	assert.EqualValues(t, 7, d["totalNum"])
	rows := d["detail"].([]any)
	require.Len(t, rows, 3)
	assert.Equal(t, "gb", rows[0].(map[string]any)["sgName"], "page 1 of 3 starts at row 3")
	rows = data(t, h.call("DescribeSecurityGroupEx", "limit", "3", "offsetLine", "1"))["detail"].([]any)
	assert.Equal(t, "db", rows[0].(map[string]any)["sgName"])
	assert.Equal(t, "0", rows[0].(map[string]any)["projectId"], "a string, as live answers have it")

	// Rules: replace, insert, edit, delete, with the version lock.
	out = h.call("ModifySecurityGroupPolicys", "sgId", web,
		"ingress.0.ipProtocol", "tcp", "ingress.0.portRange", "443", "ingress.0.cidrIp", "0.0.0.0/0", "ingress.0.action", "accept",
		"ingress.1.ipProtocol", "tcp", "ingress.1.portRange", "22", "ingress.1.sgId", db, "ingress.1.action", "ACCEPT",
		"egress.0.action", "ACCEPT", "egress.0.cidrIp", "0.0.0.0/0")
	require.Equal(t, 0, code(out), "%v", out)
	pol := data(t, h.call("DescribeSecurityGroupPolicys", "sgId", web))
	assert.EqualValues(t, 1, pol["version"])
	assert.Len(t, pol["ingress"], 2)
	assert.Equal(t, "ACCEPT", pol["ingress"].([]any)[0].(map[string]any)["action"])

	out = h.call("ModifySecurityGroupPolicys", "sgId", web, "ingress.0.action", "ACCEPT", "ingress.0.portRange", "22")
	assert.Equal(t, 4000, code(out), "portRange without tcp/udp")
	assert.Contains(t, out["message"], "(9003)")
	assert.Len(t, data(t, h.call("DescribeSecurityGroupPolicy", "sgId", web))["ingress"], 2, "a rejected call changes nothing")

	out = h.call("CreateSecurityGroupPolicy", "sgId", web, "version", "0", "direction", "ingress", "index", "0",
		"policys.0.ipProtocol", "udp", "policys.0.portRange", "53", "policys.0.action", "DROP")
	assert.Equal(t, 5100, code(out), "stale version")
	out = h.call("CreateSecurityGroupPolicy", "sgId", web, "version", "1", "direction", "ingress", "index", "0",
		"policys.0.ipProtocol", "udp", "policys.0.portRange", "53", "policys.0.action", "DROP")
	require.Equal(t, 0, code(out), "%v", out)
	in := data(t, h.call("DescribeSecurityGroupPolicys", "sgId", web))["ingress"].([]any)
	require.Len(t, in, 3)
	assert.Equal(t, "DROP", in[0].(map[string]any)["action"])

	out = h.call("ModifySingleSecurityGroupPolicy", "sgId", web, "version", "2", "direction", "ingress", "index", "0",
		"policys.ipProtocol", "udp", "policys.portRange", "5353", "policys.action", "ACCEPT")
	require.Equal(t, 0, code(out), "%v", out)
	out = h.call("DeleteSecurityGroupPolicy", "sgId", web, "version", "3", "direction", "ingress", "indexes.0", "0", "indexes.1", "2")
	require.Equal(t, 0, code(out), "%v", out)
	in = data(t, h.call("DescribeSecurityGroupPolicys", "sgId", web))["ingress"].([]any)
	require.Len(t, in, 1)
	assert.Equal(t, "443", in[0].(map[string]any)["portRange"])

	// Associations: instances and referencing groups block deletion.
	ids, err := h.emu.SeedInstances("gz", 2)
	require.NoError(t, err)
	out = h.call("ModifySecurityGroupsOfInstance", "instanceSet.0.instanceId", ids[0], "instanceSet.0.sgIds.0", db,
		"instanceSet.1.instanceId", ids[1], "instanceSet.1.sgIds.0", db, "instanceSet.1.sgIds.1", web)
	require.Equal(t, 0, code(out), "%v", out)
	out = h.call("DescribeInstancesOfSecurityGroup", "sgId", db)
	assert.EqualValues(t, 2, out["totalCount"])
	assoc := data(t, h.call("DescribeAssociateSecurityGroups", "sgIds.0", db))
	assert.Equal(t, []any{}, assoc[db], "web's rule naming db was deleted")

	h.call("CreateSecurityGroupPolicy", "sgId", web, "direction", "ingress", "policys.0.sgId", db, "policys.0.action", "ACCEPT")
	assoc = data(t, h.call("DescribeAssociateSecurityGroups", "sgIds.0", db))
	assert.Equal(t, []any{web}, assoc[db])
	out = h.call("DeleteSecurityGroup", "sgId", db)
	assert.Equal(t, 5100, code(out), "referenced by web's rules")

	// The default group: created once, never modified or deleted.
	def := data(t, h.call("DescribeOrCreateDefaultSecurityGroup", "projectId", "0"))
	assert.EqualValues(t, 1, def["new"])
	again := data(t, h.call("DescribeOrCreateDefaultSecurityGroup", "projectId", "0"))
	assert.EqualValues(t, 0, again["new"])
	assert.Equal(t, def["sgId"], again["sgId"])
	out = h.call("DeleteSecurityGroup", "sgId", def["sgId"].(string))
	assert.Contains(t, out["message"], "(7006)")
	out = h.call("ModifySecurityGroupAttributes", "sgId", def["sgId"].(string), "sgName", "x")
	assert.Contains(t, out["message"], "(7006)")

	out = h.call("DeleteSecurityGroup", "sgId", "sg-missing")
	assert.Equal(t, 5000, code(out))
	assert.Contains(t, out["message"], "(7001)")
}

func TestEIPLifecycle(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	ids, err := h.emu.SeedInstances("gz", 1)
	require.NoError(t, err)
	out := h.call("CreateEip", "goodsNum", "2")
	require.Equal(t, 0, code(out), "%v", out)
	eips := data(t, out)["eipIds"].([]any)
	require.Len(t, eips, 2)
	e := eips[0].(string)
	assert.Equal(t, 4000, code(h.call("CreateEip", "goodsNum", "6")), "at most 5 at once")

	list := h.call("DescribeEip", "eipIds.0", e)
	assert.EqualValues(t, 1, list["totalCount"], "top-level totalCount")
	set := data(t, list)["eipSet"].([]any)
	assert.EqualValues(t, eipCreating, set[0].(map[string]any)["status"])
	h.fake.Advance(10e9)

	out = h.call("EipBindInstance", "eipId", e, "unInstanceId", ids[0])
	require.Equal(t, 0, code(out), "%v", out)
	set = data(t, h.call("DescribeEip", "eipIds.0", e))["eipSet"].([]any)
	assert.EqualValues(t, eipBinding, set[0].(map[string]any)["status"])
	assert.Equal(t, 5100, code(h.call("DeleteEip", "eipIds.0", e)), "not while bound")
	h.fake.Advance(10e9)
	set = data(t, h.call("DescribeEip", "unInstanceIds.0", ids[0]))["eipSet"].([]any)
	require.Len(t, set, 1)
	assert.EqualValues(t, eipBound, set[0].(map[string]any)["status"])
	inst := instanceSet(t, h.call("DescribeInstances", "instanceIds.0", ids[0]))[0]
	assert.Equal(t, []any{set[0].(map[string]any)["eip"]}, inst["wanIpSet"], "the EIP replaced the public IP")

	q := data(t, h.call("DescribeEipQuota"))
	assert.EqualValues(t, 2, q["currentEipNum"])
	assert.EqualValues(t, 2, q["dailyApplyCount"])

	assert.Equal(t, 0, code(h.call("TransformMode", "eipId", e, "mode", "1")))
	assert.Equal(t, 0, code(h.call("ModifyEipAttributes", "eipId", e, "eipName", "front")))
	assert.EqualValues(t, 1, h.call("DescribeEip", "searchKey", "fro")["totalCount"])

	assert.Equal(t, 0, code(h.call("EipUnBindInstance", "eipId", e, "allocWanIp", "1")))
	h.fake.Advance(10e9)
	assert.Equal(t, 0, code(h.call("DeleteEip", "eipIds.0", e)))
	assert.EqualValues(t, 1, data(t, h.call("DescribeEipQuota"))["dailyAllocWanIpCount"])

	// The ordinary public IP becomes an EIP.
	out = h.call("TransformWanIpToEip", "unInstanceId", ids[0])
	require.Equal(t, 0, code(out), "%v", out)
	assert.Equal(t, 5100, code(h.call("TransformWanIpToEip", "unInstanceId", ids[0])), "already has one")

	// Returning the instance releases its EIP.
	h.call("StopInstances", "instanceIds.0", ids[0])
	h.fake.Advance(10e9)
	require.Equal(t, 0, code(h.call("ReturnInstance", "instanceId", ids[0])))
	h.fake.Advance(10e9)
	all, err := h.emu.EIPs("gz")
	require.NoError(t, err)
	for _, x := range all {
		assert.Equal(t, eipUnbound, x.Status, x.ID)
		assert.Empty(t, x.InstanceID)
	}
}

func TestImagesLifecycle(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	ids, err := h.emu.SeedInstances("gz", 1)
	require.NoError(t, err)
	out := h.call("DescribeImages", "imageType", "2")
	assert.EqualValues(t, len(publicImages), out["totalCount"])
	assert.Equal(t, 4000, code(h.call("DescribeImages")), "imageType is required")

	out = h.call("CreateImage", "instanceId", ids[0], "imageName", "golden")
	assert.Equal(t, 5100, code(out), "only from a stopped instance")
	h.call("StopInstances", "instanceIds.0", ids[0])
	h.fake.Advance(10e9)
	assert.Equal(t, 4000, code(h.call("CreateImage", "instanceId", ids[0], "imageName", "bad name!")))
	out = h.call("CreateImage", "instanceId", ids[0], "imageName", "golden", "imageDescription", "base")
	require.Equal(t, 0, code(out), "%v", out)
	img := out["unImgId"].(string)
	set := h.call("DescribeImages", "imageType", "1")["imageSet"].([]any)
	assert.EqualValues(t, imageCreating, set[0].(map[string]any)["status"])
	h.fake.Advance(10e9)

	assert.Equal(t, "0", h.call("ShareImage", "imageId", img, "uinList.0", "100001", "uinList.1", "100002")["code"], "a string code, as documented")
	info := data(t, h.call("GetImageShareUinInfo", "imageIds.0", img))
	assert.Equal(t, "1", info["imageNum"])
	out = h.call("DeleteImages", "imageIds.0", img)
	assert.Equal(t, 5100, code(out), "shared")
	h.call("CancelShareImage", "imageId", img, "uinList.0", "100001", "uinList.1", "100002")

	assert.Equal(t, 0, code(h.call("ModifyImageAttributes", "imageId", img, "imageName", "golden2")))
	assert.Equal(t, 0, code(h.call("SyncCvmImage", "imgIdList.0", img, "dstRegion.0", "sh")))
	assert.Equal(t, 4000, code(h.call("SyncCvmImage", "imgIdList.0", img, "dstRegion.0", "ca")), "not to North America")
	sh, err := h.emu.Images("sh", imagePrivate)
	require.NoError(t, err)
	require.Len(t, sh, 1)
	assert.Equal(t, imageSyncing, sh[0].Status)

	out = h.call("DeleteImages", "imageIds.0", img, "imageIds.1", "img-nothere")
	assert.Equal(t, 5400, code(out))
	assert.Equal(t, 5100, code(h.call("DeleteImages", "imageIds.0", img)), "already gone: all failed")
}
