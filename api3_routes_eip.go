package cvm

// Routes of the EIP actions (spec/api3 §6 rows 41 to 49), to vpc's
// address actions.

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

func init() {
	addRoutes3(map[string]route3{
		"DescribeEip": {service: "vpc", action: "DescribeAddresses", build: buildDescribeEip3,
			newOut: func() any { return new(describeAddresses3) }, fill: fillDescribeEip3},
		"CreateEip": {service: "vpc", action: "AllocateAddresses", build: func(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
			n, ok := intParam(v, "goodsNum")
			if !ok {
				n = 1
			}
			return map[string]any{"AddressCount": n}, nil
		}, newOut: func() any { return new(allocateAddresses3) }, fill: func(_ context.Context, _ *Client, got, out any, _ url.Values) error {
			out.(*eipIDsResponse).Data.EIPIDs = asJSONStrings(got.(*allocateAddresses3).AddressSet)
			return nil
		}},
		"DeleteEip": {service: "vpc", action: "ReleaseAddresses", build: func(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
			return map[string]any{"AddressIds": listParam(v, "eipIds")}, nil
		}},
		"ModifyEipAttributes": {service: "vpc", action: "ModifyAddressAttribute", build: func(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
			return map[string]any{"AddressId": v.Get("eipId"), "AddressName": v.Get("eipName")}, nil
		}},
		"TransformMode": {service: "vpc", action: "ModifyAddressAttribute", build: func(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
			return map[string]any{"AddressId": v.Get("eipId"), "EipDirectConnection": map[bool]string{true: "TRUE", false: "FALSE"}[v.Get("mode") == "1"]}, nil
		}},
		"EipBindInstance": {service: "vpc", action: "AssociateAddress", build: func(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
			m := map[string]any{"AddressId": v.Get("eipId")}
			setIf(m, "InstanceId", v, "unInstanceId")
			setIf(m, "NetworkInterfaceId", v, "networkInterfaceId")
			setIf(m, "PrivateIpAddress", v, "privateIpAddress")
			return m, nil
		}},
		"EipUnBindInstance": {service: "vpc", action: "DisassociateAddress", build: func(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
			return map[string]any{"AddressId": v.Get("eipId"), "ReallocateNormalPublicIp": v.Get("allocWanIp") == "1"}, nil
		}},
		"DescribeEipQuota": {service: "vpc", action: "DescribeAddressQuota", build: noMembers,
			newOut: func() any { return new(addressQuota3) }, fill: fillEipQuota3},
		"TransformWanIpToEip": {service: "vpc", action: "TransformAddress", build: func(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
			return map[string]any{"InstanceId": v.Get("unInstanceId")}, nil
		}, newOut: func() any { return new(transformAddress3) }, fill: func(_ context.Context, _ *Client, got, out any, _ url.Values) error {
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
func buildDescribeEip3(_ context.Context, _ *Client, v url.Values) (map[string]any, error) {
	d := newDescribe3(v, "offset", false)
	if d.ids("AddressIds", listParam(v, "eipIds")) {
		return d.done()
	}
	if ips := listParam(v, "eips"); len(ips) > 0 {
		d.filter("address-ip", ips...)
	}
	if ins := listParam(v, "unInstanceIds"); len(ins) > 0 {
		d.filter("instance-id", ins...)
	}
	if sts := listParam(v, "status"); len(sts) > 0 {
		var names []string
		for _, s := range sts {
			n, _ := strconv.Atoi(s)
			for name, st := range addressStatus3 {
				if int(st) == n && name != "BIND_ENI" {
					names = append(names, name)
				}
			}
		}
		d.filter("address-status", names...)
	}
	d.filterIf("address-name", v, "searchKey")
	return d.done()
}

func fillDescribeEip3(_ context.Context, _ *Client, got, out any, v url.Values) error {
	g, o := got.(*describeAddresses3), out.(*describeEipResponse)
	o.TotalCount = jsonInt(g.TotalCount)
	for _, a := range g.AddressSet {
		o.Data.EIPSet = append(o.Data.EIPSet, eipJSON{EIPID: jsonString(a.AddressId), EIPName: jsonString(a.AddressName),
			EIP: jsonString(a.AddressIp), Status: jsonInt(addressStatus3[a.AddressStatus]), Arrears: jsonInt(btoi(a.IsArrears)),
			UnInstanceID: jsonString(a.InstanceId), CreatedAt: parseTime3(a.CreatedTime), PrivateIPAddress: jsonString(a.PrivateAddressIp),
			NetworkInterfaceID: jsonString(a.NetworkInterfaceId), Mode: jsonInt(btoi(a.IsEipDirectConnection))})
	}
	if by := v.Get("orderBy"); by != "" && by != "createdAt" {
		desc := v.Get("orderType") != "0"
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

func fillEipQuota3(_ context.Context, _ *Client, got, out any, _ url.Values) error {
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
