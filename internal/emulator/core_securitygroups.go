package emulator

// The core's security-group operations, with typed arguments (rules as
// rule values) and typed refusals; both front doors call them.

import (
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// createGroup makes a group in a project. An unnamed group (named false)
// is given the console's word for an unnamed resource [inferred: what the
// service names it is not documented].
func (s *Server) createGroup(rg *region, now time.Time, name string, named bool, remark string, project int) (*securityGroup, *apiError) {
	if named {
		if err := checkSGName(name); err != nil {
			return nil, err
		}
	}
	if utf8.RuneCountInString(remark) > 100 {
		return nil, refuse(reasonMalformed, "sgRemark is longer than 100 characters")
	}
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
		name = "未命名"
	}
	return s.newGroup(rg, now, name, remark, project), nil
}

// modifyGroup renames a group and changes its remark; nil keeps either.
func (rg *region) modifyGroup(g *securityGroup, name, remark *string) *apiError {
	if err := g.refuseDefault("change"); err != nil {
		return err
	}
	if name != nil {
		if err := checkSGName(*name); err != nil {
			return err
		}
		if rg.nameTaken(*name, g.projectID, g) {
			return refuse(reasonGroupNameTaken, "安全组名已存在: a security group named %q exists", *name)
		}
	}
	if remark != nil && utf8.RuneCountInString(*remark) > 100 {
		return refuse(reasonMalformed, "sgRemark is longer than 100 characters")
	}
	if name != nil {
		g.name = *name
	}
	if remark != nil {
		g.remark = *remark
	}
	return nil
}

// deleteGroup deletes a group no rule names and no instance is in.
func (rg *region) deleteGroup(g *securityGroup) *apiError {
	if err := g.refuseDefault("delete"); err != nil {
		return err
	}
	if refs := rg.referrers(g); len(refs) > 0 {
		return refuse(reasonGroupInUse, "security group %s is referenced by the rules of %s", g.id, strings.Join(refs, ", "))
	}
	if ins := rg.instancesOf(g); len(ins) > 0 {
		return refuse(reasonGroupInUse, "security group %s is associated with %d instances", g.id, len(ins))
	}
	delete(rg.sgs, g.id)
	rg.dropTags("cvm", "sg", g.id)
	rg.sgSeq = slices.DeleteFunc(rg.sgSeq, func(x string) bool { return x == g.id })
	return nil
}

// checkRule validates one rule, as documented: action required; cidrIp,
// sgId and addressModule exclusive; portRange only with tcp or udp;
// serviceModule instead of protocol and ports. It answers the rule with
// its protocol in lower case and its action in upper case.
func (rg *region) checkRule(r rule) (rule, *apiError) {
	r.Protocol, r.Action = strings.ToLower(r.Protocol), strings.ToUpper(r.Action)
	bad := func(format string, args ...any) (rule, *apiError) {
		return rule{}, refuse(reasonMalformed, "规则数据格式错误: "+format, args...)
	}
	if r.Action != "ACCEPT" && r.Action != "DROP" {
		return bad("action must be ACCEPT or DROP, got %q", r.Action)
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

// checkRules validates the rules of one direction.
func (rg *region) checkRules(rs []rule) ([]rule, *apiError) {
	if len(rs) > maxRulesPerDir {
		return nil, refuse(reasonGroupLimit, "规则数已达上限: at most %d rules per direction", maxRulesPerDir)
	}
	out := make([]rule, 0, len(rs))
	for i, r := range rs {
		r, err := rg.checkRule(r)
		if err != nil {
			err.message += " (rule " + strconv.Itoa(i) + ")"
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// replaceRules replaces both directions' rules; an invalid rule refuses the
// whole call and changes nothing.
func (rg *region) replaceRules(g *securityGroup, ingress, egress []rule) *apiError {
	if err := g.refuseDefault("change"); err != nil {
		return err
	}
	in, err := rg.checkRules(ingress)
	if err != nil {
		return err
	}
	eg, err := rg.checkRules(egress)
	if err != nil {
		return err
	}
	g.rules["ingress"], g.rules["egress"] = in, eg
	g.version++
	return nil
}

// ruleVersion is a rule change's version lock: the version the caller
// read, when it gave one.
type ruleVersion struct {
	version int
	locked  bool
}

// lockRules refuses a change of g's rules when they have left the version
// the caller read, or when g is the default group.
func (g *securityGroup) lockRules(v ruleVersion) *apiError {
	if v.locked && v.version != g.version {
		return refuse(reasonVersionMoved, "the rules of %s are at version %d, not %d; describe them again", g.id, g.version, v.version)
	}
	return g.refuseDefault("change")
}

// insertRules inserts rules into one direction at index (-1 appends).
func (rg *region) insertRules(g *securityGroup, dir string, v ruleVersion, index int, add []rule) *apiError {
	if err := g.lockRules(v); err != nil {
		return err
	}
	add, err := rg.checkRules(add)
	if err != nil {
		return err
	}
	if len(add) == 0 {
		return missing("policys.n")
	}
	cur := g.rules[dir]
	if len(cur)+len(add) > maxRulesPerDir {
		return refuse(reasonGroupLimit, "规则数已达上限: at most %d rules per direction", maxRulesPerDir)
	}
	if index > len(cur) {
		return invalid("index %d is past the %d rules", index, len(cur))
	}
	if index < 0 {
		index = len(cur) // -1, documented for an empty list, appends
	}
	g.rules[dir] = slices.Insert(slices.Clone(cur), index, add...)
	g.version++
	return nil
}

// replaceRule replaces the rule at index of one direction.
func (rg *region) replaceRule(g *securityGroup, dir string, v ruleVersion, index int, r rule) *apiError {
	if err := g.lockRules(v); err != nil {
		return err
	}
	cur := g.rules[dir]
	if index < 0 || index >= len(cur) {
		return invalid("index %d: %s has %d rules", index, dir, len(cur))
	}
	r, err := rg.checkRule(r)
	if err != nil {
		return err
	}
	rs := slices.Clone(cur)
	rs[index] = r
	g.rules[dir] = rs
	g.version++
	return nil
}

// deleteRules deletes the rules at the indexes of one direction.
func (g *securityGroup) deleteRules(dir string, v ruleVersion, idxs []int) *apiError {
	if err := g.lockRules(v); err != nil {
		return err
	}
	cur := g.rules[dir]
	drop := map[int]bool{}
	for _, i := range idxs {
		if i < 0 || i >= len(cur) {
			return invalid("indexes.n: %d is not an index of the %d %s rules", i, len(cur), dir)
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
	return nil
}

// groupsChange is a new list of groups for an instance.
type groupsChange struct {
	in  *instance
	sgs []string
}

// setInstanceGroups gives instances their new lists of groups, once every
// list is checked: all or none.
func (rg *region) setInstanceGroups(changes []groupsChange) *apiError {
	for i, c := range changes {
		if len(c.sgs) > maxSGsPerInstance {
			return refuse(reasonInstanceGroupLimit, "an instance takes at most %d security groups", maxSGsPerInstance)
		}
		for _, sg := range c.sgs {
			if _, err := rg.group(sg); err != nil {
				return err
			}
		}
		if c.in.status != stRunning && c.in.status != stStopped {
			return refuse(reasonInstanceBusy, "云服务器当前状态禁止关联: instance %s is %s", c.in.id, statusNames[c.in.status])
		}
		changes[i].sgs = slices.Compact(slices.Clone(c.sgs))
	}
	for _, c := range changes {
		c.in.sgIDs = c.sgs
	}
	return nil
}

// defaultGroup is the project's default group, made (letting everything
// in and out) when it has none; created says which.
func (s *Server) defaultGroup(rg *region, now time.Time, project int) (g *securityGroup, created bool, err *apiError) {
	if !rg.projects[project] {
		return nil, false, invalid("projectId %d does not exist", project)
	}
	for _, id := range rg.sgSeq {
		if x := rg.sgs[id]; x.isDefault && x.projectID == project {
			g = x
		}
	}
	if g != nil {
		return g, false, nil
	}
	g = s.newGroup(rg, now, "default", "System created security group", project)
	g.isDefault = true
	g.rules["ingress"] = []rule{{CIDR: "0.0.0.0/0", Action: "ACCEPT"}}
	g.rules["egress"] = []rule{{CIDR: "0.0.0.0/0", Action: "ACCEPT"}}
	return g, true, nil
}
