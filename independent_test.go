package cvm_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/internal/spectest"
)

// verifyingServer checks every request's signature with spectest, a signer
// written from the documentation alone, and answers 4100 where it
// disagrees, as the real API would. It records what it verified.
type verifyingServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []url.Values
}

func newVerifyingServer(t *testing.T, key string) *verifyingServer {
	vs := &verifyingServer{}
	vs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw := r.URL.RawQuery
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			raw = string(b)
		}
		p, err := url.ParseQuery(raw)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		vs.mu.Lock()
		vs.seen = append(vs.seen, p)
		vs.mu.Unlock()
		want := spectest.Sign(r.Method, r.Host, r.URL.Path, p, key)
		out := map[string]any{"code": 0, "message": "", "codeDesc": "Success", "detail": map[string]any{}}
		if !hmac.Equal([]byte(want), []byte(p.Get("Signature"))) {
			out = map[string]any{"code": 4100, "message": "signature mismatch", "codeDesc": "AuthFailure"}
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(vs.Close)
	return vs
}

// TestSignaturesVerifyIndependently sends requests through the whole call
// path and has them verified by the documentation's rules, not this
// package's signer: "@" values by POST and GET (spec §12), both algorithms,
// UTF-8, empty values, underscore and dotted names, a Token.
func TestSignaturesVerifyIndependently(t *testing.T) {
	t.Parallel()
	const key = "independent-secret-key"
	srv := newVerifyingServer(t, key)
	for _, method := range []string{"POST", "GET"} {
		for _, alg := range []string{cvm.SignatureHmacSHA256, cvm.SignatureHmacSHA1} {
			for _, token := range []string{"", "a-session-token"} {
				c, err := cvm.NewClient(cvm.Config{SecretID: "AKIDindependent", SecretKey: cvm.NewSecret(key), Token: cvm.NewSecret(token),
					Region: "gz", Endpoint: srv.URL + "/v2/index.php", HTTPMethod: method, SignatureMethod: alg,
					RateLimit: cvm.RateLimit{Disabled: true}})
				require.NoError(t, err)
				ctx := context.Background()
				name := method + " " + alg + " token=" + token
				// §12: ResetInstancePassword with a password that starts
				// with "@" over POST is refused with 4100 when signed.
				_, _, err = c.Instances.ResetPassword(ctx, "@Passw0rd1", "ins-1", "ins-2")
				assert.NoError(t, err, name)
				err = c.Do(ctx, "cvm", "DescribeInstances", map[string]string{
					"searchWord": "名字 with spaces & symbols=+/", "empty": "", "a_b": "under_score",
					"x.y": "dotted", "at": "@leading", "mid": "in@side", "_lead_ing": "kept",
				}, nil)
				assert.NoError(t, err, name)
			}
		}
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	require.Len(t, srv.seen, 16)
	assert.Equal(t, "@Passw0rd1", srv.seen[0].Get("password"), "the @ value is still sent")
}

// TestStringToSignAtValues pins the "@" ruling (spec §12) as literal
// strings.
func TestStringToSignAtValues(t *testing.T) {
	t.Parallel()
	p := url.Values{"Action": {"ResetInstancePassword"}, "password": {"@Passw0rd1"}, "instanceIds.0": {"ins-1"}}
	assert.Equal(t, "POSTcvm.api.qcloud.com/v2/index.php?Action=ResetInstancePassword&instanceIds.0=ins-1",
		cvm.StringToSign("POST", "cvm.api.qcloud.com", "/v2/index.php", p))
	assert.Equal(t, "POSTcvm.api.qcloud.com/v2/index.php?Action=ResetInstancePassword&instanceIds.0=ins-1",
		cvm.StringToSign("post", "cvm.api.qcloud.com", "/v2/index.php", p))
	assert.Equal(t, "GETcvm.api.qcloud.com/v2/index.php?Action=ResetInstancePassword&instanceIds.0=ins-1&password=@Passw0rd1",
		cvm.StringToSign("GET", "cvm.api.qcloud.com", "/v2/index.php", p))
	// Only a leading "@" counts.
	p.Set("password", "Passw0rd@1")
	assert.True(t, strings.HasSuffix(cvm.StringToSign("POST", "h", "/v2/index.php", p), "&password=Passw0rd@1"))
}

// TestSignaturesMatchNodeSDK: for 400 generated parameter sets, the
// signature this package computes equals the one Tencent's legacy Node.js
// SDK computes for the same request.
func TestSignaturesMatchNodeSDK(t *testing.T) {
	t.Parallel()
	const key = "cross-check-secret-key"
	in, reordered := spectest.GenerateInputs(1, 400, "cvm.api.qcloud.com", key)
	signed := spectest.NodeSign(t, in)
	at, utf, both := 0, 0, map[string]int{}
	for i, p := range signed {
		c := in[i]
		sig := p.Get("Signature")
		got := cvm.Sign(cvm.StringToSign(c.Method, c.Host, c.Path, p), key, p.Get("SignatureMethod"))
		if !assert.Equal(t, sig, got, "set %d: %s %v", i, c.Method, c.Params) {
			continue
		}
		for _, v := range c.Params {
			if strings.HasPrefix(v, "@") {
				at++
			}
			if strings.ContainsRune(v, '中') {
				utf++
			}
		}
		both[c.Method+" "+p.Get("SignatureMethod")]++
	}
	t.Logf("%d sets agree (%v); %d with @ values, %d with UTF-8; %d given canonical names", len(signed), both, at, utf, reordered)
	assert.Len(t, both, 4, "GET and POST, both algorithms")
	assert.Positive(t, at)
}
