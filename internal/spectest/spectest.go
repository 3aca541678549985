// Package spectest is an independent implementation of the legacy API's
// signing rules, for tests only. It is written line by line from the
// documentation (spec §3.1 and §12) and shares no code with package cvm's
// signer or the emulator's verifier, so that a mistake in either shows up as
// a disagreement with it rather than passing unseen.
package spectest

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/url"
	"sort"
	"strings"
)

// Sign is the tests' own signer, written line by line from the
// pseudo-code of spec §3.1 and the "@" ruling of §12. It shares no code with
// the emulator's verifier or with package cvm, so a mistake in either shows
// up as a disagreement; its own test checks it against the documented
// examples.
func Sign(method, host, path string, params url.Values, secretKey string) string {
	return SignAlg(method, host, path, params, secretKey, params.Get("SignatureMethod"))
}

// SignAlg is Sign with the algorithm chosen by alg ("HmacSHA256" or
// anything else for SHA-1) rather than by the SignatureMethod parameter, to
// build requests whose label and signature disagree.
func SignAlg(method, host, path string, params url.Values, secretKey, alg string) string {
	canon := map[string]string{}
	for k, vs := range params {
		if k == "Signature" {
			continue
		}
		v := vs[len(vs)-1]
		if strings.ToUpper(method) == "POST" && strings.HasPrefix(v, "@") {
			continue // §12: not signed with POST
		}
		ck := k
		if !strings.HasPrefix(k, "_") {
			ck = strings.ReplaceAll(k, "_", ".")
		}
		canon[ck] = v
	}
	keys := make([]string, 0, len(canon))
	for k := range canon {
		keys = append(keys, k)
	}
	sort.Strings(keys) // byte-wise
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + canon[k]
	}
	sts := strings.ToUpper(method) + host + path + "?" + strings.Join(parts, "&")
	var newHash func() hash.Hash = sha1.New
	if alg == "HmacSHA256" {
		newHash = sha256.New
	}
	mac := hmac.New(newHash, []byte(secretKey))
	mac.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
