package emulator

import (
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func instanceSet(t *testing.T, out map[string]any) []map[string]any {
	t.Helper()
	raw, ok := out["instanceSet"].([]any)
	require.True(t, ok, "%v", out)
	res := make([]map[string]any, len(raw))
	for i, r := range raw {
		res[i] = r.(map[string]any)
	}
	return res
}

func statusOf(t *testing.T, h *harness, id string) int {
	t.Helper()
	out := h.call("DescribeInstances", "instanceIds.0", id)
	set := instanceSet(t, out)
	require.Len(t, set, 1)
	return int(set[0]["status"].(float64))
}

func createOne(t *testing.T, h *harness, extra ...string) string {
	t.Helper()
	kv := append([]string{"zoneId", "100003", "cpu", "1", "mem", "2", "imageId", "img-31tjrtph", "storageSize", "0", "bandwidth", "1"}, extra...)
	out := h.call("RunInstancesHour", kv...)
	require.Equal(t, 0, code(out), "%v", out)
	ids := out["unInstanceIds"].([]any)
	require.Len(t, ids, 1)
	return ids[0].(string)
}

func TestInstanceLifecycle(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	id := createOne(t, h)
	assert.Regexp(t, `^ins-[a-z0-9]{8}$`, id)
	assert.Equal(t, stCreating, statusOf(t, h, id))
	h.fake.Advance(10 * time.Second)
	assert.Equal(t, stRunning, statusOf(t, h, id))

	// Start is refused while running, per item, with 5100 for all failed.
	out := h.call("StartInstances", "instanceIds.0", id)
	assert.Equal(t, 5100, code(out))
	assert.Contains(t, out["detail"], id)

	assert.Equal(t, 0, code(h.call("StopInstances", "instanceIds.0", id)))
	assert.Equal(t, stStopping, statusOf(t, h, id))
	out = h.call("ResetInstancePassword", "instanceIds.0", id, "password", "Abcdefg123")
	assert.Equal(t, 5100, code(out), "only when stopped")
	h.fake.Advance(10 * time.Second)
	assert.Equal(t, stStopped, statusOf(t, h, id))

	out = h.call("ResetInstancePassword", "instanceIds.0", id, "password", "short")
	assert.Equal(t, 5100, code(out))
	assert.Contains(t, out["detail"].(map[string]any)[id].(map[string]any)["message"], "8 to 16")
	assert.Equal(t, 0, code(h.call("ResetInstancePassword", "instanceIds.0", id, "password", "Abcdefg123")))
	assert.Equal(t, stResettingPw, statusOf(t, h, id))
	h.fake.Advance(10 * time.Second)

	assert.Equal(t, 0, code(h.call("StartInstances", "instanceIds.0", id)))
	assert.Equal(t, stStarting, statusOf(t, h, id))
	h.fake.Advance(10 * time.Second)
	assert.Equal(t, 0, code(h.call("RestartInstances", "instanceIds.0", id)))
	assert.Equal(t, stRestarting, statusOf(t, h, id))
	h.fake.Advance(10 * time.Second)

	assert.Equal(t, 0, code(h.call("ModifyInstanceAttributes", "instanceId", id, "instanceName", "renamed")))
	assert.Equal(t, "renamed", instanceSet(t, h.call("DescribeInstances", "instanceIds.0", id))[0]["instanceName"])

	assert.Equal(t, 0, code(h.call("ReturnInstance", "instanceId", id)))
	assert.Equal(t, stReturning, statusOf(t, h, id))
	h.fake.Advance(10 * time.Second)
	out = h.call("DescribeInstances", "instanceIds.0", id)
	assert.EqualValues(t, 0, out["totalCount"], "returned instances disappear")
	assert.Equal(t, 5000, code(h.call("ReturnInstance", "instanceId", id)))
}

func TestBatchPartialFailure(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	ids, err := h.emu.SeedInstances("gz", 2)
	require.NoError(t, err)
	out := h.call("StopInstances", "instanceIds.0", ids[0], "instanceIds.1", "ins-nothere")
	assert.Equal(t, 5400, code(out))
	detail := out["detail"].(map[string]any)
	assert.EqualValues(t, 0, detail[ids[0]].(map[string]any)["code"])
	assert.EqualValues(t, 5000, detail["ins-nothere"].(map[string]any)["code"])
	assert.Equal(t, stStopped, statusOf(t, h, ids[0]), "the part that succeeded took effect")
}

func TestClientTokenIdempotent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	a := createOne(t, h, "clientToken", "tok-1", "goodsNum", "1")
	b := createOne(t, h, "clientToken", "tok-1", "goodsNum", "1")
	assert.Equal(t, a, b)
	list, err := h.emu.Instances("gz")
	require.NoError(t, err)
	assert.Len(t, list, 1, "the same token creates nothing more")
	c := createOne(t, h, "clientToken", "tok-2")
	assert.NotEqual(t, a, c)

	out := h.call("RunInstances", "zoneId", "100003", "cpu", "1", "mem", "1", "imageId", "img-31tjrtph", "period", "1", "clientToken", "tok-3")
	require.Equal(t, 0, code(out), "%v", out)
	again := h.call("RunInstances", "zoneId", "100003", "cpu", "1", "mem", "1", "imageId", "img-31tjrtph", "period", "1", "clientToken", "tok-3")
	assert.Equal(t, out["dealIds"], again["dealIds"])
	assert.Equal(t, out["unInstanceIds"], again["unInstanceIds"])
	assert.IsType(t, map[string]any{}, out["unInstanceIds"], "prepaid answers map deal ids to instances")
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	base := map[string]string{"zoneId": "100003", "cpu": "1", "mem": "1", "imageId": "img-31tjrtph", "storageSize": "0"}
	tests := []struct {
		name   string
		change map[string]string
		desc   string
	}{
		{"missing zone", map[string]string{"zoneId": ""}, ""},
		{"zone of another region", map[string]string{"zoneId": "200001"}, "InvalidParameter.InvaildZoneId"},
		{"bad shape", map[string]string{"cpu": "3"}, "InvalidParameter.InstanceConfig"},
		{"too much memory", map[string]string{"cpu": "1", "mem": "8"}, "InvalidParameter.InstanceConfig"},
		{"unknown image", map[string]string{"imageId": "img-nope"}, "InvalidParameter.MissImageId"},
		{"storage not a multiple of 10", map[string]string{"storageSize": "15"}, ""},
		{"goodsNum over 100", map[string]string{"goodsNum": "101"}, ""},
		{"weak password", map[string]string{"password": "abcdefgh"}, "InvalidParameter.PasswordNotConformSpecs"},
		{"windows password too short", map[string]string{"imageId": "img-lkxqa4kj", "password": "Abc123!x"}, "InvalidParameter.PasswordNotConformSpecs"},
		{"password and key", map[string]string{"password": "Abcdefg123", "keyId": "skey-1"}, ""},
		{"name too long", map[string]string{"instanceName": string(make([]rune, 61))}, ""},
		{"root size", map[string]string{"rootSize": "60"}, ""},
		{"unknown project", map[string]string{"projectId": "42"}, "InvalidParameter.ProjectIdNotFound"},
		{"bad bandwidth type", map[string]string{"bandwidthType": "PayByMonth"}, ""},
	}
	for _, tt := range tests {
		kv := []string{}
		for k, v := range base {
			if nv, ok := tt.change[k]; ok {
				v = nv
			}
			if v != "" {
				kv = append(kv, k, v)
			}
		}
		for k, v := range tt.change {
			if _, ok := base[k]; !ok {
				kv = append(kv, k, v)
			}
		}
		out := h.call("RunInstancesHour", kv...)
		assert.Equal(t, 4000, code(out), "%s: %v", tt.name, out)
		if tt.desc != "" {
			assert.Equal(t, tt.desc, out["codeDesc"], tt.name)
		}
	}
	list, _ := h.emu.Instances("gz")
	assert.Empty(t, list, "nothing created by a refused call")
}

func TestDescribeInstancesPaging(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	_, err := h.emu.SeedInstances("gz", 45)
	require.NoError(t, err)
	out := h.call("DescribeInstances")
	assert.EqualValues(t, 45, out["totalCount"])
	assert.Len(t, instanceSet(t, out), 20, "default limit")
	out = h.call("DescribeInstances", "offset", "40", "limit", "100")
	assert.Len(t, instanceSet(t, out), 5)
	out = h.call("DescribeInstances", "offset", "100")
	assert.Empty(t, instanceSet(t, out))
	assert.Equal(t, 4000, code(h.call("DescribeInstances", "limit", "101")))
	assert.Equal(t, 4000, code(h.call("DescribeInstances", "limit", "abc")))
	out = h.call("DescribeInstances", "searchWord", "seed-4")
	assert.EqualValues(t, 7, out["totalCount"], "seed-4 and seed-40..45")
	// The documented shape: capital-R Region, diskInfo an object, postpaid deadline zeros.
	in := instanceSet(t, h.call("DescribeInstances", "limit", "1"))[0]
	assert.Equal(t, "gz", in["Region"])
	assert.IsType(t, map[string]any{}, in["diskInfo"])
	assert.Equal(t, "0000-00-00 00:00:00", in["deadlineTime"])
	assert.EqualValues(t, 2, in["cvmPayMode"])
}

func TestRegionsAreSeparateAndNamedEitherWay(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	_, err := h.emu.SeedInstances("ap-shanghai", 2)
	require.NoError(t, err)
	assert.EqualValues(t, 0, h.call("DescribeInstances")["totalCount"], "gz is empty")
	_, out := h.send(wire{params: map[string][]string{"Action": {"DescribeInstances"}, "Region": {"sh"}}})
	assert.EqualValues(t, 2, out["totalCount"])
}

// TestFiltersMatchAScan: DescribeInstances filtered by zone, project and
// status, through the filters' index, answers what a scan of every instance
// would, in creation order, across creations, project moves and returns.
func TestFiltersMatchAScan(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, func(o *Options) { o.Transition = -1 })
	s := hs.emu
	p1, p2 := s.SeedProject("one"), s.SeedProject("two")
	rng := rand.New(rand.NewPCG(3, 3))
	var ids []string
	for i := range 60 {
		project := []int{0, p1, p2}[rng.IntN(3)]
		zone := []string{"100001", "100002", "100003"}[rng.IntN(3)]
		out := hs.call("RunInstancesHour", "Region", "gz", "zoneId", zone, "cpu", "1", "mem", "1", "imageId", "img-31tjrtph",
			"storageSize", "0", "goodsNum", "1", "projectId", strconv.Itoa(project), "instanceName", "vm-"+strconv.Itoa(i))
		require.Equal(t, 0, code(out), "%v", out)
		ids = append(ids, out["unInstanceIds"].([]any)[0].(string))
	}
	check := func(label string) {
		t.Helper()
		all, err := s.Instances("gz")
		require.NoError(t, err)
		for _, f := range []struct{ zone, project, status int }{
			{100001, -1, -1}, {100002, p1, -1}, {-1, p2, -1}, {-1, 0, -1}, {100003, -1, 4}, {-1, p1, 2}, {100001, p2, 2},
			{-1, -1, 4}, {-1, -1, 2}, {-1, -1, 9},
		} {
			var want []string
			for _, in := range all {
				if (f.zone < 0 || in.ZoneID == f.zone) && (f.project < 0 || in.ProjectID == f.project) && (f.status < 0 || in.Status == f.status) {
					want = append(want, in.ID)
				}
			}
			kv := []string{"Region", "gz", "limit", "100"}
			if f.zone >= 0 {
				kv = append(kv, "zoneId", strconv.Itoa(f.zone))
			}
			if f.project >= 0 {
				kv = append(kv, "projectId", strconv.Itoa(f.project))
			}
			if f.status >= 0 {
				kv = append(kv, "status", strconv.Itoa(f.status))
			}
			out := hs.call("DescribeInstances", kv...)
			require.Equal(t, 0, code(out), "%v", out)
			var got []string
			for _, in := range out["instanceSet"].([]any) {
				got = append(got, in.(map[string]any)["unInstanceId"].(string))
			}
			assert.Equal(t, want, got, "%s: %+v", label, f)
			assert.EqualValues(t, len(want), out["totalCount"], "%s: %+v", label, f)
		}
	}
	checkIPs := func(label string) {
		t.Helper()
		all, err := s.Instances("gz")
		require.NoError(t, err)
		for _, pick := range []int{0, len(all) / 2, len(all) - 1} {
			target := all[pick]
			for _, ip := range append([]string{target.LanIP}, target.WanIPs...) {
				var want []string
				for _, in := range all {
					if in.LanIP == ip || slices.Contains(in.WanIPs, ip) {
						want = append(want, in.ID)
					}
				}
				out := hs.call("DescribeInstances", "Region", "gz", "lanIps.0", ip, "limit", "100")
				var got []string
				for _, in := range out["instanceSet"].([]any) {
					got = append(got, in.(map[string]any)["unInstanceId"].(string))
				}
				assert.Equal(t, want, got, "%s: ip %s", label, ip)
			}
		}
	}
	check("created")
	checkIPs("created")
	for i := 0; i < len(ids); i += 4 {
		require.Equal(t, 0, code(hs.call("ModifyInstanceProject", "Region", "gz", "instanceId", ids[i], "projectId", strconv.Itoa(p2))))
	}
	for i := 1; i < len(ids); i += 5 {
		require.Equal(t, 0, code(hs.call("StopInstances", "Region", "gz", "instanceIds.0", ids[i])))
	}
	check("moved and stopped")
	for i := 2; i < len(ids); i += 6 {
		require.Equal(t, 0, code(hs.call("ReturnInstance", "Region", "gz", "instanceId", ids[i])))
	}
	check("returned")
	checkIPs("returned")
}

// TestPagesFromTheArena: once pages have shown the whole region, they are
// answered from the arena of encodings, byte for byte as before; a change
// is seen at once, and the arena is built again only after another full
// pass.
func TestPagesFromTheArena(t *testing.T) {
	t.Parallel()
	hs := newHarness(t, func(o *Options) { o.Transition = -1 })
	ids, err := hs.emu.SeedInstances("gz", 250)
	require.NoError(t, err)
	page := func(offset int) string {
		_, out := hs.send(wire{params: url.Values{"Action": {"DescribeInstances"}, "Region": {"gz"},
			"offset": {strconv.Itoa(offset)}, "limit": {"40"}}})
		b, err := json.Marshal(out)
		require.NoError(t, err)
		return string(b)
	}
	arena := func() *encArena {
		hs.emu.mu.Lock()
		defer hs.emu.mu.Unlock()
		rg := hs.emu.regions["gz"]
		if a := rg.arena; a != nil && a.gen == rg.gen && a.members == rg.members {
			return a
		}
		return nil
	}
	var first []string
	for off := 0; off < 260; off += 40 {
		first = append(first, page(off))
	}
	require.NotNil(t, arena(), "a full pass builds the arena")
	for i, off := 0, 0; off < 260; i, off = i+1, off+40 {
		assert.JSONEq(t, first[i], page(off), "offset %d from the arena", off)
	}
	require.Equal(t, 0, code(hs.call("ModifyInstanceAttributes", "Region", "gz", "instanceId", ids[41], "instanceName", "renamed")))
	assert.Nil(t, arena(), "a change makes it stale")
	assert.Contains(t, page(40), `"renamed"`, "the change is seen at once")
	for off := 0; off < 260; off += 40 {
		page(off)
	}
	require.NotNil(t, arena(), "built again after another pass")
	assert.Contains(t, page(40), `"renamed"`)
	assert.NotContains(t, page(0), `"renamed"`)
}
