package emulator

// API 3.0 actions of service vpc (§6 rows 28 to 49, 61 to 64): security
// groups and their rules, EIPs, network interfaces and the asynchronous
// tasks of the EIP actions, over the legacy dfw, eip and vpc state.

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

func init() {
	register3("vpc", map[string]handler3{
		"DescribeSecurityGroups":                     {fn: (*Server).describeSecurityGroups3, reads: true},
		"CreateSecurityGroup":                        {fn: (*Server).createSecurityGroup3},
		"ModifySecurityGroupAttribute":               {fn: (*Server).modifySecurityGroupAttribute3},
		"DeleteSecurityGroup":                        {fn: (*Server).deleteSecurityGroup3},
		"DescribeSecurityGroupPolicies":              {fn: (*Server).describeSecurityGroupPolicies3, reads: true},
		"CreateSecurityGroupPolicies":                {fn: (*Server).createSecurityGroupPolicies3},
		"ModifySecurityGroupPolicies":                {fn: (*Server).modifySecurityGroupPolicies3},
		"ReplaceSecurityGroupPolicy":                 {fn: (*Server).replaceSecurityGroupPolicy3},
		"DeleteSecurityGroupPolicies":                {fn: (*Server).deleteSecurityGroupPolicies3},
		"DescribeSecurityGroupReferences":            {fn: (*Server).describeSecurityGroupReferences3, reads: true},
		"DescribeSecurityGroupAssociationStatistics": {fn: (*Server).describeSGAssociationStatistics3, reads: true},
		"CreateDefaultSecurityGroup":                 {fn: (*Server).createDefaultSecurityGroup3},
		"DescribeAddresses":                          {fn: (*Server).describeAddresses3, reads: true},
		"AllocateAddresses":                          {fn: (*Server).allocateAddresses3},
		"ReleaseAddresses":                           {fn: (*Server).releaseAddresses3},
		"ModifyAddressAttribute":                     {fn: (*Server).modifyAddressAttribute3},
		"AssociateAddress":                           {fn: (*Server).associateAddress3},
		"DisassociateAddress":                        {fn: (*Server).disassociateAddress3},
		"DescribeAddressQuota":                       {fn: (*Server).describeAddressQuota3, reads: true},
		"TransformAddress":                           {fn: (*Server).transformAddress3},
		"DescribeTaskResult":                         {fn: (*Server).describeTaskResult3, reads: true, noRegion: true},
		"DescribeVpcTaskResult":                      {fn: (*Server).describeVpcTaskResult3, reads: true, noRegion: true},
		"AttachNetworkInterface":                     {fn: (*Server).attachNetworkInterface3},
		"DescribeNetworkInterfaces":                  {fn: (*Server).describeNetworkInterfaces3, reads: true},
		"ModifyNetworkInterfaceAttribute":            {fn: (*Server).modifyNetworkInterfaceAttribute3},
		"AssociateNetworkInterfaceSecurityGroups":    {fn: (*Server).associateENIGroups3},
		"DisassociateNetworkInterfaceSecurityGroups": {fn: (*Server).disassociateENIGroups3},
	})
}

var (
	sgIDRE  = regexp.MustCompile(`^sg-[a-z0-9]{8}$`)
	eipIDRE = regexp.MustCompile(`^eip-[a-z0-9]{8}$`)
)

// ---- security groups ----

func (s *Server) group3(c *call3, id string) (*securityGroup, *api3Err) {
	if !sgIDRE.MatchString(id) {
		return nil, err3("InvalidParameterValue.Malformed", "the security group id %q is malformed: want sg-xxxxxxxx", id)
	}
	g, ok := c.rg.sgs[id]
	if !ok {
		return nil, err3("ResourceNotFound", "the security group %s is not found", id)
	}
	return g, nil
}

// groupArg3 reads the call's SecurityGroupId, which must name a group of
// the region.
func (s *Server) groupArg3(c *call3) (string, *api3Err) {
	id, err := str3(c, "SecurityGroupId", true)
	if err != nil {
		return "", err
	}
	if _, err := s.group3(c, id); err != nil {
		return "", err
	}
	return id, nil
}

func (rg *region) securityGroup3(g *securityGroup) map[string]any {
	return map[string]any{"SecurityGroupId": g.id, "SecurityGroupName": g.name, "SecurityGroupDesc": g.remark,
		"ProjectId": strconv.Itoa(g.projectID), "IsDefault": g.isDefault, "CreatedTime": apiTime(g.created),
		"UpdateTime": apiTime(g.created), "TagSet": rg.tagSet3("cvm", "sg", g.id)}
}

func (s *Server) describeSecurityGroups3(c *call3) (map[string]any, *api3Err) {
	l, err := list3(c, listSpec{ids: "SecurityGroupIds", maxValues: 5, coexist: "InvalidParameter.Coexist",
		filters: map[string]bool{"security-group-id": true, "project-id": true, "security-group-name": true,
			"tag-key": true, "tag:": true}})
	if err != nil {
		return nil, err
	}
	var all []*securityGroup
	for _, id := range c.rg.sgSeq {
		g := c.rg.sgs[id]
		if g != nil && l.wants(id, func(f filter) bool {
			switch f.name {
			case "security-group-id":
				return f.contains(g.id)
			case "project-id":
				return f.contains(strconv.Itoa(g.projectID))
			case "security-group-name":
				return f.contains(g.name)
			}
			return false
		}) {
			all = append(all, g)
		}
	}
	set := []map[string]any{}
	for _, g := range pageOf(all, l.offset, l.limit) {
		set = append(set, c.rg.securityGroup3(g))
	}
	return map[string]any{"TotalCount": len(all), "SecurityGroupSet": set}, nil
}

func (s *Server) createSecurityGroup3(c *call3) (map[string]any, *api3Err) {
	name, err := str3(c, "GroupName", true)
	if err != nil {
		return nil, err
	}
	desc, err := str3(c, "GroupDescription", true) // required here (§6 row 29)
	if err != nil {
		return nil, err
	}
	project, err := int3(c, "ProjectId", false, 0, 0, 1<<31-1) // a string here, and a number in cvm
	if err != nil {
		return nil, err
	}
	tags, err := tagSpec3(c, "sg")
	if err != nil {
		return nil, err
	}
	g, cerr := s.createGroup(c.rg, c.now, name, true, desc, project)
	if cerr != nil {
		return nil, fromLegacy(cerr)
	}
	c.rg.tagNew("cvm", "sg", g.id, tags)
	return map[string]any{"SecurityGroup": c.rg.securityGroup3(g)}, nil
}

func (s *Server) modifySecurityGroupAttribute3(c *call3) (map[string]any, *api3Err) {
	id, err := s.groupArg3(c)
	if err != nil {
		return nil, err
	}
	var name, desc *string
	if c.q.has("GroupName") {
		name = new(c.q.v.Get("GroupName"))
	}
	if c.q.has("GroupDescription") {
		desc = new(c.q.v.Get("GroupDescription"))
	}
	if err := c.rg.modifyGroup(c.rg.sgs[id], name, desc); err != nil {
		return nil, fromLegacy(err)
	}
	return map[string]any{}, nil
}

func (s *Server) deleteSecurityGroup3(c *call3) (map[string]any, *api3Err) {
	id, err := s.groupArg3(c)
	if err != nil {
		return nil, err
	}
	if err := c.rg.deleteGroup(c.rg.sgs[id]); err != nil {
		return nil, fromLegacy(err)
	}
	return map[string]any{}, nil
}

// rule3 shows a rule in the newer shape (§6 row 32).
func rule3(i int, r rule) map[string]any {
	proto := strings.ToUpper(r.Protocol)
	if proto == "" {
		proto = "ALL"
	}
	port := r.PortRange
	if port == "" {
		port = "ALL"
	}
	return map[string]any{"PolicyIndex": i, "Protocol": proto, "Port": port, "CidrBlock": r.CIDR, "Ipv6CidrBlock": "",
		"SecurityGroupId": r.SGID, "AddressTemplate": map[string]any{"AddressId": r.AddressModule, "AddressGroupId": ""},
		"ServiceTemplate": map[string]any{"ServiceId": r.ServiceModule, "ServiceGroupId": ""},
		"Action":          r.Action, "PolicyDescription": r.Desc, "ModifyTime": "",
		// Priority: the rule's place in its direction, from 1 [inferred: the
		// model's "changes as the rules change"].
		"Priority": i + 1}
}

func (s *Server) describeSecurityGroupPolicies3(c *call3) (map[string]any, *api3Err) {
	id, err := str3(c, "SecurityGroupId", true)
	if err != nil {
		return nil, err
	}
	g, err := s.group3(c, id)
	if err != nil {
		return nil, err
	}
	set := map[string]any{"Version": strconv.Itoa(g.version)}
	for _, dir := range []string{"Ingress", "Egress"} {
		rs := []map[string]any{}
		for i, r := range g.rules[strings.ToLower(dir)] {
			rs = append(rs, rule3(i, r))
		}
		set[dir] = rs
	}
	// The emulator's rules are IPv4 (no Ipv6CidrBlock is taken).
	set["PolicyStatistics"] = map[string]any{"IngressIPv4TotalCount": len(g.rules["ingress"]), "IngressIPv6TotalCount": 0,
		"EgressIPv4TotalCount": len(g.rules["egress"]), "EgressIPv6TotalCount": 0}
	return map[string]any{"SecurityGroupPolicySet": set}, nil
}

// ruleOf3 reads a rule of the newer shape (§6 row 32): ALL, or no
// protocol, is any protocol; a port is kept unless it is ALL with a
// protocol that has none.
func ruleOf3(r url.Values) rule {
	proto := strings.ToLower(r.Get("Protocol"))
	if proto == "all" {
		proto = ""
	}
	out := rule{Protocol: proto, CIDR: r.Get("CidrBlock"), SGID: r.Get("SecurityGroupId"),
		AddressModule: r.Get("AddressTemplate.AddressId"), ServiceModule: r.Get("ServiceTemplate.ServiceId"),
		Action: r.Get("Action"), Desc: r.Get("PolicyDescription")}
	if port := r.Get("Port"); port != "" && !strings.EqualFold(port, "ALL") || proto == "tcp" || proto == "udp" {
		out.PortRange = r.Get("Port")
	}
	return out
}

// rulesOf3 reads a list of rules of the newer shape.
func rulesOf3(rs []url.Values) []rule {
	out := make([]rule, len(rs))
	for i, r := range rs {
		out[i] = ruleOf3(r)
	}
	return out
}

// policySet reads SecurityGroupPolicySet's two directions.
func policySet(c *call3) (ingress, egress []url.Values) {
	return c.q.objects("SecurityGroupPolicySet.Ingress"), c.q.objects("SecurityGroupPolicySet.Egress")
}

// oneDirection reads the rules of the one direction a call may touch.
func oneDirection(c *call3) (string, []url.Values, *api3Err) {
	in, eg := policySet(c)
	switch {
	case len(in) > 0 && len(eg) > 0:
		return "", nil, err3("InvalidParameter", "give Ingress or Egress rules, not both, in one call")
	case len(in) > 0:
		return "ingress", in, nil
	case len(eg) > 0:
		return "egress", eg, nil
	}
	return "", nil, err3("MissingParameter", "SecurityGroupPolicySet needs Ingress or Egress rules")
}

// policyCall3 reads what the rule actions share: the group, the one
// direction of the rules, and the set's version lock.
func (s *Server) policyCall3(c *call3) (*securityGroup, string, ruleVersion, []url.Values, *api3Err) {
	id, err := s.groupArg3(c)
	if err != nil {
		return nil, "", ruleVersion{}, nil, err
	}
	dir, rules, err := oneDirection(c)
	if err != nil {
		return nil, "", ruleVersion{}, nil, err
	}
	var v ruleVersion
	if ver := c.q.v.Get("SecurityGroupPolicySet.Version"); ver != "" {
		n, err := strconv.Atoi(ver)
		if err != nil || n < 0 {
			return nil, "", ruleVersion{}, nil, err3("InvalidParameterValue", "SecurityGroupPolicySet.Version must be a number, got %q", ver)
		}
		v = ruleVersion{n, true}
	}
	return c.rg.sgs[id], dir, v, rules, nil
}

// policyIndex reads a rule's PolicyIndex.
func policyIndex(r url.Values) (int, *api3Err) {
	n, err := strconv.Atoi(r.Get("PolicyIndex"))
	if err != nil {
		return 0, err3("InvalidParameterValue", "PolicyIndex must be a number, got %q", r.Get("PolicyIndex"))
	}
	return n, nil
}

func (s *Server) createSecurityGroupPolicies3(c *call3) (map[string]any, *api3Err) {
	g, dir, v, rules, err := s.policyCall3(c)
	if err != nil {
		return nil, err
	}
	index := -1 // where the rules go: the end, unless the first gives its PolicyIndex
	if rules[0].Get("PolicyIndex") != "" {
		if index, err = policyIndex(rules[0]); err != nil {
			return nil, err
		}
	}
	if err := c.rg.insertRules(g, dir, v, index, rulesOf3(rules)); err != nil {
		return nil, fromLegacy(err)
	}
	return map[string]any{}, nil
}

func (s *Server) modifySecurityGroupPolicies3(c *call3) (map[string]any, *api3Err) {
	id, err := s.groupArg3(c)
	if err != nil {
		return nil, err
	}
	in, eg := policySet(c)
	// The SDK's documentation of the action: a Version of 0 empties the
	// group and ignores Ingress and Egress (Terraform's rule set is deleted
	// this way). Any other Version, or none, replaces the rules.
	if c.q.has("SecurityGroupPolicySet.Version") && c.q.v.Get("SecurityGroupPolicySet.Version") == "0" {
		in, eg = nil, nil
	}
	if err := c.rg.replaceRules(c.rg.sgs[id], rulesOf3(in), rulesOf3(eg)); err != nil {
		return nil, fromLegacy(err)
	}
	return map[string]any{}, nil
}

func (s *Server) replaceSecurityGroupPolicy3(c *call3) (map[string]any, *api3Err) {
	g, dir, v, rules, err := s.policyCall3(c)
	if err != nil {
		return nil, err
	}
	if len(rules) != 1 || rules[0].Get("PolicyIndex") == "" {
		return nil, err3("InvalidParameter", "ReplaceSecurityGroupPolicy takes one rule with its PolicyIndex")
	}
	index, err := policyIndex(rules[0])
	if err != nil {
		return nil, err
	}
	if err := c.rg.replaceRule(g, dir, v, index, ruleOf3(rules[0])); err != nil {
		return nil, fromLegacy(err)
	}
	return map[string]any{}, nil
}

func (s *Server) deleteSecurityGroupPolicies3(c *call3) (map[string]any, *api3Err) {
	g, dir, v, rules, err := s.policyCall3(c)
	if err != nil {
		return nil, err
	}
	idxs := make([]int, len(rules))
	for i, r := range rules {
		if r.Get("PolicyIndex") == "" {
			return nil, err3("MissingParameter", "every rule to delete needs its PolicyIndex")
		}
		if idxs[i], err = policyIndex(r); err != nil {
			return nil, err
		}
	}
	if err := g.deleteRules(dir, v, idxs); err != nil {
		return nil, fromLegacy(err)
	}
	return map[string]any{}, nil
}

func (s *Server) describeSecurityGroupReferences3(c *call3) (map[string]any, *api3Err) {
	ids, err := ids3(c, "SecurityGroupIds", true, 100)
	if err != nil {
		return nil, err
	}
	set := []map[string]any{}
	for _, id := range ids {
		g, err := s.group3(c, id)
		if err != nil {
			return nil, err
		}
		refs := c.rg.referrers(g)
		if refs == nil {
			refs = []string{}
		}
		set = append(set, map[string]any{"SecurityGroupId": id, "ReferredSecurityGroupIds": refs})
	}
	return map[string]any{"ReferredSecurityGroupSet": set}, nil
}

func (s *Server) describeSGAssociationStatistics3(c *call3) (map[string]any, *api3Err) {
	ids, err := ids3(c, "SecurityGroupIds", true, 100)
	if err != nil {
		return nil, err
	}
	set := []map[string]any{}
	for _, id := range ids {
		g, err := s.group3(c, id)
		if err != nil {
			return nil, err
		}
		cvms := len(c.rg.instancesOf(g))
		enis := len(c.rg.interfaceGroups(id)) - cvms
		refs := len(c.rg.referrers(g))
		set = append(set, map[string]any{"SecurityGroupId": id, "CVM": cvms, "CDB": 0, "ENI": enis, "SG": refs,
			"CLB": 0, "InstanceStatistics": []any{}, "TotalCount": cvms + enis + refs})
	}
	return map[string]any{"SecurityGroupAssociationStatisticsSet": set}, nil
}

func (s *Server) createDefaultSecurityGroup3(c *call3) (map[string]any, *api3Err) {
	project, err := int3(c, "ProjectId", false, 0, 0, 1<<31-1)
	if err != nil {
		return nil, err
	}
	g, _, derr := s.defaultGroup(c.rg, c.now, project)
	if derr != nil {
		return nil, fromLegacy(derr)
	}
	return map[string]any{"SecurityGroup": c.rg.securityGroup3(g)}, nil
}

// ---- EIPs ----

var addressStates3 = map[int]string{eipCreating: "CREATING", eipBinding: "BINDING", eipBound: "BIND", eipUnbinding: "UNBINDING", eipUnbound: "UNBIND"}

// address3 is an EIP as DescribeAddresses shows it: every member of TC-Go
// vpc models.go Address, strings and objects never null.
func (rg *region) address3(e *eip) map[string]any {
	instanceType := ""
	if e.instanceID != "" {
		instanceType = "CVM"
	}
	return map[string]any{"AddressId": e.id, "AddressName": e.name, "AddressStatus": addressStates3[e.status],
		"AddressIp": e.ip, "InstanceId": e.instanceID, "CreatedTime": time3(e.created), "NetworkInterfaceId": e.eniID,
		"PrivateAddressIp": e.privateIP, "IsArrears": false, "IsBlocked": false, "IsEipDirectConnection": e.mode == 1,
		"AddressType": "EIP", "CascadeRelease": false, "EipAlgType": map[string]any{"Ftp": false, "Sip": false},
		"InternetServiceProvider": "BGP", "LocalBgp": false,
		// An EIP's bandwidth is its instance's [inferred: the legacy
		// contract's EIPs have none of their own].
		"Bandwidth": nil, "InternetChargeType": "", "TagSet": rg.tagSet3("vpc", "eip", e.id), "DeadlineDate": "",
		"InstanceType": instanceType, "Egress": "center_egress1", "AntiDDoSPackageId": "", "RenewFlag": "",
		"BandwidthPackageId": "", "DedicatedClusterId": "", "UnVpcId": ""}
}

var addressFilters3 = map[string]bool{"address-id": true, "address-name": true, "address-ip": true, "address-status": true,
	"instance-id": true, "private-ip-address": true, "network-interface-id": true, "is-arrears": true,
	"address-type": true, "address-isp": true, "tag-key": true, "tag-value": true, "tag:": true, "dedicated-cluster-id": true,
	"instance-type": true}

// addressMatches3 reports whether an EIP passes one filter of
// DescribeAddresses. The emulator's addresses are all EIPs (address-type
// EIP; WanIP, AnycastEIP and HighQualityEIP match none), of BGP, in no
// dedicated cluster.
func (rg *region) addressMatches3(e *eip, f filter) bool {
	switch f.name {
	case "address-id":
		return f.contains(e.id)
	case "address-name":
		return f.contains(e.name)
	case "address-ip":
		return f.contains(e.ip)
	case "address-status":
		return f.contains(addressStates3[e.status])
	case "instance-id":
		return f.contains(e.instanceID)
	case "private-ip-address":
		return f.contains(e.privateIP)
	case "network-interface-id":
		return f.contains(e.eniID)
	case "is-arrears":
		return f.contains("FALSE") || f.contains("false")
	case "address-type":
		return f.contains("EIP")
	case "address-isp":
		return f.contains("BGP")
	case "instance-type": // what the address is bound to: CVM, or an interface alone (ENI)
		switch {
		case e.instanceID != "":
			return f.contains("CVM")
		case e.eniID != "":
			return f.contains("ENI")
		}
		return false
	}
	ok, _ := rg.tagMatch(f, "vpc", "eip", e.id)
	return ok
}

func (s *Server) describeAddresses3(c *call3) (map[string]any, *api3Err) {
	l, err := list3(c, listSpec{ids: "AddressIds", filters: addressFilters3, maxValues: 100, coexist: "InvalidParameter.Coexist"})
	if err != nil {
		return nil, err
	}
	rg := c.rg
	rg.settle(c.now)
	var all []*eip
	for _, id := range rg.eipSeq {
		e := rg.eips[id]
		if e != nil && l.wants(id, func(f filter) bool { return rg.addressMatches3(e, f) }) {
			all = append(all, e)
		}
	}
	set := []map[string]any{}
	for _, e := range pageOf(all, l.offset, l.limit) {
		set = append(set, c.rg.address3(e))
		if s.opts.AutoAdvance != nil && e.next != 0 {
			e.seenMoving = true
		}
	}
	return map[string]any{"TotalCount": len(all), "AddressSet": set}, nil
}

// newTask records an asynchronous task, done when the transitions it
// started are, and returns its id as the newer contract types it.
func (s *Server) newTask(c *call3) string {
	id := s.nextSeq() + 16000
	s.vpcTasks[id] = vpcTask{doneAt: c.now.Add(max(s.opts.Transition, 0))}
	return strconv.FormatInt(id, 10)
}

func (s *Server) address3ID(c *call3, id string) (*eip, *api3Err) {
	if !eipIDRE.MatchString(id) {
		return nil, err3("InvalidAddressId.Malformed", "the address id %q is malformed: want eip-xxxxxxxx", id)
	}
	c.rg.settle(c.now)
	e, ok := c.rg.eips[id]
	if !ok {
		return nil, err3("InvalidAddressId.NotFound", "the address %s is not found", id)
	}
	return e, nil
}

func (s *Server) allocateAddresses3(c *call3) (map[string]any, *api3Err) {
	n, err := int3(c, "AddressCount", false, 1, 1, 100)
	if err != nil {
		return nil, err
	}
	token := c.q.v.Get("ClientToken")
	if len(token) > 64 {
		return nil, err3("InvalidParameterValue.TooLong", "ClientToken is at most 64 characters, got %d", len(token))
	}
	key := tokenKey(tokenAddresses, c.rg, token)
	if token != "" {
		if prev, ok := s.tokens[key]; ok {
			return map[string]any{"AddressSet": slices.Clone(prev.ids), "TaskId": strconv.FormatInt(prev.deal, 10)}, nil
		}
	}
	if n > eipMaxGoodsPerCreate {
		return nil, err3("InvalidParameterValue.Range", "AddressCount is at most %d here", eipMaxGoodsPerCreate)
	}
	tags, err := tagSpec3(c, "eip")
	if err != nil {
		return nil, err
	}
	made, aerr := s.allocateEIPs(c.rg, c.now, n)
	if aerr != nil {
		return nil, fromLegacy(aerr)
	}
	ids := make([]string, len(made))
	for i, e := range made {
		ids[i] = e.id
		e.name = c.q.v.Get("AddressName")
		c.rg.tagNew("vpc", "eip", e.id, tags)
	}
	task := s.newTask(c)
	if token != "" {
		t, _ := strconv.ParseInt(task, 10, 64)
		s.tokens[key] = tokenResult{action: "api3 AllocateAddresses", ids: ids, deal: t}
	}
	return map[string]any{"AddressSet": ids, "TaskId": task}, nil
}

func (s *Server) releaseAddresses3(c *call3) (map[string]any, *api3Err) {
	ids, err := ids3(c, "AddressIds", true, 100)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		e, err := s.address3ID(c, id)
		if err != nil {
			return nil, err
		}
		if e.status != eipUnbound {
			return nil, err3("InvalidAddressIdStatus.NotPermit", "the address %s is %s; only UNBIND addresses are released", id, addressStates3[e.status])
		}
	}
	if err := c.rg.releaseEIPs(c.now, ids); err != nil {
		return nil, fromLegacy(err)
	}
	return map[string]any{"TaskId": s.newTask(c)}, nil
}

func (s *Server) modifyAddressAttribute3(c *call3) (map[string]any, *api3Err) {
	id, err := str3(c, "AddressId", true)
	if err != nil {
		return nil, err
	}
	e, err := s.address3ID(c, id)
	if err != nil {
		return nil, err
	}
	mode := -1
	if d := c.q.v.Get("EipDirectConnection"); d != "" {
		m, ok := map[string]int{"TRUE": 1, "FALSE": 0}[d]
		if !ok {
			return nil, err3("InvalidParameterValue", "EipDirectConnection must be TRUE or FALSE, got %q", d)
		}
		mode = m
	}
	if c.q.has("AddressName") {
		if err := renameEIP(e, c.q.v.Get("AddressName"), c.now); err != nil {
			return nil, fromLegacy(err)
		}
	}
	if mode >= 0 {
		if err := setEIPMode(e, mode, c.now); err != nil {
			return nil, fromLegacy(err)
		}
	}
	return map[string]any{}, nil
}

func (s *Server) associateAddress3(c *call3) (map[string]any, *api3Err) {
	id, err := str3(c, "AddressId", true)
	if err != nil {
		return nil, err
	}
	e, err := s.address3ID(c, id)
	if err != nil {
		return nil, err
	}
	inst, eni, ip := c.q.v.Get("InstanceId"), c.q.v.Get("NetworkInterfaceId"), c.q.v.Get("PrivateIpAddress")
	if inst == "" && eni == "" {
		return nil, err3("MissingParameter", "give InstanceId, or NetworkInterfaceId with PrivateIpAddress")
	}
	if inst != "" {
		c.q.v.Set("InstanceIds.0", inst)
		if _, err := s.targets3(c, "InstanceIds", 1, inState("RUNNING", "STOPPED")); err != nil {
			return nil, err
		}
	}
	if e.status != eipUnbound {
		return nil, err3("InvalidAddressIdStatus.NotPermit", "the address %s is %s; only UNBIND addresses are associated", id, addressStates3[e.status])
	}
	in, privateIP, terr := c.rg.eipTargetOf(inst, eni, ip)
	if terr == nil {
		terr = s.bindEIP(c.rg, c.now, e, in, privateIP)
	}
	if terr != nil {
		return nil, fromLegacy(terr)
	}
	return map[string]any{"TaskId": s.newTask(c)}, nil
}

func (s *Server) disassociateAddress3(c *call3) (map[string]any, *api3Err) {
	id, err := str3(c, "AddressId", true)
	if err != nil {
		return nil, err
	}
	e, err := s.address3ID(c, id)
	if err != nil {
		return nil, err
	}
	if e.status != eipBound {
		return nil, err3("InvalidAddressIdStatus.NotPermit", "the address %s is %s; only BIND addresses are disassociated", id, addressStates3[e.status])
	}
	realloc, _, err := bool3(c, "ReallocateNormalPublicIp")
	if err != nil {
		return nil, err
	}
	if err := s.unbindEIP(c.rg, c.now, e, realloc); err != nil {
		return nil, fromLegacy(err)
	}
	return map[string]any{"TaskId": s.newTask(c)}, nil
}

func (s *Server) describeAddressQuota3(c *call3) (map[string]any, *api3Err) {
	qt := c.rg.eipQuota(c.now)
	q := func(id string, cur, lim int) map[string]any {
		return map[string]any{"QuotaId": id, "QuotaCurrent": cur, "QuotaLimit": lim, "QuotaGroup": ""}
	}
	return map[string]any{"QuotaSet": []map[string]any{
		q("TOTAL_EIP_QUOTA", qt.total, qt.totalLimit),
		q("DAILY_EIP_APPLY", qt.applied, qt.appliedLimit),
		q("DAILY_PUBLIC_IP_ASSIGN", qt.wanIPs, qt.wanIPLimit),
	}}, nil
}

func (s *Server) transformAddress3(c *call3) (map[string]any, *api3Err) {
	inst, err := str3(c, "InstanceId", true)
	if err != nil {
		return nil, err
	}
	c.q.v.Set("InstanceIds.0", inst)
	ins, err := s.targets3(c, "InstanceIds", 1, nil)
	if err != nil {
		return nil, err
	}
	e, terr := s.transformWanIP(c.rg, c.now, ins[0])
	if terr != nil {
		return nil, fromLegacy(terr)
	}
	// TransformAddress types its TaskId as a number, unlike the other EIP
	// actions (TC-Go vpc models.go).
	task, _ := strconv.ParseUint(s.newTask(c), 10, 64)
	return map[string]any{"TaskId": task, "AddressId": e.id}, nil
}

// task3 finds a task by its id; RUNNING until its transitions are done.
func (s *Server) task3(c *call3) (string, string, *api3Err) {
	raw, err := str3(c, "TaskId", true)
	if err != nil {
		return "", "", err
	}
	id, perr := strconv.ParseInt(raw, 10, 64)
	t, ok := s.vpcTasks[id]
	if perr != nil || !ok {
		return "", "", err3("ResourceNotFound", "the task %s is not found", raw)
	}
	if c.now.Before(t.doneAt) {
		return raw, "RUNNING", nil
	}
	return raw, "SUCCESS", nil
}

func (s *Server) describeTaskResult3(c *call3) (map[string]any, *api3Err) {
	id, st, err := s.task3(c)
	if err != nil {
		return nil, err
	}
	n, _ := strconv.ParseUint(id, 10, 64)
	return map[string]any{"TaskId": n, "Result": st}, nil
}

func (s *Server) describeVpcTaskResult3(c *call3) (map[string]any, *api3Err) {
	_, st, err := s.task3(c)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Status": st, "Output": "", "Result": []any{}}, nil
}

// ---- network interfaces ----

// enis3 lists the region's interfaces: each VPC instance's primary one,
// then the secondary ones, by id.
func (rg *region) enis3() []map[string]any {
	var out []map[string]any
	for _, in := range rg.instSeq {
		if in.vpcID == "" {
			continue
		}
		pub := ""
		if len(in.wanIPs) > 0 {
			pub = in.wanIPs[0]
		}
		out = append(out, eni3(in.eniID(), "primary", in.vpcID, in.subnetID, in.sgIDs, true, zoneName3(rg.code, in.zone),
			in.lanIP, pub, in.id, 0, in.created))
	}
	ids := make([]string, 0, len(rg.enis))
	for id := range rg.enis {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		e := rg.enis[id]
		z, _ := rg.zone(e.zoneID)
		out = append(out, eni3(e.id, "", e.vpcID, "", e.sgIDs, false, zoneName3(rg.code, z), e.privateIP, "", e.instanceID, 1,
			time.Time{}))
	}
	return out
}

// eni3 is a network interface as DescribeNetworkInterfaces shows it: every
// member of TC-Go vpc models.go NetworkInterface, strings and objects never
// null; Attachment is an empty object when it is attached to nothing.
func eni3(id, name, vpcID, subnetID string, groups []string, primary bool, zone, privateIP, publicIP, instanceID string,
	device int, created time.Time) map[string]any {
	att, state := map[string]any{}, "AVAILABLE"
	if instanceID != "" {
		att = map[string]any{"InstanceId": instanceID, "DeviceIndex": device, "InstanceAccountId": "", "AttachTime": time3(created)}
		state = "INUSE" // NetworkInterfaceState tells a bound interface apart (State does not)
	}
	return map[string]any{"NetworkInterfaceId": id, "NetworkInterfaceName": name, "NetworkInterfaceDescription": "",
		"VpcId": vpcID, "SubnetId": subnetID, "GroupSet": append([]string{}, groups...), "Primary": primary,
		"MacAddress": macOf(id), "State": "AVAILABLE", "Zone": zone, "CreatedTime": time3(created),
		"PrivateIpAddressSet": []map[string]any{{"PrivateIpAddress": privateIP, "Primary": true, "PublicIpAddress": publicIP,
			"AddressId": "", "Description": "", "IsWanIpBlocked": false, "State": "AVAILABLE", "QosLevel": "PT"}},
		"Attachment": att, "Ipv6AddressSet": []any{}, "TagSet": []any{}, "EniType": 0, "Business": "cvm", "CdcId": "",
		"AttachType": 0, "ResourceId": "", "QosLevel": "PT", "NetworkInterfaceState": state}
}

// macOf is a stable, locally administered MAC address made from an id.
func macOf(id string) string {
	var h uint32 = 2166136261
	for i := range len(id) {
		h = (h ^ uint32(id[i])) * 16777619
	}
	return fmt.Sprintf("52:54:00:%02x:%02x:%02x", byte(h>>16), byte(h>>8), byte(h))
}

func (s *Server) describeNetworkInterfaces3(c *call3) (map[string]any, *api3Err) {
	ids, err := ids3(c, "NetworkInterfaceIds", false, 100)
	if err != nil {
		return nil, err
	}
	fs, err := filters3(c, map[string]bool{"vpc-id": true, "subnet-id": true, "network-interface-id": true,
		"attachment.instance-id": true, "groups.security-group-id": true, "network-interface-name": true,
		"address-ip": true, "is-primary": true, "tag-key": true, "tag:": true}, 10, 5)
	if err != nil {
		return nil, err
	}
	offset, limit, err := page3(c, 100)
	if err != nil {
		return nil, err
	}
	c.rg.settle(c.now)
	var all []map[string]any
next:
	for _, e := range c.rg.enis3() {
		id := e["NetworkInterfaceId"].(string)
		if len(ids) > 0 && !slices.Contains(ids, id) {
			continue
		}
		for _, f := range fs {
			ok := false
			switch f.name {
			case "vpc-id":
				ok = f.contains(e["VpcId"].(string))
			case "subnet-id":
				ok = f.contains(e["SubnetId"].(string))
			case "network-interface-id":
				ok = f.contains(id)
			case "attachment.instance-id":
				inst, _ := e["Attachment"].(map[string]any)["InstanceId"].(string)
				ok = inst != "" && f.contains(inst)
			case "groups.security-group-id":
				ok = f.has(func(v string) bool { return slices.Contains(e["GroupSet"].([]string), v) })
			case "network-interface-name":
				ok = f.contains(e["NetworkInterfaceName"].(string))
			case "address-ip":
				ok = f.contains(e["PrivateIpAddressSet"].([]map[string]any)[0]["PrivateIpAddress"].(string))
			case "is-primary":
				ok = f.contains(strconv.FormatBool(e["Primary"].(bool)))
			}
			if !ok {
				continue next
			}
		}
		all = append(all, e)
	}
	set := pageOf(all, offset, limit)
	if set == nil {
		set = []map[string]any{}
	}
	return map[string]any{"TotalCount": len(all), "NetworkInterfaceSet": set}, nil
}

func (s *Server) attachNetworkInterface3(c *call3) (map[string]any, *api3Err) {
	eniID, err := str3(c, "NetworkInterfaceId", true)
	if err != nil {
		return nil, err
	}
	inst, err := str3(c, "InstanceId", true)
	if err != nil {
		return nil, err
	}
	e, ok := c.rg.enis[eniID]
	if !ok {
		return nil, err3("ResourceNotFound", "the network interface %s is not found", eniID)
	}
	token := c.q.v.Get("ClientToken")
	key := tokenKey(tokenAttach, c.rg, token)
	if token != "" {
		if _, ok := s.tokens[key]; ok {
			return map[string]any{}, nil
		}
	}
	if _, err := s.attachInterface(c.rg, c.now, e.vpcID, eniID, inst); err != nil {
		return nil, fromLegacy(err)
	}
	if token != "" {
		s.tokens[key] = tokenResult{action: "api3 AttachNetworkInterface", ids: []string{eniID}}
	}
	return map[string]any{}, nil
}

// eniGroups returns an interface's current groups.
func (rg *region) eniGroups(id string) ([]string, bool) {
	if in := rg.instanceByENI(id); in != nil {
		return in.sgIDs, true
	}
	if e, ok := rg.enis[id]; ok {
		return e.sgIDs, true
	}
	return nil, false
}

// setENIGroups replaces the groups of interfaces, all or none.
func (s *Server) setENIGroups(c *call3, groups map[string][]string, order []string) *api3Err {
	if err := c.rg.setInterfaceGroups(c.now, groups, order); err != nil {
		return fromLegacy(err)
	}
	return nil
}

func (s *Server) modifyNetworkInterfaceAttribute3(c *call3) (map[string]any, *api3Err) {
	id, err := str3(c, "NetworkInterfaceId", true)
	if err != nil {
		return nil, err
	}
	if _, ok := c.rg.eniGroups(id); !ok {
		return nil, err3("ResourceNotFound", "the network interface %s is not found", id)
	}
	if c.q.has("SecurityGroupIds.0") {
		if err := s.setENIGroups(c, map[string][]string{id: c.q.list("SecurityGroupIds")}, []string{id}); err != nil {
			return nil, err
		}
	}
	return map[string]any{}, nil
}

func (s *Server) changeENIGroups3(c *call3, add bool) (map[string]any, *api3Err) {
	ids, err := ids3(c, "NetworkInterfaceIds", true, 100)
	if err != nil {
		return nil, err
	}
	sgs, err := ids3(c, "SecurityGroupIds", true, 100)
	if err != nil {
		return nil, err
	}
	groups := map[string][]string{}
	for _, id := range ids {
		cur, ok := c.rg.eniGroups(id)
		if !ok {
			return nil, err3("ResourceNotFound", "the network interface %s is not found", id)
		}
		next := slices.Clone(cur)
		for _, sg := range sgs {
			if add && !slices.Contains(next, sg) {
				next = append(next, sg)
			}
			if !add {
				next = slices.DeleteFunc(next, func(x string) bool { return x == sg })
			}
		}
		groups[id] = next
	}
	if err := s.setENIGroups(c, groups, ids); err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

func (s *Server) associateENIGroups3(c *call3) (map[string]any, *api3Err) {
	return s.changeENIGroups3(c, true)
}

func (s *Server) disassociateENIGroups3(c *call3) (map[string]any, *api3Err) {
	return s.changeENIGroups3(c, false)
}
