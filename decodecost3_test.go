package cvm

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// honestInstances3 is an API 3.0 DescribeInstances answer of n instances
// holding only the members the SDK reads (the tightest honest answer: the
// service's hold some thirty more).
func honestInstances3(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"Response":{"TotalCount":%d,"InstanceSet":[`, n)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"InstanceId":"ins-%08d","InstanceName":"web","InstanceType":"S5.MEDIUM4","InstanceState":"RUNNING",`+
			`"InstanceChargeType":"POSTPAID_BY_HOUR","ImageId":"img-31tjrtph","OsName":"CentOS 7.9","Uuid":"a952c786-a1ee-4d0a-8c45-2640ea70e704",`+
			`"RenewFlag":"NOTIFY_AND_MANUAL_RENEW","CreatedTime":"2026-12-07T06:00:00Z","ExpiredTime":null,"LatestOperation":"StartInstances",`+
			`"LatestOperationState":"SUCCESS","CPU":2,"Memory":4,"Placement":{"Zone":"ap-guangzhou-3","ProjectId":0},`+
			`"PrivateIpAddresses":["10.0.0.%d"],"PublicIpAddresses":["1.2.3.%d"],"SecurityGroupIds":["sg-00000001"],`+
			`"InternetAccessible":{"InternetChargeType":"TRAFFIC_POSTPAID_BY_HOUR","InternetMaxBandwidthOut":1},`+
			`"VirtualPrivateCloud":{"VpcId":"vpc-00000001","SubnetId":"subnet-00000001","AsVpcGateway":false},`+
			`"SystemDisk":{"DiskType":"CLOUD_PREMIUM","DiskId":"disk-00000001","DiskSize":50},`+
			`"DataDisks":[{"DiskType":"CLOUD_PREMIUM","DiskId":"disk-00000002","DiskSize":100}],"LoginSettings":{"KeyIds":[]}}`, i, i%250, i%250)
	}
	b.WriteString(`],"RequestId":"r-1"}}`)
	return []byte(b.String())
}

// hostileBodies3 are API 3.0 answers of about size bytes made of many
// small values that would decode into large Go values.
func hostileBodies3(size int) map[string][]byte {
	repeat := func(prefix, elem, suffix string) []byte {
		return repeatJSON(`{"Response":{"RequestId":"r-1",`+prefix, elem, suffix+`}}`, size)
	}
	deep := []byte(`{"Response":{"RequestId":"r-1","X":` + strings.Repeat("[", size) + `}}`)
	return map[string][]byte{
		"deep arrays":       deep,
		"empty instances":   repeat(`"InstanceSet":[`, `{}`, `]`),
		"nested objects":    repeat(`"InstanceSet":[`, `{"Placement":{},"SystemDisk":{},"DataDisks":[{}]}`, `]`),
		"empty addresses":   repeat(`"InstanceSet":[{"PrivateIpAddresses":[`, `""`, `]}]`),
		"zones of one name": repeat(`"ZoneSet":[`, `{"Zone":"a"}`, `]`),
		"empty zones":       repeat(`"ZoneSet":[`, `{}`, `]`),
		"escaped names":     repeat(`"ZoneSet":[`, `{"\u005aone":""}`, `]`),
		"empty images":      repeat(`"ImageSet":[`, `{}`, `]`),
		"nested arrays":     repeat(`"X":[`, `[[]]`, `]`),
		"object members":    repeat(`"X":{`, `"a":{}`, `}`),
	}
}

// targets3 are result types the routes decode into, and the boxed ones
// Do3 callers may pass.
var targets3 = map[string]func() any{
	"instances": func() any { return new(describeInstances3) },
	"zones":     func() any { return new(describeZones3) },
	"images":    func() any { return new(describeImages3) },
	"map":       func() any { return new(map[string]any) },
	"any":       func() any { var v any; return &v },
}

// TestAPI3DecodingMemoryIsBounded: as on the legacy path, decoding an API
// 3.0 answer allocates at most maxDecodeFactor times its size
// (anyDecodeFactor for interface and map targets) plus decodeAllowance, or
// is refused with a ResponseError; honest answers are decoded.
func TestAPI3DecodingMemoryIsBounded(t *testing.T) {
	bodies := hostileBodies3(1 << 20)
	bodies["honest, 100 instances"] = honestInstances3(100)
	bodies["honest, 20 instances"] = honestInstances3(20)
	for bn, body := range bodies {
		for tn, fresh := range targets3 {
			out := fresh()
			_, factor := cost3(body, reflect.TypeOf(out), !ownType(out))
			limit := factor*len(body) + decodeAllowance
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			err := decode3("DescribeInstances", 200, body, out)
			runtime.ReadMemStats(&after)
			used := after.TotalAlloc - before.TotalAlloc
			if err != nil {
				var respErr *ResponseError
				require.ErrorAs(t, err, &respErr, "%s into %s", bn, tn)
			}
			assert.LessOrEqual(t, used, uint64(limit), "%s into %s: %d bytes for a %d-byte body (%v)", bn, tn, used, len(body), err)
			if strings.HasPrefix(bn, "honest") {
				assert.NoError(t, err, "%s into %s", bn, tn)
			}
		}
	}
	// The hostile shapes are refused into the types they target.
	for bn, tn := range map[string]string{"empty instances": "instances", "nested objects": "instances",
		"empty addresses": "instances", "zones of one name": "zones", "escaped names": "zones", "empty images": "images"} {
		err := decode3("X", 200, bodies[bn], targets3[tn]())
		assert.ErrorIs(t, err, ErrBadResponse, "%s into %s", bn, tn)
		assert.ErrorContains(t, err, errDecodeTooCostly, "%s into %s", bn, tn)
	}
}

// TestGrownSize: grownSize is at least what appending one element at a
// time allocates.
func TestGrownSize(t *testing.T) {
	for _, n := range []int{1, 7, 100, 257, 5000, 100000} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var s []int64
		for i := range n {
			s = append(s, int64(i))
		}
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(s)
		assert.LessOrEqual(t, after.TotalAlloc-before.TotalAlloc, uint64(grownSize(n, 8)), "%d elements", n)
	}
	assert.Zero(t, grownSize(0, 8))
	assert.Zero(t, grownSize(10, 0))
}

// BenchmarkAPI3DecodeHeap reports the heap decoding an API 3.0 answer
// takes, per byte of the answer (heap/body): an honest DescribeInstances
// of 100, and hostile answers of a megabyte into the types they target,
// refused before decoding.
func BenchmarkAPI3DecodeHeap(b *testing.B) {
	hostile := hostileBodies3(1 << 20)
	for _, c := range []struct {
		name string
		body []byte
		out  func() any
	}{
		{"honest-100", honestInstances3(100), targets3["instances"]},
		{"hostile-nested-objects", hostile["nested objects"], targets3["instances"]},
		{"hostile-zones", hostile["zones of one name"], targets3["zones"]},
		{"hostile-addresses", hostile["empty addresses"], targets3["instances"]},
	} {
		b.Run(c.name, func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				_ = decode3("DescribeInstances", 200, c.body, c.out())
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(len(c.body)), "heap/body")
		})
	}
}
