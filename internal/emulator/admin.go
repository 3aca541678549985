package emulator

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qcloud-legacy/cvm/internal/clock"
)

// AdminPrefix is where the admin API is served, beside the API's path.
const AdminPrefix = "/_emulator/"

// RequestRecord is one call in the request log: never a signature, key or
// token. Status is the HTTP status answered; 0 means no answer (a dropped
// one, or a client gone before it).
type RequestRecord struct {
	Time      time.Time `json:"time"`
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	Action    string    `json:"action"`
	Module    string    `json:"module"`
	Region    string    `json:"region"`
	Code      int       `json:"code"`
	Status    int       `json:"status"`
	RequestID string    `json:"requestId,omitempty"`
	// Contract is the contract the call came through: "legacy" or
	// "api3"; "" for a request that named no action it could be routed by.
	Contract string `json:"contract,omitempty"`
	// LegacyActions and API3Actions name the call's operation under each
	// contract (spec §6): a legacy RestartInstances has API3Actions
	// ["RebootInstances"], an API 3.0 AssociateAddress has LegacyActions
	// ["EipBindInstance"]. Action is the name the call itself used.
	LegacyActions []string `json:"legacyActions,omitempty"`
	API3Actions   []string `json:"api3Actions,omitempty"`
	// Params are the call's parameters, each cut to 64 characters, at most
	// maxLoggedParams of them (by name; ParamsOmitted counts the rest),
	// never a Signature, Token, password, secret or private key.
	Params        map[string]string `json:"params,omitempty"`
	ParamsOmitted int               `json:"paramsOmitted,omitempty"`
}

// maxLoggedParams is how many parameters a request log entry keeps.
const maxLoggedParams = 64

// secretParam reports whether a parameter may hold a secret, and so is
// never logged: the Signature, the Token, and anything named like a
// password, a secret (the SecretId excepted) or a private key.
func secretParam(name string) bool {
	n := strings.ToLower(name)
	switch {
	case n == "secretid":
		return false
	case n == "signature", strings.Contains(n, "token") && n != "clienttoken",
		strings.Contains(n, "password"), strings.Contains(n, "secret"), strings.Contains(n, "privatekey"):
		return true
	}
	return false
}

// RequestFilter keeps some entries of the request log; zero fields keep
// all.
type RequestFilter struct {
	// Action keeps the calls of an operation named by either contract's
	// action name ("RestartInstances" keeps API 3.0 RebootInstances calls
	// too), or by "service Action" ("vpc AssociateAddress").
	Action string
	Code   *int
	Since  time.Time
}

func (f RequestFilter) keeps(r RequestRecord) bool {
	return (f.Action == "" || r.Action == f.Action || r.names(f.Action)) && (f.Code == nil || r.Code == *f.Code) &&
		(f.Since.IsZero() || !r.Time.Before(f.Since))
}

// names reports whether an entry's operation is named name under either
// contract.
func (r RequestRecord) names(name string) bool {
	if _, action, ok := strings.Cut(name, " "); ok {
		name = action // "vpc AssociateAddress": the bare name names it
	}
	return slices.Contains(r.LegacyActions, name) || slices.Contains(r.API3Actions, name)
}

// requestLog keeps the last calls.
type requestLog struct {
	mu   sync.Mutex
	recs []RequestRecord
	next int
	full bool
}

const requestLogSize = 1000

func (l *requestLog) add(r RequestRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.recs == nil {
		l.recs = make([]RequestRecord, requestLogSize)
	}
	l.recs[l.next] = r
	l.next = (l.next + 1) % requestLogSize
	l.full = l.full || l.next == 0
}

func (l *requestLog) list() []RequestRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.full {
		return append([]RequestRecord{}, l.recs[:l.next]...)
	}
	return append(append([]RequestRecord{}, l.recs[l.next:]...), l.recs[:l.next]...)
}

func (l *requestLog) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs, l.next, l.full = nil, 0, false
}

// Requests returns the recent calls, oldest first, that f keeps.
func (s *Server) Requests(f RequestFilter) []RequestRecord {
	all := s.reqLog.list()
	out := all[:0]
	for _, r := range all {
		if f.keeps(r) {
			// The log shares the operation table's name lists: the
			// caller gets its own.
			r.LegacyActions, r.API3Actions = slices.Clone(r.LegacyActions), slices.Clone(r.API3Actions)
			out = append(out, r)
		}
	}
	return out
}

// ClearRequests empties the request log.
func (s *Server) ClearRequests() { s.reqLog.clear() }

// AdminOptions configure the admin API.
type AdminOptions struct {
	// Token, when set, is required as "Authorization: Bearer <token>";
	// without it, only requests from loopback addresses are served.
	Token string
	// Reset returns the state to what it was at start; nil uses the state
	// the handler was made with.
	Reset func() error
	// SaveState, when set, is called after a PUT /_emulator/state, to keep
	// the new state (a -state file, say).
	SaveState func() error
	// Fake is the fake clock POST /_emulator/clock advances; nil refuses
	// the endpoint.
	Fake *clock.Fake
}

// adminError answers with the API's JSON envelope.
func adminError(w http.ResponseWriter, status int, format string, args ...any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": 4000, "codeDesc": "InvalidParameter", "message": fmt.Sprintf(format, args...)})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// faultRequest is the JSON of POST /_emulator/faults.
type faultRequest struct {
	Action      string   `json:"action"`
	Code        int      `json:"code"`
	Message     string   `json:"message"`
	HTTPStatus  int      `json:"httpStatus"`
	Body        string   `json:"body"`
	Delay       string   `json:"delay"`
	Drop        bool     `json:"drop"`
	Times       int      `json:"times"`
	Probability float64  `json:"probability"`
	IDs         []string `json:"ids"`
}

// moduleCodes are the module error numbers the legacy pages document
// (spec §4.2, §5.3, §5.8): they travel in the message as "(7001)...", and a
// fault may put one in the code, to test a client that meets one there.
var moduleCodes = map[int]bool{
	7000: true, 7001: true, 7002: true, 7003: true, 7005: true, 7006: true, 9003: true,
	1000: true, 1006: true, 1007: true, 1015: true, 1036: true, 1072: true, 100004: true, 100193: true,
}

// validate refuses a fault the emulator could not answer as asked: an HTTP
// status outside 200-599 (net/http cannot send one as a final answer: a
// 1xx is informational, and anything else panics in WriteHeader, which
// the client sees as a closed connection), a code the API does not
// document (spec §4.2) nor a module's, a probability outside [0, 1] or negative times.
func (f Fault) validate() error {
	switch {
	case f.HTTPStatus != 0 && (f.HTTPStatus < 200 || f.HTTPStatus > 599):
		return fmt.Errorf("httpStatus %d is not an HTTP status from 200 to 599", f.HTTPStatus)
	case f.Code != 0 && codeDescs[f.Code] == "" && !moduleCodes[f.Code]:
		return fmt.Errorf("code %d is neither one of the API's documented codes (4000, 41xx, 4200, 4300, 4400, 4500, 4600, 5000-5400, 6000, 6100, 6200) nor a documented module code (7000-7006, 9003, ...)", f.Code)
	case f.Probability < 0 || f.Probability > 1:
		return fmt.Errorf("probability %v is not in [0, 1]", f.Probability)
	case f.Times < 0:
		return fmt.Errorf("times %d is negative", f.Times)
	case f.HTTPStatus != 0 && (f.Code != 0 || f.Drop):
		return fmt.Errorf("httpStatus answers without an envelope: it goes with neither code nor drop")
	}
	return nil
}

// crossSite says why a request must be refused as coming from a web page
// rather than from a test or a tool, or "" when it need not be. A page open
// in the developer's browser can reach a loopback port: it may post a form
// or a simple fetch cross-site (no preflight for a text/plain or form body),
// and through DNS rebinding it may even read answers, under a name of its
// own that resolves to 127.0.0.1. So:
//
//   - a browser's Sec-Fetch-Site other than same-origin or none, or an
//     Origin other than the request's own host, is refused;
//   - every write (POST, PUT, DELETE) must say Content-Type:
//     application/json, which no cross-site page can send without a CORS
//     preflight, and the emulator answers no preflight;
//   - without -admin-token, the Host must be the listener's own loopback
//     name or address (localhost, 127.0.0.0/8, ::1), which a rebinding
//     page's name is not. With a token, any name is served: the token is
//     the guard, and a page cannot send it.
func crossSite(r *http.Request, token string) string {
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
	default:
		return "the admin API refuses cross-site requests (Sec-Fetch-Site: " + site + ")"
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || !strings.EqualFold(u.Host, r.Host) {
			return "the admin API refuses cross-site requests (Origin " + strconv.Quote(origin) + " is not " + r.Host + ")"
		}
	}
	if token == "" && !loopbackHost(r.Host) {
		return "the admin API answers only to its loopback name or address (Host " + strconv.Quote(r.Host) + "); use -admin-token to serve it under another name"
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	default:
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			return "admin writes must say Content-Type: application/json"
		}
	}
	return ""
}

// loopbackHost reports whether a Host header names loopback: localhost or
// a loopback address, with or without a port.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// adminAllowed: with a token, exactly that bearer token; without one, a
// client on loopback only.
func adminAllowed(r *http.Request, token string) bool {
	if token != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		return ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
