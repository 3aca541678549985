package cvm

// Routes of the instance and zone actions (spec/api3 §6 rows 1 to 19, 50
// to 52).

import (
	"context"
	"strconv"
	"time"
)

func init() {
	addRoutes3(map[string]route3{
		"DescribeAvailabilityZones": {service: "cvm", action: "DescribeZones", typed: noMembers3,
			newOut: func() any { return new(describeZones3) }, fillTyped: fillZones3},
		"DescribeInstances": {service: "cvm", action: "DescribeInstances", typed: typedDescribeInstances3,
			newOut: func() any { return new(describeInstances3) }, fillTyped: fillDescribeInstances3},
		"RunInstancesHour": {service: "cvm", action: "RunInstances", typed: typedRunInstances3,
			newOut: func() any { return new(runInstances3) }, fillTyped: fillRunInstancesHour3},
		"RunInstances": {service: "cvm", action: "RunInstances", typed: typedRunInstances3,
			newOut: func() any { return new(runInstances3) }, fillTyped: fillRunInstancesPrepaid3},
		"StartInstances":        batch3("cvm", "StartInstances", "InstanceIds"),
		"StopInstances":         batch3("cvm", "StopInstances", "InstanceIds"),
		"RestartInstances":      batch3("cvm", "RebootInstances", "InstanceIds"),
		"ResetInstancePassword": batch3("cvm", "ResetInstancesPassword", "InstanceIds"),
		"SetAutoRenew":          batch3("cvm", "ModifyInstancesRenewFlag", "InstanceIds"),
		"ReturnInstance": typed3("cvm", "TerminateInstances", func(req any) map[string]any {
			return map[string]any{"InstanceIds": []string{req.(*instanceRef).ID}}
		}),
		"ModifyInstanceAttributes": typed3("cvm", "ModifyInstancesAttribute", func(req any) map[string]any {
			r := req.(*instanceRename)
			return map[string]any{"InstanceIds": []string{r.ID}, "InstanceName": r.Name}
		}),
		"ModifyInstanceProject": typed3("cvm", "ModifyInstancesProject", func(req any) map[string]any {
			r := req.(*instanceMove)
			return map[string]any{"InstanceIds": []string{r.ID}, "ProjectId": r.Project}
		}),
	})
}

// fillZones3 answers DescribeAvailabilityZones from the zones the client
// fetched (and keeps) through DescribeZones; zoneId keeps one (none, for
// a zone the region lacks: Zones.Get then answers ErrNotFound).
func fillZones3(_ context.Context, c *Client, got, out, req any) error {
	zs := c.keepZones3(got.(*describeZones3))
	o := out.(*describeZonesResponse)
	want := req.(*zoneQuery).ZoneID
	for _, z := range zs {
		if want != 0 && z.id != want {
			continue
		}
		o.ZoneSet = append(o.ZoneSet, zoneJSON{ZoneID: jsonInt(z.id), ZoneName: jsonString(z.name), Zone: jsonString(z.zone), ZoneState: jsonString(z.state)})
	}
	o.TotalCount = jsonInt(len(o.ZoneSet))
	return nil
}

// instance3 is an instance as API 3.0 shows it.
type instance3 struct {
	InstanceId, InstanceName, InstanceType, InstanceState, InstanceChargeType, ImageId, OsName, Uuid, RenewFlag jsonString
	CreatedTime, ExpiredTime, LatestOperation, LatestOperationState                                             jsonString
	CPU, Memory                                                                                                 int
	Placement                                                                                                   struct {
		Zone      jsonString
		ProjectId int
	}
	PrivateIpAddresses, PublicIpAddresses, SecurityGroupIds []jsonString
	InternetAccessible                                      struct {
		InternetChargeType      jsonString
		InternetMaxBandwidthOut int
	}
	VirtualPrivateCloud *struct {
		VpcId, SubnetId jsonString
		AsVpcGateway    bool
	}
	SystemDisk struct {
		DiskType, DiskId jsonString
		DiskSize         int
	}
	DataDisks []struct {
		DiskType, DiskId jsonString
		DiskSize         int
	}
	LoginSettings struct{ KeyIds []jsonString }
}

type describeInstances3 struct {
	Envelope3
	TotalCount  int
	InstanceSet []instance3
}

// The legacy numbers of the newer names (legacy spec §5; sources §3).
var (
	chargeTypes3 = map[string]PayMode{"PREPAID": 1, "POSTPAID_BY_HOUR": 2}
	netCharges3  = map[string]NetworkPayMode{"BANDWIDTH_PREPAID": 1, "TRAFFIC_POSTPAID_BY_HOUR": 2, "BANDWIDTH_POSTPAID_BY_HOUR": 3}
	renewFlags3  = map[string]AutoRenew{"NOTIFY_AND_MANUAL_RENEW": 0, "NOTIFY_AND_AUTO_RENEW": 1, "DISABLE_NOTIFY_AND_MANUAL_RENEW": 2}
	diskTypes3   = map[string]DiskType{"LOCAL_BASIC": 1, "CLOUD_BASIC": 2, "CLOUD_PREMIUM": 2, "LOCAL_SSD": 3, "CLOUD_SSD": 4}
	// An operation in progress on a RUNNING or STOPPED instance has a
	// legacy status of its own.
	operations3 = map[string]InstanceStatus{
		"ResetInstancesPassword": InstanceResettingPassword, "ResetInstancesInternetMaxBandwidth": InstanceSettingBandwidth,
		"ResetInstance": InstanceReinstalling, "ResetInstancesType": InstanceUpgrading, "ResizeInstanceDisks": InstanceUpgrading,
		"CreateImage": InstanceMakingImage,
	}
)

// instanceOf3 is an API 3.0 instance as this package's Instance: the
// members both contracts have by their legacy meaning (status, zone
// number, pay modes), and those only API 3.0 has as they are.
func (c *Client) instanceOf3(ctx context.Context, in *instance3) Instance {
	z := c.zoneOf3(ctx, string(in.Placement.Zone))
	state, op, opState := string(in.InstanceState), string(in.LatestOperation), string(in.LatestOperationState)
	status := state3Status[state]
	if o, ok := operations3[op]; ok && opState == "OPERATING" && (state == "RUNNING" || state == "STOPPED") {
		status = o
	}
	out := Instance{
		ID: string(in.InstanceId), UUID: string(in.Uuid), Name: string(in.InstanceName), Status: status,
		Region: c.region.Short, ZoneID: z.id, ZoneName: z.name, Zone: string(in.Placement.Zone),
		CPU: in.CPU, MemoryGB: in.Memory, BandwidthMbps: in.InternetAccessible.InternetMaxBandwidthOut,
		ImageID: string(in.ImageId), OS: string(in.OsName), ProjectID: in.Placement.ProjectId,
		Created: time.Time(parseTime3(string(in.CreatedTime))), Deadline: time.Time(parseTime3(string(in.ExpiredTime))),
		AutoRenew: renewFlags3[string(in.RenewFlag)], PayMode: chargeTypes3[string(in.InstanceChargeType)],
		NetworkPayMode: netCharges3[string(in.InternetAccessible.InternetChargeType)],
		InstanceType:   string(in.InstanceType), SecurityGroupIDs: strs(in.SecurityGroupIds),
		LatestOperation: op, LatestOperationState: opState,
		WANIPs: strs(in.PublicIpAddresses),
		Disks: Disks{
			RootID: string(in.SystemDisk.DiskId), RootSizeGB: in.SystemDisk.DiskSize, RootType: diskTypes3[string(in.SystemDisk.DiskType)],
		},
	}
	if len(in.PrivateIpAddresses) > 0 {
		out.LANIP = string(in.PrivateIpAddresses[0])
	}
	if vpc := in.VirtualPrivateCloud; vpc != nil {
		out.VPCID, out.SubnetID, out.IsVPCGateway = noNetwork(vpc.VpcId), noNetwork(vpc.SubnetId), vpc.AsVpcGateway
	}
	if len(in.DataDisks) > 0 {
		d := in.DataDisks[0]
		out.Disks.DataID, out.Disks.DataSizeGB, out.Disks.DataType = string(d.DiskId), d.DiskSize, diskTypes3[string(d.DiskType)]
	}
	return out
}

// buildDescribeInstances3 maps the legacy filters (§6 row 1): ids, or
// Filters for addresses, name, state, project and zone.
func typedDescribeInstances3(ctx context.Context, c *Client, req any) (map[string]any, error) {
	o := req.(*InstanceListOptions)
	d := &describe3{members: map[string]any{}}
	page3(d.members, o.ListOptions)
	if d.ids("InstanceIds", o.InstanceIDs) {
		return d.done()
	}
	if len(o.LANIPs) > 0 {
		// A legacy lanIps matches private or public addresses; API 3.0
		// filters each, so the private ones are asked (the common use).
		d.filter("private-ip-address", o.LANIPs...)
	}
	if o.SearchWord != "" {
		d.filter("instance-name", o.SearchWord)
	}
	if o.Status != 0 {
		for name, s := range state3Status {
			if s == o.Status { // state3Status's statuses are distinct: one name
				d.filter("instance-state", name)
			}
		}
	}
	if o.ProjectID != nil {
		d.filter("project-id", strconv.Itoa(*o.ProjectID))
	}
	if o.ZoneID != 0 {
		name, err := c.zoneName3(ctx, o.ZoneID)
		if err != nil {
			return nil, err
		}
		d.filter("zone", name)
	}
	return d.done()
}

func fillDescribeInstances3(ctx context.Context, c *Client, got, out, _ any) error {
	g, o := got.(*describeInstances3), out.(*describeInstancesResponse)
	o.TotalCount = jsonInt(g.TotalCount)
	o.instances = make([]Instance, len(g.InstanceSet))
	for i := range g.InstanceSet {
		o.instances[i] = c.instanceOf3(ctx, &g.InstanceSet[i])
	}
	return nil
}

type runInstances3 struct {
	Envelope3
	InstanceIdSet []string
}

// legacyNetCharges are the legacy bandwidthType values by newer name.
var legacyNetCharges = map[string]string{"PayByHour": "BANDWIDTH_POSTPAID_BY_HOUR", "PayByTraffic": "TRAFFIC_POSTPAID_BY_HOUR", "PayByBandwidth": "BANDWIDTH_PREPAID"}

// typedRunInstances3 maps RunInstancesHour and RunInstances (§6 rows 2
// and 3): the zone by name, cores and memory to an instance type the zone
// offers (or InstanceCreateRequest.Type), disks, network, login, security
// groups; a period makes it prepaid.
func typedRunInstances3(ctx context.Context, c *Client, req any) (map[string]any, error) {
	p := req.(*createParams)
	r := p.InstanceCreateRequest
	zone, err := c.zoneName3(ctx, r.ZoneID)
	if err != nil {
		return nil, err
	}
	typ := r.Type
	if typ == "" {
		if typ, err = c.instanceType3For(ctx, zone, r.InstanceType, r.CPU, r.MemoryGB); err != nil {
			return nil, err
		}
	}
	placement := map[string]any{"Zone": zone}
	if r.ProjectID != 0 {
		placement["ProjectId"] = r.ProjectID
	}
	m := map[string]any{"Placement": placement, "ImageId": r.ImageID, "InstanceType": typ,
		"InstanceCount": p.GoodsNum, "InstanceChargeType": "POSTPAID_BY_HOUR"}
	if p.Period != 0 {
		m["InstanceChargeType"] = "PREPAID"
		m["InstanceChargePrepaid"] = map[string]any{"Period": p.Period}
	}
	if r.RootDiskGB != 0 {
		m["SystemDisk"] = map[string]any{"DiskSize": r.RootDiskGB}
	}
	if r.DataDiskGB > 0 {
		d := map[string]any{"DiskSize": r.DataDiskGB}
		for name, dt := range diskTypes3 {
			if r.DiskType != 0 && dt == r.DiskType && name != "CLOUD_PREMIUM" {
				d["DiskType"] = name
			}
		}
		m["DataDisks"] = []any{d}
	}
	net := map[string]any{}
	if r.BandwidthMbps != 0 {
		net["InternetMaxBandwidthOut"] = r.BandwidthMbps
		net["PublicIpAssigned"] = r.BandwidthMbps > 0 && !r.NoPublicIP
	}
	if r.BandwidthType != "" {
		net["InternetChargeType"] = legacyNetCharges[string(r.BandwidthType)]
	}
	if len(net) > 0 {
		m["InternetAccessible"] = net
	}
	if r.VPCID != "" {
		m["VirtualPrivateCloud"] = map[string]any{"VpcId": r.VPCID, "SubnetId": r.SubnetID}
	}
	login := map[string]any{}
	if r.Password != "" {
		login["Password"] = r.Password
	}
	if r.KeyID != "" {
		login["KeyIds"] = []string{r.KeyID}
	}
	if len(login) > 0 {
		m["LoginSettings"] = login
	}
	if r.Name != "" {
		m["InstanceName"] = r.Name
	}
	if p.Token != "" {
		m["ClientToken"] = p.Token
	}
	if len(r.SecurityGroupIDs) > 0 {
		m["SecurityGroupIds"] = r.SecurityGroupIDs
	}
	return m, nil
}

func fillRunInstancesHour3(_ context.Context, _ *Client, got, out, _ any) error {
	o := out.(*runInstancesHourResponse)
	for _, id := range got.(*runInstances3).InstanceIdSet {
		o.UnInstanceIDs = append(o.UnInstanceIDs, jsonString(id))
	}
	return nil
}

// fillRunInstancesPrepaid3: API 3.0 names no order (§6 row 3), so the
// instances go under an empty order id.
func fillRunInstancesPrepaid3(_ context.Context, _ *Client, got, out, _ any) error {
	o := out.(*runInstancesResponse)
	o.UnInstanceIDs = map[string]oneOrMany[jsonString]{"": asJSONStrings(got.(*runInstances3).InstanceIdSet)}
	return nil
}

// renewFlagNames3 are API 3.0's RenewFlag values, by AutoRenew.
var renewFlagNames3 = [...]string{"NOTIFY_AND_MANUAL_RENEW", "NOTIFY_AND_AUTO_RENEW", "DISABLE_NOTIFY_AND_MANUAL_RENEW"}

// batch3 routes a batch action: its ids to member, and what else the
// request holds (spec/api3 §6 rows 4 to 9, 17, 22, 57): forceStop 1 is
// StopType SOFT_FIRST (a soft stop, then a hard one if it fails), 0 SOFT.
// API 3.0's batches are all or nothing, so on success every id succeeded,
// and the result says so (allSucceeded).
func batch3(service, action, member string) route3 {
	return route3{service: service, action: action, typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
		b := req.(*batchRequest)
		m := map[string]any{member: b.ids}
		switch x := b.extra.(type) {
		case stopOptions:
			m["StopType"] = map[bool]string{false: "SOFT", true: "SOFT_FIRST"}[x.force]
		case passwordOptions:
			m["Password"] = x.password
		case renewOptions:
			m["RenewFlag"] = renewFlagNames3[min(max(int(x.renew), 0), 2)]
		case nil:
			if action == "StopInstances" || action == "RebootInstances" {
				m["StopType"] = "SOFT"
			}
		}
		return m, nil
	}, fillTyped: allSucceeded}
}

// allSucceeded fills the per-id results of a batch once the API 3.0 call
// succeeded: its batches are all or nothing, so every id succeeded (code 0;
// API 3.0 starts no task per id to name).
func allSucceeded(_ context.Context, _ *Client, _, out, req any) error {
	if o, ok := out.(*batchResponse); ok {
		for _, id := range req.(*batchRequest).ids {
			o.Detail = append(o.Detail, ItemResult{ID: id})
		}
	}
	return nil
}
