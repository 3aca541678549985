package emulator

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Temporary credentials: the CVM metadata service's instance-role keys
// (spec §13.4) and legacy STS AssumeRole (spec §13.5). Each key is valid
// with its Token until its expiry on the emulator's clock; then 4104, and
// with a missing or wrong Token 4105.

type tempKey struct {
	key, token string
	expires    time.Time
}

// roleCreds are the current credentials the metadata service hands out for
// a role.
type roleCreds struct {
	id      string
	expires time.Time
}

func init() {
	register([]string{"sts"}, map[string]func(*Server, *request) (map[string]any, *apiError){
		"AssumeRole": (*Server).assumeRole,
	})
	h := handlers["AssumeRole"]
	h.noRegion = true // the STS examples send no Region
	handlers["AssumeRole"] = h
}

// issue makes a temporary key valid for ttl from now. s.tempMu must be held.
func (s *Server) issueLocked(now time.Time, ttl time.Duration) (id string, k tempKey) {
	for id, k := range s.temp {
		if !now.Before(k.expires) {
			delete(s.temp, id) // expired keys are forgotten
		}
	}
	id = "AKIDtmp" + s.hexLocked(16)
	k = tempKey{key: s.hexLocked(16), token: s.hexLocked(20), expires: now.Add(ttl).Truncate(time.Second)}
	s.temp[id] = k
	return id, k
}

// hexLocked draws from the temporary keys' own random source. s.tempMu
// must be held.
func (s *Server) hexLocked(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 2*n)
	for i := range b {
		b[i] = digits[s.tempRng.IntN(16)]
	}
	return string(b)
}

// tempKeyOf returns a temporary key by SecretId.
func (s *Server) tempKeyOf(id string) (tempKey, bool) {
	s.tempMu.Lock()
	defer s.tempMu.Unlock()
	k, ok := s.temp[id]
	return k, ok
}

// metadataPrefixes are the paths the metadata service answers under: the
// SDKs' /latest/ and the unversioned one some clients use.
var metadataPrefixes = []string{"/latest/meta-data/cam/security-credentials/", "/meta-data/cam/security-credentials/"}

// serveMetadata answers the CVM metadata service's CAM paths, and reports
// whether the path was one of them.
func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request) bool {
	var rest string
	found := false
	for _, p := range metadataPrefixes {
		if after, ok := strings.CutPrefix(r.URL.Path, p); ok {
			rest, found = after, true
			break
		}
	}
	if !found {
		return false
	}
	notFound := func() {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("404 - Not Found"))
	}
	if r.Method != http.MethodGet {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return true
	}
	if rest == "" {
		// The role bound to the instance: one at a time, as the docs say.
		if len(s.opts.Roles) == 0 {
			notFound()
			return true
		}
		names := make([]string, 0, len(s.opts.Roles))
		for n := range s.opts.Roles {
			names = append(names, n)
		}
		sort.Strings(names)
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(names[0]))
		return true
	}
	ttl, ok := s.opts.Roles[rest]
	if !ok {
		notFound()
		return true
	}
	now := s.clock.Now()
	s.tempMu.Lock()
	cur := s.roles[rest]
	k, valid := s.temp[cur.id]
	// New keys come before the old ones expire: when a quarter of their
	// life, at most 15 minutes, is left [inferred; the docs say only that
	// they are "periodically updated"].
	if !valid || cur.expires.Sub(now) <= min(ttl/4, 15*time.Minute) {
		cur.id, k = s.issueLocked(now, ttl)
		cur.expires = k.expires
		s.roles[rest] = cur
	}
	s.tempMu.Unlock()
	doc := map[string]any{
		"TmpSecretId": cur.id, "TmpSecretKey": k.key, "Token": k.token,
		"ExpiredTime": k.expires.Unix(), "Expiration": k.expires.UTC().Format(time.RFC3339), "Code": "Success",
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(doc)
	return true
}

// assumeRole is legacy STS AssumeRole: roleArn and roleSessionName
// required, durationSeconds 1800 by default and at most 7200 (spec §13.5).
// Any role ARN of the right shape is granted [inferred: the emulator has no
// CAM policies].
func (s *Server) assumeRole(r *request) (map[string]any, *apiError) {
	q := r.p()
	arn := q.str("roleArn", true)
	name := q.str("roleSessionName", true)
	d := q.integer("durationSeconds", false, 1800, 1, 7200)
	if q.err != nil {
		return nil, q.err
	}
	if !strings.HasPrefix(arn, "qcs::cam::uin/") || !strings.Contains(arn, ":role") {
		return nil, invalid("roleArn %q is not a role ARN such as qcs::cam::uin/12345678:roleName/name", arn)
	}
	if n := utf8.RuneCountInString(name); n < 2 || n > 128 || strings.IndexFunc(name, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("+=,.@_-", c))
	}) >= 0 {
		return nil, invalid("roleSessionName must be 2 to 128 of letters, digits and +=,.@_-")
	}
	s.tempMu.Lock()
	id, k := s.issueLocked(r.now, time.Duration(d)*time.Second)
	s.tempMu.Unlock()
	return map[string]any{"data": map[string]any{
		"credentials": map[string]any{"sessionToken": k.token, "tmpSecretId": id, "tmpSecretKey": k.key},
		"expiredTime": k.expires.Unix(), "expiration": k.expires.UTC().Format(time.RFC3339),
	}}, nil
}
