package emulator

// The protocol checks, written from the API's documentation (spec §3, §12)
// and not from the SDK: when the SDK and the emulator share a mistake, every
// test passes and production fails, so this file imports nothing that signs
// or validates from package cvm.

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/maphash"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// canonicalName is the name under which the server signs and reads a
// parameter: every "_" becomes ".", except in a name that starts with "_"
// (spec §3.1 step 2; the PHP server rewrites "." to "_" in field names, so
// both spellings name one parameter).
func canonicalName(k string) string {
	if k == "" || k[0] == '_' {
		return k
	}
	return strings.ReplaceAll(k, "_", ".")
}

// signedString builds the string the server verifies (spec §3.1 steps 1 to
// 5): the upper-case method, the Host as received, the path, "?", then
// key=value for every parameter but Signature, keys canonical and sorted
// byte-wise, values raw. With POST a value that starts with "@" is left out
// (spec §12: Tencent's SDKs do so and the live API accepts only that).
func signedString(method, host, path string, params url.Values) string {
	post := strings.EqualFold(method, "POST")
	canon := make(map[string]string, len(params))
	for k, vs := range params {
		if k == "Signature" || len(vs) == 0 {
			continue
		}
		v := vs[len(vs)-1]
		if post && strings.HasPrefix(v, "@") {
			continue
		}
		canon[canonicalName(k)] = v
	}
	keys := make([]string, 0, len(canon))
	for k := range canon {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	size := len(method) + len(host) + len(path) + 1
	for k, v := range canon {
		size += len(k) + len(v) + 2
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(strings.ToUpper(method))
	b.WriteString(host)
	b.WriteString(path)
	b.WriteByte('?')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(canon[k])
	}
	return b.String()
}

// expectedSignature is base64(HMAC(key, s)) with SHA-256 exactly when
// SignatureMethod is "HmacSHA256" and SHA-1 for anything else, absent or
// garbage included (spec §2, §3.1 step 6).
func expectedSignature(s, key, signatureMethod string) string {
	useSHA256 := signatureMethod == "HmacSHA256"
	// A keyed HMAC state from the pool when it was keyed the same way
	// (keying costs two hash blocks and allocations; an emulator has one
	// key pair or a few), else a new one. No table of keys is kept.
	m, _ := macs.Get().(*keyedMAC)
	if m == nil || m.key != key || m.sha256 != useSHA256 {
		newHash := sha1.New
		if useSHA256 {
			newHash = sha256.New
		}
		m = &keyedMAC{key: key, sha256: useSHA256, mac: hmac.New(newHash, []byte(key))}
	}
	m.mac.Reset()
	_, _ = io.WriteString(m.mac, s)
	var sum [sha256.Size]byte
	out := base64.StdEncoding.EncodeToString(m.mac.Sum(sum[:0]))
	macs.Put(m)
	return out
}

type keyedMAC struct {
	key    string
	sha256 bool
	mac    hash.Hash
}

var macs sync.Pool // of *keyedMAC

// defaultReplayWindow is how far a Timestamp may stray from the server's
// clock: 2 hours (spec §12).
const defaultReplayWindow = 2 * time.Hour

// replayKey is what the server remembers of a request: the SecretId hashed
// to 64 bits, the Timestamp and the Nonce. It is a small fixed-size value,
// so nothing of a request's body is kept alive by it.
type replayKey struct {
	id    uint64
	nonce uint64
}

// replayMemory remembers the (SecretId, Timestamp, Nonce) triples of the
// requests it has let through (spec §12: the Nonce alone is not unique; the
// Node and PHP SDKs draw it from 1..65535). Triples are kept by Timestamp
// second and forgotten once their Timestamp falls out of the window, since
// such a request is refused for its Timestamp anyway. Memory is therefore
// bounded by the requests of one window; max bounds it further (the oldest
// second is dropped first when it is reached).
type replayMemory struct {
	mu     sync.Mutex
	seed   maphash.Seed
	window time.Duration
	max    int
	n      int
	bySec  map[int64]map[replayKey]struct{}
	oldest int64 // no second below this is held
}

// defaultReplayMax bounds the remembered triples: 4 hours of the default
// account quota (1,000 calls a minute) is 240,000; 1<<20 leaves headroom for
// emulators run with quotas off.
const defaultReplayMax = 1 << 20

func newReplayMemory(window time.Duration, max int) *replayMemory {
	return &replayMemory{seed: maphash.MakeSeed(), window: window, max: max, bySec: map[int64]map[replayKey]struct{}{}}
}

// check refuses a Timestamp outside the window and a triple seen before;
// otherwise it remembers the triple. now is the server's wall clock.
func (m *replayMemory) check(secretID string, ts int64, nonce uint64, now time.Time) *apiError {
	if d := now.Sub(time.Unix(ts, 0)); d > m.window || d < -m.window {
		return errf(4500, "重放攻击: Timestamp %d is more than %v from the server's time", ts, m.window)
	}
	k := replayKey{id: maphash.String(m.seed, secretID), nonce: nonce}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expire(now.Add(-m.window).Unix())
	sec := m.bySec[ts]
	if _, seen := sec[k]; seen {
		return errf(4500, "重放攻击: Timestamp %d and Nonce %d were already used", ts, nonce)
	}
	if sec == nil {
		sec = map[replayKey]struct{}{}
		m.bySec[ts] = sec
	}
	sec[k] = struct{}{}
	m.n++
	for m.n > m.max && len(m.bySec) > 0 {
		m.dropOldest()
	}
	return nil
}

// expire forgets every second before cutoff.
func (m *replayMemory) expire(cutoff int64) {
	if cutoff <= m.oldest {
		return
	}
	if int(cutoff-m.oldest) > len(m.bySec) {
		for ts, sec := range m.bySec {
			if ts < cutoff {
				m.n -= len(sec)
				delete(m.bySec, ts)
			}
		}
	} else {
		for ts := m.oldest; ts < cutoff; ts++ {
			if sec, ok := m.bySec[ts]; ok {
				m.n -= len(sec)
				delete(m.bySec, ts)
			}
		}
	}
	m.oldest = cutoff
}

func (m *replayMemory) dropOldest() {
	first := true
	var min int64
	for ts := range m.bySec {
		if first || ts < min {
			min, first = ts, false
		}
	}
	m.n -= len(m.bySec[min])
	delete(m.bySec, min)
}

// reset forgets every triple.
func (m *replayMemory) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bySec, m.n, m.oldest = map[int64]map[replayKey]struct{}{}, 0, 0
}

// size returns the number of remembered triples.
func (m *replayMemory) size() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.n
}

// authenticate checks the key, the signature, the Token and replay, in the
// order the documentation lists their errors.
func (s *Server) authenticate(method, host, path string, p url.Values) *apiError {
	id := p.Get("SecretId")
	if id == "" {
		return errf(4100, "missing parameter SecretId")
	}
	key, ok := s.opts.Keys[id]
	temp, isTemp := tempKey{}, false
	if !ok {
		if temp, isTemp = s.tempKeyOf(id); !isTemp {
			return &apiError{code: 4104, codeDesc: "AuthFailure", message: "Authentication failed. SecretId does not exist"}
		}
		key = temp.key
	}
	sig := p.Get("Signature")
	if sig == "" {
		return errf(4100, "missing parameter Signature")
	}
	want := expectedSignature(signedString(method, host, path, p), key, p.Get("SignatureMethod"))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return errf(4100, "鉴权失败，请参考文档中鉴权部分。signature mismatch")
	}
	// A temporary key needs its Token; a Token with a long-term key is
	// refused too ("长期密钥不需要 Token"; 4105 "token 错误"). An issued
	// key is refused once it has expired (4104, as for a key that no longer
	// exists).
	tok, needsToken := s.opts.Tokens[id]
	if isTemp {
		tok, needsToken = temp.token, true
	}
	if needsToken || p.Get("Token") != "" {
		if !needsToken || !hmac.Equal([]byte(tok), []byte(p.Get("Token"))) {
			return &apiError{code: 4105, codeDesc: "AuthFailure", message: "token 错误: invalid Token"}
		}
	}
	if isTemp && !s.clock.Now().Before(temp.expires) {
		return &apiError{code: 4104, codeDesc: "AuthFailure", message: "Authentication failed. The temporary SecretId has expired"}
	}
	ts, err := strconv.ParseInt(p.Get("Timestamp"), 10, 64)
	if err != nil {
		return invalid("invalid Timestamp %q", p.Get("Timestamp"))
	}
	// "随机正整数"; SDKs draw it from 0 (Node) up to 2^63-1 (Python).
	nonce := p.Get("Nonce")
	n, err := strconv.ParseUint(nonce, 10, 63)
	if err != nil || nonce != strconv.FormatUint(n, 10) {
		return invalid("invalid Nonce %q: want an unsigned integer", nonce)
	}
	return s.replay.check(id, ts, n, s.wallNow())
}

// wallNow is the clock Timestamps are judged by: the wall clock, which is
// what clients sign with, unless a test set another.
func (s *Server) wallNow() time.Time {
	if s.wall != nil {
		return s.wall()
	}
	return time.Now()
}
