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

var order = []string{"tencentcloud-sdk-go", "floor-plain", "floor-full", "Do-plain", "Do-envelope", "List", "List-api3"}

// api3Transport answers an API 3.0 client as the service would: the zones
// of the region for DescribeZones (which the client asks once), the
// instances for DescribeInstances.
type api3Transport struct{ zones, instances []byte }

func (m api3Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("X-TC-Action") == "DescribeZones" {
		return memTransport{m.zones}.RoundTrip(req)
	}
	return memTransport{m.instances}.RoundTrip(req)
}

const zonesBody = `{"Response":{"TotalCount":1,"ZoneSet":[{"Zone":"ap-guangzhou-3","ZoneName":"广州三区","ZoneId":"100003","ZoneState":"AVAILABLE"}],"RequestId":"6ef60bec-0242-43af-bb20-270359fb54a7"}}`

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
	list3 := func() loop {
		c, err := cvm.NewClient(cvm.Config{
			SecretID: "AKIDbench", SecretKey: cvm.NewSecret("benchkey"), Region: "gz", API: cvm.API3,
			HTTPClient: &http.Client{Transport: api3Transport{[]byte(zonesBody), v3}},
			RateLimit:  cvm.RateLimit{Disabled: true},
		})
		if err != nil {
			panic(err)
		}
		opts := &cvm.InstanceListOptions{InstanceIDs: idList, ListOptions: cvm.ListOptions{Limit: 100}}
		return func(n int) error {
			for range n {
				l, _, err := c.Instances.List(ctx, opts)
				if err != nil {
					return err
				}
				if len(l) != 100 || l[0].ZoneID != 100003 {
					return short
				}
			}
			return nil
		}
	}
	return map[string]loop{
		"List-api3":           list3(),
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

// BenchmarkRatios measures every contender in the same run, in nine
// interleaved rounds, and reports the goals as the median over the rounds
// of each round's ratio: time and allocations against the official SDK's
// call (its own API 3.0 DescribeInstances), time against the
// encoding/json floor of the same shape. A ratio within a round compares
// contenders measured moments apart, so the machine's drift cancels out.
//
//	go test -run '^$' -bench Ratios -benchtime 1x
func BenchmarkRatios(b *testing.B) {
	cs := contenders()
	metrics := []struct {
		name, a, z string
		allocs     bool
	}{
		{"Do-plain/official", "Do-plain", "tencentcloud-sdk-go", false},
		{"Do-envelope/official", "Do-envelope", "tencentcloud-sdk-go", false},
		{"List/official", "List", "tencentcloud-sdk-go", false},
		{"List-api3/official", "List-api3", "tencentcloud-sdk-go", false},
		{"Do-plain/floor", "Do-plain", "floor-plain", false},
		{"List/floor", "List", "floor-full", false},
		{"Do-plain-allocs/official", "Do-plain", "tencentcloud-sdk-go", true},
		{"List-allocs/official", "List", "tencentcloud-sdk-go", true},
		{"List-api3-allocs/official", "List-api3", "tencentcloud-sdk-go", true},
	}
	per := map[string][]float64{}
	all := map[string][]measured{}
	const rounds = 9
	for range rounds {
		got := map[string]measured{}
		for _, name := range order {
			m, err := measure(cs[name], 200*time.Millisecond)
			if err != nil {
				b.Fatal(name, err)
			}
			got[name] = m
			all[name] = append(all[name], m)
		}
		for _, mt := range metrics {
			if mt.allocs {
				per[mt.name] = append(per[mt.name], got[mt.a].allocs/got[mt.z].allocs)
			} else {
				per[mt.name] = append(per[mt.name], got[mt.a].ns/got[mt.z].ns)
			}
		}
	}
	for range b.N {
	}
	for _, mt := range metrics {
		b.ReportMetric(median(per[mt.name]), mt.name)
	}
	for _, n := range order {
		ns := make([]float64, 0, rounds)
		for _, m := range all[n] {
			ns = append(ns, m.ns)
		}
		last := all[n][len(all[n])-1]
		b.Logf("%-20s %10.0f ns/op (median) %8.0f B/op %6.0f allocs/op", n, median(ns), last.bytes, last.allocs)
	}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
