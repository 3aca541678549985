package cvm

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type describeParams struct {
	InstanceIDs List[string] `url:"instanceIds,omitempty"`
	Offset      int          `url:"offset"`
	Limit       int          `url:"limit,omitempty"`
}

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

func TestEncodeParamsKinds(t *testing.T) {
	t.Parallel()
	v, err := encodeParams(url.Values{"a": {"1"}})
	require.NoError(t, err)
	assert.Equal(t, "a=1", v.Encode())
	v, err = encodeParams(map[string]string{"b": "2"})
	require.NoError(t, err)
	assert.Equal(t, "b=2", v.Encode())
	v, err = encodeParams(nil)
	require.NoError(t, err)
	assert.Empty(t, v)
	v, err = encodeParams((*describeParams)(nil))
	require.NoError(t, err)
	assert.Empty(t, v)
	_, err = encodeParams(42)
	var argErr *ArgError
	require.ErrorAs(t, err, &argErr)
	assert.Equal(t, "params", argErr.Arg)
	v, err = encodeParams(struct {
		L List[any] `url:"l"`
	}{L: []any{1, true, 2.5, nil, uint8(3)}})
	require.NoError(t, err)
	assert.Equal(t, "l.0=1&l.1=1&l.2=2.5&l.3=&l.4=3", v.Encode())
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

func TestDoRoutesByAction(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	rec := answer(t, mt, "POST", "https://dfw.api.qcloud.com/v2/index.php", `{"code":0,"data":{}}`)
	require.NoError(t, c.Do(context.Background(), "", "DescribeSecurityGroupEx", nil, nil))
	assert.Len(t, rec.requests(), 1)

	err := c.Do(context.Background(), "", "SomethingUnknown", nil, nil)
	var argErr *ArgError
	require.ErrorAs(t, err, &argErr)
	assert.Equal(t, "module", argErr.Arg)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "nothing sent for a bad argument")
}

func TestDoBadArguments(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	ctx := context.Background()
	var out struct{}
	tests := []struct {
		name        string
		module, act string
		params, out any
		wantArg     string
	}{
		{"no action", "cvm", "", nil, nil, "action"},
		{"bad module", "CVM!", "X", nil, nil, "module"},
		{"out not a pointer", "cvm", "X", nil, out, "out"},
		{"nil pointer out", "cvm", "X", nil, (*struct{})(nil), "out"},
		{"params not encodable", "cvm", "X", []string{"a"}, nil, "params"},
	}
	for _, tt := range tests {
		err := c.Do(ctx, tt.module, tt.act, tt.params, tt.out)
		var argErr *ArgError
		require.ErrorAs(t, err, &argErr, tt.name)
		assert.Equal(t, tt.wantArg, argErr.Arg, tt.name)
		assert.ErrorIs(t, err, ErrInvalidParameter, tt.name)
	}
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestDecodeOut(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	answer(t, mt, "POST", cvmURL, `{"code":"0","message":"ok","totalCount":"2","instanceSet":[{"unInstanceId":"ins-1"}]}`)
	var out struct {
		TotalCount  json2Int `json:"totalCount"`
		InstanceSet []struct {
			ID string `json:"unInstanceId"`
		} `json:"instanceSet"`
	}
	require.NoError(t, c.Do(context.Background(), "cvm", "DescribeInstances", nil, &out))
	assert.Equal(t, json2Int(2), out.TotalCount)
	assert.Equal(t, "ins-1", out.InstanceSet[0].ID)
}

type json2Int = jsonInt

func TestAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		check  func(t *testing.T, err error)
	}{
		{"code as string", 200, `{"code":"5000","message":"(100004)instance not found","codeDesc":"InvalidParameter.ResourceNotFound"}`,
			func(t *testing.T, err error) {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, 5000, apiErr.Code)
				assert.ErrorIs(t, err, ErrNotFound)
				assert.Equal(t, "cvm: DescribeInstances: code 5000 (InvalidParameter.ResourceNotFound): (100004)instance not found", err.Error())
			}},
		{"HTML 502 page", 502, "<html>\n<head><title>502 Bad Gateway</title></head></html>",
			func(t *testing.T, err error) {
				var re *ResponseError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, 502, re.HTTPStatusCode)
				assert.ErrorIs(t, err, ErrBadResponse)
				assert.NotContains(t, err.Error(), "\n")
			}},
		{"truncated body", 200, `{"code":0,"instanceSet":[{"unInst`,
			func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrBadResponse) }},
		{"no code", 200, `{"message":"hello"}`,
			func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrBadResponse) }},
		{"JSON but not an object", 200, `[1,2]`,
			func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrBadResponse) }},
		{"empty body", 200, ``,
			func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrBadResponse) }},
		{"error envelope on HTTP 500", 500, `{"code":6000,"message":"internal"}`,
			func(t *testing.T, err error) {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, 500, apiErr.HTTPStatusCode)
				assert.ErrorIs(t, err, ErrInternal)
			}},
		{"success code on HTTP 404", 404, `{"code":0}`,
			func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrBadResponse) }},
		{"data of the wrong shape with an error code", 200, `{"code":4000,"message":"bad","instanceSet":"oops"}`,
			func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrInvalidParameter) }},
		{"data of the wrong shape with success", 200, `{"code":0,"zoneSet":"oops"}`,
			func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrBadResponse) }},
		{"multi-line message stays one line", 200, "{\"code\":4000,\"message\":\"a\\nb\"}",
			func(t *testing.T, err error) { assert.Equal(t, "cvm: DescribeInstances: code 4000: a b", err.Error()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t, func(cfg *Config) { cfg.MaxAttempts = 1 })
			rec := answer(t, mt, "POST", cvmURL, tt.body)
			rec.status = []int{tt.status}
			var out describeZonesResponse
			err := c.Do(context.Background(), "cvm", "DescribeInstances", nil, &out)
			require.Error(t, err)
			tt.check(t, err)
		})
	}
}

func TestOversizedBody(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, func(cfg *Config) { cfg.MaxAttempts = 1 })
	big := `{"code":0,"x":"` + strings.Repeat("a", maxBodyBytes) + `"}`
	answer(t, mt, "POST", cvmURL, big)
	err := c.Do(context.Background(), "cvm", "DescribeInstances", nil, nil)
	var re *ResponseError
	require.ErrorAs(t, err, &re)
	assert.ErrorIs(t, err, errBodyTooLarge)
	assert.Equal(t, "DescribeInstances", re.Action)
}

func TestBatchErrorPerID(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	answer(t, mt, "POST", cvmURL, `{"code":5400,"message":"partly failed","detail":{
		"ins-b":{"code":5100,"message":"(EC_CVM_STATUS_ERROR) status","requestId":""},
		"ins-a":{"code":0,"message":"","requestId":"123"}}}`)
	err := c.Do(context.Background(), "cvm", "StopInstances",
		struct {
			IDs List[string] `url:"instanceIds"`
		}{[]string{"ins-a", "ins-b"}}, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, ErrPartialFailure)
	assert.Equal(t, []ItemResult{
		{ID: "ins-a", Code: 0, RequestID: "123"},
		{ID: "ins-b", Code: 5100, Message: "(EC_CVM_STATUS_ERROR) status"},
	}, apiErr.Items)
	assert.Equal(t, []ItemResult{apiErr.Items[1]}, apiErr.Failed())
	assert.Equal(t, "cvm: StopInstances: code 5400: partly failed: 1 of 2 items failed: ins-b: code 5100 (EC_CVM_STATUS_ERROR) status", err.Error())
	assert.NoError(t, apiErr.Items[0].Err("StopInstances"))
	assert.ErrorIs(t, apiErr.Items[1].Err("StopInstances"), ErrOperationFailed)
}

func TestBatchDetailAsList(t *testing.T) {
	t.Parallel()
	var d batchDetail
	require.NoError(t, d.UnmarshalJSON([]byte(`[{"imageId":"img-1","code":5100,"message":"in use"},{"id":"img-2","code":"0"}]`)))
	assert.Equal(t, batchDetail{{ID: "img-1", Code: 5100, Message: "in use"}, {ID: "img-2"}}, d)
	// Other shapes are ignored, not errors.
	var other batchDetail
	require.NoError(t, other.UnmarshalJSON([]byte(`{"deleteKeySet":[{"keyId":"skey-1"}]}`)))
	require.NoError(t, other.UnmarshalJSON([]byte(`"text"`)))
}

func TestErrorSentinels(t *testing.T) {
	t.Parallel()
	for code, want := range map[int]error{
		4000: ErrInvalidParameter, 4100: ErrAuth, 4104: ErrAuth, 4105: ErrAuth, 4110: ErrAuth,
		4200: ErrExpired, 4300: ErrForbidden, 4400: ErrQuotaExceeded, 4500: ErrReplay, 4600: ErrProtocol,
		5000: ErrNotFound, 5100: ErrOperationFailed, 5200: ErrPurchaseFailed, 5300: ErrPurchaseFailed,
		5400: ErrPartialFailure, 6000: ErrInternal, 6100: ErrUnsupportedAction, 6200: ErrUnavailable,
	} {
		err := fmt.Errorf("wrapped: %w", &APIError{Action: "A", Code: code})
		assert.ErrorIs(t, err, want, "code %d", code)
		assert.NotErrorIs(t, err, ErrBadResponse, "code %d", code)
	}
	assert.NotErrorIs(t, &APIError{Code: 7001}, ErrNotFound)
}

func TestDoWithEmbeddedEnvelope(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, func(cfg *Config) { cfg.MaxAttempts = 1 })
	answer(t, mt, "POST", cvmURL, `{"code":0,"totalCount":3}`, `{"totalCount":4}`, `{"code":5000,"message":"gone","totalCount":"x"}`)
	var out struct {
		Envelope
		TotalCount int `json:"totalCount"`
	}
	require.NoError(t, c.Do(context.Background(), "cvm", "DescribeInstances", nil, &out))
	assert.Equal(t, 3, out.TotalCount)
	// Reused: a second answer without a code is not taken for a success.
	err := c.Do(context.Background(), "cvm", "DescribeInstances", nil, &out)
	assert.ErrorIs(t, err, ErrBadResponse)
	// An error answer whose data does not fit still reports its code.
	err = c.Do(context.Background(), "cvm", "DescribeInstances", nil, &out)
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestDoOutWithOwnCodeField(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	answer(t, mt, "POST", cvmURL, `{"code":0,"message":"fine"}`)
	var out struct {
		Envelope
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	require.NoError(t, c.Do(context.Background(), "cvm", "DescribeInstances", nil, &out))
	assert.Equal(t, "fine", out.Message)
}

func TestEnumsEncodeAsNumbers(t *testing.T) {
	t.Parallel()
	v, err := encodeParams(&struct {
		S InstanceStatus  `url:"status,omitempty"`
		T ImageType       `url:"imageType,omitempty"`
		Z ImageType       `url:"zero,omitempty"`
		L List[ImageType] `url:"types"`
	}{S: InstanceRunning, T: ImagePublic, L: []ImageType{ImagePrivate}})
	require.NoError(t, err)
	assert.Equal(t, "imageType=2&status=2&types.0=1", v.Encode())
}
