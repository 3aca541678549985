package emulator

// API 3.0 account-wide actions (§6 rows 65 to 69): orders through billing
// 2018-07-09 and projects through tag 2018-08-13, over the legacy trade and
// account state.

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
)

func init() {
	register3("billing", map[string]handler3{
		"DescribeDealsByCond": {fn: (*Server).describeDealsByCond3, reads: true, noRegion: true},
		"PayDeals":            {fn: (*Server).payDeals3, noRegion: true},
	})
	register3("tag", map[string]handler3{
		"DescribeProjects": {fn: (*Server).describeProjects3, reads: true, noRegion: true},
		"AddProject":       {fn: (*Server).addProject3, noRegion: true},
	})
}

// orderID is an order's id in the newer contract: the legacy dealName.
func orderID(d *deal) string { return fmt.Sprintf("2026%014d", d.id) }

// dealStatus3 maps the legacy order states onto billing's (1 unpaid, 2
// paid, 4 shipping, 5 delivered, per DescribeDealsByCond's Status).
var dealStatus3 = map[int]int{dealUnpaid: 1, dealPaid: 2, dealShipping: 4, dealDelivered: 5}

func (s *Server) deal3(d *deal) map[string]any {
	resources := slices.Clone(d.instances)
	if resources == nil {
		resources = []string{}
	}
	cost := float64(d.price)
	return map[string]any{
		"OrderId": orderID(d), "BigDealId": orderID(d), "Status": dealStatus3[s.dealStatus(d)],
		"Payer": strconv.FormatInt(s.appID, 10), "Creator": strconv.FormatInt(s.appID, 10),
		"CreateTime": apiTime(d.created), "RealTotalCost": d.price, // fen, int64 in the models
		"TotalCost": cost, "Price": cost, "VoucherDecline": 0, "ProjectId": d.projectID, "ZoneCode": "",
		"GoodsCategoryId": d.category, "ProductInfo": []any{}, "TimeSpan": 1, "TimeUnit": "m", "Currency": "CNY",
		"Policy": 100, "ProductCode": "p_cvm", "SubProductCode": "sp_cvm_s1", "Formula": "", "RefReturnDeals": "",
		"PayMode": "prePay", "Action": "purchase", "ProductName": "云服务器CVM", "SubProductName": "云服务器CVM",
		"ResourceId": resources,
	}
}

func (s *Server) describeDealsByCond3(c *call3) (map[string]any, *api3Err) {
	startS, err := str3(c, "StartTime", true)
	if err != nil {
		return nil, err
	}
	endS, err := str3(c, "EndTime", true)
	if err != nil {
		return nil, err
	}
	start, ok1 := parseAPITime(startS)
	end, ok2 := parseAPITime(endS)
	if !ok1 || !ok2 {
		return nil, err3("InvalidParameterValue", "StartTime and EndTime are YYYY-MM-DD hh:mm:ss")
	}
	limit, err := int3(c, "Limit", true, 0, 1, 1000)
	if err != nil {
		return nil, err
	}
	offset, err := int3(c, "Offset", false, 0, 0, 1<<31-1)
	if err != nil {
		return nil, err
	}
	status, err := int3(c, "Status", false, 0, 1, 30)
	if err != nil {
		return nil, err
	}
	order, big, res := c.q.v.Get("OrderId"), c.q.v.Get("BigDealId"), c.q.v.Get("ResourceId")
	var all []*deal
	for _, id := range s.dealSeq {
		d := s.deals[id]
		switch {
		case d.created.Before(start) || d.created.After(end),
			status != 0 && dealStatus3[s.dealStatus(d)] != status,
			order != "" && orderID(d) != order,
			big != "" && orderID(d) != big,
			res != "" && !slices.Contains(d.instances, res):
			continue
		}
		all = append(all, d)
	}
	set := []map[string]any{}
	for _, d := range pageOf(all, offset, limit) {
		set = append(set, s.deal3(d))
	}
	return map[string]any{"Deals": set, "TotalCount": len(all)}, nil
}

func (s *Server) payDeals3(c *call3) (map[string]any, *api3Err) {
	orders := append(c.q.list("OrderIds"), c.q.list("BigDealIds")...)
	if len(orders) == 0 {
		return nil, err3("MissingParameter", "give OrderIds or BigDealIds")
	}
	byOrder := map[string]*deal{}
	for _, d := range s.deals {
		byOrder[orderID(d)] = d
	}
	var paid []*deal
	for _, o := range orders {
		d, ok := byOrder[o]
		if !ok {
			return nil, err3("InvalidParameterValue", "the order %s is not found", o)
		}
		if d.status != dealUnpaid {
			return nil, err3("FailedOperation", "the order %s is not awaiting payment", o)
		}
		paid = append(paid, d)
	}
	for _, d := range paid {
		s.payDeal(d, c.now)
	}
	ids, resources := []string{}, []string{}
	for _, d := range paid {
		ids = append(ids, orderID(d))
		resources = append(resources, d.instances...)
	}
	return map[string]any{"OrderIds": ids, "ResourceIds": resources, "BigDealIds": ids}, nil
}

func (s *Server) describeProjects3(c *call3) (map[string]any, *api3Err) {
	all, err := int3(c, "AllList", true, 0, 0, 1)
	if err != nil {
		return nil, err
	}
	limit, err := int3(c, "Limit", true, 0, 1, 1000)
	if err != nil {
		return nil, err
	}
	offset, err := int3(c, "Offset", true, 0, 0, 1<<31-1)
	if err != nil {
		return nil, err
	}
	_ = all // every project is the account's own here
	ids := make([]int, 0, len(s.projectInfo))
	for id := range s.projectInfo {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	set := []map[string]any{}
	for _, id := range pageOf(ids, offset, limit) {
		p := s.projectInfo[id]
		set = append(set, map[string]any{"ProjectId": p.id, "ProjectName": p.name, "CreatorUin": s.appID,
			"ProjectInfo": p.info, "CreateTime": apiTime(p.created)})
	}
	return map[string]any{"Total": len(ids), "Projects": set}, nil
}

func (s *Server) addProject3(c *call3) (map[string]any, *api3Err) {
	name, err := str3(c, "ProjectName", true)
	if err != nil {
		return nil, err
	}
	for _, p := range s.projectInfo {
		if p.name == name {
			// [inferred from IsNew] an existing name answers its project.
			return map[string]any{"ProjectId": p.id, "IsNew": 0}, nil
		}
	}
	id, perr := s.makeProject(name, c.q.v.Get("Info"), c.now)
	if perr != nil {
		return nil, fromLegacy(perr)
	}
	return map[string]any{"ProjectId": id, "IsNew": 1}, nil
}
