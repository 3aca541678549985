package emulator

import "github.com/qcloud-legacy/cvm"

func init() {
	register(onCVMAndTrade, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeAvailabilityZones": (*Server).describeAvailabilityZones,
		"DescribeProductRegionList": (*Server).describeProductRegionList,
	})
	register(onCVM, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeZoneAbility": (*Server).describeZoneAbility,
	})
}

// zoneJSON is a zone as DescribeAvailabilityZones shows it, idcList
// included (spec §5.5, §12). The documentation names the fields but gives no
// values; one data centre per zone, numbered after the zone, is [inferred].
func zoneJSON(z zone) map[string]any {
	return map[string]any{"zoneId": z.id, "zoneName": z.name,
		"idcList": []map[string]any{{"idcId": z.id % 1000, "idcName": z.name + "机房"}}}
}

func (s *Server) describeAvailabilityZones(r *request) (map[string]any, *apiError) {
	q := r.p()
	id, given := q.optInt("zoneId", 1, 1<<31-1)
	if q.err != nil {
		return nil, q.err
	}
	if given {
		z, ok := r.region.zone(id)
		if !ok {
			e := invalid("zoneId %d is not a zone of region %s", id, r.region.code)
			e.codeDesc = "InvalidParameter.InvaildZoneId"
			return nil, e
		}
		// As documented, one zone comes back as an object, not a list.
		return map[string]any{"totalCount": 1, "zoneSet": zoneJSON(z)}, nil
	}
	set := make([]any, 0, len(r.region.zones))
	for _, z := range r.region.zones {
		set = append(set, zoneJSON(z))
	}
	return map[string]any{"totalCount": len(set), "zoneSet": set}, nil
}

func (s *Server) describeZoneAbility(r *request) (map[string]any, *apiError) {
	q := r.p()
	id := q.integer("zoneId", true, 0, 1, 1<<31-1)
	caps := q.list("capacity")
	for _, c := range caps {
		if c != "cbs" && c != "vpc" {
			q.fail(invalid("capacity.n must be cbs or vpc, got %q", c))
		}
	}
	if q.err != nil {
		return nil, q.err
	}
	if _, ok := r.region.zone(id); !ok {
		e := invalid("zoneId %d is not a zone of region %s", id, r.region.code)
		e.codeDesc = "InvalidParameter.InvaildZoneId"
		return nil, e
	}
	if len(caps) == 0 {
		caps = []string{"cbs", "vpc"}
	}
	// Every emulated zone supports cloud disks and VPC.
	return map[string]any{"capacitySet": []any{map[string]any{"capacity": caps, "isSupported": 1}}}, nil
}

func (s *Server) describeProductRegionList(r *request) (map[string]any, *apiError) {
	q := r.p()
	q.integer("instanceType", false, 1, 1, 3)
	if q.err != nil {
		return nil, q.err
	}
	m := map[string]string{}
	for code := range zoneTable {
		m[code] = regionName(code)
	}
	return map[string]any{"availableRegion": m}, nil
}

func regionName(code string) string {
	if r, ok := cvm.LookupRegion(code); ok {
		return r.Name
	}
	return code
}
