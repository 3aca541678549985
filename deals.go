package cvm

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// DealsService follows orders (module trade): the dealIds of prepaid
// purchases, resizes, bandwidth changes and renewals.
type DealsService service

// DealStatus is an order's state.
type DealStatus int

// Documented order statuses.
const (
	DealUnpaid           DealStatus = 1
	DealPaid             DealStatus = 2
	DealShipping         DealStatus = 3
	DealDelivered        DealStatus = 4
	DealDeliveryFailed   DealStatus = 5
	DealRefunded         DealStatus = 6
	DealClosed           DealStatus = 7
	DealExpired          DealStatus = 8
	DealInvalid          DealStatus = 9
	DealProductInvalid   DealStatus = 10
	DealPaymentRefused   DealStatus = 11
	DealPaymentInProcess DealStatus = 12
)

// dealStatusNames are the documented names, by code.
var dealStatusNames = map[DealStatus]string{
	DealUnpaid: "unpaid", DealPaid: "paid", DealShipping: "shipping", DealDelivered: "delivered",
	DealDeliveryFailed: "delivery-failed", DealRefunded: "refunded", DealClosed: "closed", DealExpired: "expired",
	DealInvalid: "invalid", DealProductInvalid: "product-invalid", DealPaymentRefused: "payment-refused",
	DealPaymentInProcess: "paying",
}

// String names the status.
func (s DealStatus) String() string { return enumName(dealStatusNames, s, "status") }

// Settled reports whether the order will not change by itself any more:
// delivered, or failed, refunded, closed or expired one way or another.
// Unpaid orders wait for [DealsService.Pay].
func (s DealStatus) Settled() bool {
	return s == DealDelivered || s >= DealDeliveryFailed && s <= DealPaymentRefused
}

// Deal is an order, as DescribeDeals reports it.
type Deal struct {
	ID string
	// Name is the long id support asks for.
	Name string
	// Product: 1 CVM, 2 CDB, 3 load balancer, 4 CVM upgrade, 5 bandwidth
	// upgrade, 6 VPN.
	Product int
	Region  string
	Status  DealStatus
	// Price, in fen [inferred from the other prepaid prices].
	Price       Fen
	Count       int
	InstanceIDs []string
	Created     time.Time
	// Details is the order's goodsDetail, as sent.
	Details map[string]any
}

type dealJSON struct {
	DealID       jsonString     `json:"dealId"`
	DealName     jsonString     `json:"dealName"`
	InstanceType jsonInt        `json:"instanceType"`
	Region       jsonString     `json:"region"`
	GoodsNum     jsonInt        `json:"goodsNum"`
	CreatTime    jsonTime       `json:"creatTime"` // the API's spelling
	Status       jsonInt        `json:"status"`
	Price        jsonInt        `json:"price"`
	GoodsDetail  map[string]any `json:"goodsDetail"`
}

type describeDealsResponse struct {
	envelope
	TotalNum    jsonInt    `json:"totalNum"`
	DealDetails []dealJSON `json:"dealDetails"`
}

func (j *dealJSON) deal() Deal {
	d := Deal{ID: string(j.DealID), Name: string(j.DealName), Product: int(j.InstanceType), Region: string(j.Region),
		Status: DealStatus(j.Status), Price: Fen(j.Price), Count: int(j.GoodsNum), Created: time.Time(j.CreatTime),
		Details: j.GoodsDetail}
	if ids, ok := j.GoodsDetail["unInstanceId"].([]any); ok {
		for _, id := range ids {
			if s, ok := id.(string); ok {
				d.InstanceIDs = append(d.InstanceIDs, s)
			}
		}
	}
	return d
}

// DealListOptions filters DescribeDeals.
type DealListOptions struct {
	// Offset and Limit page through the orders; Limit is at most 50.
	Offset int `url:"offset,omitempty"`
	Limit  int `url:"limit,omitempty"`
	// IDs keeps these orders.
	IDs List[string] `url:"dealIds,omitempty"`
	// From and To bound when the orders were made (Beijing time).
	From time.Time `url:"-"`
	To   time.Time `url:"-"`
}

// List returns orders, and their total in Response.TotalCount.
//
// It calls the DescribeDeals action (module trade).
func (s *DealsService) List(ctx context.Context, opts *DealListOptions) ([]Deal, *Response, error) {
	o := orZero(opts)
	if o.Limit < 0 || o.Limit > maxDealPage || o.Offset < 0 {
		return nil, nil, &ArgError{Arg: "opts", Reason: "Limit must be 0 to 50 and Offset not negative"}
	}
	p := &dealsPage{DealListOptions: &o}
	if !o.From.IsZero() {
		p.Start = o.From.In(beijing).Format(apiTimeLayout)
	}
	if !o.To.IsZero() {
		p.End = o.To.In(beijing).Format(apiTimeLayout)
	}
	var out describeDealsResponse
	resp, err := s.client.do(ctx, "DescribeDeals", p, &out)
	if err != nil {
		return nil, resp, err
	}
	deals := make([]Deal, len(out.DealDetails))
	for i := range out.DealDetails {
		deals[i] = out.DealDetails[i].deal()
	}
	resp.TotalCount = int(out.TotalNum)
	return deals, resp, nil
}

// maxDealPage is the largest page of DescribeDeals.
const maxDealPage = 50

// All iterates over every order opts selects, fetching pages of
// opts.Limit (50 when 0) from opts.Offset on as the loop needs them; it
// yields one error and stops on the first failure.
//
// It calls the DescribeDeals action (module trade) once a page.
func (s *DealsService) All(ctx context.Context, opts *DealListOptions) iter.Seq2[Deal, error] {
	o := orZero(opts)
	if o.Limit == 0 {
		o.Limit = maxDealPage
	}
	fetch := func(ctx context.Context, off, lim int) (page[Deal], error) {
		c := o
		c.Offset, c.Limit = off, lim
		deals, resp, err := s.List(ctx, &c)
		if err != nil {
			return page[Deal]{}, err
		}
		return page[Deal]{deals, resp.TotalCount}, nil
	}
	return walk(ctx, o.Offset, o.Limit, func(d Deal) string { return d.ID }, fetch)
}

// Get returns one order; an error matching [ErrNotFound] when there is none.
//
// It calls the DescribeDeals action.
func (s *DealsService) Get(ctx context.Context, id string) (*Deal, *Response, error) {
	if err := checkID("id", id); err != nil {
		return nil, nil, err
	}
	list, resp, err := s.List(ctx, &DealListOptions{IDs: []string{id}})
	if err != nil {
		return nil, resp, err
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], resp, nil
		}
	}
	return nil, resp, &APIError{Action: "DescribeDeals", Code: CodeNotFound, Message: "deal " + id + " not found"}
}

// DealQuery asks DescribeDealsByCond for the orders of a time span in one
// status.
type DealQuery struct {
	From, To time.Time
	// Status is the status to list; 0 means DealDelivered (the API's
	// default).
	Status DealStatus
	// Page counts from 0; PageSize defaults to 20.
	Page, PageSize int
	// DealID keeps one order.
	DealID int64
}

// DealSummary is an order as DescribeDealsByCond reports it.
type DealSummary struct {
	ID, Name string
	// Category is the goodsCategoryId: for CVM 1 (new), 15 (renewal),
	// 16 (bandwidth), 21 (upgrade), and the 1000xx codes of newer pages.
	Category  int
	ProjectID int
	// Cost, in fen.
	Cost    Fen
	Created time.Time
	Details map[string]any
}

type dealsByCondResponse struct {
	envelope
	Data struct {
		TotalNum jsonInt `json:"totalNum"`
		Deals    []struct {
			DealID          jsonString     `json:"dealId"`
			DealName        jsonString     `json:"dealName"`
			GoodsCategoryID jsonInt        `json:"goodsCategoryId"`
			ProjectID       jsonInt        `json:"projectId"`
			RealTotalCost   jsonInt        `json:"realTotalCost"`
			CreatTime       jsonTime       `json:"creatTime"`
			GoodsDetail     map[string]any `json:"goodsDetail"`
		} `json:"deals"`
	} `json:"data"`
}

// Query lists the orders of a time span, and their total in
// Response.TotalCount.
//
// It calls the DescribeDealsByCond action (module trade).
func (s *DealsService) Query(ctx context.Context, q DealQuery) ([]DealSummary, *Response, error) {
	if q.From.IsZero() || q.To.IsZero() || q.To.Before(q.From) {
		return nil, nil, &ArgError{Arg: "q", Reason: "From and To are required, From first"}
	}
	in := &dealsByCond{Start: q.From.In(beijing).Format(apiTimeLayout), End: q.To.In(beijing).Format(apiTimeLayout),
		Status: int(q.Status), Page: max(q.Page, 0), PageSize: max(q.PageSize, 0), DealID: max(q.DealID, 0)}
	var out dealsByCondResponse
	resp, err := s.client.do(ctx, "DescribeDealsByCond", in, &out)
	if err != nil {
		return nil, resp, err
	}
	res := make([]DealSummary, len(out.Data.Deals))
	for i, d := range out.Data.Deals {
		res[i] = DealSummary{ID: string(d.DealID), Name: string(d.DealName), Category: int(d.GoodsCategoryID),
			ProjectID: int(d.ProjectID), Cost: Fen(d.RealTotalCost), Created: time.Time(d.CreatTime), Details: d.GoodsDetail}
	}
	resp.TotalCount = int(out.Data.TotalNum)
	return res, resp, nil
}

// PayResult says which orders were paid.
type PayResult struct {
	Paid, Failed []int64
}

type payDealsResponse struct {
	envelope
	Succ oneOrMany[jsonInt] `json:"succDealIds"`
	Fail oneOrMany[jsonInt] `json:"failDealIds"`
}

// Pay pays orders left unpaid, from the account's balance. Orders bought
// together must be paid together (module error 100193).
//
// It calls the PayDeals action (module trade).
func (s *DealsService) Pay(ctx context.Context, ids ...string) (*PayResult, *Response, error) {
	if err := checkIDs("ids", ids); err != nil {
		return nil, nil, err
	}
	var out payDealsResponse
	resp, err := s.client.do(ctx, "PayDeals", &dealRefs{ids}, &out)
	if err != nil {
		return nil, resp, err
	}
	res := &PayResult{}
	for _, n := range out.Succ {
		res.Paid = append(res.Paid, int64(n))
	}
	for _, n := range out.Fail {
		res.Failed = append(res.Failed, int64(n))
	}
	return res, resp, nil
}

// WaitSettled waits until every order is settled (delivered, or failed for
// good), polling DescribeDeals as [InstancesService.WaitStatus] does, and
// returns them. An unpaid order stops the wait with a [*WaitError] naming
// it, since it will not move until paid.
func (s *DealsService) WaitSettled(ctx context.Context, ids ...string) ([]Deal, error) {
	if err := checkIDs("ids", ids); err != nil {
		return nil, err
	}
	var deals []Deal
	var unpaid []string
	err := s.client.poll(ctx, "DescribeDeals", "deals settled", func(ctx context.Context) (bool, map[string]string, error) {
		list, _, err := s.List(ctx, &DealListOptions{IDs: ids, Limit: min(50, max(len(ids), 1))})
		if err != nil {
			return false, nil, err
		}
		last := map[string]string{}
		byID := map[string]Deal{}
		for _, d := range list {
			byID[d.ID] = d
		}
		unpaid = unpaid[:0]
		for _, id := range ids {
			d, ok := byID[id]
			switch {
			case !ok:
				last[id] = "unknown"
			case d.Status == DealUnpaid:
				unpaid = append(unpaid, id)
			case !d.Status.Settled():
				last[id] = d.Status.String()
			}
		}
		deals = list
		return len(last) == 0, last, nil
	})
	if err == nil && len(unpaid) > 0 {
		last := map[string]string{}
		for _, id := range unpaid {
			last[id] = DealUnpaid.String()
		}
		return deals, &WaitError{Action: "DescribeDeals", Want: "deals settled", Last: last, Err: fmt.Errorf("cvm: %d unpaid order(s); pay them with Deals.Pay", len(unpaid))}
	}
	return deals, err
}

// The order actions' requests of their own: their url tags put them on the
// legacy wire; the API 3.0 routes read them as they are.
type (
	dealsPage struct {
		*DealListOptions
		Start string `url:"startTime,omitempty"`
		End   string `url:"endTime,omitempty"`
	}
	dealsByCond struct {
		Start    string `url:"startTime"`
		End      string `url:"endTime"`
		Status   int    `url:"status,omitempty"`
		Page     int    `url:"page,omitempty"`
		PageSize int    `url:"pageSize,omitempty"`
		DealID   int64  `url:"dealId,omitempty"`
	}
	dealRefs struct {
		IDs List[string] `url:"dealIds"`
	}
)
