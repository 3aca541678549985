package cvm

import (
	"encoding"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roundTrip checks that every documented value of an enum, and a code the
// SDK does not know, survives text and JSON, and that Parse reads names in
// any case and bare codes.
func roundTrip[T interface {
	~int
	fmt.Stringer
	encoding.TextMarshaler
}, P interface {
	*T
	encoding.TextUnmarshaler
}](t *testing.T, values []T, parse func(string) (T, error)) {
	t.Helper()
	require.NotEmpty(t, values)
	for _, v := range append(values, T(4242)) {
		b, err := v.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, v.String(), string(b))
		var back T
		require.NoError(t, P(&back).UnmarshalText(b), "%s", b)
		assert.Equal(t, v, back, "%s", b)
		j, err := json.Marshal(v)
		require.NoError(t, err)
		assert.Equal(t, `"`+v.String()+`"`, string(j))
		var fromJSON T
		require.NoError(t, json.Unmarshal(j, &fromJSON))
		assert.Equal(t, v, fromJSON)
		byCode, err := parse(fmt.Sprint(int(v)))
		require.NoError(t, err)
		assert.Equal(t, v, byCode)
	}
	_, err := parse("no-such-name")
	var ae *ArgError
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, err.Error(), values[0].String(), "the error lists the names")
}

func TestEnumsAsText(t *testing.T) {
	roundTrip(t, InstanceStatusValues(), ParseInstanceStatus)
	roundTrip(t, ImageStatusValues(), ParseImageStatus)
	roundTrip(t, ImageTypeValues(), ParseImageType)
	roundTrip(t, EIPStatusValues(), ParseEIPStatus)
	roundTrip(t, DealStatusValues(), ParseDealStatus)
	roundTrip(t, PayModeValues(), ParsePayMode)
	roundTrip(t, NetworkPayModeValues(), ParseNetworkPayMode)
	roundTrip(t, AutoRenewValues(), ParseAutoRenew)
	roundTrip(t, VPCTaskStatusValues(), ParseVPCTaskStatus)
	roundTrip(t, DiskTypeValues(), ParseDiskType)
	for name, want := range map[string]DiskType{"CLOUD_PREMIUM": DiskCloudPremium, "cloud_ssd": DiskCloudSSD, "local": DiskLocal} {
		got, err := ParseDiskType(name)
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
	none, err := ParseDiskType("")
	require.NoError(t, err)
	assert.Zero(t, none)
	dj, derr := json.Marshal(Disks{RootType: DiskCloud, DataType: DiskCloudPremium})
	require.NoError(t, derr)
	assert.Contains(t, string(dj), `"RootType":"cloud"`)
	assert.Contains(t, string(dj), `"DataType":"cloud-premium"`)

	st, err := ParseInstanceStatus("RUNNING")
	require.NoError(t, err)
	assert.Equal(t, InstanceRunning, st)
	j, err := json.Marshal(Instance{ID: "ins-1", Status: InstanceRunning})
	require.NoError(t, err)
	assert.Contains(t, string(j), `"Status":"running"`)
	assert.Len(t, InstanceStatusValues(), len(instanceStatusNames))
}
