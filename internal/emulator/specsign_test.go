package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/qcloud-legacy/cvm/internal/spectest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type vector struct {
	Name            string         `json:"name"`
	Method          string         `json:"method"`
	Host            string         `json:"host"`
	Path            string         `json:"path"`
	Params          map[string]any `json:"params"`
	SecretKey       string         `json:"secretKey"`
	SignatureMethod string         `json:"signatureMethod"`
	StringToSign    string         `json:"stringToSign"`
	Signature       string         `json:"signature"`
}

// vectors are the documented signing examples (spec §3.2), each verified.
func vectors(t *testing.T) []vector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "signature-vectors.json"))
	require.NoError(t, err)
	var vs []vector
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&vs))
	require.Len(t, vs, 10)
	return vs
}

func (v vector) values() url.Values {
	p := url.Values{}
	for k, val := range v.Params {
		p.Set(k, fmt.Sprint(val))
	}
	return p
}

func TestSpecTestSignerVectors(t *testing.T) {
	t.Parallel()
	for _, v := range vectors(t) {
		p := v.values()
		if v.SignatureMethod != p.Get("SignatureMethod") && !(v.SignatureMethod == "HmacSHA1" && p.Get("SignatureMethod") == "") {
			// The documented quirk of a SHA-1 signature over a string that
			// says HmacSHA256 is not a request a server accepts.
			continue
		}
		assert.Equal(t, v.Signature, spectest.Sign(v.Method, v.Host, v.Path, p, v.SecretKey), v.Name)
	}
}

// TestVerifierVectors checks the emulator's own verifier against every
// documented example: the string it builds and the signature it expects.
func TestVerifierVectors(t *testing.T) {
	t.Parallel()
	for _, v := range vectors(t) {
		p := v.values()
		assert.Equal(t, v.StringToSign, signedString(v.Method, v.Host, v.Path, p), v.Name)
		assert.Equal(t, v.Signature, expectedSignature(v.StringToSign, v.SecretKey, v.SignatureMethod), v.Name)
	}
}

// TestVerifierAtValues: with POST a value starting with "@" is not signed,
// with GET it is (spec §12). The literal strings are the rule itself.
func TestVerifierAtValues(t *testing.T) {
	t.Parallel()
	p := url.Values{"Action": {"ResetInstancePassword"}, "password": {"@Passw0rd1"}, "instanceIds.0": {"ins-1"}}
	assert.Equal(t, "POSTcvm.api.qcloud.com/v2/index.php?Action=ResetInstancePassword&instanceIds.0=ins-1",
		signedString("POST", "cvm.api.qcloud.com", "/v2/index.php", p))
	assert.Equal(t, "GETcvm.api.qcloud.com/v2/index.php?Action=ResetInstancePassword&instanceIds.0=ins-1&password=@Passw0rd1",
		signedString("GET", "cvm.api.qcloud.com", "/v2/index.php", p))
	// A value with "@" inside, not first, is signed either way.
	p.Set("password", "Passw0rd@1")
	assert.Contains(t, signedString("POST", "h", "/v2/index.php", p), "password=Passw0rd@1")
}

func TestCanonicalName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Placement_Zone": "Placement.Zone", "instanceIds_0": "instanceIds.0", "a.b": "a.b",
		"_1_a_": "_1_a_", "test_1": "test.1", "": "", "plain": "plain",
	} {
		assert.Equal(t, want, canonicalName(in), in)
	}
}

func TestPasswordRules(t *testing.T) {
	t.Parallel()
	for _, c := range spectest.PasswordCases {
		err := checkPassword(c.Password, c.Windows)
		assert.Equal(t, c.OK, err == nil, "%q windows=%v: %s (%v)", c.Password, c.Windows, c.Why, err)
		if err != nil {
			assert.Equal(t, 4000, err.code)
			assert.Equal(t, "InvalidParameter.PasswordNotConformSpecs", err.codeDesc)
		}
	}
}

// TestVerifierAcceptsNodeSDK: for 400 generated parameter sets signed by
// Tencent's legacy Node.js SDK, the emulator's verifier expects exactly the
// signature the SDK computed, and refuses it once any signed value changes.
func TestVerifierAcceptsNodeSDK(t *testing.T) {
	t.Parallel()
	const key = "cross-check-secret-key"
	in, _ := spectest.GenerateInputs(2, 400, "cvm.api.qcloud.com", key)
	for i, p := range spectest.NodeSign(t, in) {
		c := in[i]
		want := expectedSignature(signedString(c.Method, c.Host, c.Path, p), key, p.Get("SignatureMethod"))
		assert.Equal(t, p.Get("Signature"), want, "set %d: %s %v", i, c.Method, c.Params)
		p.Set("Action", "DescribeImages")
		assert.NotEqual(t, p.Get("Signature"), expectedSignature(signedString(c.Method, c.Host, c.Path, p), key, p.Get("SignatureMethod")))
	}
}
