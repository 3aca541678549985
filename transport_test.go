package cvm

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWireFormPOST pins the exact bytes of a signed POST.
func TestWireFormPOST(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	rec := answer(t, mt, "POST", cvmURL, `{"code":0,"message":"","totalCount":0,"instanceSet":[]}`)

	err := c.Do(context.Background(), "cvm", "DescribeInstances",
		describeParams{InstanceIDs: []string{"ins-a", "ins-b"}, Limit: 20}, nil)
	require.NoError(t, err)

	reqs := rec.requests()
	require.Len(t, reqs, 1)
	const sts = "POSTcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&Nonce=1&Region=gz" +
		"&RequestClient=SDK_GO_CVM_" + Version + "&SecretId=AKIDtestid&SignatureMethod=HmacSHA256" +
		"&Timestamp=1700000000&instanceIds.0=ins-a&instanceIds.1=ins-b&limit=20&offset=0"
	sig := Sign(sts, testSecretKey, "HmacSHA256")
	want := "Action=DescribeInstances&Nonce=1&Region=gz&RequestClient=SDK_GO_CVM_" + Version +
		"&SecretId=AKIDtestid&SignatureMethod=HmacSHA256&Timestamp=1700000000" +
		"&instanceIds.0=ins-a&instanceIds.1=ins-b&limit=20&offset=0&Signature=" + url.QueryEscape(sig)
	assert.Equal(t, want, reqs[0].Raw)
	assert.Equal(t, "cvm.api.qcloud.com", reqs[0].Host)
}

// TestWireGET pins a signed GET, HmacSHA1, with a token and values that need
// escaping.
func TestWireGET(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, func(cfg *Config) {
		cfg.HTTPMethod = "get"
		cfg.SignatureMethod = "HmacSHA1"
		cfg.Token = NewSecret("tok")
	})
	rec := answer(t, mt, "GET", `=~^https://image\.api\.qcloud\.com/v2/index\.php`, `{"code":0}`)

	err := c.Do(context.Background(), "image", "ModifyImageAttributes",
		map[string]string{"imageId": "img-1", "imageName": "a b+c/中"}, nil)
	require.NoError(t, err)

	reqs := rec.requests()
	require.Len(t, reqs, 1)
	const sts = "GETimage.api.qcloud.com/v2/index.php?Action=ModifyImageAttributes&Nonce=1&Region=gz" +
		"&RequestClient=SDK_GO_CVM_" + Version + "&SecretId=AKIDtestid&SignatureMethod=HmacSHA1" +
		"&Timestamp=1700000000&Token=tok&imageId=img-1&imageName=a b+c/中"
	want := "Action=ModifyImageAttributes&Nonce=1&Region=gz&RequestClient=SDK_GO_CVM_" + Version +
		"&SecretId=AKIDtestid&SignatureMethod=HmacSHA1&Timestamp=1700000000&Token=tok" +
		"&imageId=img-1&imageName=a+b%2Bc%2F%E4%B8%AD&Signature=" + url.QueryEscape(Sign(sts, testSecretKey, "HmacSHA1"))
	assert.Equal(t, want, reqs[0].Raw)
}

// TestWireNestedLists pins name.N.field and nested lists.
func TestWireNestedLists(t *testing.T) {
	t.Parallel()
	type rule struct {
		Protocol string `url:"ipProtocol,omitempty"`
		CIDR     string `url:"cidrIp,omitempty"`
		Action   string `url:"action"`
	}
	type inst struct {
		ID    string       `url:"instanceId"`
		SGIDs List[string] `url:"sgIds"`
	}
	type params struct {
		Ingress List[rule]   `url:"ingress"`
		Set     List[inst]   `url:"instanceSet"`
		Flag    bool         `url:"wanIp,int"`
		Empty   List[string] `url:"none,omitempty"`
		Single  struct {
			Port string `url:"portRange"`
		} `url:"policys"`
	}
	v, err := encodeParams(&params{
		Ingress: []rule{{Protocol: "tcp", CIDR: "10.0.0.0/8", Action: "ACCEPT"}, {Action: "DROP"}},
		Set:     []inst{{ID: "ins-1", SGIDs: []string{"sg-1", "sg-2"}}},
		Flag:    true,
		Single: struct {
			Port string `url:"portRange"`
		}{"22"},
	})
	require.NoError(t, err)
	assert.Equal(t, "ingress.0.action=ACCEPT&ingress.0.cidrIp=10.0.0.0%2F8&ingress.0.ipProtocol=tcp"+
		"&ingress.1.action=DROP&instanceSet.0.instanceId=ins-1&instanceSet.0.sgIds.0=sg-1"+
		"&instanceSet.0.sgIds.1=sg-2&policys.portRange=22&wanIp=1", v.Encode())
}

func TestEndpointOverrideSignsHostWithPort(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, func(cfg *Config) { cfg.Endpoint = "http://127.0.0.1:9191/v2/index.php" })
	rec := answer(t, mt, "POST", "http://127.0.0.1:9191/v2/index.php", `{"code":0}`)
	require.NoError(t, c.Do(context.Background(), "eip", "DescribeEipQuota", nil, nil))
	r := rec.requests()[0]
	sts := StringToSign("POST", "127.0.0.1:9191", "/v2/index.php", r.Params)
	assert.Equal(t, Sign(sts, testSecretKey, "HmacSHA256"), r.Params.Get("Signature"))
}
