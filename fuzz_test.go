package cvm

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// FuzzStringToSign: any parameters sign without panicking; the string is
// deterministic, ignores Signature, and treats "a_b" as "a.b".
func FuzzStringToSign(f *testing.F) {
	f.Add("GET", "cvm.api.qcloud.com", "Action=DescribeInstances&Nonce=11886&Region=gz&instanceIds.0=ins-09dx96dg")
	f.Add("post", "127.0.0.1:9191", "Placement_Zone=CN_GUANGZHOU&_x_y=1&a=%E4%B8%AD&a=2")
	f.Add("", "", "=&&==&Signature=abc")
	f.Fuzz(func(t *testing.T, method, host, query string) {
		params, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		sts := StringToSign(method, host, "/v2/index.php", params)
		if sts != StringToSign(method, host, "/v2/index.php", params) {
			t.Fatal("not deterministic")
		}
		withSig := url.Values{"Signature": {"whatever"}}
		for k, v := range params {
			if k != "Signature" {
				withSig[k] = v
			}
		}
		if StringToSign(method, host, "/v2/index.php", withSig) != sts {
			t.Fatal("Signature is signed")
		}
		if !strings.HasPrefix(sts, strings.ToUpper(method)+host+"/v2/index.php?") {
			t.Fatalf("prefix: %q", sts)
		}
		for _, alg := range []string{"HmacSHA256", "HmacSHA1", method} {
			if s := Sign(sts, host, alg); s == "" {
				t.Fatal("empty signature")
			}
		}
	})
}

// FuzzEncodeParams: lists encode as name.N in order, round-trip through
// the form encoding, and never panic.
func FuzzEncodeParams(f *testing.F) {
	f.Add("ins-1", "ins-2", "tcp", "10.0.0.0/8", 3, true)
	f.Add("", "a&b=c", "中文", "%zz", -1, false)
	f.Fuzz(func(t *testing.T, a, b, proto, cidr string, n int, flag bool) {
		type rule struct {
			Protocol string `url:"ipProtocol,omitempty"`
			CIDR     string `url:"cidrIp"`
		}
		p := struct {
			IDs   List[string] `url:"instanceIds"`
			Rules List[rule]   `url:"ingress"`
			N     int          `url:"n"`
			Flag  bool         `url:"flag,int"`
			Ints  List[int]    `url:"ints"`
		}{IDs: []string{a, b}, Rules: []rule{{proto, cidr}}, N: n, Flag: flag, Ints: []int{n, -n}}
		v, err := encodeParams(p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := url.ParseQuery(v.Encode())
		if err != nil {
			t.Fatal(err)
		}
		if back.Get("instanceIds.0") != a || back.Get("instanceIds.1") != b || back.Get("ingress.0.cidrIp") != cidr {
			t.Fatalf("round trip: %v", back)
		}
	})
}

// FuzzDecodeBody: any bytes decode to a value or a typed error, never a
// panic.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{
		`{"code":0,"totalCount":1,"instanceSet":[{"unInstanceId":"ins-1","status":"2","createTime":"2016-11-24 09:22:18"}]}`,
		`{"code":"5400","detail":{"ins-1":{"code":5100,"message":"x"}}}`,
		`{"code":0,"zoneSet":{"zoneId":100003}}`,
		`<html>502</html>`, `{"code":`, `[]`, `null`, `{"code":1e999}`, `{"code":0,"detail":[{"code":"x"}]}`,
	} {
		f.Add([]byte(s), 200)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		for _, out := range []any{nil, &describeInstancesResponse{}, &describeZonesResponse{}, &map[string]any{},
			&describeEipResponse{}, &policysResponse{}, &describeProductRegionListResponse{}, &presizeOuter{}} {
			err := decodeBody("Fuzz", status, body, out)
			var apiErr *APIError
			var respErr *ResponseError
			if err != nil && !errors.As(err, &apiErr) && !errors.As(err, &respErr) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if err != nil && strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("multi-line error: %q", err.Error())
			}
			if err == nil && !json.Valid(body) {
				t.Fatalf("accepted invalid JSON %q", body)
			}
		}
	})
}

// FuzzDecode3: any bytes decode as an API 3.0 answer to a value or a typed
// error, never a panic; the cost walk ends on any input, and an accepted
// answer is valid JSON.
func FuzzDecode3(f *testing.F) {
	for _, s := range []string{
		`{"Response":{"TotalCount":1,"InstanceSet":[{"InstanceId":"ins-1","Placement":{"Zone":"ap-guangzhou-3"},"PrivateIpAddresses":["10.0.0.1"]}],"RequestId":"r"}}`,
		`{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"x"},"RequestId":"r"}}`,
		`{"Response":{"ZoneSet":[{"\u005aone":"a"},{"Zone":"b\"c"}],"RequestId":"r"}}`,
		`{"Response":{"X":[[[[{}]]]],"RequestId":"r"}}`, `{"Response":`, `{"Response":{"InstanceSet":[{]}}`,
		`<html>502</html>`, `[]`, `null`, `{"Response":{"RequestId":"\\"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, out := range []any{nil, new(describeInstances3), new(describeZones3), new(describeImages3), new(map[string]any)} {
			err := decode3("Fuzz", 200, body, out)
			var apiErr *APIError
			var respErr *ResponseError
			if err != nil && !errors.As(err, &apiErr) && !errors.As(err, &respErr) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if err == nil && !json.Valid(body) {
				t.Fatalf("accepted invalid JSON %q", body)
			}
		}
	})
}
