package spectest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// TC3 is the tests' own API 3.0 signer (TC3-HMAC-SHA256), written from the
// numbered steps of spec/api3 §3 for requests that sign content-type and
// host. It shares no code with the emulator's verifier or with package
// cvm; its test checks it against the official SDKs' vectors. It returns
// the Authorization header.
func TC3(method, host, rawQuery, contentType string, body []byte, service, secretID, secretKey string, timestamp int64) string {
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	mac := func(k []byte, s string) []byte { m := hmac.New(sha256.New, k); m.Write([]byte(s)); return m.Sum(nil) }
	if method == "POST" {
		rawQuery = "" // step 1: CanonicalQueryString is empty for POST
	}
	canonical := method + "\n" + "/" + "\n" + rawQuery + "\n" +
		"content-type:" + contentType + "\n" + "host:" + host + "\n" + "\n" +
		"content-type;host" + "\n" + sum(body)
	date := time.Unix(timestamp, 0).UTC().Format("2006-01-02")
	scope := date + "/" + service + "/tc3_request"
	toSign := "TC3-HMAC-SHA256" + "\n" + strconv.FormatInt(timestamp, 10) + "\n" + scope + "\n" + sum([]byte(canonical))
	key := mac(mac(mac([]byte("TC3"+secretKey), date), service), "tc3_request")
	sig := hex.EncodeToString(mac(key, toSign))
	return "TC3-HMAC-SHA256 Credential=" + secretID + "/" + scope + ", SignedHeaders=content-type;host, Signature=" + sig
}
