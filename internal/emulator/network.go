package emulator

import (
	"slices"
	"sort"
	"strconv"
	"time"
)

// Network interfaces and VPC settings (spec §5.7, §5.9).
func init() {
	register(onCVM, map[string]func(*Server, *request) (map[string]any, *apiError){
		"UpdateInstanceVpcConfig": (*Server).updateInstanceVpcConfig,
	})
	register([]string{"vpc"}, map[string]func(*Server, *request) (map[string]any, *apiError){
		"AttachNetworkInterface": (*Server).attachNetworkInterface,
	})
	registerAccountWide([]string{"vpc"}, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeVpcTaskResult": (*Server).describeVpcTaskResult,
	})
	register(onDFW, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeNetworkInterfacesOfSecurityGroup": (*Server).describeNetworkInterfacesOfSecurityGroup,
		"ModifySecurityGroupsOfNetworkInterface":   (*Server).modifySecurityGroupsOfNetworkInterface,
	})
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
	id, err := s.attachInterface(r.region, r.now, vpcID, eniID, instID)
	if err != nil {
		return nil, err
	}
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
	for _, in := range rg.instSeq {
		if slices.Contains(in.sgIDs, sgID) {
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
		return nil, missing("networkInterfaceSet.n.networkInterfaceId")
	}
	groups, order := map[string][]string{}, make([]string, 0, len(sets))
	for i, set := range sets {
		id := set.Get("networkInterfaceId")
		if id == "" {
			return nil, invalid("networkInterfaceSet.%d.networkInterfaceId is missing", i)
		}
		groups[id] = (&p{v: set}).list("sgIds")
		order = append(order, id)
	}
	if err := r.region.setInterfaceGroups(r.now, groups, order); err != nil {
		return nil, err
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
	if err := r.region.moveAddress(in, vpcID, subnetID, ips[0]); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}
