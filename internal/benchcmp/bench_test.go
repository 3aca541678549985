// Package benchcmp compares this SDK with Tencent's official Go SDK
// (tencentcloud-sdk-go) on the same call: DescribeInstances with 100
// instance ids in and 100 instances out, each through an in-memory
// transport. It is a module of its own so that the official SDK never
// becomes a dependency of this one. Run it with:
//
//	cd internal/benchcmp && go test -bench . -benchmem
package benchcmp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/qcloud-legacy/cvm"
)

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

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("ins-%08d", i)
	}
	return out
}

// legacyBody is a legacy DescribeInstances answer with n instances.
func legacyBody(n int) []byte {
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

// v3Body is the official API's answer for the same 100 instances, with the
// same facts in its own field names.
func v3Body(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"Response":{"TotalCount":` + fmt.Sprint(n) + `,"InstanceSet":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"Placement":{"Zone":"ap-guangzhou-3","ProjectId":0},"InstanceId":"ins-%08d","Uuid":"a952c786-a1ee-4d0a-8c45-2640ea70e704","InstanceType":"S1.2XLARGE16","CPU":8,"Memory":16,"InstanceName":"jupyter","InstanceChargeType":"PREPAID","SystemDisk":{"DiskType":"CLOUD_BASIC","DiskId":"disk-hq2agvi8","DiskSize":50},"DataDisks":[{"DiskType":"CLOUD_BASIC","DiskId":"disk-fegdogdg","DiskSize":100}],"PrivateIpAddresses":["10.104.249.%d"],"PublicIpAddresses":["123.207.115.47"],"InternetAccessible":{"InternetChargeType":"BANDWIDTH_PREPAID","InternetMaxBandwidthOut":1},"VirtualPrivateCloud":{"VpcId":"","SubnetId":""},"ImageId":"img-31tjrtph","RenewFlag":"NOTIFY_AND_MANUAL_RENEW","CreatedTime":"2016-11-24T01:22:18Z","ExpiredTime":"2017-01-24T01:22:25Z","OsName":"centos7.2x86_64","InstanceState":"RUNNING"}`, i, i%250)
	}
	b.WriteString(`],"RequestId":"6ef60bec-0242-43af-bb20-270359fb54a7"}}`)
	return b.Bytes()
}

// describeInstances is the answer decoded into typed fields, as the
// official SDK decodes its own.
type describeInstances struct {
	cvm.Envelope     // one decoding pass
	TotalCount   int `json:"totalCount"`
	InstanceSet  []struct {
		InstanceName string   `json:"instanceName"`
		UnInstanceID string   `json:"unInstanceId"`
		LanIP        string   `json:"lanIp"`
		WanIPSet     []string `json:"wanIpSet"`
		CPU          int      `json:"cpu"`
		Mem          int      `json:"mem"`
		Status       int      `json:"status"`
		UnImgID      string   `json:"unImgId"`
		ZoneID       int      `json:"zoneId"`
		CreateTime   string   `json:"createTime"`
		DeadlineTime string   `json:"deadlineTime"`
		OS           string   `json:"os"`
		DiskInfo     struct {
			RootID   string `json:"rootId"`
			RootSize int    `json:"rootSize"`
		} `json:"diskInfo"`
	} `json:"instanceSet"`
}

func BenchmarkDescribeInstances100(b *testing.B) {
	b.Run("this-sdk", func(b *testing.B) {
		body := legacyBody(100)
		c, err := cvm.NewClient(cvm.Config{
			SecretID: "AKIDbench", SecretKey: "benchkey", Region: "gz",
			HTTPClient: &http.Client{Transport: memTransport{body}},
			RateLimit:  cvm.RateLimit{Disabled: true},
		})
		if err != nil {
			b.Fatal(err)
		}
		params := struct {
			IDs   cvm.List[string] `url:"instanceIds"`
			Limit int              `url:"limit"`
		}{ids(100), 100}
		ctx := context.Background()
		b.ReportAllocs()
		for range b.N {
			var out describeInstances
			if err := c.Do(ctx, "cvm", "DescribeInstances", params, &out); err != nil || len(out.InstanceSet) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("this-sdk-typed-List", func(b *testing.B) {
		body := legacyBody(100)
		c, err := cvm.NewClient(cvm.Config{
			SecretID: "AKIDbench", SecretKey: "benchkey", Region: "gz",
			HTTPClient: &http.Client{Transport: memTransport{body}},
			RateLimit:  cvm.RateLimit{Disabled: true},
		})
		if err != nil {
			b.Fatal(err)
		}
		opts := &cvm.InstanceListOptions{InstanceIDs: ids(100), ListOptions: cvm.ListOptions{Limit: 100}}
		ctx := context.Background()
		b.ReportAllocs()
		for range b.N {
			list, _, err := c.Instances.List(ctx, opts)
			if err != nil || len(list) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("tencentcloud-sdk-go", func(b *testing.B) {
		body := v3Body(100)
		cred := common.NewCredential("AKIDbench", "benchkey")
		cpf := profile.NewClientProfile()
		c, err := tccvm.NewClient(cred, "ap-guangzhou", cpf)
		if err != nil {
			b.Fatal(err)
		}
		c.WithHttpTransport(memTransport{body})
		idList := ids(100)
		b.ReportAllocs()
		for range b.N {
			req := tccvm.NewDescribeInstancesRequest()
			req.InstanceIds = common.StringPtrs(idList)
			resp, err := c.DescribeInstances(req)
			if err != nil || len(resp.Response.InstanceSet) != 100 {
				b.Fatal(err)
			}
		}
	})
}
