package cvm

// Routes of the price inquiries (spec/api3 §6 rows 18, 19): API 3.0 prices
// a configuration in a zone with an image, which the legacy inquiries do
// not name; the region's first zone and, when none is given, its first
// public image are used [inferred: neither changes a list price here].

import (
	"context"
	"math"
	"net/url"
)

func init() {
	addRoutes3(map[string]route3{
		"InquiryInstancePrice": {service: "cvm", action: "InquiryPriceRunInstances", build: buildPrice3(true),
			newOut: func() any { return new(price3) }, fill: func(_ context.Context, _ *Client, got, out any, _ url.Values) error {
				p := got.(*price3).Price
				// Yuan to fen, the legacy unit.
				out.(*priceResponse).Price = jsonInt(math.Round((p.InstancePrice.OriginalPrice + p.BandwidthPrice.OriginalPrice) * 100))
				return nil
			}},
		"InquiryInstancePriceHour": {service: "cvm", action: "InquiryPriceRunInstances", build: buildPrice3(false),
			newOut: func() any { return new(price3) }, fill: func(_ context.Context, _ *Client, got, out any, v url.Values) error {
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

func buildPrice3(prepaid bool) func(context.Context, *Client, url.Values) (map[string]any, error) {
	return func(ctx context.Context, c *Client, v url.Values) (map[string]any, error) {
		zs, err := c.zones3(ctx)
		if err != nil {
			return nil, err
		}
		if len(zs) == 0 {
			return nil, &ArgError{Arg: "Config.Region", Reason: c.region.Long + " has no zones"}
		}
		zone := zs[0].zone
		cpu, _ := intParam(v, "cpu")
		mem, _ := intParam(v, "mem")
		typ, err := c.instanceType3For(ctx, zone, "", cpu, mem)
		if err != nil {
			return nil, err
		}
		image := v.Get("imageId")
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
		if n, ok := intParam(v, "goodsNum"); ok {
			m["InstanceCount"] = n
		}
		if size, ok := intParam(v, "storageSize"); ok && size > 0 {
			m["DataDisks"] = []any{map[string]any{"DiskSize": size}}
		}
		net := map[string]any{}
		if bw, ok := intParam(v, "bandwidth"); ok {
			net["InternetMaxBandwidthOut"] = bw
		}
		if bt := v.Get("bandwidthType"); bt != "" {
			net["InternetChargeType"] = legacyNetCharges[bt]
		}
		if len(net) > 0 {
			m["InternetAccessible"] = net
		}
		if prepaid {
			period, _ := intParam(v, "period")
			m["InstanceChargeType"] = "PREPAID"
			m["InstanceChargePrepaid"] = map[string]any{"Period": period}
		}
		return m, nil
	}
}
