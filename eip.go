package cvm

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"
)

// EIPsService manages elastic IPs (module eip).
type EIPsService service

// EIPStatus is an elastic IP's state.
type EIPStatus int

// Documented EIP statuses.
const (
	EIPCreating     EIPStatus = 0
	EIPBinding      EIPStatus = 1
	EIPBound        EIPStatus = 2
	EIPUnbinding    EIPStatus = 3
	EIPUnbound      EIPStatus = 4
	EIPOffline      EIPStatus = 6
	EIPCreateFailed EIPStatus = 9
)

// eipStatusNames are the documented names, by code.
var eipStatusNames = map[EIPStatus]string{EIPCreating: "creating", EIPBinding: "binding", EIPBound: "bound", EIPUnbinding: "unbinding", EIPUnbound: "unbound", EIPOffline: "offline", EIPCreateFailed: "create-failed"}

// String names the status: its documented name, such as "bound",
// or "status(n)" for a code the SDK does not know.
func (s EIPStatus) String() string { return enumName(eipStatusNames, s, "status") }

// EncodeValues implements query.Encoder: the status's code.
func (s EIPStatus) EncodeValues(key string, v *url.Values) error {
	v.Set(key, strconv.Itoa(int(s)))
	return nil
}

// EIP is an elastic IP, as DescribeEip reports it.
type EIP struct {
	ID   string
	Name string
	IP   string
	// ISP is the carrier: 0 China Telecom, 1 China Unicom, 2 China
	// Mobile, 3 CERNET, 4 PCCW, 5 BGP, 6 Hong Kong.
	ISP    int
	Status EIPStatus
	// InstanceID is the instance it is bound to, if any.
	InstanceID         string
	PrivateIP          string
	NetworkInterfaceID string
	// InArrears is true when the account owes for the address.
	InArrears bool
	// PassThrough is true in pass-through mode, false in NAT mode.
	PassThrough bool
	Created     time.Time
	Updated     time.Time
}

type eipJSON struct {
	EIPID              jsonString `json:"eipId"`
	EIPName            jsonString `json:"eipName"`
	EIP                jsonString `json:"eip"`
	ISPID              jsonInt    `json:"ispId"`
	Status             jsonInt    `json:"status"`
	Arrears            jsonInt    `json:"arrears"`
	UnInstanceID       jsonString `json:"unInstanceId"`
	CreatedAt          jsonTime   `json:"createdAt"`
	UpdatedAt          jsonTime   `json:"updatedAt"`
	PrivateIPAddress   jsonString `json:"privateIpAddress"`
	NetworkInterfaceID jsonString `json:"networkInterfaceId"`
	Mode               jsonInt    `json:"mode"`
}

func (j *eipJSON) eip() EIP {
	return EIP{
		ID: string(j.EIPID), Name: string(j.EIPName), IP: string(j.EIP), ISP: int(j.ISPID),
		Status: EIPStatus(j.Status), InstanceID: string(j.UnInstanceID), PrivateIP: string(j.PrivateIPAddress),
		NetworkInterfaceID: string(j.NetworkInterfaceID), InArrears: j.Arrears != 0, PassThrough: j.Mode == 1,
		Created: time.Time(j.CreatedAt), Updated: time.Time(j.UpdatedAt),
	}
}

// EIPListOptions filters DescribeEip. Lists within an option are ORed;
// options are ANDed.
type EIPListOptions struct {
	ListOptions
	IDs         List[string]    `url:"eipIds,omitempty"`
	IPs         List[string]    `url:"eips,omitempty"`
	InstanceIDs List[string]    `url:"unInstanceIds,omitempty"`
	Statuses    List[EIPStatus] `url:"status,omitempty"`
	// Name keeps EIPs whose name contains it.
	Name string `url:"searchKey,omitempty"`
	// OrderBy is one of eipId, eip, ispId, status, unInstanceId, arrears
	// or createdAt (the default); Ascending reverses the default
	// descending order.
	OrderBy   string `url:"orderBy,omitempty"`
	Ascending bool   `url:"-"`
}

type describeEipResponse struct {
	envelope
	TotalCount jsonInt `json:"totalCount"` // at the top level, as documented
	Data       struct {
		EIPSet []eipJSON `json:"eipSet"`
	} `json:"data"`
}

func (s *EIPsService) page(ctx context.Context, o EIPListOptions) (page[EIP], *Response, error) {
	p := &eipListRequest{&o, 1}
	if o.Ascending {
		p.OrderType = 0
	}
	var out describeEipResponse
	resp, err := s.client.do(ctx, "DescribeEip", p, &out)
	if err != nil {
		return page[EIP]{}, resp, err
	}
	if out.TotalCount < 0 {
		return page[EIP]{}, resp, &ResponseError{Action: "DescribeEip", HTTPStatusCode: 200, Reason: fmt.Sprintf("negative total count %d", out.TotalCount)}
	}
	items := make([]EIP, len(out.Data.EIPSet))
	for i := range out.Data.EIPSet {
		items[i] = out.Data.EIPSet[i].eip()
	}
	resp.TotalCount = int(out.TotalCount)
	return page[EIP]{items, int(out.TotalCount)}, resp, nil
}

func (s *EIPsService) lister(opts *EIPListOptions) lister[EIP] {
	o := orZero(opts)
	return lister[EIP]{
		opts: o.ListOptions, key: func(e EIP) string { return e.ID },
		fetch: func(ctx context.Context, _ []string, off, lim int) (page[EIP], *Response, error) {
			c := o
			c.Offset, c.Limit = off, lim
			return s.page(ctx, c)
		},
	}
}

// List returns one page of the EIPs matching opts (nil for all), and the
// total in Response.TotalCount.
//
// It calls the DescribeEip action.
func (s *EIPsService) List(ctx context.Context, opts *EIPListOptions) ([]EIP, *Response, error) {
	return s.lister(opts).list(ctx)
}

// All returns an iterator over every EIP matching opts; see
// [InstancesService.All].
//
// It calls the DescribeEip action.
func (s *EIPsService) All(ctx context.Context, opts *EIPListOptions) iter.Seq2[EIP, error] {
	return s.lister(opts).all(ctx)
}

// Get returns one EIP; an error matching [ErrNotFound] when there is none.
//
// It calls the DescribeEip action.
func (s *EIPsService) Get(ctx context.Context, id string) (*EIP, *Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, nil, err
	}
	list, resp, err := s.List(ctx, &EIPListOptions{IDs: []string{id}})
	if err != nil {
		return nil, resp, err
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], resp, nil
		}
	}
	return nil, resp, &APIError{Action: "DescribeEip", Code: CodeNotFound, Message: "EIP " + id + " not found"}
}

// maxEIPsPerCreate is how many EIPs one CreateEip call makes.
const maxEIPsPerCreate = 5

type eipIDsResponse struct {
	envelope
	Data struct {
		EIPIDs oneOrMany[jsonString] `json:"eipIds"`
		EIPID  jsonString            `json:"eipId"`
	} `json:"data"`
}

// Create allocates n EIPs (more than 5 in several calls) within the
// account's quota and returns their ids; see [EIPsService.Quota].
//
// It calls the CreateEip action.
func (s *EIPsService) Create(ctx context.Context, n int) ([]string, *Response, error) {
	if n < 1 {
		return nil, nil, &ArgError{Arg: "n", Reason: "must be at least 1"}
	}
	var ids []string
	resp := &Response{}
	for done := 0; done < n; {
		k := min(n-done, maxEIPsPerCreate)
		var out eipIDsResponse
		r, err := s.client.do(ctx, "CreateEip", &eipCreate{Count: k}, &out)
		if r != nil {
			resp.add(r)
		}
		if err != nil {
			return ids, resp, err
		}
		for _, id := range out.Data.EIPIDs {
			ids = append(ids, string(id))
		}
		done += k
	}
	return ids, resp, nil
}

// Delete releases unbound EIPs.
//
// It calls the DeleteEip action.
func (s *EIPsService) Delete(ctx context.Context, ids ...string) (*Response, error) {
	if err := checkIDs("ids", ids); err != nil {
		return nil, err
	}
	return s.client.do(ctx, "DeleteEip", &eipDelete{IDs: ids}, &batchResponse{})
}

// Rename sets an EIP's name (at most 20 characters).
//
// It calls the ModifyEipAttributes action.
func (s *EIPsService) Rename(ctx context.Context, id, name string) (*Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	if name == "" || utf8.RuneCountInString(name) > 20 {
		return nil, &ArgError{Arg: "name", Reason: "must be 1 to 20 characters"}
	}
	return s.client.do(ctx, "ModifyEipAttributes", &eipRename{ID: id, Name: name}, &batchResponse{})
}

// Associate binds an unbound EIP to a running instance's primary address.
// The instance's ordinary public IP is released. The EIP goes through
// [EIPBinding] to [EIPBound]; see [EIPsService.WaitStatus].
//
// It calls the EipBindInstance action.
func (s *EIPsService) Associate(ctx context.Context, id, instanceID string) (*Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	if err := checkID("instanceID", instanceID); err != nil {
		return nil, err
	}
	return s.client.do(ctx, "EipBindInstance", &eipBind{ID: id, InstanceID: instanceID}, &batchResponse{})
}

// Disassociate unbinds an EIP. With newPublicIP the instance gets a new
// ordinary public IP (a daily quota applies).
//
// It calls the EipUnBindInstance action.
func (s *EIPsService) Disassociate(ctx context.Context, id string, newPublicIP bool) (*Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return s.client.do(ctx, "EipUnBindInstance", &eipUnbind{ID: id, NewPublicIP: btoi(newPublicIP)}, &batchResponse{})
}

// EIPQuota is the account's EIP allowance in the region.
type EIPQuota struct {
	Max, Current                  int
	DailyApplyMax, DailyApplied   int
	DailyNewWANIPMax, DailyNewWAN int
}

type eipQuotaResponse struct {
	envelope
	Data struct {
		EIPNumQuota          jsonInt `json:"eipNumQuota"`
		CurrentEIPNum        jsonInt `json:"currentEipNum"`
		DailyApplyQuota      jsonInt `json:"dailyApplyQuota"`
		DailyApplyCount      jsonInt `json:"dailyApplyCount"`
		DailyAllocWanIPQuota jsonInt `json:"dailyAllocWanIpQuota"`
		DailyAllocWanIPCount jsonInt `json:"dailyAllocWanIpCount"`
	} `json:"data"`
}

// Quota returns the account's EIP quota and use in the region.
//
// It calls the DescribeEipQuota action.
func (s *EIPsService) Quota(ctx context.Context) (*EIPQuota, *Response, error) {
	var out eipQuotaResponse
	resp, err := s.client.do(ctx, "DescribeEipQuota", &noRequest{}, &out)
	if err != nil {
		return nil, resp, err
	}
	d := out.Data
	return &EIPQuota{
		Max: int(d.EIPNumQuota), Current: int(d.CurrentEIPNum),
		DailyApplyMax: int(d.DailyApplyQuota), DailyApplied: int(d.DailyApplyCount),
		DailyNewWANIPMax: int(d.DailyAllocWanIPQuota), DailyNewWAN: int(d.DailyAllocWanIPCount),
	}, resp, nil
}

// FromPublicIP turns an instance's ordinary public IP into an EIP, bound
// to it, and returns the EIP's id when the API gives it.
//
// It calls the TransformWanIpToEip action.
func (s *EIPsService) FromPublicIP(ctx context.Context, instanceID string) (string, *Response, error) {
	if err := checkID("instanceID", instanceID); err != nil {
		return "", nil, err
	}
	var out eipIDsResponse
	resp, err := s.client.do(ctx, "TransformWanIpToEip", &eipTransform{InstanceID: instanceID}, &out)
	if err != nil {
		return "", resp, err
	}
	return string(out.Data.EIPID), resp, nil
}

// SetPassThrough switches a bound EIP between NAT mode (false) and
// pass-through mode (true).
//
// It calls the TransformMode action.
func (s *EIPsService) SetPassThrough(ctx context.Context, id string, passThrough bool) (*Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	return s.client.do(ctx, "TransformMode", &eipMode{ID: id, PassThrough: btoi(passThrough)}, &batchResponse{})
}

// The EIP actions' requests: their url tags put them on the legacy wire;
// the API 3.0 routes read them as they are.
type (
	eipListRequest struct {
		*EIPListOptions
		OrderType int `url:"orderType"` // 1 descending (the default), 0 ascending
	}
	eipCreate struct {
		Count int `url:"goodsNum"`
	}
	eipDelete struct {
		IDs List[string] `url:"eipIds"`
	}
	eipRename struct {
		ID   string `url:"eipId"`
		Name string `url:"eipName"`
	}
	eipBind struct {
		ID         string `url:"eipId"`
		InstanceID string `url:"unInstanceId"`
	}
	eipUnbind struct {
		ID          string `url:"eipId"`
		NewPublicIP int    `url:"allocWanIp"` // 1: the instance gets an ordinary public IP again
	}
	eipTransform struct {
		InstanceID string `url:"unInstanceId"`
	}
	eipMode struct {
		ID          string `url:"eipId"`
		PassThrough int    `url:"mode"` // 1: direct connection
	}
	// noRequest is the request of an action that takes nothing.
	noRequest struct{}
)

// WaitStatus waits until every EIP of ids has the status (for a binding,
// [EIPBound]), polling DescribeEip as [InstancesService.WaitStatus] does.
// An EIP that failed to create can reach no status: it ends the wait with
// an error matching [ErrUnreachable].
func (s *EIPsService) WaitStatus(ctx context.Context, status EIPStatus, ids ...string) error {
	if err := checkIDs("ids", ids); err != nil {
		return err
	}
	return s.client.poll(ctx, "DescribeEip", "status "+status.String(), func(ctx context.Context) (bool, map[string]string, error) {
		seen := map[string]EIPStatus{}
		for e, err := range s.All(ctx, &EIPListOptions{IDs: ids}) {
			if err != nil {
				return false, nil, err
			}
			seen[e.ID] = e.Status
		}
		last := map[string]string{}
		for _, id := range ids {
			st, ok := seen[id]
			switch {
			case !ok:
				last[id] = "not found"
			case st == EIPCreateFailed && status != EIPCreateFailed:
				return false, nil, &UnreachableError{ID: id, Status: st.String(), Want: status.String()}
			case st != status:
				last[id] = st.String()
			}
		}
		return len(last) == 0, last, nil
	})
}
