package emulator

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Documented EIP statuses.
const (
	eipCreating  = 0
	eipBinding   = 1
	eipBound     = 2
	eipUnbinding = 3
	eipUnbound   = 4
)

// EIP quotas, as in the documented DescribeEipQuota example (20 EIPs, 10
// applications a day, 10 new ordinary public IPs a day).
const (
	eipNumQuota          = 20
	eipDailyApplyQuota   = 10
	eipDailyAllocWanIP   = 10
	eipMaxGoodsPerCreate = 5
)

type eip struct {
	seq        int64
	eniID      string // the network interface bound, "" when none
	id         string
	name       string
	ip         string
	ispID      int
	status     int
	next       int
	nextAt     time.Time
	seenMoving bool // a describe showed it moving (AutoAdvance)
	instanceID string
	privateIP  string
	created    time.Time
	updated    time.Time
	mode       int
}

// eipDay counts the day's applications per region, by Beijing date.
type eipDay struct {
	day                   string
	applied, allocatedWan int
}

func init() {
	register(onEIP, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeEip":         (*Server).describeEip,
		"CreateEip":           (*Server).createEip,
		"DeleteEip":           (*Server).deleteEip,
		"ModifyEipAttributes": (*Server).modifyEipAttributes,
		"ModifyEipAlias":      (*Server).modifyEipAttributes, // qcloudcli's name for it
		"EipBindInstance":     (*Server).eipBindInstance,
		"EipUnBindInstance":   (*Server).eipUnBindInstance,
		"DescribeEipQuota":    (*Server).describeEipQuota,
		"TransformWanIpToEip": (*Server).transformWanIPToEip,
		"TransformMode":       (*Server).transformMode,
	})
}

func (rg *region) today(now time.Time) *eipDay {
	d := now.In(beijing).Format("2006-01-02")
	if rg.eipDay.day != d {
		rg.eipDay = eipDay{day: d}
	}
	return &rg.eipDay
}

func (e *eip) json() map[string]any {
	return map[string]any{
		"eipId": e.id, "eipName": e.name, "eip": e.ip, "ispId": e.ispID, "status": e.status,
		"arrears": 0, "unInstanceId": e.instanceID, "createdAt": apiTime(e.created),
		"updatedAt": apiTime(e.updated), "freeSecond": 0, "type": 0,
		"privateIpAddress": e.privateIP, "networkInterfaceId": e.eniID, "mode": e.mode,
	}
}

func (s *Server) moveEIP(e *eip, now time.Time, via, final int) {
	e.updated, e.seenMoving = now, false
	if s.opts.Transition <= 0 {
		e.status, e.next = final, 0
		return
	}
	e.status, e.next, e.nextAt = via, final, now.Add(s.opts.Transition)
}

func (s *Server) describeEip(r *request) (map[string]any, *apiError) {
	// Every documented filter and ordering (spec §5.4, §12). The English
	// page spells privateIpAddress with three s; both are read.
	q := r.p()
	ids := q.list("eipIds")
	ips := q.list("eips")
	insts := q.list("unInstanceIds")
	enis := q.list("networkInterfaceIds")
	privateIP := q.str("privateIpAddress", false)
	if privateIP == "" {
		privateIP = q.str("privateIpAddresss", false)
	}
	key := q.str("searchKey", false)
	statuses := q.list("status")
	typ, byType := q.optInt("type", 0, 1)
	offset, limit := q.page()
	orderBy := q.oneOf("orderBy", "createdAt", "eipId", "eip", "ispId", "status", "unInstanceId", "arrears", "createdAt")
	desc := q.integer("orderType", false, 1, 0, 1) == 1
	for _, st := range statuses {
		if _, err := strconv.Atoi(st); err != nil {
			q.fail(invalid("status.n must be integers, got %q", st))
		}
	}
	if q.err != nil {
		return nil, q.err
	}
	rg := r.region
	rg.settle(r.now)
	var matches []*eip
	for _, id := range rg.eipSeq {
		e := rg.eips[id]
		switch {
		case len(ids) > 0 && !slices.Contains(ids, e.id),
			len(ips) > 0 && !slices.Contains(ips, e.ip),
			len(insts) > 0 && !slices.Contains(insts, e.instanceID),
			len(enis) > 0 && !slices.Contains(enis, e.eniID),
			privateIP != "" && e.privateIP != privateIP,
			len(statuses) > 0 && !slices.Contains(statuses, strconv.Itoa(e.status)),
			byType && typ != 0, // every emulated EIP serves a CVM (type 0), none a NAT gateway
			key != "" && !strings.Contains(e.name, key):
			continue
		}
		matches = append(matches, e)
	}
	cmp := func(a, b *eip) int {
		switch orderBy {
		case "eipId":
			return strings.Compare(a.id, b.id)
		case "eip":
			return compareIPs(a.ip, b.ip)
		case "ispId":
			return a.ispID - b.ispID
		case "status":
			return a.status - b.status
		case "unInstanceId":
			return strings.Compare(a.instanceID, b.instanceID)
		case "arrears":
			return 0 // no emulated EIP is in arrears
		}
		return int(a.seq - b.seq)
	}
	slices.SortStableFunc(matches, func(a, b *eip) int {
		c := cmp(a, b)
		if c == 0 {
			c = int(a.seq - b.seq) // ties in creation order
		}
		if desc {
			return -c
		}
		return c
	})
	set := make([]map[string]any, 0, limit)
	for _, e := range pageOf(matches, offset, limit) {
		set = append(set, e.json())
	}
	// As documented and seen live: the list under data.eipSet, the count
	// at the top level.
	return map[string]any{"data": map[string]any{"eipSet": set}, "totalCount": len(matches)}, nil
}

// compareIPs orders dotted quads numerically.
func compareIPs(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x - y
		}
	}
	return len(pa) - len(pb)
}

func (s *Server) newEIP(rg *region, now time.Time) *eip {
	e := &eip{
		seq: s.nextSeq(), id: s.newID("eip-", func(id string) bool { return rg.eips[id] != nil }),
		ip: fmt.Sprintf("119.28.%d.%d", s.rng.IntN(256), 2+s.rng.IntN(250)), ispID: 5,
		created: now, updated: now,
	}
	rg.eips[e.id] = e
	rg.eipSeq = append(rg.eipSeq, e.id)
	return e
}

func (s *Server) createEip(r *request) (map[string]any, *apiError) {
	q := r.p()
	n := q.integer("goodsNum", false, 1, 1, eipMaxGoodsPerCreate)
	if q.err != nil {
		return nil, q.err
	}
	made, err := s.allocateEIPs(r.region, r.now, n)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(made))
	for i, e := range made {
		ids[i] = e.id
	}
	return map[string]any{"data": map[string]any{"eipIds": ids, "requestId": 9000000 + s.nextSeq()}}, nil
}

func (rg *region) eip(id string) (*eip, *apiError) {
	e, ok := rg.eips[id]
	if !ok {
		return nil, notFound("EIP", id)
	}
	return e, nil
}

// eipOf returns the EIP bound to an instance, if any.
func (rg *region) eipOf(instanceID string) *eip {
	for _, e := range rg.eips {
		if e.instanceID == instanceID {
			return e
		}
	}
	return nil
}

func (s *Server) deleteEip(r *request) (map[string]any, *apiError) {
	q := r.p()
	ids := q.ids("eipIds", true, 0)
	if q.err != nil {
		return nil, q.err
	}
	if err := r.region.releaseEIPs(r.now, ids); err != nil {
		return nil, err
	}
	return map[string]any{"data": map[string]any{"requestId": 9000000 + s.nextSeq()}}, nil
}

func (s *Server) modifyEipAttributes(r *request) (map[string]any, *apiError) {
	q := r.p()
	id := q.str("eipId", true)
	name := q.str("eipName", true)
	if q.err != nil {
		return nil, q.err
	}
	e, err := r.region.eip(id)
	if err != nil {
		return nil, err
	}
	if err := renameEIP(e, name, r.now); err != nil {
		return nil, err
	}
	return map[string]any{"data": []any{}}, nil
}

// eipTarget reads where an EIP is bound (unInstanceId, or
// networkInterfaceId and privateIpAddress) and finds it.
func (rg *region) eipTarget(q *p) (*instance, string, *apiError) {
	return rg.eipTargetOf(q.str("unInstanceId", false), q.str("networkInterfaceId", false), q.str("privateIpAddress", false))
}

func (s *Server) eipBindInstance(r *request) (map[string]any, *apiError) {
	q := r.p()
	id := q.str("eipId", true)
	if q.err != nil {
		return nil, q.err
	}
	rg := r.region
	rg.settle(r.now)
	e, err := rg.eip(id)
	if err != nil {
		return nil, err
	}
	in, privateIP, err := rg.eipTarget(q)
	if err != nil {
		return nil, err
	}
	if err := s.bindEIP(rg, r.now, e, in, privateIP); err != nil {
		return nil, err
	}
	return map[string]any{"data": map[string]any{"requestId": 9000000 + s.nextSeq()}}, nil
}

func (s *Server) eipUnBindInstance(r *request) (map[string]any, *apiError) {
	q := r.p()
	id := q.str("eipId", false)
	alloc := q.integer("allocWanIp", false, 0, 0, 1)
	q.integer("unBindPrivateIpWithEip", false, 1, 0, 1)
	if q.err != nil {
		return nil, q.err
	}
	rg := r.region
	rg.settle(r.now)
	var e *eip
	if id != "" {
		var err *apiError
		if e, err = rg.eip(id); err != nil {
			return nil, err
		}
	} else {
		// Or by network interface and private IP (spec §5.4).
		in, privateIP, err := rg.eipTarget(q)
		if err != nil {
			return nil, err
		}
		if e = rg.eipOf(in.id); e == nil || e.privateIP != privateIP {
			return nil, refuse(reasonAddressState, "no EIP is bound to %s on %s", privateIP, in.eniID())
		}
	}
	if err := s.unbindEIP(rg, r.now, e, alloc == 1); err != nil {
		return nil, err
	}
	return map[string]any{"data": map[string]any{"requestId": 9000000 + s.nextSeq()}}, nil
}

func (s *Server) describeEipQuota(r *request) (map[string]any, *apiError) {
	qt := r.region.eipQuota(r.now)
	return map[string]any{"data": map[string]any{
		"eipNumQuota": qt.totalLimit, "currentEipNum": qt.total,
		"dailyApplyQuota": qt.appliedLimit, "dailyApplyCount": qt.applied,
		"dailyAllocWanIpQuota": qt.wanIPLimit, "dailyAllocWanIpCount": qt.wanIPs,
	}}, nil
}

func (s *Server) transformWanIPToEip(r *request) (map[string]any, *apiError) {
	q := r.p()
	instID := q.str("unInstanceId", true)
	if q.err != nil {
		return nil, q.err
	}
	rg := r.region
	rg.settle(r.now)
	in := rg.instance(instID)
	if in == nil {
		return nil, notFound("instance", instID)
	}
	e, err := s.transformWanIP(rg, r.now, in)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": map[string]any{"eipId": e.id, "requestId": 9000000 + s.nextSeq()}}, nil
}

func (s *Server) transformMode(r *request) (map[string]any, *apiError) {
	q := r.p()
	id := q.str("eipId", true)
	mode := q.integer("mode", true, 0, 0, 1)
	if q.err != nil {
		return nil, q.err
	}
	e, err := r.region.eip(id)
	if err != nil {
		return nil, err
	}
	if err := setEIPMode(e, mode, r.now); err != nil {
		return nil, err
	}
	return map[string]any{"data": map[string]any{"requestId": 9000000 + s.nextSeq()}}, nil
}
