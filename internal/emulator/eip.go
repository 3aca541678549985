package emulator

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
	id         string
	name       string
	ip         string
	ispID      int
	status     int
	next       int
	nextAt     time.Time
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
		"privateIpAddress": e.privateIP, "networkInterfaceId": "", "mode": e.mode,
	}
}

func (s *Server) moveEIP(e *eip, now time.Time, via, final int) {
	e.updated = now
	if s.opts.Transition <= 0 {
		e.status, e.next = final, 0
		return
	}
	e.status, e.next, e.nextAt = via, final, now.Add(s.opts.Transition)
}

func (s *Server) describeEip(r *request) (map[string]any, *apiError) {
	q := r.p()
	ids := q.list("eipIds")
	ips := q.list("eips")
	insts := q.list("unInstanceIds")
	key := q.str("searchKey", false)
	statuses := q.list("status")
	offset, limit := q.page()
	orderBy := q.oneOf("orderBy", "createdAt", "eipId", "eip", "ispId", "status", "unInstanceId", "arrears", "createdAt")
	desc := q.integer("orderType", false, 1, 0, 1) == 1
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
			len(statuses) > 0 && !slices.Contains(statuses, strconv.Itoa(e.status)),
			key != "" && !strings.Contains(e.name, key):
			continue
		}
		matches = append(matches, e)
	}
	keyOf := func(e *eip) string {
		switch orderBy {
		case "eipId":
			return e.id
		case "eip":
			return e.ip
		case "ispId":
			return fmt.Sprintf("%03d", e.ispID)
		case "status":
			return fmt.Sprintf("%03d", e.status)
		case "unInstanceId":
			return e.instanceID
		}
		return fmt.Sprintf("%020d", e.seq)
	}
	sort.SliceStable(matches, func(i, j int) bool {
		if desc {
			return keyOf(matches[i]) > keyOf(matches[j])
		}
		return keyOf(matches[i]) < keyOf(matches[j])
	})
	set := make([]map[string]any, 0, limit)
	for _, e := range pageOf(matches, offset, limit) {
		set = append(set, e.json())
	}
	// As documented and seen live: the list under data.eipSet, the count
	// at the top level.
	return map[string]any{"data": map[string]any{"eipSet": set}, "totalCount": len(matches)}, nil
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
	rg := r.region
	day := rg.today(r.now)
	if len(rg.eips)+n > eipNumQuota {
		return nil, errf(5100, "(EIP_QUOTA)at most %d EIPs per region; %d exist", eipNumQuota, len(rg.eips))
	}
	if day.applied+n > eipDailyApplyQuota {
		return nil, errf(5100, "(EIP_DAILY_QUOTA)at most %d EIPs applied for a day; %d today", eipDailyApplyQuota, day.applied)
	}
	day.applied += n
	ids := make([]string, 0, n)
	for range n {
		e := s.newEIP(rg, r.now)
		s.moveEIP(e, r.now, eipCreating, eipUnbound)
		ids = append(ids, e.id)
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
	rg := r.region
	rg.settle(r.now)
	for _, id := range ids {
		e, err := rg.eip(id)
		if err != nil {
			return nil, err
		}
		if e.status != eipUnbound {
			return nil, errf(5100, "EIP %s is not unbound (status %d); unbind it first", id, e.status)
		}
	}
	for _, id := range ids {
		delete(rg.eips, id)
	}
	rg.eipSeq = slices.DeleteFunc(rg.eipSeq, func(id string) bool { return rg.eips[id] == nil })
	return map[string]any{"data": map[string]any{"requestId": 9000000 + s.nextSeq()}}, nil
}

func (s *Server) modifyEipAttributes(r *request) (map[string]any, *apiError) {
	q := r.p()
	id := q.str("eipId", true)
	name := q.str("eipName", true)
	if q.err != nil {
		return nil, q.err
	}
	if utf8.RuneCountInString(name) > 20 {
		return nil, invalid("eipName is longer than 20 characters")
	}
	e, err := r.region.eip(id)
	if err != nil {
		return nil, err
	}
	e.name, e.updated = name, r.now
	return map[string]any{"data": []any{}}, nil
}

func (s *Server) eipBindInstance(r *request) (map[string]any, *apiError) {
	q := r.p()
	id := q.str("eipId", true)
	instID := q.str("unInstanceId", false)
	if instID == "" && q.str("networkInterfaceId", false) != "" {
		return nil, invalid("binding to a network interface is not emulated; give unInstanceId")
	}
	if instID == "" {
		q.fail(invalid("missing parameter unInstanceId"))
	}
	if q.err != nil {
		return nil, q.err
	}
	rg := r.region
	rg.settle(r.now)
	e, err := rg.eip(id)
	if err != nil {
		return nil, err
	}
	in := rg.instance(instID)
	if in == nil {
		return nil, notFound("instance", instID)
	}
	if e.status != eipUnbound {
		return nil, errf(5100, "EIP %s is not unbound (status %d)", id, e.status)
	}
	if in.status != stRunning {
		return nil, statusErr(in, stRunning)
	}
	if other := rg.eipOf(in.id); other != nil {
		return nil, errf(5100, "instance %s already has EIP %s", in.id, other.id)
	}
	// Binding releases the instance's ordinary public IP.
	in.wanIPs = []string{e.ip}
	e.instanceID, e.privateIP = in.id, in.lanIP
	s.moveEIP(e, r.now, eipBinding, eipBound)
	return map[string]any{"data": map[string]any{"requestId": 9000000 + s.nextSeq()}}, nil
}

func (s *Server) eipUnBindInstance(r *request) (map[string]any, *apiError) {
	q := r.p()
	id := q.str("eipId", true)
	alloc := q.integer("allocWanIp", false, 0, 0, 1)
	if q.err != nil {
		return nil, q.err
	}
	rg := r.region
	rg.settle(r.now)
	e, err := rg.eip(id)
	if err != nil {
		return nil, err
	}
	if e.status != eipBound {
		return nil, errf(5100, "EIP %s is not bound (status %d)", id, e.status)
	}
	if in := rg.instance(e.instanceID); in != nil {
		in.wanIPs = nil
		if alloc == 1 {
			day := rg.today(r.now)
			if day.allocatedWan >= eipDailyAllocWanIP {
				return nil, errf(5100, "at most %d new public IPs a day", eipDailyAllocWanIP)
			}
			day.allocatedWan++
			in.wanIPs = []string{fmt.Sprintf("119.29.%d.%d", s.rng.IntN(256), 2+s.rng.IntN(250))}
		}
	}
	e.instanceID, e.privateIP = "", ""
	s.moveEIP(e, r.now, eipUnbinding, eipUnbound)
	return map[string]any{"data": map[string]any{"requestId": 9000000 + s.nextSeq()}}, nil
}

func (s *Server) describeEipQuota(r *request) (map[string]any, *apiError) {
	rg := r.region
	day := rg.today(r.now)
	return map[string]any{"data": map[string]any{
		"eipNumQuota": eipNumQuota, "currentEipNum": len(rg.eips),
		"dailyApplyQuota": eipDailyApplyQuota, "dailyApplyCount": day.applied,
		"dailyAllocWanIpQuota": eipDailyAllocWanIP, "dailyAllocWanIpCount": day.allocatedWan,
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
	if other := rg.eipOf(in.id); other != nil {
		return nil, errf(5100, "instance %s already has EIP %s", in.id, other.id)
	}
	if len(in.wanIPs) == 0 {
		return nil, errf(5100, "instance %s has no public IP", in.id)
	}
	if len(rg.eips) >= eipNumQuota {
		return nil, errf(5100, "(EIP_QUOTA)at most %d EIPs per region", eipNumQuota)
	}
	e := s.newEIP(rg, r.now)
	e.ip, e.instanceID, e.privateIP, e.status = in.wanIPs[0], in.id, in.lanIP, eipBound
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
	if e.status != eipBound {
		return nil, errf(5100, "EIP %s must be bound to change its mode", id)
	}
	e.mode, e.updated = mode, r.now
	return map[string]any{"data": map[string]any{"requestId": 9000000 + s.nextSeq()}}, nil
}
