// Package emulator is an in-memory emulator of the legacy CVM API: the
// protocol (envelope, signature, replay and quota checks) and the state of
// zones, instances, images, security groups and EIPs, per region. Package
// cvmtest and cmd/cvm-emulator expose it.
package emulator

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/internal/clock"
)

// Path is the only path the API serves.
const Path = "/v2/index.php"

// Options configure a Server. The zero value is usable: one key pair, the
// documented quotas, 2-second transitions, the wall clock.
type Options struct {
	// Keys maps SecretIds to SecretKeys. Empty means DefaultSecretID.
	Keys map[string]string
	// Tokens maps SecretIds of temporary credentials to their session
	// token; requests with those ids must carry it.
	Tokens map[string]string
	// QuotaGlobal and QuotaAction are the calls allowed per QuotaWindow per
	// SecretId and per SecretId and action; 0 means 1000 and 100.
	// QuotasOff turns them off.
	QuotaGlobal, QuotaAction int
	QuotaWindow              time.Duration
	QuotasOff                bool
	// ReplayWindow is how far a Timestamp may stray from the server's
	// clock; the (SecretId, Timestamp, Nonce) triples of that window are
	// remembered to refuse replays. 0 means 2 hours (spec §12).
	ReplayWindow time.Duration
	// Transition is how long a transitional state (creating, starting,
	// stopping, ...) lasts. 0 means 2 seconds; negative means none.
	Transition time.Duration
	// Clock drives transitions and quota windows. nil means the wall clock.
	// Timestamps are always checked against the wall clock, which is what
	// clients sign with.
	Clock clock.Clock
	// AutoAdvance, with a fake Clock, moves that clock forward by itself
	// so that a program waiting on a transition needs no one to advance it:
	// a describe call that would show a resource still moving which an
	// earlier describe already showed moving first sets the clock to the
	// earliest end of those transitions (never back). Each transitional
	// state is seen once, then the wait is over; see autoAdvance.
	AutoAdvance func(to time.Time)
	// Seed makes generated ids repeatable.
	Seed uint64
	// Logger, when set, gets one line per request.
	Logger *slog.Logger
	// AppID is the account's AppId, reported in a few answers.
	AppID int64
	// Roles are the CAM roles of the instance the metadata service speaks
	// for, each with the lifetime of the temporary keys it hands out.
	Roles map[string]time.Duration
	// UnpaidDeals leaves the orders of prepaid actions unpaid, and their
	// instances undelivered, until PayDeals pays them.
	UnpaidDeals bool
}

// Default credentials of an emulator started without keys.
const (
	DefaultSecretID  = "AKIDEMULATOR00000000000000000000000"
	DefaultSecretKey = "emulator-secret-key-000000000000"
	DefaultRegion    = "gz"
)

// Server is the emulator. It implements http.Handler.
type Server struct {
	opts  Options
	clock clock.Clock
	log   *slog.Logger

	replay *replayMemory
	reqLog requestLog

	tempMu  sync.Mutex
	temp    map[string]tempKey   // temporary keys by SecretId
	roles   map[string]roleCreds // the metadata service's current keys
	tempRng *rand.Rand
	wall    func() time.Time // for tests; nil means time.Now

	quotaMu sync.Mutex
	quota   map[string]*window // "id" and "id\x00action"

	faultMu sync.Mutex
	faults  map[string][]*Fault
	prng    *rand.Rand // for fault probabilities; under faultMu

	// reqRng makes the request ids of a server with a Seed, so that its
	// answers repeat too; nil means random ids.
	reqMu  sync.Mutex
	reqRng *rand.Rand

	mu      sync.Mutex // guards all resource state below
	rng     *rand.Rand
	regions map[string]*region
	seq     int64
	tokens  map[string]tokenResult // clientToken → result
	appID   int64
	// Account-wide state.
	deals map[int64]*deal
	// tags are every resource's tags, by resource (core_tags.go).
	tags        tagStore
	dealSeq     []int64
	projects    map[int]bool // usable project ids, 0 included; shared by every region
	projectInfo map[int]*project
	vpcTasks    map[int64]vpcTask
	// stopped: no request changes anything any more (Stop).
	stopped bool
	// requestID is the id of the request being served, for the operations
	// it starts to remember; "" outside a request (seeds).
	requestID string

	inFlight atomic.Int64 // API requests being answered
}

// Stop makes the state final: every request from now on is refused with
// 6200, and Restore fails, so that a state saved after Stop is the last
// one. Requests acting when Stop is called finish first (it takes the state
// lock they hold).
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
}

// InFlight is how many API requests are being answered now.
func (s *Server) InFlight() int64 { return s.inFlight.Load() }

// New returns a Server.
func New(opts Options) *Server {
	if len(opts.Keys) == 0 {
		opts.Keys = map[string]string{DefaultSecretID: DefaultSecretKey}
	}
	if opts.QuotaGlobal == 0 {
		opts.QuotaGlobal = cvm.DefaultGlobalQuota
	}
	if opts.QuotaAction == 0 {
		opts.QuotaAction = cvm.DefaultPerActionQuota
	}
	if opts.QuotaWindow == 0 {
		opts.QuotaWindow = cvm.DefaultQuotaWindow
	}
	if opts.ReplayWindow == 0 {
		opts.ReplayWindow = defaultReplayWindow
	}
	if opts.Transition == 0 {
		opts.Transition = 2 * time.Second
	} else if opts.Transition < 0 {
		opts.Transition = 0
	}
	if opts.AppID == 0 {
		opts.AppID = 1251000000
	}
	s := &Server{
		opts:    opts,
		clock:   opts.Clock,
		log:     opts.Logger,
		replay:  newReplayMemory(opts.ReplayWindow, defaultReplayMax),
		temp:    map[string]tempKey{},
		roles:   map[string]roleCreds{},
		tempRng: rand.New(rand.NewPCG(opts.Seed, 0x5851f42d4c957f2d)),
		quota:   make(map[string]*window),
		faults:  make(map[string][]*Fault),
		prng:    rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15)),
		rng:     rand.New(rand.NewPCG(opts.Seed, 0x2545f4914f6cdd1d)),
		reqRng:  seededRequestIDs(opts.Seed),
		regions: make(map[string]*region),
		tokens:  make(map[string]tokenResult),
		appID:   opts.AppID,

		deals:       map[int64]*deal{},
		tags:        tagStore{},
		projects:    map[int]bool{0: true},
		projectInfo: map[int]*project{},
		vpcTasks:    map[int64]vpcTask{},
	}
	if s.clock == nil {
		s.clock = clock.Real{}
	}
	return s
}

// Options returns the options in force, defaults applied.
func (s *Server) Options() Options { return s.opts }

// apiError is an error answer.
type apiError struct {
	code     int
	codeDesc string
	message  string
	status   int // HTTP status; 0 means 200
	detail   map[string]item
	extra    map[string]any // more members of the answer
	reason   reason         // why, for the API 3.0 door (refusals.go); 0 for the code's class
}

func (e *apiError) Error() string { return fmt.Sprintf("code %d: %s", e.code, e.message) }

// item is one entry of a batch answer's detail.
type item struct {
	Code      int    `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
}

// codeDescs gives the codeDesc of each common code. The documentation shows
// "InvalidParameter" for 4000 and "AuthFailure" for 41xx; the others are
// [inferred] from the names of the newer contract's codes.
var codeDescs = map[int]string{
	4000: "InvalidParameter",
	4100: "AuthFailure", 4101: "AuthFailure", 4102: "AuthFailure", 4103: "AuthFailure",
	4104: "AuthFailure", 4105: "AuthFailure", 4106: "AuthFailure", 4110: "AuthFailure",
	4200: "RequestExpired", 4300: "Forbidden", 4400: "LimitExceeded", 4500: "ReplayAttack",
	4600: "UnsupportedProtocol", 5000: "ResourceNotFound", 5100: "OperationFail",
	5200: "PurchaseFailed", 5300: "AccountBalanceNotEnough", 5400: "PartlySuccess",
	6000: "InternalError", 6100: "ActionUnavailable", 6200: "ServiceUnavailable",
}

func errf(code int, format string, args ...any) *apiError {
	return &apiError{code: code, codeDesc: codeDescs[code], message: fmt.Sprintf(format, args...)}
}

// invalid is a 4000 naming the parameter at fault.
func invalid(format string, args ...any) *apiError { return errf(4000, format, args...) }

// maxBody caps the request bodies the emulator reads.
const maxBody = 8 << 20

// ServeHTTP answers one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.serveMetadata(w, r) {
		return
	}
	if r.URL.Path == API3Path {
		s.serveAPI3(w, r)
		return
	}
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	start := time.Now()
	// A request id to quote, as gateways send [inferred: the legacy pages
	// document none].
	lg := &logged{requestID: s.newRequestID()}
	action, region, out, aerr := s.handle(w, r, lg)
	if out == nil && aerr == nil {
		return // the answer was dropped on purpose, or already written
	}
	pieces, pooled := s.render(out, aerr)
	n := 0
	for _, p := range pieces {
		n += len(p)
	}
	status := http.StatusOK
	if aerr != nil && aerr.status != 0 {
		status = aerr.status
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.Header().Set("X-Request-Id", lg.requestID)
	w.WriteHeader(status)
	for _, p := range pieces {
		_, _ = w.Write(p)
	}
	if pooled != nil {
		releaseAnswer(pooled)
	}
	code := 0
	if aerr != nil {
		code = aerr.code
	}
	s.record(r, lg, action, region, status, code)
	if s.log != nil {
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "action", action, "region", region,
			"code", code, "status", status, "requestId", lg.requestID, "duration", time.Since(start).Round(time.Microsecond))
	}
}

// logged is what the request log learns of a call on its way.
type logged struct {
	params    url.Values
	requestID string
	op        operation // zero until the call is routed
	x         exchange  // the routed call, kept here to spare an allocation
}

// record adds a call to the request log; status 0 is an answer dropped
// on purpose, or never written because the client went away.
func (s *Server) record(r *http.Request, lg *logged, action, region string, status, code int) {
	// Cut short and cloned: a parsed value may be a slice of the whole
	// request body, or megabytes long itself, and the log keeps neither.
	short := func(v string) string {
		if len(v) > 64 {
			v = strings.ToValidUTF8(v[:64], "") + "…"
		}
		return strings.Clone(v)
	}
	rec := RequestRecord{Time: s.clock.Now().UTC(), Method: short(r.Method), Path: short(r.URL.Path),
		Action: short(action), Module: short(hostModule(r.Host)), Region: short(region), Status: status, Code: code,
		RequestID: lg.requestID, Contract: lg.op.contract,
		// A routed call's operation is the operation table's: its names
		// are the table's strings, shared, never a slice of the body.
		LegacyActions: lg.op.legacy, API3Actions: lg.op.api3}
	if len(lg.params) > 0 {
		var names iter.Seq[string] = maps.Keys(lg.params)
		if len(lg.params) > maxLoggedParams {
			// Which ones are kept must not depend on map order.
			names = slices.Values(slices.Sorted(names))
		}
		rec.Params = make(map[string]string, min(len(lg.params), maxLoggedParams))
		for k := range names {
			switch k {
			case "Action", "Region", "Timestamp", "Nonce", "SignatureMethod", "RequestClient":
				continue // fields of their own, or the same in every call
			}
			if secretParam(k) {
				continue
			}
			if len(rec.Params) == maxLoggedParams {
				rec.ParamsOmitted++
				continue
			}
			rec.Params[short(k)] = short(lg.params.Get(k))
		}
	}
	if rec.Module == "" && len(handlers[action].modules) > 0 {
		rec.Module = handlers[action].modules[0]
	}
	s.reqLog.add(rec)
}

// answerParts is a complete answer in pieces, written one after another:
// encodings shared with the state, never changed once made.
type answerParts [][]byte

// join returns the parts as one new slice.
func (a answerParts) join() []byte {
	n := 0
	for _, p := range a {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range a {
		out = append(out, p...)
	}
	return out
}

// cachedPage is a page of DescribeInstances kept for an unchanged region:
// in parts at first, whole once asked for twice.
type cachedPage struct {
	parts answerParts
	whole []byte
}

var (
	comma   = []byte(",")
	closing = []byte("]}")
)

// answers are the buffers answers in parts are written through.
var answers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// releaseAnswer puts back the buffer render wrote an answer in parts into,
// once written; a huge one is left to the collector.
func releaseAnswer(body []byte) {
	if cap(body) <= 1<<20 {
		answers.Put(bytes.NewBuffer(body[:0]))
	}
}

// rawAnswer is the key under which a handler returns a complete answer it
// has encoded itself.
const rawAnswer = "\x00raw"

// render writes the envelope and result as JSON.
// render returns the answer as pieces to write in order, and the pooled
// buffer to give back once they are written, if one was used. A few large
// pieces (a page of the arena: its head, one slice of the arena, the
// closing) are written as they are; many small ones (an encoding each)
// are copied into one pooled buffer first, so that the connection gets
// large writes.
func (s *Server) render(out map[string]any, aerr *apiError) (pieces [][]byte, pooled []byte) {
	if parts, ok := out[rawAnswer].(answerParts); ok && aerr == nil {
		if len(parts) <= 3 {
			return parts, nil
		}
		buf := answers.Get().(*bytes.Buffer)
		n := 0
		for _, p := range parts {
			n += len(p)
		}
		buf.Grow(n) // one allocation at most, for a buffer the pool did not have
		for _, p := range parts {
			buf.Write(p)
		}
		return [][]byte{buf.Bytes()}, buf.Bytes()
	}
	if b, ok := out[rawAnswer].([]byte); ok && aerr == nil {
		return [][]byte{b}, nil
	}
	if aerr != nil {
		m := map[string]any{"code": aerr.code, "message": aerr.message, "codeDesc": aerr.codeDesc}
		if aerr.detail != nil {
			m["detail"] = aerr.detail
		}
		for k, v := range aerr.extra {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return [][]byte{b}, nil
	}
	if _, ok := out["code"]; !ok {
		out["code"] = 0
	}
	if _, ok := out["message"]; !ok {
		out["message"] = ""
	}
	if _, ok := out["codeDesc"]; !ok {
		out["codeDesc"] = "Success"
	}
	b, err := json.Marshal(out)
	if err != nil {
		b, _ = json.Marshal(map[string]any{"code": 6000, "message": "internal error: " + err.Error(), "codeDesc": codeDescs[6000]})
	}
	return [][]byte{b}, nil
}

// request is a parsed, authenticated request.
type request struct {
	action   string
	secretID string
	region   *region
	params   url.Values // canonical keys
	now      time.Time
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request, lg *logged) (action, regionCode string, out map[string]any, aerr *apiError) {
	if r.URL.Path != Path {
		return "", "", nil, &apiError{code: 4000, codeDesc: codeDescs[4000], status: http.StatusNotFound,
			message: "no such path " + strconv.Quote(r.URL.Path) + "; the legacy API is served at " + Path + " and API 3.0 at " + API3Path}
	}
	params, perr := readParams(r)
	if perr != nil {
		return "", "", nil, perr
	}
	lg.params = params
	action = params.Get("Action")
	regionCode = params.Get("Region")
	if err := s.authenticate(r.Method, r.Host, r.URL.Path, params); err != nil {
		return action, regionCode, nil, err
	}
	if action == "" {
		return "", regionCode, nil, missing("Action")
	}
	if v := params.Get("Version"); v != "" {
		// With Version the real service switches to the newer contract
		// (capitalised parameters, a Response envelope), which the emulator
		// does not serve; the spec allows refusing it.
		return action, regionCode, nil, invalid("Version=%s selects the newer API contract, which this emulator does not serve; legacy actions take no Version", v)
	}
	mod := hostModule(r.Host)
	if mod != "" && !knownModules[mod] {
		// The gateway answers for any *.api.qcloud.com name; an unknown
		// service is a plain 4000 (spec §12, node-sdk's live test).
		return action, regionCode, nil, invalid("unknown module %s.api.qcloud.com", mod)
	}
	h, ok := handlers[action]
	if !ok {
		return action, regionCode, nil, invalid("unknown action %s", action)
	}
	if mod != "" && !h.servedBy(mod) {
		return action, regionCode, nil, errf(6100, "action %s is not served by %s.api.qcloud.com; check the module host of the action", action, mod)
	}
	secretID := params.Get("SecretId")
	if err := s.charge(secretID, action); err != nil {
		return action, regionCode, nil, err
	}
	if !h.noRegion || regionCode != "" {
		rg, ok := cvm.LookupRegion(regionCode)
		if !ok {
			if regionCode == "" {
				return action, regionCode, nil, missing("Region")
			}
			return action, regionCode, nil, invalid("invalid Region %q", regionCode)
		}
		regionCode = rg.Short
	}
	x := &lg.x
	*x = exchange{op: legacyOperation(action), params: params, region: regionCode, reads: readOnly(action),
		requestID: lg.requestID, h: h, req: request{action: action, secretID: secretID, params: params}}
	lg.op = x.op
	o, f, perr := s.pass(w, r, x)
	out, aerr = x.out, x.aerr
	switch o {
	case answered:
		s.record(r, lg, action, regionCode, f.HTTPStatus, 0)
		return action, regionCode, nil, nil
	case refused:
		return action, regionCode, nil, perr
	case dropped:
		// The server acted, but the answer is lost on the way.
		code := 0
		if aerr != nil {
			code = aerr.code
		}
		s.record(r, lg, action, regionCode, 0, code)
		return action, regionCode, nil, nil
	}
	if out == nil && aerr == nil {
		out = map[string]any{}
	}
	return action, regionCode, out, aerr
}

// autoAdvance is AutoAdvance's rule, under s.mu. It is chosen over
// jumping at the first describe so that a test can still see each
// transitional state (a stop shows "stopping" once), and over jumping to
// the last end so that transitions end in their order.
func (s *Server) autoAdvance(rg *region) {
	var earliest time.Time
	seen := func(next int, at time.Time, seenMoving *bool) {
		if next == 0 {
			return
		}
		if *seenMoving && (earliest.IsZero() || at.Before(earliest)) {
			earliest = at
		}
		*seenMoving = true
	}
	for in := range rg.moving {
		seen(in.next, in.nextAt, &in.seenMoving)
	}
	for _, e := range rg.eips {
		seen(e.next, e.nextAt, &e.seenMoving)
	}
	for _, img := range rg.images {
		seen(img.next, img.nextAt, &img.seenMoving)
	}
	for _, d := range rg.disks {
		if d.next != "" {
			seen(1, d.nextAt, &d.seenMoving)
		}
	}
	if !earliest.IsZero() && earliest.After(s.clock.Now()) {
		s.opts.AutoAdvance(earliest)
		for _, r := range s.regions {
			r.gen++
		}
	}
}

// readOnly reports whether an action only reads state.
func readOnly(action string) bool {
	return action != "DescribeOrCreateDefaultSecurityGroup" &&
		(strings.HasPrefix(action, "Describe") || strings.HasPrefix(action, "Get") || strings.HasPrefix(action, "Inquiry"))
}

// readBody reads at most limit+1 bytes, into a buffer of the announced
// size when that is within the limit, so an ordinary body costs one
// allocation (io.ReadAll would grow its buffer from 512 bytes). A body of
// unknown length grows its buffer by doubling, but never past limit+1, so
// that reading costs at most about twice the limit whatever the body.
func readBody(body io.Reader, announced, limit int64) ([]byte, error) {
	size := int64(512)
	if announced > 0 && announced <= limit {
		size = announced + 1 // +1: the read that finds the end needs room
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return buf, nil // past the limit: the caller refuses it
			}
			next := 2 * int64(cap(buf))
			if next >= limit {
				next = limit + 1 // straight to the end: no buffer of the limit itself first
			}
			grown := make([]byte, len(buf), next)
			copy(grown, buf)
			buf = grown
		}
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// readParams reads the query of a GET or the form body of a POST (never
// both, as the API documents), with keys canonicalised as the PHP server
// does.
func readParams(r *http.Request) (url.Values, *apiError) {
	var raw string
	switch r.Method {
	case http.MethodGet:
		raw = r.URL.RawQuery
	case http.MethodPost:
		// Read into a buffer of the announced size (when it is within the
		// cap), so an ordinary body is read with one allocation; a body
		// longer than announced still grows it, up to the cap.
		tooLarge := invalid("request body larger than %d bytes", maxBody)
		tooLarge.status = http.StatusRequestEntityTooLarge
		if r.ContentLength > maxBody {
			return nil, tooLarge // refused unread
		}
		b, err := readBody(r.Body, r.ContentLength, maxBody)
		if err != nil {
			return nil, invalid("cannot read the request body: %v", err)
		}
		if len(b) > maxBody {
			return nil, tooLarge
		}
		raw = string(b)
	default:
		return nil, &apiError{code: 4000, codeDesc: codeDescs[4000], status: http.StatusMethodNotAllowed,
			message: "method " + r.Method + " not allowed; use GET or POST"}
	}
	vals, err := parseForm(raw)
	if err != nil {
		return nil, invalid("malformed parameters: %v", err)
	}
	plain := true // no name to canonicalise and no repeated field
	for k, vs := range vals {
		if len(vs) > 1 || canonicalName(k) != k {
			plain = false
			break
		}
	}
	if plain {
		return vals, nil
	}
	out := make(url.Values, len(vals))
	for k, vs := range vals {
		ck := canonicalName(k)
		out[ck] = append(out[ck], vs...)
	}
	// PHP keeps the last of repeated fields.
	for k, vs := range out {
		if len(vs) > 1 {
			out[k] = vs[len(vs)-1:]
		}
	}
	return out, nil
}

// formChunk is how many parameters url.ParseQuery is handed at once: the
// standard library refuses more than 10,000 in one query (its
// urlmaxqueryparams default), where the real API takes a POST of 50,000
// (Tencent's legacy Node SDK asserts code 0 for that against the live API
// in its own tests). The body-size cap, maxBody, still bounds the total.
const formChunk = 10000

// parseForm parses a query or form body of any number of parameters,
// chunk by chunk with url.ParseQuery, into one set of values.
func parseForm(raw string) (url.Values, error) {
	if strings.Count(raw, "&") < formChunk {
		return url.ParseQuery(raw)
	}
	vals := url.Values{}
	var first error
	for raw != "" {
		end, n := 0, 0
		for end < len(raw) && n < formChunk {
			i := strings.IndexByte(raw[end:], '&')
			if i < 0 {
				end = len(raw)
				break
			}
			end += i + 1
			n++
		}
		part, err := url.ParseQuery(strings.TrimSuffix(raw[:end], "&"))
		if err != nil && first == nil {
			first = err
		}
		for k, vs := range part {
			vals[k] = append(vals[k], vs...)
		}
		raw = raw[end:]
	}
	return vals, first
}

// hostModule returns the module a Host header names ("cvm" for
// cvm.api.qcloud.com[:port]), or "" for an IP address, localhost or another
// name, which route by action alone.
func hostModule(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	mod, ok := strings.CutSuffix(strings.ToLower(host), ".api.qcloud.com")
	if !ok || strings.Contains(mod, ".") {
		return ""
	}
	return mod
}

func seededRequestIDs(seed uint64) *rand.Rand {
	if seed == 0 {
		return nil
	}
	return rand.New(rand.NewPCG(seed, 0x94d049bb133111eb))
}

// newRequestID returns a UUID-shaped id (version 4): random, or the next of
// the Seed's sequence.
func (s *Server) newRequestID() string {
	a, b := rand.Uint64(), rand.Uint64()
	if s.reqRng != nil {
		s.reqMu.Lock()
		a, b = s.reqRng.Uint64(), s.reqRng.Uint64()
		s.reqMu.Unlock()
	}
	var u reqID
	binary.LittleEndian.PutUint64(u[:8], a)
	binary.LittleEndian.PutUint64(u[8:], b)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u.String()
}

// reqID is a request id kept with a resource, as the 16 bytes of its UUID
// rather than a string of 36 characters.
type reqID [16]byte

// parseReqID reads a UUID-shaped request id; anything else is the zero
// reqID, which shows as "".
func parseReqID(s string) reqID {
	var id reqID
	if len(s) != 36 {
		return id
	}
	var hexDigits [32]byte
	n := 0
	for i := range len(s) {
		if s[i] == '-' {
			continue
		}
		if n == 32 {
			return reqID{}
		}
		hexDigits[n] = s[i]
		n++
	}
	if n != 32 {
		return reqID{}
	}
	if _, err := hex.Decode(id[:], hexDigits[:]); err != nil {
		return reqID{}
	}
	return id
}

// String is the UUID form, or "" for none.
func (id reqID) String() string {
	if id == (reqID{}) {
		return ""
	}
	var out [36]byte
	hex.Encode(out[0:8], id[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], id[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], id[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], id[8:10])
	out[23] = '-'
	hex.Encode(out[24:], id[10:])
	return string(out[:])
}

// dropConnection closes the connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // a reset, as a crashed proxy gives
			}
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
