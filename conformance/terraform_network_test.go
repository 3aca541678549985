package conformance

import (
	"strings"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// The configuration's values, as the README gives them.
const (
	tfZone      = "ap-guangzhou-3"
	tfVPCBlock  = "10.0.0.0/16"
	tfSubnet    = "10.0.1.0/24"
	tfPublicKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDDVRNjUvBmgYnSnD6OUwJ51jAiqT/sEhqGNTmHWNiXUorPdCMQAMq7I8oFL/jBZcupfx0G9FN60U9eI71PXeT6qnrJ3YgkSlFUWbHEP63pMvtkd3OfPwsKdfqC+7rfx6nB4Ytvyt3FPLoOV5GRmAM32CdVcRcbJtl8N3PVibRw70LFfvvIs+U4QrdZ2nQ5qjkumbVnq8OsCkilw+9FkirjgrzMFXUZvKyHYhRCKhza1uSYkVmAWOZfFVZgQsG6yL2jtfYPJIG+bvHD5sEX/FbG+Zt0US8MEoVnhVzlFdHkfWSF9p93HjP2zdcRoFoljWLzS/6uc2FLk6WUugw19XBP"
)

// vpc is resource tencentcloud_vpc's create: CreateVpc with is_multicast's
// default (true) and the tags, ModifyTags, then its read.
func (tf *terraform) vpc() string {
	req := tcvpc.NewCreateVpcRequest()
	req.VpcName, req.CidrBlock, req.EnableMulticast = sp("tf-vpc"), sp(tfVPCBlock), sp("true")
	req.Tags = []*tcvpc.Tag{{Key: sp("team"), Value: sp("infra")}}
	resp, err := tf.v.CreateVpc(req)
	tf.must("CreateVpc", err)
	tf.present("CreateVpc", "tencentcloud_vpc", map[string]any{"Vpc.VpcId": resp.Response.Vpc.VpcId, "Vpc.IsDefault": resp.Response.Vpc.IsDefault})
	id := *resp.Response.Vpc.VpcId
	tf.modifyTags("vpc", "vpc", id, map[string]string{"team": "infra"})
	tf.readVPC(id)
	return id
}

// readVPC is DescribeVpcs by vpc-id, paged by 100 with Limit and Offset as
// strings, its default route table, and its tags.
func (tf *terraform) readVPC(id string) {
	req := tcvpc.NewDescribeVpcsRequest()
	req.Filters = []*tcvpc.Filter{filter("vpc-id", id)}
	req.Limit, req.Offset = sp("100"), sp("0")
	resp, err := tf.v.DescribeVpcs(req)
	tf.must("DescribeVpcs", err)
	if !tf.check("DescribeVpcs", "tencentcloud_vpc: the VPC, once", len(resp.Response.VpcSet) == 1 && *resp.Response.TotalCount == 1) {
		return
	}
	v := resp.Response.VpcSet[0]
	tf.present("DescribeVpcs", "tencentcloud_vpc", map[string]any{"CidrBlock": v.CidrBlock, "CreatedTime": v.CreatedTime,
		"IsDefault": v.IsDefault, "EnableMulticast": v.EnableMulticast, "VpcName": v.VpcName, "VpcId": v.VpcId})
	tf.equal("DescribeVpcs", "tencentcloud_vpc", "cidr_block", v.CidrBlock, tfVPCBlock, "name", v.VpcName, "tf-vpc",
		"is_multicast", v.EnableMulticast, true,
		"tags", tf.tags("vpc", "vpc", id)["team"], "infra")
	rt := tcvpc.NewDescribeRouteTablesRequest()
	rt.Filters = []*tcvpc.Filter{filter("vpc-id", id), filter("association.main", "true")}
	rt.Limit, rt.Offset = sp("100"), sp("0")
	tables, err := tf.v.DescribeRouteTables(rt)
	tf.must("DescribeRouteTables", err)
	if tf.check("DescribeRouteTables", "tencentcloud_vpc: the VPC's default route table", len(tables.Response.RouteTableSet) == 1) {
		r := tables.Response.RouteTableSet[0]
		members := map[string]any{"CreatedTime": r.CreatedTime, "Main": r.Main, "RouteTableName": r.RouteTableName,
			"RouteTableId": r.RouteTableId, "VpcId": r.VpcId}
		for _, a := range r.AssociationSet {
			members["AssociationSet.SubnetId"] = a.SubnetId
		}
		for _, e := range r.RouteSet {
			for k, v := range map[string]any{"DestinationCidrBlock": e.DestinationCidrBlock, "GatewayId": e.GatewayId,
				"GatewayType": e.GatewayType, "RouteDescription": e.RouteDescription, "RouteId": e.RouteId,
				"RouteType": e.RouteType, "Enabled": e.Enabled} {
				members["RouteSet."+k] = v
			}
		}
		tf.present("DescribeRouteTables", "tencentcloud_vpc", members)
	}
}

// subnet is resource tencentcloud_subnet's create: CreateSubnet, then
// ModifySubnetAttribute with is_multicast's default as EnableBroadcast,
// then its read.
func (tf *terraform) subnet(vpcID string) string {
	req := tcvpc.NewCreateSubnetRequest()
	req.VpcId, req.SubnetName, req.CidrBlock, req.Zone = sp(vpcID), sp("web"), sp(tfSubnet), sp(tfZone)
	resp, err := tf.v.CreateSubnet(req)
	tf.must("CreateSubnet", err)
	tf.present("CreateSubnet", "tencentcloud_subnet", map[string]any{"Subnet.SubnetId": resp.Response.Subnet.SubnetId})
	id := *resp.Response.Subnet.SubnetId
	mod := tcvpc.NewModifySubnetAttributeRequest()
	mod.SubnetId, mod.SubnetName, mod.EnableBroadcast = sp(id), sp("web"), sp("true")
	_, err = tf.v.ModifySubnetAttribute(mod)
	tf.must("ModifySubnetAttribute", err)
	tf.readSubnet(id, vpcID)
	return id
}

func (tf *terraform) readSubnet(id, vpcID string) {
	req := tcvpc.NewDescribeSubnetsRequest()
	req.Filters = []*tcvpc.Filter{filter("subnet-id", id)}
	req.Limit, req.Offset = sp("100"), sp("0")
	resp, err := tf.v.DescribeSubnets(req)
	tf.must("DescribeSubnets", err)
	if !tf.check("DescribeSubnets", "tencentcloud_subnet: the subnet, once", len(resp.Response.SubnetSet) == 1) {
		return
	}
	s := resp.Response.SubnetSet[0]
	tf.present("DescribeSubnets", "tencentcloud_subnet", map[string]any{"CidrBlock": s.CidrBlock, "CreatedTime": s.CreatedTime,
		"VpcId": s.VpcId, "SubnetId": s.SubnetId, "RouteTableId": s.RouteTableId, "SubnetName": s.SubnetName,
		"IsDefault": s.IsDefault, "EnableBroadcast": s.EnableBroadcast, "Zone": s.Zone,
		"AvailableIpAddressCount": s.AvailableIpAddressCount})
	tf.equal("DescribeSubnets", "tencentcloud_subnet", "vpc_id", s.VpcId, vpcID, "availability_zone", s.Zone, tfZone,
		"name", s.SubnetName, "web", "cidr_block", s.CidrBlock, tfSubnet, "is_multicast", s.EnableBroadcast, true,
		"tags", len(tf.tags("vpc", "subnet", id)), 0)
}

// securityGroup is resource tencentcloud_security_group's create and read.
func (tf *terraform) securityGroup() string {
	req := tcvpc.NewCreateSecurityGroupRequest()
	req.GroupName, req.GroupDescription = sp("web"), sp("made by terraform")
	resp, err := tf.v.CreateSecurityGroup(req)
	tf.must("CreateSecurityGroup", err)
	id := *resp.Response.SecurityGroup.SecurityGroupId
	tf.readSecurityGroup(id)
	return id
}

func (tf *terraform) readSecurityGroup(id string) {
	req := tcvpc.NewDescribeSecurityGroupsRequest()
	req.SecurityGroupIds = common.StringPtrs([]string{id})
	resp, err := tf.v.DescribeSecurityGroups(req)
	tf.must("DescribeSecurityGroups", err)
	if !tf.check("DescribeSecurityGroups", "tencentcloud_security_group: the group, once", len(resp.Response.SecurityGroupSet) == 1) {
		return
	}
	g := resp.Response.SecurityGroupSet[0]
	tf.present("DescribeSecurityGroups", "tencentcloud_security_group", map[string]any{"SecurityGroupName": g.SecurityGroupName,
		"SecurityGroupDesc": g.SecurityGroupDesc, "ProjectId": g.ProjectId})
	tf.check("DescribeSecurityGroups", "tencentcloud_security_group: ProjectId is a number in a string (strconv.Atoi)", atoiOK(g.ProjectId), g.ProjectId)
	tf.equal("DescribeSecurityGroups", "tencentcloud_security_group", "name", g.SecurityGroupName, "web",
		"description", g.SecurityGroupDesc, "made by terraform", "project_id", g.ProjectId, "0",
		"tags", len(tf.tags("cvm", "sg", id)), 0)
}

// tfRule is the configuration's one ingress rule, as the provider's
// marshalSecurityPolicy writes a rule to its state.
var tfRule = map[string]string{"action": "ACCEPT", "cidr_block": "10.0.0.0/8", "ipv6_cidr_block": "", "source_security_id": "",
	"address_template_id": "", "address_template_group": "", "protocol": "TCP", "port": "22", "service_template_id": "",
	"service_template_group": "", "description": "ssh"}

// ruleSet is resource tencentcloud_security_group_rule_set's create:
// ModifySecurityGroupPolicies with no Version, then its read.
func (tf *terraform) ruleSet(sg string) {
	req := tcvpc.NewModifySecurityGroupPoliciesRequest()
	req.SecurityGroupId = sp(sg)
	req.SecurityGroupPolicySet = &tcvpc.SecurityGroupPolicySet{Ingress: []*tcvpc.SecurityGroupPolicy{{Action: sp("ACCEPT"),
		CidrBlock: sp("10.0.0.0/8"), Protocol: sp("TCP"), Port: sp("22"), PolicyDescription: sp("ssh")}}}
	_, err := tf.v.ModifySecurityGroupPolicies(req)
	tf.must("ModifySecurityGroupPolicies", err)
	tf.readRuleSet(sg)
}

func (tf *terraform) readRuleSet(sg string) {
	set := tf.policies(sg)
	if set == nil {
		return
	}
	tf.present("DescribeSecurityGroupPolicies", "tencentcloud_security_group_rule_set", map[string]any{"Version": set.Version})
	got := make([]map[string]string, len(set.Ingress))
	for i, p := range set.Ingress {
		got[i] = marshalRule(p)
	}
	tf.check("DescribeSecurityGroupPolicies", "tencentcloud_security_group_rule_set: the ingress rule as configured and no egress rule",
		len(got) == 1 && equalRule(got[0], tfRule) && len(set.Egress) == 0, got)
}

func (tf *terraform) policies(sg string) *tcvpc.SecurityGroupPolicySet {
	req := tcvpc.NewDescribeSecurityGroupPoliciesRequest()
	req.SecurityGroupId = sp(sg)
	resp, err := tf.v.DescribeSecurityGroupPolicies(req)
	tf.must("DescribeSecurityGroupPolicies", err)
	if !tf.check("DescribeSecurityGroupPolicies", "the group's rules", resp.Response.SecurityGroupPolicySet != nil) {
		return nil
	}
	return resp.Response.SecurityGroupPolicySet
}

// marshalRule is what the provider's marshalSecurityPolicy keeps of a rule
// (its source_security_id is written when Ipv6CidrBlock is there, as the
// provider does).
func marshalRule(p *tcvpc.SecurityGroupPolicy) map[string]string {
	s := func(v *string) string {
		if v == nil {
			return ""
		}
		return *v
	}
	m := map[string]string{"action": s(p.Action), "cidr_block": s(p.CidrBlock), "ipv6_cidr_block": s(p.Ipv6CidrBlock),
		"protocol": strings.ToUpper(s(p.Protocol)), "port": s(p.Port), "description": s(p.PolicyDescription)}
	if p.Ipv6CidrBlock != nil {
		m["source_security_id"] = s(p.SecurityGroupId)
	}
	if p.AddressTemplate != nil {
		m["address_template_id"], m["address_template_group"] = s(p.AddressTemplate.AddressId), s(p.AddressTemplate.AddressGroupId)
	}
	if p.ServiceTemplate != nil {
		m["service_template_id"], m["service_template_group"] = s(p.ServiceTemplate.ServiceId), s(p.ServiceTemplate.ServiceGroupId)
	}
	return m
}

func equalRule(got, want map[string]string) bool {
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// keyPair is resource tencentcloud_key_pair's create from a public key
// (ImportKeyPair) and its read.
func (tf *terraform) keyPair() string {
	req := tccvm.NewImportKeyPairRequest()
	req.KeyName, req.ProjectId, req.PublicKey = sp("deploy"), common.Int64Ptr(0), sp(tfPublicKey)
	resp, err := tf.c.ImportKeyPair(req)
	tf.must("ImportKeyPair", err)
	tf.present("ImportKeyPair", "tencentcloud_key_pair", map[string]any{"KeyId": resp.Response.KeyId})
	id := *resp.Response.KeyId
	tf.readKeyPair(id)
	return id
}

func (tf *terraform) keyPairByID(id string) *tccvm.KeyPair {
	req := tccvm.NewDescribeKeyPairsRequest()
	req.KeyIds = common.StringPtrs([]string{id})
	resp, err := tf.c.DescribeKeyPairs(req)
	if codeOf(err) == "InvalidKeyPair.NotFound" || err == nil && len(resp.Response.KeyPairSet) == 0 {
		return nil
	}
	tf.must("DescribeKeyPairs", err)
	return resp.Response.KeyPairSet[0]
}

func (tf *terraform) readKeyPair(id string) {
	k := tf.keyPairByID(id)
	if !tf.check("DescribeKeyPairs", "tencentcloud_key_pair: the key", k != nil) {
		return
	}
	tf.present("DescribeKeyPairs", "tencentcloud_key_pair", map[string]any{"KeyName": k.KeyName, "ProjectId": k.ProjectId})
	pub := ""
	if k.PublicKey != nil {
		pub = strings.Join(strings.Fields(*k.PublicKey)[:min(2, len(strings.Fields(*k.PublicKey)))], " ")
	}
	tf.equal("DescribeKeyPairs", "tencentcloud_key_pair", "key_name", k.KeyName, "deploy", "project_id", k.ProjectId, 0,
		"public_key", pub, tfPublicKey, "tags", len(tf.tags("cvm", "keypair", id)), 0)
}
