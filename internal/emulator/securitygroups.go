package emulator

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of security groups [inferred: the documentation names the errors
// (7002: "个数/规则数已达上限") but not the numbers].
const (
	maxGroupsPerProject = 50
	maxRulesPerDir      = 100
	maxSGsPerInstance   = 5
	maxInstanceSet      = 20
)

type securityGroup struct {
	seq       int64
	id        string
	name      string
	remark    string
	projectID int
	created   time.Time
	rules     map[string][]rule // "ingress", "egress"
	version   int
	isDefault bool
}

type rule struct {
	Protocol      string
	CIDR          string
	SGID          string
	AddressModule string
	ServiceModule string
	PortRange     string
	Action        string
	Desc          string
}

func init() {
	register(onDFW, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeSecurityGroupEx":              (*Server).describeSecurityGroupEx,
		"CreateSecurityGroup":                  (*Server).createSecurityGroup,
		"ModifySecurityGroupAttributes":        (*Server).modifySecurityGroupAttributes,
		"DeleteSecurityGroup":                  (*Server).deleteSecurityGroup,
		"DescribeSecurityGroupPolicys":         (*Server).describeSecurityGroupPolicys,
		"DescribeSecurityGroupPolicy":          (*Server).describeSecurityGroupPolicys, // documented spelling too
		"ModifySecurityGroupPolicys":           (*Server).modifySecurityGroupPolicys,
		"ModifySecurityGroupPolicy":            (*Server).modifySecurityGroupPolicys,
		"CreateSecurityGroupPolicy":            (*Server).createSecurityGroupPolicy,
		"ModifySingleSecurityGroupPolicy":      (*Server).modifySingleSecurityGroupPolicy,
		"DeleteSecurityGroupPolicy":            (*Server).deleteSecurityGroupPolicy,
		"DescribeInstancesOfSecurityGroup":     (*Server).describeInstancesOfSecurityGroup,
		"ModifySecurityGroupsOfInstance":       (*Server).modifySecurityGroupsOfInstance,
		"DescribeAssociateSecurityGroups":      (*Server).describeAssociateSecurityGroups,
		"DescribeOrCreateDefaultSecurityGroup": (*Server).describeOrCreateDefaultSecurityGroup,
		"DescribeSecurityGroups":               (*Server).describeSecurityGroups,
	})
}

// groupParam reads the required sgId and finds the group.
func (r *request) groupParam(q *p) (*securityGroup, *apiError) {
	id := q.str("sgId", true)
	if q.err != nil {
		return nil, q.err
	}
	return r.region.group(id)
}

// refuseDefault answers 7006 when g is the system's default group, which
// may be neither changed nor deleted.
func (g *securityGroup) refuseDefault(verb string) *apiError {
	if !g.isDefault {
		return nil
	}
	word := map[string]string{"delete": "删除", "change": "修改"}[verb]
	return refuse(reasonDefaultGroup, "系统默认安全组禁止%s: cannot %s %s, the default security group", word, verb, g.id)
}

func (rg *region) group(id string) (*securityGroup, *apiError) {
	g, ok := rg.sgs[id]
	if !ok {
		return nil, refuse(reasonGroupNotFound, "安全组不存在: security group %s does not exist", id)
	}
	return g, nil
}

// instancesOf returns the instances a group is associated with.
func (rg *region) instancesOf(g *securityGroup) []*instance {
	var out []*instance
	for _, in := range rg.instSeq {
		if slices.Contains(in.sgIDs, g.id) {
			out = append(out, in)
		}
	}
	return out
}

// referrers returns the groups whose rules name g.
func (rg *region) referrers(g *securityGroup) []string {
	var out []string
	for _, id := range rg.sgSeq {
		other := rg.sgs[id]
		if other == g {
			continue
		}
		for _, rs := range other.rules {
			if slices.ContainsFunc(rs, func(r rule) bool { return r.SGID == g.id }) {
				out = append(out, other.id)
				break
			}
		}
	}
	return out
}

func (s *Server) describeSecurityGroupEx(r *request) (map[string]any, *apiError) {
	q := r.p()
	project, byProject := q.optInt("projectId", 0, 1<<31-1)
	sgID := q.str("sgId", false)
	name := q.str("sgName", false)
	limit := q.integer("limit", false, 20, 1, 100)
	page := q.integer("offset", false, 0, 0, 1<<31-1)
	line, byLine := q.optInt("offsetLine", 0, 1<<31-1)
	if q.err != nil {
		return nil, q.err
	}
	if byLine && q.has("offset") && page != 0 {
		return nil, invalid("offset and offsetLine cannot be used together")
	}
	// offset counts pages (documented: "在将来的V3版中会改成行偏移量"),
	// offsetLine counts rows.
	start := page * limit
	if byLine {
		start = line
	}
	rg := r.region
	rg.settle(r.now)
	var matches []*securityGroup
	for _, id := range rg.sgSeq {
		g := rg.sgs[id]
		if byProject && g.projectID != project || sgID != "" && g.id != sgID || name != "" && !strings.Contains(g.name, name) {
			continue
		}
		matches = append(matches, g)
	}
	detail := make([]map[string]any, 0, limit)
	for _, g := range pageOf(matches, start, limit) {
		detail = append(detail, map[string]any{
			"sgId": g.id, "sgName": g.name, "sgRemark": g.remark, "createTime": apiTime(g.created),
			// A string in live answers, a number in the documentation.
			"projectId":        strconv.Itoa(g.projectID),
			"beAssociateCount": len(rg.instancesOf(g)), "version": g.version,
		})
	}
	return map[string]any{"data": map[string]any{"totalNum": len(matches), "detail": detail}}, nil
}

// describeSecurityGroups is the older list action (spec §5.3), still used
// by the PHP SDK's own example: filters projectId, instanceId, sgId and
// sgName (fuzzy, as in DescribeSecurityGroupEx [inferred]); the groups under
// data as a plain list.
func (s *Server) describeSecurityGroups(r *request) (map[string]any, *apiError) {
	q := r.p()
	project, byProject := q.optInt("projectId", 0, 1<<31-1)
	instID := q.str("instanceId", false)
	sgID := q.str("sgId", false)
	name := q.str("sgName", false)
	if q.err != nil {
		return nil, q.err
	}
	rg := r.region
	rg.settle(r.now)
	var only []string
	if instID != "" {
		in := rg.instance(instID)
		if in == nil {
			return nil, notFound("instance", instID)
		}
		only = in.sgIDs
	}
	data := make([]map[string]any, 0)
	for _, id := range rg.sgSeq {
		g := rg.sgs[id]
		if byProject && g.projectID != project || sgID != "" && g.id != sgID ||
			name != "" && !strings.Contains(g.name, name) || instID != "" && !slices.Contains(only, g.id) {
			continue
		}
		data = append(data, map[string]any{
			"sgId": g.id, "sgName": g.name, "sgRemark": g.remark, "createTime": apiTime(g.created),
			"projectId": g.projectID, "sys": btoi(g.isDefault), "os": "",
		})
	}
	return map[string]any{"data": data}, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func checkSGName(name string) *apiError {
	if name == "" {
		return refuse(reasonMalformed, "sgName is empty")
	}
	if utf8.RuneCountInString(name) > 60 {
		return refuse(reasonMalformed, "sgName is longer than 60 characters")
	}
	return nil
}

func (rg *region) nameTaken(name string, project int, except *securityGroup) bool {
	for _, g := range rg.sgs {
		if g != except && g.projectID == project && g.name == name {
			return true
		}
	}
	return false
}

func (s *Server) newGroup(rg *region, now time.Time, name, remark string, project int) *securityGroup {
	g := &securityGroup{
		seq: s.nextSeq(), id: s.newID("sg-", func(id string) bool { return rg.sgs[id] != nil }),
		name: name, remark: remark, projectID: project, created: now, rules: map[string][]rule{},
	}
	rg.sgs[g.id] = g
	rg.sgSeq = append(rg.sgSeq, g.id)
	return g
}

func (s *Server) createSecurityGroup(r *request) (map[string]any, *apiError) {
	q := r.p()
	// sgName is optional (spec §12: "必选 否"); when given it must be valid
	// and unique in the project.
	named := q.has("sgName")
	name := q.str("sgName", false)
	remark := q.str("sgRemark", false)
	project := q.integer("projectId", false, 0, 0, 1<<31-1)
	if q.err != nil {
		return nil, q.err
	}
	g, err := s.createGroup(r.region, r.now, name, named, remark, project)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": map[string]any{"sgId": g.id, "sgName": g.name, "sgRemark": g.remark}}, nil
}

func (s *Server) modifySecurityGroupAttributes(r *request) (map[string]any, *apiError) {
	q := r.p()
	g, err := r.groupParam(q)
	if err != nil {
		return nil, err
	}
	var name, remark *string
	if q.has("sgName") {
		name = new(q.str("sgName", false))
	}
	if q.has("sgRemark") {
		remark = new(q.str("sgRemark", false))
	}
	if err := r.region.modifyGroup(g, name, remark); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Server) deleteSecurityGroup(r *request) (map[string]any, *apiError) {
	g, err := r.groupParam(r.p())
	if err != nil {
		return nil, err
	}
	if err := r.region.deleteGroup(g); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func rulesJSON(rs []rule) []map[string]any {
	out := make([]map[string]any, len(rs))
	for i, r := range rs {
		m := map[string]any{"index": i, "action": r.Action}
		for k, v := range map[string]string{"ipProtocol": r.Protocol, "cidrIp": r.CIDR, "sgId": r.SGID,
			"addressModule": r.AddressModule, "serviceModule": r.ServiceModule, "portRange": r.PortRange, "desc": r.Desc} {
			if v != "" {
				m[k] = v
			}
		}
		out[i] = m
	}
	return out
}

func (s *Server) describeSecurityGroupPolicys(r *request) (map[string]any, *apiError) {
	q := r.p()
	g, err := r.groupParam(q)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": map[string]any{
		"ingress": rulesJSON(g.rules["ingress"]), "egress": rulesJSON(g.rules["egress"]), "version": g.version,
	}}, nil
}

var portRangeRE = regexp.MustCompile(`^(ALL|all|\d{1,5}(-\d{1,5})?|\d{1,5}(,\d{1,5})+)$`)

// legacyRule reads one rule's legacy fields (policys.N.ipProtocol, ...).
func legacyRule(v url.Values) rule {
	return rule{Protocol: v.Get("ipProtocol"), CIDR: v.Get("cidrIp"), SGID: v.Get("sgId"),
		AddressModule: v.Get("addressModule"), ServiceModule: v.Get("serviceModule"),
		PortRange: v.Get("portRange"), Action: v.Get("action"), Desc: v.Get("desc")}
}

// legacyRules reads the rules of a list of legacy field groups.
func legacyRules(vs []url.Values) []rule {
	out := make([]rule, len(vs))
	for i, v := range vs {
		out[i] = legacyRule(v)
	}
	return out
}

func (s *Server) modifySecurityGroupPolicys(r *request) (map[string]any, *apiError) {
	q := r.p()
	g, err := r.groupParam(q)
	if err != nil {
		return nil, err
	}
	if err := r.region.replaceRules(g, legacyRules(q.objects("ingress")), legacyRules(q.objects("egress"))); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// lockedGroup reads sgId, direction and the optional version lock.
func (s *Server) lockedGroup(r *request, q *p) (*securityGroup, string, ruleVersion, *apiError) {
	id := q.str("sgId", true)
	dir := q.oneOf("direction", "", "ingress", "egress")
	if dir == "" {
		q.fail(missing("direction (ingress or egress)"))
	}
	version, locked := q.optInt("version", 0, 1<<31-1)
	if q.err != nil {
		return nil, "", ruleVersion{}, q.err
	}
	g, err := r.region.group(id)
	if err != nil {
		return nil, "", ruleVersion{}, err
	}
	return g, dir, ruleVersion{version, locked}, nil
}

func (s *Server) createSecurityGroupPolicy(r *request) (map[string]any, *apiError) {
	q := r.p()
	g, dir, v, err := s.lockedGroup(r, q)
	if err != nil {
		return nil, err
	}
	index := q.integer("index", false, -1, -1, maxRulesPerDir)
	if q.err != nil {
		return nil, q.err
	}
	if err := r.region.insertRules(g, dir, v, index, legacyRules(q.objects("policys"))); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Server) modifySingleSecurityGroupPolicy(r *request) (map[string]any, *apiError) {
	q := r.p()
	g, dir, v, err := s.lockedGroup(r, q)
	if err != nil {
		return nil, err
	}
	index := q.integer("index", true, 0, 0, maxRulesPerDir)
	if q.err != nil {
		return nil, q.err
	}
	// A single object, documented without an index: policys.ipProtocol=...
	fields := url.Values{}
	for k, val := range r.params {
		if f, ok := strings.CutPrefix(k, "policys."); ok && !strings.Contains(f, ".") {
			fields[f] = val
		}
	}
	if err := r.region.replaceRule(g, dir, v, index, legacyRule(fields)); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Server) deleteSecurityGroupPolicy(r *request) (map[string]any, *apiError) {
	q := r.p()
	g, dir, v, err := s.lockedGroup(r, q)
	if err != nil {
		return nil, err
	}
	idxs := q.list("indexes")
	if len(idxs) == 0 {
		return nil, missing("indexes.n")
	}
	ns := make([]int, len(idxs))
	for i, x := range idxs {
		n, err := strconv.Atoi(x)
		if err != nil {
			return nil, invalid("indexes.n: %q is not an index", x)
		}
		ns[i] = n
	}
	if err := g.deleteRules(dir, v, ns); err != nil {
		return nil, err
	}
	return map[string]any{"data": []any{}}, nil
}

func (s *Server) describeInstancesOfSecurityGroup(r *request) (map[string]any, *apiError) {
	q := r.p()
	id := q.str("sgId", true)
	offset, limit := q.page()
	if q.err != nil {
		return nil, q.err
	}
	rg := r.region
	rg.settle(r.now)
	g, err := rg.group(id)
	if err != nil {
		return nil, err
	}
	ins := rg.instancesOf(g)
	data := make([]map[string]any, 0, limit)
	for _, in := range pageOf(ins, offset, limit) {
		data = append(data, map[string]any{"instanceId": in.id, "alias": in.name, "lanIp": in.lanIP})
	}
	return map[string]any{"totalCount": len(ins), "data": data}, nil
}

func (s *Server) modifySecurityGroupsOfInstance(r *request) (map[string]any, *apiError) {
	q := r.p()
	set := q.objects("instanceSet")
	if len(set) == 0 {
		return nil, missing("instanceSet.n.instanceId")
	}
	if len(set) > maxInstanceSet {
		return nil, invalid("instanceSet.n takes at most %d entries", maxInstanceSet)
	}
	rg := r.region
	rg.settle(r.now)
	changes := make([]groupsChange, 0, len(set))
	for _, e := range set {
		id := e.Get("instanceId")
		in := rg.instance(id)
		if in == nil {
			return nil, notFound("instance", id)
		}
		changes = append(changes, groupsChange{in, (&p{v: e}).list("sgIds")})
	}
	if err := rg.setInstanceGroups(changes); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Server) describeAssociateSecurityGroups(r *request) (map[string]any, *apiError) {
	q := r.p()
	ids := q.ids("sgIds", true, 100)
	if q.err != nil {
		return nil, q.err
	}
	data := map[string][]string{}
	for _, id := range ids {
		g, err := r.region.group(id)
		if err != nil {
			return nil, err
		}
		refs := r.region.referrers(g)
		if refs == nil {
			refs = []string{}
		}
		data[id] = refs
	}
	return map[string]any{"data": data}, nil
}

func (s *Server) describeOrCreateDefaultSecurityGroup(r *request) (map[string]any, *apiError) {
	q := r.p()
	project := q.integer("projectId", true, 0, 0, 1<<31-1)
	if q.err != nil {
		return nil, q.err
	}
	g, created, err := s.defaultGroup(r.region, r.now, project)
	if err != nil {
		return nil, err
	}
	return map[string]any{"data": map[string]any{
		"sgId": g.id, "sgName": g.name, "sgRemark": g.remark, "new": btoi(created), "sys": 1,
		"appId": s.appID, "os": "", "createTime": apiTime(g.created),
	}}, nil
}
