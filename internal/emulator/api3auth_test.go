package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tc3File is spec/api3/tc3-vectors.json: signatures made by the official Go
// and Node SDKs and the documented examples, each verified independently.
type tc3File struct {
	Published []struct {
		Name   string `json:"name"`
		Inputs struct {
			SecretID      string `json:"secretId"`
			SecretKey     string `json:"secretKey"`
			Method        string `json:"httpMethod"`
			Host          string `json:"host"`
			ContentType   string `json:"contentType"`
			Service       string `json:"service"`
			Action        string `json:"action"`
			Version       string `json:"version"`
			Region        string `json:"region"`
			Timestamp     int64  `json:"timestamp"`
			SignedHeaders string `json:"signedHeaders"`
			Payload       string `json:"payload"`
		} `json:"inputs"`
		PublishedSignature string `json:"publishedSignature"`
	} `json:"published"`
	Vectors     []sentVector `json:"vectors"`
	NodeVectors []sentVector `json:"nodeVectors"`
	V1          []sentVector `json:"v1"`
}

type sentVector struct {
	Name   string `json:"name"`
	Inputs struct {
		SecretID     string `json:"secretId"`
		SecretKey    string `json:"secretKey"`
		Timestamp    int64  `json:"timestamp"`
		Token        string `json:"token"`
		Method       string `json:"method"`
		StringToSign string `json:"stringToSign"`
	} `json:"inputs"`
	Sent *struct {
		Method  string            `json:"method"`
		URL     string            `json:"url"`
		Path    string            `json:"path"`
		Host    string            `json:"host"`
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	} `json:"sent"`
	Signature string `json:"signature"`
}

func loadTC3(t *testing.T) tc3File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "tc3-vectors.json"))
	require.NoError(t, err)
	var f tc3File
	require.NoError(t, json.Unmarshal(b, &f))
	return f
}

// request builds the request a vector records as sent.
func (v sentVector) request(t *testing.T) *http.Request {
	t.Helper()
	target := v.Sent.URL
	if target == "" {
		target = v.Sent.Path
	}
	var body *strings.Reader
	if v.Sent.Body != "" {
		body = strings.NewReader(v.Sent.Body)
	} else {
		body = strings.NewReader("")
	}
	r := httptest.NewRequest(v.Sent.Method, target, body)
	host := v.Sent.Host
	for k, val := range v.Sent.Headers {
		if strings.EqualFold(k, "host") {
			host = val
			continue
		}
		r.Header.Set(k, val)
	}
	r.Host = host
	return r
}

// verifier is a server holding one vector's key, its wall clock at the
// vector's timestamp.
func verifier(id, key, token string, ts int64) *Server {
	opts := Options{Keys: map[string]string{id: key}, Seed: 1}
	if token != "" {
		opts.Tokens = map[string]string{id: token}
	}
	s := New(opts)
	s.wall = func() time.Time { return time.Unix(ts, 0) }
	return s
}

func verify(t *testing.T, s *Server, r *http.Request) *api3Err {
	t.Helper()
	in, err := readAPI3(r)
	if err != nil {
		return err
	}
	if in.v1 {
		_, err = s.verifyV1(r, in)
	} else {
		_, err = s.verifyTC3(r, in)
	}
	return err
}

// TestTC3VectorsVerify: every signature the official Go and Node SDKs made,
// and the three published ones, verifies; each altered is refused with the
// documented code.
func TestTC3VectorsVerify(t *testing.T) {
	t.Parallel()
	f := loadTC3(t)
	checked := 0
	for _, v := range append(append([]sentVector{}, f.Vectors...), f.NodeVectors...) {
		if v.Sent == nil {
			continue // signing-only records with no request
		}
		t.Run(v.Name, func(t *testing.T) {
			in := v.Inputs
			s := verifier(in.SecretID, in.SecretKey, in.Token, in.Timestamp)
			if v.Sent.Headers["x-tc-token"] != "" {
				s = verifier(in.SecretID, in.SecretKey, v.Sent.Headers["x-tc-token"], in.Timestamp)
			}
			assert.Nil(t, verify(t, s, v.request(t)))

			// The same request a second past the 5-minute window.
			s.wall = func() time.Time { return time.Unix(in.Timestamp+301, 0) }
			assert.Equal(t, "AuthFailure.SignatureExpire", verify(t, s, v.request(t)).code)
			s.wall = func() time.Time { return time.Unix(in.Timestamp-301, 0) }
			assert.Equal(t, "AuthFailure.SignatureExpire", verify(t, s, v.request(t)).code)
			s.wall = func() time.Time { return time.Unix(in.Timestamp+299, 0) }
			assert.Nil(t, verify(t, s, v.request(t)))

			// Another key, the same id unknown, one byte changed.
			other := verifier(in.SecretID, in.SecretKey+"x", in.Token, in.Timestamp)
			assert.Equal(t, "AuthFailure.SignatureFailure", verify(t, other, v.request(t)).code)
			unknown := verifier("AKIDsomeoneelse", in.SecretKey, "", in.Timestamp)
			assert.Equal(t, "AuthFailure.SecretIdNotFound", verify(t, unknown, v.request(t)).code)
			r := v.request(t)
			if r.Method == http.MethodGet {
				r.URL.RawQuery += "&Limit=2"
			} else {
				r = httptest.NewRequest(r.Method, r.URL.String(), strings.NewReader(v.Sent.Body+" "))
				for k, vals := range v.request(t).Header {
					r.Header[k] = vals
				}
				r.Host = v.request(t).Host
			}
			if v.Sent.Headers["X-Tc-Content-Sha256"] == "UNSIGNED-PAYLOAD" {
				assert.Nil(t, verify(t, s, r), "the body is not signed")
			} else {
				assert.Equal(t, "AuthFailure.SignatureFailure", verify(t, s, r).code)
			}
		})
		checked++
	}
	assert.Equal(t, 17, checked, "14 Go-SDK and 3 Node-SDK requests")

	for _, p := range f.Published {
		t.Run(p.Name, func(t *testing.T) {
			in := p.Inputs
			s := verifier(in.SecretID, in.SecretKey, "", in.Timestamp)
			r := httptest.NewRequest(in.Method, "https://"+in.Host+"/", strings.NewReader(in.Payload))
			r.Host = in.Host
			r.Header.Set("Content-Type", in.ContentType)
			r.Header.Set("X-TC-Action", in.Action)
			r.Header.Set("X-TC-Version", in.Version)
			r.Header.Set("X-TC-Region", in.Region)
			r.Header.Set("X-TC-Timestamp", strconv.FormatInt(in.Timestamp, 10))
			date := time.Unix(in.Timestamp, 0).UTC().Format("2006-01-02")
			r.Header.Set("Authorization", "TC3-HMAC-SHA256 Credential="+in.SecretID+"/"+date+"/"+in.Service+
				"/tc3_request, SignedHeaders="+in.SignedHeaders+", Signature="+p.PublishedSignature)
			assert.Nil(t, verify(t, s, r))
		})
	}
}

// TestV1VectorsVerify: API 3.0's signature v1, as the Go SDK sends it with
// GET and with a POST form, and the documented example.
func TestV1VectorsVerify(t *testing.T) {
	t.Parallel()
	f := loadTC3(t)
	n := 0
	for _, v := range f.V1 {
		if v.Sent == nil {
			// The documented example: a string to sign and its signature.
			assert.Equal(t, v.Signature, expectedSignature(v.Inputs.StringToSign, v.Inputs.SecretKey, v.Inputs.Method), v.Name)
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			in := v.Inputs
			s := verifier(in.SecretID, in.SecretKey, in.Token, in.Timestamp)
			assert.Nil(t, verify(t, s, v.request(t)))
			s.wall = func() time.Time { return time.Unix(in.Timestamp+301, 0) }
			assert.Equal(t, "AuthFailure.SignatureExpire", verify(t, s, v.request(t)).code)
			bad := verifier(in.SecretID, in.SecretKey+"x", in.Token, in.Timestamp)
			assert.Equal(t, "AuthFailure.SignatureFailure", verify(t, bad, v.request(t)).code)
		})
		n++
	}
	assert.Equal(t, 2, n)
}

// TestTC3Rules: what the verifier refuses, each with its documented code.
func TestTC3Rules(t *testing.T) {
	t.Parallel()
	f := loadTC3(t)
	var base sentVector
	for _, v := range f.Vectors {
		if v.Name == "sdk-post-describeinstances-utf8" {
			base = v
		}
	}
	require.NotNil(t, base.Sent)
	in := base.Inputs
	s := verifier(in.SecretID, in.SecretKey, "", in.Timestamp)
	cases := map[string]struct {
		edit func(r *http.Request)
		code string
	}{
		"no Authorization":       {func(r *http.Request) { r.Header.Del("Authorization") }, "AuthFailure.InvalidAuthorization"},
		"garbled Authorization":  {func(r *http.Request) { r.Header.Set("Authorization", "TC3-HMAC-SHA256 nonsense") }, "AuthFailure.InvalidAuthorization"},
		"no host signed":         {func(r *http.Request) { replaceAuth(r, "SignedHeaders=content-type;host", "SignedHeaders=content-type") }, "AuthFailure.InvalidAuthorization"},
		"scope date not UTC day": {func(r *http.Request) { replaceAuth(r, "/"+day(in.Timestamp)+"/", "/"+day(in.Timestamp+86400)+"/") }, "AuthFailure.SignatureFailure"},
		"no timestamp":           {func(r *http.Request) { r.Header.Del("X-TC-Timestamp") }, "MissingParameter"},
		"token not wanted":       {func(r *http.Request) { r.Header.Set("X-TC-Token", "x") }, "AuthFailure.TokenFailure"},
		"another host":           {func(r *http.Request) { r.Host = "vpc.tencentcloudapi.com" }, "AuthFailure.SignatureFailure"},
	}
	for name, tc := range cases {
		r := base.request(t)
		tc.edit(r)
		if err := verify(t, s, r); assert.NotNil(t, err, name) {
			assert.Equal(t, tc.code, err.code, name)
		}
	}
	// A temporary key needs its token.
	withToken := verifier(in.SecretID, in.SecretKey, "tok", in.Timestamp)
	assert.Equal(t, "AuthFailure.TokenFailure", verify(t, withToken, base.request(t)).code)
}

func day(ts int64) string { return time.Unix(ts, 0).UTC().Format("2006-01-02") }

func replaceAuth(r *http.Request, old, new string) {
	r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
}

// TestHostSpellings: the Host as received, without its port (Node), and
// without a scheme (tccli's --endpoint http://…).
func TestHostSpellings(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"127.0.0.1:8080", "127.0.0.1"}, hostSpellings("127.0.0.1:8080"))
	assert.Equal(t, []string{"http://127.0.0.1:8080", "127.0.0.1:8080", "127.0.0.1"}, hostSpellings("http://127.0.0.1:8080"))
	assert.Equal(t, []string{"cvm.tencentcloudapi.com"}, hostSpellings("cvm.tencentcloudapi.com"))
}
