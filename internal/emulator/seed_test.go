package emulator

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSeedByResource: a seed of named resources with their attributes
// makes them through the API's handlers, answers their ids, and binds what
// it says to bind; counts keep working beside lists.
func TestSeedByResource(t *testing.T) {
	hs := newHarness(t, func(o *Options) { o.Transition = -1 })
	s := hs.emu
	h := s.Admin(AdminOptions{})
	body := `{"regions":{"gz":{
		"instances":[{"name":"web-1","status":"stopped","zoneId":100003,"cpu":2,"memoryGB":4},{"name":"web-2"}],
		"eips":[{"name":"pub-1","instance":"web-2"},{"name":"spare"}],
		"securityGroups":["plain",{"name":"web","remark":"http","rules":{"ingress":[{"ipProtocol":"tcp","cidrIp":"0.0.0.0/0","portRange":"80","action":"ACCEPT"}]}}],
		"keyPairs":[{"name":"deploy","instances":["web-1"]},"spare_key"]},
		"sh":{"instances":2,"eips":1}}}`
	w := adminDo(t, h, "POST", "/_emulator/seed", body, nil)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var out struct {
		Regions map[string]RegionIDs `json:"regions"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &out))
	gz := out.Regions["gz"]
	require.Len(t, gz.Instances, 2)
	require.Len(t, gz.EIPs, 2)
	require.Len(t, gz.SecurityGroups, 2)
	require.Len(t, gz.KeyPairs, 2)
	assert.Len(t, out.Regions["sh"].Instances, 2)
	assert.Len(t, out.Regions["sh"].EIPs, 1)

	insts, err := s.Instances("gz")
	require.NoError(t, err)
	require.Len(t, insts, 2)
	byID := map[string]InstanceInfo{}
	for _, in := range insts {
		byID[in.ID] = in
	}
	web1, web2 := byID[gz.Instances[0]], byID[gz.Instances[1]]
	assert.Equal(t, "web-1", web1.Name)
	assert.Equal(t, 4, web1.Status, "stopped")
	assert.Equal(t, 2, web1.CPU)
	assert.Equal(t, 4, web1.Mem)
	assert.Equal(t, 100003, web1.ZoneID)
	assert.Equal(t, 2, web2.Status, "running")

	// Through the API: the EIP is bound to web-2 and named; the group has
	// its rule.
	keys := hs.call("DescribeKeyPairs", "Region", "gz", "keyIds.0", gz.KeyPairs[0])
	require.Equal(t, 0, code(keys), "%v", keys)
	ssh := keys["data"].(map[string]any)["sshSet"].([]any)
	require.Len(t, ssh, 1)
	assert.Contains(t, ssh[0].(map[string]any)["bindUnInstanceIds"], web1.ID, "the key pair is bound to web-1")
	eips := hs.call("DescribeEip", "Region", "gz", "eipIds.0", gz.EIPs[0])
	set := eipSet(t, eips)
	require.Len(t, set, 1)
	assert.Equal(t, "pub-1", set[0]["eipName"])
	assert.Equal(t, web2.ID, set[0]["unInstanceId"])
	rules := hs.call("DescribeSecurityGroupPolicys", "Region", "gz", "sgId", gz.SecurityGroups[1])
	require.Equal(t, 0, code(rules), "%v", rules)
	ingress := rules["data"].(map[string]any)["ingress"].([]any)
	require.Len(t, ingress, 1)
	assert.Equal(t, "80", ingress[0].(map[string]any)["portRange"])

	// A binding to an instance that does not exist is refused, by name.
	w = adminDo(t, h, "POST", "/_emulator/seed", `{"regions":{"gz":{"eips":[{"instance":"no-such"}]}}}`, nil)
	assert.Equal(t, http.StatusBadRequest, w.Code, w.Body.String())
	// Unknown fields are refused inside the lists too.
	w = adminDo(t, h, "POST", "/_emulator/seed", `{"regions":{"gz":{"instances":[{"nmae":"typo"}]}}}`, nil)
	assert.Equal(t, http.StatusBadRequest, w.Code, w.Body.String())
}
