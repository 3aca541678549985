package emulator

// API 3.0 instance actions of service cvm (§6 rows 1 to 19, 37, 38, 60):
// the same instances as the legacy contract's, shown in the newer shapes.
// Changes run the legacy handlers (one set of rules for both contracts)
// after the newer contract's own checks; a batch is all or nothing
// ([inferred], §8: the contract has no per-id result), so every id is
// checked before any is changed.

import (
	"encoding/base64"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

func init() {
	register3("cvm", map[string]handler3{
		"DescribeInstances":                              {fn: (*Server).describeInstances3, reads: true, perSecond: 40},
		"DescribeInstancesStatus":                        {fn: (*Server).describeInstancesStatus3, reads: true, perSecond: 40},
		"RunInstances":                                   {fn: (*Server).runInstances3, perSecond: 10},
		"StartInstances":                                 {fn: (*Server).startInstances3, perSecond: 10},
		"StopInstances":                                  {fn: (*Server).stopInstances3, perSecond: 10},
		"RebootInstances":                                {fn: (*Server).rebootInstances3, perSecond: 10},
		"TerminateInstances":                             {fn: (*Server).terminateInstances3, perSecond: 10},
		"ResetInstance":                                  {fn: (*Server).resetInstance3, perSecond: 10},
		"ResetInstancesPassword":                         {fn: (*Server).resetInstancesPassword3, perSecond: 10},
		"ModifyInstancesAttribute":                       {fn: (*Server).modifyInstancesAttribute3, perSecond: 10},
		"DescribeInstancesAttributes":                    {fn: (*Server).describeInstancesAttributes3, reads: true},
		"ModifyInstancesProject":                         {fn: (*Server).modifyInstancesProject3, perSecond: 10},
		"ResetInstancesType":                             {fn: (*Server).resetInstancesType3, perSecond: 10},
		"ResizeInstanceDisks":                            {fn: (*Server).resizeInstanceDisks3, perSecond: 10},
		"ResetInstancesInternetMaxBandwidth":             {fn: (*Server).resetInternetMaxBandwidth3, perSecond: 10},
		"RenewInstances":                                 {fn: (*Server).renewInstances3, perSecond: 10},
		"ModifyInstancesRenewFlag":                       {fn: (*Server).modifyInstancesRenewFlag3, perSecond: 10},
		"ModifyInstancesVpcAttribute":                    {fn: (*Server).modifyInstancesVpcAttribute3, perSecond: 10},
		"AssociateSecurityGroups":                        {fn: (*Server).associateSecurityGroups3, perSecond: 10},
		"DisassociateSecurityGroups":                     {fn: (*Server).disassociateSecurityGroups3, perSecond: 10},
		"InquiryPriceRunInstances":                       {fn: (*Server).inquiryPriceRunInstances3, reads: true, perSecond: 10},
		"InquiryPriceRenewInstances":                     {fn: (*Server).inquiryPriceRenewInstances3, reads: true, perSecond: 10},
		"InquiryPriceResetInstancesType":                 {fn: (*Server).inquiryPriceResetInstancesType3, reads: true, perSecond: 10},
		"InquiryPriceResetInstancesInternetMaxBandwidth": {fn: (*Server).inquiryPriceResetBandwidth3, reads: true, perSecond: 10},
	})
}

var (
	instanceIDRE = regexp.MustCompile(`^ins-[a-z0-9]{8}$`)
	diskTypes3   = map[int]string{1: "LOCAL_BASIC", 2: "CLOUD_BASIC", 3: "LOCAL_SSD", 4: "CLOUD_SSD"}
	// diskTypesIn are the disk types RunInstances takes (TC-Go cvm
	// models.go DataDisk.DiskType), each with the legacy storage type
	// nearest to it: the legacy contract knows local, cloud and SSD only.
	diskTypesIn = map[string]int{"LOCAL_BASIC": 1, "CLOUD_BASIC": 2, "CLOUD_PREMIUM": 2, "LOCAL_SSD": 3, "CLOUD_SSD": 4,
		"CLOUD_BSSD": 4, "CLOUD_HSSD": 4, "CLOUD_TSSD": 4}
	renewFlags3 = []string{"NOTIFY_AND_MANUAL_RENEW", "NOTIFY_AND_AUTO_RENEW", "DISABLE_NOTIFY_AND_MANUAL_RENEW"}
	netCharge3  = map[int]string{1: "BANDWIDTH_PREPAID", 2: "TRAFFIC_POSTPAID_BY_HOUR", 3: "BANDWIDTH_POSTPAID_BY_HOUR"}
	netChargeIn = map[string]string{"BANDWIDTH_PREPAID": "PayByBandwidth", "TRAFFIC_POSTPAID_BY_HOUR": "PayByTraffic", "BANDWIDTH_POSTPAID_BY_HOUR": "PayByHour"}
)

func chargeType3(in *instance) string {
	if in.payMode == payPrepaid {
		return "PREPAID"
	}
	return "POSTPAID_BY_HOUR"
}

// instance3 is an instance as the newer DescribeInstances shows it (§6
// row 1): every member of TC-Go cvm models.go Instance, strings and
// objects never null (Tencent's Terraform provider dereferences
// VirtualPrivateCloud, SystemDisk and the like without a check).
func (rg *region) instance3(in *instance) map[string]any {
	// Lists the instance has nothing in are null, as the real service
	// answers them ("此字段可能返回 null"); strings and objects never are.
	var public, keys any
	if len(in.wanIPs) > 0 {
		public = slices.Clone(in.wanIPs)
	}
	if in.keyID != "" {
		keys = []string{in.keyID}
	}
	state := "SUCCESS"
	if in.next != 0 {
		state = "OPERATING"
	}
	op, opState := "", ""
	if in.lastOp != "" {
		op, opState = in.lastOp, state
	}
	expired := ""
	if in.payMode == payPrepaid {
		expired = time3(in.deadline)
	}
	user, port := "root", 22
	if in.image.windows {
		user, port = "Administrator", 3389
	}
	return map[string]any{
		"Placement": map[string]any{"Zone": zoneName3(rg.code, in.zone), "ProjectId": in.projectID, "HostIds": []string{},
			"HostId": "", "DedicatedResourcePackTenancy": "", "DedicatedResourcePackIds": []string{}, "RackId": ""},
		"InstanceId":   in.id,
		"InstanceType": instanceTypeName(in.instanceType, in.cpu, in.mem),
		"CPU":          in.cpu, "Memory": in.mem,
		"RestrictState":      "NORMAL",
		"InstanceName":       in.name,
		"InstanceChargeType": chargeType3(in),
		"SystemDisk": map[string]any{"DiskType": in.systemDiskType3(), "DiskId": in.diskRoot, "DiskSize": in.rootSize,
			"CdcId": "", "DiskName": "", "Encrypt": false, "KmsKeyId": ""},
		"DataDisks":          rg.dataDisks3(in),
		"PrivateIpAddresses": []string{in.lanIP},
		"PublicIpAddresses":  public,
		"InternetAccessible": map[string]any{"InternetChargeType": netCharge3[in.netPayMode],
			"InternetMaxBandwidthOut": in.bandwidth, "PublicIpAssigned": len(in.wanIPs) > 0, "BandwidthPackageId": "",
			"InternetServiceProvider": "BGP", "IPv4AddressType": "WanIP", "IPv6AddressType": "", "AntiDDoSPackageId": ""},
		"VirtualPrivateCloud":      in.vpc3(),
		"ImageId":                  in.image.id,
		"RenewFlag":                renewFlags3[min(max(in.autoRenew, 0), 2)],
		"CreatedTime":              time3(in.created),
		"ExpiredTime":              expired,
		"OsName":                   in.image.osName,
		"SecurityGroupIds":         append([]string{}, in.sgIDs...),
		"LoginSettings":            map[string]any{"KeyIds": keys, "Password": "", "KeepImageLogin": ""},
		"InstanceState":            instanceState3(in),
		"Tags":                     rg.tagSet3("cvm", "instance", in.id),
		"StopChargingMode":         "NOT_APPLICABLE",
		"Uuid":                     in.uuid,
		"LatestOperation":          op,
		"LatestOperationState":     opState,
		"LatestOperationRequestId": in.lastOpRequest.String(),
		"LatestOperationErrorMsg":  "",
		"DisasterRecoverGroupId":   "",
		"IPv6Addresses":            []string{},
		"CamRoleName":              "",
		"HpcClusterId":             "",
		"RdmaIpAddresses":          []string{},
		"DedicatedClusterId":       "",
		"IsolatedSource":           "NOTISOLATED",
		"GPUInfo":                  map[string]any{}, // none: the emulator sells no GPU types
		// Topology left to the system, no placement group, standard frames [inferred].
		"CpuTopology": map[string]any{}, "DisasterRecoverGroupIds": []string{}, "PartitionNumber": 0, "EnableJumboFrame": false,
		"LicenseType":           "TencentCloud",
		"DisableApiTermination": false,
		"DefaultLoginUser":      user,
		"DefaultLoginPort":      port,
		"Metadata":              map[string]any{"Items": []any{}},
		"PublicIPv6Addresses":   []string{},
	}
}

// vpc3 is the instance's VirtualPrivateCloud. An instance outside a VPC
// (the legacy contract's basic network) shows an empty one: the members
// there, with nothing in them.
func (in *instance) vpc3() map[string]any {
	vpc := map[string]any{"VpcId": in.vpcID, "SubnetId": in.subnetID, "AsVpcGateway": false,
		"PrivateIpAddresses": []string{}, "Ipv6AddressCount": 0}
	if in.vpcID != "" {
		vpc["PrivateIpAddresses"] = []string{in.lanIP}
	}
	return vpc
}

// dataDisks3 is the instance's DataDisks, its own and the portable disks
// attached to it: null when it has none.
func (rg *region) dataDisks3(in *instance) any {
	var out []map[string]any
	dd := func(id string, size int, typ string, deleteWith bool, name string) map[string]any {
		return map[string]any{"DiskId": id, "DiskSize": size, "DiskType": typ, "DeleteWithInstance": deleteWith, "SnapshotId": "",
			"Encrypt": false, "KmsKeyId": "", "ThroughputPerformance": 0, "CdcId": "", "BurstPerformance": false, "DiskName": name}
	}
	if in.storageSize > 0 {
		out = append(out, dd(in.diskData, in.storageSize, in.dataDiskType3(), true, ""))
	}
	for _, d := range rg.disksOn(in.id) {
		if d.state == diskAttached || d.state == diskDetaching || d.state == diskExpanding {
			out = append(out, dd(d.id, d.size, d.typ, d.deleteWith, d.name))
		}
	}
	if out == nil {
		return nil
	}
	return out
}

// instanceFilters3 are DescribeInstances's filters (§5). Those of
// resources the emulator has none of (dedicated hosts and clusters, IPv6)
// are accepted and match nothing.
var instanceFilters3 = map[string]bool{
	"zone": true, "project-id": true, "host-id": true, "dedicated-cluster-id": true, "vpc-id": true,
	"subnet-id": true, "instance-id": true, "security-group-id": true, "instance-name": true,
	"instance-charge-type": true, "instance-state": true, "private-ip-address": true,
	"public-ip-address": true, "ipv6-address": true, "tag-key": true, "tag-value": true, "tag:": true,
	"creation-start-time": true, "creation-end-time": true, "instance-type": true,
}

// matches3 tells whether an instance passes one filter.
func (rg *region) matches3(in *instance, f filter) bool {
	switch f.name {
	case "zone":
		return f.contains(zoneName3(rg.code, in.zone))
	case "project-id":
		return f.contains(strconv.Itoa(in.projectID))
	case "vpc-id":
		return in.vpcID != "" && f.contains(in.vpcID)
	case "subnet-id":
		return in.subnetID != "" && f.contains(in.subnetID)
	case "instance-id":
		return f.contains(in.id)
	case "security-group-id":
		return f.has(func(v string) bool { return slices.Contains(in.sgIDs, v) })
	case "instance-name":
		// [inferred] a part of the name matches, as the console's search.
		return f.has(func(v string) bool { return strings.Contains(in.name, v) })
	case "instance-charge-type":
		return f.contains(chargeType3(in))
	case "instance-state":
		return f.contains(instanceState3(in))
	case "instance-type":
		return f.contains(instanceTypeName(in.instanceType, in.cpu, in.mem))
	case "private-ip-address":
		return f.contains(in.lanIP)
	case "public-ip-address":
		return f.has(func(v string) bool { return slices.Contains(in.wanIPs, v) })
	case "creation-start-time", "creation-end-time":
		return f.has(func(v string) bool {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return false
			}
			if f.name == "creation-start-time" {
				return !in.created.Before(t)
			}
			return !in.created.After(t)
		})
	}
	if ok, known := rg.tagMatch(f, "cvm", "instance", in.id); known {
		return ok
	}
	return false // hosts, clusters, IPv6: none here
}

func (s *Server) describeInstances3(c *call3) (map[string]any, *api3Err) {
	l, err := list3(c, listSpec{ids: "InstanceIds", filters: instanceFilters3, maxValues: 5, coexist: "InvalidParameter",
		idRE: instanceIDRE, malformed: "InvalidInstanceId.Malformed", idTemplate: "ins-xxxxxxxx"})
	if err != nil {
		return nil, err
	}
	rg := c.rg
	rg.settle(c.now)
	var all []*instance
	if len(l.ids) > 0 {
		// Looked up by id, not by a scan: a region may hold a million.
		for _, id := range l.ids {
			if in := rg.instances[id]; in != nil {
				all = append(all, in)
			}
		}
	} else {
		for _, in := range rg.instSeq {
			if l.wants(in.id, func(f filter) bool { return rg.matches3(in, f) }) {
				all = append(all, in)
			}
		}
	}
	set := []map[string]any{}
	for _, in := range pageOf(all, l.offset, l.limit) {
		set = append(set, rg.instance3(in))
		if s.opts.AutoAdvance != nil && in.next != 0 {
			in.seenMoving = true
		}
	}
	return map[string]any{"TotalCount": len(all), "InstanceSet": set}, nil
}

func (s *Server) describeInstancesStatus3(c *call3) (map[string]any, *api3Err) {
	ids, err := ids3(c, "InstanceIds", false, 100)
	if err != nil {
		return nil, err
	}
	offset, limit, err := page3(c, 100)
	if err != nil {
		return nil, err
	}
	rg := c.rg
	rg.settle(c.now)
	var all []*instance
	if len(ids) > 0 {
		for _, id := range ids {
			if in := rg.instances[id]; in != nil {
				all = append(all, in)
			}
		}
	} else {
		all = rg.instSeq
	}
	set := []map[string]any{}
	for _, in := range pageOf(all, offset, limit) {
		set = append(set, map[string]any{"InstanceId": in.id, "InstanceState": instanceState3(in)})
		if s.opts.AutoAdvance != nil && in.next != 0 {
			in.seenMoving = true
		}
	}
	return map[string]any{"TotalCount": len(all), "InstanceStatusSet": set}, nil
}

// targets3 reads InstanceIds (at most max) and checks every instance
// exists and may take the operation: all or nothing.
func (s *Server) targets3(c *call3, name string, max int, ok func(in *instance) *api3Err) ([]*instance, *api3Err) {
	ids, err := ids3(c, name, true, max)
	if err != nil {
		return nil, err
	}
	c.rg.settle(c.now)
	out := make([]*instance, 0, len(ids))
	for _, id := range ids {
		if !instanceIDRE.MatchString(id) {
			return nil, err3("InvalidInstanceId.Malformed", "the instance id %q is malformed: want ins-xxxxxxxx", id)
		}
		in := c.rg.instances[id]
		if in == nil {
			return nil, err3("InvalidInstanceId.NotFound", "the instance %s is not found", id)
		}
		if ok != nil {
			if err := ok(in); err != nil {
				return nil, err
			}
		}
		out = append(out, in)
	}
	return out, nil
}

// inState answers InvalidInstanceState unless the instance is in one of
// the states, and OperationDenied.InstanceOperationInProgress while it is
// in transition.
func inState(states ...string) func(in *instance) *api3Err {
	return func(in *instance) *api3Err {
		st := instanceState3(in)
		if slices.Contains(states, st) && in.next == 0 {
			return nil
		}
		if in.next != 0 {
			return err3("OperationDenied.InstanceOperationInProgress", "the instance %s is %s: an operation is in progress", in.id, st)
		}
		return err3("InvalidInstanceState", "the instance %s is %s; the action needs %s", in.id, st, strings.Join(states, " or "))
	}
}

// run3 is a RunInstances call, read: the core's purchase, and what only
// API 3.0 says of the instances.
type run3 struct {
	prepaid            bool
	period             int
	token, family      string
	rootType, dataType diskType
	sgs                []string
	spec               createSpec
	zoneID             int
	imageID            string
}

// action is the legacy action that makes such instances: a token's
// creation is remembered under it, whichever contract made it.
func (r *run3) action() string {
	if r.prepaid {
		return "RunInstances"
	}
	return "RunInstancesHour"
}

func (s *Server) runInstances3(c *call3) (map[string]any, *api3Err) {
	r, err := readRun3(c)
	if err != nil {
		return nil, err
	}
	tags, err := tagSpec3(c, "instance")
	if err != nil {
		return nil, err
	}
	userData, err := userData3(c)
	if err != nil {
		return nil, err
	}
	// Checked once, whole: a dry run stops here.
	if cerr := c.rg.checkCreateSpec(&r.spec, r.zoneID, r.imageID); cerr != nil {
		return nil, fromLegacy(cerr)
	}
	if dry, _, _ := bool3(c, "DryRun"); dry {
		return nil, err3("DryRunOperation", "the request would have succeeded, but DryRun is set")
	}
	key := tokenKey(tokenInstances, c.rg, r.token)
	if r.token != "" {
		if prev, ok := s.tokens[key]; ok {
			if prev.action != r.action() {
				// [inferred] as the legacy contract does: one token, one
				// kind of purchase.
				return nil, err3("InvalidParameterValue", "ClientToken %s was used by a %s purchase", r.token, chargeOfAction(prev.action))
			}
			return map[string]any{"InstanceIdSet": slices.Clone(prev.ids)}, nil
		}
	}
	ids, deal := s.buy(c.rg, c.now, r.spec, r.prepaid, r.period)
	for _, id := range ids {
		in := c.rg.instances[id]
		in.instanceType = "CVM." + r.family
		in.sgIDs = slices.Clone(r.sgs)
		in.lastOp, in.lastOpRequest = "RunInstances", parseReqID(s.requestID)
		in.rootType, in.dataType = r.rootType, r.dataType
		c.rg.tagNew("cvm", "instance", id, tags)
		in.userData = userData
	}
	if r.token != "" {
		s.tokens[key] = tokenResult{action: r.action(), ids: ids, deal: deal}
	}
	return map[string]any{"InstanceIdSet": ids}, nil
}

// readRun3 reads a RunInstances call, in the order the real service
// checks it: what is bought, where, its network, its disks, its access.
func readRun3(c *call3) (*run3, *api3Err) {
	r, err := readRun3Purchase(c)
	if err != nil {
		return nil, err
	}
	for _, read := range []func(*call3, *run3) *api3Err{readRun3Network, readRun3Disks, readRun3Access} {
		if err := read(c, r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func readRun3Purchase(c *call3) (*run3, *api3Err) {
	charge, err := oneOf3(c, "InstanceChargeType", "POSTPAID_BY_HOUR", "POSTPAID_BY_HOUR", "PREPAID", "SPOTPAID", "CDHPAID", "CDCPAID")
	if err != nil {
		return nil, err
	}
	if charge != "POSTPAID_BY_HOUR" && charge != "PREPAID" {
		return nil, err3("UnsupportedOperation", "the emulator sells POSTPAID_BY_HOUR and PREPAID instances, not %s", charge)
	}
	r := &run3{prepaid: charge == "PREPAID"}
	zoneName, err := str3(c, "Placement.Zone", true)
	if err != nil {
		return nil, err
	}
	if r.imageID, err = str3(c, "ImageId", true); err != nil {
		return nil, err
	}
	if r.token = c.q.v.Get("ClientToken"); len(r.token) > 64 {
		return nil, err3("InvalidClientToken.TooLong", "ClientToken is at most 64 characters, got %d", len(r.token))
	}
	if r.spec.goodsNum, err = int3(c, "InstanceCount", false, 1, 1, 500); err != nil {
		return nil, err
	}
	typ := c.q.v.Get("InstanceType")
	if typ == "" {
		typ = "S1.SMALL1" // the documented default
	}
	family, cpu, mem, ok := parseInstanceType(typ)
	if !ok {
		return nil, err3("InvalidInstanceType.Malformed", "the instance type %q is not one this emulator sells; see DescribeInstanceTypeConfigs", typ)
	}
	r.family, r.spec.cpu, r.spec.mem, r.spec.instanceType = family, cpu, mem, "CVM.S1"
	z, ok := c.rg.zoneByName3(zoneName)
	if !ok {
		return nil, err3("InvalidZone.MismatchRegion", "the zone %q is not a zone of %s", zoneName, longRegion(c.rg.code))
	}
	r.zoneID = z.id
	if r.spec.projectID, err = int3(c, "Placement.ProjectId", false, 0, 0, 1<<31-1); err != nil {
		return nil, err
	}
	r.spec.name = c.q.v.Get("InstanceName")
	r.spec.password = c.q.v.Get("LoginSettings.Password")
	r.spec.vpcID, r.spec.subnetID = c.q.v.Get("VirtualPrivateCloud.VpcId"), c.q.v.Get("VirtualPrivateCloud.SubnetId")
	r.spec.privateIPs = c.q.list("VirtualPrivateCloud.PrivateIpAddresses")
	// Without VirtualPrivateCloud an instance goes to its zone's default
	// subnet, as it does for accounts with no basic network left (all
	// made since 2020 [inferred: Tencent's notice retiring the basic
	// network]); the legacy contract, of the basic network's era, keeps
	// its instances out of any VPC.
	r.spec.defaultNet = true
	if r.prepaid {
		if r.period, err = period3(c); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func readRun3Network(c *call3, r *run3) *api3Err {
	netDefault := "BANDWIDTH_POSTPAID_BY_HOUR"
	if r.prepaid {
		netDefault = "BANDWIDTH_PREPAID"
	}
	netCharge, err := oneOf3(c, "InternetAccessible.InternetChargeType", netDefault,
		"BANDWIDTH_PREPAID", "TRAFFIC_POSTPAID_BY_HOUR", "BANDWIDTH_POSTPAID_BY_HOUR")
	if err != nil {
		return err
	}
	if r.spec.bandwidth, err = int3(c, "InternetAccessible.InternetMaxBandwidthOut", false, 0, 0, 1000); err != nil {
		return err
	}
	assign, assignSet, err := bool3(c, "InternetAccessible.PublicIpAssigned")
	if err != nil {
		return err
	}
	r.spec.bandwidthType = netChargeIn[netCharge]
	r.spec.wan = -1
	if assignSet && !assign {
		r.spec.wan = 0
	}
	return nil
}

func readRun3Disks(c *call3, r *run3) *api3Err {
	if name := c.q.v.Get("SystemDisk.DiskType"); name != "" {
		t, ok := diskTypeOf(name)
		if _, legacy := diskTypesIn[name]; !ok || !legacy {
			return err3("InvalidParameterValue", "the system disk type %q is not known", name)
		}
		r.rootType = t
	}
	size, err := int3(c, "SystemDisk.DiskSize", false, 50, 20, 500) // 50: the newer contract's default
	if err != nil {
		return err
	}
	r.spec.rootSize, r.spec.rootSized, r.spec.stTyp = size, true, 1
	disks := c.q.objects("DataDisks")
	if len(disks) > 1 {
		return err3("InvalidParameterValue.LimitExceeded", "the emulator attaches one data disk at creation, got %d", len(disks))
	}
	if len(disks) == 1 {
		n, err := strconv.Atoi(disks[0].Get("DiskSize"))
		if err != nil || n < 0 || n > 16000 {
			return err3("InvalidParameterValue", "DataDisks.0.DiskSize must be 0 to 16000, got %q", disks[0].Get("DiskSize"))
		}
		r.spec.storageSize = n
		if t := disks[0].Get("DiskType"); t != "" {
			legacy, ok := diskTypesIn[t]
			if !ok {
				return err3("InvalidParameterValue", "the disk type %q is not known", t)
			}
			r.spec.stTyp = legacy
			r.dataType, _ = diskTypeOf(t)
		}
	}
	return nil
}

func readRun3Access(c *call3, r *run3) *api3Err {
	keys := c.q.list("LoginSettings.KeyIds")
	if len(keys) > 1 {
		return err3("InvalidParameterValue.LimitExceeded", "LoginSettings.KeyIds takes one key at creation, got %d", len(keys))
	}
	if len(keys) == 1 {
		r.spec.keyID = keys[0]
		if _, err := c.rg.keyPair(keys[0]); err != nil {
			return err3("InvalidKeyPairId.NotFound", "the key pair %s is not found", keys[0])
		}
	}
	r.sgs = c.q.list("SecurityGroupIds")
	if len(r.sgs) > maxSGsPerInstance {
		return err3("LimitExceeded.AssociateUSGLimitExceeded", "an instance takes at most %d security groups", maxSGsPerInstance)
	}
	for _, sg := range r.sgs {
		if _, err := c.rg.group(sg); err != nil {
			return err3("InvalidSecurityGroupId.NotFound", "the security group %s is not found", sg)
		}
	}
	return nil
}

// period3 reads InstanceChargePrepaid.Period of a PREPAID purchase: the
// documented periods are 1-12, 24, 36, 48 and 60 months (§6 row 3); the
// emulator sells up to 36, as the legacy contract does, and refuses the
// others as the real service refuses a period it does not sell.
func period3(c *call3) (int, *api3Err) {
	v := c.q.v.Get("InstanceChargePrepaid.Period")
	if v == "" {
		return 0, err3("MissingParameter", "a PREPAID instance needs InstanceChargePrepaid.Period")
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 36 || n > 12 && n%12 != 0 {
		return 0, err3("InvalidPeriod", "InstanceChargePrepaid.Period must be 1 to 12, 24 or 36 months here, got %q", v)
	}
	return n, nil
}

// chargeOfAction names the charge type of a legacy purchase action.
func chargeOfAction(action string) string {
	if action == "RunInstances" {
		return "PREPAID"
	}
	return "POSTPAID_BY_HOUR"
}

func (s *Server) startInstances3(c *call3) (map[string]any, *api3Err) {
	return s.beginAll3(c, inState("STOPPED"), powerOn)
}

// beginAll3 starts a transition on every instance of InstanceIds, once each
// is checked: a batch of API 3.0 is all or nothing.
func (s *Server) beginAll3(c *call3, ok func(*instance) *api3Err, t transition) (map[string]any, *api3Err) {
	ins, err := s.targets3(c, "InstanceIds", 100, ok)
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		if err := s.begin(c.rg, in, t, c.now); err != nil {
			return nil, fromLegacy(err) // checked above: never, unless the check and the core part ways
		}
	}
	return map[string]any{}, nil
}

// stopType3 checks StopType (SOFT, HARD, SOFT_FIRST) and the deprecated
// ForceStop; the emulator's instances stop the same either way.
func stopType3(c *call3) *api3Err {
	if _, err := oneOf3(c, "StopType", "SOFT", "SOFT", "HARD", "SOFT_FIRST"); err != nil {
		return err
	}
	_, _, err := bool3(c, "ForceStop")
	return err
}

// stoppedOrForced is the state check of the actions that need a stopped
// instance, or, with their force member set, a running one at rest, which
// the action shuts down first.
func stoppedOrForced(force bool) func(*instance) *api3Err {
	return func(in *instance) *api3Err {
		if force && instanceState3(in) == "RUNNING" && in.next == 0 {
			return nil
		}
		return inState("STOPPED")(in)
	}
}

func (s *Server) stopInstances3(c *call3) (map[string]any, *api3Err) {
	if err := stopType3(c); err != nil {
		return nil, err
	}
	if _, err := oneOf3(c, "StoppedMode", "KEEP_CHARGING", "KEEP_CHARGING", "STOP_CHARGING"); err != nil {
		return nil, err
	}
	return s.beginAll3(c, inState("RUNNING"), powerOff)
}

func (s *Server) rebootInstances3(c *call3) (map[string]any, *api3Err) {
	if err := stopType3(c); err != nil {
		return nil, err
	}
	return s.beginAll3(c, inState("RUNNING"), reboot)
}

// terminateInstances3 destroys instances. [inferred] A prepaid instance
// goes the way a postpaid one does: the emulator has no recycle bin, so the
// first call ends it too.
func (s *Server) terminateInstances3(c *call3) (map[string]any, *api3Err) {
	ins, err := s.targets3(c, "InstanceIds", 100, func(in *instance) *api3Err {
		if in.status == stReturning {
			return err3("InvalidInstanceState", "the instance %s is already TERMINATING", in.id)
		}
		return inState("RUNNING", "STOPPED")(in)
	})
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		s.move(c.rg, in, c.now, stReturning, stGone)
	}
	return map[string]any{}, nil
}

func (s *Server) resetInstance3(c *call3) (map[string]any, *api3Err) {
	id, err := str3(c, "InstanceId", true)
	if err != nil {
		return nil, err
	}
	c.q.v.Set("InstanceIds.0", id)
	ins, err := s.targets3(c, "InstanceIds", 1, inState("RUNNING", "STOPPED"))
	if err != nil {
		return nil, err
	}
	var img *image
	if id := c.q.v.Get("ImageId"); id != "" {
		var ierr *apiError
		if img, ierr = c.rg.availableImage(id); ierr != nil {
			return nil, fromLegacy(ierr)
		}
	}
	size, err := int3(c, "SystemDisk.DiskSize", false, 0, 20, 500)
	if err != nil {
		return nil, err
	}
	if rerr := s.reinstall(c.rg, c.now, ins[0], img, c.q.v.Get("LoginSettings.Password"), size, size != 0); rerr != nil {
		return nil, fromLegacy(rerr)
	}
	return map[string]any{}, nil
}

// resetInstancesPassword3 resets passwords. The legacy contract needs the
// instances stopped; the newer one also takes running instances with
// ForceStop, which stops them, resets and starts them again [inferred from
// the ForceStop member's documentation].
func (s *Server) resetInstancesPassword3(c *call3) (map[string]any, *api3Err) {
	pw, err := str3(c, "Password", true)
	if err != nil {
		return nil, err
	}
	force, _, err := bool3(c, "ForceStop")
	if err != nil {
		return nil, err
	}
	ins, err := s.targets3(c, "InstanceIds", 100, func(in *instance) *api3Err {
		if e := checkPassword(pw, in.image.windows); e != nil {
			return &api3Err{code: "InvalidPassword", message: e.message}
		}
		if instanceState3(in) == "RUNNING" && in.next == 0 && !force {
			return err3("InvalidInstanceState", "the instance %s is RUNNING; stop it, or set ForceStop", in.id)
		}
		return inState("RUNNING", "STOPPED")(in)
	})
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		final := in.status
		s.move(c.rg, in, c.now, stResettingPw, final)
	}
	return map[string]any{}, nil
}

// maxUserData is the longest user data, base64 (16 KB, the RunInstances
// page).
const maxUserData = 16 << 10

// userData3 reads UserData: base64 of at most 16 KB.
func userData3(c *call3) (string, *api3Err) {
	v := c.q.v.Get("UserData")
	if v == "" {
		return "", nil
	}
	if len(v) > maxUserData {
		return "", err3("InvalidParameterValue.UserDataSizeExceeded", "UserData is %d bytes, more than %d", len(v), maxUserData)
	}
	if _, err := base64.StdEncoding.DecodeString(v); err != nil {
		return "", err3("InvalidParameterValue.InvalidUserDataFormat", "UserData must be base64")
	}
	return v, nil
}

func (s *Server) modifyInstancesAttribute3(c *call3) (map[string]any, *api3Err) {
	name, hasName := c.q.v.Get("InstanceName"), c.q.has("InstanceName")
	sgs := c.q.list("SecurityGroups")
	userData, err := userData3(c)
	if err != nil {
		return nil, err
	}
	hasUserData := c.q.has("UserData")
	if !hasName && len(sgs) == 0 && !hasUserData {
		return nil, err3("MissingParameter.AtLeastOne", "give InstanceName, SecurityGroups or UserData")
	}
	ins, err := s.targets3(c, "InstanceIds", 100, nil)
	if err != nil {
		return nil, err
	}
	if hasName {
		if name == "" || len([]rune(name)) > 60 {
			return nil, err3("InvalidParameterValue", "InstanceName must be 1 to 60 characters")
		}
	}
	if len(sgs) > 0 {
		changes := make([]groupsChange, len(ins))
		for i, in := range ins {
			changes[i] = groupsChange{in, sgs}
		}
		if err := c.rg.setInstanceGroups(changes); err != nil {
			return nil, fromLegacy(err)
		}
	}
	if hasName {
		for _, in := range ins {
			in.name = name
		}
	}
	if hasUserData {
		for _, in := range ins {
			in.userData = userData
		}
	}
	return map[string]any{}, nil
}

// describeInstancesAttributes3 answers the attributes asked (UserData,
// the one the action documents) of up to 100 instances.
func (s *Server) describeInstancesAttributes3(c *call3) (map[string]any, *api3Err) {
	attrs := c.q.list("Attributes")
	if len(attrs) == 0 {
		return nil, err3("MissingParameter", "the parameter Attributes is required")
	}
	for _, a := range attrs {
		if a != "UserData" {
			return nil, err3("InvalidParameterValue", "the attribute %q is not one of: UserData", a)
		}
	}
	ins, err := s.targets3(c, "InstanceIds", 100, nil)
	if err != nil {
		return nil, err
	}
	set := make([]map[string]any, 0, len(ins))
	for _, in := range ins {
		set = append(set, map[string]any{"InstanceId": in.id, "Attributes": map[string]any{"UserData": in.userData}})
	}
	return map[string]any{"InstanceSet": set}, nil
}

func (s *Server) modifyInstancesProject3(c *call3) (map[string]any, *api3Err) {
	pid, err := int3(c, "ProjectId", true, 0, 0, 1<<31-1)
	if err != nil {
		return nil, err
	}
	if !c.rg.projects[pid] {
		return nil, err3("InvalidProjectId.NotFound", "the project %d is not found", pid)
	}
	ins, err := s.targets3(c, "InstanceIds", 100, nil)
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		if err := c.rg.moveToProject(in, pid); err != nil {
			return nil, fromLegacy(err)
		}
	}
	return map[string]any{}, nil
}

func (s *Server) resetInstancesType3(c *call3) (map[string]any, *api3Err) {
	typ, err := str3(c, "InstanceType", true)
	if err != nil {
		return nil, err
	}
	family, cpu, mem, ok := parseInstanceType(typ)
	if !ok {
		return nil, err3("InvalidInstanceType.Malformed", "the instance type %q is not one this emulator sells", typ)
	}
	force, _, err := bool3(c, "ForceStop")
	if err != nil {
		return nil, err
	}
	ins, err := s.targets3(c, "InstanceIds", 1, stoppedOrForced(force))
	if err != nil {
		return nil, err
	}
	in := ins[0]
	if in.status == stRunning {
		in.status = stStopped // ForceStop: it is shut down first
	}
	if _, err := s.resizeTo(c.rg, c.now, in, cpu, mem, in.storageSize); err != nil {
		return nil, fromLegacy(err)
	}
	in.instanceType = "CVM." + family
	return map[string]any{}, nil
}

func (s *Server) resizeInstanceDisks3(c *call3) (map[string]any, *api3Err) {
	id, err := str3(c, "InstanceId", true)
	if err != nil {
		return nil, err
	}
	c.q.v.Set("InstanceIds.0", id)
	disks := c.q.objects("DataDisks")
	if len(disks) != 1 {
		return nil, err3("InvalidParameterValue", "DataDisks must name the one data disk, got %d", len(disks))
	}
	ins, err := s.targets3(c, "InstanceIds", 1, inState("STOPPED", "RUNNING"))
	if err != nil {
		return nil, err
	}
	in := ins[0]
	running := in.status == stRunning
	if running {
		in.status = stStopped // online expansion [inferred]: it stays running
	}
	size, serr := strconv.Atoi(disks[0].Get("DiskSize"))
	if serr != nil || size < 0 || size > 16000 {
		if running {
			in.status = stRunning
		}
		return nil, err3("InvalidParameterValue", "DataDisks.0.DiskSize must be 0 to 16000, got %q", disks[0].Get("DiskSize"))
	}
	_, rerr := s.resizeTo(c.rg, c.now, in, in.cpu, in.mem, size)
	if running {
		in.status, in.next = stRunning, 0
	}
	if rerr != nil {
		return nil, fromLegacy(rerr)
	}
	return map[string]any{}, nil
}

func (s *Server) resetInternetMaxBandwidth3(c *call3) (map[string]any, *api3Err) {
	bw, err := int3(c, "InternetAccessible.InternetMaxBandwidthOut", true, 0, 0, 1000)
	if err != nil {
		return nil, err
	}
	ins, err := s.targets3(c, "InstanceIds", 100, inState("RUNNING", "STOPPED"))
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		start, end := c.q.v.Get("StartTime"), c.q.v.Get("EndTime")
		if start == "" {
			start = c.now.In(beijing).Format("2006-01-02")
		}
		if end == "" {
			end = in.deadline.In(beijing).Format("2006-01-02")
		}
		if _, err := s.setBandwidth(c.rg, c.now, in, bw, start, end); err != nil {
			return nil, fromLegacy(err)
		}
	}
	return map[string]any{}, nil
}

func (s *Server) renewInstances3(c *call3) (map[string]any, *api3Err) {
	period, err := int3(c, "InstanceChargePrepaid.Period", true, 0, 1, 60)
	if err != nil {
		return nil, err
	}
	ins, err := s.targets3(c, "InstanceIds", 100, func(in *instance) *api3Err {
		if in.payMode != payPrepaid {
			return err3("InvalidInstanceNotSupportedPostpaid", "the instance %s is not PREPAID", in.id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		if _, err := s.renew(c.rg, c.now, in, period); err != nil {
			return nil, fromLegacy(err)
		}
	}
	return map[string]any{}, nil
}

func (s *Server) modifyInstancesRenewFlag3(c *call3) (map[string]any, *api3Err) {
	flag, err := oneOf3(c, "RenewFlag", "", renewFlags3...)
	if err != nil {
		return nil, err
	}
	if flag == "" {
		return nil, err3("MissingParameter", "the parameter RenewFlag is required")
	}
	ins, err := s.targets3(c, "InstanceIds", 100, func(in *instance) *api3Err {
		if in.payMode != payPrepaid {
			return err3("InvalidInstanceNotSupportedPostpaid", "the instance %s is not PREPAID", in.id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		if err := setRenewal(in, slices.Index(renewFlags3, flag)); err != nil {
			return nil, fromLegacy(err)
		}
	}
	return map[string]any{}, nil
}

func (s *Server) modifyInstancesVpcAttribute3(c *call3) (map[string]any, *api3Err) {
	vpcID, err := str3(c, "VirtualPrivateCloud.VpcId", true)
	if err != nil {
		return nil, err
	}
	subnetID, err := str3(c, "VirtualPrivateCloud.SubnetId", true)
	if err != nil {
		return nil, err
	}
	ips := c.q.list("VirtualPrivateCloud.PrivateIpAddresses")
	ins, err := s.targets3(c, "InstanceIds", 100, inState("RUNNING", "STOPPED"))
	if err != nil {
		return nil, err
	}
	if len(ips) > 0 && len(ins) != 1 {
		return nil, err3("InvalidParameterValue", "PrivateIpAddresses may be given for one instance only")
	}
	for _, in := range ins {
		ip := in.lanIP
		if len(ips) > 0 {
			ip = ips[0]
		}
		if ip == in.lanIP {
			// The legacy action always moves the address; keeping it is
			// allowed here.
			in.subnetID = subnetID
			if in.vpcID != vpcID {
				return nil, err3("UnsupportedOperation", "the instance %s is not in %s: moving between VPCs is not supported", in.id, vpcID)
			}
			continue
		}
		if err := c.rg.moveAddress(in, vpcID, subnetID, ip); err != nil {
			return nil, fromLegacy(err)
		}
	}
	return map[string]any{}, nil
}

// changeGroups3 adds or removes groups of instances (cvm
// AssociateSecurityGroups / DisassociateSecurityGroups, §6 row 38).
func (s *Server) changeGroups3(c *call3, add bool) (map[string]any, *api3Err) {
	sgs, err := ids3(c, "SecurityGroupIds", true, 10)
	if err != nil {
		return nil, err
	}
	for _, sg := range sgs {
		if _, err := c.rg.group(sg); err != nil {
			return nil, err3("InvalidSecurityGroupId.NotFound", "the security group %s is not found", sg)
		}
	}
	ins, err := s.targets3(c, "InstanceIds", 100, inState("RUNNING", "STOPPED"))
	if err != nil {
		return nil, err
	}
	if len(ins) > maxInstanceSet {
		return nil, err3("InvalidParameterValue.LimitExceeded", "at most %d instances at once", maxInstanceSet)
	}
	changes := make([]groupsChange, len(ins))
	for i, in := range ins {
		next := slices.Clone(in.sgIDs)
		for _, sg := range sgs {
			if add && !slices.Contains(next, sg) {
				next = append(next, sg)
			}
			if !add {
				next = slices.DeleteFunc(next, func(x string) bool { return x == sg })
			}
		}
		changes[i] = groupsChange{in, next}
	}
	if err := c.rg.setInstanceGroups(changes); err != nil {
		return nil, fromLegacy(err)
	}
	return map[string]any{}, nil
}

func (s *Server) associateSecurityGroups3(c *call3) (map[string]any, *api3Err) {
	return s.changeGroups3(c, true)
}

func (s *Server) disassociateSecurityGroups3(c *call3) (map[string]any, *api3Err) {
	return s.changeGroups3(c, false)
}

// ---- prices (§6 rows 18, 19), from the legacy list prices ----

// price3 is one Price member: the list price and the (same) discounted
// price, monthly in yuan for prepaid, hourly with a unit for postpaid.
func price3(prepaid bool, value float64) map[string]any {
	// Every member of TC-Go cvm models.go ItemPrice: the numbers of the
	// other charge type, and of tiers and long terms the emulator does not
	// sell, are null ("此字段可能返回 null"); ChargeUnit is "" for prepaid.
	p := map[string]any{"UnitPrice": nil, "ChargeUnit": "", "OriginalPrice": nil, "DiscountPrice": nil, "Discount": 100,
		"UnitPriceDiscount": nil, "UnitPriceSecondStep": nil, "UnitPriceDiscountSecondStep": nil, "UnitPriceThirdStep": nil,
		"UnitPriceDiscountThirdStep": nil, "OriginalPriceThreeYear": nil, "DiscountPriceThreeYear": nil,
		"DiscountThreeYear": nil, "OriginalPriceFiveYear": nil, "DiscountPriceFiveYear": nil, "DiscountFiveYear": nil,
		"OriginalPriceOneYear": nil, "DiscountPriceOneYear": nil, "DiscountOneYear": nil}
	if prepaid {
		p["OriginalPrice"], p["DiscountPrice"] = round2(value), round2(value)
	} else {
		p["UnitPrice"], p["UnitPriceDiscount"], p["ChargeUnit"] = round4(value), round4(value), "HOUR"
	}
	return p
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }
func round4(f float64) float64 { return float64(int64(f*10000+0.5)) / 10000 }

// quote3 prices a configuration: prepaid in yuan for period months,
// postpaid per hour.
func quote3(prepaid bool, cpu, mem, storage, bw, count, period int) (inst, net float64) {
	if prepaid {
		inst = float64((cpu*fenPerCoreMonth+mem*fenPerGBMonth+storage*fenPerDiskGBMonth)*period*count) / 100
		net = float64(bw*fenPerMbpsMonth*period*count) / 100
		return inst, net
	}
	inst = (float64(cpu)*yuanPerCoreHour + float64(mem)*yuanPerGBHour + float64(storage)*yuanPerDiskGBHour) * float64(count)
	net = float64(bw) * yuanPerMbpsHour * float64(count)
	return inst, net
}

func (s *Server) inquiryPriceRunInstances3(c *call3) (map[string]any, *api3Err) {
	charge, err := oneOf3(c, "InstanceChargeType", "POSTPAID_BY_HOUR", "POSTPAID_BY_HOUR", "PREPAID")
	if err != nil {
		return nil, err
	}
	if _, err := str3(c, "Placement.Zone", true); err != nil {
		return nil, err
	}
	if _, err := str3(c, "ImageId", true); err != nil {
		return nil, err
	}
	typ := c.q.v.Get("InstanceType")
	if typ == "" {
		typ = "S1.SMALL1"
	}
	_, cpu, mem, ok := parseInstanceType(typ)
	if !ok {
		return nil, err3("InvalidInstanceType.Malformed", "the instance type %q is not one this emulator sells", typ)
	}
	count, err := int3(c, "InstanceCount", false, 1, 1, 500)
	if err != nil {
		return nil, err
	}
	bw, err := int3(c, "InternetAccessible.InternetMaxBandwidthOut", false, 0, 0, 1000)
	if err != nil {
		return nil, err
	}
	storage := 0
	for _, d := range c.q.objects("DataDisks") {
		n, _ := strconv.Atoi(d.Get("DiskSize"))
		storage += n
	}
	prepaid := charge == "PREPAID"
	period := 1
	if prepaid {
		if period, err = int3(c, "InstanceChargePrepaid.Period", true, 0, 1, 60); err != nil {
			return nil, err
		}
	}
	inst, net := quote3(prepaid, cpu, mem, storage, bw, count, period)
	return map[string]any{"Price": map[string]any{"InstancePrice": price3(prepaid, inst), "BandwidthPrice": price3(prepaid, net)}}, nil
}

func (s *Server) inquiryPriceRenewInstances3(c *call3) (map[string]any, *api3Err) {
	period, err := int3(c, "InstanceChargePrepaid.Period", true, 0, 1, 60)
	if err != nil {
		return nil, err
	}
	ins, err := s.targets3(c, "InstanceIds", 100, func(in *instance) *api3Err {
		if in.payMode != payPrepaid {
			return err3("InvalidInstanceNotSupportedPostpaid", "the instance %s is not PREPAID", in.id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var inst, net float64
	for _, in := range ins {
		i, n := quote3(true, in.cpu, in.mem, in.storageSize, in.bandwidth, 1, period)
		inst, net = inst+i, net+n
	}
	return map[string]any{"Price": map[string]any{"InstancePrice": price3(true, inst), "BandwidthPrice": price3(true, net)}}, nil
}

func (s *Server) inquiryPriceResetInstancesType3(c *call3) (map[string]any, *api3Err) {
	typ, err := str3(c, "InstanceType", true)
	if err != nil {
		return nil, err
	}
	_, cpu, mem, ok := parseInstanceType(typ)
	if !ok {
		return nil, err3("InvalidInstanceType.Malformed", "the instance type %q is not one this emulator sells", typ)
	}
	ins, err := s.targets3(c, "InstanceIds", 1, nil)
	if err != nil {
		return nil, err
	}
	in := ins[0]
	prepaid := in.payMode == payPrepaid
	months := 1
	if prepaid {
		months = max(1, int(in.deadline.Sub(c.now).Hours()/24/30))
	}
	now, _ := quote3(prepaid, cpu, mem, 0, 0, 1, months)
	was, _ := quote3(prepaid, in.cpu, in.mem, 0, 0, 1, months)
	diff := now
	if prepaid {
		diff = max(0, now-was)
	}
	// No bandwidth in a type change: an empty object, never null.
	return map[string]any{"Price": map[string]any{"InstancePrice": price3(prepaid, diff), "BandwidthPrice": map[string]any{}}}, nil
}

func (s *Server) inquiryPriceResetBandwidth3(c *call3) (map[string]any, *api3Err) {
	bw, err := int3(c, "InternetAccessible.InternetMaxBandwidthOut", true, 0, 0, 1000)
	if err != nil {
		return nil, err
	}
	ins, err := s.targets3(c, "InstanceIds", 100, nil)
	if err != nil {
		return nil, err
	}
	var total float64
	prepaid := false
	for _, in := range ins {
		prepaid = prepaid || in.payMode == payPrepaid
		_, n := quote3(in.payMode == payPrepaid, 0, 0, 0, bw, 1, 1)
		total += n
	}
	return map[string]any{"Price": map[string]any{"InstancePrice": map[string]any{}, "BandwidthPrice": price3(prepaid, total)}}, nil
}
