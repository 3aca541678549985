package cvm_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
)

type signatureVector struct {
	Name                string         `json:"name"`
	Method              string         `json:"method"`
	Host                string         `json:"host"`
	Path                string         `json:"path"`
	Params              map[string]any `json:"params"`
	SecretKey           string         `json:"secretKey"`
	SignatureMethod     string         `json:"signatureMethod"`
	StringToSign        string         `json:"stringToSign"`
	Signature           string         `json:"signature"`
	SignatureURLEncoded string         `json:"signatureUrlEncoded"`
}

func loadVectors(t testing.TB) []signatureVector {
	t.Helper()
	b, err := os.ReadFile("testdata/signature-vectors.json")
	require.NoError(t, err)
	var vs []signatureVector
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // keep 1465185768 as written, not 1.465185768e+09
	require.NoError(t, dec.Decode(&vs))
	require.NotEmpty(t, vs)
	return vs
}

// TestSignatureVectors checks every documented, verified signing example.
func TestSignatureVectors(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			params := url.Values{}
			for k, val := range v.Params {
				params.Set(k, fmt.Sprint(val))
			}
			sts := cvm.StringToSign(v.Method, v.Host, v.Path, params)
			assert.Equal(t, v.StringToSign, sts)
			sig := cvm.Sign(sts, v.SecretKey, v.SignatureMethod)
			assert.Equal(t, v.Signature, sig)
			assert.Equal(t, v.SignatureURLEncoded, url.QueryEscape(sig))
		})
	}
}

func TestStringToSign(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		method string
		host   string
		params url.Values
		want   string
	}{
		{
			name:   "underscore keys are signed with dots, values untouched",
			method: "GET", host: "cvm.api.qcloud.com",
			params: url.Values{"Placement_Zone": {"CN_GUANGZHOU"}, "Action": {"X"}},
			want:   "GETcvm.api.qcloud.com/v2/index.php?Action=X&Placement.Zone=CN_GUANGZHOU",
		},
		{
			name:   "a leading underscore is kept",
			method: "POST", host: "cvm.api.qcloud.com",
			params: url.Values{"_internal_x": {"1"}, "a": {"2"}},
			want:   "POSTcvm.api.qcloud.com/v2/index.php?_internal_x=1&a=2",
		},
		{
			name:   "byte order: upper case first, .12 before .2",
			method: "post", host: "h",
			params: url.Values{"b.2": {"x"}, "b.12": {"y"}, "B": {"z"}},
			want:   "POSTh/v2/index.php?B=z&b.12=y&b.2=x",
		},
		{
			name:   "Signature is excluded and values are raw",
			method: "GET", host: "127.0.0.1:9191",
			params: url.Values{"Signature": {"abc"}, "name": {"a b&c=d/中"}},
			want:   "GET127.0.0.1:9191/v2/index.php?name=a b&c=d/中",
		},
		{
			name:   "empty values keep their key",
			method: "GET", host: "h",
			params: url.Values{"a": {""}, "b": nil},
			want:   "GETh/v2/index.php?a=&b=",
		},
		{
			name:   "the last of repeated values wins",
			method: "GET", host: "h",
			params: url.Values{"a": {"1", "2"}},
			want:   "GETh/v2/index.php?a=2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, cvm.StringToSign(tt.method, tt.host, "/v2/index.php", tt.params))
		})
	}
}

func TestSignAlgorithmChoice(t *testing.T) {
	t.Parallel()
	sts := "GETh/v2/index.php?a=1"
	sha256 := cvm.Sign(sts, "k", "HmacSHA256")
	sha1 := cvm.Sign(sts, "k", "HmacSHA1")
	assert.Len(t, sha256, 44)
	assert.Len(t, sha1, 28)
	// Anything but the exact string HmacSHA256 means SHA-1, as on the server.
	assert.Equal(t, sha1, cvm.Sign(sts, "k", "hmacsha256"))
	assert.Equal(t, sha1, cvm.Sign(sts, "k", ""))
}

func TestCanonicalKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"instanceIds_0":       "instanceIds.0",
		"instanceIds.0":       "instanceIds.0",
		"_x_y":                "_x_y",
		"a__b":                "a..b",
		"Action":              "Action",
		"instanceSet_0_sgIds": "instanceSet.0.sgIds",
	} {
		assert.Equal(t, want, cvm.CanonicalKey(in), in)
	}
}
