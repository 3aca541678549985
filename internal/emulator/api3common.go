package emulator

// What the API 3.0 actions share: the translation of the shared core's
// errors, the rate limits, the legacy handlers run for a change, filters and
// paging (§5), and the names of zones, instance types and states (§6).

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qcloud-legacy/cvm"
)

// defaultPerSecond is the rate limit of an action whose page states none
// [inferred: the common figure of the CVM overview, §5].
const defaultPerSecond = 20

// charge3 applies the per-action, per-second limits of §5: per SecretId
// (the sub-account) and action, counted on the server's clock.
func (s *Server) charge3(secretID, service, action string, perSecond int) *api3Err {
	if s.opts.QuotasOff {
		return nil
	}
	if perSecond == 0 {
		perSecond = defaultPerSecond
	}
	now := s.clock.Now()
	key := "api3\x00" + secretID + "\x00" + service + "\x00" + action
	s.quotaMu.Lock()
	defer s.quotaMu.Unlock()
	w := s.quota[key]
	if w == nil {
		w = &window{}
		s.quota[key] = w
	}
	if !w.allow(now, time.Second, perSecond) {
		return err3("RequestLimitExceeded", "the request rate of %s is over its limit of %d a second", action, perSecond)
	}
	w.add(now)
	return nil
}

// ---- parameters ----

// listOf reads name.N from a group of values (a member of an object list).
func listOf(v url.Values, name string) []string { return (&p{v: v}).list(name) }

// filter is one of Filters.N: a name and its values.
type filter struct {
	name   string
	values []string
}

// filters3 reads Filters.N.Name / Filters.N.Values.M, refusing names the
// action does not know and more filters or values than it allows (§5).
func filters3(c *call3, known map[string]bool, maxFilters, maxValues int) ([]filter, *api3Err) {
	var out []filter
	for _, g := range c.q.objects("Filters") {
		f := filter{name: g.Get("Name"), values: listOf(g, "Values")}
		if f.name == "" {
			return nil, err3("InvalidFilter", "every filter needs a Name")
		}
		if !known[f.name] && !(known["tag:"] && strings.HasPrefix(f.name, "tag:")) {
			return nil, err3("InvalidFilter", "the filter %q is not supported by %s", f.name, c.action)
		}
		if len(f.values) == 0 {
			return nil, err3("InvalidFilterValue.LimitExceeded", "the filter %q has no Values", f.name)
		}
		if maxValues > 0 && len(f.values) > maxValues {
			return nil, err3("InvalidFilterValue.LimitExceeded", "the filter %q takes at most %d values, got %d", f.name, maxValues, len(f.values))
		}
		out = append(out, f)
	}
	if maxFilters > 0 && len(out) > maxFilters {
		return nil, err3("InvalidParameterValue.LimitExceeded", "at most %d filters are allowed, got %d", maxFilters, len(out))
	}
	return out, nil
}

// has3 tells whether any value of a filter matches.
func (f filter) has(pred func(v string) bool) bool {
	for _, v := range f.values {
		if pred(v) {
			return true
		}
	}
	return false
}

func (f filter) contains(s string) bool { return f.has(func(v string) bool { return v == s }) }

// listSpec says how a Describe action of the newer contract reads its
// arguments (§5): the member naming ids, the filters it knows, how many
// values a filter may hold, and the code for ids given beside filters, which
// each service names its own way. With idRE set, every id must match it, or
// the call fails with malformed (the id's form, such as "ins-xxxxxxxx", in
// the message).
type listSpec struct {
	ids        string
	filters    map[string]bool
	maxValues  int
	coexist    string
	idRE       *regexp.Regexp
	malformed  string
	idTemplate string
}

// listing is what a Describe call asks for: ids or filters, and a page.
type listing struct {
	ids           []string
	filters       []filter
	offset, limit int
}

// list3 reads a Describe call's arguments as spec says, in the order the
// real service checks them: ids, filters, the two together, the ids' form,
// the page (at most 100 a page, at most 10 filters).
func list3(c *call3, spec listSpec) (listing, *api3Err) {
	var l listing
	var err *api3Err
	if l.ids, err = ids3(c, spec.ids, false, 100); err != nil {
		return l, err
	}
	if l.filters, err = filters3(c, spec.filters, 10, spec.maxValues); err != nil {
		return l, err
	}
	if len(l.ids) > 0 && len(l.filters) > 0 {
		return l, err3(spec.coexist, "%s and Filters cannot be given together", spec.ids)
	}
	for _, id := range l.ids {
		if spec.idRE != nil && !spec.idRE.MatchString(id) {
			return l, err3(spec.malformed, "the id %q is malformed: want %s", id, spec.idTemplate)
		}
	}
	l.offset, l.limit, err = page3(c, 100)
	return l, err
}

// wants reports whether the item with this id is listed: one of the ids
// asked for, if any, and matching every filter as match judges them.
func (l listing) wants(id string, match func(f filter) bool) bool {
	if len(l.ids) > 0 && !slices.Contains(l.ids, id) {
		return false
	}
	for _, f := range l.filters {
		if !match(f) {
			return false
		}
	}
	return true
}

// page3 reads Offset and Limit (default 0 and 20, Limit at most 100, §5).
// vpc types them as strings; either spelling parses here.
func page3(c *call3, maxLimit int) (offset, limit int, err *api3Err) {
	offset, limit = 0, 20
	if s := c.q.v.Get("Offset"); s != "" {
		n, e := strconv.Atoi(s)
		if e != nil || n < 0 {
			return 0, 0, err3("InvalidParameterValue", "Offset must be a non-negative integer, got %q", s)
		}
		offset = n
	}
	if s := c.q.v.Get("Limit"); s != "" {
		n, e := strconv.Atoi(s)
		if e != nil {
			return 0, 0, err3("InvalidParameterValue", "Limit must be an integer, got %q", s)
		}
		if n < 1 || n > maxLimit {
			return 0, 0, err3("InvalidParameterValue.LimitExceeded", "Limit must be 1 to %d, got %q", maxLimit, s)
		}
		limit = n
	}
	return offset, limit, nil
}

// ids3 reads name.N: at most max distinct, non-empty ids.
func ids3(c *call3, name string, required bool, max int) ([]string, *api3Err) {
	l := c.q.list(name)
	if required && len(l) == 0 {
		return nil, err3("MissingParameter", "the parameter %s is required", name)
	}
	if max > 0 && len(l) > max {
		return nil, err3("InvalidParameterValue.LimitExceeded", "%s takes at most %d ids, got %d", name, max, len(l))
	}
	seen := map[string]bool{}
	var out []string
	for _, id := range l {
		if id == "" {
			return nil, err3("InvalidParameterValue", "%s has an empty id", name)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// str3 reads a string parameter; a required one must be present and not
// empty.
func str3(c *call3, name string, required bool) (string, *api3Err) {
	v := c.q.v.Get(name)
	if required && v == "" {
		return "", err3("MissingParameter", "the parameter %s is required", name)
	}
	return v, nil
}

// int3 reads an integer parameter within [lo, hi]; def when absent.
func int3(c *call3, name string, required bool, def, lo, hi int) (int, *api3Err) {
	v := c.q.v.Get(name)
	if v == "" {
		if required {
			return 0, err3("MissingParameter", "the parameter %s is required", name)
		}
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, err3("InvalidParameterValue", "%s must be an integer, got %q", name, v)
	}
	if n < lo || n > hi {
		return 0, err3("InvalidParameterValue.Range", "%s must be %d to %d, got %d", name, lo, hi, n)
	}
	return n, nil
}

// bool3 reads a boolean parameter ("true"/"false", as JSON booleans
// flatten; "TRUE"/"FALSE" too, as some members are typed).
func bool3(c *call3, name string) (val, set bool, err *api3Err) {
	v := c.q.v.Get(name)
	if v == "" {
		return false, false, nil
	}
	switch strings.ToLower(v) {
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	}
	return false, false, err3("InvalidParameterValue", "%s must be true or false, got %q", name, v)
}

// oneOf3 checks a string parameter against its allowed values.
func oneOf3(c *call3, name, def string, allowed ...string) (string, *api3Err) {
	v := c.q.v.Get(name)
	if v == "" {
		return def, nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", err3("InvalidParameterValue", "%s must be one of %s, got %q", name, strings.Join(allowed, ", "), v)
}

// ---- names of the newer contract ----

// time3 is the newer contract's time: ISO-8601 in UTC (§6 row 1).
func time3(t time.Time) string {
	if t.IsZero() {
		return "" // a string member is never null (the models' readers dereference them)
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// longRegion is the newer name of a region ("gz" → "ap-guangzhou").
func longRegion(code string) string {
	if r, ok := cvm.LookupRegion(code); ok {
		return r.Long
	}
	return code
}

// zoneName3 is a zone's newer name: its region's name and the number of
// the zone in it (100003 → ap-guangzhou-3, as §6 row 50 documents for
// Guangzhou; the rule is [inferred] for the other regions).
func zoneName3(region string, z zone) string {
	return longRegion(region) + "-" + strconv.Itoa(z.id%1000)
}

// zoneByName3 finds a zone of a region by its newer name.
func (rg *region) zoneByName3(name string) (zone, bool) {
	for _, z := range rg.zones {
		if zoneName3(rg.code, z) == name {
			return z, true
		}
	}
	return zone{}, false
}

// Instance types (§6 rows 2, 12, 51): the standard families, each in the
// sizes of the shared core's shapes, named family.SIZE + memory in GB:
// S5.SMALL2 is 1 core and 2 GB, S5.MEDIUM4 2 cores and 4 GB, S5.LARGE8 4
// and 8. The families and the sizes' names are those of the real
// catalogue; which families a zone sells is [inferred]: all of them.
var (
	typeFamilies = []string{"S1", "S2", "S3", "S5", "SA2"}
	sizeNames    = map[int]string{1: "SMALL", 2: "MEDIUM", 4: "LARGE", 8: "2XLARGE", 12: "3XLARGE", 16: "4XLARGE", 24: "6XLARGE", 32: "8XLARGE"}
	sizeCores    = map[string]int{}
)

func init() {
	for cores, name := range sizeNames {
		sizeCores[name] = cores
	}
}

// instanceTypeName names an instance's type; a legacy type ("CVM.S2")
// gives its family.
func instanceTypeName(family string, cpu, mem int) string {
	family = strings.TrimPrefix(family, "CVM.")
	if family == "" {
		family = "S1"
	}
	size, ok := sizeNames[cpu]
	if !ok {
		return fmt.Sprintf("%s.CUSTOM%dC%d", family, cpu, mem)
	}
	return family + "." + size + strconv.Itoa(mem)
}

// parseInstanceType reads family.SIZE<mem> into cores and memory.
func parseInstanceType(t string) (family string, cpu, mem int, ok bool) {
	family, rest, found := strings.Cut(t, ".")
	if !found {
		return "", 0, 0, false
	}
	known := false
	for _, f := range typeFamilies {
		known = known || f == family
	}
	if !known {
		return "", 0, 0, false
	}
	i := strings.IndexAny(rest, "0123456789")
	if i <= 0 {
		return "", 0, 0, false
	}
	cpu, ok = sizeCores[rest[:i]]
	m, err := strconv.Atoi(rest[i:])
	if !ok || err != nil || checkShape(cpu, m) != nil {
		return "", 0, 0, false
	}
	return family, cpu, m, true
}

// instanceState3 is the newer contract's state of a legacy status (§6,
// sources §3): the statuses of an operation in progress (password reset,
// bandwidth, reinstall, upgrade) have no state there, so the instance
// shows RUNNING or STOPPED, and LatestOperationState OPERATING tells.
func instanceState3(in *instance) string {
	switch in.status {
	case stRunning:
		return "RUNNING"
	case stCreating:
		return "PENDING"
	case stStopped:
		return "STOPPED"
	case stReturning, stReturned, stGone:
		return "TERMINATING"
	case stRestarting:
		return "REBOOTING"
	case stStarting:
		return "STARTING"
	case stStopping:
		return "STOPPING"
	case stFault:
		return "LAUNCH_FAILED"
	}
	if in.next == stStopped {
		return "STOPPED"
	}
	return "RUNNING"
}

// operations3 names, for each legacy transitional status, the newer
// contract's LatestOperation.
var operations3 = map[int]string{
	stCreating: "RunInstances", stStarting: "StartInstances", stStopping: "StopInstances",
	stRestarting: "RebootInstances", stReturning: "TerminateInstances", stResettingPw: "ResetInstancesPassword",
	stBandwidth: "ResetInstancesInternetMaxBandwidth", stReinstall: "ResetInstance", stUpgrading: "ResetInstancesType",
}
