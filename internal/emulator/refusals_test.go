package emulator

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryReasonHasBothAnswers: each reason of the table answers a
// documented legacy code (and module number, where it has one) and an
// API 3.0 code, and refuse renders the legacy form.
func TestEveryReasonHasBothAnswers(t *testing.T) {
	t.Parallel()
	for r := reasonUnspecified + 1; r <= reasonKeyImported; r++ {
		a, ok := refusals[r]
		require.True(t, ok, "reason %d has no answers", r)
		assert.NotEmpty(t, codeDescs[a.code], "reason %d: legacy code %d is not documented", r, a.code)
		if a.module != 0 {
			assert.True(t, moduleCodes[a.module], "reason %d: module number %d is not documented", r, a.module)
		}
		assert.NotEmpty(t, a.api3, "reason %d", r)
		e := refuse(r, "why %d", r)
		assert.Equal(t, a.code, e.code)
		if a.module != 0 {
			assert.Equal(t, fmt.Sprintf("(%d)why %d", a.module, r), e.message)
		}
		assert.Equal(t, a.api3, fromLegacy(e).code)
		assert.Equal(t, e.message, fromLegacy(e).message)
	}
}

// TestReasonsReachTheAPI3Door: refusals of the core, made through API 3.0,
// answer their reason's code: an EIP quota (which a search of the message
// for "quota" never found in "(EIP_QUOTA)"), a rule change at a moved
// version, a group in use.
func TestReasonsReachTheAPI3Door(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Transition = -1 })
	for i := 0; ; i++ {
		_, _, resp := h.call3("vpc", "AllocateAddresses", map[string]any{"AddressCount": 1})
		if code := errCode(resp); code != "" {
			assert.Equal(t, "AddressQuotaLimitExceeded", code, resp)
			assert.Equal(t, min(eipNumQuota, eipDailyApplyQuota), i, "refused once a quota is reached")
			break
		}
		require.Less(t, i, 1000)
	}
	_, _, resp := h.call3("vpc", "CreateSecurityGroup", map[string]any{"GroupName": "web", "GroupDescription": "web"})
	require.Empty(t, errCode(resp), resp)
	sg := resp["SecurityGroup"].(map[string]any)["SecurityGroupId"]
	_, _, resp = h.call3("vpc", "CreateSecurityGroupPolicies", map[string]any{"SecurityGroupId": sg,
		"SecurityGroupPolicySet": map[string]any{"Version": "7", "Ingress": []map[string]any{{"Protocol": "TCP", "Port": "22",
			"CidrBlock": "10.0.0.0/8", "Action": "ACCEPT"}}}})
	assert.Equal(t, "UnsupportedOperation.VersionMismatch", errCode(resp), resp)
	_, _, resp = h.call3("vpc", "CreateSecurityGroup", map[string]any{"GroupName": "web", "GroupDescription": "again"})
	assert.Equal(t, "ResourceInUse", errCode(resp), resp)
}

// TestReqIDRoundTrip: a request id kept as 16 bytes shows as it was given.
func TestReqIDRoundTrip(t *testing.T) {
	t.Parallel()
	for range 100 {
		id := (&Server{}).newRequestID()
		assert.Equal(t, id, parseReqID(id).String())
	}
	for _, bad := range []string{"", "not-a-uuid", "0123456789abcdef0123456789abcdef0123", "zzzzzzzz-zzzz-4zzz-8zzz-zzzzzzzzzzzz"} {
		assert.Equal(t, "", parseReqID(bad).String(), bad)
	}
}

// TestSeededRequestIDs: a server with a Seed answers with the same request
// ids in the same order, so that recorded outputs repeat; without one,
// ids are random.
func TestSeededRequestIDs(t *testing.T) {
	ids := func(seed uint64) []string {
		s := New(Options{Seed: seed})
		return []string{s.newRequestID(), s.newRequestID(), s.newRequestID()}
	}
	a, b := ids(7), ids(7)
	if !slices.Equal(a, b) {
		t.Fatalf("seed 7 gave %v then %v", a, b)
	}
	if slices.Equal(a, ids(8)) || slices.Equal(ids(0), ids(0)) {
		t.Fatal("different seeds, or no seed, gave the same ids")
	}
	if parseReqID(a[0]).String() != a[0] {
		t.Fatalf("%q is not UUID-shaped", a[0])
	}
}
