package cvm

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The results of these tests are compared with what encoding/json makes
// of the same answer in a fresh value: presizing must not be seen, nil and
// empty slices included (reflect.DeepEqual tells them apart).

type presizeItem struct {
	ID   string `json:"id"`
	Size int    `json:"size"`
}

type presizeInner struct {
	Items []presizeItem `json:"items"`
}

type presizeOuter struct {
	Total int      `json:"totalCount"`
	Set   []string `json:"set"`
	presizeInner
	Ptr   *presizeInner  `json:"ptr"`
	Raw   []byte         `json:"raw"`
	Multi oneOrMany[int] `json:"multi"`
	Marks []struct{}     `json:"marks"`
}

// presizeAnswer returns a legacy answer with n items in "items" and n
// strings in "set", and extra members.
func presizeAnswer(n int, extra string) string {
	var set []string
	for i := range n {
		set = append(set, fmt.Sprintf(`"s-%d"`, i))
	}
	return `{"code":0,"message":"","totalCount":` + fmt.Sprint(n) + `,"items":` + presizeItems(n) +
		`,"set":[` + strings.Join(set, ",") + `],"marks":[` + strings.Repeat(`{},`, min(n, 12)) + `{}]` + extra + `}`
}

// presizeItems returns a JSON array of n items.
func presizeItems(n int) string {
	items := make([]string, n)
	for i := range n {
		items[i] = fmt.Sprintf(`{"id":"i-%d","size":%d}`, i, i)
	}
	return "[" + strings.Join(items, ",") + "]"
}

func decodeLikeEncodingJSON[T any](t *testing.T, body string) T {
	t.Helper()
	var want T
	require.NoError(t, json.Unmarshal([]byte(body), &want))
	return want
}

func TestPresizeCannotBeSeen(t *testing.T) {
	long := presizeAnswer(40, "")
	cases := []struct {
		name, body string
	}{
		{"as long", long},
		{"shorter", presizeAnswer(9, "")},
		{"longer", presizeAnswer(300, "")},
		{"empty arrays", `{"code":0,"totalCount":0,"items":[],"set":[],"marks":[]}`},
		{"empty arrays in a long answer", `{"code":0,"items":[],"set":[],"marks":[],"ptr":{"items":` + presizeItems(80) + `}}`},
		{"null arrays", `{"code":0,"totalCount":0,"items":null,"set":null}`},
		{"no such members", `{"code":0,"totalCount":0}`},
		{"no such members in a long answer", `{"code":0,"ptr":{"items":` + presizeItems(30) + `}}`},
		{"other members", presizeAnswer(12, `,"ptr":{"items":[{"id":"p"}]},"raw":"AQID","multi":5`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The type's slices were long in the last answer.
			require.NoError(t, decodeBody("DescribeThings", 200, []byte(long), new(presizeOuter)))
			var got presizeOuter
			require.NoError(t, decodeBody("DescribeThings", 200, []byte(tc.body), &got))
			want := decodeLikeEncodingJSON[presizeOuter](t, tc.body)
			assert.True(t, reflect.DeepEqual(want, got), "got  %#v\nwant %#v", got, want)
		})
	}
}

func TestPresizeUsesTheLastLength(t *testing.T) {
	var first presizeOuter
	require.NoError(t, decodeBody("DescribeThings", 200, []byte(presizeAnswer(100, "")), &first))
	var got presizeOuter
	require.NoError(t, decodeBody("DescribeThings", 200, []byte(presizeAnswer(100, "")), &got))
	// Grown one element at a time the slices would have 128 of capacity.
	assert.Equal(t, 100, cap(got.Items), "items")
	assert.Equal(t, 100, cap(got.Set), "set")
	assert.Len(t, got.Items, 100)
	assert.Equal(t, presizeItem{"i-99", 99}, got.Items[99])
}

func TestPresizeIsBoundedByTheAnswer(t *testing.T) {
	require.NoError(t, decodeBody("DescribeThings", 200, []byte(presizeAnswer(1000, "")), new(presizeOuter)))
	// A short answer after a long one costs what the short answer can hold:
	// its slices are presized (20 is above minPresize), to at most its
	// count of objects or values, not to the 1,000 remembered.
	body := []byte(presizeAnswer(20, ""))
	sc := countValues(body)
	var got presizeOuter
	p := presize(&got, sc)
	assert.Positive(t, cap(got.Items), "presized at all")
	assert.LessOrEqual(t, cap(got.Items), sc.objects)
	assert.LessOrEqual(t, cap(got.Set), sc.values)
	p.settle()

	var decoded presizeOuter
	require.NoError(t, decodeBody("DescribeThings", 200, body, &decoded))
	assert.LessOrEqual(t, cap(decoded.Items), sc.objects)
	assert.Equal(t, decodeLikeEncodingJSON[presizeOuter](t, string(body)), decoded)
}

func TestPresizeLeavesGivenSlicesAndErrors(t *testing.T) {
	require.NoError(t, decodeBody("DescribeThings", 200, []byte(presizeAnswer(50, "")), new(presizeOuter)))

	// A slice the caller gave is the decoder's to reuse, as encoding/json
	// reuses it.
	given := make([]presizeItem, 1, 3)
	got := presizeOuter{presizeInner: presizeInner{Items: given}}
	require.NoError(t, decodeBody("DescribeThings", 200, []byte(`{"code":0}`), &got))
	assert.Equal(t, given, got.Items)

	// An error answer leaves no presized slice behind, however long.
	require.NoError(t, decodeBody("DescribeThings", 200, []byte(presizeAnswer(50, "")), new(presizeOuter)))
	var detail []string
	for i := range 30 {
		detail = append(detail, fmt.Sprintf(`"ins-%d":{"code":4000,"message":"bad"}`, i))
	}
	var failed presizeOuter
	err := decodeBody("DescribeThings", 200, []byte(`{"code":4000,"message":"bad","detail":{`+strings.Join(detail, ",")+`}}`), &failed)
	require.Error(t, err)
	assert.Nil(t, failed.Items)
	assert.Nil(t, failed.Set)

	// Nor does a result that does not decode.
	require.NoError(t, decodeBody("DescribeThings", 200, []byte(presizeAnswer(50, "")), new(presizeOuter)))
	var broken presizeOuter
	require.Error(t, decodeBody("DescribeThings", 200, []byte(`{"code":0,"totalCount":"x","ptr":`+presizeAnswer(30, "")+`}`), &broken))
	assert.Nil(t, broken.Items)
	assert.Nil(t, broken.Set)
}

func TestPresizeAPI3(t *testing.T) {
	type result struct {
		Envelope3
		Items []presizeItem `json:"Items"`
	}
	answer := func(n int, items string) string {
		return fmt.Sprintf(`{"Response":{"TotalCount":%d%s,"RequestId":"r-1"}}`, n, items)
	}
	var list []string
	for i := range 30 {
		list = append(list, fmt.Sprintf(`{"id":"i-%d"}`, i))
	}
	long := answer(30, `,"Items":[`+strings.Join(list, ",")+`]`)
	require.NoError(t, decode3("DescribeThings", 200, []byte(long), new(result)))
	var again result
	require.NoError(t, decode3("DescribeThings", 200, []byte(long), &again))
	assert.Equal(t, 30, cap(again.Items))

	var absent result
	require.NoError(t, decode3("DescribeThings", 200, []byte(answer(0, "")), &absent))
	assert.Nil(t, absent.Items)
	var empty result
	require.NoError(t, decode3("DescribeThings", 200, []byte(answer(0, `,"Items":[]`)), &empty))
	assert.NotNil(t, empty.Items)
	assert.Empty(t, empty.Items)
}

func TestPresizeSlicesShareTheBound(t *testing.T) {
	type two struct {
		A []presizeItem `json:"a"`
		B []presizeItem `json:"b"`
	}
	long := `{"code":0,"a":` + presizeItems(200) + `,"b":` + presizeItems(200) + `}`
	require.NoError(t, decodeBody("DescribeThings", 200, []byte(long), new(two)))
	// 40 objects in a member neither slice reads: both slices remembered
	// 200, but together they are given no more than the 40 the answer holds.
	body := `{"code":0,"other":` + presizeItems(40) + `}`
	var got two
	require.NoError(t, decodeBody("DescribeThings", 200, []byte(body), &got))
	assert.Nil(t, got.A)
	assert.Nil(t, got.B)
	// The same, seen from presize itself: the answer just decoded left
	// both lengths at 0, so remember 200 again first.
	require.NoError(t, decodeBody("DescribeThings", 200, []byte(long), new(two)))
	got = two{}
	sc := countValues([]byte(body))
	p := presize(&got, sc)
	assert.LessOrEqual(t, cap(got.A)+cap(got.B), sc.objects)
	assert.Positive(t, cap(got.A)+cap(got.B), "presized at all")
	p.settle()
	assert.Nil(t, got.A)
	assert.Nil(t, got.B)
}
