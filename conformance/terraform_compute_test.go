package conformance

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// tfInstance is what the provider's state keeps of the instance that the
// second plan reads again.
type tfInstance struct {
	id, vpcID, subnetID, sg, key string
	dataDiskID                   string // data_disks.0.data_disk_id, computed at the first read
}

// instance is resource tencentcloud_instance's create: RunInstances as the
// provider builds it (with a ClientToken), the wait for RUNNING, the tags'
// wait, then its read.
func (tf *terraform) instance(vpcID, subnetID, sg, key string) *tfInstance {
	req := tccvm.NewRunInstancesRequest()
	req.InstanceChargeType = sp("POSTPAID_BY_HOUR")
	req.Placement = &tccvm.Placement{Zone: sp(tfZone), ProjectId: common.Int64Ptr(0)}
	req.ImageId, req.InstanceType, req.InstanceName = sp("img-31tjrtph"), sp("S5.MEDIUM4"), sp("web")
	req.SystemDisk = &tccvm.SystemDisk{DiskType: sp("CLOUD_PREMIUM"), DiskSize: common.Int64Ptr(50)}
	req.DataDisks = []*tccvm.DataDisk{{DiskType: sp("CLOUD_PREMIUM"), DiskSize: common.Int64Ptr(50),
		DeleteWithInstance: common.BoolPtr(true), Encrypt: common.BoolPtr(false)}}
	req.VirtualPrivateCloud = &tccvm.VirtualPrivateCloud{VpcId: sp(vpcID), SubnetId: sp(subnetID)}
	req.InternetAccessible = &tccvm.InternetAccessible{InternetChargeType: sp("TRAFFIC_POSTPAID_BY_HOUR"),
		InternetMaxBandwidthOut: common.Int64Ptr(0), PublicIpAssigned: common.BoolPtr(false)}
	req.SecurityGroupIds = common.StringPtrs([]string{sg})
	req.EnhancedService = &tccvm.EnhancedService{SecurityService: &tccvm.RunSecurityServiceEnabled{Enabled: common.BoolPtr(true)},
		MonitorService: &tccvm.RunMonitorServiceEnabled{Enabled: common.BoolPtr(true)}}
	req.LoginSettings = &tccvm.LoginSettings{KeyIds: common.StringPtrs([]string{key}), KeepImageLogin: sp("FALSE")}
	req.DisableApiTermination = common.BoolPtr(false)
	req.ClientToken = sp("tf-token-0001")
	resp, err := tf.c.RunInstances(req)
	tf.must("RunInstances", err)
	if !tf.check("RunInstances", "tencentcloud_instance: one instance id", len(resp.Response.InstanceIdSet) == 1) {
		tf.t.FailNow()
	}
	ins := &tfInstance{id: *resp.Response.InstanceIdSet[0], vpcID: vpcID, subnetID: subnetID, sg: sg, key: key}
	tf.poll("DescribeInstances", "tencentcloud_instance: the instance reaches RUNNING", func() (bool, error) {
		in := tf.instanceByID(ins.id)
		if in == nil || !tf.present("DescribeInstances", "tencentcloud_instance (wait)", map[string]any{"InstanceState": in.InstanceState}) {
			return false, nil
		}
		if *in.InstanceState == "LAUNCH_FAILED" {
			return false, fmt.Errorf("launch failed")
		}
		return *in.InstanceState == "RUNNING", nil
	})
	tf.readInstance(ins)
	return ins
}

func (tf *terraform) instanceByID(id string) *tccvm.Instance {
	req := tccvm.NewDescribeInstancesRequest()
	req.InstanceIds = common.StringPtrs([]string{id})
	resp, err := tf.c.DescribeInstances(req)
	tf.must("DescribeInstances", err)
	if len(resp.Response.InstanceSet) == 0 {
		return nil
	}
	return resp.Response.InstanceSet[0]
}

// readInstance is the provider's resourceTencentCloudInstanceRead: the
// instance (waiting out an OPERATING last operation), DescribeImages with
// no filter, the tags, the system disk and data disks through DescribeDisks,
// and the user data through DescribeInstancesAttributes.
func (tf *terraform) readInstance(ins *tfInstance) {
	var in *tccvm.Instance
	tf.poll("DescribeInstances", "tencentcloud_instance: its last operation is not OPERATING", func() (bool, error) {
		in = tf.instanceByID(ins.id)
		return in == nil || in.LatestOperationState == nil || *in.LatestOperationState != "OPERATING", nil
	})
	if !tf.check("DescribeInstances", "tencentcloud_instance: the instance", in != nil) {
		return
	}
	imgs, err := tf.c.DescribeImages(tccvm.NewDescribeImagesRequest())
	tf.must("DescribeImages", err)
	tf.present("DescribeImages", "tencentcloud_instance", map[string]any{"TotalCount": imgs.Response.TotalCount})
	if !tf.present("DescribeInstances", "tencentcloud_instance", map[string]any{"InstanceState": in.InstanceState,
		"InstanceChargeType": in.InstanceChargeType, "Placement": in.Placement, "InternetAccessible": in.InternetAccessible,
		"VirtualPrivateCloud": in.VirtualPrivateCloud, "SystemDisk": in.SystemDisk, "LoginSettings": in.LoginSettings}) {
		return
	}
	keep := ""
	if in.LoginSettings.KeepImageLogin != nil && *in.LoginSettings.KeepImageLogin == "TRUE" {
		keep = "TRUE"
	}
	tf.equal("DescribeInstances", "tencentcloud_instance", "availability_zone", in.Placement.Zone, tfZone,
		"instance_name", in.InstanceName, "web", "instance_type", in.InstanceType, "S5.MEDIUM4",
		"vpc_id", in.VirtualPrivateCloud.VpcId, ins.vpcID, "subnet_id", in.VirtualPrivateCloud.SubnetId, ins.subnetID,
		"orderly_security_groups", common.StringValues(in.SecurityGroupIds), []string{ins.sg},
		"system_disk_type", in.SystemDisk.DiskType, "CLOUD_PREMIUM", "system_disk_size", in.SystemDisk.DiskSize, 50,
		"key_ids", common.StringValues(in.LoginSettings.KeyIds), []string{ins.key}, "keep_image_login", keep, "",
		"instance_charge_type", in.InstanceChargeType, "POSTPAID_BY_HOUR", "running_flag", *in.InstanceState != "STOPPED", true,
		"tags", len(tf.tags("cvm", "instance", ins.id)), 0)
	if in.SystemDisk.DiskId != nil {
		tf.disks(*in.SystemDisk.DiskId)
	}
	tf.readDataDisks(ins, in)
	attr := tccvm.NewDescribeInstancesAttributesRequest()
	attr.InstanceIds, attr.Attributes = common.StringPtrs([]string{ins.id}), common.StringPtrs([]string{"UserData"})
	_, err = tf.c.DescribeInstancesAttributes(attr)
	tf.must("DescribeInstancesAttributes", err)
}

// readDataDisks follows the provider's two ways of reading data_disks. At
// the first read (no data_disk_id in the state yet) it takes the
// instance's DataDisks that are cloud disks and must find as many as were
// configured; afterwards it matches the instance's DataDisks, by name and
// by a hash of type, size, DeleteWithInstance, KmsKeyId and Encrypt, with
// what DescribeDisks says of the disk in its state, and keeps those that
// match. Either way the one configured disk must come back as configured,
// whatever other disks are attached.
func (tf *terraform) readDataDisks(ins *tfInstance, in *tccvm.Instance) {
	members := map[string]any{}
	for i, d := range in.DataDisks {
		for k, v := range map[string]any{"DiskId": d.DiskId, "DiskType": d.DiskType, "DiskSize": d.DiskSize,
			"DeleteWithInstance": d.DeleteWithInstance, "Encrypt": d.Encrypt} {
			members[fmt.Sprintf("DataDisks.%d.%s", i, k)] = v
		}
	}
	if !tf.present("DescribeInstances", "tencentcloud_instance's data disks", members) {
		return
	}
	if ins.dataDiskID == "" {
		var own []*tccvm.DataDisk
		for _, d := range in.DataDisks {
			if strings.HasPrefix(*d.DiskId, "disk-") {
				own = append(own, d)
			}
		}
		if tf.check("DescribeInstances", "tencentcloud_instance: as many data disks as configured", len(own) == 1, len(in.DataDisks)) {
			ins.dataDiskID = *own[0].DiskId
			tf.equal("DescribeInstances", "tencentcloud_instance's data disk", "data_disk_type", own[0].DiskType, "CLOUD_PREMIUM",
				"data_disk_size", own[0].DiskSize, 50, "delete_with_instance", own[0].DeleteWithInstance, true,
				"encrypt", own[0].Encrypt, false)
		}
		return
	}
	st := tf.disks(ins.dataDiskID)
	if len(st) != 1 {
		tf.check("DescribeDisks", "tencentcloud_instance: the data disk in the state", false, ins.dataDiskID)
		return
	}
	hash := func(typ string, size int64, del, enc bool) string { return fmt.Sprint(typ, size, del, "", enc) }
	want := hash(*st[0].DiskType, int64(*st[0].DiskSize), *st[0].DeleteWithInstance, *st[0].Encrypt)
	var kept []string
	for _, d := range in.DataDisks {
		named := tf.disks(*d.DiskId)
		if len(named) == 1 && *named[0].DiskName == *st[0].DiskName &&
			hash(*d.DiskType, *d.DiskSize, *d.DeleteWithInstance, *d.Encrypt) == want {
			kept = append(kept, *d.DiskId)
		}
	}
	tf.check("DescribeInstances", "tencentcloud_instance: the instance's DataDisks and DescribeDisks agree on the data disk, which alone matches",
		slices.Equal(kept, []string{ins.dataDiskID}), kept)
}

// destroyInstance is the provider's delete: TerminateInstances, the wait
// until the instance is gone (or SHUTDOWN and not OPERATING), then, when it
// is gone, the wait until its private addresses are free
// (DescribeUsedIpAddress).
func (tf *terraform) destroyInstance(ins *tfInstance) {
	in := tf.instanceByID(ins.id)
	if !tf.check("DescribeInstances", "tencentcloud_instance: the instance to delete", in != nil) {
		return
	}
	req := tccvm.NewTerminateInstancesRequest()
	req.InstanceIds = common.StringPtrs([]string{ins.id})
	_, err := tf.c.TerminateInstances(req)
	tf.must("TerminateInstances", err)
	gone := false
	tf.poll("DescribeInstances", "tencentcloud_instance: gone, or SHUTDOWN in the recycle bin", func() (bool, error) {
		now := tf.instanceByID(ins.id)
		if now == nil {
			gone = true
			return true, nil
		}
		return *now.InstanceState == "SHUTDOWN" && (now.LatestOperationState == nil || *now.LatestOperationState != "OPERATING"), nil
	})
	tf.check("DescribeInstances", "tencentcloud_instance: a pay-as-you-go instance is gone, not kept for recycling", gone)
	if !gone || len(in.PrivateIpAddresses) == 0 {
		return
	}
	tf.poll("DescribeUsedIpAddress", "tencentcloud_instance: its private address is free again", func() (bool, error) {
		used := tcvpc.NewDescribeUsedIpAddressRequest()
		used.VpcId, used.SubnetId, used.IpAddresses = in.VirtualPrivateCloud.VpcId, in.VirtualPrivateCloud.SubnetId, in.PrivateIpAddresses
		resp, err := tf.v.DescribeUsedIpAddress(used)
		if err != nil {
			return false, err
		}
		return len(resp.Response.IpAddressStates) == 0, nil
	})
}

// eip is resource tencentcloud_eip's create: AllocateAddresses, the wait
// on its TaskId (DescribeTaskResult), the wait until it is no longer
// CREATING, then its read.
func (tf *terraform) eip() string {
	req := tcvpc.NewAllocateAddressesRequest()
	req.AddressType, req.AddressName = sp("EIP"), sp("web")
	resp, err := tf.v.AllocateAddresses(req)
	tf.must("AllocateAddresses", err)
	if !tf.present("AllocateAddresses", "tencentcloud_eip", map[string]any{"TaskId": resp.Response.TaskId}) ||
		!tf.check("AllocateAddresses", "tencentcloud_eip: one address", len(resp.Response.AddressSet) == 1) {
		tf.t.FailNow()
	}
	id := *resp.Response.AddressSet[0]
	tf.waitTask(*resp.Response.TaskId)
	tf.poll("DescribeAddresses", "tencentcloud_eip: no longer CREATING", func() (bool, error) {
		a := tf.address(id)
		return a != nil && *a.AddressStatus != "CREATING", nil
	})
	tf.readEIP(id)
	return id
}

// waitTask is the provider's wait on a vpc task: DescribeTaskResult until
// its Result is not RUNNING. The TaskId, a string in the answers that give
// it, must be a number (strconv.ParseUint).
func (tf *terraform) waitTask(task string) {
	n, err := strconv.ParseUint(task, 10, 64)
	if !tf.check("DescribeTaskResult", "the TaskId is a number", err == nil, task) {
		return
	}
	req := tcvpc.NewDescribeTaskResultRequest()
	req.TaskId = common.Uint64Ptr(n)
	tf.poll("DescribeTaskResult", "the task is no longer RUNNING", func() (bool, error) {
		resp, err := tf.v.DescribeTaskResult(req)
		if err != nil {
			return false, err
		}
		return resp.Response.Result == nil || *resp.Response.Result != "RUNNING", nil
	})
}

// address is the provider's DescribeEipById: DescribeAddresses by id, nil
// when there is none; the status it compares must be there.
func (tf *terraform) address(id string) *tcvpc.Address {
	req := tcvpc.NewDescribeAddressesRequest()
	req.AddressIds = common.StringPtrs([]string{id})
	resp, err := tf.v.DescribeAddresses(req)
	tf.must("DescribeAddresses", err)
	if len(resp.Response.AddressSet) == 0 {
		return nil
	}
	a := resp.Response.AddressSet[0]
	if !tf.present("DescribeAddresses", "tencentcloud_eip", map[string]any{"AddressStatus": a.AddressStatus}) {
		tf.t.FailNow()
	}
	return a
}

func (tf *terraform) readEIP(id string) {
	a := tf.address(id)
	if !tf.check("DescribeAddresses", "tencentcloud_eip: the address", a != nil) {
		return
	}
	bw := tcvpc.NewDescribeBandwidthPackagesRequest()
	bw.Filters = []*tcvpc.Filter{filter("resource.resource-id", id)}
	_, err := tf.v.DescribeBandwidthPackages(bw)
	tf.must("DescribeBandwidthPackages", err)
	tf.equal("DescribeAddresses", "tencentcloud_eip", "name", a.AddressName, "web", "type", a.AddressType, "EIP",
		"tags", len(tf.tags("vpc", "eip", id)), 0)
}

// eipAssociation is resource tencentcloud_eip_association's create with an
// instance: the address must be UNBIND, AssociateAddress, then the wait for
// BIND.
func (tf *terraform) eipAssociation(eip, ins string) {
	a := tf.address(eip)
	if !tf.check("DescribeAddresses", "tencentcloud_eip_association: the address is UNBIND before", a != nil && *a.AddressStatus == "UNBIND") {
		return
	}
	req := tcvpc.NewAssociateAddressRequest()
	req.AddressId, req.InstanceId = sp(eip), sp(ins)
	_, err := tf.v.AssociateAddress(req)
	tf.must("AssociateAddress", err)
	tf.poll("DescribeAddresses", "tencentcloud_eip_association: the address reaches BIND", func() (bool, error) {
		a := tf.address(eip)
		return a != nil && *a.AddressStatus == "BIND", nil
	})
	tf.readEIPAssociation(eip)
}

func (tf *terraform) readEIPAssociation(eip string) {
	tf.check("DescribeAddresses", "tencentcloud_eip_association: the address", tf.address(eip) != nil)
}

// unattachEIP is the provider's UnattachEip, which both the association's
// delete and the address's delete call: DisassociateAddress unless the
// address is UNBIND, then the wait on its TaskId when it gives one.
func (tf *terraform) unattachEIP(eip string) {
	a := tf.address(eip)
	if a == nil || *a.AddressStatus == "UNBIND" {
		return
	}
	req := tcvpc.NewDisassociateAddressRequest()
	req.AddressId = sp(eip)
	resp, err := tf.v.DisassociateAddress(req)
	tf.must("DisassociateAddress", err)
	if resp.Response.TaskId != nil {
		tf.waitTask(*resp.Response.TaskId)
	}
	tf.poll("DescribeAddresses", "tencentcloud_eip_association: the address is UNBIND after", func() (bool, error) {
		a := tf.address(eip)
		return a != nil && *a.AddressStatus == "UNBIND", nil
	})
}

// destroyEIP is the address's delete: UnattachEip, ReleaseAddresses, then
// the wait until DescribeAddresses no longer finds it.
func (tf *terraform) destroyEIP(eip string) {
	tf.unattachEIP(eip)
	req := tcvpc.NewReleaseAddressesRequest()
	req.AddressIds = common.StringPtrs([]string{eip})
	_, err := tf.v.ReleaseAddresses(req)
	tf.must("ReleaseAddresses", err)
	tf.poll("DescribeAddresses", "tencentcloud_eip: released, no longer found", func() (bool, error) { return tf.address(eip) == nil, nil })
}
