package cvm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

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

// BandwidthType is how public bandwidth is billed.
type BandwidthType string

// Bandwidth billing.
const (
	BandwidthByHour      BandwidthType = "PayByHour"      // postpaid, by the hour
	BandwidthByTraffic   BandwidthType = "PayByTraffic"   // by the GB
	BandwidthByBandwidth BandwidthType = "PayByBandwidth" // prepaid, by the month
)

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
	// Type is an API 3.0 instance type, such as "S5.MEDIUM4", used under
	// Config.API API3 instead of choosing one with CPU and MemoryGB among
	// the zone's (which must still match it).
	Type string `url:"-"`
	// SecurityGroupIDs are the security groups of the new instances, under
	// API3 (the legacy action takes none: associate them afterwards).
	SecurityGroupIDs []string `url:"-"`
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
		p := req.params(n, token)
		r, err := s.client.do(ctx, "RunInstancesHour", &p, &out)
		if r != nil {
			resp.add(r)
		}
		if err != nil {
			return ids, resp, err
		}
		made := len(out.UnInstanceIDs)
		for _, id := range out.UnInstanceIDs {
			ids = append(ids, string(id))
		}
		if made != n {
			return ids, resp, shortPurchase("RunInstancesHour", r, n, made, ids)
		}
		done += n
	}
	return ids, resp, nil
}

// shortPurchase is the error of a purchase answered with another number of
// instances than were asked for: what was made is not what the caller
// wanted, and must not pass for it. It names the instances made (all of
// them, across the purchase's calls), which the caller owns and pays for.
func shortPurchase(action string, r *Response, asked, made int, ids []string) error {
	status := 0
	if r != nil && r.HTTPResponse != nil {
		status = r.HTTPResponse.StatusCode
	}
	return &ResponseError{Action: action, HTTPStatusCode: status,
		Reason: fmt.Sprintf("the answer names %d instances for a purchase of %d; made so far: %s", made, asked, strings.Join(ids, ","))}
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
	// DealIDs are the orders placed. API 3.0 names none: under [API3]
	// DealIDs is empty (find the order with [DealsService.Query]).
	DealIDs []string
	// InstanceIDs maps each deal id to its instances; under [API3] they
	// are all under "".
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
	resp, err := s.client.do(ctx, "RunInstances", &p, &out)
	if err != nil {
		return nil, resp, err
	}
	res := &PrepaidCreateResult{InstanceIDs: map[string][]string{}}
	for _, d := range out.DealIDs {
		res.DealIDs = append(res.DealIDs, string(d))
	}
	var all []string
	for deal, ids := range out.UnInstanceIDs {
		for _, id := range ids {
			res.InstanceIDs[deal] = append(res.InstanceIDs[deal], string(id))
			all = append(all, string(id))
		}
	}
	if asked := max(req.Count, 1); len(all) != asked {
		slices.Sort(all)
		return res, resp, shortPurchase("RunInstances", resp, asked, len(all), all)
	}
	return res, resp, nil
}
