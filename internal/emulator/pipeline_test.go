package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corrupt leaves an instance of gz whose record is gone, so that any
// handler reading it panics, and returns its id and a function that heals
// it.
func corrupt(t *testing.T, h *harness) (id string, heal func()) {
	t.Helper()
	out := h.runHourly()
	id = out["unInstanceIds"].([]any)[0].(string)
	h.emu.mu.Lock()
	rg := h.emu.regions["gz"]
	saved := rg.instances[id]
	rg.instances[id] = nil
	for i, in := range rg.instSeq {
		if in == saved {
			rg.instSeq[i] = nil
		}
	}
	h.emu.mu.Unlock()
	return id, func() {
		h.emu.mu.Lock()
		defer h.emu.mu.Unlock()
		rg.instances[id] = saved
		for i, in := range rg.instSeq {
			if in == nil {
				rg.instSeq[i] = saved
			}
		}
		rg.gen++
	}
}

// runHourly makes one hourly instance in gz through the legacy contract,
// and answers RunInstancesHour's answer.
func (h *harness) runHourly() map[string]any {
	h.t.Helper()
	out := h.call("RunInstancesHour", "zoneId", "100001", "cpu", "1", "mem", "1", "imageId", "img-31tjrtph",
		"imageType", "2", "bandwidthType", "PayByHour", "bandwidth", "1", "storageSize", "0", "goodsNum", "1")
	require.Equal(h.t, 0, code(out), out)
	return out
}

// unlocked fails the test unless the state lock is free: a panic must not
// leave it held, or every later request hangs.
func unlocked(t *testing.T, s *Server) {
	t.Helper()
	require.True(t, s.mu.TryLock(), "the state lock is still held after the panic")
	s.mu.Unlock()
}

// TestPanicInTheLegacyDoor: a handler that panics answers 6000 in the
// legacy envelope, and the emulator goes on serving.
func TestPanicInTheLegacyDoor(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	id, heal := corrupt(t, h)
	out := h.call("DescribeInstances", "instanceIds.0", id)
	assert.Equal(t, 6000, code(out), out)
	assert.Equal(t, "InternalError", out["codeDesc"])
	assert.Contains(t, out["message"], "DescribeInstances")
	unlocked(t, h.emu)
	heal()
	out = h.call("DescribeInstances", "instanceIds.0", id)
	require.Equal(t, 0, code(out), out)
	assert.EqualValues(t, 1, out["totalCount"])
	recs := h.emu.Requests(RequestFilter{Action: "DescribeInstances", Code: new(6000)})
	assert.Len(t, recs, 1, "the failed call is in the request log")
}

// TestPanicInTheAPI3Door: the same through API 3.0: InternalError in the
// Response envelope, then service as usual.
func TestPanicInTheAPI3Door(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	id, heal := corrupt(t, h)
	_, _, resp := h.call3("cvm", "DescribeInstances", map[string]any{})
	assert.Equal(t, "InternalError", errCode(resp), resp)
	assert.NotEmpty(t, resp["RequestId"])
	unlocked(t, h.emu)
	heal()
	_, _, resp = h.call3("cvm", "DescribeInstances", map[string]any{"InstanceIds": []string{id}})
	require.Empty(t, errCode(resp), resp)
	assert.EqualValues(t, 1, resp["TotalCount"])
	// A change that panics half-way still marks cached pages stale, and
	// releases the lock for the next change.
	_, heal = corrupt(t, h)
	_, _, resp = h.call3("cvm", "StopInstances", map[string]any{"InstanceIds": []string{id}})
	unlocked(t, h.emu)
	heal()
	assert.NotEmpty(t, resp["RequestId"], "answered: %v", resp)
}

// TestFaultsByEitherName: a fault aimed at an operation by either
// contract's action name fires through both contracts.
func TestFaultsByEitherName(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	out := h.runHourly()
	id := out["unInstanceIds"].([]any)[0].(string)

	for _, tc := range []struct {
		aim         string // the name the fault is set under
		legacy      string // the legacy action it must fire on
		legacyKV    []string
		api3Service string
		api3        string // the API 3.0 action it must fire on
		api3Params  map[string]any
	}{
		{"StopInstances", "StopInstances", []string{"instanceIds.0", id}, "cvm", "StopInstances", map[string]any{"InstanceIds": []string{id}}},
		{"RestartInstances", "RestartInstances", []string{"instanceIds.0", id}, "cvm", "RebootInstances", map[string]any{"InstanceIds": []string{id}}},
		{"RebootInstances", "RestartInstances", []string{"instanceIds.0", id}, "cvm", "RebootInstances", map[string]any{"InstanceIds": []string{id}}},
		{"EipBindInstance", "EipBindInstance", []string{"eipId", "eip-00000000", "unInstanceId", id}, "vpc", "AssociateAddress", map[string]any{"AddressId": "eip-00000000", "InstanceId": id}},
		{"AssociateAddress", "EipBindInstance", []string{"eipId", "eip-00000000", "unInstanceId", id}, "vpc", "AssociateAddress", map[string]any{"AddressId": "eip-00000000", "InstanceId": id}},
		{"vpc AssociateAddress", "EipBindInstance", []string{"eipId", "eip-00000000", "unInstanceId", id}, "vpc", "AssociateAddress", map[string]any{"AddressId": "eip-00000000", "InstanceId": id}},
		{"DescribeAvailabilityZones", "DescribeAvailabilityZones", nil, "cvm", "DescribeZones", map[string]any{}},
	} {
		t.Run(tc.aim, func(t *testing.T) {
			h.emu.ClearFaults()
			h.emu.InjectFault(tc.aim, Fault{Code: 6200, Message: "aimed at " + tc.aim, Times: 2})
			out := h.call(tc.legacy, tc.legacyKV...)
			assert.Equal(t, 6200, code(out), "legacy %s: %v", tc.legacy, out)
			_, _, resp := h.call3(tc.api3Service, tc.api3, tc.api3Params)
			assert.Equal(t, "ServiceUnavailable", errCode(resp), "API 3.0 %s: %v", tc.api3, resp)
			assert.Equal(t, "aimed at "+tc.aim, resp["Error"].(map[string]any)["Message"])
			// Spent: the next calls are not aimed at.
			out = h.call(tc.legacy, tc.legacyKV...)
			assert.NotEqual(t, 6200, code(out))
		})
	}
	// A fault for another operation does not fire.
	h.emu.ClearFaults()
	h.emu.InjectFault("StartInstances", Fault{Code: 6200})
	_, _, resp := h.call3("cvm", "RebootInstances", map[string]any{"InstanceIds": []string{id}})
	assert.NotEqual(t, "ServiceUnavailable", errCode(resp))
}

// TestRequestLogNamesBothContracts: each entry says which contract the
// call came through and its operation's names under both; a filter by
// either name keeps the calls of both contracts.
func TestRequestLogNamesBothContracts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	h.call("RestartInstances", "instanceIds.0", "ins-00000000")
	h.call3("cvm", "RebootInstances", map[string]any{"InstanceIds": []string{"ins-00000000"}})
	h.call("EipBindInstance", "eipId", "eip-00000000", "unInstanceId", "ins-00000000")
	h.call3("vpc", "AssociateAddress", map[string]any{"AddressId": "eip-00000000", "InstanceId": "ins-00000000"})

	for _, name := range []string{"RestartInstances", "RebootInstances"} {
		recs := h.emu.Requests(RequestFilter{Action: name})
		require.Len(t, recs, 2, name)
		assert.Equal(t, "legacy", recs[0].Contract)
		assert.Equal(t, "RestartInstances", recs[0].Action)
		assert.Equal(t, []string{"RestartInstances"}, recs[0].LegacyActions)
		assert.Equal(t, []string{"RebootInstances"}, recs[0].API3Actions)
		assert.Equal(t, "api3", recs[1].Contract)
		assert.Equal(t, "RebootInstances", recs[1].Action)
		assert.Equal(t, []string{"RestartInstances"}, recs[1].LegacyActions)
		assert.Equal(t, []string{"RebootInstances"}, recs[1].API3Actions)
	}
	for _, name := range []string{"EipBindInstance", "AssociateAddress", "vpc AssociateAddress"} {
		recs := h.emu.Requests(RequestFilter{Action: name})
		require.Len(t, recs, 2, name)
		assert.Equal(t, "EipBindInstance", recs[0].Action)
		assert.Equal(t, "vpc AssociateAddress", recs[1].Action)
		assert.Equal(t, []string{"EipBindInstance"}, recs[1].LegacyActions)
	}
}

// TestAdminFaultsByEitherName: the admin API takes a fault aimed at an
// API 3.0 name, so that a pipeline in any language can aim one at it, and
// refuses a name no contract serves.
func TestAdminFaultsByEitherName(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	admin := h.emu.Admin(AdminOptions{})
	for _, name := range []string{"RebootInstances", "AssociateAddress", "vpc AssociateAddress", "RestartInstances", "DescribeZones"} {
		rec := adminDo(t, admin, "POST", "/_emulator/faults", fmt.Sprintf(`{"action":%q,"code":6200,"times":1}`, name), nil)
		assert.Equal(t, http.StatusOK, rec.Code, "%s: %s", name, rec.Body)
	}
	rec := adminDo(t, admin, "POST", "/_emulator/faults", `{"action":"Frobnicate","code":6200}`, nil)
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, rec.Body.String(), "Frobnicate")
	// The first two aim at RebootInstances/RestartInstances through either
	// name; each fires once.
	_, _, resp := h.call3("cvm", "RebootInstances", map[string]any{"InstanceIds": []string{"ins-00000000"}})
	assert.Equal(t, "ServiceUnavailable", errCode(resp))
	out := h.call("RestartInstances", "instanceIds.0", "ins-00000000")
	assert.Equal(t, 6200, code(out))
	_, _, resp = h.call3("cvm", "DescribeZones", map[string]any{})
	assert.Equal(t, "ServiceUnavailable", errCode(resp))
	rec = adminDo(t, admin, "GET", "/_emulator/requests?action=RebootInstances", "", nil)
	var got struct{ Requests []RequestRecord }
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	assert.Len(t, got.Requests, 2, "the admin API's filter keeps both contracts' calls")
}

// allocated is how many bytes f allocates, from the runtime's count.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestBodyLimitBeforeAuthentication: a body past the 8 MiB cap is refused
// through either door before its signature is checked, read no further
// than the cap, with memory bounded by it; one under the cap with a bad
// signature costs its bytes, never a parse of them.
func TestBodyLimitBeforeAuthentication(t *testing.T) {
	h := newHarness(t, nil)
	const tenMB = 10 << 20
	big := `{"InstanceIds":[` + strings.Repeat(`"ins-00000000",`, tenMB/15) + `"ins-00000000"]}`
	send3 := func(body io.Reader, length int64) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "http://cvm.tencentcloudapi.com/", body)
		req.ContentLength = length
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-TC-Action", "DescribeInstances")
		req.Header.Set("X-TC-Version", "2017-03-12")
		req.Header.Set("X-TC-Region", "ap-guangzhou")
		req.Header.Set("X-TC-Timestamp", fmt.Sprint(time.Now().Unix()))
		req.Header.Set("Authorization", "TC3-HMAC-SHA256 Credential="+tid+"/2023-11-14/cvm/tc3_request, SignedHeaders=content-type;host, Signature="+strings.Repeat("0", 64))
		rec := httptest.NewRecorder()
		h.emu.ServeHTTP(rec, req)
		return rec
	}
	var rec *httptest.ResponseRecorder
	n := allocated(func() { rec = send3(strings.NewReader(big), int64(len(big))) })
	assert.Contains(t, rec.Body.String(), "RequestSizeLimitExceeded")
	assert.Less(t, n, uint64(1<<20), "an announced 10 MB body is refused unread (%d bytes allocated)", n)

	// Chunked: no length announced; read up to the cap and no further.
	n = allocated(func() { rec = send3(io.MultiReader(strings.NewReader(big)), -1) })
	assert.Contains(t, rec.Body.String(), "RequestSizeLimitExceeded")
	assert.Less(t, n, uint64(2*maxBody+1<<20), "a chunked 10 MB body costs at most about twice the cap (%d bytes allocated)", n)

	// Under the cap, badly signed: refused for its signature, the JSON
	// never parsed (a parse of 7 MiB of ids costs tens of times that).
	small := big[:7<<20]
	n = allocated(func() { rec = send3(strings.NewReader(small), int64(len(small))) })
	assert.Contains(t, rec.Body.String(), "AuthFailure")
	assert.Less(t, n, uint64(2*len(small)), "a badly signed body costs about its size (%d bytes allocated)", n)

	// The legacy door: a form past the cap, announced, is refused unread.
	form := "Action=DescribeInstances&pad=" + strings.Repeat("x", tenMB)
	n = allocated(func() {
		req := httptest.NewRequest("POST", "http://cvm.api.qcloud.com/v2/index.php", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec = httptest.NewRecorder()
		h.emu.ServeHTTP(rec, req)
	})
	assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code, rec.Body.String())
	assert.Less(t, n, uint64(1<<20), "%d bytes allocated", n)
}

// TestBodyUnderTheCapIsServed: a signed API 3.0 body just under the cap is
// read and served (the cap is not smaller than it says).
func TestBodyUnderTheCapIsServed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	pad := strings.Repeat("x", maxBody-1024)
	_, _, resp := h.call3("cvm", "DescribeZones", map[string]any{"Pad": pad})
	// Served: an unknown member is the action's business, not the cap's.
	assert.NotEqual(t, "RequestSizeLimitExceeded", errCode(resp), resp)
	// And the legacy door the same.
	_, out := h.send(wire{params: url.Values{"Action": {"DescribeAvailabilityZones"}, "pad": {pad}}})
	assert.Equal(t, 0, code(out))
}

// TestClientTokenAcrossContractsAndRegions: one token names one creation of
// the account in a region, whichever contract sends it; the same token in
// another region is another creation.
func TestClientTokenAcrossContractsAndRegions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	const token = "one-purchase-7f3a"
	legacy := func(region string) []any {
		out := h.call("RunInstancesHour", "Region", region, "zoneId", map[string]string{"gz": "100001", "sh": "200001"}[region],
			"cpu", "1", "mem", "1", "imageId", "img-31tjrtph", "imageType", "2", "bandwidthType", "PayByHour",
			"bandwidth", "1", "storageSize", "0", "goodsNum", "2", "clientToken", token)
		require.Equal(t, 0, code(out), out)
		return out["unInstanceIds"].([]any)
	}
	api3 := func(region, zone, charge string) map[string]any {
		params := map[string]any{"Placement": map[string]any{"Zone": zone}, "ImageId": "img-31tjrtph",
			"InstanceCount": 2, "ClientToken": token, "InstanceChargeType": charge}
		if charge == "PREPAID" {
			params["InstanceChargePrepaid"] = map[string]any{"Period": 1}
		}
		_, _, resp := h.call3("cvm", "RunInstances", params, func(r *http.Request) { r.Header.Set("X-TC-Region", region) })
		return resp
	}
	count := func(region string) int {
		h.emu.mu.Lock()
		defer h.emu.mu.Unlock()
		return len(h.emu.regions[region].instances)
	}

	first := legacy("gz")
	require.Len(t, first, 2)
	resp := api3("ap-guangzhou", "ap-guangzhou-1", "POSTPAID_BY_HOUR")
	require.Empty(t, errCode(resp), resp)
	assert.ElementsMatch(t, first, resp["InstanceIdSet"], "API 3.0 answers the legacy creation of the token")
	assert.Equal(t, 2, count("gz"), "made once for both contracts")
	assert.ElementsMatch(t, first, legacy("gz"), "and the legacy contract again the same")

	// A prepaid purchase under the token of an hourly one is refused.
	resp = api3("ap-guangzhou", "ap-guangzhou-1", "PREPAID")
	assert.Equal(t, "InvalidParameterValue", errCode(resp), resp)
	assert.Equal(t, 2, count("gz"))

	// Another region: another creation, never gz's instances.
	resp = api3("ap-shanghai", "ap-shanghai-1", "POSTPAID_BY_HOUR")
	require.Empty(t, errCode(resp), resp)
	sh := resp["InstanceIdSet"].([]any)
	require.Len(t, sh, 2)
	assert.NotContains(t, first, sh[0])
	assert.Equal(t, 2, count("sh"))
	assert.ElementsMatch(t, sh, legacy("sh"), "the legacy contract in sh answers sh's creation")
	assert.Equal(t, 2, count("sh"))
}

// TestSnapshotReadsTheSameThroughBothContracts: what either contract can
// read of an instance (API 3.0's latest operation, its state and request
// id, the disk types asked for) survives a snapshot and a restore, read
// through both contracts.
func TestSnapshotReadsTheSameThroughBothContracts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil) // 10-second transitions on a fake clock
	_, _, resp := h.call3("cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-1"},
		"ImageId": "img-31tjrtph", "SystemDisk": map[string]any{"DiskType": "CLOUD_PREMIUM", "DiskSize": 50},
		"DataDisks": []map[string]any{{"DiskType": "CLOUD_SSD", "DiskSize": 100}}})
	require.Empty(t, errCode(resp), resp)
	id := resp["InstanceIdSet"].([]any)[0].(string)
	h.fake.Advance(time.Minute)
	_, _, resp = h.call3("cvm", "ResetInstancesPassword", map[string]any{"InstanceIds": []string{id},
		"Password": "Reset-Passw0rd", "ForceStop": true})
	require.Empty(t, errCode(resp), resp)
	resetID := resp["RequestId"]

	read := func(h *harness) (legacy, api3 map[string]any) {
		out := h.call("DescribeInstances", "instanceIds.0", id)
		require.Equal(t, 0, code(out), out)
		_, _, resp := h.call3("cvm", "DescribeInstances", map[string]any{"InstanceIds": []string{id}})
		require.Empty(t, errCode(resp), resp)
		delete(resp, "RequestId")
		return out, resp
	}
	legacyBefore, api3Before := read(h)
	in := api3Before["InstanceSet"].([]any)[0].(map[string]any)
	assert.Equal(t, "ResetInstancesPassword", in["LatestOperation"])
	assert.Equal(t, "OPERATING", in["LatestOperationState"])
	assert.Equal(t, resetID, in["LatestOperationRequestId"])
	assert.Equal(t, "CLOUD_PREMIUM", in["SystemDisk"].(map[string]any)["DiskType"])
	assert.Equal(t, "CLOUD_SSD", in["DataDisks"].([]any)[0].(map[string]any)["DiskType"])

	var buf strings.Builder
	require.NoError(t, WriteSnapshot(&buf, h.emu.Snapshot()))
	snap, err := UnmarshalSnapshot([]byte(buf.String()))
	require.NoError(t, err)
	restored := newHarness(t, nil)
	restored.fake.Set(h.fake.Now())
	require.NoError(t, restored.emu.Restore(snap))
	legacyAfter, api3After := read(restored)
	assert.Equal(t, api3Before, api3After, "API 3.0 reads the same after a restore")
	assert.Equal(t, legacyBefore, legacyAfter, "the legacy contract reads the same after a restore")
}

// TestInstanceOutsideAVPCHasAnObject: an instance of the legacy contract's
// basic network shows VirtualPrivateCloud as an object with empty members,
// never null, and every string member of the model as a string.
func TestInstanceOutsideAVPCHasAnObject(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	h.runHourly()
	_, _, resp := h.call3("cvm", "DescribeInstances", map[string]any{})
	in := resp["InstanceSet"].([]any)[0].(map[string]any)
	vpc, ok := in["VirtualPrivateCloud"].(map[string]any)
	require.True(t, ok, "VirtualPrivateCloud is an object: %v", in["VirtualPrivateCloud"])
	assert.Equal(t, "", vpc["VpcId"])
	assert.Equal(t, "", vpc["SubnetId"])
	for _, name := range []string{"ExpiredTime", "LatestOperation", "LatestOperationState", "LatestOperationRequestId", "CamRoleName"} {
		assert.IsType(t, "", in[name], name)
	}
	assert.Equal(t, "", in["SystemDisk"].(map[string]any)["CdcId"])
}

// TestAPI3WrongTypedMembersAreRefused: a member sent with a shape its type
// does not have is refused with InvalidParameter before the action runs.
func TestAPI3WrongTypedMembersAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	for _, tc := range []struct {
		service, action string
		params          map[string]any
		member          string
	}{
		{"cvm", "DescribeInstances", map[string]any{"InstanceIds": "ins-00000000"}, "InstanceIds"},
		{"cvm", "DescribeInstances", map[string]any{"Filters": []string{"zone"}}, "Filters"},
		{"cvm", "DescribeInstances", map[string]any{"Filters": []map[string]any{{"Name": "zone", "Values": "ap-guangzhou-1"}}}, "Filters.Values"},
		{"cvm", "DescribeInstances", map[string]any{"Limit": map[string]any{"n": 1}}, "Limit"},
		{"cvm", "RunInstances", map[string]any{"Placement": "ap-guangzhou-1", "ImageId": "img-31tjrtph"}, "Placement"},
		{"cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": []string{"ap-guangzhou-1"}}}, "Placement.Zone"},
		{"vpc", "DescribeAddresses", map[string]any{"AddressIds": map[string]any{"0": "eip-00000000"}}, "AddressIds"},
	} {
		_, _, resp := h.call3(tc.service, tc.action, tc.params)
		assert.Equal(t, "InvalidParameter", errCode(resp), "%s %v: %v", tc.action, tc.params, resp)
		assert.Contains(t, resp["Error"].(map[string]any)["Message"], tc.member)
	}
	// Nothing was made by the refused RunInstances.
	_, _, resp := h.call3("cvm", "DescribeInstances", map[string]any{})
	assert.EqualValues(t, 0, resp["TotalCount"])
	// The right shapes pass, and members the table does not know are the
	// action's business.
	_, _, resp = h.call3("cvm", "DescribeInstances", map[string]any{"InstanceIds": []string{"ins-00000000"}, "Unknown": map[string]any{"a": 1}})
	assert.Empty(t, errCode(resp), resp)
}
