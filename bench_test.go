package cvm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func benchIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("ins-%08d", i)
	}
	return ids
}

// benchBody is a DescribeInstances answer with n instances, in the shape of
// the documented example.
func benchBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"codeDesc":"Success","totalCount":` + fmt.Sprint(n) + `,"message":"","code":0,"instanceSet":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"lanIp":"10.104.249.%d","instanceId":"qcvm0c7dca6b0244fde9b36d7cbc9862%04d","unImgId":"img-31tjrtph","imageId":53,"autoRenew":0,"bandwidth":1,"vpcId":0,"deviceClass":"VSELF_2","diskInfo":{"rootId":"disk-hq2agvi8","storageSize":100,"rootType":2,"storageType":2,"storageId":"disk-fegdogdg","rootSize":50},"subnetId":0,"isVpcGateway":0,"uuid":"a952c786-a1ee-4d0a-8c45-2640ea70e704","wanIpSet":["123.207.115.47"],"projectId":0,"deadlineTime":"2017-01-24 09:22:25","cvmPayMode":1,"zoneId":100003,"instanceName":"jupyter","imageType":"公有镜像","status":2,"mem":16,"Region":"gz","networkPayMode":1,"unInstanceId":"ins-%08d","createTime":"2016-11-24 09:22:18","zoneName":"广州三区","statusTime":"2016-11-30 10:48:24","os":"centos7.2x86_64","cpu":8}`, i%250, i, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// memTransport answers every request with the same body, in memory.
type memTransport struct{ body []byte }

func (m memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{
		StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(m.body)), ContentLength: int64(len(m.body)), Request: req,
	}, nil
}

func BenchmarkStringToSignAndSign(b *testing.B) {
	params := url.Values{
		"Action": {"DescribeInstances"}, "Nonce": {"11886"}, "Region": {"gz"},
		"SecretId": {"AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"}, "SignatureMethod": {"HmacSHA256"},
		"Timestamp": {"1465185768"}, "instanceIds.0": {"ins-09dx96dg"}, "limit": {"20"}, "offset": {"0"},
	}
	b.ReportAllocs()
	for range b.N {
		_ = Sign(StringToSign("GET", "cvm.api.qcloud.com", "/v2/index.php", params), "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA", "HmacSHA256")
	}
}

func BenchmarkEncode100IDs(b *testing.B) {
	params := struct {
		IDs   List[string] `url:"instanceIds"`
		Limit int          `url:"limit"`
	}{benchIDs(100), 100}
	b.ReportAllocs()
	for range b.N {
		if _, err := encodeParams(params); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDescribeInstances100 measures a whole call: 100 ids in, 100
// instances out, through an in-memory transport. The "baseline"
// sub-benchmark is the work no client can avoid for that call: encode the
// parameters, sort them, HMAC-SHA256 the string to sign, form-encode the
// body, and decode the same answer into the same structs.
func BenchmarkDescribeInstances100(b *testing.B) {
	body := benchBody(100)
	ids := benchIDs(100)
	params := struct {
		IDs   List[string] `url:"instanceIds"`
		Limit int          `url:"limit"`
	}{ids, 100}

	b.Run("Do", func(b *testing.B) {
		c, err := NewClient(Config{
			SecretID: "AKIDbench", SecretKey: NewSecret("benchkey"), Region: "gz",
			HTTPClient: &http.Client{Transport: memTransport{body}},
			RateLimit:  RateLimit{Disabled: true},
		})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for range b.N {
			var out describeInstancesResponse
			if err := c.Do(ctx, "cvm", "DescribeInstances", params, &out); err != nil {
				b.Fatal(err)
			}
			if len(out.InstanceSet) != 100 {
				b.Fatal("short answer")
			}
		}
	})

	b.Run("baseline", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for range b.N {
			vals, _ := encodeParams(params)
			vals.Set("Action", "DescribeInstances")
			vals.Set("Region", "gz")
			vals.Set("SecretId", "AKIDbench")
			vals.Set("SignatureMethod", "HmacSHA256")
			vals.Set("Timestamp", "1700000000")
			vals.Set("Nonce", "12345")
			pairs := canonicalPairs(vals)
			sts := appendStringToSign(nil, "POST", "cvm.api.qcloud.com", "/v2/index.php", pairs)
			form := encodeForm(pairs, appendSignature(nil, sts, "benchkey", "HmacSHA256"))
			_ = strings.NewReader(form)
			var out describeInstancesResponse
			if err := json.Unmarshal(body, &out); err != nil || len(out.InstanceSet) != 100 {
				b.Fatal(err)
			}
		}
	})
}
