package cvm

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestZonesList(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	rec := answer(t, mt, "POST", cvmURL, `{"code":0,"message":"","codeDesc":"Success","totalCount":2,"zoneSet":[
		{"zoneId":100002,"zoneName":"广州二区","idcList":[{"idcId":"12","idcName":"广州M6"}]},
		{"zoneId":"100003","zoneName":"广州三区","zone":"ap-guangzhou-3","zoneState":"AVAILABLE"}]}`)
	zones, resp, err := c.Zones.List(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []Zone{
		{ID: 100002, Name: "广州二区", IDCs: []IDC{{ID: 12, Name: "广州M6"}}},
		{ID: 100003, Name: "广州三区", Zone: "ap-guangzhou-3", State: "AVAILABLE"},
	}, zones)
	assert.Equal(t, 2, resp.TotalCount)
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, url.Values{
		"Action": {"DescribeAvailabilityZones"}, "Region": {"gz"}, "SecretId": {testSecretID},
		"SignatureMethod": {"HmacSHA256"}, "RequestClient": {"SDK_GO_CVM_" + Version},
	}, rec.requests()[0].stable())
}

func TestZonesGetSingleObject(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	// With zoneId the documented answer has zoneSet as one object.
	rec := answer(t, mt, "POST", cvmURL, `{"code":0,"totalCount":1,"zoneSet":{"zoneId":100003,"zoneName":"广州三区","idcList":{"idcId":1,"idcName":"x"}}}`)
	z, _, err := c.Zones.Get(context.Background(), 100003)
	require.NoError(t, err)
	assert.Equal(t, &Zone{ID: 100003, Name: "广州三区", IDCs: []IDC{{ID: 1, Name: "x"}}}, z)
	assert.Equal(t, "100003", rec.requests()[0].Params.Get("zoneId"))

	_, _, err = c.Zones.Get(context.Background(), 999)
	assert.ErrorIs(t, err, ErrNotFound)
	_, _, err = c.Zones.Get(context.Background(), 0)
	var argErr *ArgError
	require.ErrorAs(t, err, &argErr)
	assert.Len(t, rec.requests(), 2, "a bad argument sends nothing")
}

func TestZonesAbilities(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	rec := answer(t, mt, "POST", cvmURL, `{"code":0,"capacitySet":[{"capacity":["cbs","vpc"],"isSupported":1},{"capacity":"vpc","isSupported":"0"}]}`)
	got, _, err := c.Zones.Abilities(context.Background(), 100003, CapacityCBS, CapacityVPC)
	require.NoError(t, err)
	assert.Equal(t, []ZoneAbility{{Capacities: []string{"cbs", "vpc"}, Supported: true}, {Capacities: []string{"vpc"}}}, got)
	p := rec.requests()[0].Params
	assert.Equal(t, "cbs", p.Get("capacity.0"))
	assert.Equal(t, "vpc", p.Get("capacity.1"))
	assert.Equal(t, "100003", p.Get("zoneId"))

	_, _, err = c.Zones.Abilities(context.Background(), 100003, "gpu")
	assert.ErrorIs(t, err, ErrInvalidParameter)
	assert.Len(t, rec.requests(), 1)
}

func TestZonesProductRegions(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	// The documented example has a stray space in the key.
	rec := answer(t, mt, "POST", cvmURL, `{"code":0,"message":"","availableRegion ":{"sh":"上海","gz":"广州","hk":"香港地区"}}`)
	got, _, err := c.Zones.ProductRegions(context.Background(), ProductCVM)
	require.NoError(t, err)
	assert.Equal(t, []ProductRegion{{"gz", "广州"}, {"hk", "香港地区"}, {"sh", "上海"}}, got)
	assert.Equal(t, "1", rec.requests()[0].Params.Get("instanceType"))

	_, _, err = c.Zones.ProductRegions(context.Background(), 9)
	assert.ErrorIs(t, err, ErrInvalidParameter)

	answer(t, mt, "POST", cvmURL, `{"code":4000,"message":"bad","availableRegion":[]}`)
	_, _, err = c.Zones.ProductRegions(context.Background(), ProductCDB)
	assert.ErrorIs(t, err, ErrInvalidParameter)
}
