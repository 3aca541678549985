package emulator

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Orders (spec §5.8).
func init() {
	registerAccountWide(onTrade, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeDeals":       (*Server).describeDeals,
		"DescribeDealsByCond": (*Server).describeDealsByCond,
		"PayDeals":            (*Server).payDeals,
	})
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

// newDeal records an order of the region's, paid unless UnpaidDeals
// holds its instances back until it is.
func (s *Server) newDeal(rg *region, now time.Time, instanceType, category int, goods map[string]any, instances []string) int64 {
	d := &deal{id: 1000 + s.nextSeq(), instanceType: instanceType, category: category, region: rg.code,
		goods: goods, instances: instances, price: 12000, status: dealPaid, created: now}
	if s.opts.UnpaidDeals {
		d.status = dealUnpaid
		for _, id := range instances {
			if in := rg.instance(id); in != nil {
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
		case !s.payDeal(d, r.now):
			fail = append(fail, n) // already paid
			continue
		}
		succ = append(succ, n)
	}
	return map[string]any{"succDealIds": succ, "failDealIds": fail}, nil
}
