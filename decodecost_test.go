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

// TestDecodingMemoryIsBounded: whatever the body, decoding allocates at
// most maxDecodeFactor times its size (anyDecodeFactor for interface and
// map targets) plus decodeAllowance, or refuses it with a ResponseError.
// Hostile shapes (a megabyte of empty objects, numbers or strings) and
// honest answers are both measured.
func TestDecodingMemoryIsBounded(t *testing.T) {
	repeat := repeatJSON
	const size = 1 << 20
	bodies := map[string][]byte{
		"empty objects":   repeat(`{"code":0,"totalCount":1,"instanceSet":[`, `{}`, `]}`, size),
		"empty lists":     repeat(`{"code":0,"totalCount":1,"instanceSet":[`, `{"wanIpSet":[]}`, `]}`, size),
		"small numbers":   repeat(`{"code":0,"totalCount":1,"instanceSet":[{"wanIpSet":[`, `1`, `]}]}`, size),
		"empty strings":   repeat(`{"code":0,"totalCount":1,"instanceSet":[{"wanIpSet":[`, `""`, `]}]}`, size),
		"nested arrays":   repeat(`{"code":0,"x":[`, `[[]]`, `]}`, size),
		"honest, 100":     benchBody(100),
		"honest, 1000":    benchBody(1000),
		"detail of items": repeat(`{"code":0,"detail":{`, `"a":{}`, `}}`, size),
	}
	targets := map[string]func() any{
		"typed":  func() any { return new(describeInstancesResponse) },
		"plain":  func() any { return new(struct{ InstanceSet []struct{ WanIPSet []string } }) },
		"map":    func() any { return new(map[string]any) },
		"any":    func() any { var v any; return &v },
		"ints":   func() any { return new(struct{ InstanceSet []struct{ WanIPSet []int64 } }) },
		"nested": func() any { return new(struct{ X [][][]int }) },
	}
	for bn, body := range bodies {
		for tn, fresh := range targets {
			out := fresh()
			_, limit := costOf(reflect.TypeOf(out), scanned{}, len(body))
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			err := decodeBody("DescribeInstances", 200, body, out)
			runtime.ReadMemStats(&after)
			used := after.TotalAlloc - before.TotalAlloc
			var respErr *ResponseError
			if err != nil {
				// A type mismatch or a refusal: either way, typed and cheap.
				require.ErrorAs(t, err, &respErr, "%s into %s", bn, tn)
			}
			assert.LessOrEqual(t, used, uint64(limit), "%s into %s: %d bytes for a %d-byte body (%v)", bn, tn, used, len(body), err)
			if strings.HasPrefix(bn, "honest") && tn != "nested" && tn != "ints" {
				assert.NoError(t, err, "%s into %s", bn, tn)
			}
		}
	}
}

// repeatJSON is prefix, then elem and a comma until size bytes, then elem
// and suffix: a long answer of one small value.
func repeatJSON(prefix, elem, suffix string, size int) []byte {
	var b strings.Builder
	b.WriteString(prefix)
	for b.Len() < size {
		b.WriteString(elem)
		b.WriteByte(',')
	}
	b.WriteString(elem + suffix)
	return []byte(b.String())
}

// TestHugeErrorDetailIsBounded: an error answer whose detail is a megabyte
// of tiny items is refused rather than decoded into a map of millions.
func TestHugeErrorDetailIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"code":5400,"detail":{`)
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, `"%d":{},`, i)
	}
	b.WriteString(`"x":{}}}`)
	body := []byte(b.String())
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := decodeBody("StopInstances", 200, body, nil)
	runtime.ReadMemStats(&after)
	assert.ErrorIs(t, err, ErrBadResponse)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(anyDecodeFactor*len(body)+decodeAllowance))
	// An honest batch answer still gives its items.
	err = decodeBody("StopInstances", 200, []byte(`{"code":5400,"detail":{"ins-1":{"code":0},"ins-2":{"code":5100,"message":"x"}}}`), nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Len(t, apiErr.Items, 2)
}
