package cvm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
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

// enumName returns v's name, or kind(n) for a value the SDK does not know,
// so that new values from the server print without error.
func enumName[T ~int](names map[T]string, v T, kind string) string {
	if n, ok := names[v]; ok {
		return n
	}
	return kind + "(" + strconv.Itoa(int(v)) + ")"
}

// PayMode is how an instance is billed (cvmPayMode).
type PayMode int

// Pay modes.
const (
	PayMonthlyPostpaid PayMode = 0
	PayPrepaid         PayMode = 1
	PayHourly          PayMode = 2
)

// String names the pay mode.
var payModeNames = map[PayMode]string{PayMonthlyPostpaid: "monthly-postpaid", PayPrepaid: "prepaid", PayHourly: "hourly"}

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

// String names the network pay mode.
var networkPayModeNames = map[NetworkPayMode]string{NetworkMonthlyPostpaid: "monthly-postpaid", NetworkPrepaid: "prepaid", NetworkByTraffic: "by-traffic", NetworkByBandwidth: "by-bandwidth"}

func (m NetworkPayMode) String() string { return enumName(networkPayModeNames, m, "networkpaymode") }

// AutoRenew is a prepaid instance's renewal setting.
type AutoRenew int

// Renewal settings.
const (
	RenewManually AutoRenew = 0 // 不自动续费
	RenewAuto     AutoRenew = 1 // 自动续费
	RenewNever    AutoRenew = 2 // 不再续费
)

// String names the setting.
var autoRenewNames = map[AutoRenew]string{RenewManually: "manual", RenewAuto: "auto", RenewNever: "never"}

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

// Instance is a CVM instance, as DescribeInstances reports it.
type Instance struct {
	// ID is the unified id, "ins-xxxxxxxx"; every action takes it.
	ID string
	// LegacyID is the older "qcvm..." id.
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
}

func (s *InstancesService) page(ctx context.Context, opts InstanceListOptions) (page[Instance], *Response, error) {
	var out describeInstancesResponse
	resp, err := s.client.do(ctx, ModuleCVM, "DescribeInstances", &opts, &out)
	if err != nil {
		return page[Instance]{}, resp, err
	}
	if out.TotalCount < 0 {
		return page[Instance]{}, resp, &ResponseError{Action: "DescribeInstances", HTTPStatusCode: 200, Reason: fmt.Sprintf("negative total count %d", out.TotalCount)}
	}
	items := make([]Instance, len(out.InstanceSet))
	for i := range out.InstanceSet {
		items[i] = out.InstanceSet[i].instance()
	}
	resp.TotalCount = int(out.TotalCount)
	return page[Instance]{items, int(out.TotalCount)}, resp, nil
}

func (o *InstanceListOptions) copy() InstanceListOptions {
	if o == nil {
		return InstanceListOptions{}
	}
	return *o
}

func (s *InstancesService) lister(opts *InstanceListOptions) lister[Instance] {
	o := opts.copy()
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

func checkID(arg, id string) error {
	if id == "" {
		return &ArgError{Arg: arg, Reason: "is required"}
	}
	if strings.ContainsAny(id, " \t\r\n") {
		return &ArgError{Arg: arg, Reason: fmt.Sprintf("%q is not an id", id)}
	}
	return nil
}

func checkIDs(arg string, ids []string) error {
	if len(ids) == 0 {
		return &ArgError{Arg: arg, Reason: "needs at least one id"}
	}
	for _, id := range ids {
		if err := checkID(arg, id); err != nil {
			return err
		}
	}
	return nil
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

// Password rules of the API. Linux: 8 to 16 characters and at least two of
// letters (upper and lower case count as one class), digits and
// passwordSpecials. Windows: 12 to 16 characters and at least three of lower
// case, upper case, digits and the same specials without "|".
const passwordSpecials = "()`~!@#$%^&*-+=|{}[]:;',.?/"

// CheckPassword reports whether a password meets the API's rules for Linux
// (windows false) or Windows instances:
//
//   - Linux: 8 to 16 characters, mixing at least two of letters, digits and
//     the specials ()`~!@#$%^&*-+=|{}[]:;',.?/ (upper and lower case
//     letters are one class);
//   - Windows: 12 to 16 characters, mixing at least three of lower case,
//     upper case, digits and the same specials except "|".
func CheckPassword(password string, windows bool) error {
	var lower, upper, digit, special bool
	for _, r := range password {
		switch {
		case 'a' <= r && r <= 'z':
			lower = true
		case 'A' <= r && r <= 'Z':
			upper = true
		case '0' <= r && r <= '9':
			digit = true
		case r == '|' && windows:
			return &ArgError{Arg: "Password", Reason: `may not contain "|" on Windows`}
		case strings.ContainsRune(passwordSpecials, r):
			special = true
		default:
			return &ArgError{Arg: "Password", Reason: "may hold only letters, digits and " + passwordSpecials}
		}
	}
	lo := 8
	if windows {
		lo = 12
	}
	if l := len(password); l < lo || l > 16 {
		return &ArgError{Arg: "Password", Reason: fmt.Sprintf("must be %d to 16 characters, got %d", lo, l)}
	}
	classes := btoi(digit) + btoi(special)
	if windows {
		if classes += btoi(lower) + btoi(upper); classes < 3 {
			return &ArgError{Arg: "Password", Reason: "must mix at least 3 of lower case, upper case, digits and specials"}
		}
	} else if classes += btoi(lower || upper); classes < 2 {
		return &ArgError{Arg: "Password", Reason: "must mix at least 2 of letters, digits and specials"}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BandwidthType is how public bandwidth is billed.
type BandwidthType string

// Bandwidth billing.
const (
	BandwidthByHour      BandwidthType = "PayByHour"      // postpaid, by the hour
	BandwidthByTraffic   BandwidthType = "PayByTraffic"   // by the GB
	BandwidthByBandwidth BandwidthType = "PayByBandwidth" // prepaid, by the month
)

// ImageType says where an image comes from.
type ImageType int

// Image types.
const (
	ImagePrivate ImageType = 1 // custom images of the account
	ImagePublic  ImageType = 2
	ImageMarket  ImageType = 3 // the marketplace (not in North America)
	ImageShared  ImageType = 4 // shared with the account
)

// String names the image type.
var imageTypeNames = map[ImageType]string{ImagePrivate: "private", ImagePublic: "public", ImageMarket: "marketplace", ImageShared: "shared"}

func (t ImageType) String() string { return enumName(imageTypeNames, t, "imagetype") }

// InstanceCreateRequest creates postpaid (hourly) instances.
type InstanceCreateRequest struct {
	// ZoneID is required (for example 100003, 广州三区).
	ZoneID int `url:"zoneId"`
	// CPU and MemoryGB are required: 1, 2 or 4 GB per core in the
	// standard family.
	CPU      int `url:"cpu"`
	MemoryGB int `url:"mem"`
	// ImageID ("img-...") is required; ImageType says which kind (0 means
	// public).
	ImageID   string    `url:"imageId"`
	ImageType ImageType `url:"imageType,omitempty"`
	// DataDiskGB is the data disk, a multiple of 10 (0: none).
	DataDiskGB int `url:"storageSize"`
	// DiskType is the data disk's type (0: local).
	DiskType DiskType `url:"storageType,omitempty"`
	// RootDiskGB is the system disk: 20 to 50 in steps of 10 on Linux (0
	// means 20); Windows has 50.
	RootDiskGB int `url:"rootSize,omitempty"`
	// InstanceType is the family, such as "CVM.S1" (the default).
	InstanceType string `url:"instanceType,omitempty"`
	// BandwidthMbps is the public bandwidth cap; 0 means no public IP.
	BandwidthMbps int `url:"bandwidth,omitempty"`
	// BandwidthType is BandwidthByHour (the default) or
	// BandwidthByTraffic.
	BandwidthType BandwidthType `url:"bandwidthType,omitempty"`
	// NoPublicIP refuses a public IP even with bandwidth.
	NoPublicIP bool `url:"-"`
	// VPCID and SubnetID place the instances in a VPC; both or neither.
	VPCID    string `url:"vpcId,omitempty"`
	SubnetID string `url:"subnetId,omitempty"`
	// Password is the login password; it must meet the API's rules.
	// Empty means a random one sent by message. Exclusive with KeyID.
	Password string `url:"password,omitempty"`
	// KeyID is an SSH key for Linux instances.
	KeyID string `url:"keyId,omitempty"`
	// ProjectID is the project (0: default).
	ProjectID int `url:"projectId,omitempty"`
	// Name is the instances' name, at most 60 characters.
	Name string `url:"instanceName,omitempty"`
	// Count is how many to create (0 means 1). More than 100 are created
	// in several calls.
	Count int `url:"-"`
	// ClientToken makes the call idempotent: the same token creates
	// nothing more and returns the same ids. Empty means the client makes
	// one, reused by every retry.
	ClientToken string `url:"-"`
	// NoSecurityAgent and NoMonitorAgent skip the agents installed by
	// default.
	NoSecurityAgent bool `url:"-"`
	NoMonitorAgent  bool `url:"-"`
}

// maxGoodsNum is how many instances one create call makes.
const maxGoodsNum = 100

// validate checks what can be checked without asking the API. Passwords
// are held to the Linux rules: whether an image is Windows (with stricter
// rules) is not known from its id, and the API checks that.
func (r *InstanceCreateRequest) validate() error {
	switch {
	case r.ZoneID <= 0:
		return &ArgError{Arg: "ZoneID", Reason: "is required"}
	case r.CPU <= 0:
		return &ArgError{Arg: "CPU", Reason: "is required"}
	case r.MemoryGB <= 0:
		return &ArgError{Arg: "MemoryGB", Reason: "is required"}
	case r.MemoryGB < r.CPU || r.MemoryGB > 4*r.CPU:
		return &ArgError{Arg: "MemoryGB", Reason: fmt.Sprintf("%d GB for %d cores: the API offers 1 to 4 GB per core", r.MemoryGB, r.CPU)}
	case r.ImageID == "":
		return &ArgError{Arg: "ImageID", Reason: "is required"}
	case r.DataDiskGB < 0 || r.DataDiskGB%10 != 0:
		return &ArgError{Arg: "DataDiskGB", Reason: "must be a non-negative multiple of 10"}
	case r.RootDiskGB != 0 && (r.RootDiskGB < 20 || r.RootDiskGB > 50 || r.RootDiskGB%10 != 0):
		return &ArgError{Arg: "RootDiskGB", Reason: "must be 20 to 50 in steps of 10"}
	case r.BandwidthMbps < 0:
		return &ArgError{Arg: "BandwidthMbps", Reason: "must not be negative"}
	case r.Count < 0:
		return &ArgError{Arg: "Count", Reason: "must not be negative"}
	case (r.VPCID == "") != (r.SubnetID == ""):
		return &ArgError{Arg: "SubnetID", Reason: "VPCID and SubnetID go together"}
	case r.Password != "" && r.KeyID != "":
		return &ArgError{Arg: "KeyID", Reason: "Password and KeyID are exclusive"}
	case utf8.RuneCountInString(r.Name) > 60:
		return &ArgError{Arg: "Name", Reason: "must be at most 60 characters"}
	case len(r.ClientToken) > maxClientToken:
		return &ArgError{Arg: "ClientToken", Reason: "must be at most 64 characters"}
	case r.ProjectID < 0:
		return &ArgError{Arg: "ProjectID", Reason: "must not be negative"}
	}
	if r.Password != "" {
		return CheckPassword(r.Password, false)
	}
	return nil
}

// createParams is the wire form: the request's fields plus the flags the
// API takes as numbers.
type createParams struct {
	*InstanceCreateRequest
	GoodsNum          int    `url:"goodsNum"`
	WanIP             *int   `url:"wanIp,omitempty"`
	NeedSecurityAgent *int   `url:"needSecurityAgent,omitempty"`
	NeedMonitorAgent  *int   `url:"needMonitorAgent,omitempty"`
	Period            int    `url:"period,omitempty"`
	Token             string `url:"clientToken,omitempty"`
}

func (r *InstanceCreateRequest) params(n int, token string) createParams {
	zero := 0
	p := createParams{InstanceCreateRequest: r, GoodsNum: n, Token: token}
	if r.NoPublicIP {
		p.WanIP = &zero
	}
	if r.NoSecurityAgent {
		p.NeedSecurityAgent = &zero
	}
	if r.NoMonitorAgent {
		p.NeedMonitorAgent = &zero
	}
	return p
}

type runInstancesHourResponse struct {
	envelope
	UnInstanceIDs oneOrMany[jsonString] `json:"unInstanceIds"`
}

// Create creates postpaid (hourly) instances and returns their ids. They
// start in [InstanceCreating] and run on their own; see
// [InstancesService.WaitStatus].
//
// Every call is idempotent: a ClientToken (the caller's, or one the client
// makes) goes with every attempt, so a retry after a lost answer creates
// nothing twice. More than 100 instances are created in calls of 100, each
// with its own token derived from the first.
//
// It calls the RunInstancesHour action. Codes to expect: 4000
// (InvalidParameter.*, such as PasswordNotConformSpecs or InvaildZoneId),
// 5200 and 5300 (purchase failed, balance).
func (s *InstancesService) Create(ctx context.Context, req *InstanceCreateRequest) ([]string, *Response, error) {
	if req == nil {
		return nil, nil, &ArgError{Arg: "req", Reason: "is nil"}
	}
	if err := req.validate(); err != nil {
		return nil, nil, err
	}
	total := max(req.Count, 1)
	base := req.ClientToken
	if base == "" {
		base = newClientToken()
	}
	var ids []string
	resp := &Response{}
	for i, done := 0, 0; done < total; i++ {
		n := min(total-done, maxGoodsNum)
		token := chunkToken(base, i)
		var out runInstancesHourResponse
		r, err := s.client.do(ctx, ModuleCVM, "RunInstancesHour", req.params(n, token), &out)
		if r != nil {
			resp.HTTPResponse, resp.Attempts = r.HTTPResponse, resp.Attempts+r.Attempts
		}
		if err != nil {
			return ids, resp, err
		}
		for _, id := range out.UnInstanceIDs {
			ids = append(ids, string(id))
		}
		done += n
	}
	return ids, resp, nil
}

// maxClientToken is the longest clientToken RunInstancesHour and
// RunInstances take (spec §5.1: "clientToken (≤64 chars, idempotency)").
const maxClientToken = 64

// chunkToken is the token of the i-th call of a create split in calls of
// 100: the caller's own for the first, then the same token with "-i"; when
// that would pass 64 characters, a hash of it takes its place, cut to leave
// room for "-i". Each is the same however often Create is called with the
// same token, so a repeated Create creates nothing twice, chunk by chunk.
func chunkToken(base string, i int) string {
	if i == 0 {
		return base
	}
	suffix := "-" + strconv.Itoa(i)
	if len(base)+len(suffix) <= maxClientToken {
		return base + suffix
	}
	sum := sha256.Sum256([]byte(base))
	return hex.EncodeToString(sum[:])[:maxClientToken-len(suffix)] + suffix
}

// InstancePrepaidCreateRequest creates prepaid (monthly) instances.
type InstancePrepaidCreateRequest struct {
	InstanceCreateRequest
	// Months is the prepaid period, 1 to 36.
	Months int `url:"-"`
}

// PrepaidCreateResult is what RunInstances returns: the orders placed and
// the instances of each.
type PrepaidCreateResult struct {
	DealIDs []string
	// InstanceIDs maps each deal id to its instances.
	InstanceIDs map[string][]string
}

type runInstancesResponse struct {
	envelope
	DealIDs       oneOrMany[jsonString]            `json:"dealIds"`
	UnInstanceIDs map[string]oneOrMany[jsonString] `json:"unInstanceIds"`
}

// CreatePrepaid buys prepaid (monthly) instances. The call carries a
// ClientToken like [InstancesService.Create]. Count above 100 is refused:
// one order per call, and splitting would place several.
//
// It calls the RunInstances action.
func (s *InstancesService) CreatePrepaid(ctx context.Context, req *InstancePrepaidCreateRequest) (*PrepaidCreateResult, *Response, error) {
	if req == nil {
		return nil, nil, &ArgError{Arg: "req", Reason: "is nil"}
	}
	if req.Months < 1 || req.Months > 36 {
		return nil, nil, &ArgError{Arg: "Months", Reason: fmt.Sprintf("must be 1 to 36, got %d", req.Months)}
	}
	if req.Count > maxGoodsNum {
		return nil, nil, &ArgError{Arg: "Count", Reason: "at most 100 prepaid instances per order"}
	}
	if err := req.validate(); err != nil {
		return nil, nil, err
	}
	p := req.params(max(req.Count, 1), req.ClientToken)
	p.Period = req.Months
	var out runInstancesResponse
	resp, err := s.client.do(ctx, ModuleCVM, "RunInstances", p, &out)
	if err != nil {
		return nil, resp, err
	}
	res := &PrepaidCreateResult{InstanceIDs: map[string][]string{}}
	for _, d := range out.DealIDs {
		res.DealIDs = append(res.DealIDs, string(d))
	}
	for deal, ids := range out.UnInstanceIDs {
		for _, id := range ids {
			res.InstanceIDs[deal] = append(res.InstanceIDs[deal], string(id))
		}
	}
	return res, resp, nil
}

// BatchResult is the per-resource outcome of a batch action that
// succeeded for every resource. (A partial or total failure is an
// [*APIError] whose Items say the same per resource.)
type BatchResult struct {
	Items []ItemResult
}

// maxBatchIDs is how many ids one batch call takes [inferred: the legacy
// pages give no limit; the newer API's is 100].
const maxBatchIDs = 100

type batchResponse struct{ envelope }

// batch calls a batch action over ids, in calls of at most per ids, and
// merges the per-id results. When some fail, the error is an *APIError
// with code 5400 (5100 if all failed) and every item, as one call would
// have answered.
func (c *Client) batch(ctx context.Context, module, action, listName string, ids []string, per int, extra url.Values) (*BatchResult, *Response, error) {
	if err := checkIDs("ids", ids); err != nil {
		return nil, nil, err
	}
	res := &BatchResult{}
	resp := &Response{}
	failed := 0
	var firstErr *APIError
	for chunk := range chunks(ids, per) {
		v := url.Values{}
		for k, vs := range extra {
			v[k] = vs
		}
		for i, id := range chunk {
			v.Set(listName+"."+strconv.Itoa(i+listIndexBase), id)
		}
		var out batchResponse
		r, err := c.call(ctx, module, action, v, &out)
		if r != nil {
			resp.HTTPResponse, resp.Attempts = r.HTTPResponse, resp.Attempts+r.Attempts
		}
		items := []ItemResult(out.Detail)
		if err != nil {
			var apiErr *APIError
			if !errors.As(err, &apiErr) || (apiErr.Code != CodePartialFailure && apiErr.Code != CodeOperationFailed) || len(apiErr.Items) == 0 {
				return res, resp, err
			}
			if firstErr == nil {
				firstErr = apiErr
			}
			items = apiErr.Items
		}
		for _, it := range items {
			if it.Code != 0 {
				failed++
			}
		}
		res.Items = append(res.Items, items...)
	}
	if failed == 0 {
		return res, resp, nil
	}
	code := CodePartialFailure
	if failed == len(res.Items) {
		code = CodeOperationFailed
	}
	return res, resp, &APIError{Action: action, Code: code, CodeDesc: firstErr.CodeDesc, Message: firstErr.Message,
		HTTPStatusCode: firstErr.HTTPStatusCode, Items: res.Items}
}

// Start starts stopped instances. Each instance goes through
// [InstanceStarting] to [InstanceRunning].
//
// It calls the StartInstances action. A partial failure is an [*APIError]
// with code 5400 and [APIError.Items] per instance; an instance not
// stopped fails with OperationConstraints.InvaildInstanceStatus.
func (s *InstancesService) Start(ctx context.Context, ids ...string) (*BatchResult, *Response, error) {
	return s.client.batch(ctx, ModuleCVM, "StartInstances", "instanceIds", ids, maxBatchIDs, nil)
}

// Stop stops running instances, softly.
//
// It calls the StopInstances action; errors as for [InstancesService.Start].
func (s *InstancesService) Stop(ctx context.Context, ids ...string) (*BatchResult, *Response, error) {
	return s.client.batch(ctx, ModuleCVM, "StopInstances", "instanceIds", ids, maxBatchIDs, nil)
}

// ForceStop stops running instances, forcing them off when a soft stop
// fails. Data not yet written may be lost.
//
// It calls the StopInstances action with forceStop=1.
func (s *InstancesService) ForceStop(ctx context.Context, ids ...string) (*BatchResult, *Response, error) {
	return s.client.batch(ctx, ModuleCVM, "StopInstances", "instanceIds", ids, maxBatchIDs, url.Values{"forceStop": {"1"}})
}

// Restart restarts running instances.
//
// It calls the RestartInstances action; errors as for [InstancesService.Start].
func (s *InstancesService) Restart(ctx context.Context, ids ...string) (*BatchResult, *Response, error) {
	return s.client.batch(ctx, ModuleCVM, "RestartInstances", "instanceIds", ids, maxBatchIDs, nil)
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
	return s.client.batch(ctx, ModuleCVM, "ResetInstancePassword", "instanceIds", ids, maxBatchIDs, url.Values{"password": {password}})
}

// SetAutoRenew sets how prepaid instances renew.
//
// It calls the SetAutoRenew action of the trade module.
func (s *InstancesService) SetAutoRenew(ctx context.Context, renew AutoRenew, ids ...string) (*BatchResult, *Response, error) {
	if renew < RenewManually || renew > RenewNever {
		return nil, nil, &ArgError{Arg: "renew", Reason: "must be RenewManually, RenewAuto or RenewNever"}
	}
	return s.client.batch(ctx, ModuleTrade, "SetAutoRenew", "instanceIds", ids, maxBatchIDs,
		url.Values{"instanceType": {"1"}, "autoRenew": {strconv.Itoa(int(renew))}})
}

// one calls an action on one instance that answers with the envelope alone.
func (s *InstancesService) one(ctx context.Context, action, id string, v url.Values, out any) (*Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	v.Set("instanceId", id)
	if out == nil {
		out = &batchResponse{}
	}
	return s.client.call(ctx, ModuleCVM, action, v, out)
}

// Terminate returns a postpaid instance; it goes through
// [InstanceReturning] and is then gone. Prepaid instances cannot be
// returned through the API.
//
// It calls the ReturnInstance action.
func (s *InstancesService) Terminate(ctx context.Context, id string) (*Response, error) {
	return s.one(ctx, "ReturnInstance", id, url.Values{}, nil)
}

// Rename sets an instance's name (at most 60 characters).
//
// It calls the ModifyInstanceAttributes action.
func (s *InstancesService) Rename(ctx context.Context, id, name string) (*Response, error) {
	if name == "" || utf8.RuneCountInString(name) > 60 {
		return nil, &ArgError{Arg: "name", Reason: "must be 1 to 60 characters"}
	}
	return s.one(ctx, "ModifyInstanceAttributes", id, url.Values{"instanceName": {name}}, nil)
}

// MoveToProject moves an instance to a project (0: the default project).
//
// It calls the ModifyInstanceProject action.
func (s *InstancesService) MoveToProject(ctx context.Context, id string, projectID int) (*Response, error) {
	if projectID < 0 {
		return nil, &ArgError{Arg: "projectID", Reason: "must not be negative"}
	}
	return s.one(ctx, "ModifyInstanceProject", id, url.Values{"projectId": {strconv.Itoa(projectID)}}, nil)
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
	resp, err := s.client.do(ctx, ModuleCVM, "ResetInstances", &r, &out)
	if err != nil {
		return "", resp, err
	}
	return string(out.RequestID), resp, nil
}

// InstanceResizeRequest changes a stopped instance's configuration. Zero
// fields keep their current value; the API refuses downgrades.
type InstanceResizeRequest struct {
	InstanceID string `url:"instanceId"`
	CPU        int    `url:"cpu,omitempty"`
	MemoryGB   int    `url:"mem,omitempty"`
	DataDiskGB int    `url:"storageSize,omitempty"`
}

func (r *InstanceResizeRequest) validate() error {
	if r == nil {
		return &ArgError{Arg: "req", Reason: "is nil"}
	}
	if err := checkID("InstanceID", r.InstanceID); err != nil {
		return err
	}
	switch {
	case r.CPU < 0 || r.MemoryGB < 0:
		return &ArgError{Arg: "CPU", Reason: "CPU and MemoryGB must not be negative"}
	case r.DataDiskGB < 0 || r.DataDiskGB%10 != 0:
		return &ArgError{Arg: "DataDiskGB", Reason: "must be a non-negative multiple of 10"}
	case r.CPU > 0 && r.MemoryGB > 0 && (r.MemoryGB < r.CPU || r.MemoryGB > 4*r.CPU):
		return &ArgError{Arg: "MemoryGB", Reason: "the API offers 1 to 4 GB per core"}
	case r.CPU == 0 && r.MemoryGB == 0 && r.DataDiskGB == 0:
		return &ArgError{Arg: "req", Reason: "changes nothing"}
	}
	return nil
}

type dealsResponse struct {
	envelope
	DealIDs oneOrMany[jsonString] `json:"dealIds"`
	DealID  jsonString            `json:"dealId"`
}

func (d *dealsResponse) ids() []string {
	out := make([]string, 0, len(d.DealIDs)+1)
	for _, id := range d.DealIDs {
		out = append(out, string(id))
	}
	if d.DealID != "" {
		out = append(out, string(d.DealID))
	}
	return out
}

// Resize changes a stopped prepaid instance's configuration and returns the
// orders placed.
//
// It calls the ResizeInstance action.
func (s *InstancesService) Resize(ctx context.Context, req *InstanceResizeRequest) ([]string, *Response, error) {
	if err := req.validate(); err != nil {
		return nil, nil, err
	}
	var out dealsResponse
	resp, err := s.client.do(ctx, ModuleCVM, "ResizeInstance", req, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.ids(), resp, nil
}

// ResizeHourly changes a stopped postpaid instance's configuration.
//
// It calls the ResizeInstanceHour action.
func (s *InstancesService) ResizeHourly(ctx context.Context, req *InstanceResizeRequest) (*Response, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return s.client.do(ctx, ModuleCVM, "ResizeInstanceHour", req, &batchResponse{})
}

// BandwidthRequest raises a prepaid instance's bandwidth for a span of days.
type BandwidthRequest struct {
	InstanceID    string `url:"instanceId"`
	BandwidthMbps int    `url:"bandwidth"`
	// Start and End are the days of the change; Start today takes effect
	// at once.
	Start time.Time `url:"-"`
	End   time.Time `url:"-"`
}

// SetBandwidth raises a prepaid instance's bandwidth and returns the orders
// placed (none for traffic-billed instances).
//
// It calls the UpdateInstanceBandwidth action.
func (s *InstancesService) SetBandwidth(ctx context.Context, req *BandwidthRequest) ([]string, *Response, error) {
	if req == nil {
		return nil, nil, &ArgError{Arg: "req", Reason: "is nil"}
	}
	if err := checkID("InstanceID", req.InstanceID); err != nil {
		return nil, nil, err
	}
	switch {
	case req.BandwidthMbps < 0 || req.BandwidthMbps > 1000:
		return nil, nil, &ArgError{Arg: "BandwidthMbps", Reason: "must be 0 to 1000"}
	case req.Start.IsZero() || req.End.IsZero():
		return nil, nil, &ArgError{Arg: "Start", Reason: "Start and End are required"}
	case req.End.Before(req.Start):
		return nil, nil, &ArgError{Arg: "End", Reason: "is before Start"}
	}
	v := url.Values{
		"bandwidth": {strconv.Itoa(req.BandwidthMbps)},
		"startTime": {req.Start.In(beijing).Format("2006-01-02")},
		"endTime":   {req.End.In(beijing).Format("2006-01-02")},
	}
	var out dealsResponse
	resp, err := s.one(ctx, "UpdateInstanceBandwidth", req.InstanceID, v, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.ids(), resp, nil
}

// SetBandwidthHourly sets a postpaid instance's bandwidth, up or down, at
// once (at most 100 Mbps billed by traffic, 200 billed by bandwidth).
//
// It calls the UpdateInstanceBandwidthHour action.
func (s *InstancesService) SetBandwidthHourly(ctx context.Context, id string, mbps int) (*Response, error) {
	if mbps < 0 || mbps > 1000 {
		return nil, &ArgError{Arg: "mbps", Reason: "must be 0 to 1000"}
	}
	return s.one(ctx, "UpdateInstanceBandwidthHour", id, url.Values{"bandwidth": {strconv.Itoa(mbps)}}, nil)
}

// Renew extends a prepaid instance by 1 to 36 months and returns the order.
//
// It calls the RenewInstance action.
func (s *InstancesService) Renew(ctx context.Context, id string, months int) (string, *Response, error) {
	if months < 1 || months > 36 {
		return "", nil, &ArgError{Arg: "months", Reason: fmt.Sprintf("must be 1 to 36, got %d", months)}
	}
	var out dealsResponse
	resp, err := s.one(ctx, "RenewInstance", id, url.Values{"period": {strconv.Itoa(months)}}, &out)
	if err != nil {
		return "", resp, err
	}
	ids := out.ids()
	if len(ids) == 0 {
		return "", resp, nil
	}
	return ids[0], resp, nil
}

// Fen is an amount in fen, hundredths of a yuan, as prepaid prices are
// given.
type Fen int64

// String formats the amount in yuan: "¥10.85".
func (f Fen) String() string {
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	return fmt.Sprintf("%s¥%d.%02d", sign, f/100, f%100)
}

// InstancePriceRequest prices new prepaid instances.
type InstancePriceRequest struct {
	CPU           int           `url:"cpu"`
	MemoryGB      int           `url:"mem"`
	Months        int           `url:"period"`
	DataDiskGB    int           `url:"storageSize,omitempty"`
	DiskType      DiskType      `url:"storageType,omitempty"`
	Count         int           `url:"goodsNum,omitempty"`
	BandwidthMbps int           `url:"bandwidth,omitempty"`
	BandwidthType BandwidthType `url:"bandwidthType,omitempty"`
	RootDiskGB    int           `url:"rootSize,omitempty"`
	ImageID       string        `url:"imageId,omitempty"`
	ImageType     ImageType     `url:"imageType,omitempty"`
}

type priceResponse struct {
	envelope
	Price jsonInt `json:"price"`
}

// Price returns the price of new prepaid instances for the whole period, in
// fen.
//
// It calls the InquiryInstancePrice action (instanceType 1).
func (s *InstancesService) Price(ctx context.Context, req *InstancePriceRequest) (Fen, *Response, error) {
	if req == nil {
		return 0, nil, &ArgError{Arg: "req", Reason: "is nil"}
	}
	switch {
	case req.CPU <= 0 || req.MemoryGB <= 0:
		return 0, nil, &ArgError{Arg: "CPU", Reason: "CPU and MemoryGB are required"}
	case req.Months < 1 || req.Months > 36:
		return 0, nil, &ArgError{Arg: "Months", Reason: "must be 1 to 36"}
	case req.Count < 0 || req.Count > maxGoodsNum:
		return 0, nil, &ArgError{Arg: "Count", Reason: "must be 0 to 100"}
	}
	p := struct {
		*InstancePriceRequest
		Type int `url:"instanceType"`
	}{req, 1}
	var out priceResponse
	resp, err := s.client.do(ctx, ModuleCVM, "InquiryInstancePrice", p, &out)
	if err != nil {
		return 0, resp, err
	}
	return Fen(out.Price), resp, nil
}

// InstanceHourlyPriceRequest prices postpaid instances.
type InstanceHourlyPriceRequest struct {
	CPU           int           `url:"cpu"`
	MemoryGB      int           `url:"mem"`
	ImageID       string        `url:"imageId,omitempty"`
	ImageType     ImageType     `url:"imageType,omitempty"`
	DataDiskGB    int           `url:"storageSize,omitempty"`
	DiskType      DiskType      `url:"storageType,omitempty"`
	Count         int           `url:"goodsNum,omitempty"`
	BandwidthMbps int           `url:"bandwidth,omitempty"`
	BandwidthType BandwidthType `url:"bandwidthType,omitempty"`
}

// Yuan is an amount in yuan (CNY) with its billing unit, as postpaid prices
// are given: 0.28 per HOUR, or 0.80 per GB of traffic.
type Yuan struct {
	Amount float64
	// Unit is what the amount is per: "HOUR" or "GB".
	Unit string
}

// String formats the price: "¥0.28/HOUR".
func (y Yuan) String() string { return fmt.Sprintf("¥%.2f/%s", y.Amount, y.Unit) }

// HourlyPrice is the price of postpaid instances.
type HourlyPrice struct {
	Instance  Yuan
	Bandwidth Yuan
}

type hourlyPriceResponse struct {
	envelope
	Data struct {
		CVM struct {
			Price jsonFloat  `json:"price"`
			Unit  jsonString `json:"price_unit"`
		} `json:"cvm"`
		Bandwidth struct {
			Price jsonFloat  `json:"price"`
			Unit  jsonString `json:"price_unit"`
		} `json:"bandwidth"`
	} `json:"data"`
}

// PriceHourly returns the price of postpaid instances.
//
// It calls the InquiryInstancePriceHour action.
func (s *InstancesService) PriceHourly(ctx context.Context, req *InstanceHourlyPriceRequest) (*HourlyPrice, *Response, error) {
	if req == nil {
		return nil, nil, &ArgError{Arg: "req", Reason: "is nil"}
	}
	if req.CPU <= 0 || req.MemoryGB <= 0 {
		return nil, nil, &ArgError{Arg: "CPU", Reason: "CPU and MemoryGB are required"}
	}
	if req.Count < 0 || req.Count > maxGoodsNum {
		return nil, nil, &ArgError{Arg: "Count", Reason: "must be 0 to 100"}
	}
	var out hourlyPriceResponse
	resp, err := s.client.do(ctx, ModuleCVM, "InquiryInstancePriceHour", req, &out)
	if err != nil {
		return nil, resp, err
	}
	d := out.Data
	return &HourlyPrice{
		Instance:  Yuan{float64(d.CVM.Price), string(d.CVM.Unit)},
		Bandwidth: Yuan{float64(d.Bandwidth.Price), string(d.Bandwidth.Unit)},
	}, resp, nil
}
