package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm/internal/spectest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// call3 sends an API 3.0 POST, signed by the tests' own TC3 signer, to the
// harness's emulator in process, and returns the answer's status, headers
// and Response member.
func (h *harness) call3(service, action string, params any, edit ...func(*http.Request)) (int, http.Header, map[string]any) {
	h.t.Helper()
	body, err := json.Marshal(params)
	require.NoError(h.t, err)
	if params == nil {
		body = []byte("{}")
	}
	host := strings.TrimPrefix(h.srv.URL, "http://")
	ts := time.Now().Unix()
	req := httptest.NewRequest("POST", "http://"+host+"/", bytes.NewReader(body))
	req.Host = host
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-TC-Action", action)
	req.Header.Set("X-TC-Version", api3Versions[service])
	req.Header.Set("X-TC-Region", "ap-guangzhou")
	req.Header.Set("X-TC-Timestamp", fmt.Sprint(ts))
	req.Header.Set("Authorization", spectest.TC3("POST", host, "", "application/json", body, service, tid, tkey, ts))
	for _, e := range edit {
		e(req)
	}
	rec := httptest.NewRecorder()
	h.emu.ServeHTTP(rec, req)
	var env struct {
		Response map[string]any
	}
	require.NoError(h.t, json.Unmarshal(rec.Body.Bytes(), &env), rec.Body.String())
	require.NotNil(h.t, env.Response, rec.Body.String())
	return rec.Code, rec.Header(), env.Response
}

func errCode(resp map[string]any) string {
	e, _ := resp["Error"].(map[string]any)
	c, _ := e["Code"].(string)
	return c
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestAPI3Envelope: every answer is {"Response":{…,"RequestId"}}, errors
// included, with HTTP 200 and Content-Type exactly application/json (§4).
func TestAPI3Envelope(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	status, hdr, resp := h.call3("cvm", "DescribeZones", nil)
	assert.Equal(t, 200, status)
	assert.Equal(t, "application/json", hdr.Get("Content-Type"))
	assert.Regexp(t, uuidRE, resp["RequestId"])
	assert.EqualValues(t, 4, resp["TotalCount"])
	assert.Empty(t, errCode(resp))

	status, hdr, resp = h.call3("cvm", "DescribeZones", nil, func(r *http.Request) { r.Header.Set("X-TC-Timestamp", "1") })
	assert.Equal(t, 200, status, "errors are HTTP 200 too")
	assert.Equal(t, "application/json", hdr.Get("Content-Type"))
	assert.Equal(t, "AuthFailure.SignatureExpire", errCode(resp))
	assert.Regexp(t, uuidRE, resp["RequestId"])
	assert.NotEmpty(t, resp["Error"].(map[string]any)["Message"])

	// Unsigned, and a form without a signature.
	rec := httptest.NewRecorder()
	h.emu.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	assert.Equal(t, 200, rec.Code)
	assert.Contains(t, rec.Body.String(), `"AuthFailure.InvalidAuthorization"`)
	rec = httptest.NewRecorder()
	h.emu.ServeHTTP(rec, httptest.NewRequest("PUT", "/", nil))
	assert.Contains(t, rec.Body.String(), `"UnsupportedProtocol"`)

	// The legacy path still answers the legacy envelope.
	out := h.call("DescribeAvailabilityZones")
	assert.Equal(t, 0, code(out))
}

// TestAPI3Routing: the service comes from the credential scope when it is
// one served, else from the action and version (Node's SDK puts "127" in
// the scope for 127.0.0.1:PORT).
func TestAPI3Routing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	_, _, resp := h.call3("region", "DescribeRegions", map[string]any{"Product": "cvm"})
	assert.Empty(t, errCode(resp))
	_, _, resp = h.call3("cvm", "DescribeRegions", nil)
	assert.Empty(t, errCode(resp))
	_, _, resp = h.call3("cvm", "DescribeAddresses", nil)
	assert.Equal(t, "InvalidAction", errCode(resp), "an action of vpc asked of cvm")
	_, _, resp = h.call3("cvm", "DescribeNothing", nil)
	assert.Equal(t, "InvalidAction", errCode(resp))
	_, _, resp = h.call3("cvm", "DescribeZones", nil, func(r *http.Request) { r.Header.Set("X-TC-Version", "2099-01-01") })
	assert.Equal(t, "NoSuchVersion", errCode(resp), "X-TC-Version is not signed, so it may change; the version is then unknown")

	for action, svc := range map[string]string{"DescribeAddresses": "vpc", "DescribeZones": "cvm", "DescribeProjects": "tag"} {
		got, _, err := route3("127", "127.0.0.1:9", action, api3Versions[svc])
		assert.Nil(t, err, action)
		assert.Equal(t, svc, got, action)
	}
	got, _, err := route3("127", "127.0.0.1:9", "DescribeRegions", "2022-06-27")
	assert.Nil(t, err)
	assert.Equal(t, "region", got)
	got, _, err = route3("127", "vpc.localhost:9", "DescribeAddresses", "2017-03-12")
	assert.Nil(t, err)
	assert.Equal(t, "vpc", got, "the Host's first label")
	_, _, err = route3("cvm", "", "DescribeZones", "2099-01-01")
	assert.Equal(t, "NoSuchVersion", err.code)
}

// TestAPI3OneStateWithLegacy: what either contract makes, the other shows.
func TestAPI3OneStateWithLegacy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	out := h.call("RunInstancesHour", "zoneId", "100002", "cpu", "1", "mem", "2", "imageId", "img-31tjrtph",
		"storageSize", "0", "goodsNum", "1", "instanceName", "legacy")
	require.Equal(t, 0, code(out), "%v", out)
	id := out["unInstanceIds"].([]any)[0].(string)
	_, _, resp := h.call3("cvm", "DescribeInstances", map[string]any{"InstanceIds": []string{id}})
	require.Empty(t, errCode(resp), "%v", resp)
	in := resp["InstanceSet"].([]any)[0].(map[string]any)
	assert.Equal(t, "legacy", in["InstanceName"])
	assert.Equal(t, "S1.SMALL2", in["InstanceType"])
	assert.Equal(t, "ap-guangzhou-2", in["Placement"].(map[string]any)["Zone"])

	_, _, resp = h.call3("vpc", "AllocateAddresses", map[string]any{"AddressCount": 1})
	require.Empty(t, errCode(resp), "%v", resp)
	eip := resp["AddressSet"].([]any)[0].(string)
	out = h.call("DescribeEip", "eipIds.0", eip)
	require.Equal(t, 0, code(out), "%v", out)
	assert.EqualValues(t, 1, out["totalCount"])
}

// TestAPI3AllOrNothing: one bad id refuses the batch and changes nothing.
func TestAPI3AllOrNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	_, _, resp := h.call3("cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-1"},
		"ImageId": "img-31tjrtph", "InstanceCount": 2})
	require.Empty(t, errCode(resp), "%v", resp)
	ids := resp["InstanceIdSet"].([]any)
	for bad, code := range map[string]string{"ins-00000000": "InvalidInstanceId.NotFound", "nonsense": "InvalidInstanceId.Malformed"} {
		_, _, resp = h.call3("cvm", "StopInstances", map[string]any{"InstanceIds": []any{ids[0], ids[1], bad}})
		assert.Equal(t, code, errCode(resp), bad)
	}
	_, _, resp = h.call3("cvm", "DescribeInstances", map[string]any{"Filters": []any{map[string]any{"Name": "instance-state", "Values": []string{"RUNNING"}}}})
	assert.EqualValues(t, 2, resp["TotalCount"], "neither was stopped")
}

// TestAPI3RateLimit: DescribeZones allows 20 calls a second per key, on the
// emulator's clock; a second later it allows 20 again.
func TestAPI3RateLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	for i := range 20 {
		_, _, resp := h.call3("cvm", "DescribeZones", nil)
		require.Empty(t, errCode(resp), "call %d", i)
	}
	_, _, resp := h.call3("cvm", "DescribeZones", nil)
	assert.Equal(t, "RequestLimitExceeded", errCode(resp))
	_, _, resp = h.call3("cvm", "DescribeRegions", nil)
	assert.Empty(t, errCode(resp), "per action")
	h.fake.Advance(time.Second)
	_, _, resp = h.call3("cvm", "DescribeZones", nil)
	assert.Empty(t, errCode(resp))

	off := newHarness(t, func(o *Options) { o.QuotasOff = true })
	for range 30 {
		_, _, resp := off.call3("cvm", "DescribeZones", nil)
		require.Empty(t, errCode(resp))
	}
}

// TestAPI3FaultsAndLog: injected faults answer in the newer envelope, and
// the request log holds API 3.0 calls with their parameters, secrets left
// out.
func TestAPI3FaultsAndLog(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	h.emu.InjectFault("DescribeZones", Fault{Code: 6000, Message: "injected", Times: 1})
	_, _, resp := h.call3("cvm", "DescribeZones", nil)
	assert.Equal(t, "InternalError", errCode(resp))
	assert.Equal(t, "injected", resp["Error"].(map[string]any)["Message"])
	_, _, resp = h.call3("cvm", "DescribeZones", nil)
	assert.Empty(t, errCode(resp))

	h.call3("cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-1"},
		"ImageId": "img-31tjrtph", "LoginSettings": map[string]any{"Password": "Secret-Passw0rd"}})
	recs := h.emu.Requests(RequestFilter{Action: "RunInstances"})
	require.Len(t, recs, 1)
	assert.Equal(t, "ap-guangzhou-1", recs[0].Params["Placement.Zone"])
	assert.NotContains(t, fmt.Sprint(recs[0].Params), "Secret-Passw0rd")
	h.call3("vpc", "DescribeAddresses", nil)
	assert.Len(t, h.emu.Requests(RequestFilter{Action: "vpc DescribeAddresses"}), 1)
}

// TestAPI3NoInputPanics: random parameters of every shape, sent to every
// action, never make the emulator fail: each answer is a success or a
// documented refusal, never InternalError.
func TestAPI3NoInputPanics(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1; o.QuotasOff = true })
	h.emu.SeedInstances("gz", 3)
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"InstanceIds", "InstanceId", "Filters", "Offset", "Limit", "ImageId", "ImageIds", "KeyIds", "KeyId",
		"SecurityGroupId", "SecurityGroupIds", "AddressId", "AddressIds", "Placement", "InstanceType", "TaskId", "Password",
		"SecurityGroupPolicySet", "DataDisks", "InternetAccessible", "InstanceChargePrepaid", "Product", "ProjectId",
		"NetworkInterfaceId", "NetworkInterfaceIds", "AccountIds", "Permission", "DestinationRegions", "StartTime", "EndTime",
		"Limit", "AllList", "OrderIds", "ProjectName", "GroupName", "GroupDescription", "KeyName", "PublicKey", "InstanceName"}
	var value func(depth int) any
	value = func(depth int) any {
		switch rng.IntN(9) {
		case 0:
			return rng.IntN(200) - 50
		case 1:
			return []string{"ins-aaaaaaaa", "img-31tjrtph", "ap-guangzhou-3", "", "S5.SMALL2", "sg-zzzzzzzz", "ALL", "TCP"}[rng.IntN(8)]
		case 2:
			return rng.IntN(2) == 0
		case 3:
			return nil
		case 4:
			if depth > 2 {
				return "x"
			}
			l := make([]any, rng.IntN(4))
			for i := range l {
				l[i] = value(depth + 1)
			}
			return l
		case 5:
			if depth > 2 {
				return 1.5
			}
			m := map[string]any{}
			for range rng.IntN(4) {
				m[[]string{"Name", "Values", "Zone", "Ingress", "Egress", "PolicyIndex", "Protocol", "Port", "DiskSize", "Period"}[rng.IntN(10)]] = value(depth + 1)
			}
			return m
		case 6:
			return strings.Repeat("é", rng.IntN(100))
		case 7:
			return -1e300
		}
		return "9223372036854775808"
	}
	for _, sa := range API3Actions() {
		svc, action, _ := strings.Cut(sa, " ")
		for range 25 {
			params := map[string]any{}
			for range rng.IntN(5) {
				params[names[rng.IntN(len(names))]] = value(0)
			}
			status, _, resp := h.call3(svc, action, params)
			require.Equal(t, 200, status)
			require.NotEqual(t, "InternalError", errCode(resp), "%s %v: %v", sa, params, resp)
		}
	}
}

// TestAPI3DescribeArguments: every Describe action of §5 reads ids,
// Filters and Offset/Limit alike: an id selects its resource, ids beside
// Filters are refused, so are a Limit over 100, a filter the action does not
// know, and more than 10 filters; vpc's Offset/Limit may be strings.
func TestAPI3DescribeArguments(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	for _, mk := range []struct{ svc, action string }{{"cvm", "CreateKeyPair"}, {"vpc", "AllocateAddresses"}, {"vpc", "CreateSecurityGroup"}} {
		_, _, resp := h.call3(mk.svc, mk.action, map[string]any{"KeyName": "k1", "ProjectId": 0, "GroupName": "g1", "GroupDescription": "d"})
		require.Empty(t, errCode(resp), "%s: %v", mk.action, resp)
	}
	_, _, resp := h.call3("cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-1"},
		"ImageId": "img-31tjrtph", "InstanceCount": 1})
	require.Empty(t, errCode(resp), "%v", resp)

	for _, d := range []struct {
		svc, action, ids, set, idMember, filter string
		malformed                               string // the code for an id of the wrong form, where §5's service checks it
	}{
		{"cvm", "DescribeInstances", "InstanceIds", "InstanceSet", "InstanceId", "instance-name", "InvalidInstanceId.Malformed"},
		{"cvm", "DescribeImages", "ImageIds", "ImageSet", "ImageId", "image-type", "InvalidImageId.Malformed"},
		{"cvm", "DescribeKeyPairs", "KeyIds", "KeyPairSet", "KeyId", "key-name", ""},
		{"vpc", "DescribeSecurityGroups", "SecurityGroupIds", "SecurityGroupSet", "SecurityGroupId", "security-group-name", ""},
		{"vpc", "DescribeAddresses", "AddressIds", "AddressSet", "AddressId", "address-name", ""},
	} {
		t.Run(d.action, func(t *testing.T) {
			_, _, all := h.call3(d.svc, d.action, map[string]any{"Limit": 100})
			require.Empty(t, errCode(all), "%v", all)
			set := all[d.set].([]any)
			require.NotEmpty(t, set)
			id := set[len(set)-1].(map[string]any)[d.idMember].(string)

			_, _, one := h.call3(d.svc, d.action, map[string]any{d.ids: []string{id}})
			require.Empty(t, errCode(one), "%v", one)
			assert.EqualValues(t, 1, one["TotalCount"])
			assert.Equal(t, id, one[d.set].([]any)[0].(map[string]any)[d.idMember])

			filter := []map[string]any{{"Name": d.filter, "Values": []string{"x"}}}
			_, _, both := h.call3(d.svc, d.action, map[string]any{d.ids: []string{id}, "Filters": filter})
			assert.True(t, strings.HasPrefix(errCode(both), "InvalidParameter"), "ids beside Filters: %v", both)

			_, _, big := h.call3(d.svc, d.action, map[string]any{"Limit": 101})
			assert.True(t, strings.HasPrefix(errCode(big), "InvalidParameterValue"), "Limit 101: %v", big)

			_, _, unknown := h.call3(d.svc, d.action, map[string]any{"Filters": []map[string]any{{"Name": "no-such-filter", "Values": []string{"x"}}}})
			assert.Equal(t, "InvalidFilter", errCode(unknown))

			many := make([]map[string]any, 11)
			for i := range many {
				many[i] = map[string]any{"Name": d.filter, "Values": []string{fmt.Sprint(i)}}
			}
			_, _, tooMany := h.call3(d.svc, d.action, map[string]any{"Filters": many})
			assert.True(t, strings.HasPrefix(errCode(tooMany), "InvalidParameterValue"), "11 filters: %v", tooMany)

			if d.malformed != "" {
				_, _, bad := h.call3(d.svc, d.action, map[string]any{d.ids: []string{"nonsense"}})
				assert.Equal(t, d.malformed, errCode(bad))
			}
			if d.svc == "vpc" {
				_, _, page := h.call3(d.svc, d.action, map[string]any{"Offset": "0", "Limit": "1"})
				require.Empty(t, errCode(page), "string Offset and Limit: %v", page)
				assert.Len(t, page[d.set], 1)
			}
		})
	}
}
