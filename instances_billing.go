package cvm

import (
	"context"
	"fmt"
	"time"
)

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
// orders placed; under [API3], which names no order, none.
//
// It calls the ResizeInstance action.
func (s *InstancesService) Resize(ctx context.Context, req *InstanceResizeRequest) ([]string, *Response, error) {
	if err := req.validate(); err != nil {
		return nil, nil, err
	}
	var out dealsResponse
	resp, err := s.client.do(ctx, "ResizeInstance", req, &out)
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
	return s.client.do(ctx, "ResizeInstanceHour", req, &batchResponse{})
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
// placed (none for traffic-billed instances, and none under [API3], which
// names no order).
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
	r := &instanceBandwidth{ID: req.InstanceID, Mbps: req.BandwidthMbps,
		Start: req.Start.In(beijing).Format("2006-01-02"), End: req.End.In(beijing).Format("2006-01-02")}
	var out dealsResponse
	resp, err := s.one(ctx, "UpdateInstanceBandwidth", req.InstanceID, r, &out)
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
	return s.one(ctx, "UpdateInstanceBandwidthHour", id, &instanceBandwidth{ID: id, Mbps: mbps}, nil)
}

// Renew extends a prepaid instance by 1 to 36 months and returns the order;
// "" under [API3], which names no order.
//
// It calls the RenewInstance action.
func (s *InstancesService) Renew(ctx context.Context, id string, months int) (string, *Response, error) {
	if months < 1 || months > 36 {
		return "", nil, &ArgError{Arg: "months", Reason: fmt.Sprintf("must be 1 to 36, got %d", months)}
	}
	var out dealsResponse
	resp, err := s.one(ctx, "RenewInstance", id, &instanceRenewal{ID: id, Months: months}, &out)
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

// prepaidPriceIn is InquiryInstancePrice's request: a prepaid price asks
// instanceType 1.
type prepaidPriceIn struct {
	*InstancePriceRequest
	Type int `url:"instanceType"`
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
	var out priceResponse
	resp, err := s.client.do(ctx, "InquiryInstancePrice", &prepaidPriceIn{req, 1}, &out)
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
	resp, err := s.client.do(ctx, "InquiryInstancePriceHour", req, &out)
	if err != nil {
		return nil, resp, err
	}
	d := out.Data
	return &HourlyPrice{
		Instance:  Yuan{float64(d.CVM.Price), string(d.CVM.Unit)},
		Bandwidth: Yuan{float64(d.Bandwidth.Price), string(d.Bandwidth.Unit)},
	}, resp, nil
}
