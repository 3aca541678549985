package cvm

import (
	"bytes"
	"context"
	"hash/maphash"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestDecodeLenientTypes(t *testing.T) {
	t.Parallel()
	var n jsonInt
	for in, want := range map[string]jsonInt{`1`: 1, `"2"`: 2, `""`: 0, `null`: 0, `3.0`: 3, `"-4"`: -4} {
		require.NoError(t, n.UnmarshalJSON([]byte(in)), in)
		assert.Equal(t, want, n, in)
	}
	for _, bad := range []string{`"x"`, `1.5`, `{}`, `1e40`} {
		assert.Error(t, n.UnmarshalJSON([]byte(bad)), bad)
	}
	var s jsonString
	for in, want := range map[string]jsonString{`"a"`: "a", `12`: "12", `true`: "true", `null`: ""} {
		require.NoError(t, s.UnmarshalJSON([]byte(in)), in)
		assert.Equal(t, want, s, in)
	}
	assert.Error(t, s.UnmarshalJSON([]byte(`{}`)))
	var tm jsonTime
	require.NoError(t, tm.UnmarshalJSON([]byte(`"2016-11-24 09:22:18"`)))
	assert.Equal(t, "2016-11-24T01:22:18Z", timeOf(tm).UTC().Format("2006-01-02T15:04:05Z07:00"))
	require.NoError(t, tm.UnmarshalJSON([]byte(`"0000-00-00 00:00:00"`)))
	assert.True(t, timeOf(tm).IsZero())
	assert.Error(t, tm.UnmarshalJSON([]byte(`"yesterday"`)))
	var f jsonFloat
	require.NoError(t, f.UnmarshalJSON([]byte(`"0.28"`)))
	assert.InDelta(t, 0.28, float64(f), 1e-12)
}

// TestParseAPITimeFast agrees with time.Parse on the API's layout, and
// leaves what is not exactly it to the slow path.
func TestParseAPITimeFast(t *testing.T) {
	for _, s := range []string{"2016-11-24 09:22:18", "2024-02-29 23:59:59", "1999-12-31 00:00:00"} {
		want, err := time.ParseInLocation(apiTimeLayout, s, beijing)
		require.NoError(t, err)
		got, ok := parseAPITimeFast([]byte(s))
		assert.True(t, ok, s)
		assert.True(t, want.Equal(got), s)
	}
	for _, s := range []string{"2023-02-29 00:00:00", "2016-13-01 00:00:00", "2016-11-24T09:22:18", "2016-11-24 24:00:00", "0000-00-00 00:00:00", "2016-1a-24 09:22:18"} {
		_, ok := parseAPITimeFast([]byte(s))
		assert.False(t, ok, s)
	}
	var jt jsonTime
	require.NoError(t, jt.UnmarshalJSON([]byte(`"2016-11-24 09:22:18"`)))
	assert.Equal(t, "2016-11-24T01:22:18Z", time.Time(jt).UTC().Format(time.RFC3339))
	require.NoError(t, jt.UnmarshalJSON([]byte(`"0000-00-00 00:00:00"`)))
	assert.True(t, time.Time(jt).IsZero())
}

// collidingStrings returns two short strings whose hashes pick the same set
// of the intern table.
func collidingStrings(t *testing.T) (string, string) {
	t.Helper()
	first := map[uint64]string{}
	for i := range 100000 {
		s := "value-" + strconv.Itoa(i)
		set := maphash.String(internSeed, s) % internSets
		if o, ok := first[set]; ok {
			return o, s
		}
		first[set] = s
	}
	t.Fatal("no two strings share a set")
	return "", ""
}

func TestInternKeepsTwoStringsOfOneSet(t *testing.T) {
	a, b := collidingStrings(t)
	ab, bb := []byte(a), []byte(b)
	ia, ib := intern(ab), intern(bb)
	if ia != a || ib != b {
		t.Fatalf("intern gave %q, %q for %q, %q", ia, ib, a, b)
	}
	// An answer alternating between the two (a zone and a disk type whose
	// hashes meet) shares both strings and allocates nothing.
	allocs := testing.AllocsPerRun(100, func() {
		if intern(ab) != a || intern(bb) != b {
			t.Fatal("intern changed a string")
		}
	})
	// Under one slot a set it was 2 a round; a string of another test
	// meeting the set may cost a rare miss, hence "under 1".
	if allocs >= 1 {
		t.Errorf("alternating two strings of one set allocates %v times a round, want 0", allocs)
	}
	if unsafe.StringData(intern(ab)) != unsafe.StringData(ia) || unsafe.StringData(intern(bb)) != unsafe.StringData(ib) {
		t.Error("the two strings are not shared")
	}
}

func TestInternGivesEqualStrings(t *testing.T) {
	// However strings meet in the table, intern returns the bytes it was given.
	for i := range 20000 {
		b := []byte(strconv.Itoa(i * 7919))
		if got := intern(b); got != string(b) {
			t.Fatalf("intern(%q) = %q", b, got)
		}
	}
	long := bytes.Repeat([]byte("x"), maxInterned+1)
	if got := intern(long); got != string(long) {
		t.Fatalf("intern of a long string = %q", got)
	}
	if intern(nil) != "" {
		t.Fatal("intern(nil) is not empty")
	}
}
