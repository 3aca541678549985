package cvm

// Routes of the price inquiries (spec/api3 §6 rows 18, 19): API 3.0 prices
// a configuration in a zone with an image, which the legacy inquiries do
// not name; the region's first zone and, when none is given, its first
// public image are used [inferred: neither changes a list price here].

import (
	"context"
	"math"
)

func init() {
	addRoutes3(map[string]route3{
		"InquiryInstancePrice": {service: "cvm", action: "InquiryPriceRunInstances", typed: typedPrice3,
			newOut: func() any { return new(price3) }, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
				p := got.(*price3).Price
				// Yuan to fen, the legacy unit.
				out.(*priceResponse).Price = jsonInt(math.Round((p.InstancePrice.OriginalPrice + p.BandwidthPrice.OriginalPrice) * 100))
				return nil
			}},
		"InquiryInstancePriceHour": {service: "cvm", action: "InquiryPriceRunInstances", typed: typedPrice3,
			newOut: func() any { return new(price3) }, fillTyped: func(_ context.Context, _ *Client, got, out, _ any) error {
				p, o := got.(*price3).Price, out.(*hourlyPriceResponse)
				o.Data.CVM.Price, o.Data.CVM.Unit = jsonFloat(p.InstancePrice.UnitPrice), jsonString(p.InstancePrice.ChargeUnit)
				o.Data.Bandwidth.Price, o.Data.Bandwidth.Unit = jsonFloat(p.BandwidthPrice.UnitPrice), jsonString(p.BandwidthPrice.ChargeUnit)
				if o.Data.Bandwidth.Unit == "" {
					o.Data.Bandwidth.Unit = "HOUR"
				}
				return nil
			}},
	})
}

type itemPrice3 struct {
	OriginalPrice, DiscountPrice, UnitPrice, UnitPriceDiscount float64
	ChargeUnit                                                 string
}

type price3 struct {
	Envelope3
	Price struct{ InstancePrice, BandwidthPrice itemPrice3 }
}

// priceQuery3 is what both price inquiries ask, read from their typed
// requests; months is 0 for a postpaid price.
type priceQuery3 struct {
	cpu, mem, count, diskGB, mbps, months int
	bwType                                BandwidthType
	image                                 string
}

func typedPrice3(ctx context.Context, c *Client, req any) (map[string]any, error) {
	var q priceQuery3
	switch r := req.(type) {
	case *prepaidPriceIn:
		q = priceQuery3{r.CPU, r.MemoryGB, r.Count, r.DataDiskGB, r.BandwidthMbps, r.Months, r.BandwidthType, r.ImageID}
	case *InstanceHourlyPriceRequest:
		q = priceQuery3{r.CPU, r.MemoryGB, r.Count, r.DataDiskGB, r.BandwidthMbps, 0, r.BandwidthType, r.ImageID}
	}
	zs, err := c.zones3(ctx)
	if err != nil {
		return nil, err
	}
	if len(zs) == 0 {
		return nil, &ArgError{Arg: "Config.Region", Reason: c.region.Long + " has no zones"}
	}
	zone := zs[0].zone
	typ, err := c.instanceType3For(ctx, zone, "", q.cpu, q.mem)
	if err != nil {
		return nil, err
	}
	image := q.image
	if image == "" {
		var imgs describeImages3
		if _, err := c.send3Members(ctx, "cvm", "DescribeImages", map[string]any{"Limit": 1,
			"Filters": []any{filter3("image-type", "PUBLIC_IMAGE")}}, &imgs); err != nil {
			return nil, err
		}
		if len(imgs.ImageSet) == 0 {
			return nil, &ArgError{Arg: "ImageID", Reason: "is required: the region lists no public image"}
		}
		image = imgs.ImageSet[0].ImageId
	}
	m := map[string]any{"Placement": map[string]any{"Zone": zone}, "ImageId": image, "InstanceType": typ,
		"InstanceChargeType": "POSTPAID_BY_HOUR"}
	if q.count != 0 {
		m["InstanceCount"] = q.count
	}
	if q.diskGB > 0 {
		m["DataDisks"] = []any{map[string]any{"DiskSize": q.diskGB}}
	}
	net := map[string]any{}
	if q.mbps != 0 {
		net["InternetMaxBandwidthOut"] = q.mbps
	}
	if q.bwType != "" {
		net["InternetChargeType"] = legacyNetCharges[string(q.bwType)]
	}
	if len(net) > 0 {
		m["InternetAccessible"] = net
	}
	if q.months != 0 {
		m["InstanceChargeType"] = "PREPAID"
		m["InstanceChargePrepaid"] = map[string]any{"Period": q.months}
	}
	return m, nil
}
