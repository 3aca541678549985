package cvm

import (
	"encoding/json"
	"reflect"
	"testing"

	json2 "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
)

// TestEngineMatchesEncodingJSON records the edge cases compared before
// adopting the v2 engine: with v1 options it decodes each body into the
// same value as encoding/json, for users' own structs passed to Do.
func TestEngineMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	type inner struct {
		A int    `json:"a"`
		B string `json:"b"`
	}
	type Embedded struct {
		E string `json:"e"`
	}
	type user struct {
		Embedded
		TotalCount int               `json:"totalCount"`
		Region     string            `json:"region"`
		Name       string            `json:"name"`
		Num        float64           `json:"num"`
		Big        int64             `json:"big"`
		Quoted     int               `json:"quoted,string"`
		Any        any               `json:"any"`
		Raw        json.RawMessage   `json:"raw"`
		List       []inner           `json:"list"`
		Map        map[string]string `json:"map"`
		Ptr        *inner            `json:"ptr"`
		Arr        [2]int            `json:"arr"`
		Untagged   string
		//lint:ignore U1000 the case "unexported never set" decodes into it
		skipped string
	}
	cases := map[string]string{
		"case-insensitive names":     `{"TOTALCOUNT":3,"Region":"gz"}`,
		"duplicate names, last wins": `{"name":"a","name":"b"}`,
		"invalid UTF-8":              "{\"name\":\"a\xffb\"}",
		"escapes":                    `{"name":"\u4e2d\n\"x\"\ud83d\ude80"}`,
		"numbers into any":           `{"any":[1,2.5,-3e2,{"x":null}]}`,
		"nulls leave fields alone":   `{"name":null,"list":null,"ptr":null,"map":null}`,
		"unknown fields ignored":     `{"nope":1,"name":"x"}`,
		"embedded fields":            `{"e":"emb"}`,
		"raw message kept":           `{"raw":{"a": [1, 2]}}`,
		"string option":              `{"quoted":"42"}`,
		"big numbers":                `{"big":9007199254740993,"num":1e308}`,
		"untagged by field name":     `{"untagged":"u"}`,
		"unexported never set":       `{"skipped":"s"}`,
		"arrays, short and long":     `{"arr":[1]}`,
		"arrays too long":            `{"arr":[1,2,3]}`,
		"nested lists and maps":      `{"list":[{"a":1,"b":"x"},{}],"map":{"k":"v"},"ptr":{"a":2}}`,
		"empty object":               `{}`,
	}
	for name, body := range cases {
		var want, got user
		errWant := json.Unmarshal([]byte(body), &want)
		errGot := json2.Unmarshal([]byte(body), &got, v1)
		assert.Equal(t, errWant == nil, errGot == nil, "%s: %v / %v", name, errWant, errGot)
		if errWant == nil {
			// RawMessage compact forms may differ only in spacing.
			want.Raw, got.Raw = nil, nil
			assert.True(t, reflect.DeepEqual(want, got), "%s:\n%+v\n%+v", name, want, got)
		}
	}
	// Mismatched types fail in both.
	for _, body := range []string{`{"totalCount":"x"}`, `{"list":{}}`, `{"name":[1]}`, `[1,2]`, `{"totalCount":1.5}`} {
		var a, b user
		assert.Equal(t, json.Unmarshal([]byte(body), &a) == nil, json2.Unmarshal([]byte(body), &b, v1) == nil, body)
	}
}
