package cvm

// API 3.0 in the client (spec/api3): where a call goes, how it is signed and
// sent, and how its envelope is read. The typed services reach it through
// the routes of api3_routes*.go; [Client.Do3] calls any action.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	json2 "github.com/go-json-experiment/json"
)

// Services and versions of API 3.0 this SDK calls (spec/api3 §1), and
// those Do3 reaches besides: cloud disks (cbs) and the product-scoped zones
// and regions of api.
var api3Versions = map[string]string{
	"cvm": "2017-03-12", "vpc": "2017-03-12", "billing": "2018-07-09", "tag": "2018-08-13",
	"region": "2022-06-27", "sts": "2018-08-13", "cbs": "2017-03-12", "api": "2020-11-06",
}

const api3Domain = ".tencentcloudapi.com"

// Envelope3 is the part of every API 3.0 answer that says how the call
// went: Response.Error and Response.RequestId. Embed it in the struct
// passed to [Client.Do3] as out to read them. Do3 reads the answer in one
// pass with or without it, unless out has members of its own named like
// Error or RequestId: then it reads the envelope first and the result
// second.
type Envelope3 struct {
	Error     *Error3 `json:"Error,omitempty"`
	RequestID string  `json:"RequestId"`
}

// Error3 is an API 3.0 error: a dotted code and a message.
type Error3 struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

func (e *Envelope3) env3() *Envelope3 { return e }

type enveloper3 interface{ env3() *Envelope3 }

// call3 is the API 3.0 request a call sends on every attempt.
type call3 struct {
	service, action string
	body            []byte // JSON, the same on every attempt
	noRegion        bool   // account-wide: X-TC-Region is not sent
}

// target3 is where a service's requests go: Config.Endpoint for every
// service when set, else the service's host (the regional one for the
// financial regions, which have no nearest-region host, spec §1).
func (c *Client) target3(service string) (scheme, host string) {
	if c.endpoint != nil {
		return c.endpoint.Scheme, c.endpoint.Host
	}
	if strings.HasSuffix(c.region.Long, "-fsi") {
		return "https", service + "." + c.region.Long + api3Domain
	}
	return "https", service + api3Domain
}

// send3 signs a request afresh and sends it once.
func (c *Client) send3(ctx context.Context, cl *call3, creds Credentials, secrets *secretSet) (*http.Response, *bytes.Buffer, attemptTrace, error) {
	scheme, host := c.target3(cl.service)
	base := scheme + "://" + host + "/"
	ts := c.clock.Now().Unix()
	var req *http.Request
	var err error
	if c.cfg.API3SignatureMethod == SignatureHmacSHA256 {
		req, err = c.v1Request(ctx, cl, host, base, ts, creds, secrets)
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base, bytes.NewReader(cl.body))
		if err == nil {
			req.GetBody = nil // net/http cannot resend the body by itself
			req.Header.Set("Content-Type", "application/json")
			header, sig := tc3Authorization(tc3Request{method: http.MethodPost, host: host, contentType: "application/json",
				payload: cl.body, service: cl.service, timestamp: ts}, creds.SecretID, creds.SecretKey.Reveal())
			secrets.addSig([]byte(sig))
			req.Header.Set("Authorization", header)
			req.Header.Set("X-TC-Action", cl.action)
			req.Header.Set("X-TC-Version", api3Versions[cl.service])
			req.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts, 10))
			if !cl.noRegion {
				req.Header.Set("X-TC-Region", c.region.Long)
			}
			if !creds.Token.IsZero() {
				req.Header.Set("X-TC-Token", creds.Token.Reveal())
			}
			req.Header.Set("X-TC-RequestClient", c.reqTag)
		}
	}
	if err != nil {
		return nil, nil, attemptTrace{}, fmt.Errorf("building request: %w", err)
	}
	req.Host = host
	return c.roundTrip(req, scheme, base)
}

// v1Request is the request signed with signature v1 (HmacSHA256 over the
// sorted parameters, spec/api3 §2): a form with the common parameters and
// the action's, flattened as a query would name them.
func (c *Client) v1Request(ctx context.Context, cl *call3, host, base string, ts int64, creds Credentials, secrets *secretSet) (*http.Request, error) {
	vals := url.Values{}
	if err := flattenJSONInto(vals, cl.body); err != nil {
		return nil, err
	}
	vals.Set("Action", cl.action)
	vals.Set("Version", api3Versions[cl.service])
	if !cl.noRegion {
		vals.Set("Region", c.region.Long)
	}
	vals.Set("Timestamp", strconv.FormatInt(ts, 10))
	vals.Set("Nonce", strconv.FormatUint(c.nonce(), 10))
	vals.Set("SecretId", creds.SecretID)
	vals.Set("SignatureMethod", SignatureHmacSHA256)
	vals.Set("RequestClient", c.reqTag)
	if !creds.Token.IsZero() {
		vals.Set("Token", creds.Token.Reveal())
	}
	pairs := canonicalPairs(vals)
	sig := appendSignature(nil, appendStringToSign(nil, http.MethodPost, host, "/", pairs), creds.SecretKey.Reveal(), SignatureHmacSHA256)
	secrets.addSig(sig)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base, strings.NewReader(encodeForm(pairs, sig)))
	if err != nil {
		return nil, err
	}
	req.GetBody = nil
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}

// flattenJSONInto names a JSON object's members as a query would:
// "Placement.Zone", "InstanceIds.0", "Filters.0.Values.1".
func flattenJSONInto(vals url.Values, body []byte) error {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				walk(prefix+"."+k, e)
			}
		case []any:
			for i, e := range t {
				walk(prefix+"."+strconv.Itoa(i), e)
			}
		case json.Number:
			vals.Set(prefix[1:], t.String())
		case bool:
			vals.Set(prefix[1:], strconv.FormatBool(t))
		case string:
			vals.Set(prefix[1:], t)
		}
	}
	walk("", v)
	return nil
}

// decode3 reads an API 3.0 answer into out (nil, or a pointer) in one pass
// with the envelope: into out itself when it embeds Envelope3, else into a
// struct that holds the envelope's members beside out. Only an out with
// members named like the envelope's, or one that is not a struct, is read
// after the envelope. It returns an *APIError for Response.Error and a
// *ResponseError for an answer that is not the envelope.
func decodeAnswer3(action string, status int, body []byte, out any) (requestID string, err error) {
	if len(bytes.TrimSpace(body)) == 0 || bytes.TrimSpace(body)[0] != '{' {
		return "", badResponse(action, status, "body is not the API's JSON envelope", body, nil)
	}
	var ps presized
	if out != nil {
		// The bound of the legacy path: maxDecodeFactor times the answer's
		// size (anyDecodeFactor where it reaches interfaces or maps), with
		// the cost measured along out's type (decodecost3.go).
		if cost, factor := cost3(body, reflect.TypeOf(out), !ownType(out)); cost > factor*len(body)+decodeAllowance {
			return "", badResponse(action, status, errDecodeTooCostly, body, fmt.Errorf("%d bytes", len(body)))
		}
		ps = presize(out, countValues(body))
	}
	var env *Envelope3
	if e, ok := out.(enveloper3); ok {
		env = e.env3()
		*env = Envelope3{}
		err = json2.Unmarshal(body, &struct {
			Response any `json:"Response"`
		}{out}, optionsFor(out))
	} else if wt := wrapper3(out); wt != nil {
		// One pass: Response decodes into struct{ Error; RequestId; *out }.
		w := reflect.New(wt)
		w.Elem().Field(api3Envelope.typ.NumField()).Set(reflect.ValueOf(out))
		err = json2.Unmarshal(body, &struct {
			Response any `json:"Response"`
		}{w.Interface()}, optionsFor(out))
		f := w.Elem()
		env = &Envelope3{Error: f.Field(0).Interface().(*Error3), RequestID: f.Field(1).String()}
	} else {
		// Nothing to decode into, or out's own members are named like the
		// envelope's: the envelope first, then out.
		env, err = envelope3Of(body)
		if err == nil && env != nil && env.Error == nil && out != nil {
			err = json2.Unmarshal(body, &struct {
				Response any `json:"Response"`
			}{out}, optionsFor(out))
		}
	}
	ps.settle()
	if err != nil {
		// The result may not fit out while Response says error (and the
		// decoding stopped before its RequestId): read the envelope alone.
		// Only an envelope that decodes whole is an API error: a truncated
		// or mistyped one is an unreadable answer, whatever Error it began
		// with, so that a change is never retried on the word of half an
		// answer.
		only, e := envelope3Of(body)
		if e != nil || only == nil || only.Error == nil {
			return "", badResponse(action, status, "cannot decode the answer", body, err)
		}
		env, err = only, nil
	}
	switch {
	case env != nil && env.Error != nil:
		code := env.Error.Code
		return env.RequestID, &APIError{Action: action, Code: api3Class(code), ErrorCode: code, Message: env.Error.Message,
			HTTPStatusCode: status, RequestID: env.RequestID}
	case err != nil:
		return "", badResponse(action, status, "cannot decode the answer", body, err)
	case env == nil || env.RequestID == "":
		return "", badResponse(action, status, "answer has no Response.RequestId", body, nil)
	case status < 200 || status > 299:
		return "", badResponse(action, status, "HTTP error status with a success answer", body, nil)
	}
	return env.RequestID, nil
}

// wrapper3 returns the one-pass wrapper of out's type, or nil when out is
// nil, not a pointer to a struct, or has members named like Error or
// RequestId.
func wrapper3(out any) reflect.Type {
	if out == nil {
		return nil
	}
	return api3Envelope.wrapperOf(reflect.TypeOf(out))
}

// envelope3Of reads an answer's Response envelope alone: nil when the
// answer has none.
func envelope3Of(body []byte) (*Envelope3, error) {
	var w struct {
		Response *Envelope3 `json:"Response"`
	}
	err := json2.Unmarshal(body, &w, exact)
	return w.Response, err
}

// api3Class is the legacy code class of an API 3.0 error code, which
// errors.Is matches to the same sentinels and the retry rules read:
// AuthFailure.* is ErrAuth, *.NotFound and ResourceNotFound* ErrNotFound,
// RequestLimitExceeded* ErrQuotaExceeded, InvalidParameter*,
// MissingParameter and UnknownParameter ErrInvalidParameter, InternalError
// ErrInternal, and so on (spec/api3 §5).
func api3Class(code string) int {
	head, _, _ := strings.Cut(code, ".")
	switch {
	case code == "AuthFailure.SecretIdNotFound", code == "AuthFailure.InvalidSecretId":
		return 4104
	case code == "AuthFailure.TokenFailure":
		return 4105
	case head == "AuthFailure":
		return CodeAuthFailure
	case head == "RequestLimitExceeded":
		return CodeQuotaExceeded
	case head == "InternalError":
		return CodeInternal
	case head == "ServiceUnavailable", head == "ResourceUnavailable":
		return CodeServiceUnavailable
	case head == "InvalidAction", head == "NoSuchVersion", head == "ActionOffline", head == "NoSuchProduct":
		return CodeUnsupportedAction
	case head == "UnauthorizedOperation", head == "IpInBlacklist", head == "IpNotInWhitelist":
		return CodeForbidden
	case head == "UnsupportedProtocol":
		return CodeProtocol
	case head == "ResourceNotFound", strings.HasSuffix(code, ".NotFound"):
		return CodeNotFound
	case head == "InvalidParameter", head == "InvalidParameterValue", head == "MissingParameter",
		head == "UnknownParameter", head == "UnsupportedRegion", head == "RequestSizeLimitExceeded",
		head == "InvalidFilter", head == "InvalidFilterValue", head == "InvalidPassword", head == "InvalidPeriod",
		head == "InvalidClientToken", head == "InvalidZone", head == "InvalidInstanceType",
		strings.HasSuffix(code, ".Malformed"):
		return CodeInvalidParameter
	case head == "ResourceInsufficient", head == "FailedOperation" && strings.Contains(code, "Balance"):
		return CodePurchaseFailed
	case strings.HasPrefix(head, "Invalid") && (strings.Contains(head, "State") || strings.Contains(head, "Status")):
		// InvalidInstanceState, InvalidAddressIdStatus: the resource, not
		// the parameter, is in the way.
		return CodeOperationFailed
	case strings.HasPrefix(head, "Invalid"):
		// InvalidKeyPairName.Duplicate, InvalidPublicKey.Malformed, ...
		return CodeInvalidParameter
	}
	return CodeOperationFailed
}

// API3PerSecond returns the per-second limit of an API 3.0 action per key
// (spec/api3 §5), as the action table gives it: what the built-in limiter
// holds API 3.0 calls to, and what a shared limiter, such as redisquota's,
// needs to know. An action the table does not know takes 20.
func API3PerSecond(action string) int {
	if n := perSecond3()[action]; n > 0 {
		return n
	}
	return 20
}

// api3Margin is the API 3.0 limiter's margin unless RateLimit.Margin sets
// one: the server counts a call when it arrives, and within one second a
// call let through later may arrive before one let through earlier (a
// goroutine descheduled while signing, a slower connection). Window/200,
// the legacy default (5 ms here), covers none of that: with 8 goroutines on
// loopback, 9 of 85 attempts were refused. BENCHMARKS.md gives the
// measurement behind this figure; it keeps sustained use at 1/1.05 of the
// limit.
const api3Margin = 50 * time.Millisecond

// api3Limiter paces API 3.0 calls under their per-action, per-second
// limits: one sliding-window log per key and action, shared by the clients
// of a key in the process.
type api3Limiter struct {
	reg    *registry
	key    string
	margin time.Duration
}

func (l *api3Limiter) Wait(ctx context.Context, action string) error {
	n := API3PerSecond(action)
	sl := &slidingLimiter{reg: l.reg, key: l.key + "\x00api3\x00" + action,
		rl: RateLimit{Global: n, PerAction: n, Window: time.Second, Margin: l.margin}.withDefaults()}
	return sl.Wait(ctx, action)
}

// safety3 is the retry safety of an API 3.0 action, as the action table
// gives it; for an action it does not know (through Do3), reads for the
// describing actions and changes for the rest.
func safety3(service, action string) safety {
	if f, ok := facts3()[service+" "+action]; ok {
		return f.safety3
	}
	if strings.HasPrefix(action, "Describe") || strings.HasPrefix(action, "Inquiry") || strings.HasPrefix(action, "Get") {
		return reads
	}
	return changes
}

// Do3 calls any API 3.0 action of a service ("cvm", "vpc", "cbs",
// "billing", "tag", "region", "api") and decodes the content of the answer's Response into
// out once it holds no Error. params may be nil, a map or a struct, sent as
// JSON; out may be nil or a pointer to anything encoding/json decodes into
// (embed [Envelope3] to read Response.RequestId). The answer is decoded in
// one pass with its envelope, as [Client.Do] decodes legacy answers.
//
// Do3 works under either Config.API: the call goes to Config.Endpoint when
// set (the emulator serves both contracts on one address), else to
// https://<service>.tencentcloudapi.com. It paces, signs, retries and
// reports errors as [Client.Do] does; a ClientToken is added to the
// actions that take one (RunInstances, AllocateAddresses,
// AttachNetworkInterface), so that a retry does not make a second one.
func (c *Client) Do3(ctx context.Context, service, action string, params, out any, opts ...func(*CallOptions)) error {
	if ctx != nil && len(opts) > 0 {
		ctx = WithCallOptions(ctx, opts...)
	}
	_, err := c.do3(ctx, service, action, params, out)
	return err
}

func (c *Client) do3(ctx context.Context, service, action string, params, out any) (*Response, error) {
	if _, ok := api3Versions[service]; !ok {
		return nil, &ArgError{Arg: "service", Reason: fmt.Sprintf("%q is not a service of this SDK (cvm, vpc, cbs, billing, tag, region, api)", service)}
	}
	if action == "" {
		return nil, &ArgError{Arg: "action", Reason: "is required"}
	}
	if !isActionName(action) {
		// Sent in a header (X-TC-Action): a CR, LF or NUL there would
		// be refused by the transport only after the limiter, and quoted
		// raw in the error.
		return nil, &ArgError{Arg: "action", Reason: fmt.Sprintf("%q is not an action name (letters and digits, as DescribeZones)", action)}
	}
	if out != nil {
		if rv := reflect.ValueOf(out); rv.Kind() != reflect.Pointer || rv.IsNil() {
			return nil, &ArgError{Arg: "out", Reason: fmt.Sprintf("must be a non-nil pointer, got %T", out)}
		}
	}
	body, err := json.Marshal(params)
	if err != nil {
		return nil, &ArgError{Arg: "params", Reason: "cannot be sent as JSON: " + err.Error()}
	}
	switch {
	case params == nil || string(body) == "null":
		body = []byte("{}")
	case len(body) == 0 || body[0] != '{':
		return nil, &ArgError{Arg: "params", Reason: fmt.Sprintf("must be a JSON object, got %T", params)}
	}
	if safety3(service, action) == tokened {
		if body, err = withClientToken(body); err != nil {
			return nil, err
		}
	}
	return c.callModule3(ctx, &call3{service: service, action: action, body: body, noRegion: noRegion3(service)}, out)
}

// isActionName reports whether s is an API action's name: ASCII letters and
// digits, starting with a letter, as every documented action is.
func isActionName(s string) bool {
	if s == "" || len(s) > 128 || !('A' <= s[0] && s[0] <= 'Z' || 'a' <= s[0] && s[0] <= 'z') {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// noRegion3: billing, tag and region are account-wide.
func noRegion3(service string) bool {
	return service == "billing" || service == "tag" || service == "region"
}

// withClientToken adds a ClientToken to a JSON object that has none: one
// token for every attempt, so the server acts once.
func withClientToken(body []byte) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, &ArgError{Arg: "params", Reason: "must be a JSON object"}
	}
	if tok, ok := m["ClientToken"]; ok && string(tok) != `""` && string(tok) != "null" {
		return body, nil
	}
	tok, _ := json.Marshal(newClientToken())
	m["ClientToken"] = tok
	return json.Marshal(m)
}

// callModule3 runs the attempt loop of an API 3.0 call, as callModule
// does for a legacy one.
func (c *Client) callModule3(ctx context.Context, cl *call3, out any) (*Response, error) {
	return c.callModule(ctx, cl.service, cl.action, nil, out, cl)
}
