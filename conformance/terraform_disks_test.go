package conformance

import (
	"testing"

	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// cbsDisk is the part of cbs 2017-03-12's Disk model the provider reads,
// written from its reads (the Go cbs module is not served here; the Node
// SDK's CommonClient judges the rest of the model).
type cbsDisk struct {
	DiskId, DiskName, DiskState, DiskType, DiskChargeType, InstanceId, RenewFlag, KmsKeyId *string
	DiskSize, ThroughputPerformance                                                        *uint64
	Attached, Encrypt, DeleteWithInstance                                                  *bool
	Placement                                                                              *struct {
		Zone      *string
		ProjectId *uint64
	}
}

// disks is the provider's DescribeDiskList: DescribeDisks by ids. Every
// member the provider dereferences on some path must be there.
func (tf *terraform) disks(ids ...string) []cbsDisk {
	var out struct {
		TotalCount *uint64
		DiskSet    []cbsDisk
	}
	err := tf.cbs("DescribeDisks", map[string]any{"DiskIds": ids}, &out)
	tf.must("DescribeDisks", err)
	for _, d := range out.DiskSet {
		tf.present("DescribeDisks", "the disk", map[string]any{"DiskId": d.DiskId, "DiskName": d.DiskName,
			"DiskState": d.DiskState, "DiskType": d.DiskType, "DiskSize": d.DiskSize, "DiskChargeType": d.DiskChargeType,
			"Attached": d.Attached, "Encrypt": d.Encrypt, "DeleteWithInstance": d.DeleteWithInstance,
			"ThroughputPerformance": d.ThroughputPerformance, "Placement": d.Placement})
	}
	return out.DiskSet
}

// disk is the provider's DescribeDiskById: the disk, or nil.
func (tf *terraform) disk(id string) *cbsDisk {
	if ds := tf.disks(id); len(ds) == 1 {
		return &ds[0]
	}
	return nil
}

// cbsStorage is resource tencentcloud_cbs_storage's create: CreateDisks,
// the wait until DescribeDisks finds it, then its read.
func (tf *terraform) cbsStorage() string {
	var out struct{ DiskIdSet []string }
	err := tf.cbs("CreateDisks", map[string]any{"DiskName": "logs", "DiskType": "CLOUD_PREMIUM", "DiskSize": 100,
		"Placement": map[string]any{"Zone": tfZone}, "DiskChargeType": "POSTPAID_BY_HOUR"}, &out)
	tf.must("CreateDisks", err)
	if !tf.check("CreateDisks", "tencentcloud_cbs_storage: one disk id", len(out.DiskIdSet) == 1) {
		tf.t.FailNow()
	}
	id := out.DiskIdSet[0]
	tf.poll("DescribeDisks", "tencentcloud_cbs_storage: the disk is found", func() (bool, error) { return tf.disk(id) != nil, nil })
	tf.readCBS(id)
	return id
}

func (tf *terraform) readCBS(id string) {
	d := tf.disk(id)
	if !tf.check("DescribeDisks", "tencentcloud_cbs_storage: the disk", d != nil && d.Placement != nil) {
		return
	}
	tf.equal("DescribeDisks", "tencentcloud_cbs_storage", "storage_type", d.DiskType, "CLOUD_PREMIUM",
		"storage_size", d.DiskSize, 100, "availability_zone", d.Placement.Zone, tfZone, "storage_name", d.DiskName, "logs",
		"project_id", d.Placement.ProjectId, 0, "encrypt", d.Encrypt, false, "charge_type", d.DiskChargeType, "POSTPAID_BY_HOUR",
		"tags", len(tf.tags("cvm", "volume", id)), 0)
}

// cbsAttachment is resource tencentcloud_cbs_storage_attachment's create:
// AttachDisks, then the wait that goes on through ATTACHING and UNATTACHED
// and ends at ATTACHED (any other state ends it in error).
func (tf *terraform) cbsAttachment(disk, ins string) {
	err := tf.cbs("AttachDisks", map[string]any{"DiskIds": []string{disk}, "InstanceId": ins}, nil)
	tf.must("AttachDisks", err)
	tf.poll("DescribeDisks", "tencentcloud_cbs_storage_attachment: ATTACHING, then ATTACHED", func() (bool, error) {
		d := tf.disk(disk)
		switch {
		case d == nil:
			return false, errorf("the disk is gone")
		case *d.DiskState == "ATTACHING" || *d.DiskState == "UNATTACHED":
			return false, nil
		case *d.DiskState == "ATTACHED":
			return true, nil
		}
		return false, errorf("the disk is %s", *d.DiskState)
	})
	tf.readCBSAttachment(disk, ins)
}

func (tf *terraform) readCBSAttachment(disk, ins string) {
	d := tf.disk(disk)
	if tf.check("DescribeDisks", "tencentcloud_cbs_storage_attachment: the disk is attached", d != nil && *d.Attached) {
		tf.equal("DescribeDisks", "tencentcloud_cbs_storage_attachment", "storage_id", d.DiskId, disk, "instance_id", d.InstanceId, ins)
	}
}

// destroyCBSAttachment is the attachment's delete: DetachDisks from the
// instance DescribeDisks names, then the wait until it is not Attached.
func (tf *terraform) destroyCBSAttachment(disk string) {
	d := tf.disk(disk)
	if d == nil || !*d.Attached || !tf.present("DescribeDisks", "tencentcloud_cbs_storage_attachment", map[string]any{"InstanceId": d.InstanceId}) {
		tf.check("DescribeDisks", "tencentcloud_cbs_storage_attachment: the disk to detach is attached", false)
		return
	}
	err := tf.cbs("DetachDisks", map[string]any{"DiskIds": []string{disk}, "InstanceId": *d.InstanceId}, nil)
	tf.must("DetachDisks", err)
	tf.poll("DescribeDisks", "tencentcloud_cbs_storage_attachment: no longer Attached", func() (bool, error) {
		d := tf.disk(disk)
		return d == nil || !*d.Attached, nil
	})
}

// destroyCBS is the disk's delete: TerminateDisks, then the wait until it
// is gone or TORECYCLE.
func (tf *terraform) destroyCBS(disk string) {
	err := tf.cbs("TerminateDisks", map[string]any{"DiskIds": []string{disk}}, nil)
	tf.must("TerminateDisks", err)
	tf.poll("DescribeDisks", "tencentcloud_cbs_storage: gone, or TORECYCLE", func() (bool, error) {
		d := tf.disk(disk)
		return d == nil || *d.DiskState == "TORECYCLE", nil
	})
}

// destroyRuleSet is the rule set's delete: ModifySecurityGroupPolicies
// with Version "0" and no rules, which empties the group.
func (tf *terraform) destroyRuleSet(sg string) {
	req := tcvpc.NewModifySecurityGroupPoliciesRequest()
	req.SecurityGroupId = sp(sg)
	req.SecurityGroupPolicySet = &tcvpc.SecurityGroupPolicySet{Version: sp("0"), Ingress: []*tcvpc.SecurityGroupPolicy{},
		Egress: []*tcvpc.SecurityGroupPolicy{}}
	_, err := tf.v.ModifySecurityGroupPolicies(req)
	tf.must("ModifySecurityGroupPolicies", err)
	set := tf.policies(sg)
	tf.check("ModifySecurityGroupPolicies", "tencentcloud_security_group_rule_set: Version 0 leaves the group with no rules",
		set != nil && len(set.Ingress)+len(set.Egress) == 0)
}

// destroySubnet is the subnet's delete: DeleteSubnet, retried by the
// provider on any error but ResourceNotFound; here it must succeed once the
// instance is gone.
func (tf *terraform) destroySubnet(id string) {
	req := tcvpc.NewDeleteSubnetRequest()
	req.SubnetId = sp(id)
	_, err := tf.v.DeleteSubnet(req)
	tf.check("DeleteSubnet", "tencentcloud_subnet: deleted, the instance in it gone", err == nil, err)
}

// destroyKeyPair is the key's delete: unbound from the instances
// DescribeKeyPairs still names (a NotFound instance is no error), then
// DeleteKeyPairs.
func (tf *terraform) destroyKeyPair(id string) {
	k := tf.keyPairByID(id)
	if !tf.check("DescribeKeyPairs", "tencentcloud_key_pair: the key to delete", k != nil) {
		return
	}
	tf.check("DescribeKeyPairs", "tencentcloud_key_pair: bound to no instance once the instance is gone", len(k.AssociatedInstanceIds) == 0,
		common.StringValues(k.AssociatedInstanceIds))
	if len(k.AssociatedInstanceIds) > 0 {
		un := tccvm.NewDisassociateInstancesKeyPairsRequest()
		un.KeyIds, un.InstanceIds = common.StringPtrs([]string{id}), k.AssociatedInstanceIds
		if _, err := tf.c.DisassociateInstancesKeyPairs(un); err != nil && codeOf(err) != "InvalidInstanceId.NotFound" {
			tf.must("DisassociateInstancesKeyPairs", err)
		}
	}
	req := tccvm.NewDeleteKeyPairsRequest()
	req.KeyIds = common.StringPtrs([]string{id})
	_, err := tf.c.DeleteKeyPairs(req)
	tf.check("DeleteKeyPairs", "tencentcloud_key_pair: deleted", err == nil, err)
}

// destroySecurityGroup is the group's delete: the wait until
// DescribeSecurityGroupAssociationStatistics counts nothing bound (CVM,
// CLB, CDB, ENI and SG, each dereferenced), then DeleteSecurityGroup.
func (tf *terraform) destroySecurityGroup(sg string) {
	tf.poll("DescribeSecurityGroupAssociationStatistics", "tencentcloud_security_group: nothing bound to the group", func() (bool, error) {
		req := tcvpc.NewDescribeSecurityGroupAssociationStatisticsRequest()
		req.SecurityGroupIds = common.StringPtrs([]string{sg})
		resp, err := tf.v.DescribeSecurityGroupAssociationStatistics(req)
		if err != nil {
			return false, err
		}
		if len(resp.Response.SecurityGroupAssociationStatisticsSet) == 0 {
			return true, nil
		}
		s := resp.Response.SecurityGroupAssociationStatisticsSet[0]
		if !tf.present("DescribeSecurityGroupAssociationStatistics", "tencentcloud_security_group", map[string]any{
			"CVM": s.CVM, "CLB": s.CLB, "CDB": s.CDB, "ENI": s.ENI, "SG": s.SG}) {
			return false, errorf("members missing")
		}
		return *s.CVM+*s.CLB+*s.CDB+*s.ENI+*s.SG == 0, nil
	})
	req := tcvpc.NewDeleteSecurityGroupRequest()
	req.SecurityGroupId = sp(sg)
	_, err := tf.v.DeleteSecurityGroup(req)
	tf.check("DeleteSecurityGroup", "tencentcloud_security_group: deleted", err == nil, err)
}

// destroyVPC is the VPC's delete, then its read finds nothing: destroy
// leaves the account as it was.
func (tf *terraform) destroyVPC(id string) {
	req := tcvpc.NewDeleteVpcRequest()
	req.VpcId = sp(id)
	_, err := tf.v.DeleteVpc(req)
	tf.check("DeleteVpc", "tencentcloud_vpc: deleted, its subnet gone", err == nil, err)
	d := tcvpc.NewDescribeVpcsRequest()
	d.Filters = []*tcvpc.Filter{filter("vpc-id", id)}
	resp, err := tf.v.DescribeVpcs(d)
	tf.check("DescribeVpcs", "tencentcloud_vpc: no longer found", err == nil && *resp.Response.TotalCount == 0, err)
}

// TestGoSDKPoliciesVersionZero: ModifySecurityGroupPolicies with a
// SecurityGroupPolicySet.Version of 0 empties the group and ignores the
// Ingress and Egress given, as the official SDK documents the action.
func TestGoSDKPoliciesVersionZero(t *testing.T) {
	_, _, j, _, v := goInProcess(t, cvmtest.WithoutQuotas())
	g := createGroup(t, v, "zero")
	rule := []*tcvpc.SecurityGroupPolicy{{Protocol: sp("TCP"), Port: sp("22"), CidrBlock: sp("10.0.0.0/8"), Action: sp("ACCEPT")}}
	count := func() int {
		req := tcvpc.NewDescribeSecurityGroupPoliciesRequest()
		req.SecurityGroupId = sp(g)
		resp, err := v.DescribeSecurityGroupPolicies(req)
		if err != nil {
			t.Fatal(err)
		}
		return len(resp.Response.SecurityGroupPolicySet.Ingress) + len(resp.Response.SecurityGroupPolicySet.Egress)
	}
	set := func(version *string) error {
		req := tcvpc.NewModifySecurityGroupPoliciesRequest()
		req.SecurityGroupId = sp(g)
		req.SecurityGroupPolicySet = &tcvpc.SecurityGroupPolicySet{Version: version, Ingress: rule, Egress: rule}
		_, err := v.ModifySecurityGroupPolicies(req)
		return err
	}
	err := set(nil)
	j.check("ModifySecurityGroupPolicies", "with no Version, the rules given replace the group's", err == nil && count() == 2, err)
	err = set(sp("0"))
	j.check("ModifySecurityGroupPolicies", "Version 0 empties the group, ignoring the rules given", err == nil && count() == 0, err)
}
