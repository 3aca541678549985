package cvm

// Routes of the EIP actions (spec/api3 §6 rows 41 to 49), to vpc's
// address actions.

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

func init() {
	addRoutes3(map[string]route3{
		"DescribeEip": {service: "vpc", action: "DescribeAddresses", typed: typedDescribeEip3,
			newOut: func() any { return new(describeAddresses3) }, fillTyped: fillDescribeEip3},
		"CreateEip": {service: "vpc", action: "AllocateAddresses", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			return map[string]any{"AddressCount": max(req.(*eipCreate).Count, 1)}, nil
		}, newOut: func() any { return new(allocateAddresses3) }, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
			out.(*eipIDsResponse).Data.EIPIDs = asJSONStrings(got.(*allocateAddresses3).AddressSet)
			return nil
		}},
		"DeleteEip": typed3("vpc", "ReleaseAddresses", func(req any) map[string]any {
			return map[string]any{"AddressIds": []string(req.(*eipDelete).IDs)}
		}),
		"ModifyEipAttributes": typed3("vpc", "ModifyAddressAttribute", func(req any) map[string]any {
			r := req.(*eipRename)
			return map[string]any{"AddressId": r.ID, "AddressName": r.Name}
		}),
		"TransformMode": typed3("vpc", "ModifyAddressAttribute", func(req any) map[string]any {
			r := req.(*eipMode)
			return map[string]any{"AddressId": r.ID, "EipDirectConnection": map[bool]string{true: "TRUE", false: "FALSE"}[r.PassThrough == 1]}
		}),
		"EipBindInstance": typed3("vpc", "AssociateAddress", func(req any) map[string]any {
			r := req.(*eipBind)
			return map[string]any{"AddressId": r.ID, "InstanceId": r.InstanceID}
		}),
		"EipUnBindInstance": typed3("vpc", "DisassociateAddress", func(req any) map[string]any {
			r := req.(*eipUnbind)
			return map[string]any{"AddressId": r.ID, "ReallocateNormalPublicIp": r.NewPublicIP == 1}
		}),
		"DescribeEipQuota": {service: "vpc", action: "DescribeAddressQuota", typed: func(context.Context, *Client, any) (map[string]any, error) {
			return map[string]any{}, nil
		}, newOut: func() any { return new(addressQuota3) }, fillTyped: fillEipQuota3},
		"TransformWanIpToEip": {service: "vpc", action: "TransformAddress", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			return map[string]any{"InstanceId": req.(*eipTransform).InstanceID}, nil
		}, newOut: func() any { return new(transformAddress3) }, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
			out.(*eipIDsResponse).Data.EIPID = jsonString(got.(*transformAddress3).AddressId)
			return nil
		}},
	})
}

type address3 struct {
	AddressId, AddressName, AddressStatus, AddressIp, CreatedTime string
	InstanceId, NetworkInterfaceId, PrivateAddressIp              string
	IsArrears, IsEipDirectConnection                              bool
}

type describeAddresses3 struct {
	Envelope3
	TotalCount int
	AddressSet []address3
}

type allocateAddresses3 struct {
	Envelope3
	AddressSet []string
	TaskId     string
}

type transformAddress3 struct {
	Envelope3
	AddressId string
}

type addressQuota3 struct {
	Envelope3
	QuotaSet []struct {
		QuotaId                  string
		QuotaCurrent, QuotaLimit int
	}
}

// addressStatus3 are the legacy statuses of the newer names (§6 row 41).
var addressStatus3 = map[string]EIPStatus{
	"CREATING": EIPCreating, "BINDING": EIPBinding, "BIND": EIPBound, "UNBINDING": EIPUnbinding, "UNBIND": EIPUnbound,
	"OFFLINING": EIPOffline, "BIND_ENI": EIPBound,
}

// buildDescribeEip3 maps the legacy filters: ids, or Filters of address,
// instance, status and name. API 3.0 has no ordering (§6 row 41); the
// answer is sorted here as the legacy orderBy asks.
func typedDescribeEip3(_ context.Context, _ *Client, req any) (map[string]any, error) {
	o := req.(*eipListRequest).EIPListOptions
	d := &describe3{members: map[string]any{}}
	page3(d.members, o.ListOptions)
	if d.ids("AddressIds", o.IDs) {
		return d.done()
	}
	if len(o.IPs) > 0 {
		d.filter("address-ip", o.IPs...)
	}
	if len(o.InstanceIDs) > 0 {
		d.filter("instance-id", o.InstanceIDs...)
	}
	if len(o.Statuses) > 0 {
		var names []string
		for _, st := range o.Statuses {
			for name, s3 := range addressStatus3 {
				if s3 == st && name != "BIND_ENI" {
					names = append(names, name)
				}
			}
		}
		slices.Sort(names) // the same wire whatever the map's order
		d.filter("address-status", names...)
	}
	if o.Name != "" {
		d.filter("address-name", o.Name)
	}
	return d.done()
}

func fillDescribeEip3(_ context.Context, _ *Client, got, out, req any) error {
	r := req.(*eipListRequest)
	g, o := got.(*describeAddresses3), out.(*describeEipResponse)
	o.TotalCount = jsonInt(g.TotalCount)
	for _, a := range g.AddressSet {
		o.Data.EIPSet = append(o.Data.EIPSet, eipJSON{EIPID: jsonString(a.AddressId), EIPName: jsonString(a.AddressName),
			EIP: jsonString(a.AddressIp), Status: jsonInt(addressStatus3[a.AddressStatus]), Arrears: jsonInt(btoi(a.IsArrears)),
			UnInstanceID: jsonString(a.InstanceId), CreatedAt: parseTime3(a.CreatedTime), PrivateIPAddress: jsonString(a.PrivateAddressIp),
			NetworkInterfaceID: jsonString(a.NetworkInterfaceId), Mode: jsonInt(btoi(a.IsEipDirectConnection))})
	}
	if by := r.OrderBy; by != "" && by != "createdAt" {
		desc := r.OrderType != 0
		key := func(e eipJSON) string {
			switch by {
			case "eipId":
				return string(e.EIPID)
			case "eip":
				return string(e.EIP)
			case "status":
				return strconv.Itoa(int(e.Status))
			case "unInstanceId":
				return string(e.UnInstanceID)
			}
			return ""
		}
		slices.SortStableFunc(o.Data.EIPSet, func(a, b eipJSON) int {
			c := strings.Compare(key(a), key(b))
			if desc {
				c = -c
			}
			return c
		})
	}
	return nil
}

func fillEipQuota3(_ context.Context, _ *Client, got, out, _ any) error {
	o := out.(*eipQuotaResponse)
	for _, q := range got.(*addressQuota3).QuotaSet {
		switch q.QuotaId {
		case "TOTAL_EIP_QUOTA":
			o.Data.EIPNumQuota, o.Data.CurrentEIPNum = jsonInt(q.QuotaLimit), jsonInt(q.QuotaCurrent)
		case "DAILY_EIP_APPLY":
			o.Data.DailyApplyQuota, o.Data.DailyApplyCount = jsonInt(q.QuotaLimit), jsonInt(q.QuotaCurrent)
		case "DAILY_PUBLIC_IP_ASSIGN":
			o.Data.DailyAllocWanIPQuota, o.Data.DailyAllocWanIPCount = jsonInt(q.QuotaLimit), jsonInt(q.QuotaCurrent)
		}
	}
	return nil
}
