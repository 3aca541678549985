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
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// route3 is how one legacy action goes over API 3.0.
type route3 struct {
	service, action string
	// typed returns the request's members from the service's own request
	// value, which it type-asserts (a *keyPairCreate, say): no legacy
	// encoding of it is made. Routes not yet moved to it have build.
	typed func(ctx context.Context, c *Client, req any) (map[string]any, error)
	// fillTyped is fill for a typed route: it is given the request value.
	fillTyped func(ctx context.Context, c *Client, got, out, req any) error
	// runTyped is run for a typed request.
	runTyped func(ctx context.Context, c *Client, req, out any) (*Response, error)
	// build returns the request's members from the legacy parameters.
	build func(ctx context.Context, c *Client, v url.Values) (map[string]any, error)
	// newOut returns what the answer is decoded into; fill copies it into
	// the legacy response out (which may be nil).
	newOut func() any
	fill   func(ctx context.Context, c *Client, got, out any, v url.Values) error
	// run, when set, makes the call itself: a legacy action that is
	// several API 3.0 calls.
	run func(ctx context.Context, c *Client, v url.Values, out any) (*Response, error)
}

// routes3 are the routes by legacy action; api3_routes_*.go add theirs.
var routes3 = map[string]route3{}

func addRoutes3(rs map[string]route3) {
	for a, r := range rs {
		routes3[a] = r
	}
}

// via3 makes a typed service's call over API 3.0. req is the service's
// request value: a typed route reads it as it is; the others read its
// legacy encoding (url.Values as they are).
func (c *Client) via3(ctx context.Context, action string, req any, out any) (*Response, error) {
	if ctx == nil {
		return nil, &ArgError{Arg: "ctx", Reason: "is nil"}
	}
	r, ok := routes3[action]
	if !ok {
		return nil, &ArgError{Arg: "Config.API", Reason: fmt.Sprintf("%s has no API 3.0 counterpart (spec/api3 §6); call it with Config.API LegacyAPI", action)}
	}
	var v url.Values
	var members map[string]any
	var err error
	if r.runTyped != nil {
		return r.runTyped(ctx, c, req, out)
	}
	if r.typed != nil {
		members, err = r.typed(ctx, c, req)
	} else {
		if v, err = encodeParams(req); err != nil {
			return nil, err
		}
		if r.run != nil {
			return r.run(ctx, c, v, out)
		}
		members, err = r.build(ctx, c, v)
	}
	if err != nil {
		return nil, err
	}
	if safety3(r.service, r.action) == tokened {
		if _, ok := members["ClientToken"]; !ok {
			tok := v.Get("clientToken")
			if tok == "" {
				tok = newClientToken()
			}
			members["ClientToken"] = tok
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
	switch {
	case r.fillTyped != nil:
		if err := r.fillTyped(ctx, c, got, out, req); err != nil {
			return resp, err
		}
	case r.fill != nil:
		if err := r.fill(ctx, c, got, out, v); err != nil {
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

// listParam returns name.N in index order.
func listParam(v url.Values, name string) []string {
	type kv struct {
		i int
		s string
	}
	var l []kv
	for k, vs := range v {
		rest, ok := strings.CutPrefix(k, name+".")
		if !ok {
			continue
		}
		if i, err := strconv.Atoi(rest); err == nil {
			l = append(l, kv{i, vs[0]})
		}
	}
	sort.Slice(l, func(a, b int) bool { return l[a].i < l[b].i })
	out := make([]string, len(l))
	for i, e := range l {
		out[i] = e.s
	}
	return out
}

func intParam(v url.Values, name string) (int, bool) {
	s := v.Get(name)
	if s == "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// setIf sets a member when the legacy parameter is present.
func setIf(m map[string]any, member string, v url.Values, name string) {
	if s := v.Get(name); s != "" {
		m[member] = s
	}
}

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

// newDescribe3 starts the members with the legacy offset (read from
// offsetName, none when it is "") and limit, as strings where the action
// types them so (vpc's DescribeSecurityGroups, §5).
func newDescribe3(v url.Values, offsetName string, asStrings bool) *describe3 {
	d := &describe3{members: map[string]any{}}
	page := func(member, name string) {
		if n, ok := intParam(v, name); ok {
			if asStrings {
				d.members[member] = strconv.Itoa(n)
			} else {
				d.members[member] = n
			}
		}
	}
	if offsetName != "" {
		page("Offset", offsetName)
	}
	page("Limit", "limit")
	return d
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

// filterIf adds a filter of one value when the legacy parameter is present.
func (d *describe3) filterIf(name string, v url.Values, legacy string) {
	if s := v.Get(legacy); s != "" {
		d.filter(name, s)
	}
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
