package emulator

// The rest of the legacy API around CVM (spec §5.6–§5.9): key pairs,
// network interfaces, orders, projects, and UpdateInstanceVpcConfig.

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"
)

func init() {
	register(onCVM, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeKeyPairs":        (*Server).describeKeyPairs,
		"CreateKeyPair":           (*Server).createKeyPair,
		"ImportKeyPair":           (*Server).importKeyPair,
		"ModifyKeyPair":           (*Server).modifyKeyPair,
		"DeleteKeyPair":           (*Server).deleteKeyPair,
		"BindInstanceKey":         (*Server).bindInstanceKey,
		"UnBindInstanceKey":       (*Server).unBindInstanceKey,
		"unBindInstanceKey":       (*Server).unBindInstanceKey, // the overview's and example's spelling
		"UpdateInstanceVpcConfig": (*Server).updateInstanceVpcConfig,
	})
	register([]string{"vpc"}, map[string]func(*Server, *request) (map[string]any, *apiError){
		"AttachNetworkInterface": (*Server).attachNetworkInterface,
		"DescribeVpcTaskResult":  (*Server).describeVpcTaskResult,
	})
	register(onDFW, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeNetworkInterfacesOfSecurityGroup": (*Server).describeNetworkInterfacesOfSecurityGroup,
		"ModifySecurityGroupsOfNetworkInterface":   (*Server).modifySecurityGroupsOfNetworkInterface,
	})
	register(onTrade, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeDeals":       (*Server).describeDeals,
		"DescribeDealsByCond": (*Server).describeDealsByCond,
		"PayDeals":            (*Server).payDeals,
	})
	// DescribeProject was on trade too in an older tool (spec §11).
	register([]string{"account", "trade"}, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeProject": (*Server).describeProject,
		"AddProject":      (*Server).addProject,
	})
	for _, a := range []string{"DescribeDeals", "DescribeDealsByCond", "PayDeals", "DescribeProject", "AddProject", "DescribeVpcTaskResult"} {
		h := handlers[a]
		h.noRegion = true // account-wide; Region may be left out (spec §5.8)
		handlers[a] = h
	}
}

// ---- key pairs (spec §5.6) ----

type keyPair struct {
	seq     int64
	id      string
	name    string
	pubkey  string
	created time.Time
}

// keyNameRE: "只能包含数字，字母和下划线"; at most 25 characters [inferred
// from the 2017 page].
var keyNameRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,25}$`)

func (rg *region) keyBoundTo(id string) []*instance {
	var out []*instance
	for _, iid := range rg.instSeq {
		if in := rg.instances[iid]; in != nil && in.keyID == id {
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

func (s *Server) checkKeyName(rg *region, name string, except *keyPair) *apiError {
	if !keyNameRE.MatchString(name) {
		return invalid("keyName must be 1 to 25 letters, digits and underscores, got %q", name)
	}
	for _, k := range rg.keyPairs {
		if k != except && k.name == name {
			return invalid("keyName %q exists: 密钥名称不可重复", name)
		}
	}
	return nil
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
	rg := r.region
	if err := s.checkKeyName(rg, name, nil); err != nil {
		return nil, err
	}
	k, secret, err := s.generateKeyPair(rg, r.now, name)
	if err != nil {
		return nil, errf(6000, "cannot generate a key: %v", err)
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
	rg := r.region
	if err := s.checkKeyName(rg, name, nil); err != nil {
		return nil, err
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(pubKey))
	if err != nil || pub.Type() != ssh.KeyAlgoRSA {
		return nil, invalid("pubKey is not an OpenSSH RSA public key")
	}
	for _, k := range rg.keyPairs {
		if strings.Join(strings.Fields(k.pubkey)[:2], " ") == strings.Join(strings.Fields(pubKey)[:2], " ") {
			return nil, invalid("this public key was imported as %s", k.id)
		}
	}
	k := s.newKeyPair(rg, r.now, name, strings.TrimSpace(pubKey))
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
	if err := s.checkKeyName(rg, name, k); err != nil {
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
		if in.image.windows {
			e := errf(5100, "注意：Windows无法绑定密钥: instance %s runs Windows", in.id)
			e.codeDesc = "OperationConstraints.InvaildInstanceStatus"
			return nil, nil, e
		}
		if in.status != stStopped {
			e := statusErr(in, stStopped)
			e.codeDesc = "OperationConstraints.InvaildInstanceStatus"
			return nil, nil, e
		}
		out = append(out, in)
	}
	return out, k, nil
}

func (s *Server) bindInstanceKey(r *request) (map[string]any, *apiError) {
	q := r.p()
	ins, k, err := s.keyTargets(r, q)
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		in.keyID = k.id // the old key stops working; so does the password
	}
	return map[string]any{}, nil
}

func (s *Server) unBindInstanceKey(r *request) (map[string]any, *apiError) {
	q := r.p()
	ins, k, err := s.keyTargets(r, q)
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		if in.keyID != k.id {
			return nil, errf(5100, "key %s is not bound to instance %s", k.id, in.id)
		}
	}
	for _, in := range ins {
		in.keyID = ""
	}
	return map[string]any{}, nil
}

// ---- network interfaces (spec §5.7) ----

// eni is a secondary elastic network interface. Each instance's primary
// interface is eni-<suffix of its id> and lives with the instance.
type eni struct {
	id         string
	vpcID      string
	zoneID     int
	privateIP  string
	instanceID string
	sgIDs      []string
}

// vpcTask is an asynchronous VPC task; done after the transition time.
type vpcTask struct{ doneAt time.Time }

func (s *Server) attachNetworkInterface(r *request) (map[string]any, *apiError) {
	q := r.p()
	vpcID := q.str("vpcId", true)
	eniID := q.str("networkInterfaceId", true)
	instID := q.str("instanceId", true)
	if q.err != nil {
		return nil, q.err
	}
	rg := r.region
	rg.settle(r.now)
	e, ok := rg.enis[eniID]
	if !ok || e.vpcID != vpcID {
		if !rg.vpcKnown(vpcID) {
			return nil, withDesc(errf(5000, "vpc %s does not exist", vpcID), "InvalidVpc.NotFound")
		}
		return nil, withDesc(errf(5000, "network interface %s does not exist in %s", eniID, vpcID), "InvalidNetworkInterface.NotFound")
	}
	in := rg.instance(instID)
	if in == nil {
		return nil, withDesc(errf(5000, "instance %s does not exist", instID), "InvalidInstance.NotFound")
	}
	if e.instanceID != "" {
		return nil, withDesc(errf(5100, "弹性网卡和云服务器已绑定: %s is attached to %s", e.id, e.instanceID), "InvalidNetworkInterface.AlreadyAssociated")
	}
	if in.status != stRunning && in.status != stStopped {
		return nil, statusErr(in, stRunning, stStopped)
	}
	if in.vpcID != vpcID {
		return nil, invalid("instance %s is not in %s: 弹性网卡绑定的云服务器必须是私有网络的", in.id, vpcID)
	}
	if in.zone.id != e.zoneID {
		return nil, invalid("instance %s is in zone %d, the interface's subnet in %d", in.id, in.zone.id, e.zoneID)
	}
	e.instanceID = in.id
	id := s.nextSeq() + 16000
	s.vpcTasks[id] = vpcTask{doneAt: r.now.Add(s.opts.Transition)}
	return map[string]any{"data": map[string]any{"taskId": id}}, nil
}

func withDesc(e *apiError, desc string) *apiError {
	e.codeDesc = desc
	return e
}

func (rg *region) vpcKnown(id string) bool {
	for _, e := range rg.enis {
		if e.vpcID == id {
			return true
		}
	}
	for _, in := range rg.instances {
		if in.vpcID == id {
			return true
		}
	}
	return false
}

func (s *Server) describeVpcTaskResult(r *request) (map[string]any, *apiError) {
	q := r.p()
	id := q.integer("taskId", true, 0, 1, 1<<62)
	if q.err != nil {
		return nil, q.err
	}
	t, ok := s.vpcTasks[int64(id)]
	if !ok {
		return nil, notFound("task", strconv.Itoa(id))
	}
	status := 2 // in progress
	if !r.now.Before(t.doneAt) {
		status = 0
	}
	return map[string]any{"data": map[string]any{"status": status}}, nil
}

// interfaceGroups returns the interfaces associated with a group: the
// primary interfaces of its instances and the secondary ones that name it.
func (rg *region) interfaceGroups(sgID string) []string {
	var out []string
	for _, id := range rg.instSeq {
		if in := rg.instances[id]; in != nil && slices.Contains(in.sgIDs, sgID) {
			out = append(out, in.eniID())
		}
	}
	ids := make([]string, 0, len(rg.enis))
	for id := range rg.enis {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if slices.Contains(rg.enis[id].sgIDs, sgID) {
			out = append(out, id)
		}
	}
	return out
}

func (s *Server) describeNetworkInterfacesOfSecurityGroup(r *request) (map[string]any, *apiError) {
	q := r.p()
	g, err := r.groupParam(q)
	if err != nil {
		return nil, err
	}
	set := []map[string]any{}
	for _, id := range r.region.interfaceGroups(g.id) {
		set = append(set, map[string]any{"networkInterfaceId": id})
	}
	return map[string]any{"data": map[string]any{"totalCount": len(set), "networkInterfaceSet": set}}, nil
}

func (s *Server) modifySecurityGroupsOfNetworkInterface(r *request) (map[string]any, *apiError) {
	q := r.p()
	sets := q.objects("networkInterfaceSet")
	if q.err != nil {
		return nil, q.err
	}
	if len(sets) == 0 {
		return nil, invalid("missing parameter networkInterfaceSet.n.networkInterfaceId")
	}
	rg := r.region
	rg.settle(r.now)
	type change struct {
		apply func([]string)
		sgs   []string
	}
	var changes []change
	for i, set := range sets {
		id := set.Get("networkInterfaceId")
		sub := &p{v: set}
		sgs := sub.list("sgIds")
		if id == "" {
			return nil, invalid("networkInterfaceSet.%d.networkInterfaceId is missing", i)
		}
		for _, sg := range sgs {
			if rg.sgs[sg] == nil {
				return nil, sgErr(5000, 7001, "安全组不存在: %s", sg)
			}
		}
		if in := rg.instanceByENI(id); in != nil {
			changes = append(changes, change{func(v []string) { in.sgIDs = v }, sgs})
		} else if e, ok := rg.enis[id]; ok {
			changes = append(changes, change{func(v []string) { e.sgIDs = v }, sgs})
		} else {
			return nil, notFound("network interface", id)
		}
	}
	for _, c := range changes { // all checked first: a refused call changes nothing
		c.apply(slices.Clone(c.sgs))
	}
	return map[string]any{}, nil
}

// ---- UpdateInstanceVpcConfig (spec §5.9) ----

func (s *Server) updateInstanceVpcConfig(r *request) (map[string]any, *apiError) {
	q := r.p()
	in, err := s.one(r, q)
	if err != nil {
		return nil, err
	}
	vpcID := q.str("vpcId", true)
	subnetID := q.str("subnetId", true)
	ips := q.list("privateIpAddresses")
	q.integer("autoPowerOffFlag", false, 1, 0, 1)
	if q.err != nil {
		return nil, q.err
	}
	if len(ips) != 1 {
		return nil, invalid("privateIpAddresses.n takes exactly one address (目前只支持一个ip)")
	}
	ip := net.ParseIP(ips[0])
	if ip == nil || ip.To4() == nil {
		return nil, withDesc(invalid("%q is not an IPv4 address", ips[0]), "InvalidParameter.InvalidIpFormat")
	}
	if in.vpcID == "" || in.vpcID != vpcID {
		return nil, invalid("instance %s is not in %s: 不支持跨vpcId操作", in.id, vpcID)
	}
	if last := ip.To4()[3]; last == 0 || last == 1 || last == 255 {
		return nil, withDesc(invalid("%s is reserved", ip), "InvalidParameter.NotSupportReservedIp")
	}
	for _, other := range r.region.instances {
		if other != in && other.lanIP == ip.String() {
			return nil, withDesc(invalid("%s is used by %s", ip, other.id), "InvalidParameter.IpInUse")
		}
	}
	if in.status != stRunning && in.status != stStopped {
		return nil, statusErr(in, stRunning, stStopped)
	}
	in.subnetID, in.lanIP = subnetID, ip.String()
	return map[string]any{}, nil
}

// ---- orders (spec §5.8) ----

// Deal statuses (spec §5.8).
const (
	dealUnpaid    = 1
	dealPaid      = 2
	dealShipping  = 3
	dealDelivered = 4
)

type deal struct {
	id           int64
	instanceType int // 1 CVM, 4 config upgrade, 5 bandwidth upgrade
	category     int // goodsCategoryId
	region       string
	goods        map[string]any
	instances    []string
	price        int64
	status       int
	created      time.Time
	projectID    int
}

// newDeal records an order for a prepaid action. Orders are paid from the
// balance at once, as the RunInstances page implies, unless the emulator is
// set to leave them unpaid.
func (s *Server) newDeal(r *request, instanceType, category int, goods map[string]any, instances []string) int64 {
	d := &deal{id: 1000 + s.nextSeq(), instanceType: instanceType, category: category, region: r.region.code,
		goods: goods, instances: instances, price: 12000, status: dealPaid, created: r.now}
	if s.opts.UnpaidDeals {
		d.status = dealUnpaid
		for _, id := range instances {
			if in := r.region.instance(id); in != nil {
				in.next = 0 // not delivered until paid
				in.status = stCreating
			}
		}
	}
	s.deals[d.id] = d
	s.dealSeq = append(s.dealSeq, d.id)
	return d.id
}

// dealStatus is what an order's status reads now: a paid order ships while
// its instances are being created, and is delivered once they exist.
func (s *Server) dealStatus(d *deal) int {
	if d.status == dealUnpaid {
		return dealUnpaid
	}
	rg := s.regions[d.region]
	for _, id := range d.instances {
		if rg != nil {
			rg.settle(s.clock.Now())
			if in := rg.instance(id); in != nil && in.status == stCreating {
				return dealShipping
			}
		}
	}
	return dealDelivered
}

func (s *Server) dealJSON(d *deal) map[string]any {
	goods := map[string]any{}
	for k, v := range d.goods {
		goods[k] = v
	}
	if len(d.instances) > 0 {
		goods["unInstanceId"] = d.instances
		goods["instanceId"] = d.instances
	}
	return map[string]any{
		"dealId": strconv.FormatInt(d.id, 10), "dealName": fmt.Sprintf("2026%014d", d.id),
		"instanceType": d.instanceType, "region": d.region, "appId": strconv.FormatInt(s.appID, 10),
		"goodsNum": strconv.Itoa(max(1, len(d.instances))), "creater": strconv.FormatInt(s.appID, 10),
		"creatTime": apiTime(d.created), "overdueTime": apiTime(d.created.Add(15 * 24 * time.Hour)),
		"endTime": apiTime(d.created), "status": strconv.Itoa(s.dealStatus(d)), "price": d.price, "goodsDetail": goods,
	}
}

func parseAPITime(s string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, beijing)
	return t, err == nil
}

func (s *Server) describeDeals(r *request) (map[string]any, *apiError) {
	q := r.p()
	ids := q.list("dealIds")
	start, end := q.str("startTime", false), q.str("endTime", false)
	offset := q.integer("offset", false, 0, 0, 1<<31-1)
	limit := q.integer("limit", false, 20, 1, 50)
	if q.err != nil {
		return nil, q.err
	}
	var from, to time.Time
	var ok bool
	if start != "" {
		if from, ok = parseAPITime(start); !ok {
			return nil, invalid("startTime must be YYYY-MM-DD HH:MM:SS, got %q", start)
		}
	}
	if end != "" {
		if to, ok = parseAPITime(end); !ok {
			return nil, invalid("endTime must be YYYY-MM-DD HH:MM:SS, got %q", end)
		}
	}
	var matches []*deal
	for _, id := range s.dealSeq {
		d := s.deals[id]
		if len(ids) > 0 && !slices.Contains(ids, strconv.FormatInt(d.id, 10)) ||
			!from.IsZero() && d.created.Before(from) || !to.IsZero() && d.created.After(to) {
			continue
		}
		matches = append(matches, d)
	}
	details := []map[string]any{}
	for _, d := range pageOf(matches, offset, limit) {
		details = append(details, s.dealJSON(d))
	}
	return map[string]any{"totalNum": len(matches), "dealDetails": details}, nil
}

func (s *Server) describeDealsByCond(r *request) (map[string]any, *apiError) {
	q := r.p()
	start, end := q.str("startTime", true), q.str("endTime", true)
	page := q.integer("page", false, 0, 0, 1<<31-1)
	size := q.integer("pageSize", false, 20, 1, 100)
	status := q.integer("status", false, dealDelivered, 1, 12)
	dealID, byID := q.optInt("dealId", 1, 1<<62)
	if q.err != nil {
		return nil, q.err
	}
	from, ok1 := parseAPITime(start)
	to, ok2 := parseAPITime(end)
	if !ok1 || !ok2 {
		return nil, invalid("startTime and endTime must be YYYY-MM-DD HH:MM:SS")
	}
	var matches []*deal
	for _, id := range s.dealSeq {
		d := s.deals[id]
		if d.created.Before(from) || d.created.After(to) || s.dealStatus(d) != status || byID && d.id != int64(dealID) {
			continue
		}
		matches = append(matches, d)
	}
	deals := []map[string]any{}
	for _, d := range pageOf(matches, page*size, size) {
		j := s.dealJSON(d)
		// All strings in the example and in the live-derived struct.
		deals = append(deals, map[string]any{
			"dealName": j["dealName"], "dealId": j["dealId"], "goodsCategoryId": strconv.Itoa(d.category),
			"goodsDetail": j["goodsDetail"], "creatTime": j["creatTime"], "billId": j["dealName"],
			"realTotalCost": strconv.FormatInt(d.price, 10), "voucherDecline": nil, "projectId": strconv.Itoa(d.projectID),
			"status": j["status"],
		})
	}
	return map[string]any{"code": "0", "data": map[string]any{"totalNum": strconv.Itoa(len(matches)), "deals": deals}}, nil
}

func (s *Server) payDeals(r *request) (map[string]any, *apiError) {
	q := r.p()
	ids := q.ids("dealIds", true, 100)
	if q.err != nil {
		return nil, q.err
	}
	succ, fail := []int64{}, []int64{}
	for _, id := range ids {
		n, err := strconv.ParseInt(id, 10, 64)
		d := s.deals[n]
		switch {
		case err != nil || d == nil:
			fail = append(fail, n)
			continue
		case d.status != dealUnpaid:
			fail = append(fail, n) // already paid
			continue
		}
		d.status = dealPaid
		if rg := s.regions[d.region]; rg != nil {
			for _, iid := range d.instances {
				if in := rg.instance(iid); in != nil && in.status == stCreating && in.next == 0 {
					s.move(r.region, in, r.now, stCreating, stRunning)
				}
			}
		}
		succ = append(succ, n)
	}
	return map[string]any{"succDealIds": succ, "failDealIds": fail}, nil
}

// ---- projects (spec §5.8) ----

type project struct {
	id      int
	name    string
	info    string
	created time.Time
}

// maxProjects: "超过系统限制500个" (1015).
const maxProjects = 500

func (s *Server) describeProject(r *request) (map[string]any, *apiError) {
	q := r.p()
	q.integer("allList", false, 0, 0, 1)
	if q.err != nil {
		return nil, q.err
	}
	ids := make([]int, 0, len(s.projectInfo))
	for id := range s.projectInfo {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	data := []map[string]any{}
	// The default project (0) is not listed [inferred]; it is accepted
	// everywhere.
	for _, id := range ids {
		p := s.projectInfo[id]
		data = append(data, map[string]any{"projectName": p.name, "projectId": p.id, "createTime": apiTime(p.created),
			"creatorUin": s.appID, "projectInfo": p.info})
	}
	return map[string]any{"data": data}, nil
}

func validProjectName(n string) bool {
	if n == "" || utf8.RuneCountInString(n) > 64 {
		return false
	}
	for _, c := range n {
		// "只允许为“中文”、“英文”或者“数字” 三者组成"
		if !(c < 128 && (unicode.IsLetter(c) || unicode.IsDigit(c)) || unicode.Is(unicode.Han, c)) {
			return false
		}
	}
	return true
}

func (s *Server) addProject(r *request) (map[string]any, *apiError) {
	q := r.p()
	name := q.str("projectName", true)
	desc := q.str("projectDesc", false)
	if q.err != nil {
		return nil, q.err
	}
	if !validProjectName(name) {
		return nil, sgErr(4000, 9003, "projectName may hold only Chinese, English letters and digits, got %q", name)
	}
	for _, p := range s.projectInfo {
		if p.name == name {
			return nil, sgErr(5100, 1036, "项目名称已经存在: %q", name)
		}
	}
	if len(s.projectInfo) >= maxProjects {
		return nil, sgErr(5100, 1015, "用户创建的项目已达最大限制: at most %d", maxProjects)
	}
	id := s.addProjectLocked(name, desc, r.now)
	return map[string]any{"projectId": id}, nil
}

// addProjectLocked creates a project and makes it usable in every region.
// s.mu must be held.
func (s *Server) addProjectLocked(name, desc string, now time.Time) int {
	id := 1002000 + len(s.projectInfo) + 1
	s.projectInfo[id] = &project{id: id, name: name, info: desc, created: now}
	s.projects[id] = true
	return id
}
