package emulator

import (
	"net"
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
	if named {
		if err := checkSGName(name); err != nil {
			return nil, err
		}
	}
	if utf8.RuneCountInString(remark) > 100 {
		return nil, refuse(reasonMalformed, "sgRemark is longer than 100 characters")
	}
	rg := r.region
	if !rg.projects[project] {
		return nil, invalid("projectId %d does not exist", project)
	}
	if named && rg.nameTaken(name, project, nil) {
		return nil, refuse(reasonGroupNameTaken, "安全组名已存在: a security group named %q exists in project %d", name, project)
	}
	n := 0
	for _, g := range rg.sgs {
		if g.projectID == project {
			n++
		}
	}
	if n >= maxGroupsPerProject {
		return nil, refuse(reasonGroupLimit, "安全组个数已达上限: at most %d security groups per project", maxGroupsPerProject)
	}
	if !named {
		// What the service names an unnamed group is not documented; the
		// console's word for an unnamed resource is used [inferred].
		name = "未命名"
	}
	g := s.newGroup(rg, r.now, name, remark, project)
	return map[string]any{"data": map[string]any{"sgId": g.id, "sgName": g.name, "sgRemark": g.remark}}, nil
}

func (s *Server) modifySecurityGroupAttributes(r *request) (map[string]any, *apiError) {
	q := r.p()
	g, err := r.groupParam(q)
	if err != nil {
		return nil, err
	}
	if err := g.refuseDefault("change"); err != nil {
		return nil, err
	}
	if q.has("sgName") {
		name := q.str("sgName", false)
		if err := checkSGName(name); err != nil {
			return nil, err
		}
		if r.region.nameTaken(name, g.projectID, g) {
			return nil, refuse(reasonGroupNameTaken, "安全组名已存在: a security group named %q exists", name)
		}
		g.name = name
	}
	if q.has("sgRemark") {
		remark := q.str("sgRemark", false)
		if utf8.RuneCountInString(remark) > 100 {
			return nil, refuse(reasonMalformed, "sgRemark is longer than 100 characters")
		}
		g.remark = remark
	}
	return map[string]any{}, nil
}

func (s *Server) deleteSecurityGroup(r *request) (map[string]any, *apiError) {
	q := r.p()
	rg := r.region
	g, err := r.groupParam(q)
	if err != nil {
		return nil, err
	}
	id := g.id
	if err := g.refuseDefault("delete"); err != nil {
		return nil, err
	}
	if refs := rg.referrers(g); len(refs) > 0 {
		return nil, refuse(reasonGroupInUse, "security group %s is referenced by the rules of %s", id, strings.Join(refs, ", "))
	}
	if ins := rg.instancesOf(g); len(ins) > 0 {
		return nil, refuse(reasonGroupInUse, "security group %s is associated with %d instances", id, len(ins))
	}
	delete(rg.sgs, id)
	rg.sgSeq = slices.DeleteFunc(rg.sgSeq, func(x string) bool { return x == id })
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

// parseRule validates one rule's fields, as documented: action required;
// cidrIp, sgId and addressModule exclusive; portRange only with tcp or udp;
// serviceModule instead of protocol and ports.
func (s *Server) parseRule(rg *region, v url.Values) (rule, *apiError) {
	get := func(k string) string { return v.Get(k) }
	r := rule{
		Protocol: strings.ToLower(get("ipProtocol")), CIDR: get("cidrIp"), SGID: get("sgId"),
		AddressModule: get("addressModule"), ServiceModule: get("serviceModule"),
		PortRange: get("portRange"), Action: strings.ToUpper(get("action")), Desc: get("desc"),
	}
	bad := func(format string, args ...any) (rule, *apiError) {
		return rule{}, refuse(reasonMalformed, "规则数据格式错误: "+format, args...)
	}
	if r.Action != "ACCEPT" && r.Action != "DROP" {
		return bad("action must be ACCEPT or DROP, got %q", get("action"))
	}
	switch r.Protocol {
	case "", "tcp", "udp", "icmp", "all":
	default:
		return bad("ipProtocol must be tcp, udp or icmp, got %q", r.Protocol)
	}
	n := 0
	for _, x := range []string{r.CIDR, r.SGID, r.AddressModule} {
		if x != "" {
			n++
		}
	}
	if n > 1 {
		return bad("cidrIp, sgId and addressModule are exclusive")
	}
	if r.CIDR != "" {
		if _, _, err := net.ParseCIDR(r.CIDR); err != nil && net.ParseIP(r.CIDR) == nil {
			return bad("cidrIp %q is not an address or CIDR block", r.CIDR)
		}
	}
	if r.SGID != "" {
		if _, ok := rg.sgs[r.SGID]; !ok {
			return rule{}, refuse(reasonGroupNotFound, "安全组不存在: rule names security group %s", r.SGID)
		}
	}
	if r.PortRange != "" {
		if r.Protocol != "tcp" && r.Protocol != "udp" {
			return bad("portRange needs ipProtocol tcp or udp")
		}
		if !portRangeRE.MatchString(r.PortRange) {
			return bad("portRange %q is not a port, a range a-b, or ALL", r.PortRange)
		}
		for _, p := range strings.FieldsFunc(r.PortRange, func(c rune) bool { return c == '-' || c == ',' }) {
			if n, err := strconv.Atoi(p); err == nil && (n < 1 || n > 65535) {
				return bad("port %d out of range", n)
			}
		}
	}
	if r.ServiceModule != "" && (r.Protocol != "" || r.PortRange != "") {
		return bad("serviceModule excludes ipProtocol and portRange")
	}
	if utf8.RuneCountInString(r.Desc) > 50 {
		return bad("desc is longer than 50 characters")
	}
	return r, nil
}

func (s *Server) parseRules(rg *region, vs []url.Values) ([]rule, *apiError) {
	if len(vs) > maxRulesPerDir {
		return nil, refuse(reasonGroupLimit, "规则数已达上限: at most %d rules per direction", maxRulesPerDir)
	}
	out := make([]rule, 0, len(vs))
	for i, v := range vs {
		r, err := s.parseRule(rg, v)
		if err != nil {
			err.message += " (rule " + strconv.Itoa(i) + ")"
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (s *Server) modifySecurityGroupPolicys(r *request) (map[string]any, *apiError) {
	q := r.p()
	rg := r.region
	g, err := r.groupParam(q)
	if err != nil {
		return nil, err
	}
	if err := g.refuseDefault("change"); err != nil {
		return nil, err
	}
	// Both lists replace the current rules; an invalid rule rejects the
	// whole call and changes nothing.
	ingress, err := s.parseRules(rg, q.objects("ingress"))
	if err != nil {
		return nil, err
	}
	egress, err := s.parseRules(rg, q.objects("egress"))
	if err != nil {
		return nil, err
	}
	g.rules["ingress"], g.rules["egress"] = ingress, egress
	g.version++
	return map[string]any{}, nil
}

// lockedGroup reads sgId, direction and the optional version lock.
func (s *Server) lockedGroup(r *request, q *p) (*securityGroup, string, *apiError) {
	id := q.str("sgId", true)
	dir := q.oneOf("direction", "", "ingress", "egress")
	if dir == "" {
		q.fail(missing("direction (ingress or egress)"))
	}
	version, locked := q.optInt("version", 0, 1<<31-1)
	if q.err != nil {
		return nil, "", q.err
	}
	g, err := r.region.group(id)
	if err != nil {
		return nil, "", err
	}
	if locked && version != g.version {
		return nil, "", refuse(reasonVersionMoved, "the rules of %s are at version %d, not %d; describe them again", id, g.version, version)
	}
	if err := g.refuseDefault("change"); err != nil {
		return nil, "", err
	}
	return g, dir, nil
}

func (s *Server) createSecurityGroupPolicy(r *request) (map[string]any, *apiError) {
	q := r.p()
	g, dir, err := s.lockedGroup(r, q)
	if err != nil {
		return nil, err
	}
	index := q.integer("index", false, -1, -1, maxRulesPerDir)
	if q.err != nil {
		return nil, q.err
	}
	add, err := s.parseRules(r.region, q.objects("policys"))
	if err != nil {
		return nil, err
	}
	if len(add) == 0 {
		return nil, missing("policys.n")
	}
	cur := g.rules[dir]
	if len(cur)+len(add) > maxRulesPerDir {
		return nil, refuse(reasonGroupLimit, "规则数已达上限: at most %d rules per direction", maxRulesPerDir)
	}
	// index is the insert position; -1 (documented for an empty list)
	// appends.
	if index < 0 || index > len(cur) {
		if index > len(cur) {
			return nil, invalid("index %d is past the %d rules", index, len(cur))
		}
		index = len(cur)
	}
	g.rules[dir] = slices.Insert(slices.Clone(cur), index, add...)
	g.version++
	return map[string]any{}, nil
}

func (s *Server) modifySingleSecurityGroupPolicy(r *request) (map[string]any, *apiError) {
	q := r.p()
	g, dir, err := s.lockedGroup(r, q)
	if err != nil {
		return nil, err
	}
	index := q.integer("index", true, 0, 0, maxRulesPerDir)
	if q.err != nil {
		return nil, q.err
	}
	cur := g.rules[dir]
	if index >= len(cur) {
		return nil, invalid("index %d: %s has %d rules", index, dir, len(cur))
	}
	// A single object, documented without an index: policys.ipProtocol=...
	fields := url.Values{}
	for k, v := range r.params {
		if f, ok := strings.CutPrefix(k, "policys."); ok && !strings.Contains(f, ".") {
			fields[f] = v
		}
	}
	nr, err := s.parseRule(r.region, fields)
	if err != nil {
		return nil, err
	}
	rs := slices.Clone(cur)
	rs[index] = nr
	g.rules[dir] = rs
	g.version++
	return map[string]any{}, nil
}

func (s *Server) deleteSecurityGroupPolicy(r *request) (map[string]any, *apiError) {
	q := r.p()
	g, dir, err := s.lockedGroup(r, q)
	if err != nil {
		return nil, err
	}
	idxs := q.list("indexes")
	if len(idxs) == 0 {
		return nil, missing("indexes.n")
	}
	cur := g.rules[dir]
	drop := map[int]bool{}
	for _, x := range idxs {
		i, err := strconv.Atoi(x)
		if err != nil || i < 0 || i >= len(cur) {
			return nil, invalid("indexes.n: %q is not an index of the %d %s rules", x, len(cur), dir)
		}
		drop[i] = true
	}
	var keep []rule
	for i, r := range cur {
		if !drop[i] {
			keep = append(keep, r)
		}
	}
	g.rules[dir] = keep
	g.version++
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
	type change struct {
		in  *instance
		sgs []string
	}
	var changes []change
	for _, e := range set {
		id := e.Get("instanceId")
		in := rg.instance(id)
		if in == nil {
			return nil, notFound("instance", id)
		}
		sgs := (&p{v: e}).list("sgIds")
		if len(sgs) > maxSGsPerInstance {
			return nil, refuse(reasonInstanceGroupLimit, "an instance takes at most %d security groups", maxSGsPerInstance)
		}
		for _, sg := range sgs {
			if _, err := rg.group(sg); err != nil {
				return nil, err
			}
		}
		if in.status != stRunning && in.status != stStopped {
			return nil, refuse(reasonInstanceBusy, "云服务器当前状态禁止关联: instance %s is %s", in.id, statusNames[in.status])
		}
		changes = append(changes, change{in, slices.Compact(sgs)})
	}
	for _, c := range changes {
		c.in.sgIDs = c.sgs
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
	rg := r.region
	if !rg.projects[project] {
		return nil, invalid("projectId %d does not exist", project)
	}
	created := 0
	var g *securityGroup
	for _, id := range rg.sgSeq {
		if x := rg.sgs[id]; x.isDefault && x.projectID == project {
			g = x
		}
	}
	if g == nil {
		g = s.newGroup(rg, r.now, "default", "System created security group", project)
		g.isDefault = true
		// The default group lets everything in and out.
		g.rules["ingress"] = []rule{{CIDR: "0.0.0.0/0", Action: "ACCEPT"}}
		g.rules["egress"] = []rule{{CIDR: "0.0.0.0/0", Action: "ACCEPT"}}
		created = 1
	}
	return map[string]any{"data": map[string]any{
		"sgId": g.id, "sgName": g.name, "sgRemark": g.remark, "new": created, "sys": 1,
		"appId": s.appID, "os": "", "createTime": apiTime(g.created),
	}}, nil
}
