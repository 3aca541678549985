package cvm

// Routes of images (spec/api3 §6 rows 20 to 27), reconfiguration and
// renewal of instances (rows 8, 12 to 16, 60), network interfaces (61,
// 62), orders (65 to 67), projects (68, 69) and zone capabilities and
// product regions (51, 52).

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

func init() {
	addRoutes3(map[string]route3{
		// ---- images ----
		"DescribeImages": {service: "cvm", action: "DescribeImages", typed: typedDescribeImages3,
			newOut: func() any { return new(describeImages3) }, fillTyped: fillDescribeImages3},
		"CreateImage": {service: "cvm", action: "CreateImage", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			r := req.(*ImageCreateRequest)
			m := map[string]any{"InstanceId": r.InstanceID, "ImageName": r.Name}
			if r.Description != "" {
				m["ImageDescription"] = r.Description
			}
			return m, nil
		}, newOut: func() any {
			return new(struct {
				Envelope3
				ImageId string
			})
		}, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
			g := got.(*struct {
				Envelope3
				ImageId string
			})
			o := out.(*createImageResponse)
			o.ImageID, o.RequestID = jsonString(g.ImageId), jsonString(g.RequestID)
			return nil
		}},
		"DeleteImages": batch3("cvm", "DeleteImages", "ImageIds"),
		"ModifyImageAttributes": typed3("cvm", "ModifyImageAttribute", func(req any) map[string]any {
			r := req.(*ImageUpdateRequest)
			m := map[string]any{"ImageId": r.ImageID}
			if r.Name != nil && *r.Name != "" {
				m["ImageName"] = *r.Name
			}
			if r.Description != nil {
				m["ImageDescription"] = *r.Description
			}
			return m
		}),
		"SyncCvmImage": {service: "cvm", action: "SyncImages", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			r := req.(*imageSync)
			var dsts []string
			for _, d := range r.Dsts {
				reg, ok := LookupRegion(d)
				if !ok {
					return nil, &ArgError{Arg: "regions", Reason: fmt.Sprintf("unknown region %q", d)}
				}
				dsts = append(dsts, reg.Long)
			}
			return map[string]any{"ImageIds": []string(r.IDs), "DestinationRegions": dsts}, nil
		}},
		"ShareImage":           share3("SHARE"),
		"CancelShareImage":     share3("CANCEL"),
		"GetImageShareUinInfo": {runTyped: shareInfo3},

		// ---- reconfiguration and renewal ----
		"ResetInstances": typed3("cvm", "ResetInstance", func(req any) map[string]any {
			r := req.(*InstanceReinstallRequest)
			m := map[string]any{"InstanceId": r.InstanceID}
			if r.ImageID != "" {
				m["ImageId"] = r.ImageID
			}
			if r.Password != "" {
				m["LoginSettings"] = map[string]any{"Password": r.Password}
			}
			if r.RootDiskGB != 0 {
				m["SystemDisk"] = map[string]any{"DiskSize": r.RootDiskGB}
			}
			return m
		}),
		"ResizeInstanceHour":          {runTyped: resize3},
		"ResizeInstance":              {runTyped: resize3},
		"UpdateInstanceBandwidthHour": typed3("cvm", "ResetInstancesInternetMaxBandwidth", bandwidth3),
		"UpdateInstanceBandwidth":     typed3("cvm", "ResetInstancesInternetMaxBandwidth", bandwidth3),
		"RenewInstance": typed3("cvm", "RenewInstances", func(req any) map[string]any {
			r := req.(*instanceRenewal)
			return map[string]any{"InstanceIds": []string{r.ID}, "InstanceChargePrepaid": map[string]any{"Period": r.Months}}
		}),
		"UpdateInstanceVpcConfig": typed3("cvm", "ModifyInstancesVpcAttribute", func(req any) map[string]any {
			r := req.(*vpcConfigIn)
			vpc := map[string]any{"VpcId": r.VPCID, "SubnetId": r.SubnetID}
			if len(r.IPs) > 0 {
				vpc["PrivateIpAddresses"] = []string(r.IPs)
			}
			return map[string]any{"InstanceIds": []string{r.InstanceID}, "VirtualPrivateCloud": vpc, "ForceStop": r.Flag != 0}
		}),

		// ---- network interfaces ----
		"AttachNetworkInterface": typed3("vpc", "AttachNetworkInterface", func(req any) map[string]any {
			r := req.(*interfaceAttach)
			return map[string]any{"NetworkInterfaceId": r.InterfaceID, "InstanceId": r.InstanceID}
		}),
		"DescribeVpcTaskResult": {service: "vpc", action: "DescribeVpcTaskResult", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			return map[string]any{"TaskId": strconv.FormatInt(req.(*vpcTaskQuery).TaskID, 10)}, nil
		}, newOut: func() any {
			return new(struct {
				Envelope3
				Status string
			})
		}, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
			st := map[string]int{"SUCCESS": 0, "FAILED": 1, "RUNNING": 2}[got.(*struct {
				Envelope3
				Status string
			}).Status]
			n := jsonInt(st)
			out.(*vpcTaskResponse).Data.Status = &n
			return nil
		}},

		// ---- orders and projects ----
		"DescribeDeals":       {service: "billing", action: "DescribeDealsByCond", typed: typedDeals3, newOut: func() any { return new(deals3) }, fillTyped: fillDeals3},
		"DescribeDealsByCond": {service: "billing", action: "DescribeDealsByCond", typed: typedDeals3, newOut: func() any { return new(deals3) }, fillTyped: fillDealsByCond3},
		"PayDeals": {service: "billing", action: "PayDeals", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			return map[string]any{"OrderIds": []string(req.(*dealRefs).IDs)}, nil
		}, newOut: func() any {
			return new(struct {
				Envelope3
				OrderIds []string
			})
		}, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
			o := out.(*payDealsResponse)
			for _, id := range got.(*struct {
				Envelope3
				OrderIds []string
			}).OrderIds {
				n, _ := strconv.ParseInt(id, 10, 64)
				o.Succ = append(o.Succ, jsonInt(n))
			}
			return nil
		}},
		"DescribeProject": {service: "tag", action: "DescribeProjects", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			return map[string]any{"AllList": req.(*projectList).All, "Limit": 1000, "Offset": 0}, nil
		}, newOut: func() any { return new(projects3) }, fillTyped: fillProjects3},
		"AddProject": {service: "tag", action: "AddProject", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			r := req.(*projectCreate)
			m := map[string]any{"ProjectName": r.Name}
			if r.Description != "" {
				m["Info"] = r.Description
			}
			return m, nil
		}, newOut: func() any {
			return new(struct {
				Envelope3
				ProjectId int
			})
		}, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
			out.(*addProjectResponse).ProjectID = jsonInt(got.(*struct {
				Envelope3
				ProjectId int
			}).ProjectId)
			return nil
		}},

		// ---- zones and regions ----
		"DescribeZoneAbility": {runTyped: zoneAbility3},
		"DescribeProductRegionList": {service: "region", action: "DescribeRegions", typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
			n := int(req.(*productRegionQuery).Product)
			return map[string]any{"Product": map[int]string{1: "cvm", 2: "cdb", 3: "clb"}[max(n, 1)]}, nil
		}, newOut: func() any {
			return new(struct {
				Envelope3
				RegionSet []struct{ Region, RegionName string }
			})
		}, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
			o := out.(*describeProductRegionListResponse)
			o.AvailableRegion = regionNames{}
			for _, r := range got.(*struct {
				Envelope3
				RegionSet []struct{ Region, RegionName string }
			}).RegionSet {
				code := r.Region
				if lr, ok := LookupRegion(r.Region); ok {
					code = lr.Short
				}
				o.AvailableRegion[code] = r.RegionName
			}
			return nil
		}},
	})
}

type image3 struct {
	ImageId, ImageName, ImageDescription, ImageType, OsName, ImageState, CreatedTime, ImageCreator string
}

type describeImages3 struct {
	Envelope3
	TotalCount int
	ImageSet   []image3
}

// The legacy numbers of image types and states (§6 row 20); the
// marketplace type has no counterpart, and the in-use and copying states
// read as NORMAL and SYNCING.
var (
	imageTypes3  = map[ImageType]string{ImagePrivate: "PRIVATE_IMAGE", ImagePublic: "PUBLIC_IMAGE", ImageShared: "SHARED_IMAGE"}
	imageStates3 = map[string]ImageStatus{"CREATING": ImageCreating, "NORMAL": ImageNormal, "SYNCING": ImageSyncing, "IMPORTING": ImageCreating}
)

func typedDescribeImages3(_ context.Context, _ *Client, req any) (map[string]any, error) {
	o := req.(*ImageListOptions)
	if o.Status != 0 {
		return nil, &ArgError{Arg: "ImageListOptions.Status", Reason: "has no API 3.0 counterpart (spec/api3 §6 row 20): leave it 0 and check Image.Status"}
	}
	d := &describe3{members: map[string]any{}}
	page3(d.members, o.ListOptions)
	// ImageIds and Filters are exclusive in API 3.0: with ids, the type is
	// checked on the answer.
	if d.ids("ImageIds", o.ImageIDs) {
		return d.done()
	}
	name, ok := imageTypes3[o.Type]
	if !ok {
		return nil, &ArgError{Arg: "ImageListOptions.Type", Reason: "marketplace images have no API 3.0 counterpart (spec/api3 §6 row 20)"}
	}
	d.filter("image-type", name)
	return d.done()
}

func fillDescribeImages3(_ context.Context, _ *Client, got, out, req any) error {
	g, o := got.(*describeImages3), out.(*describeImagesResponse)
	r := req.(*ImageListOptions)
	o.TotalCount = jsonInt(g.TotalCount)
	for _, img := range g.ImageSet {
		typ := ImageType(0)
		for k, name := range imageTypes3 {
			if name == img.ImageType {
				typ = k
			}
		}
		if len(r.ImageIDs) > 0 && typ != r.Type {
			o.TotalCount--
			continue
		}
		o.ImageSet = append(o.ImageSet, imageJSON{UnImgID: jsonString(img.ImageId), ImageName: jsonString(img.ImageName),
			ImageDescription: jsonString(img.ImageDescription), ImageType: jsonInt(typ), OSName: jsonString(img.OsName),
			Status: jsonInt(imageStates3[img.ImageState]), CreateTime: parseTime3(img.CreatedTime), Creator: jsonString(img.ImageCreator)})
	}
	return nil
}

func share3(permission string) route3 {
	return typed3("cvm", "ModifyImageSharePermission", func(req any) map[string]any {
		r := req.(*imageShare)
		return map[string]any{"ImageId": r.ID, "AccountIds": []string(r.UINs), "Permission": permission}
	})
}

// shareInfo3: API 3.0 takes one image a call (§6 row 27).
func shareInfo3(ctx context.Context, c *Client, req, out any) (*Response, error) {
	resp := &Response{}
	o := out.(*shareInfoResponse)
	for _, id := range req.(*imageRefs).IDs {
		var got struct {
			Envelope3
			SharePermissionSet []struct{ AccountId, CreatedTime string }
		}
		r, err := c.send3Members(ctx, "cvm", "DescribeImageSharePermission", map[string]any{"ImageId": id}, &got)
		resp.add(r)
		if err != nil {
			return resp, err
		}
		var entry struct {
			ImageID      jsonString `json:"imageId"`
			ShareUinInfo []struct {
				UIN            jsonString `json:"uin"`
				ShareTimeStamp jsonInt    `json:"shareTimeStamp"`
			} `json:"shareUinInfo"`
		}
		entry.ImageID = jsonString(id)
		for _, p := range got.SharePermissionSet {
			at := time.Time(parseTime3(p.CreatedTime))
			entry.ShareUinInfo = append(entry.ShareUinInfo, struct {
				UIN            jsonString `json:"uin"`
				ShareTimeStamp jsonInt    `json:"shareTimeStamp"`
			}{jsonString(p.AccountId), jsonInt(at.Unix())})
		}
		o.Data.ImageList = append(o.Data.ImageList, entry)
	}
	return resp, nil
}

// resize3 is ResizeInstanceHour and ResizeInstance (§6 rows 12, 13): the
// cores and memory as a type of the instance's family and zone
// (ResetInstancesType), then the data disk (ResizeInstanceDisks). API 3.0
// names no order (the legacy dealIds stay empty).
func resize3(ctx context.Context, c *Client, req, _ any) (*Response, error) {
	rq := req.(*InstanceResizeRequest)
	id := rq.InstanceID
	resp := &Response{}
	cpu, mem := rq.CPU, rq.MemoryGB // zero keeps the current value
	if cpu != 0 || mem != 0 {
		var cur describeInstances3
		r, err := c.send3Members(ctx, "cvm", "DescribeInstances", map[string]any{"InstanceIds": []string{id}}, &cur)
		resp.add(r)
		if err != nil {
			return resp, err
		}
		if len(cur.InstanceSet) != 1 {
			return resp, &APIError{Action: "DescribeInstances", Code: CodeNotFound, ErrorCode: "InvalidInstanceId.NotFound", Message: "instance " + id + " not found"}
		}
		in := cur.InstanceSet[0]
		if cpu == 0 {
			cpu = in.CPU
		}
		if mem == 0 {
			mem = in.Memory
		}
		family, _, _ := strings.Cut(string(in.InstanceType), ".")
		typ, err := c.instanceType3For(ctx, string(in.Placement.Zone), family, cpu, mem)
		if err != nil {
			return resp, err
		}
		r, err = c.send3Members(ctx, "cvm", "ResetInstancesType", map[string]any{"InstanceIds": []string{id}, "InstanceType": typ}, nil)
		resp.add(r)
		if err != nil {
			return resp, err
		}
	}
	if size := rq.DataDiskGB; size > 0 {
		r, err := c.send3Members(ctx, "cvm", "ResizeInstanceDisks", map[string]any{"InstanceId": id,
			"DataDisks": []any{map[string]any{"DiskSize": size}}}, nil)
		resp.add(r)
		if err != nil {
			return resp, err
		}
	}
	return resp, nil
}

type deal3 struct {
	OrderId, BigDealId, CreateTime     string
	Status, ProjectId, GoodsCategoryId int
	RealTotalCost                      jsonInt // fen, a number in the models
	TotalCost                          float64
	ResourceId                         []string
}

type deals3 struct {
	Envelope3
	TotalCount int
	Deals      []deal3
}

// billingStatus3 are the legacy order states of billing's (1 unpaid, 2
// paid, 4 shipping, 5 delivered, per DescribeDealsByCond).
var billingStatus3 = map[int]DealStatus{1: 1, 2: 2, 4: 3, 5: 4}

// typedDeals3: DescribeDealsByCond requires a time span and a Limit (§6
// rows 65, 66); a legacy call without a span asks for the last year
// [inferred], and order ids are one OrderId a call.
func typedDeals3(_ context.Context, c *Client, req any) (map[string]any, error) {
	var start, end, order string
	limit, offset, status := 100, 0, 0
	switch r := req.(type) {
	case *dealsPage:
		start, end = r.Start, r.End
		if r.Limit != 0 {
			limit = r.Limit
		}
		offset = r.Offset
		if len(r.IDs) > 1 {
			return nil, &ArgError{Arg: "IDs", Reason: "API 3.0 looks orders up one id a call"}
		}
		if len(r.IDs) == 1 {
			order = r.IDs[0]
		}
	case *dealsByCond:
		start, end, status = r.Start, r.End, r.Status
		if r.PageSize > 0 {
			limit, offset = r.PageSize, r.Page*r.PageSize
		}
		if r.DealID > 0 {
			order = strconv.FormatInt(r.DealID, 10)
		}
	}
	now := c.clock.Now().In(beijing)
	if start == "" {
		start = now.AddDate(-1, 0, 0).Format(apiTimeLayout)
	}
	if end == "" {
		end = now.Add(time.Hour).Format(apiTimeLayout)
	}
	m := map[string]any{"StartTime": start, "EndTime": end, "Limit": limit, "Offset": offset}
	if order != "" {
		m["OrderId"] = order
	}
	if status != 0 {
		for b, l := range billingStatus3 {
			if int(l) == status {
				m["Status"] = b
			}
		}
	}
	return m, nil
}

func (d deal3) details() map[string]any {
	ids := make([]any, len(d.ResourceId))
	for i, id := range d.ResourceId {
		ids[i] = id
	}
	return map[string]any{"unInstanceId": ids}
}

func fillDeals3(_ context.Context, c *Client, got, out, _ any) error {
	g, o := got.(*deals3), out.(*describeDealsResponse)
	o.TotalNum = jsonInt(g.TotalCount)
	for _, d := range g.Deals {
		created, _ := parseAPITime3(d.CreateTime)
		o.DealDetails = append(o.DealDetails, dealJSON{DealID: jsonString(d.OrderId), DealName: jsonString(d.OrderId),
			Region: jsonString(c.region.Short), GoodsNum: jsonInt(max(1, len(d.ResourceId))), CreatTime: created,
			Status: jsonInt(billingStatus3[d.Status]), Price: jsonInt(d.TotalCost), GoodsDetail: d.details()})
	}
	return nil
}

func fillDealsByCond3(_ context.Context, _ *Client, got, out, _ any) error {
	g, o := got.(*deals3), out.(*dealsByCondResponse)
	o.Data.TotalNum = jsonInt(g.TotalCount)
	for _, d := range g.Deals {
		created, _ := parseAPITime3(d.CreateTime)
		o.Data.Deals = append(o.Data.Deals, struct {
			DealID          jsonString     `json:"dealId"`
			DealName        jsonString     `json:"dealName"`
			GoodsCategoryID jsonInt        `json:"goodsCategoryId"`
			ProjectID       jsonInt        `json:"projectId"`
			RealTotalCost   jsonInt        `json:"realTotalCost"`
			CreatTime       jsonTime       `json:"creatTime"`
			GoodsDetail     map[string]any `json:"goodsDetail"`
		}{jsonString(d.OrderId), jsonString(d.OrderId), jsonInt(d.GoodsCategoryId), jsonInt(d.ProjectId), d.RealTotalCost, created, d.details()})
	}
	return nil
}

type projects3 struct {
	Envelope3
	Total    int
	Projects []struct {
		ProjectId                            int
		ProjectName, ProjectInfo, CreateTime string
		CreatorUin                           int64
	}
}

func fillProjects3(_ context.Context, _ *Client, got, out, _ any) error {
	o := out.(*describeProjectResponse)
	for _, p := range got.(*projects3).Projects {
		created, _ := parseAPITime3(p.CreateTime)
		o.Data = append(o.Data, struct {
			ProjectName jsonString `json:"projectName"`
			ProjectID   jsonInt    `json:"projectId"`
			CreateTime  jsonTime   `json:"createTime"`
			CreatorUin  jsonInt    `json:"creatorUin"`
			ProjectInfo jsonString `json:"projectInfo"`
		}{jsonString(p.ProjectName), jsonInt(p.ProjectId), created, jsonInt(p.CreatorUin), jsonString(p.ProjectInfo)})
	}
	return nil
}

// zoneAbility3: API 3.0 has no capacity flags (§6 row 51); a zone that
// sells instance types (DescribeZoneInstanceConfigInfos) reads as
// supporting what was asked.
func zoneAbility3(ctx context.Context, c *Client, req, out any) (*Response, error) {
	q := req.(*zoneAbilityQuery)
	zone, err := c.zoneName3(ctx, q.ZoneID)
	if err != nil {
		return nil, err
	}
	var got struct {
		Envelope3
		InstanceTypeQuotaSet []struct{ Status string }
	}
	resp, err := c.send3Members(ctx, "cvm", "DescribeZoneInstanceConfigInfos", map[string]any{"Filters": []any{filter3("zone", zone)}}, &got)
	if err != nil {
		return resp, err
	}
	selling := false
	for _, q := range got.InstanceTypeQuotaSet {
		selling = selling || q.Status == "SELL"
	}
	o := out.(*describeZoneAbilityResponse)
	o.CapacitySet = append(o.CapacitySet, struct {
		Capacity    oneOrMany[jsonString] `json:"capacity"`
		IsSupported jsonInt               `json:"isSupported"`
	}{asJSONStrings(q.Capacity), jsonInt(btoi(selling))})
	return resp, nil
}

// typed3 is a route whose members are made from the service's request
// value alone.
func typed3(service, action string, members func(req any) map[string]any) route3 {
	return route3{service: service, action: action, typed: func(_ context.Context, _ *Client, req any) (map[string]any, error) {
		return members(req), nil
	}}
}

// bandwidth3 is ResetInstancesInternetMaxBandwidth's members (spec/api3 §6
// rows 14 and 15: a prepaid instance's change names its span).
func bandwidth3(req any) map[string]any {
	r := req.(*instanceBandwidth)
	m := map[string]any{"InstanceIds": []string{r.ID}, "InternetAccessible": map[string]any{"InternetMaxBandwidthOut": r.Mbps}}
	if r.Start != "" {
		m["StartTime"], m["EndTime"] = r.Start, r.End
	}
	return m
}

// noMembers3 is the members of a request that takes none.
func noMembers3(context.Context, *Client, any) (map[string]any, error) { return map[string]any{}, nil }
