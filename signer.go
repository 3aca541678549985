package cvm

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/url"
	"slices"
	"strings"
)

// Signature methods accepted by the legacy API.
const (
	// SignatureHmacSHA256 signs with HMAC-SHA256. It is the default.
	SignatureHmacSHA256 = "HmacSHA256"
	// SignatureHmacSHA1 signs with HMAC-SHA1.
	SignatureHmacSHA1 = "HmacSHA1"
)

// CanonicalKey returns the name under which the legacy API signs and reads a
// parameter: every "_" becomes ".", unless the name starts with "_", in which
// case it is left alone. This mirrors the PHP server (and Tencent's PHP and
// Node.js SDKs, which skip keys with a leading underscore); a "Placement_Zone"
// sent on the wire is signed as "Placement.Zone".
func CanonicalKey(key string) string {
	if !strings.Contains(key, "_") || strings.HasPrefix(key, "_") {
		return key
	}
	return strings.ReplaceAll(key, "_", ".")
}

// StringToSign returns the string the legacy API signs for a request: the
// upper-case method, the host (with its port, if the request names one), the
// path, "?", and every parameter except Signature as key=value pairs joined by
// "&". Keys are canonicalised with [CanonicalKey] and sorted byte-wise; values
// are raw, not URL-encoded.
//
// With POST, a parameter whose value starts with "@" is sent but not signed:
// the API reserves such values for file uploads and leaves them out of the
// string it verifies, as Tencent's own SDKs do. Passwords may start with "@".
//
// When a key carries several values the last one is used, as the PHP server
// does with a repeated form field.
func StringToSign(method, host, path string, params url.Values) string {
	return string(appendStringToSign(nil, method, host, path, canonicalPairs(params)))
}

// pair is one canonical parameter.
type pair struct{ key, value string }

// canonicalPairs returns the parameters other than Signature under their
// canonical keys, sorted byte-wise by key, last value winning.
func canonicalPairs(params url.Values) []pair {
	ps := make([]pair, 0, len(params))
	for k, vs := range params {
		if k == "Signature" {
			continue
		}
		v := ""
		if len(vs) > 0 {
			v = vs[len(vs)-1]
		}
		ps = append(ps, pair{CanonicalKey(k), v})
	}
	slices.SortFunc(ps, func(a, b pair) int { return strings.Compare(a.key, b.key) })
	// "a_b" and "a.b" name the same parameter once canonicalised; keep one.
	// Which one survives is unspecified, as it is on the server.
	return slices.CompactFunc(ps, func(a, b pair) bool { return a.key == b.key })
}

// appendStringToSign appends the string the legacy API signs to dst.
func appendStringToSign(dst []byte, method, host, path string, ps []pair) []byte {
	method = strings.ToUpper(method)
	post := method == "POST"
	n := len(method) + len(host) + len(path) + 1
	for _, p := range ps {
		n += len(p.key) + len(p.value) + 2
	}
	dst = slices.Grow(dst, n)
	dst = append(dst, method...)
	dst = append(dst, host...)
	dst = append(dst, path...)
	dst = append(dst, '?')
	first := true
	for _, p := range ps {
		if post && strings.HasPrefix(p.value, "@") {
			continue
		}
		if !first {
			dst = append(dst, '&')
		}
		first = false
		dst = append(dst, p.key...)
		dst = append(dst, '=')
		dst = append(dst, p.value...)
	}
	return dst
}

// Sign returns the base64 HMAC of stringToSign keyed with secretKey. It uses
// SHA-256 exactly when signatureMethod is "HmacSHA256" and SHA-1 otherwise,
// which is how the server picks the algorithm it verifies with.
func Sign(stringToSign, secretKey, signatureMethod string) string {
	return string(appendSignature(nil, []byte(stringToSign), secretKey, signatureMethod))
}

// appendSignature appends the base64 signature to dst without intermediate
// strings; the request path uses it directly.
func appendSignature(dst, stringToSign []byte, secretKey, signatureMethod string) []byte {
	var newHash func() hash.Hash = sha1.New
	if signatureMethod == SignatureHmacSHA256 {
		newHash = sha256.New
	}
	mac := hmac.New(newHash, []byte(secretKey))
	mac.Write(stringToSign)
	var sum [sha256.Size]byte
	return base64.StdEncoding.AppendEncode(dst, mac.Sum(sum[:0]))
}
