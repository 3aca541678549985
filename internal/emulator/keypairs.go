package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// Key pairs (spec §5.6).
func init() {
	register(onCVM, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeKeyPairs":  (*Server).describeKeyPairs,
		"CreateKeyPair":     (*Server).createKeyPair,
		"ImportKeyPair":     (*Server).importKeyPair,
		"ModifyKeyPair":     (*Server).modifyKeyPair,
		"DeleteKeyPair":     (*Server).deleteKeyPair,
		"BindInstanceKey":   (*Server).bindInstanceKey,
		"UnBindInstanceKey": (*Server).unBindInstanceKey,
		"unBindInstanceKey": (*Server).unBindInstanceKey, // the overview's and example's spelling
	})
}

// ---- key pairs (spec §5.6) ----

type keyPair struct {
	seq     int64
	id      string
	name    string
	pubkey  string
	created time.Time
	// The newer contract's members (§6 rows 53 to 56).
	projectID int
	desc      string
}

// keyNameRE: "只能包含数字，字母和下划线"; at most 25 characters [inferred
// from the 2017 page].
var keyNameRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,25}$`)

func (rg *region) keyBoundTo(id string) []*instance {
	var out []*instance
	for _, in := range rg.instSeq {
		if in.keyID == id {
			out = append(out, in)
		}
	}
	return out
}

func (s *Server) keyJSON(rg *region, k *keyPair) map[string]any {
	ips, ids := []string{}, []string{}
	for _, in := range rg.keyBoundTo(k.id) {
		ips = append(ips, in.lanIP)
		ids = append(ids, in.id)
	}
	return map[string]any{"keyId": k.id, "keyName": k.name, "pubkey": k.pubkey, "status": 0,
		"bindIps": ips, "createTime": apiTime(k.created), "bindUnInstanceIds": ids}
}

func (s *Server) describeKeyPairs(r *request) (map[string]any, *apiError) {
	q := r.p()
	ids := q.list("keyIds")
	name := q.str("keyName", false)
	if q.has("projectId") {
		q.integer("projectId", false, 0, 0, 1<<31-1)
	}
	offset := q.integer("offset", false, 0, 0, 1<<31-1)
	limit := q.integer("limit", false, 20, 0, 100)
	if q.err != nil {
		return nil, q.err
	}
	if limit == 0 {
		limit = 20 // fit2cloud sends 0; taken as the default [inferred]
	}
	rg := r.region
	rg.settle(r.now)
	var keys []*keyPair
	for _, k := range rg.keyPairs {
		// keyName: fuzzy, as other name filters are [inferred].
		if len(ids) > 0 && !slices.Contains(ids, k.id) || name != "" && !strings.Contains(k.name, name) {
			continue
		}
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].seq < keys[j].seq })
	set := []map[string]any{}
	for _, k := range pageOf(keys, offset, limit) {
		set = append(set, s.keyJSON(rg, k))
	}
	// The list sits under data, though the table lists it flat.
	return map[string]any{"data": map[string]any{"totalCount": len(keys), "sshSet": set}}, nil
}

func (s *Server) newKeyPair(rg *region, now time.Time, name, pubkey string) *keyPair {
	k := &keyPair{seq: s.nextSeq(), id: s.newID("skey-", func(id string) bool { return rg.keyPairs[id] != nil }),
		name: name, pubkey: pubkey, created: now}
	rg.keyPairs[k.id] = k
	return k
}

func (s *Server) createKeyPair(r *request) (map[string]any, *apiError) {
	q := r.p()
	name := q.str("keyName", true)
	if q.err != nil {
		return nil, q.err
	}
	k, secret, err := s.makeKeyPair(r.region, r.now, name, 0)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": map[string]any{"keyId": k.id, "keyName": k.name, "pubkey": k.pubkey, "secretkey": string(secret)}}, nil
}

// generateKeyPair makes an OpenSSH RSA key pair, the private key in PKCS#1
// PEM, as documented; 1024 bits as in the documented example [inferred],
// which keeps the emulator quick. The private key is returned, never kept.
func (s *Server) generateKeyPair(rg *region, now time.Time, name string) (*keyPair, []byte, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		return nil, nil, err
	}
	pub, err := ssh.NewPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, nil, err
	}
	k := s.newKeyPair(rg, now, name, "")
	k.pubkey = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + " skey_" + strconv.FormatInt(k.seq, 10)
	return k, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(priv)}), nil
}

func (s *Server) importKeyPair(r *request) (map[string]any, *apiError) {
	q := r.p()
	name := q.str("keyName", true)
	pubKey := q.str("pubKey", true) // capital K in the request
	if q.err != nil {
		return nil, q.err
	}
	k, err := s.importPublicKey(r.region, r.now, name, pubKey, 0)
	if err != nil {
		return nil, err
	}
	// keyId at the top level; no data and no codeDesc in the example.
	return map[string]any{"keyId": k.id}, nil
}

func (rg *region) keyPair(id string) (*keyPair, *apiError) {
	k, ok := rg.keyPairs[id]
	if !ok {
		return nil, notFound("key pair", id)
	}
	return k, nil
}

func (s *Server) modifyKeyPair(r *request) (map[string]any, *apiError) {
	q := r.p()
	id := q.str("keyId", true)
	name := q.str("keyName", true)
	if q.err != nil {
		return nil, q.err
	}
	rg := r.region
	k, err := rg.keyPair(id)
	if err != nil {
		return nil, err
	}
	if err := rg.checkKeyName(name, k); err != nil {
		return nil, err
	}
	k.name = name
	return map[string]any{"data": []any{}}, nil
}

func (s *Server) deleteKeyPair(r *request) (map[string]any, *apiError) {
	q := r.p()
	ids := q.ids("keyIds", true, 100)
	if q.err != nil {
		return nil, q.err
	}
	rg := r.region
	rg.settle(r.now)
	// Per-key results in detail.deleteKeySet (a list, not the id-keyed map
	// of other batches); the outer code 0, 5100 or 5400 [inferred, §4.4].
	set := make([]map[string]any, 0, len(ids))
	failed := 0
	for _, id := range ids {
		item := map[string]any{"keyId": id, "code": 0, "message": "success"}
		switch k, ok := rg.keyPairs[id]; {
		case !ok:
			item["code"], item["message"] = 5000, "key pair "+id+" does not exist"
		case len(rg.keyBoundTo(k.id)) > 0:
			item["code"], item["message"] = 5100, "不能删除已被实例引用的密钥: key "+id+" is bound to an instance"
		}
		if item["code"] != 0 {
			failed++
		}
		set = append(set, item)
	}
	detail := map[string]any{"deleteKeySet": set}
	if failed == len(ids) {
		e := errf(5100, "all %d keys failed", failed)
		e.extra = map[string]any{"detail": detail}
		return nil, e
	}
	for _, it := range set {
		if it["code"] == 0 {
			delete(rg.keyPairs, it["keyId"].(string))
			rg.dropTags("cvm", "keypair", it["keyId"].(string))
		}
	}
	if failed > 0 {
		e := errf(5400, "%d of %d keys failed", failed, len(ids))
		e.extra = map[string]any{"detail": detail}
		// The keys that could go are gone: a partial success.
		return nil, e
	}
	return map[string]any{"detail": detail}, nil
}

// keyTargets reads instanceIds.n for BindInstanceKey and UnBindInstanceKey:
// stopped Linux instances only (spec §5.6).
func (s *Server) keyTargets(r *request, q *p) ([]*instance, *keyPair, *apiError) {
	ids := q.ids("instanceIds", true, 100)
	keyID := q.str("keyId", true)
	if q.err != nil {
		return nil, nil, q.err
	}
	rg := r.region
	rg.settle(r.now)
	k, err := rg.keyPair(keyID)
	if err != nil {
		return nil, nil, err
	}
	var out []*instance
	for _, id := range ids {
		in := rg.instance(id)
		if in == nil {
			return nil, nil, notFound("instance", id)
		}
		out = append(out, in)
	}
	return out, k, nil
}

func (s *Server) bindInstanceKey(r *request) (map[string]any, *apiError) {
	ins, k, err := s.keyTargets(r, r.p())
	if err == nil {
		err = bindKey(k, ins, false)
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Server) unBindInstanceKey(r *request) (map[string]any, *apiError) {
	ins, k, err := s.keyTargets(r, r.p())
	if err == nil {
		err = bindKey(k, ins, true)
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}
