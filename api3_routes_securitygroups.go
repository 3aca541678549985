package cvm

// Routes of the security-group actions (spec/api3 §6 rows 28 to 40, 63,
// 64): dfw to vpc's groups and policies; the instances and interfaces of a
// group through cvm and vpc filters.

import (
	"context"
	"strconv"
	"strings"
)

func init() {
	addRoutes3(map[string]route3{
		"DescribeSecurityGroupEx": {service: "vpc", action: "DescribeSecurityGroups", typed: typedDescribeGroupsEx3,
			newOut: func() any { return new(describeGroups3) }, fillTyped: fillDescribeGroupsEx3},
		"DescribeOrCreateDefaultSecurityGroup": {runTyped: defaultGroup3},
		// No service calls DescribeSecurityGroups (Client.Do reaches it):
		// its route takes the options DescribeSecurityGroupEx does, and
		// pages by its limit alone.
		"DescribeSecurityGroups": {service: "vpc", action: "DescribeSecurityGroups", typed: func(ctx context.Context, c *Client, req any) (map[string]any, error) {
			o := req.(*SecurityGroupListOptions)
			return typedDescribeGroupsEx3(ctx, c, &groupsPage{SecurityGroupListOptions: o, Limit: o.Limit})
		}},
		"CreateSecurityGroup": {service: "vpc", action: "CreateSecurityGroup", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			r := req.(*SecurityGroupCreateRequest)
			// GroupDescription is required in API 3.0 (§6 row 29); an empty
			// remark is sent as the name.
			desc := r.Remark
			if desc == "" {
				desc = r.Name
			}
			m := map[string]any{"GroupName": r.Name, "GroupDescription": desc}
			if r.ProjectID != 0 {
				m["ProjectId"] = strconv.Itoa(r.ProjectID) // a string here (§6 row 29)
			}
			return m, nil
		}, newOut: func() any { return new(oneGroup3) }, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
			out.(*sgDataResponse).Data = got.(*oneGroup3).SecurityGroup.legacy()
			return nil
		}},
		"ModifySecurityGroupAttributes": typed3("vpc", "ModifySecurityGroupAttribute", func(req any) map[string]any {
			r := req.(*SecurityGroupUpdateRequest)
			m := map[string]any{"SecurityGroupId": r.ID}
			if r.Name != nil {
				m["GroupName"] = *r.Name
			}
			if r.Remark != nil {
				m["GroupDescription"] = *r.Remark
			}
			return m
		}),
		"DeleteSecurityGroup": typed3("vpc", "DeleteSecurityGroup", func(req any) map[string]any {
			return map[string]any{"SecurityGroupId": req.(*groupRef).ID}
		}),
		"DescribeSecurityGroupPolicys": {service: "vpc", action: "DescribeSecurityGroupPolicies", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			return map[string]any{"SecurityGroupId": req.(*groupRef).ID}, nil
		}, newOut: func() any { return new(policies3) }, fillTyped: fillPolicies3},
		"ModifySecurityGroupPolicys": typed3("vpc", "ModifySecurityGroupPolicies", func(req any) map[string]any {
			r := req.(*rulesReplace)
			return map[string]any{"SecurityGroupId": r.ID, "SecurityGroupPolicySet": map[string]any{
				"Ingress": rules3(r.Ingress, -1), "Egress": rules3(r.Egress, -1)}}
		}),
		"CreateSecurityGroupPolicy": typed3("vpc", "CreateSecurityGroupPolicies", func(req any) map[string]any {
			r := req.(*rulesInsert)
			return policyCall3(r.RuleChange, rules3(r.Rules, max(r.Index, -1)))
		}),
		"ModifySingleSecurityGroupPolicy": typed3("vpc", "ReplaceSecurityGroupPolicy", func(req any) map[string]any {
			r := req.(*ruleReplace)
			return policyCall3(r.RuleChange, rules3([]Rule{r.Rule}, r.Index))
		}),
		"DeleteSecurityGroupPolicy": typed3("vpc", "DeleteSecurityGroupPolicies", func(req any) map[string]any {
			r := req.(*rulesDelete)
			var rs []any
			for _, i := range r.Indexes {
				rs = append(rs, map[string]any{"PolicyIndex": i})
			}
			return policyCall3(r.RuleChange, rs)
		}),
		"DescribeInstancesOfSecurityGroup": {service: "cvm", action: "DescribeInstances", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			r := req.(*groupPage)
			m := map[string]any{"Filters": []any{filter3("security-group-id", r.ID)}}
			page3(m, r.ListOptions)
			return m, nil
		}, newOut: func() any { return new(describeInstances3) }, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
			g, o := got.(*describeInstances3), out.(*sgInstancesResponse)
			o.TotalCount = jsonInt(g.TotalCount)
			for _, in := range g.InstanceSet {
				o.Data = append(o.Data, struct {
					InstanceID jsonString `json:"instanceId"`
				}{jsonString(in.InstanceId)})
			}
			return nil
		}},
		"DescribeNetworkInterfacesOfSecurityGroup": {service: "vpc", action: "DescribeNetworkInterfaces", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			return map[string]any{"Filters": []any{filter3("groups.security-group-id", req.(*groupRef).ID)}, "Limit": 100}, nil
		}, newOut: func() any { return new(interfaces3) }, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
			g, o := got.(*interfaces3), out.(*eniOfGroupResponse)
			o.Data.TotalCount = jsonInt(g.TotalCount)
			for _, e := range g.NetworkInterfaceSet {
				o.Data.NetworkInterfaceSet = append(o.Data.NetworkInterfaceSet, struct {
					NetworkInterfaceID jsonString `json:"networkInterfaceId"`
				}{jsonString(e.NetworkInterfaceId)})
			}
			return nil
		}},
		"DescribeAssociateSecurityGroups": {service: "vpc", action: "DescribeSecurityGroupReferences", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			return map[string]any{"SecurityGroupIds": []string(req.(*groupRefs).IDs)}, nil
		}, newOut: func() any { return new(references3) }, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
			o := out.(*associateResponse)
			o.Data = map[string]oneOrMany[jsonString]{}
			for _, r := range got.(*references3).ReferredSecurityGroupSet {
				o.Data[r.SecurityGroupId] = asJSONStrings(r.ReferredSecurityGroupIds)
			}
			return nil
		}},
		"ModifySecurityGroupsOfInstance":         {runTyped: setInstanceGroups3},
		"ModifySecurityGroupsOfNetworkInterface": {runTyped: setInterfaceGroups3},
	})
}

type group3 struct {
	SecurityGroupId, SecurityGroupName, SecurityGroupDesc, ProjectId, CreatedTime string
}

func (g group3) legacy() securityGroupJSON {
	pid, _ := strconv.Atoi(g.ProjectId)
	created, ok := parseAPITime3(g.CreatedTime)
	if !ok {
		created = parseTime3(g.CreatedTime)
	}
	return securityGroupJSON{SGID: jsonString(g.SecurityGroupId), SGName: jsonString(g.SecurityGroupName),
		SGRemark: jsonString(g.SecurityGroupDesc), ProjectID: jsonInt(pid), CreateTime: created}
}

// parseAPITime3 reads vpc's "YYYY-MM-DD hh:mm:ss" (Beijing) times.
func parseAPITime3(s string) (jsonTime, bool) {
	var t jsonTime
	if err := t.UnmarshalJSON([]byte(strconv.Quote(s))); err != nil || s == "" {
		return jsonTime{}, false
	}
	return t, true
}

type describeGroups3 struct {
	Envelope3
	TotalCount       int
	SecurityGroupSet []group3
}

type oneGroup3 struct {
	Envelope3
	SecurityGroup group3
}

type policy3 struct {
	PolicyIndex                                                           int
	Protocol, Port, CidrBlock, SecurityGroupId, Action, PolicyDescription string
	AddressTemplate                                                       struct{ AddressId string }
	ServiceTemplate                                                       struct{ ServiceId string }
}

type policies3 struct {
	Envelope3
	SecurityGroupPolicySet struct {
		Version         string
		Ingress, Egress []policy3
	}
}

type references3 struct {
	Envelope3
	ReferredSecurityGroupSet []struct {
		SecurityGroupId          string
		ReferredSecurityGroupIds []string
	}
}

type interfaces3 struct {
	Envelope3
	TotalCount          int
	NetworkInterfaceSet []struct {
		NetworkInterfaceId, VpcId, SubnetId, Zone string
		GroupSet                                  []string
		Attachment                                *struct{ InstanceId string }
	}
}

// typedDescribeGroupsEx3 is DescribeSecurityGroupEx's members: its
// offsetLine counts rows, as API 3.0's Offset does; both are strings here
// (vpc's DescribeSecurityGroups, §5).
func typedDescribeGroupsEx3(_ context.Context, _ *Client, req any) (map[string]any, error) {
	r := req.(*groupsPage)
	d := &describe3{members: map[string]any{}}
	if r.OffsetLine != 0 {
		d.members["Offset"] = strconv.Itoa(r.OffsetLine)
	}
	if r.Limit != 0 {
		d.members["Limit"] = strconv.Itoa(r.Limit)
	}
	if o := r.SecurityGroupListOptions; !d.ids("SecurityGroupIds", nonEmpty(o.ID)) {
		if o.Name != "" {
			d.filter("security-group-name", o.Name)
		}
		if o.ProjectID != nil {
			d.filter("project-id", strconv.Itoa(*o.ProjectID))
		}
	}
	return d.done()
}

// nonEmpty is s as a list: none when it is "".
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// fillDescribeGroupsEx3: the count of instances a group is associated
// with is not in API 3.0's list; one DescribeSecurityGroupAssociationStatistics
// call for the page gives it.
func fillDescribeGroupsEx3(ctx context.Context, c *Client, got, out, _ any) error {
	g, o := got.(*describeGroups3), out.(*describeSecurityGroupExResponse)
	o.Data.TotalNum = jsonInt(g.TotalCount)
	ids := make([]string, 0, len(g.SecurityGroupSet))
	for _, sg := range g.SecurityGroupSet {
		o.Data.Detail = append(o.Data.Detail, sg.legacy())
		ids = append(ids, sg.SecurityGroupId)
	}
	if len(ids) == 0 {
		return nil
	}
	var stats struct {
		Envelope3
		SecurityGroupAssociationStatisticsSet []struct {
			SecurityGroupId string
			CVM             int
		}
	}
	if _, err := c.send3Members(ctx, "vpc", "DescribeSecurityGroupAssociationStatistics", map[string]any{"SecurityGroupIds": ids}, &stats); err != nil {
		return err
	}
	for _, st := range stats.SecurityGroupAssociationStatisticsSet {
		for i := range o.Data.Detail {
			if string(o.Data.Detail[i].SGID) == st.SecurityGroupId {
				o.Data.Detail[i].BeAssociateCount = jsonInt(st.CVM)
			}
		}
	}
	return nil
}

// defaultGroup3 is DescribeOrCreateDefaultSecurityGroup: API 3.0's
// CreateDefaultSecurityGroup does not say whether it made the group (§6
// row 40), so the project's default group is looked for first.
func defaultGroup3(ctx context.Context, c *Client, req, out any) (*Response, error) {
	pid := strconv.Itoa(req.(*defaultGroupIn).ProjectID)
	resp := &Response{}
	var list struct {
		Envelope3
		SecurityGroupSet []struct{ IsDefault bool }
	}
	r, err := c.send3Members(ctx, "vpc", "DescribeSecurityGroups", map[string]any{
		"Filters": []any{filter3("project-id", pid)}, "Limit": "100"}, &list)
	resp.add(r)
	if err != nil {
		return resp, err
	}
	existed := false
	for _, g := range list.SecurityGroupSet {
		existed = existed || g.IsDefault
	}
	var made oneGroup3
	r, err = c.send3Members(ctx, "vpc", "CreateDefaultSecurityGroup", map[string]any{"ProjectId": pid}, &made)
	resp.add(r)
	if err != nil {
		return resp, err
	}
	o := out.(*defaultGroupResponse)
	o.Data.securityGroupJSON = made.SecurityGroup.legacy()
	o.Data.New = jsonInt(btoi(!existed))
	return resp, nil
}

func fillPolicies3(_ context.Context, _ *Client, got, out, _ any) error {
	set, o := got.(*policies3).SecurityGroupPolicySet, out.(*policysResponse)
	conv := func(ps []policy3) []ruleJSON {
		var rs []ruleJSON
		for _, p := range ps {
			proto := strings.ToLower(p.Protocol)
			if proto == "all" {
				proto = ""
			}
			port := p.Port
			if strings.EqualFold(port, "ALL") {
				port = ""
			}
			rs = append(rs, ruleJSON{IPProtocol: jsonString(proto), CIDRIP: jsonString(p.CidrBlock), SGID: jsonString(p.SecurityGroupId),
				AddressModule: jsonString(p.AddressTemplate.AddressId), PortRange: jsonString(port),
				ServiceModule: jsonString(p.ServiceTemplate.ServiceId), Action: jsonString(p.Action), Desc: jsonString(p.PolicyDescription)})
		}
		return rs
	}
	o.Data.Ingress, o.Data.Egress = conv(set.Ingress), conv(set.Egress)
	n, _ := strconv.Atoi(set.Version)
	o.Data.Version = jsonInt(n)
	return nil
}

// rules3 turns legacy rules (ipProtocol, cidrIp, portRange, ...) into
// API 3.0 policies; the first takes PolicyIndex at, when at >= 0.
func rules3(rules []Rule, at int) []any {
	out := make([]any, 0, len(rules))
	for i, r := range rules {
		p := map[string]any{"Action": strings.ToUpper(string(r.Action))}
		proto := strings.ToUpper(r.Protocol)
		if proto == "" && r.ServiceModule == "" {
			proto = "ALL"
		}
		if proto != "" {
			p["Protocol"] = proto
		}
		for member, value := range map[string]string{"Port": r.Ports, "CidrBlock": r.CIDR, "SecurityGroupId": r.SecurityGroupID,
			"PolicyDescription": r.Description} {
			if value != "" {
				p[member] = value
			}
		}
		if r.AddressModule != "" {
			p["AddressTemplate"] = map[string]any{"AddressId": r.AddressModule}
		}
		if r.ServiceModule != "" {
			p["ServiceTemplate"] = map[string]any{"ServiceId": r.ServiceModule}
		}
		if i == 0 && at >= 0 {
			p["PolicyIndex"] = at
		}
		out = append(out, p)
	}
	return out
}

// policyCall3 is the request of the one-direction policy actions.
func policyCall3(c *RuleChange, rules []any) map[string]any {
	set := map[string]any{}
	if c.Version != nil {
		set["Version"] = strconv.Itoa(*c.Version)
	}
	dir := "Ingress"
	if c.Direction == Egress {
		dir = "Egress"
	}
	set[dir] = rules
	return map[string]any{"SecurityGroupId": c.ID, "SecurityGroupPolicySet": set}
}

// setInstanceGroups3 replaces each instance's groups: one
// ModifyInstancesAttribute call per instance (§6 row 38).
func setInstanceGroups3(ctx context.Context, c *Client, req, _ any) (*Response, error) {
	resp := &Response{}
	for _, set := range req.(*instanceGroupsSet).Set {
		body := map[string]any{"InstanceIds": []string{set.InstanceID}, "SecurityGroups": []string(set.SecurityGroupIDs)}
		r, err := c.send3Members(ctx, "cvm", "ModifyInstancesAttribute", body, nil)
		resp.add(r)
		if err != nil {
			return resp, err
		}
	}
	return resp, nil
}

// setInterfaceGroups3 replaces each interface's groups: one
// ModifyNetworkInterfaceAttribute call per interface (§6 row 64).
func setInterfaceGroups3(ctx context.Context, c *Client, req, _ any) (*Response, error) {
	resp := &Response{}
	for _, set := range req.(*interfaceGroupsSet).Set {
		body := map[string]any{"NetworkInterfaceId": set.InterfaceID, "SecurityGroupIds": []string(set.SecurityGroupIDs)}
		r, err := c.send3Members(ctx, "vpc", "ModifyNetworkInterfaceAttribute", body, nil)
		resp.add(r)
		if err != nil {
			return resp, err
		}
	}
	return resp, nil
}
