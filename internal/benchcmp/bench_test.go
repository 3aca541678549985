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
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

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

// plainInstances is the answer decoded into a plain user struct, without
// cvm.Envelope: the way most users write their own Do results.
type plainInstances struct {
	TotalCount  int `json:"totalCount"`
	InstanceSet []struct {
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

// envelopedInstances is plainInstances with cvm.Envelope embedded.
type envelopedInstances struct {
	cvm.Envelope
	plainInstances
}

// fullInstances holds every field of a legacy instance in plain Go types:
// what Instances.List gives, decoded the plainest way.
type fullInstances struct {
	Code        int    `json:"code"`
	Message     string `json:"message"`
	CodeDesc    string `json:"codeDesc"`
	TotalCount  int    `json:"totalCount"`
	InstanceSet []struct {
		LanIP          string   `json:"lanIp"`
		InstanceID     string   `json:"instanceId"`
		UnImgID        string   `json:"unImgId"`
		ImageID        int      `json:"imageId"`
		AutoRenew      int      `json:"autoRenew"`
		Bandwidth      int      `json:"bandwidth"`
		VpcID          int      `json:"vpcId"`
		DeviceClass    string   `json:"deviceClass"`
		SubnetID       int      `json:"subnetId"`
		IsVpcGateway   int      `json:"isVpcGateway"`
		UUID           string   `json:"uuid"`
		WanIPSet       []string `json:"wanIpSet"`
		ProjectID      int      `json:"projectId"`
		DeadlineTime   string   `json:"deadlineTime"`
		CvmPayMode     int      `json:"cvmPayMode"`
		ZoneID         int      `json:"zoneId"`
		InstanceName   string   `json:"instanceName"`
		ImageType      string   `json:"imageType"`
		Status         int      `json:"status"`
		Mem            int      `json:"mem"`
		Region         string   `json:"Region"`
		NetworkPayMode int      `json:"networkPayMode"`
		UnInstanceID   string   `json:"unInstanceId"`
		CreateTime     string   `json:"createTime"`
		ZoneName       string   `json:"zoneName"`
		StatusTime     string   `json:"statusTime"`
		OS             string   `json:"os"`
		CPU            int      `json:"cpu"`
		DiskInfo       struct {
			RootID      string `json:"rootId"`
			StorageSize int    `json:"storageSize"`
			RootType    int    `json:"rootType"`
			StorageType int    `json:"storageType"`
			StorageID   string `json:"storageId"`
			RootSize    int    `json:"rootSize"`
		} `json:"diskInfo"`
	} `json:"instanceSet"`
}

// floor is the work no client can avoid for the call, done with the
// standard library: sort the parameters, HMAC-SHA256 the string to sign,
// form-encode the body, and decode the same answer with encoding/json into
// fresh structs of the same shape as the contender's result.
func floor(body []byte, idList []string, fresh func() any) loop {
	return func(n int) error {
		for range n {
			p := url.Values{"Action": {"DescribeInstances"}, "Region": {"gz"}, "SecretId": {"AKIDbench"},
				"SignatureMethod": {"HmacSHA256"}, "Timestamp": {"1700000000"}, "Nonce": {"12345"}, "limit": {"100"}}
			for i, id := range idList {
				p.Set("instanceIds."+strconv.Itoa(i), id)
			}
			keys := make([]string, 0, len(p))
			for k := range p {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var sts strings.Builder
			sts.WriteString("POSTcvm.api.qcloud.com/v2/index.php?")
			for i, k := range keys {
				if i > 0 {
					sts.WriteByte('&')
				}
				sts.WriteString(k + "=" + p.Get(k))
			}
			mac := hmac.New(sha256.New, []byte("benchkey"))
			mac.Write([]byte(sts.String()))
			p.Set("Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
			_ = strings.NewReader(p.Encode())
			if err := json.Unmarshal(body, fresh()); err != nil {
				return err
			}
		}
		return nil
	}
}

// loop makes the call n times.
type loop func(n int) error

func newClient(body []byte) *cvm.Client {
	c, err := cvm.NewClient(cvm.Config{
		SecretID: "AKIDbench", SecretKey: cvm.NewSecret("benchkey"), Region: "gz",
		HTTPClient: &http.Client{Transport: memTransport{body}},
		RateLimit:  cvm.RateLimit{Disabled: true},
	})
	if err != nil {
		panic(err)
	}
	return c
}

var order = []string{"tencentcloud-sdk-go", "floor-plain", "floor-full", "Do-plain", "Do-envelope", "List"}

// contenders are the ways of making the same call.
func contenders() map[string]loop {
	legacy, v3 := legacyBody(100), v3Body(100)
	idList := ids(100)
	params := struct {
		IDs   cvm.List[string] `url:"instanceIds"`
		Limit int              `url:"limit"`
	}{idList, 100}
	ctx := context.Background()
	short := errors.New("short answer")
	official := func() loop {
		c, err := tccvm.NewClient(common.NewCredential("AKIDbench", "benchkey"), "ap-guangzhou", profile.NewClientProfile())
		if err != nil {
			panic(err)
		}
		c.WithHttpTransport(memTransport{v3})
		return func(n int) error {
			for range n {
				req := tccvm.NewDescribeInstancesRequest()
				req.InstanceIds = common.StringPtrs(idList)
				resp, err := c.DescribeInstances(req)
				if err != nil {
					return err
				}
				if len(resp.Response.InstanceSet) != 100 {
					return short
				}
			}
			return nil
		}
	}
	doInto := func(fresh func() any, count func(any) int) loop {
		c := newClient(legacy)
		return func(n int) error {
			for range n {
				out := fresh()
				if err := c.Do(ctx, "cvm", "DescribeInstances", params, out); err != nil {
					return err
				}
				if count(out) != 100 {
					return short
				}
			}
			return nil
		}
	}
	list := func() loop {
		c := newClient(legacy)
		opts := &cvm.InstanceListOptions{InstanceIDs: idList, ListOptions: cvm.ListOptions{Limit: 100}}
		return func(n int) error {
			for range n {
				l, _, err := c.Instances.List(ctx, opts)
				if err != nil {
					return err
				}
				if len(l) != 100 {
					return short
				}
			}
			return nil
		}
	}
	return map[string]loop{
		"tencentcloud-sdk-go": official(),
		"floor-plain":         floor(legacy, idList, func() any { return new(plainInstances) }),
		"floor-full":          floor(legacy, idList, func() any { return new(fullInstances) }),
		"Do-plain": doInto(func() any { return new(plainInstances) },
			func(o any) int { return len(o.(*plainInstances).InstanceSet) }),
		"Do-envelope": doInto(func() any { return new(envelopedInstances) },
			func(o any) int { return len(o.(*envelopedInstances).InstanceSet) }),
		"List": list(),
	}
}

// BenchmarkDescribeInstances100 runs each contender on its own:
//
//	go test -run '^$' -bench DescribeInstances100 -benchmem
func BenchmarkDescribeInstances100(b *testing.B) {
	cs := contenders()
	for _, name := range order {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			if err := cs[name](b.N); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// measured is one contender's cost per call.
type measured struct{ ns, allocs, bytes float64 }

// measure runs f for about d and returns its cost per call.
func measure(f loop, d time.Duration) (measured, error) {
	n := 1
	for {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		if err := f(n); err != nil {
			return measured{}, err
		}
		el := time.Since(start)
		runtime.ReadMemStats(&after)
		if el >= d || n >= 1<<20 {
			return measured{float64(el.Nanoseconds()) / float64(n),
				float64(after.Mallocs-before.Mallocs) / float64(n),
				float64(after.TotalAlloc-before.TotalAlloc) / float64(n)}, nil
		}
		n = max(n*2, int(float64(n)*float64(d)/float64(max(el, time.Microsecond))*1.2))
	}
}

// BenchmarkRatios measures every contender in the same run, in three
// interleaved rounds (the best of each kept), and reports the goals as
// ratios: time and allocations against the official SDK, time against the
// encoding/json floor of the same shape.
//
//	go test -run '^$' -bench Ratios -benchtime 1x
func BenchmarkRatios(b *testing.B) {
	cs := contenders()
	best := map[string]measured{}
	for range 3 {
		for _, name := range order {
			m, err := measure(cs[name], 300*time.Millisecond)
			if err != nil {
				b.Fatal(name, err)
			}
			if old, ok := best[name]; !ok || m.ns < old.ns {
				best[name] = m
			}
		}
	}
	for range b.N {
	}
	r := func(a, z string) float64 { return best[a].ns / best[z].ns }
	b.ReportMetric(r("Do-plain", "tencentcloud-sdk-go"), "Do-plain/official")
	b.ReportMetric(best["Do-plain"].allocs/best["tencentcloud-sdk-go"].allocs, "Do-plain-allocs/official")
	b.ReportMetric(r("Do-plain", "floor-plain"), "Do-plain/floor")
	b.ReportMetric(r("Do-envelope", "tencentcloud-sdk-go"), "Do-envelope/official")
	b.ReportMetric(r("List", "tencentcloud-sdk-go"), "List/official")
	b.ReportMetric(r("List", "floor-full"), "List/floor")
	for _, n := range order {
		b.Logf("%-20s %10.0f ns/op %8.0f B/op %6.0f allocs/op", n, best[n].ns, best[n].bytes, best[n].allocs)
	}
}
