package emulator

// API 3.0 (spec/api3/api3-cvm.md): the newer contract, served at "/" beside
// the legacy one at /v2/index.php, over the same state. An instance, EIP,
// group or key pair made through either contract is seen through both with
// the same id. This file routes a request, reads its common parameters and
// writes the envelope (§1, §2, §4); api3auth.go verifies it (§3); the
// api3_*.go files serve the actions (§6).

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/qcloud-legacy/cvm"
)

// API3Path is where API 3.0 is served (§1: "Path is always /").
const API3Path = "/"

// Request size limits of §1: GET at most 32 KB, POST form (signature v1)
// 1 MB. A POST of JSON (TC3) may be 10 MB at the real service; the
// emulator caps every body at maxBody (8 MiB), as SECURITY.md documents, so
// that one bound holds for both contracts. No CVM action takes a body near
// either figure (user data, the largest member, is at most 16 KB).
const (
	api3MaxQuery = 32 << 10
	api3MaxForm  = 1 << 20
	api3MaxJSON  = maxBody
)

// api3Err is an API 3.0 error answer: a dotted code and a message.
type api3Err struct {
	code, message string
	status        int // HTTP status of an injected fault; 0 means 200
}

func (e *api3Err) Error() string { return e.code + ": " + e.message }

func err3(code, format string, args ...any) *api3Err {
	return &api3Err{code: code, message: fmt.Sprintf(format, args...)}
}

// call3 is one authenticated API 3.0 call.
type call3 struct {
	service, action, version string
	regionName               string  // X-TC-Region as sent
	rg                       *region // nil for account-wide actions
	secretID                 string
	q                        *p // the action's parameters, flattened
	now                      time.Time
}

// handler3 serves one API 3.0 action of one service.
type handler3 struct {
	fn func(s *Server, c *call3) (map[string]any, *api3Err)
	// reads: the action changes nothing.
	reads bool
	// noRegion: the action is account-wide; X-TC-Region may be left out.
	noRegion bool
	// perSecond is the action's documented rate limit (§5); 0 means
	// defaultPerSecond.
	perSecond int
}

// api3Versions are the services the emulator serves and their versions
// (§1).
var api3Versions = map[string]string{
	"cvm": "2017-03-12", "vpc": "2017-03-12", "billing": "2018-07-09", "tag": "2018-08-13", "region": "2022-06-27",
	"api": "2020-11-06", "cbs": "2017-03-12",
}

// api3Handlers maps service → action → handler.
var api3Handlers = map[string]map[string]handler3{}

func register3(service string, hs map[string]handler3) {
	if api3Handlers[service] == nil {
		api3Handlers[service] = map[string]handler3{}
	}
	for name, h := range hs {
		api3Handlers[service][name] = h
	}
}

// API3Actions returns the API 3.0 actions the emulator serves, as
// "service Action", sorted.
func API3Actions() []string {
	var out []string
	for svc, hs := range api3Handlers {
		for a := range hs {
			out = append(out, svc+" "+a)
		}
	}
	sort.Strings(out)
	return out
}

// serveAPI3 answers one API 3.0 request.
func (s *Server) serveAPI3(w http.ResponseWriter, r *http.Request) {
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	start := time.Now()
	lg := &logged{requestID: s.newRequestID()}
	c, out, aerr, done := s.handle3(w, r, lg)
	if done {
		return
	}
	resp := map[string]any{}
	for k, v := range out {
		resp[k] = v
	}
	status := http.StatusOK
	code := ""
	if aerr != nil {
		resp = map[string]any{"Error": map[string]any{"Code": aerr.code, "Message": aerr.message}}
		code = aerr.code
		if aerr.status != 0 {
			status = aerr.status
		}
	}
	resp["RequestId"] = lg.requestID
	b, err := json.Marshal(map[string]any{"Response": resp})
	if err != nil {
		b, _ = json.Marshal(map[string]any{"Response": map[string]any{
			"Error":     map[string]any{"Code": "InternalError", "Message": "encoding the answer: " + err.Error()},
			"RequestId": lg.requestID}})
	}
	// Exactly application/json: the Python SDK reads Response.Error only
	// then (§4).
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("X-Request-Id", lg.requestID)
	if trace := r.Header.Get("X-TC-TraceId"); trace != "" && len(trace) <= 64 {
		// Echoed, as the Node SDK reads it back into its errors.
		w.Header().Set("X-TC-TraceId", trace)
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
	s.record3(r, lg, c, status, code)
	if s.log != nil {
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "contract", "api3", "action", c.action,
			"region", c.regionName, "code", code, "status", status, "requestId", lg.requestID,
			"duration", time.Since(start).Round(time.Microsecond))
	}
}

// record3 adds an API 3.0 call to the request log, its action's name
// prefixed with the service ("vpc AllocateAddresses") only when that is
// not cvm, so that filters on the legacy names keep meaning the same.
func (s *Server) record3(r *http.Request, lg *logged, c *call3, status int, code string) {
	n := 0
	if code != "" {
		n = legacyCodeOf(code)
	}
	action := c.action
	if c.service != "" && c.service != "cvm" {
		action = c.service + " " + c.action
	}
	s.record(r, lg, action, c.regionName, status, n)
}

// legacyCodeOf is a nonzero number for an API 3.0 error, so that the
// request log, whose Code is the legacy number, tells failures apart.
func legacyCodeOf(code string) int {
	switch {
	case strings.HasPrefix(code, "AuthFailure"):
		return 4100
	case strings.HasPrefix(code, "RequestLimitExceeded"):
		return 4400
	case strings.HasPrefix(code, "InternalError"):
		return 6000
	case strings.HasSuffix(code, ".NotFound"), code == "ResourceNotFound":
		return 5000
	case strings.HasPrefix(code, "Invalid"), strings.HasPrefix(code, "MissingParameter"), strings.HasPrefix(code, "UnknownParameter"):
		return 4000
	}
	return 5100
}

// handle3 authenticates and serves a request. done means the answer was
// written or dropped already (a fault).
func (s *Server) handle3(w http.ResponseWriter, r *http.Request, lg *logged) (c *call3, out map[string]any, aerr *api3Err, done bool) {
	c = &call3{}
	in, perr := readAPI3(r)
	if perr != nil {
		return c, nil, perr, false
	}
	c.action, c.version, c.regionName = in.action, in.version, in.region
	var secretID string
	if in.v1 {
		secretID, aerr = s.verifyV1(r, in)
	} else {
		secretID, aerr = s.verifyTC3(r, in)
	}
	if aerr != nil {
		return c, nil, aerr, false
	}
	// The JSON body is parsed only now: an unauthenticated caller costs
	// the body's bytes and its hash, never a parse of it.
	if aerr = in.parseJSON(); aerr != nil {
		return c, nil, aerr, false
	}
	lg.params = in.params
	c.secretID = secretID
	if c.action == "" {
		return c, nil, err3("MissingParameter", "the request has no action: X-TC-Action (or Action) is required"), false
	}
	svc, h, aerr := route3(in.scopeService, r.Host, c.action, c.version)
	if aerr != nil {
		return c, nil, aerr, false
	}
	c.service = svc
	if err := s.charge3(secretID, svc, c.action, h.perSecond); err != nil {
		return c, nil, err, false
	}
	shapes := in.shapes
	if shapes == nil {
		shapes = shapes3(in.params)
	}
	if err := checkMembers3(svc, c.action, shapes); err != nil {
		return c, nil, err, false
	}
	short := ""
	if !h.noRegion || c.regionName != "" {
		if c.regionName == "" {
			return c, nil, err3("MissingParameter", "the action %s needs a region: X-TC-Region (or Region) is required", c.action), false
		}
		reg, ok := cvm.LookupRegion(c.regionName)
		if !ok || reg.Long != c.regionName {
			return c, nil, err3("UnsupportedRegion", "the region %q is not supported; API 3.0 names regions like ap-guangzhou", c.regionName), false
		}
		short = reg.Short
	}
	c.q = &p{v: in.params}
	x := &lg.x
	*x = exchange{op: api3Operation(svc, c.action), params: in.params, region: short, reads: h.reads,
		requestID: lg.requestID, h3: h, c: c}
	lg.op = x.op
	o, f, ferr := s.pass(w, r, x)
	out, aerr = x.out3, x.aerr3
	switch o {
	case answered:
		s.record3(r, lg, c, f.HTTPStatus, "")
		return c, nil, nil, true
	case refused:
		e := fromLegacy(ferr)
		e.status = ferr.status
		return c, nil, e, false
	case dropped:
		s.record3(r, lg, c, 0, "")
		return c, nil, nil, true
	}
	return c, out, aerr, false
}

// route3 finds the service and handler of an action. The credential
// scope's service names it when it is one the emulator serves; Node's SDK
// puts the endpoint's first label there (127 for 127.0.0.1:PORT, §1.5), and
// then the Host's first label, and failing that the action and version,
// decide: cvm, vpc, billing and tag share no action name, and DescribeRegions,
// in cvm and region, differs by version.
func route3(scopeService, host, action, version string) (string, handler3, *api3Err) {
	pick := func(svc string) (string, handler3, *api3Err) {
		h, ok := api3Handlers[svc][action]
		if !ok {
			return "", handler3{}, err3("InvalidAction", "the action %s is not found in service %s", action, svc)
		}
		if version != api3Versions[svc] {
			return "", handler3{}, err3("NoSuchVersion", "the version %q of service %s does not exist; it is %s", version, svc, api3Versions[svc])
		}
		return svc, h, nil
	}
	if _, ok := api3Versions[scopeService]; ok {
		return pick(scopeService)
	}
	if label, _, _ := strings.Cut(host, "."); label != host {
		if _, ok := api3Versions[label]; ok {
			return pick(label)
		}
	}
	var found []string
	for svc, hs := range api3Handlers {
		if _, ok := hs[action]; ok {
			found = append(found, svc)
		}
	}
	sort.Strings(found)
	switch len(found) {
	case 0:
		return "", handler3{}, err3("InvalidAction", "the action %s is not found", action)
	case 1:
		return pick(found[0])
	}
	for _, svc := range found {
		if api3Versions[svc] == version {
			return pick(svc)
		}
	}
	return "", handler3{}, err3("NoSuchVersion", "the version %q does not exist for %s", version, action)
}

// api3Request is a request's common parameters and its action's
// parameters, read from headers and a JSON body (TC3), or from the query
// or a form (signature v1, or TC3 with GET).
type api3Request struct {
	v1                                   bool
	action, version, region, timestamp   string
	token, language                      string
	scopeService                         string // set by verifyTC3
	body                                 []byte
	params                               url.Values // the action's, flattened
	v1Params                             url.Values // signature v1: everything signed
	authorization, contentType, rawQuery string
	unsignedPayload                      bool
	signatureMethod                      string
	json                                 bool // params are in body, to parse once authenticated
	// shapes are the members' shapes as JSON gave them (see shapes3);
	// nil for a query or a form, whose names alone tell them.
	shapes map[string]string
}

// v1Common are the common parameters of signature v1 (§2), which are not
// the action's.
var v1Common = map[string]bool{
	"Action": true, "Region": true, "Timestamp": true, "Nonce": true, "SecretId": true, "Signature": true,
	"SignatureMethod": true, "Version": true, "Token": true, "Language": true, "RequestClient": true,
}

func readAPI3(r *http.Request) (*api3Request, *api3Err) {
	in := &api3Request{authorization: r.Header.Get("Authorization"), contentType: r.Header.Get("Content-Type"),
		rawQuery: r.URL.RawQuery}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return in, err3("UnsupportedProtocol", "the method %s is not supported; use POST or GET", r.Method)
	}
	if r.Method == http.MethodGet && len(r.URL.RawQuery) > api3MaxQuery {
		return in, err3("RequestSizeLimitExceeded", "a GET request may carry at most 32 KB of query")
	}
	mt, _, _ := mime.ParseMediaType(in.contentType)
	tc3 := strings.HasPrefix(in.authorization, "TC3-HMAC-SHA256")
	limit := int64(api3MaxJSON)
	if !tc3 || mt == "application/x-www-form-urlencoded" {
		limit = api3MaxForm
	}
	if r.Method == http.MethodPost {
		// Enforced while reading, before authentication: an announced
		// length past the limit is refused unread, and a body longer than
		// announced (or chunked) is read no further than the limit.
		tooLarge := err3("RequestSizeLimitExceeded", "the request body is larger than %d bytes", limit)
		if r.ContentLength > limit {
			return in, tooLarge
		}
		body, err := readBody(r.Body, r.ContentLength, limit)
		if err != nil {
			return in, err3("InvalidRequest", "reading the request body: %v", err)
		}
		if int64(len(body)) > limit {
			return in, tooLarge
		}
		in.body = body
	}
	if tc3 {
		return in, in.readTC3(r, mt)
	}
	return in, in.readV1(r, mt)
}

// readTC3 reads the common parameters of a request signed with
// TC3-HMAC-SHA256 from its headers, and a GET's query.
func (in *api3Request) readTC3(r *http.Request, mt string) *api3Err {
	h := r.Header
	in.action, in.version, in.region = h.Get("X-TC-Action"), h.Get("X-TC-Version"), h.Get("X-TC-Region")
	in.timestamp, in.token, in.language = h.Get("X-TC-Timestamp"), h.Get("X-TC-Token"), h.Get("X-TC-Language")
	in.unsignedPayload = h.Get("X-TC-Content-SHA256") == "UNSIGNED-PAYLOAD"
	switch {
	case r.Method == http.MethodGet:
		v, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return err3("InvalidParameter", "the query does not parse: %v", err)
		}
		in.params = v
	case mt == "application/json":
		in.json = true // parsed once authenticated: parseJSON
	default:
		// §1: a POST signed with TC3 carries JSON (multipart is for a
		// few upload actions this product does not have).
		return err3("InvalidParameter", "a POST signed with TC3-HMAC-SHA256 must carry Content-Type: application/json, not %q", in.contentType)
	}
	return nil
}

// readV1 reads a request signed with signature v1: every parameter, the
// common ones included, from the query or the form.
func (in *api3Request) readV1(r *http.Request, mt string) *api3Err {
	in.v1 = true
	raw := r.URL.RawQuery
	if r.Method == http.MethodPost {
		if mt != "application/x-www-form-urlencoded" {
			return err3("AuthFailure.InvalidAuthorization",
				"a POST must be signed with TC3-HMAC-SHA256 in Authorization, or be a form (application/x-www-form-urlencoded) signed with signature v1")
		}
		raw = string(in.body)
	}
	all, err := parseForm(raw)
	if err != nil {
		return err3("InvalidParameter", "the parameters do not parse: %v", err)
	}
	if all.Get("Signature") == "" && in.authorization == "" {
		return err3("AuthFailure.InvalidAuthorization",
			"the request is not signed: send Authorization: TC3-HMAC-SHA256 …, or Signature with signature v1")
	}
	in.v1Params = all
	in.action, in.version, in.region = all.Get("Action"), all.Get("Version"), all.Get("Region")
	in.timestamp, in.token, in.language = all.Get("Timestamp"), all.Get("Token"), all.Get("Language")
	in.signatureMethod = all.Get("SignatureMethod")
	in.params = url.Values{}
	for k, vs := range all {
		if !v1Common[k] {
			in.params[k] = vs
		}
	}
	return nil
}

// parseJSON reads the action's parameters from a TC3 request's JSON body.
func (in *api3Request) parseJSON() *api3Err {
	if !in.json {
		return nil
	}
	v, shapes, err := flattenJSON(in.body)
	if err != nil {
		return err3("InvalidParameter", "the body is not a JSON object: %v", err)
	}
	in.params, in.shapes = v, shapes
	return nil
}

// flattenJSON turns a JSON object into the names a query would give its
// members (§1.2): "Placement.Zone", "InstanceIds.0", "Filters.0.Values.1".
// null members are left out, as if absent.
func flattenJSON(b []byte) (url.Values, map[string]string, error) {
	out, shapes := url.Values{}, map[string]string{}
	if len(strings.TrimSpace(string(b))) == 0 {
		return out, shapes, nil
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, err
	}
	if dec.More() {
		return nil, nil, errors.New("data after the object")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, nil, errors.New("the body is not an object")
	}
	// shape records what JSON gave a member at an index-free path (see
	// shapes3): an object with keys "0", "1" is an object here, never a
	// list, as its flattened names alone would say.
	shape := func(path string, c byte) {
		if path != "" && !strings.Contains(shapes[path], string(c)) {
			shapes[path] += string(c)
		}
	}
	var walk func(prefix, path string, v any)
	walk = func(prefix, path string, v any) {
		switch t := v.(type) {
		case nil:
		case map[string]any:
			shape(path, 'o')
			for k, e := range t {
				walk(prefix+"."+k, strings.TrimPrefix(path+"."+k, "."), e)
			}
		case []any:
			for i, e := range t {
				if _, isObj := e.(map[string]any); isObj {
					shape(path, 'l')
					for k, f := range e.(map[string]any) {
						walk(prefix+"."+strconv.Itoa(i)+"."+k, path+"."+k, f)
					}
					continue
				}
				shape(path, 'v')
				if _, isList := e.([]any); isList {
					shape(path, 'l') // a list of lists: neither a list of values nor of objects
				}
				walk(prefix+"."+strconv.Itoa(i), "", scalarOnly(e)) // its shape is the list's
			}
		case json.Number:
			shape(path, 's')
			out.Set(prefix[1:], t.String())
		case bool:
			shape(path, 's')
			out.Set(prefix[1:], strconv.FormatBool(t))
		case string:
			shape(path, 's')
			out.Set(prefix[1:], t)
		}
	}
	walk("", "", obj)
	return out, shapes, nil
}

// scalarOnly is v when it is a single value, and nil (left out) when it
// is a list or an object: an element of a list of values is one value,
// and one of another shape was recorded as such.
func scalarOnly(v any) any {
	switch v.(type) {
	case map[string]any, []any:
		return nil
	}
	return v
}

// API3Limits returns the per-second limit (spec §5) and whether it only
// reads, of each API 3.0 action the emulator serves, by "service Action":
// what the SDK's action table is checked against.
func API3Limits() map[string]struct {
	PerSecond int
	Reads     bool
} {
	out := map[string]struct {
		PerSecond int
		Reads     bool
	}{}
	for svc, hs := range api3Handlers {
		for a, h := range hs {
			n := h.perSecond
			if n == 0 {
				n = defaultPerSecond
			}
			out[svc+" "+a] = struct {
				PerSecond int
				Reads     bool
			}{n, h.reads}
		}
	}
	return out
}
