package emulator

// API 3.0 actions of service vpc on VPCs and subnets (core_vpc.go):
// CreateVpc, DescribeVpcs, ModifyVpcAttribute, DeleteVpc, CreateSubnet,
// DescribeSubnets, ModifySubnetAttribute, DeleteSubnet, each VPC's main
// route table (DescribeRouteTables), the addresses taken
// (DescribeUsedIpAddress) and bandwidth packages (none). Error codes are
// the ones the official SDK lists for each action.

import (
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

func init() {
	register3("vpc", map[string]handler3{
		"CreateVpc":                 {fn: (*Server).createVpc3},
		"DescribeVpcs":              {fn: (*Server).describeVpcs3, reads: true},
		"ModifyVpcAttribute":        {fn: (*Server).modifyVpcAttribute3},
		"DeleteVpc":                 {fn: (*Server).deleteVpc3},
		"CreateSubnet":              {fn: (*Server).createSubnet3},
		"DescribeSubnets":           {fn: (*Server).describeSubnets3, reads: true},
		"ModifySubnetAttribute":     {fn: (*Server).modifySubnetAttribute3},
		"DeleteSubnet":              {fn: (*Server).deleteSubnet3},
		"DescribeRouteTables":       {fn: (*Server).describeRouteTables3, reads: true},
		"DescribeUsedIpAddress":     {fn: (*Server).describeUsedIpAddress3, reads: true},
		"DescribeBandwidthPackages": {fn: (*Server).describeBandwidthPackages3, reads: true},
	})
}

var (
	vpcIDRE    = regexp.MustCompile(`^vpc-[a-z0-9]{8}$`)
	subnetIDRE = regexp.MustCompile(`^subnet-[a-z0-9]{8}$`)
	routeIDRE  = regexp.MustCompile(`^rtb-[a-z0-9]{8}$`)
)

// maxNetworkName is the longest VPC or subnet name (60 characters, the
// models' comments).
const maxNetworkName = 60

func (rg *region) vpc3(v *vpc) map[string]any {
	dns := slices.Clone(v.dns)
	if dns == nil {
		dns = []string{}
	}
	return map[string]any{"VpcName": v.name, "VpcId": v.id, "CidrBlock": v.cidr.String(), "IsDefault": v.isDefault,
		"EnableMulticast": v.multicast, "CreatedTime": apiTime(v.created), "DnsServerSet": dns, "DomainName": v.domain,
		"DhcpOptionsId": "", "EnableDhcp": true, "Ipv6CidrBlock": "", "TagSet": rg.tagSet3("vpc", "vpc", v.id),
		"AssistantCidrSet": []any{}, "EnableRouteVpcPublish": false, "EnableRouteVpcPublishIpv6": false,
		"Ipv6CidrBlockSet": []any{}}
}

func (rg *region) subnet3(sn *subnet) map[string]any {
	return map[string]any{"VpcId": sn.vpcID, "SubnetId": sn.id, "SubnetName": sn.name, "CidrBlock": sn.cidr.String(),
		"IsDefault": sn.isDefault, "EnableBroadcast": sn.broadcast, "Zone": zoneName3(rg.code, sn.zone),
		"RouteTableId": rg.vpcs[sn.vpcID].routeID, "CreatedTime": apiTime(sn.created),
		"AvailableIpAddressCount": sn.available(), "TotalIpAddressCount": size(sn.cidr), "Ipv6CidrBlock": "",
		"NetworkAclId": "", "IsRemoteVpcSnat": false, "TagSet": rg.tagSet3("vpc", "subnet", sn.id), "CdcId": "",
		"IsCdcSubnet": 0}
}

// vpcArg3 reads the call's VpcId, which must name a VPC of the region.
func (s *Server) vpcArg3(c *call3) (*vpc, *api3Err) {
	return ownArg3(c, "VpcId", "VPC", "vpc-xxxxxxxx", vpcIDRE, c.rg.vpcs)
}

// subnetArg3 reads the call's SubnetId, which must name a subnet of the
// region.
func (s *Server) subnetArg3(c *call3) (*subnet, *api3Err) {
	return ownArg3(c, "SubnetId", "subnet", "subnet-xxxxxxxx", subnetIDRE, c.rg.subnets)
}

// ownArg3 reads the id in member name, which must be well formed (re, as
// form shows it) and name one of the region's own (of).
func ownArg3[T any](c *call3, name, kind, form string, re *regexp.Regexp, of map[string]T) (T, *api3Err) {
	var none T
	id, err := str3(c, name, true)
	if err != nil {
		return none, err
	}
	if !re.MatchString(id) {
		return none, err3("InvalidParameterValue.Malformed", "the %s id %q is malformed: want %s", kind, id, form)
	}
	v, ok := of[id]
	if !ok {
		return none, err3("ResourceNotFound", "the %s %s is not found", kind, id)
	}
	return v, nil
}

// networkName3 reads a VPC's or subnet's name: 1 to 60 characters.
func networkName3(c *call3, name string, required bool) (string, bool, *api3Err) {
	if !c.q.has(name) {
		if required {
			return "", false, err3("MissingParameter", "the parameter %s is required", name)
		}
		return "", false, nil
	}
	v := c.q.v.Get(name)
	switch {
	case v == "":
		return "", false, err3("InvalidParameterValue.Empty", "%s is empty", name)
	case utf8.RuneCountInString(v) > maxNetworkName:
		return "", false, err3("InvalidParameterValue.TooLong", "%s is longer than %d characters", name, maxNetworkName)
	}
	return v, true, nil
}

// cidr3 reads a block.
func cidr3(c *call3, name string) (netip.Prefix, *api3Err) {
	v, err := str3(c, name, true)
	if err != nil {
		return netip.Prefix{}, err
	}
	p, perr := netip.ParsePrefix(v)
	if perr != nil || !p.Addr().Is4() {
		return netip.Prefix{}, err3("InvalidParameterValue.Malformed", "%s %q is not an IPv4 block such as 10.0.0.0/16", name, v)
	}
	return p, nil
}

// dnsServers3 reads DnsServers: at most 4 IPv4 addresses.
func dnsServers3(c *call3) ([]string, bool, *api3Err) {
	l := c.q.list("DnsServers")
	if len(l) == 0 {
		return nil, false, nil
	}
	if len(l) > 4 {
		return nil, false, err3("InvalidParameterValue.LimitExceeded", "DnsServers takes at most 4 addresses, got %d", len(l))
	}
	for _, a := range l {
		if ip, err := netip.ParseAddr(a); err != nil || !ip.Is4() {
			return nil, false, err3("InvalidParameterValue.Malformed", "the DNS server %q is not an IPv4 address", a)
		}
	}
	return l, true, nil
}

func (s *Server) createVpc3(c *call3) (map[string]any, *api3Err) {
	name, _, err := networkName3(c, "VpcName", true)
	if err != nil {
		return nil, err
	}
	cidr, err := cidr3(c, "CidrBlock")
	if err != nil {
		return nil, err
	}
	if !vpcBlockOK(cidr) {
		return nil, err3("InvalidParameterValue", "CidrBlock %s must be a /16 to /28 of 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", cidr)
	}
	multicast, _, err := bool3(c, "EnableMulticast")
	if err != nil {
		return nil, err
	}
	dns, _, err := dnsServers3(c)
	if err != nil {
		return nil, err
	}
	tags, err := tagSpec3(c, "vpc")
	if err != nil {
		return nil, err
	}
	if len(c.rg.vpcs) >= maxVPCsPerRegion {
		return nil, err3("LimitExceeded", "the region has %d VPCs, its most", maxVPCsPerRegion)
	}
	v := &vpc{name: name, cidr: cidr, multicast: multicast, dns: dns, domain: c.q.v.Get("DomainName"), created: c.now}
	s.addVPC(c.rg, v)
	c.rg.tagNew("vpc", "vpc", v.id, tags)
	return map[string]any{"Vpc": c.rg.vpc3(v)}, nil
}

func (s *Server) describeVpcs3(c *call3) (map[string]any, *api3Err) {
	l, err := list3(c, listSpec{ids: "VpcIds", coexist: "InvalidParameter.Coexist", maxValues: 5,
		idRE: vpcIDRE, malformed: "InvalidParameterValue.Malformed", idTemplate: "vpc-xxxxxxxx",
		filters: map[string]bool{"vpc-name": true, "is-default": true, "vpc-id": true, "cidr-block": true, "tag-key": true, "tag:": true}})
	if err != nil {
		return nil, err
	}
	var all []*vpc
	for _, id := range c.rg.vpcSeq {
		v := c.rg.vpcs[id]
		if l.wants(id, func(f filter) bool {
			switch f.name {
			case "vpc-name":
				return f.has(func(s string) bool { return strings.Contains(v.name, s) })
			case "is-default":
				return f.contains(strconv.FormatBool(v.isDefault))
			case "vpc-id":
				return f.contains(v.id)
			case "cidr-block":
				return f.contains(v.cidr.String())
			}
			ok, _ := c.rg.tagMatch(f, "vpc", "vpc", v.id)
			return ok
		}) {
			all = append(all, v)
		}
	}
	set := []map[string]any{}
	for _, v := range pageOf(all, l.offset, l.limit) {
		set = append(set, c.rg.vpc3(v))
	}
	return map[string]any{"TotalCount": len(all), "VpcSet": set}, nil
}

func (s *Server) modifyVpcAttribute3(c *call3) (map[string]any, *api3Err) {
	v, err := s.vpcArg3(c)
	if err != nil {
		return nil, err
	}
	name, hasName, err := networkName3(c, "VpcName", false)
	if err != nil {
		return nil, err
	}
	multicast, hasMulticast, err := bool3(c, "EnableMulticast")
	if err != nil {
		return nil, err
	}
	dns, hasDNS, err := dnsServers3(c)
	if err != nil {
		return nil, err
	}
	if hasName {
		v.name = name
	}
	if hasMulticast {
		v.multicast = multicast
	}
	if hasDNS {
		v.dns = dns
	}
	if c.q.has("DomainName") {
		v.domain = c.q.v.Get("DomainName")
	}
	c.rg.gen++
	return map[string]any{}, nil
}

func (s *Server) deleteVpc3(c *call3) (map[string]any, *api3Err) {
	v, err := s.vpcArg3(c)
	if err != nil {
		return nil, err
	}
	subnets := c.rg.subnetsOf(v.id)
	for _, sn := range subnets {
		if owner := c.rg.subnetInUse(sn); owner != "" {
			return nil, err3("ResourceInUse", "the VPC %s still holds %s (in subnet %s)", v.id, owner, sn.id)
		}
	}
	for _, e := range c.rg.enis {
		if e.vpcID == v.id {
			return nil, err3("ResourceInUse", "the VPC %s still holds the network interface %s", v.id, e.id)
		}
	}
	// Its empty subnets go with it.
	for _, sn := range subnets {
		c.rg.removeSubnet(sn)
	}
	delete(c.rg.vpcs, v.id)
	c.rg.vpcSeq = slices.DeleteFunc(c.rg.vpcSeq, func(id string) bool { return id == v.id })
	c.rg.dropTags("vpc", "vpc", v.id)
	c.rg.gen++
	return map[string]any{}, nil
}

func (rg *region) removeSubnet(sn *subnet) {
	delete(rg.subnets, sn.id)
	rg.subnetSeq = slices.DeleteFunc(rg.subnetSeq, func(id string) bool { return id == sn.id })
	rg.dropTags("vpc", "subnet", sn.id)
}

func (s *Server) createSubnet3(c *call3) (map[string]any, *api3Err) {
	v, err := s.vpcArg3(c)
	if err != nil {
		return nil, err
	}
	name, _, err := networkName3(c, "SubnetName", true)
	if err != nil {
		return nil, err
	}
	cidr, err := cidr3(c, "CidrBlock")
	if err != nil {
		return nil, err
	}
	zoneName, err := str3(c, "Zone", true)
	if err != nil {
		return nil, err
	}
	z, ok := c.rg.zoneByName3(zoneName)
	if !ok {
		return nil, err3("InvalidParameterValue", "the zone %q is not a zone of %s", zoneName, longRegion(c.rg.code))
	}
	if code, why := c.rg.subnetBlock(v, cidr); code != "" {
		return nil, err3(code, "%s", why)
	}
	if len(c.rg.subnetsOf(v.id)) >= maxSubnetsPerVPC {
		return nil, err3("LimitExceeded", "the VPC %s has %d subnets, its most", v.id, maxSubnetsPerVPC)
	}
	tags, err := tagSpec3(c, "subnet")
	if err != nil {
		return nil, err
	}
	sn := &subnet{name: name, vpcID: v.id, cidr: cidr, zone: z, created: c.now}
	s.addSubnet(c.rg, sn)
	c.rg.tagNew("vpc", "subnet", sn.id, tags)
	return map[string]any{"Subnet": c.rg.subnet3(sn)}, nil
}

func (s *Server) describeSubnets3(c *call3) (map[string]any, *api3Err) {
	l, err := list3(c, listSpec{ids: "SubnetIds", coexist: "InvalidParameter.Coexist", maxValues: 5,
		idRE: subnetIDRE, malformed: "InvalidParameterValue.Malformed", idTemplate: "subnet-xxxxxxxx",
		filters: map[string]bool{"subnet-id": true, "vpc-id": true, "cidr-block": true, "is-default": true, "subnet-name": true,
			"zone": true, "tag-key": true, "tag:": true}})
	if err != nil {
		return nil, err
	}
	var all []*subnet
	for _, id := range c.rg.subnetSeq {
		sn := c.rg.subnets[id]
		if l.wants(id, func(f filter) bool {
			switch f.name {
			case "subnet-id":
				return f.contains(sn.id)
			case "vpc-id":
				return f.contains(sn.vpcID)
			case "cidr-block":
				return f.contains(sn.cidr.String())
			case "is-default":
				return f.contains(strconv.FormatBool(sn.isDefault))
			case "subnet-name":
				return f.has(func(s string) bool { return strings.Contains(sn.name, s) })
			case "zone":
				return f.contains(zoneName3(c.rg.code, sn.zone))
			}
			ok, _ := c.rg.tagMatch(f, "vpc", "subnet", sn.id)
			return ok
		}) {
			all = append(all, sn)
		}
	}
	set := []map[string]any{}
	for _, sn := range pageOf(all, l.offset, l.limit) {
		set = append(set, c.rg.subnet3(sn))
	}
	return map[string]any{"TotalCount": len(all), "SubnetSet": set, "NextToken": ""}, nil
}

func (s *Server) modifySubnetAttribute3(c *call3) (map[string]any, *api3Err) {
	sn, err := s.subnetArg3(c)
	if err != nil {
		return nil, err
	}
	name, hasName, err := networkName3(c, "SubnetName", false)
	if err != nil {
		return nil, err
	}
	broadcast, hasBroadcast, err := bool3(c, "EnableBroadcast")
	if err != nil {
		return nil, err
	}
	if hasName {
		sn.name = name
	}
	if hasBroadcast {
		sn.broadcast = broadcast
	}
	c.rg.gen++
	return map[string]any{}, nil
}

func (s *Server) deleteSubnet3(c *call3) (map[string]any, *api3Err) {
	sn, err := s.subnetArg3(c)
	if err != nil {
		return nil, err
	}
	if owner := c.rg.subnetInUse(sn); owner != "" {
		return nil, err3("ResourceInUse", "the subnet %s still holds %s", sn.id, owner)
	}
	c.rg.removeSubnet(sn)
	c.rg.gen++
	return map[string]any{}, nil
}

func (s *Server) describeRouteTables3(c *call3) (map[string]any, *api3Err) {
	l, err := list3(c, listSpec{ids: "RouteTableIds", coexist: "InvalidParameter.Coexist", maxValues: 5,
		idRE: routeIDRE, malformed: "InvalidParameterValue.Malformed", idTemplate: "rtb-xxxxxxxx",
		filters: map[string]bool{"route-table-id": true, "route-table-name": true, "vpc-id": true, "association.main": true,
			"tag-key": true, "tag:": true}})
	if err != nil {
		return nil, err
	}
	var all []*vpc
	for _, id := range c.rg.vpcSeq {
		v := c.rg.vpcs[id]
		if l.wants(v.routeID, func(f filter) bool {
			switch f.name {
			case "route-table-id":
				return f.contains(v.routeID)
			case "route-table-name":
				return f.contains("default")
			case "vpc-id":
				return f.contains(v.id)
			case "association.main":
				return f.contains("true")
			}
			ok, _ := c.rg.tagMatch(f, "vpc", "rtb", v.routeID)
			return ok
		}) {
			all = append(all, v)
		}
	}
	set := []map[string]any{}
	for _, v := range pageOf(all, l.offset, l.limit) {
		assoc := []map[string]any{}
		for _, sn := range c.rg.subnetsOf(v.id) {
			assoc = append(assoc, map[string]any{"SubnetId": sn.id, "RouteTableId": v.routeID})
		}
		// The main table's only route is the VPC's own block, which the
		// API does not list among its routes [inferred: the console shows
		// it as the "Local" route, and RouteSet holds the routes added].
		set = append(set, map[string]any{"VpcId": v.id, "RouteTableId": v.routeID, "RouteTableName": "default",
			"AssociationSet": assoc, "RouteSet": []any{}, "Main": true, "CreatedTime": apiTime(v.created),
			"TagSet": c.rg.tagSet3("vpc", "rtb", v.routeID), "LocalCidrForCcn": []any{}})
	}
	return map[string]any{"TotalCount": len(all), "RouteTableSet": set}, nil
}

func (s *Server) describeUsedIpAddress3(c *call3) (map[string]any, *api3Err) {
	v, err := s.vpcArg3(c)
	if err != nil {
		return nil, err
	}
	var only *subnet
	if c.q.has("SubnetId") {
		if only, err = s.subnetArg3(c); err != nil {
			return nil, err
		}
		if only.vpcID != v.id {
			return nil, err3("InvalidParameterValue", "the subnet %s is not in the VPC %s", only.id, v.id)
		}
	}
	want := c.q.list("IpAddresses")
	offset, limit, err := page3(c, 100)
	if err != nil {
		return nil, err
	}
	states := []map[string]any{}
	for _, sn := range c.rg.subnetsOf(v.id) {
		if only != nil && sn != only {
			continue
		}
		addrs := make([]netip.Addr, 0, len(sn.used))
		for a := range sn.used {
			addrs = append(addrs, a)
		}
		slices.SortFunc(addrs, func(a, b netip.Addr) int { return a.Compare(b) })
		for _, a := range addrs {
			if len(want) > 0 && !slices.Contains(want, a.String()) {
				continue
			}
			owner := sn.used[a]
			kind := "CVM"
			if strings.HasPrefix(owner, "eni-") {
				kind = "ENI"
			}
			states = append(states, map[string]any{"VpcId": v.id, "SubnetId": sn.id, "IpAddress": a.String(),
				"ResourceType": kind, "ResourceId": owner})
		}
	}
	return map[string]any{"IpAddressStates": pageOf(states, offset, limit), "TotalCount": len(states)}, nil
}

func (s *Server) describeBandwidthPackages3(c *call3) (map[string]any, *api3Err) {
	if _, _, err := page3(c, 100); err != nil {
		return nil, err
	}
	// The emulator sells no bandwidth packages: every account has none.
	return map[string]any{"TotalCount": 0, "BandwidthPackageSet": []any{}}, nil
}
