package cvm

import (
	"bytes"
	"context"
	"sort"
	"strconv"
	"strings"

	json2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// ZonesService lists availability zones and regions.
type ZonesService service

// Zone is an availability zone.
type Zone struct {
	// ID is the legacy numeric zone id, such as 100003 (广州三区).
	ID int
	// Name is the zone's name, such as "广州三区".
	Name string
	// Zone is the newer zone name, such as "ap-guangzhou-3", when the API
	// gives it.
	Zone string
	// State is the zone's state, such as "AVAILABLE", when the API gives it.
	State string
	// IDCs are the data centres of the zone.
	IDCs []IDC
}

// IDC is a data centre of a zone.
type IDC struct {
	ID   int
	Name string
}

type zoneJSON struct {
	ZoneID    jsonInt            `json:"zoneId"`
	ZoneName  jsonString         `json:"zoneName"`
	Zone      jsonString         `json:"zone"`
	ZoneState jsonString         `json:"zoneState"`
	IDCList   oneOrMany[idcJSON] `json:"idcList"`
}

type idcJSON struct {
	IDCID   jsonInt    `json:"idcId"`
	IDCName jsonString `json:"idcName"`
}

func (z zoneJSON) zone() Zone {
	out := Zone{ID: int(z.ZoneID), Name: string(z.ZoneName), Zone: string(z.Zone), State: string(z.ZoneState)}
	for _, i := range z.IDCList {
		out.IDCs = append(out.IDCs, IDC{ID: int(i.IDCID), Name: string(i.IDCName)})
	}
	return out
}

type describeZonesResponse struct {
	envelope
	TotalCount jsonInt             `json:"totalCount"`
	ZoneSet    oneOrMany[zoneJSON] `json:"zoneSet"`
}

// List returns the availability zones of the client's region.
//
// It calls the DescribeAvailabilityZones action.
func (s *ZonesService) List(ctx context.Context) ([]Zone, *Response, error) {
	return s.describe(ctx, &zoneQuery{})
}

// zoneQuery is DescribeAvailabilityZones' request: every zone, or one.
type zoneQuery struct {
	ZoneID int `url:"zoneId,omitempty"`
}

// zoneAbilityQuery is DescribeZoneAbility's request.
type zoneAbilityQuery struct {
	ZoneID   int          `url:"zoneId"`
	Capacity List[string] `url:"capacity,omitempty"`
}

// productRegionQuery is DescribeProductRegionList's request.
type productRegionQuery struct {
	Product Product `url:"instanceType"`
}

// Get returns one availability zone of the client's region. It returns an
// error matching [ErrNotFound] when the region has no such zone.
//
// It calls the DescribeAvailabilityZones action with zoneId; the API then
// answers with a single object where it otherwise gives a list.
func (s *ZonesService) Get(ctx context.Context, zoneID int) (*Zone, *Response, error) {
	if zoneID <= 0 {
		return nil, nil, &ArgError{Arg: "zoneID", Reason: "must be positive"}
	}
	zones, resp, err := s.describe(ctx, &zoneQuery{ZoneID: zoneID})
	if err != nil {
		return nil, resp, err
	}
	for i := range zones {
		if zones[i].ID == zoneID {
			return &zones[i], resp, nil
		}
	}
	return nil, resp, &APIError{Action: "DescribeAvailabilityZones", Code: CodeNotFound, Message: "zone " + strconv.Itoa(zoneID) + " not found in region"}
}

func (s *ZonesService) describe(ctx context.Context, q *zoneQuery) ([]Zone, *Response, error) {
	var out describeZonesResponse
	resp, err := s.client.do(ctx, "DescribeAvailabilityZones", q, &out)
	if err != nil {
		return nil, resp, err
	}
	zones := make([]Zone, 0, len(out.ZoneSet))
	for _, z := range out.ZoneSet {
		zones = append(zones, z.zone())
	}
	resp.TotalCount = int(out.TotalCount)
	return zones, resp, nil
}

// Zone capacities that [ZonesService.Abilities] can ask about.
const (
	CapacityCBS = "cbs" // cloud block storage
	CapacityVPC = "vpc" // virtual private cloud
)

// ZoneAbility says whether a zone supports a set of capacities.
type ZoneAbility struct {
	Capacities []string
	Supported  bool
}

type describeZoneAbilityResponse struct {
	envelope
	CapacitySet oneOrMany[struct {
		Capacity    oneOrMany[jsonString] `json:"capacity"`
		IsSupported jsonInt               `json:"isSupported"`
	}] `json:"capacitySet"`
}

// Abilities reports whether a zone supports the given capacities
// ([CapacityCBS], [CapacityVPC]).
//
// It calls the DescribeZoneAbility action.
func (s *ZonesService) Abilities(ctx context.Context, zoneID int, capacities ...string) ([]ZoneAbility, *Response, error) {
	if zoneID <= 0 {
		return nil, nil, &ArgError{Arg: "zoneID", Reason: "must be positive"}
	}
	for _, c := range capacities {
		if c != CapacityCBS && c != CapacityVPC {
			return nil, nil, &ArgError{Arg: "capacities", Reason: strconv.Quote(c) + " is not cbs or vpc"}
		}
	}
	var out describeZoneAbilityResponse
	resp, err := s.client.do(ctx, "DescribeZoneAbility", &zoneAbilityQuery{zoneID, capacities}, &out)
	if err != nil {
		return nil, resp, err
	}
	res := make([]ZoneAbility, 0, len(out.CapacitySet))
	for _, c := range out.CapacitySet {
		a := ZoneAbility{Supported: c.IsSupported == 1}
		for _, s := range c.Capacity {
			a.Capacities = append(a.Capacities, string(s))
		}
		res = append(res, a)
	}
	return res, resp, nil
}

// Product is a product whose regions [ZonesService.ProductRegions] lists.
type Product int

// Products of DescribeProductRegionList.
const (
	ProductCVM          Product = 1
	ProductCDB          Product = 2
	ProductLoadBalancer Product = 3
)

// ProductRegion is a region where a product is sold.
type ProductRegion struct {
	// Code is the region's legacy short code, such as "gz".
	Code string
	// Name is its name, such as "广州".
	Name string
}

type describeProductRegionListResponse struct {
	envelope
	AvailableRegion regionNames `json:"availableRegion"`
}

// regionNames reads the availableRegion map.
type regionNames map[string]string

// UnmarshalJSON reads the whole answer: the documented example spells the
// key "availableRegion " with a trailing space, so the key is matched after
// trimming.
func (r *describeProductRegionListResponse) UnmarshalJSON(b []byte) error {
	if err := json2.Unmarshal(b, &r.envelope, v1); err != nil {
		return err
	}
	var raw map[string]jsontext.Value
	if err := json2.Unmarshal(b, &raw, v1); err != nil {
		return err
	}
	for k, v := range raw {
		if strings.TrimSpace(k) == "availableRegion" && !bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			var m map[string]jsonString
			if err := json2.Unmarshal(v, &m, v1); err != nil {
				return err
			}
			r.AvailableRegion = make(regionNames, len(m))
			for code, name := range m {
				r.AvailableRegion[strings.TrimSpace(code)] = string(name)
			}
		}
	}
	return nil
}

// ProductRegions lists the regions where a product is sold, sorted by code.
//
// It calls the DescribeProductRegionList action.
func (s *ZonesService) ProductRegions(ctx context.Context, product Product) ([]ProductRegion, *Response, error) {
	if product < ProductCVM || product > ProductLoadBalancer {
		return nil, nil, &ArgError{Arg: "product", Reason: "must be ProductCVM, ProductCDB or ProductLoadBalancer"}
	}
	var out describeProductRegionListResponse
	resp, err := s.client.do(ctx, "DescribeProductRegionList", &productRegionQuery{product}, &out)
	if err != nil {
		return nil, resp, err
	}
	res := make([]ProductRegion, 0, len(out.AvailableRegion))
	for code, name := range out.AvailableRegion {
		res = append(res, ProductRegion{Code: code, Name: name})
	}
	sort.Slice(res, func(i, j int) bool { return res[i].Code < res[j].Code })
	return res, resp, nil
}
