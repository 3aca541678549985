package cvm

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SecurityGroupsService manages security groups (module dfw).
type SecurityGroupsService service

// SecurityGroup is a security group, as DescribeSecurityGroupEx reports it.
type SecurityGroup struct {
	ID        string
	Name      string
	Remark    string
	ProjectID int
	Created   time.Time
	// Instances is how many instances the group is associated with.
	Instances int
	// Version is the rules' version, for the optimistic lock of the rule
	// actions, when the API gives it.
	Version int
}

type securityGroupJSON struct {
	SGID             jsonString `json:"sgId"`
	SGName           jsonString `json:"sgName"`
	SGRemark         jsonString `json:"sgRemark"`
	CreateTime       jsonTime   `json:"createTime"`
	ProjectID        jsonInt    `json:"projectId"` // a string in live answers
	BeAssociateCount jsonInt    `json:"beAssociateCount"`
	Version          jsonInt    `json:"version"`
}

func (j *securityGroupJSON) group() SecurityGroup {
	return SecurityGroup{
		ID: string(j.SGID), Name: string(j.SGName), Remark: string(j.SGRemark), ProjectID: int(j.ProjectID),
		Created: time.Time(j.CreateTime), Instances: int(j.BeAssociateCount), Version: int(j.Version),
	}
}

// SecurityGroupListOptions filters DescribeSecurityGroupEx.
type SecurityGroupListOptions struct {
	// ListOptions counts rows; they are sent as offsetLine, since the
	// action's offset counts pages.
	ListOptions `url:"-"`
	// ProjectID keeps one project's groups; nil means every project.
	ProjectID *int `url:"projectId,omitempty"`
	// ID keeps one group.
	ID string `url:"sgId,omitempty"`
	// Name keeps groups whose name contains it.
	Name string `url:"sgName,omitempty"`
}

type describeSecurityGroupExResponse struct {
	envelope
	Data struct {
		TotalNum jsonInt             `json:"totalNum"`
		Detail   []securityGroupJSON `json:"detail"`
	} `json:"data"`
}

func (s *SecurityGroupsService) page(ctx context.Context, o SecurityGroupListOptions) (page[SecurityGroup], *Response, error) {
	var out describeSecurityGroupExResponse
	resp, err := s.client.do(ctx, "DescribeSecurityGroupEx", &groupsPage{&o, o.Offset, o.Limit}, &out)
	if err != nil {
		return page[SecurityGroup]{}, resp, err
	}
	if out.Data.TotalNum < 0 {
		return page[SecurityGroup]{}, resp, &ResponseError{Action: "DescribeSecurityGroupEx", HTTPStatusCode: 200, Reason: fmt.Sprintf("negative total count %d", out.Data.TotalNum)}
	}
	items := make([]SecurityGroup, len(out.Data.Detail))
	for i := range out.Data.Detail {
		items[i] = out.Data.Detail[i].group()
	}
	resp.TotalCount = int(out.Data.TotalNum)
	return page[SecurityGroup]{items, int(out.Data.TotalNum)}, resp, nil
}

func (s *SecurityGroupsService) lister(opts *SecurityGroupListOptions) lister[SecurityGroup] {
	o := orZero(opts)
	return lister[SecurityGroup]{
		opts: o.ListOptions, key: func(g SecurityGroup) string { return g.ID },
		fetch: func(ctx context.Context, _ []string, off, lim int) (page[SecurityGroup], *Response, error) {
			c := o
			c.Offset, c.Limit = off, lim
			return s.page(ctx, c)
		},
	}
}

// List returns one page of the security groups matching opts (nil for
// all), and the total in Response.TotalCount.
//
// It calls the DescribeSecurityGroupEx action.
func (s *SecurityGroupsService) List(ctx context.Context, opts *SecurityGroupListOptions) ([]SecurityGroup, *Response, error) {
	return s.lister(opts).list(ctx)
}

// All returns an iterator over every security group matching opts; see
// [InstancesService.All].
//
// It calls the DescribeSecurityGroupEx action.
func (s *SecurityGroupsService) All(ctx context.Context, opts *SecurityGroupListOptions) iter.Seq2[SecurityGroup, error] {
	return s.lister(opts).all(ctx)
}

// Get returns one security group; an error matching [ErrNotFound] when
// there is none.
//
// It calls the DescribeSecurityGroupEx action.
func (s *SecurityGroupsService) Get(ctx context.Context, id string) (*SecurityGroup, *Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, nil, err
	}
	list, resp, err := s.List(ctx, &SecurityGroupListOptions{ID: id})
	if err != nil {
		return nil, resp, err
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], resp, nil
		}
	}
	return nil, resp, &APIError{Action: "DescribeSecurityGroupEx", Code: CodeNotFound, Message: "security group " + id + " not found"}
}

// SecurityGroupCreateRequest creates a security group. A new group denies
// everything until it has rules.
type SecurityGroupCreateRequest struct {
	// Name is optional (the API leaves it out of its required parameters);
	// when given it is unique in the project and at most 60 characters.
	Name string `url:"sgName,omitempty"`
	// Remark is at most 100 characters.
	Remark    string `url:"sgRemark,omitempty"`
	ProjectID int    `url:"projectId,omitempty"`
}

type sgDataResponse struct {
	envelope
	Data securityGroupJSON `json:"data"`
}

func checkSGName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > 60 {
		return &ArgError{Arg: "Name", Reason: "must be 1 to 60 characters"}
	}
	return nil
}

// Create creates a security group.
//
// It calls the CreateSecurityGroup action. The message carries the module
// error: "(7005)" for a name in use, "(7002)" for the group limit.
func (s *SecurityGroupsService) Create(ctx context.Context, req *SecurityGroupCreateRequest) (*SecurityGroup, *Response, error) {
	if req == nil {
		return nil, nil, &ArgError{Arg: "req", Reason: "is nil"}
	}
	if req.Name != "" {
		if err := checkSGName(req.Name); err != nil {
			return nil, nil, err
		}
	}
	if utf8.RuneCountInString(req.Remark) > 100 {
		return nil, nil, &ArgError{Arg: "Remark", Reason: "must be at most 100 characters"}
	}
	if req.ProjectID < 0 {
		return nil, nil, &ArgError{Arg: "ProjectID", Reason: "must not be negative"}
	}
	var out sgDataResponse
	resp, err := s.client.do(ctx, "CreateSecurityGroup", req, &out)
	if err != nil {
		return nil, resp, err
	}
	g := out.Data.group()
	g.ProjectID = req.ProjectID
	return &g, resp, nil
}

// SecurityGroupUpdateRequest renames a group or changes its remark; nil
// fields are left as they are.
type SecurityGroupUpdateRequest struct {
	ID     string  `url:"sgId"`
	Name   *string `url:"sgName,omitempty"`
	Remark *string `url:"sgRemark,omitempty"`
}

// Update renames a security group or changes its remark. The default group
// cannot be changed ("(7006)").
//
// It calls the ModifySecurityGroupAttributes action.
func (s *SecurityGroupsService) Update(ctx context.Context, req *SecurityGroupUpdateRequest) (*Response, error) {
	if req == nil {
		return nil, &ArgError{Arg: "req", Reason: "is nil"}
	}
	if err := checkID("ID", req.ID); err != nil {
		return nil, err
	}
	if req.Name == nil && req.Remark == nil {
		return nil, &ArgError{Arg: "req", Reason: "changes nothing"}
	}
	if req.Name != nil {
		if err := checkSGName(*req.Name); err != nil {
			return nil, err
		}
	}
	if req.Remark != nil && utf8.RuneCountInString(*req.Remark) > 100 {
		return nil, &ArgError{Arg: "Remark", Reason: "must be at most 100 characters"}
	}
	return s.client.do(ctx, "ModifySecurityGroupAttributes", req, &batchResponse{})
}

// Delete deletes a security group. The default group, a group named by
// another group's rules and a group with instances cannot be deleted.
//
// It calls the DeleteSecurityGroup action.
func (s *SecurityGroupsService) Delete(ctx context.Context, id string) (*Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return s.client.do(ctx, "DeleteSecurityGroup", &groupRef{id}, &batchResponse{})
}

// RuleAction is what a rule does with matching traffic.
type RuleAction string

// Rule actions.
const (
	Accept RuleAction = "ACCEPT"
	Drop   RuleAction = "DROP"
)

// Direction is the traffic a rule applies to.
type Direction string

// Directions.
const (
	Ingress Direction = "ingress"
	Egress  Direction = "egress"
)

// Rule is a security-group rule. Exactly one source (CIDR, SecurityGroupID
// or AddressModule) may be set; Ports needs Protocol tcp or udp.
type Rule struct {
	// Protocol is "tcp", "udp" or "icmp"; empty means all.
	Protocol string `url:"ipProtocol,omitempty"`
	// CIDR is an address or block, such as "10.0.0.0/8".
	CIDR string `url:"cidrIp,omitempty"`
	// SecurityGroupID matches the instances of another group.
	SecurityGroupID string `url:"sgId,omitempty"`
	AddressModule   string `url:"addressModule,omitempty"`
	// Ports is a port, a range "8000-8010", or "ALL".
	Ports         string `url:"portRange,omitempty"`
	ServiceModule string `url:"serviceModule,omitempty"`
	// Action is Accept or Drop; required.
	Action RuleAction `url:"action"`
	// Description is at most 50 characters.
	Description string `url:"desc,omitempty"`
}

func (r Rule) validate(arg string) error {
	bad := func(reason string) error { return &ArgError{Arg: arg, Reason: reason} }
	if a := RuleAction(strings.ToUpper(string(r.Action))); a != Accept && a != Drop {
		return bad(fmt.Sprintf("Action must be Accept or Drop, got %q", r.Action))
	}
	switch strings.ToLower(r.Protocol) {
	case "", "tcp", "udp", "icmp", "all":
	default:
		return bad(fmt.Sprintf("Protocol must be tcp, udp or icmp, got %q", r.Protocol))
	}
	n := 0
	for _, s := range []string{r.CIDR, r.SecurityGroupID, r.AddressModule} {
		if s != "" {
			n++
		}
	}
	if n > 1 {
		return bad("CIDR, SecurityGroupID and AddressModule are exclusive")
	}
	if p := strings.ToLower(r.Protocol); r.Ports != "" && p != "tcp" && p != "udp" {
		return bad("Ports needs Protocol tcp or udp")
	}
	if r.ServiceModule != "" && (r.Protocol != "" || r.Ports != "") {
		return bad("ServiceModule excludes Protocol and Ports")
	}
	if utf8.RuneCountInString(r.Description) > 50 {
		return bad("Description must be at most 50 characters")
	}
	return nil
}

// RuleSet is a group's rules, in evaluation order, and their version.
type RuleSet struct {
	Ingress []Rule
	Egress  []Rule
	Version int
}

type ruleJSON struct {
	IPProtocol    jsonString `json:"ipProtocol"`
	CIDRIP        jsonString `json:"cidrIp"`
	SGID          jsonString `json:"sgId"`
	AddressModule jsonString `json:"addressModule"`
	PortRange     jsonString `json:"portRange"`
	ServiceModule jsonString `json:"serviceModule"`
	Action        jsonString `json:"action"`
	Desc          jsonString `json:"desc"`
}

func (j *ruleJSON) rule() Rule {
	return Rule{
		Protocol: string(j.IPProtocol), CIDR: string(j.CIDRIP), SecurityGroupID: string(j.SGID),
		AddressModule: string(j.AddressModule), Ports: string(j.PortRange), ServiceModule: string(j.ServiceModule),
		Action: RuleAction(strings.ToUpper(string(j.Action))), Description: string(j.Desc),
	}
}

type policysResponse struct {
	envelope
	Data struct {
		Ingress []ruleJSON `json:"ingress"`
		Egress  []ruleJSON `json:"egress"`
		Version jsonInt    `json:"version"`
	} `json:"data"`
}

// Rules returns a security group's rules and their version.
//
// It calls the DescribeSecurityGroupPolicys action.
func (s *SecurityGroupsService) Rules(ctx context.Context, id string) (*RuleSet, *Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, nil, err
	}
	var out policysResponse
	resp, err := s.client.do(ctx, "DescribeSecurityGroupPolicys", &groupRef{id}, &out)
	if err != nil {
		return nil, resp, err
	}
	rs := &RuleSet{Version: int(out.Data.Version)}
	for i := range out.Data.Ingress {
		rs.Ingress = append(rs.Ingress, out.Data.Ingress[i].rule())
	}
	for i := range out.Data.Egress {
		rs.Egress = append(rs.Egress, out.Data.Egress[i].rule())
	}
	return rs, resp, nil
}

// maxRules is how many rules a direction holds [inferred].
const maxRules = 100

func checkRules(arg string, rules []Rule) error {
	if len(rules) > maxRules {
		return &ArgError{Arg: arg, Reason: fmt.Sprintf("at most %d rules", maxRules)}
	}
	for i, r := range rules {
		if err := r.validate(arg + "[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	return nil
}

// ReplaceRules replaces all of a group's rules in one call, in order. An
// invalid rule rejects the whole call and changes nothing.
//
// It calls the ModifySecurityGroupPolicys action.
func (s *SecurityGroupsService) ReplaceRules(ctx context.Context, id string, ingress, egress []Rule) (*Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	if err := checkRules("ingress", ingress); err != nil {
		return nil, err
	}
	if err := checkRules("egress", egress); err != nil {
		return nil, err
	}
	return s.client.do(ctx, "ModifySecurityGroupPolicys", &rulesReplace{id, ingress, egress}, &batchResponse{})
}

// RuleChange names the rules one rule action changes. Version, when set,
// locks the change to that version of the rules (from [SecurityGroupsService.Rules]):
// the call fails if anyone changed them since.
type RuleChange struct {
	ID        string    `url:"sgId"`
	Direction Direction `url:"direction"`
	Version   *int      `url:"version,omitempty"`
}

func (c *RuleChange) validate() error {
	if c == nil {
		return &ArgError{Arg: "change", Reason: "is nil"}
	}
	if err := checkID("ID", c.ID); err != nil {
		return err
	}
	if c.Direction != Ingress && c.Direction != Egress {
		return &ArgError{Arg: "Direction", Reason: "must be Ingress or Egress"}
	}
	return nil
}

// InsertRules inserts rules before position index (0 is first; -1
// appends).
//
// It calls the CreateSecurityGroupPolicy action.
func (s *SecurityGroupsService) InsertRules(ctx context.Context, change *RuleChange, index int, rules ...Rule) (*Response, error) {
	if err := change.validate(); err != nil {
		return nil, err
	}
	if index < -1 {
		return nil, &ArgError{Arg: "index", Reason: "must be -1 or more"}
	}
	if len(rules) == 0 {
		return nil, &ArgError{Arg: "rules", Reason: "needs at least one rule"}
	}
	if err := checkRules("rules", rules); err != nil {
		return nil, err
	}
	return s.client.do(ctx, "CreateSecurityGroupPolicy", &rulesInsert{change, index, rules}, &batchResponse{})
}

// ReplaceRule replaces the rule at index.
//
// It calls the ModifySingleSecurityGroupPolicy action.
func (s *SecurityGroupsService) ReplaceRule(ctx context.Context, change *RuleChange, index int, rule Rule) (*Response, error) {
	if err := change.validate(); err != nil {
		return nil, err
	}
	if index < 0 {
		return nil, &ArgError{Arg: "index", Reason: "must not be negative"}
	}
	if err := rule.validate("rule"); err != nil {
		return nil, err
	}
	// A single object, documented without an index: policys.ipProtocol=...
	return s.client.do(ctx, "ModifySingleSecurityGroupPolicy", &ruleReplace{change, index, rule}, &batchResponse{})
}

// DeleteRules deletes the rules at the indexes.
//
// It calls the DeleteSecurityGroupPolicy action.
func (s *SecurityGroupsService) DeleteRules(ctx context.Context, change *RuleChange, indexes ...int) (*Response, error) {
	if err := change.validate(); err != nil {
		return nil, err
	}
	if len(indexes) == 0 {
		return nil, &ArgError{Arg: "indexes", Reason: "needs at least one index"}
	}
	for _, i := range indexes {
		if i < 0 {
			return nil, &ArgError{Arg: "indexes", Reason: "must not be negative"}
		}
	}
	return s.client.do(ctx, "DeleteSecurityGroupPolicy", &rulesDelete{change, indexes}, &batchResponse{})
}

// The security-group actions' requests of their own (the others take the
// exported request types): their url tags put them on the legacy wire; the
// API 3.0 routes read them as they are.
type (
	groupRef struct {
		ID string `url:"sgId"`
	}
	rulesReplace struct {
		ID      string     `url:"sgId"`
		Ingress List[Rule] `url:"ingress,omitempty"`
		Egress  List[Rule] `url:"egress,omitempty"`
	}
	rulesInsert struct {
		*RuleChange
		Index int        `url:"index"`
		Rules List[Rule] `url:"policys"`
	}
	ruleReplace struct {
		*RuleChange
		Index int  `url:"index"`
		Rule  Rule `url:"policys"`
	}
	rulesDelete struct {
		*RuleChange
		Indexes List[int] `url:"indexes"`
	}
	groupsPage struct {
		*SecurityGroupListOptions
		OffsetLine int `url:"offsetLine"`
		Limit      int `url:"limit,omitempty"`
	}
	groupRefs struct {
		IDs List[string] `url:"sgIds"`
	}
	groupPage struct {
		ID string `url:"sgId"`
		ListOptions
	}
	// defaultGroupIn sends projectId even when it is 0 (the default
	// project).
	defaultGroupIn struct {
		ProjectID int `url:"projectId"`
	}
	instanceGroupsSet struct {
		Set List[InstanceGroups] `url:"instanceSet"`
	}
)

type sgInstancesResponse struct {
	envelope
	TotalCount jsonInt `json:"totalCount"`
	Data       []struct {
		InstanceID jsonString `json:"instanceId"`
	} `json:"data"`
}

func (s *SecurityGroupsService) instancesPage(ctx context.Context, id string, o ListOptions) (page[string], *Response, error) {
	var out sgInstancesResponse
	resp, err := s.client.do(ctx, "DescribeInstancesOfSecurityGroup", &groupPage{id, o}, &out)
	if err != nil {
		return page[string]{}, resp, err
	}
	if out.TotalCount < 0 {
		return page[string]{}, resp, &ResponseError{Action: "DescribeInstancesOfSecurityGroup", HTTPStatusCode: 200, Reason: fmt.Sprintf("negative total count %d", out.TotalCount)}
	}
	ids := make([]string, len(out.Data))
	for i, d := range out.Data {
		ids[i] = string(d.InstanceID)
	}
	resp.TotalCount = int(out.TotalCount)
	return page[string]{ids, int(out.TotalCount)}, resp, nil
}

func (s *SecurityGroupsService) instancesLister(id string, opts *ListOptions) lister[string] {
	o := orZero(opts)
	return lister[string]{
		opts: o, key: func(s string) string { return s },
		fetch: func(ctx context.Context, _ []string, off, lim int) (page[string], *Response, error) {
			return s.instancesPage(ctx, id, ListOptions{Offset: off, Limit: lim})
		},
	}
}

// ListInstances returns one page of the ids of the instances associated
// with a group, and the total in Response.TotalCount.
//
// It calls the DescribeInstancesOfSecurityGroup action.
func (s *SecurityGroupsService) ListInstances(ctx context.Context, id string, opts *ListOptions) ([]string, *Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, nil, err
	}
	return s.instancesLister(id, opts).list(ctx)
}

// AllInstances returns an iterator over the ids of every instance
// associated with a group; see [InstancesService.All].
//
// It calls the DescribeInstancesOfSecurityGroup action.
func (s *SecurityGroupsService) AllInstances(ctx context.Context, id string, opts *ListOptions) iter.Seq2[string, error] {
	if err := checkID("id", id); err != nil {
		return errSeq[string](err)
	}
	return s.instancesLister(id, opts).all(ctx)
}

// InstanceGroups sets the security groups of one instance, in evaluation
// order.
type InstanceGroups struct {
	InstanceID       string       `url:"instanceId"`
	SecurityGroupIDs List[string] `url:"sgIds"`
}

// maxInstanceSet is how many instances one ModifySecurityGroupsOfInstance
// call takes.
const maxInstanceSet = 20

// SetInstanceGroups replaces the security groups of instances (of their
// primary network interface). More than 20 instances are sent in several
// calls; each instance's change stands on its own.
//
// It calls the ModifySecurityGroupsOfInstance action. "(7003)" in the
// message means an instance's state forbids the change.
func (s *SecurityGroupsService) SetInstanceGroups(ctx context.Context, sets ...InstanceGroups) (*Response, error) {
	if len(sets) == 0 {
		return nil, &ArgError{Arg: "sets", Reason: "needs at least one instance"}
	}
	for _, set := range sets {
		if err := checkID("InstanceID", set.InstanceID); err != nil {
			return nil, err
		}
		for _, sg := range set.SecurityGroupIDs {
			if err := checkID("SecurityGroupIDs", sg); err != nil {
				return nil, err
			}
		}
	}
	resp := &Response{}
	for chunk := range chunks(sets, maxInstanceSet) {
		r, err := s.client.do(ctx, "ModifySecurityGroupsOfInstance", &instanceGroupsSet{chunk}, &batchResponse{})
		if r != nil {
			resp.add(r)
		}
		if err != nil {
			return resp, err
		}
	}
	return resp, nil
}

type associateResponse struct {
	envelope
	Data map[string]oneOrMany[jsonString] `json:"data"`
}

// Referrers returns, for each group, the groups whose rules name it; a
// group so named cannot be deleted.
//
// It calls the DescribeAssociateSecurityGroups action.
func (s *SecurityGroupsService) Referrers(ctx context.Context, ids ...string) (map[string][]string, *Response, error) {
	if err := checkIDs("ids", ids); err != nil {
		return nil, nil, err
	}
	var out associateResponse
	resp, err := s.client.do(ctx, "DescribeAssociateSecurityGroups", &groupRefs{ids}, &out)
	if err != nil {
		return nil, resp, err
	}
	res := make(map[string][]string, len(out.Data))
	for id, refs := range out.Data {
		list := make([]string, 0, len(refs))
		for _, r := range refs {
			list = append(list, string(r))
		}
		res[id] = list
	}
	return res, resp, nil
}

type defaultGroupResponse struct {
	envelope
	Data struct {
		securityGroupJSON
		New jsonInt `json:"new"`
	} `json:"data"`
}

// Default returns a project's default security group, creating it if the
// project has none (created then reports true). The default group allows
// everything and cannot be changed or deleted.
//
// It calls the DescribeOrCreateDefaultSecurityGroup action.
func (s *SecurityGroupsService) Default(ctx context.Context, projectID int) (group *SecurityGroup, created bool, resp *Response, err error) {
	if projectID < 0 {
		return nil, false, nil, &ArgError{Arg: "projectID", Reason: "must not be negative"}
	}
	var out defaultGroupResponse
	resp, err = s.client.do(ctx, "DescribeOrCreateDefaultSecurityGroup", &defaultGroupIn{projectID}, &out)
	if err != nil {
		return nil, false, resp, err
	}
	g := out.Data.group()
	g.ProjectID = projectID
	return &g, out.Data.New == 1, resp, nil
}
