package emulator

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func eipSet(t *testing.T, out map[string]any) []map[string]any {
	t.Helper()
	require.Equal(t, 0, code(out), "%v", out)
	var set []map[string]any
	for _, e := range data(t, out)["eipSet"].([]any) {
		set = append(set, e.(map[string]any))
	}
	return set
}

// TestEipUnbindRefusedForQuotaChangesNothing: an EipUnBindInstance refused
// for the daily quota of new public IPs leaves the binding and the
// instance's public IP as they were.
func TestEipUnbindRefusedForQuotaChangesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1; o.QuotasOff = true })
	insts, err := h.emu.SeedInstances("gz", 1)
	require.NoError(t, err)
	eips, err := h.emu.SeedEIPs("gz", 1)
	require.NoError(t, err)
	for i := range eipDailyAllocWanIP {
		require.Equal(t, 0, code(h.call("EipBindInstance", "eipId", eips[0], "unInstanceId", insts[0])), "bind %d", i)
		require.Equal(t, 0, code(h.call("EipUnBindInstance", "eipId", eips[0], "allocWanIp", "1")), "unbind %d", i)
	}
	require.Equal(t, 0, code(h.call("EipBindInstance", "eipId", eips[0], "unInstanceId", insts[0])))
	before := digest(h.emu)
	out := h.call("EipUnBindInstance", "eipId", eips[0], "allocWanIp", "1")
	assert.Equal(t, 5100, code(out), "%v", out)
	assert.Equal(t, before, digest(h.emu), "a refused unbind changed the state")
	list, err := h.emu.Instances("gz")
	require.NoError(t, err)
	assert.Len(t, list[0].WanIPs, 1, "the instance keeps its EIP's address")
}

// TestDescribeEipFilters: every documented filter and ordering (spec §5.4,
// §12), and binding by network interface and private IP.
func TestDescribeEipFilters(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1; o.QuotasOff = true })
	insts, err := h.emu.SeedInstances("gz", 2)
	require.NoError(t, err)
	eips, err := h.emu.SeedEIPs("gz", 3)
	require.NoError(t, err)
	list, err := h.emu.Instances("gz")
	require.NoError(t, err)
	eni := "eni-" + insts[1][len("ins-"):]

	// By instance, and by network interface with its private IP.
	require.Equal(t, 0, code(h.call("EipBindInstance", "eipId", eips[0], "unInstanceId", insts[0])))
	out := h.call("EipBindInstance", "eipId", eips[1], "networkInterfaceId", eni, "privateIpAddress", list[1].LanIP)
	require.Equal(t, 0, code(out), "%v", out)
	assert.Equal(t, 4000, code(h.call("EipBindInstance", "eipId", eips[2], "networkInterfaceId", eni)), "privateIpAddress is needed")
	assert.Equal(t, 4000, code(h.call("EipBindInstance", "eipId", eips[2], "networkInterfaceId", eni, "privateIpAddress", "192.0.2.1")))
	assert.Equal(t, 5000, code(h.call("EipBindInstance", "eipId", eips[2], "networkInterfaceId", "eni-nothere", "privateIpAddress", "10.0.0.1")))

	one := func(kv ...string) []string {
		set := eipSet(t, h.call("DescribeEip", kv...))
		ids := make([]string, len(set))
		for i, e := range set {
			ids[i] = e["eipId"].(string)
		}
		return ids
	}
	assert.Equal(t, []string{eips[1]}, one("networkInterfaceIds.0", eni))
	assert.Equal(t, []string{eips[1]}, one("privateIpAddress", list[1].LanIP))
	assert.Equal(t, []string{eips[1]}, one("privateIpAddresss", list[1].LanIP), "the English page's spelling")
	assert.Equal(t, []string{eips[0]}, one("unInstanceIds.0", insts[0]))
	assert.Equal(t, []string{eips[2]}, one("status.0", "4"))
	assert.ElementsMatch(t, []string{eips[0], eips[1]}, one("status.0", "2"))
	assert.Len(t, one("type", "0"), 3)
	assert.Empty(t, one("type", "1"), "no NAT gateway EIPs")
	assert.Equal(t, []string{eips[0], eips[1], eips[2]}, one("orderBy", "createdAt", "orderType", "0"))
	assert.Equal(t, []string{eips[2], eips[1], eips[0]}, one("orderBy", "createdAt"), "descending by default")
	set := eipSet(t, h.call("DescribeEip", "orderBy", "eip", "orderType", "0"))
	for i := 1; i < len(set); i++ {
		assert.LessOrEqual(t, compareIPs(set[i-1]["eip"].(string), set[i]["eip"].(string)), 0)
	}
	bound := eipSet(t, h.call("DescribeEip", "eipIds.0", eips[1]))[0]
	assert.Equal(t, eni, bound["networkInterfaceId"])
	assert.Equal(t, list[1].LanIP, bound["privateIpAddress"])

	// Unbinding by interface and private IP.
	out = h.call("EipUnBindInstance", "networkInterfaceId", eni, "privateIpAddress", list[1].LanIP)
	require.Equal(t, 0, code(out), "%v", out)
	assert.Empty(t, one("networkInterfaceIds.0", eni))
}

// TestOlderAndOptionalShapes: DescribeSecurityGroups (the older list
// action), CreateSecurityGroup without sgName, and idcList in zones.
func TestOlderAndOptionalShapes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	out := h.call("CreateSecurityGroup", "sgRemark", "unnamed")
	require.Equal(t, 0, code(out), "%v", out)
	id := data(t, out)["sgId"].(string)
	require.Equal(t, 0, code(h.call("CreateSecurityGroup", "sgRemark", "unnamed too")), "two unnamed groups")
	assert.Equal(t, 4000, code(h.call("CreateSecurityGroup", "sgName", "")), "a given name may not be empty")

	out = h.call("DescribeSecurityGroups", "sgId", id)
	require.Equal(t, 0, code(out), "%v", out)
	rows := out["data"].([]any)
	require.Len(t, rows, 1)
	row := rows[0].(map[string]any)
	for _, k := range []string{"sgId", "sgName", "sgRemark", "createTime", "projectId", "sys", "os"} {
		assert.Contains(t, row, k)
	}
	assert.Len(t, h.call("DescribeSecurityGroups")["data"], 2)

	zones := h.call("DescribeAvailabilityZones")["zoneSet"].([]any)
	for _, z := range zones {
		idc := z.(map[string]any)["idcList"].([]any)
		require.NotEmpty(t, idc)
		assert.Contains(t, idc[0], "idcId")
		assert.Contains(t, idc[0], "idcName")
	}
}
