package cvm

import (
	"context"
	"fmt"
	"iter"
	"net"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"
)

// InstancesService manages instances (module cvm; SetAutoRenew on trade).
type InstancesService service

// InstanceStatus is an instance's state, as the API documents it.
type InstanceStatus int

// Documented instance statuses.
const (
	InstanceCreateFailed      InstanceStatus = -1
	InstanceFault             InstanceStatus = 1
	InstanceRunning           InstanceStatus = 2
	InstanceCreating          InstanceStatus = 3
	InstanceStopped           InstanceStatus = 4
	InstanceReturned          InstanceStatus = 5
	InstanceReturning         InstanceStatus = 6
	InstanceRestarting        InstanceStatus = 7
	InstanceStarting          InstanceStatus = 8
	InstanceStopping          InstanceStatus = 9
	InstanceResettingPassword InstanceStatus = 10
	InstanceFormatting        InstanceStatus = 11
	InstanceMakingImage       InstanceStatus = 12
	InstanceSettingBandwidth  InstanceStatus = 13
	InstanceReinstalling      InstanceStatus = 14
	InstanceBindingDomain     InstanceStatus = 15
	InstanceUnbindingDomain   InstanceStatus = 16
	InstanceBindingLB         InstanceStatus = 17
	InstanceUnbindingLB       InstanceStatus = 18
	InstanceUpgrading         InstanceStatus = 19
	InstanceIssuingKey        InstanceStatus = 20
	InstanceMaintenance       InstanceStatus = 21
)

// instanceStatusNames are the documented names, by code.
var instanceStatusNames = map[InstanceStatus]string{
	InstanceCreateFailed: "create-failed", InstanceFault: "fault", InstanceRunning: "running",
	InstanceCreating: "creating", InstanceStopped: "stopped", InstanceReturned: "returned",
	InstanceReturning: "returning", InstanceRestarting: "restarting", InstanceStarting: "starting",
	InstanceStopping: "stopping", InstanceResettingPassword: "resetting-password",
	InstanceFormatting: "formatting", InstanceMakingImage: "making-image",
	InstanceSettingBandwidth: "setting-bandwidth", InstanceReinstalling: "reinstalling",
	InstanceBindingDomain: "binding-domain", InstanceUnbindingDomain: "unbinding-domain",
	InstanceBindingLB: "binding-load-balancer", InstanceUnbindingLB: "unbinding-load-balancer",
	InstanceUpgrading: "upgrading", InstanceIssuingKey: "issuing-key", InstanceMaintenance: "maintenance",
}

// String returns the status's name, such as "running", or "status(n)" for
// a code the SDK does not know.
func (s InstanceStatus) String() string { return enumName(instanceStatusNames, s, "status") }

// PayMode is how an instance is billed (cvmPayMode).
type PayMode int

// Pay modes.
const (
	PayMonthlyPostpaid PayMode = 0
	PayPrepaid         PayMode = 1
	PayHourly          PayMode = 2
)

// payModeNames are the documented names, by code.
var payModeNames = map[PayMode]string{PayMonthlyPostpaid: "monthly-postpaid", PayPrepaid: "prepaid", PayHourly: "hourly"}

// String names the pay mode: its documented name, such as "prepaid",
// or "paymode(n)" for a code the SDK does not know.
func (m PayMode) String() string { return enumName(payModeNames, m, "paymode") }

// NetworkPayMode is how an instance's network is billed (networkPayMode).
type NetworkPayMode int

// Network pay modes.
const (
	NetworkMonthlyPostpaid NetworkPayMode = 0
	NetworkPrepaid         NetworkPayMode = 1
	NetworkByTraffic       NetworkPayMode = 2
	NetworkByBandwidth     NetworkPayMode = 3
)

// networkPayModeNames are the documented names, by code.
var networkPayModeNames = map[NetworkPayMode]string{NetworkMonthlyPostpaid: "monthly-postpaid", NetworkPrepaid: "prepaid", NetworkByTraffic: "by-traffic", NetworkByBandwidth: "by-bandwidth"}

// String names the network pay mode: its documented name, such as "by-traffic",
// or "networkpaymode(n)" for a code the SDK does not know.
func (m NetworkPayMode) String() string { return enumName(networkPayModeNames, m, "networkpaymode") }

// AutoRenew is a prepaid instance's renewal setting.
type AutoRenew int

// Renewal settings.
const (
	RenewManually AutoRenew = 0 // 不自动续费
	RenewAuto     AutoRenew = 1 // 自动续费
	RenewNever    AutoRenew = 2 // 不再续费
)

// autoRenewNames are the documented names, by code.
var autoRenewNames = map[AutoRenew]string{RenewManually: "manual", RenewAuto: "auto", RenewNever: "never"}

// String names the setting: its documented name, such as "auto",
// or "autorenew(n)" for a code the SDK does not know.
func (a AutoRenew) String() string { return enumName(autoRenewNames, a, "autorenew") }

// DiskType is a disk's medium.
type DiskType int

// Disk types.
const (
	DiskLocal        DiskType = 1
	DiskCloud        DiskType = 2
	DiskLocalSSD     DiskType = 3
	DiskCloudSSD     DiskType = 4
	DiskCloudPremium DiskType = 5
)

var diskTypeNames = map[DiskType]string{DiskLocal: "local", DiskCloud: "cloud", DiskLocalSSD: "local-ssd",
	DiskCloudSSD: "cloud-ssd", DiskCloudPremium: "cloud-premium"}

// String names the disk type: "local", "cloud", "local-ssd", "cloud-ssd",
// "cloud-premium", "" for none (the zero DiskType: no data disk), or
// "disktype(n)" for a code the SDK does not know.
func (d DiskType) String() string {
	if d == 0 {
		return ""
	}
	return enumName(diskTypeNames, d, "disktype")
}

// EncodeValues implements query.Encoder: the type's code, as the API
// takes it (storageType=2).
func (d DiskType) EncodeValues(key string, v *url.Values) error {
	v.Set(key, strconv.Itoa(int(d)))
	return nil
}

// Disks describes an instance's system and data disks.
type Disks struct {
	RootID     string
	RootSizeGB int
	RootType   DiskType
	// The data disk, when the instance has one.
	DataID     string
	DataSizeGB int
	DataType   DiskType
}

// Instance is a CVM instance, as DescribeInstances reports it. It carries
// no security-group ids because the documented answer has none (spec §5.1
// lists every field of instanceSet); ask the other way round, with
// [SecurityGroupsService.ListInstances] for the instances of a group.
type Instance struct {
	// ID is the unified id, "ins-xxxxxxxx"; every action takes it.
	ID string
	// LegacyID is the older "qcvm..." id. It is empty under [API3], which
	// has no such ids (spec/api3 §6 row 1).
	LegacyID string
	UUID     string
	Name     string
	Status   InstanceStatus
	// StatusTime is when the status last changed.
	StatusTime time.Time
	// Region is the region's short code, such as "gz".
	Region   string
	ZoneID   int
	ZoneName string
	CPU      int
	// MemoryGB is the memory in GB.
	MemoryGB int
	// BandwidthMbps is the public bandwidth cap; 65535 means the account
	// buys bandwidth packages.
	BandwidthMbps int
	LANIP         string
	// WANIPs are the public addresses, EIPs included.
	WANIPs []string
	// ImageID is the image's "img-..." id; LegacyImageID the numeric one.
	ImageID       string
	LegacyImageID int
	ImageType     string
	OS            string
	DeviceClass   string
	ProjectID     int
	Created       time.Time
	// Deadline is when a prepaid instance expires; zero for postpaid ones.
	Deadline       time.Time
	AutoRenew      AutoRenew
	PayMode        PayMode
	NetworkPayMode NetworkPayMode
	// VPCID and SubnetID are empty for the classic network.
	VPCID        string
	SubnetID     string
	IsVPCGateway bool
	Disks        Disks
	// What API 3.0 says more (empty under LegacyAPI): the instance type
	// ("S5.MEDIUM4"), the security groups, the zone's newer name
	// ("ap-guangzhou-3"), and the latest operation ("StopInstances") with
	// its state (SUCCESS, OPERATING or FAILED).
	InstanceType         string
	SecurityGroupIDs     []string
	Zone                 string
	LatestOperation      string
	LatestOperationState string
}

type instanceJSON struct {
	InstanceName   jsonString   `json:"instanceName"`
	InstanceID     jsonString   `json:"instanceId"`
	UnInstanceID   jsonString   `json:"unInstanceId"`
	UUID           jsonString   `json:"uuid"`
	LanIP          jsonString   `json:"lanIp"`
	WanIPSet       []jsonString `json:"wanIpSet"`
	CPU            jsonInt      `json:"cpu"`
	Mem            jsonInt      `json:"mem"`
	Bandwidth      jsonInt      `json:"bandwidth"`
	DeviceClass    jsonString   `json:"deviceClass"`
	ImageID        jsonInt      `json:"imageId"`
	UnImgID        jsonString   `json:"unImgId"`
	ImageType      jsonString   `json:"imageType"`
	Status         jsonInt      `json:"status"`
	StatusTime     jsonTime     `json:"statusTime"`
	Region         jsonString   `json:"Region"`
	CreateTime     jsonTime     `json:"createTime"`
	DeadlineTime   jsonTime     `json:"deadlineTime"`
	AutoRenew      jsonInt      `json:"autoRenew"`
	ProjectID      jsonInt      `json:"projectId"`
	OS             jsonString   `json:"os"`
	CVMPayMode     jsonInt      `json:"cvmPayMode"`
	NetworkPayMode jsonInt      `json:"networkPayMode"`
	ZoneID         jsonInt      `json:"zoneId"`
	ZoneName       jsonString   `json:"zoneName"`
	VpcID          jsonString   `json:"vpcId"`
	SubnetID       jsonString   `json:"subnetId"`
	IsVpcGateway   jsonInt      `json:"isVpcGateway"`
	DiskInfo       struct {
		RootID      jsonString `json:"rootId"`
		RootSize    jsonInt    `json:"rootSize"`
		RootType    jsonInt    `json:"rootType"`
		StorageID   jsonString `json:"storageId"`
		StorageSize jsonInt    `json:"storageSize"`
		StorageType jsonInt    `json:"storageType"`
	} `json:"diskInfo"`
}

// noNetwork reads the classic network's vpcId and subnetId, 0 or "0", as
// empty.
func noNetwork(s jsonString) string {
	if s == "0" {
		return ""
	}
	return string(s)
}

func (j *instanceJSON) instance() Instance {
	in := Instance{
		ID: string(j.UnInstanceID), LegacyID: string(j.InstanceID), UUID: string(j.UUID),
		Name: string(j.InstanceName), Status: InstanceStatus(j.Status), StatusTime: time.Time(j.StatusTime),
		Region: string(j.Region), ZoneID: int(j.ZoneID), ZoneName: string(j.ZoneName), CPU: int(j.CPU),
		MemoryGB: int(j.Mem), BandwidthMbps: int(j.Bandwidth), LANIP: string(j.LanIP),
		ImageID: string(j.UnImgID), LegacyImageID: int(j.ImageID), ImageType: string(j.ImageType),
		OS: string(j.OS), DeviceClass: string(j.DeviceClass), ProjectID: int(j.ProjectID),
		Created: time.Time(j.CreateTime), Deadline: time.Time(j.DeadlineTime), AutoRenew: AutoRenew(j.AutoRenew),
		PayMode: PayMode(j.CVMPayMode), NetworkPayMode: NetworkPayMode(j.NetworkPayMode),
		VPCID: noNetwork(j.VpcID), SubnetID: noNetwork(j.SubnetID), IsVPCGateway: j.IsVpcGateway == 1,
		Disks: Disks{
			RootID: string(j.DiskInfo.RootID), RootSizeGB: int(j.DiskInfo.RootSize), RootType: DiskType(j.DiskInfo.RootType),
			DataID: string(j.DiskInfo.StorageID), DataSizeGB: int(j.DiskInfo.StorageSize), DataType: DiskType(j.DiskInfo.StorageType),
		},
	}
	if len(j.WanIPSet) > 0 {
		in.WANIPs = make([]string, len(j.WanIPSet))
		for i, ip := range j.WanIPSet {
			in.WANIPs[i] = string(ip)
		}
	}
	return in
}

// InstanceListOptions filters DescribeInstances. The zero value lists every
// instance of the region.
type InstanceListOptions struct {
	ListOptions
	// InstanceIDs keeps these instances (unified or legacy ids). Lists
	// longer than 100 are sent in several calls; List then needs Offset 0
	// and a Limit no smaller than the list.
	InstanceIDs List[string] `url:"instanceIds,omitempty"`
	// LANIPs keeps instances with these private or public addresses.
	LANIPs List[string] `url:"lanIps,omitempty"`
	// SearchWord keeps instances whose name contains it.
	SearchWord string `url:"searchWord,omitempty"`
	// Status keeps instances in this status; 0 means any.
	Status InstanceStatus `url:"status,omitempty"`
	// ProjectID keeps the instances of one project; nil means every
	// project (0 is the default project).
	ProjectID *int `url:"projectId,omitempty"`
	// ZoneID keeps the instances of one zone; 0 means any.
	ZoneID int `url:"zoneId,omitempty"`
}

// maxDescribeIDs is how many ids one DescribeInstances call takes. The
// legacy page does not say; the newer API's limit is 100.
const maxDescribeIDs = 100

type describeInstancesResponse struct {
	envelope
	TotalCount  jsonInt        `json:"totalCount"`
	InstanceSet []instanceJSON `json:"instanceSet"`
	// instances is the answer of API 3.0, whose route fills the typed
	// instances directly.
	instances []Instance
}

func (s *InstancesService) page(ctx context.Context, opts InstanceListOptions) (page[Instance], *Response, error) {
	var out describeInstancesResponse
	resp, err := s.client.do(ctx, "DescribeInstances", &opts, &out)
	if err != nil {
		return page[Instance]{}, resp, err
	}
	if out.TotalCount < 0 {
		return page[Instance]{}, resp, &ResponseError{Action: "DescribeInstances", HTTPStatusCode: 200, Reason: fmt.Sprintf("negative total count %d", out.TotalCount)}
	}
	items := out.instances
	if items == nil {
		items = make([]Instance, len(out.InstanceSet))
		for i := range out.InstanceSet {
			items[i] = out.InstanceSet[i].instance()
		}
	}
	resp.TotalCount = int(out.TotalCount)
	return page[Instance]{items, int(out.TotalCount)}, resp, nil
}

func (s *InstancesService) lister(opts *InstanceListOptions) lister[Instance] {
	o := orZero(opts)
	return lister[Instance]{
		arg: "InstanceIDs", ids: o.InstanceIDs, per: maxDescribeIDs, opts: o.ListOptions,
		key: func(in Instance) string { return in.ID },
		fetch: func(ctx context.Context, ids []string, off, lim int) (page[Instance], *Response, error) {
			c := o
			c.InstanceIDs, c.Offset, c.Limit = ids, off, lim
			return s.page(ctx, c)
		},
	}
}

// List returns one page of the instances matching opts (nil for all), and
// the total number of matches in Response.TotalCount. More than 100
// InstanceIDs are sent in several calls and merged.
//
// It calls the DescribeInstances action. API docs:
// https://cloud.tencent.com/document/api/213/831
func (s *InstancesService) List(ctx context.Context, opts *InstanceListOptions) ([]Instance, *Response, error) {
	return s.lister(opts).list(ctx)
}

// All returns an iterator over every instance matching opts (nil for all),
// fetching pages of opts.Limit (100 if unset) as the loop goes, each call
// paced by the client's limiter. Nothing is fetched until the loop starts,
// opts is copied and never changed, and each range starts again from
// opts.Offset.
//
// It calls the DescribeInstances action.
func (s *InstancesService) All(ctx context.Context, opts *InstanceListOptions) iter.Seq2[Instance, error] {
	return s.lister(opts).all(ctx)
}

// Get returns one instance. It returns an error matching [ErrNotFound] when
// the region has no such instance.
//
// It calls the DescribeInstances action.
func (s *InstancesService) Get(ctx context.Context, id string) (*Instance, *Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, nil, err
	}
	list, resp, err := s.List(ctx, &InstanceListOptions{InstanceIDs: []string{id}})
	if err != nil {
		return nil, resp, err
	}
	for i := range list {
		if list[i].ID == id || list[i].LegacyID == id {
			return &list[i], resp, nil
		}
	}
	return nil, resp, &APIError{Action: "DescribeInstances", Code: CodeNotFound, Message: "instance " + id + " not found"}
}

// WaitStatus waits until every instance of ids has the status, polling
// DescribeInstances with capped, jittered backoff under the client's
// limiter. When ctx ends first it returns a [*WaitError] naming the status
// last seen of each instance not yet there. An instance that disappears
// (returned) counts as [InstanceReturned].
func (s *InstancesService) WaitStatus(ctx context.Context, status InstanceStatus, ids ...string) error {
	if err := checkIDs("ids", ids); err != nil {
		return err
	}
	return s.client.poll(ctx, "DescribeInstances", "status "+status.String(), func(ctx context.Context) (bool, map[string]string, error) {
		list, _, err := s.List(ctx, &InstanceListOptions{InstanceIDs: ids})
		if err != nil {
			return false, nil, err
		}
		seen := map[string]InstanceStatus{}
		for _, in := range list {
			seen[in.ID] = in.Status
		}
		last := map[string]string{}
		for _, id := range ids {
			st, ok := seen[id]
			if !ok {
				st = InstanceReturned
			}
			if st != status {
				last[id] = st.String()
				if instanceDeadEnd(st, status) {
					return false, last, &UnreachableError{ID: id, Status: st.String(), Want: status.String()}
				}
			}
		}
		return len(last) == 0, last, nil
	})
}

// instanceDeadEnd reports whether an instance in status st can no longer
// reach want: a failed creation reaches nothing, a returned instance (or
// one being returned) only "returned".
func instanceDeadEnd(st, want InstanceStatus) bool {
	switch st {
	case InstanceCreateFailed:
		return want != InstanceCreateFailed
	case InstanceReturned, InstanceReturning:
		return want != InstanceReturned && want != InstanceReturning
	}
	return false
}

// Start starts stopped instances. Each instance goes through
// [InstanceStarting] to [InstanceRunning].
//
// It calls the StartInstances action. A partial failure is an [*APIError]
// with code 5400 and [APIError.Items] per instance; an instance not
// stopped fails with OperationConstraints.InvaildInstanceStatus.
func (s *InstancesService) Start(ctx context.Context, ids ...string) (*BatchResult, *Response, error) {
	return s.client.batch(ctx, "StartInstances", "instanceIds", ids, maxBatchIDs, nil)
}

// Stop stops running instances, softly.
//
// It calls the StopInstances action; errors as for [InstancesService.Start].
func (s *InstancesService) Stop(ctx context.Context, ids ...string) (*BatchResult, *Response, error) {
	return s.client.batch(ctx, "StopInstances", "instanceIds", ids, maxBatchIDs, nil)
}

// ForceStop stops running instances, forcing them off when a soft stop
// fails. Data not yet written may be lost.
//
// It calls the StopInstances action with forceStop=1.
func (s *InstancesService) ForceStop(ctx context.Context, ids ...string) (*BatchResult, *Response, error) {
	return s.client.batch(ctx, "StopInstances", "instanceIds", ids, maxBatchIDs, stopOptions{force: true})
}

// Restart restarts running instances.
//
// It calls the RestartInstances action; errors as for [InstancesService.Start].
func (s *InstancesService) Restart(ctx context.Context, ids ...string) (*BatchResult, *Response, error) {
	return s.client.batch(ctx, "RestartInstances", "instanceIds", ids, maxBatchIDs, nil)
}

// ResetPassword sets the login password of stopped instances (Windows:
// Administrator; Ubuntu: ubuntu; others: root). The password must meet the
// Linux rules; Windows instances need the Windows rules.
//
// It calls the ResetInstancePassword action.
func (s *InstancesService) ResetPassword(ctx context.Context, password string, ids ...string) (*BatchResult, *Response, error) {
	if err := CheckPassword(password, false); err != nil {
		return nil, nil, err
	}
	return s.client.batch(ctx, "ResetInstancePassword", "instanceIds", ids, maxBatchIDs, passwordOptions{password})
}

// SetAutoRenew sets how prepaid instances renew.
//
// It calls the SetAutoRenew action of the trade module.
func (s *InstancesService) SetAutoRenew(ctx context.Context, renew AutoRenew, ids ...string) (*BatchResult, *Response, error) {
	if renew < RenewManually || renew > RenewNever {
		return nil, nil, &ArgError{Arg: "renew", Reason: "must be RenewManually, RenewAuto or RenewNever"}
	}
	return s.client.batch(ctx, "SetAutoRenew", "instanceIds", ids, maxBatchIDs, renewOptions{renew})
}

// one calls an action on one instance, whose request req names it.
func (s *InstancesService) one(ctx context.Context, action, id string, req any, out any) (*Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	if out == nil {
		out = &batchResponse{}
	}
	return s.client.do(ctx, action, req, out)
}

// The requests of the actions on one instance: their url tags put them on
// the legacy wire; the API 3.0 routes read them as they are.
type (
	instanceRef struct {
		ID string `url:"instanceId"`
	}
	instanceRename struct {
		ID   string `url:"instanceId"`
		Name string `url:"instanceName"`
	}
	instanceMove struct {
		ID      string `url:"instanceId"`
		Project int    `url:"projectId"`
	}
	instanceBandwidth struct {
		ID   string `url:"instanceId"`
		Mbps int    `url:"bandwidth"`
		// Start and End bound a prepaid instance's change (YYYY-MM-DD,
		// Beijing time); empty for a postpaid one.
		Start string `url:"startTime,omitempty"`
		End   string `url:"endTime,omitempty"`
	}
	instanceRenewal struct {
		ID     string `url:"instanceId"`
		Months int    `url:"period"`
	}
)

// Terminate returns a postpaid instance; it goes through
// [InstanceReturning] and is then gone. Prepaid instances cannot be
// returned through the API.
//
// It calls the ReturnInstance action.
func (s *InstancesService) Terminate(ctx context.Context, id string) (*Response, error) {
	return s.one(ctx, "ReturnInstance", id, &instanceRef{ID: id}, nil)
}

// Rename sets an instance's name (at most 60 characters).
//
// It calls the ModifyInstanceAttributes action.
func (s *InstancesService) Rename(ctx context.Context, id, name string) (*Response, error) {
	if name == "" || utf8.RuneCountInString(name) > 60 {
		return nil, &ArgError{Arg: "name", Reason: "must be 1 to 60 characters"}
	}
	return s.one(ctx, "ModifyInstanceAttributes", id, &instanceRename{ID: id, Name: name}, nil)
}

// MoveToProject moves an instance to a project (0: the default project).
//
// It calls the ModifyInstanceProject action.
func (s *InstancesService) MoveToProject(ctx context.Context, id string, projectID int) (*Response, error) {
	if projectID < 0 {
		return nil, &ArgError{Arg: "projectID", Reason: "must not be negative"}
	}
	return s.one(ctx, "ModifyInstanceProject", id, &instanceMove{ID: id, Project: projectID}, nil)
}

// InstanceReinstallRequest reinstalls an instance's system.
type InstanceReinstallRequest struct {
	InstanceID string `url:"instanceId"`
	// ImageID, with its ImageType, replaces the image; empty keeps it.
	ImageID   string    `url:"imageId,omitempty"`
	ImageType ImageType `url:"imageType,omitempty"`
	// Password is the new login password; empty keeps a random one.
	Password string `url:"password,omitempty"`
	// RootDiskGB changes the system disk's size (0 keeps it).
	RootDiskGB int `url:"rootSize,omitempty"`
}

type requestIDResponse struct {
	envelope
	RequestID jsonString `json:"requestId"`
}

// Reinstall reinstalls an instance's system disk, with another image if
// given. The instance goes through [InstanceReinstalling]. It returns the
// asynchronous task's id.
//
// It calls the ResetInstances action.
func (s *InstancesService) Reinstall(ctx context.Context, req *InstanceReinstallRequest) (string, *Response, error) {
	if req == nil {
		return "", nil, &ArgError{Arg: "req", Reason: "is nil"}
	}
	if err := checkID("InstanceID", req.InstanceID); err != nil {
		return "", nil, err
	}
	r := *req
	if r.ImageID != "" && r.ImageType == 0 {
		r.ImageType = ImagePublic // the API wants the two together
	}
	if r.ImageID == "" && r.ImageType != 0 {
		return "", nil, &ArgError{Arg: "ImageType", Reason: "goes with ImageID"}
	}
	if r.Password != "" {
		if err := CheckPassword(r.Password, false); err != nil {
			return "", nil, err
		}
	}
	var out requestIDResponse
	resp, err := s.client.do(ctx, "ResetInstances", &r, &out)
	if err != nil {
		return "", resp, err
	}
	return string(out.RequestID), resp, nil
}

// Enumerations with a String method would reach the wire as their names
// through go-querystring, which formats with fmt; these send the number.

// EncodeValues implements query.Encoder: the status's code.
func (s InstanceStatus) EncodeValues(key string, v *url.Values) error {
	v.Set(key, strconv.Itoa(int(s)))
	return nil
}

// InstanceVPCConfig moves an instance to another subnet of its VPC, with a
// new private address.
type InstanceVPCConfig struct {
	InstanceID string `url:"instanceId"`
	// VPCID is the instance's VPC: moving across VPCs is not supported.
	VPCID    string `url:"vpcId"`
	SubnetID string `url:"subnetId"`
	// PrivateIP is the new private address (one only).
	PrivateIP string `url:"-"`
	// NoPowerOff keeps the instance running; by default it is stopped for
	// the change and started again.
	NoPowerOff bool `url:"-"`
}

// UpdateVPCConfig changes an instance's subnet and private address within
// its VPC.
//
// It calls the UpdateInstanceVpcConfig action. Errors name
// InvalidParameter.InvalidIpFormat, NotSupportReservedIp, IpNotInCidrRange
// or IpInUse.
func (s *InstancesService) UpdateVPCConfig(ctx context.Context, req *InstanceVPCConfig) (*Response, error) {
	if req == nil {
		return nil, &ArgError{Arg: "req", Reason: "is nil"}
	}
	for arg, v := range map[string]string{"InstanceID": req.InstanceID, "VPCID": req.VPCID, "SubnetID": req.SubnetID} {
		if err := checkID(arg, v); err != nil {
			return nil, err
		}
	}
	if ip := net.ParseIP(req.PrivateIP); ip == nil || ip.To4() == nil {
		return nil, &ArgError{Arg: "PrivateIP", Reason: "must be an IPv4 address"}
	}
	flag := 1
	if req.NoPowerOff {
		flag = 0
	}
	return s.client.do(ctx, "UpdateInstanceVpcConfig", &vpcConfigIn{req, List[string]{req.PrivateIP}, flag}, nil)
}

// vpcConfigIn is UpdateInstanceVpcConfig's request: the config with its
// address as the list the action takes and the power-off flag.
type vpcConfigIn struct {
	*InstanceVPCConfig
	IPs  List[string] `url:"privateIpAddresses"`
	Flag int          `url:"autoPowerOffFlag"`
}
