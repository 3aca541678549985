package cvm

// The typed services over API 3.0: each legacy action of the table has a
// route, which builds the API 3.0 request from the legacy parameters the
// service encoded and copies the answer into the legacy response type the
// service decodes, so that every method, and its Go types, works the same
// under both contracts (spec/api3 §6 gives each mapping).

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// route3 is how one legacy action goes over API 3.0. A route reads the
// service's own request value, which it type-asserts (a *keyPairCreate,
// say): no legacy encoding of a request is made under API 3.0.
type route3 struct {
	service, action string
	// typed returns the request's members from the request value, for a
	// route of one API 3.0 call (service action).
	typed func(ctx context.Context, c *Client, req any) (map[string]any, error)
	// fillTyped copies the answer into the legacy response; it is given
	// the request value too.
	fillTyped func(ctx context.Context, c *Client, got, out, req any) error
	// runTyped, when set, makes the calls itself: a legacy action that is
	// several API 3.0 calls.
	runTyped func(ctx context.Context, c *Client, req, out any) (*Response, error)
	// newOut returns what the answer is decoded into, which fillTyped
	// copies into the legacy response out (which may be nil).
	newOut func() any
}

// routes3 are the routes by legacy action; api3_routes_*.go add theirs.
var routes3 = map[string]route3{}

func addRoutes3(rs map[string]route3) {
	for a, r := range rs {
		routes3[a] = r
	}
}

// via3 makes a typed service's call over API 3.0. req is the service's
// request value, which the route reads as it is.
func (c *Client) via3(ctx context.Context, action string, req any, out any) (*Response, error) {
	if ctx == nil {
		return nil, &ArgError{Arg: "ctx", Reason: "is nil"}
	}
	r, ok := routes3[action]
	if !ok {
		return nil, &ArgError{Arg: "Config.API", Reason: fmt.Sprintf("%s has no API 3.0 counterpart (spec/api3 §6); call it with Config.API LegacyAPI", action)}
	}
	if r.runTyped != nil {
		return r.runTyped(ctx, c, req, out)
	}
	members, err := r.typed(ctx, c, req)
	if err != nil {
		return nil, err
	}
	if safety3(r.service, r.action) == tokened {
		if _, ok := members["ClientToken"]; !ok {
			// One token for every attempt of this call: a retry after a
			// lost answer makes nothing twice.
			members["ClientToken"] = newClientToken()
		}
	}
	var got any
	if r.newOut != nil {
		got = r.newOut()
	}
	resp, err := c.send3Members(ctx, r.service, r.action, members, got)
	if err != nil {
		return resp, err
	}
	if r.fillTyped != nil {
		if err := r.fillTyped(ctx, c, got, out, req); err != nil {
			return resp, err
		}
	}
	return resp, nil
}

// send3Members makes one API 3.0 call with the given members.
func (c *Client) send3Members(ctx context.Context, service, action string, members map[string]any, out any) (*Response, error) {
	body, err := json.Marshal(members)
	if err != nil {
		return nil, &ArgError{Arg: "params", Reason: err.Error()}
	}
	return c.callModule3(ctx, &call3{service: service, action: action, body: body, noRegion: noRegion3(service)}, out)
}

// page3 puts a listing's page into a Describe's members, as the legacy
// encoding does (offset and limit when not zero).
func page3(members map[string]any, o ListOptions) {
	if o.Offset != 0 {
		members["Offset"] = o.Offset
	}
	if o.Limit != 0 {
		members["Limit"] = o.Limit
	}
}

// add counts another call's attempts into a response of several calls.
func (r *Response) add(o *Response) {
	if o == nil {
		return
	}
	r.HTTPResponse, r.RequestID, r.Attempts = o.HTTPResponse, o.RequestID, r.Attempts+o.Attempts
}

// ---- what API 3.0 calls look up once ----

// api3Caches hold the zones of the client's region (legacy ids and newer
// names) and the instance types each zone offers, fetched once.
type api3Caches struct {
	mu    sync.Mutex
	zones []zone3 // nil until fetched
	types map[string][]instanceType3
}

type zone3 struct {
	id         int
	name, zone string // 广州三区, ap-guangzhou-3
	state      string
}

type instanceType3 struct {
	name     string // S5.MEDIUM4
	family   string
	cpu, mem int
}

func (c *Client) zones3(ctx context.Context) ([]zone3, error) {
	c.caches3.mu.Lock()
	zs := c.caches3.zones
	c.caches3.mu.Unlock()
	if zs != nil {
		return zs, nil
	}
	var out describeZones3
	if _, err := c.callModule3(ctx, &call3{service: "cvm", action: "DescribeZones", body: []byte("{}")}, &out); err != nil {
		return nil, err
	}
	return c.keepZones3(&out), nil
}

type describeZones3 struct {
	Envelope3
	ZoneSet []struct{ Zone, ZoneName, ZoneId, ZoneState string }
}

// keepZones3 keeps the zones of an answer: a region's zones do not change
// while a client runs [inferred].
func (c *Client) keepZones3(out *describeZones3) []zone3 {
	zs := make([]zone3, 0, len(out.ZoneSet))
	for _, z := range out.ZoneSet {
		id, _ := strconv.Atoi(z.ZoneId)
		zs = append(zs, zone3{id: id, name: z.ZoneName, zone: z.Zone, state: z.ZoneState})
	}
	c.caches3.mu.Lock()
	c.caches3.zones = zs
	c.caches3.mu.Unlock()
	return zs
}

// zoneName3 is the newer name of a legacy zone id.
func (c *Client) zoneName3(ctx context.Context, id int) (string, error) {
	zs, err := c.zones3(ctx)
	if err != nil {
		return "", err
	}
	for _, z := range zs {
		if z.id == id {
			return z.zone, nil
		}
	}
	return "", &ArgError{Arg: "ZoneID", Reason: fmt.Sprintf("%d is not a zone of %s", id, c.region.Long)}
}

// zoneOf3 is the legacy zone of a newer zone name (zero when unknown).
func (c *Client) zoneOf3(ctx context.Context, name string) zone3 {
	zs, _ := c.zones3(ctx)
	for _, z := range zs {
		if z.zone == name {
			return z
		}
	}
	return zone3{}
}

// instanceType3For chooses the instance type of a zone with cpu cores and
// mem GB: of family when given ("S5", or the legacy "CVM.S5"), else the
// first the zone offers in its order. The zone's types are fetched once.
func (c *Client) instanceType3For(ctx context.Context, zone, family string, cpu, mem int) (string, error) {
	family = strings.TrimPrefix(family, "CVM.")
	c.caches3.mu.Lock()
	ts, ok := c.caches3.types[zone]
	c.caches3.mu.Unlock()
	if !ok {
		var out struct {
			Envelope3
			InstanceTypeConfigSet []struct {
				InstanceType, InstanceFamily string
				CPU, Memory                  int
			}
		}
		body, _ := json.Marshal(map[string]any{"Filters": []any{map[string]any{"Name": "zone", "Values": []string{zone}}}})
		if _, err := c.callModule3(ctx, &call3{service: "cvm", action: "DescribeInstanceTypeConfigs", body: body}, &out); err != nil {
			return "", err
		}
		for _, t := range out.InstanceTypeConfigSet {
			ts = append(ts, instanceType3{name: t.InstanceType, family: t.InstanceFamily, cpu: t.CPU, mem: t.Memory})
		}
		c.caches3.mu.Lock()
		if c.caches3.types == nil {
			c.caches3.types = map[string][]instanceType3{}
		}
		c.caches3.types[zone] = ts
		c.caches3.mu.Unlock()
	}
	for _, t := range ts {
		if t.cpu == cpu && t.mem == mem && (family == "" || t.family == family) {
			return t.name, nil
		}
	}
	return "", &ArgError{Arg: "CPU", Reason: fmt.Sprintf("zone %s offers no instance type with %d cores and %d GB%s", zone, cpu, mem,
		map[bool]string{true: " in family " + family, false: ""}[family != ""])}
}

// ---- reading the legacy parameters ----

// filter3 is one of Filters.N.
func filter3(name string, values ...string) map[string]any {
	return map[string]any{"Name": name, "Values": values}
}

// describe3 gathers the members of an API 3.0 Describe call from legacy
// parameters: the page, then either the ids asked for or filters, which
// API 3.0 refuses together (§5).
type describe3 struct {
	members map[string]any
	filters []any
}

// ids sets member to the ids, reporting whether there were any; with ids
// the call takes no filters.
func (d *describe3) ids(member string, ids []string) bool {
	if len(ids) == 0 {
		return false
	}
	d.members[member] = ids
	return true
}

// filter adds one of Filters.N.
func (d *describe3) filter(name string, values ...string) {
	d.filters = append(d.filters, filter3(name, values...))
}

// done returns the members, with the filters when there are any.
func (d *describe3) done() (map[string]any, error) {
	if len(d.filters) > 0 {
		d.members["Filters"] = d.filters
	}
	return d.members, nil
}

// ---- the newer shapes into the legacy ones ----

// state3Status is the legacy status of an API 3.0 instance state (sources
// §3's table, read backwards).
var state3Status = map[string]InstanceStatus{
	"PENDING": InstanceCreating, "LAUNCH_FAILED": InstanceCreateFailed, "RUNNING": InstanceRunning,
	"STOPPED": InstanceStopped, "STARTING": InstanceStarting, "STOPPING": InstanceStopping,
	"REBOOTING": InstanceRestarting, "SHUTDOWN": InstanceReturned, "TERMINATING": InstanceReturning,
}

// parseTime3 reads the newer contract's ISO-8601 times.
func parseTime3(s string) jsonTime {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return jsonTime{}
	}
	return jsonTime(t.In(beijing))
}

func asJSONStrings(l []string) []jsonString {
	if l == nil {
		return nil
	}
	out := make([]jsonString, len(l))
	for i, s := range l {
		out[i] = jsonString(s)
	}
	return out
}
