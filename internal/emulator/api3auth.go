package emulator

// The API 3.0 signature checks (spec/api3/api3-cvm.md §3), written from the
// documented algorithm and its verification rules, not from any SDK: the
// SDK's own API 3.0 signer is judged by them, and so are Tencent's official
// clients, so this file shares nothing with either.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// api3Skew is how far X-TC-Timestamp may stray from the server's clock
// (§2: "skew > 5 min ⇒ AuthFailure.SignatureExpire").
const api3Skew = 5 * time.Minute

// tc3Auth is a parsed Authorization header.
type tc3Auth struct {
	secretID, date, service, signedHeaders, signature string
}

// parseTC3Authorization reads
// "TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request,
// SignedHeaders=<h1;h2>, Signature=<hex>" (§3).
func parseTC3Authorization(h string) (tc3Auth, bool) {
	var a tc3Auth
	rest, ok := strings.CutPrefix(h, "TC3-HMAC-SHA256 ")
	if !ok {
		return a, false
	}
	var credential string
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, false
		}
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			a.signedHeaders = v
		case "Signature":
			a.signature = v
		}
	}
	// The id may hold no "/", the service may (Node's "localhost:PORT"
	// holds none either, but a scope is split from both ends to be sure).
	id, scope, ok := strings.Cut(credential, "/")
	if !ok {
		return a, false
	}
	date, scope, ok := strings.Cut(scope, "/")
	if !ok {
		return a, false
	}
	service, ok := strings.CutSuffix(scope, "/tc3_request")
	if !ok || id == "" || date == "" || service == "" || a.signedHeaders == "" || a.signature == "" {
		return a, false
	}
	a.secretID, a.date, a.service = id, date, service
	return a, true
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hmac256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// tc3Signature is §3's algorithm: the canonical request, the string to
// sign and the derived key. headers are the signed headers' values, in the
// order of signedHeaders.
func tc3Signature(secretKey, method, rawQuery, signedHeaders string, headers []string, payloadHash, timestamp, date, service string) string {
	var canon strings.Builder
	canon.WriteString(method + "\n/\n" + rawQuery + "\n")
	for i, name := range strings.Split(signedHeaders, ";") {
		canon.WriteString(name + ":" + headers[i] + "\n")
	}
	canon.WriteString("\n" + signedHeaders + "\n" + payloadHash)
	scope := date + "/" + service + "/tc3_request"
	sts := "TC3-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n" + sha256Hex([]byte(canon.String()))
	k := hmac256([]byte("TC3"+secretKey), date)
	k = hmac256(k, service)
	k = hmac256(k, "tc3_request")
	return hex.EncodeToString(hmac256(k, sts))
}

// hostSpellings are the values of "host" a client may have signed (§3 rule
// 3): the Host as received; without its port (Node signs the URL's
// hostname); and without a scheme (tccli's --endpoint http://… sends and
// signs "http://127.0.0.1:PORT" as the Host).
func hostSpellings(host string) []string {
	out := []string{host}
	add := func(h string) {
		for _, o := range out {
			if o == h {
				return
			}
		}
		out = append(out, h)
	}
	bare := host
	for _, scheme := range []string{"http://", "https://"} {
		if b, ok := strings.CutPrefix(strings.ToLower(host), scheme); ok {
			bare = b
			add(bare)
		}
	}
	if h, _, err := net.SplitHostPort(bare); err == nil {
		add(h)
	}
	return out
}

// keyOf finds the SecretKey of an id: a configured key or an issued
// temporary one.
func (s *Server) keyOf(id string) (key string, temp tempKey, isTemp, ok bool) {
	if key, ok := s.opts.Keys[id]; ok {
		return key, tempKey{}, false, true
	}
	if temp, isTemp = s.tempKeyOf(id); isTemp {
		return temp.key, temp, true, true
	}
	return "", tempKey{}, false, false
}

// checkToken is the token rule of both contracts: a temporary key needs
// its token, a long-term key takes none, and an issued key expires.
func (s *Server) checkToken(id, token string, temp tempKey, isTemp bool) *api3Err {
	tok, needsToken := s.opts.Tokens[id]
	if isTemp {
		tok, needsToken = temp.token, true
	}
	if needsToken || token != "" {
		if !needsToken || !hmac.Equal([]byte(tok), []byte(token)) {
			return err3("AuthFailure.TokenFailure", "the token is invalid for this SecretId")
		}
	}
	if isTemp && !s.clock.Now().Before(temp.expires) {
		return err3("AuthFailure.SecretIdNotFound", "the temporary SecretId has expired")
	}
	return nil
}

// checkTimestamp applies the 5-minute window.
func (s *Server) checkTimestamp(ts string) *api3Err {
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return err3("InvalidParameter", "the timestamp %q is not a number of Unix seconds", ts)
	}
	now := s.wallNow()
	if d := now.Sub(time.Unix(n, 0)); d > api3Skew || d < -api3Skew {
		return err3("AuthFailure.SignatureExpire",
			"the signature expired: the timestamp %d is more than 5 minutes from the server's time %d", n, now.Unix())
	}
	return nil
}

// verifyTC3 checks a TC3-HMAC-SHA256 request (§3 rules 1 to 5) and
// returns its SecretId.
func (s *Server) verifyTC3(r *http.Request, in *api3Request) (string, *api3Err) {
	a, ok := parseTC3Authorization(in.authorization)
	if !ok {
		return "", err3("AuthFailure.InvalidAuthorization",
			"the Authorization header does not parse: want TC3-HMAC-SHA256 Credential=<SecretId>/<date>/<service>/tc3_request, SignedHeaders=<headers>, Signature=<hex>")
	}
	in.scopeService = a.service
	if in.timestamp == "" {
		return "", err3("MissingParameter", "the X-TC-Timestamp header is required")
	}
	if err := s.checkTimestamp(in.timestamp); err != nil {
		return "", err
	}
	ts, _ := strconv.ParseInt(in.timestamp, 10, 64)
	if want := time.Unix(ts, 0).UTC().Format("2006-01-02"); a.date != want {
		// The date is the UTC date of the timestamp; a client on local
		// time fails every night at midnight (§1.4).
		return "", err3("AuthFailure.SignatureFailure",
			"the credential scope's date %s is not the UTC date %s of X-TC-Timestamp", a.date, want)
	}
	key, temp, isTemp, known := s.keyOf(a.secretID)
	if !known {
		return "", err3("AuthFailure.SecretIdNotFound", "the SecretId is not found")
	}
	names := strings.Split(a.signedHeaders, ";")
	var hasHost, hasType bool
	for _, n := range names {
		hasHost = hasHost || n == "host"
		hasType = hasType || n == "content-type"
		if n != strings.ToLower(n) || n == "" {
			return "", err3("AuthFailure.InvalidAuthorization", "SignedHeaders must be lower-case names joined by ';', got %q", a.signedHeaders)
		}
	}
	if !hasHost || !hasType {
		return "", err3("AuthFailure.InvalidAuthorization", "SignedHeaders must include content-type and host, got %q", a.signedHeaders)
	}
	payloadHash := sha256Hex(in.body)
	if in.unsignedPayload {
		payloadHash = sha256Hex([]byte("UNSIGNED-PAYLOAD"))
	}
	query := ""
	if r.Method == http.MethodGet {
		query = in.rawQuery // as received: Go sorts it, Node and Python do not (§1.5)
	}
	values := make([]string, len(names))
	hostAt := -1
	for i, n := range names {
		if n == "host" {
			hostAt = i
			continue
		}
		values[i] = strings.ToLower(strings.TrimSpace(r.Header.Get(n)))
	}
	hosts := hostSpellings(r.Host)
	if sc := r.Header.Get(schemeHeader); sc == "http" || sc == "https" {
		// The Host held a scheme, moved out by SchemeHostListener.
		hosts = append([]string{sc + "://" + r.Host}, hosts...)
	}
	for _, host := range hosts {
		values[hostAt] = strings.ToLower(strings.TrimSpace(host))
		want := tc3Signature(key, r.Method, query, a.signedHeaders, values, payloadHash, in.timestamp, a.date, a.service)
		if hmac.Equal([]byte(want), []byte(strings.ToLower(a.signature))) {
			if err := s.checkToken(a.secretID, in.token, temp, isTemp); err != nil {
				return "", err
			}
			return a.secretID, nil
		}
	}
	return "", err3("AuthFailure.SignatureFailure",
		"the signature does not match; check the SecretKey and the signing steps (the canonical request, the UTC date, the service %q of the credential scope)", a.service)
}

// verifyV1 checks a request signed with signature v1 (HmacSHA1 or
// HmacSHA256 over the sorted parameters, §2), which API 3.0 accepts with
// GET and with a POST form, through the legacy contract's own checker at
// path "/". The 5-minute window of API 3.0 comes first.
func (s *Server) verifyV1(r *http.Request, in *api3Request) (string, *api3Err) {
	if in.timestamp == "" {
		return "", err3("MissingParameter", "the Timestamp parameter is required")
	}
	if err := s.checkTimestamp(in.timestamp); err != nil {
		return "", err
	}
	if e := s.authenticate(r.Method, r.Host, API3Path, in.v1Params); e != nil {
		return "", fromLegacy(e)
	}
	return in.v1Params.Get("SecretId"), nil
}
