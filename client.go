package cvm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"runtime"
	"time"

	"github.com/qcloud-legacy/cvm/internal/clock"
	"github.com/qcloud-legacy/cvm/internal/testhook"
)

// Client calls the legacy API. It is safe for concurrent use; create one
// per account and region and reuse it.
type Client struct {
	cfg *Config // with defaults applied, credentials cleared
	// The credentials live only behind this closure, out of reach of fmt's
	// reflection over the Client's fields.
	creds    func(ctx context.Context) (Credentials, error)
	invalid  func() // drops cached temporary credentials
	temp     bool   // the credentials may be temporary
	region   Region
	endpoint *url.URL // nil: https://<module>.api.qcloud.com/v2/index.php
	hc       *http.Client
	limiter  Limiter
	log      *slog.Logger
	clock    clock.Clock // timestamps and durations
	timers   clock.Clock // backoff and waiter sleeps
	nonce    func() uint64
	ua       string
	reqTag   string
	api      APIVersion  // the contract the typed services speak
	caches3  *api3Caches // what API 3.0 calls look up once: zones, instance types

	common service

	// Deals follows orders.
	Deals *DealsService
	// EIPs manages elastic IPs.
	EIPs *EIPsService
	// Images manages images.
	Images *ImagesService
	// Instances manages instances.
	Instances *InstancesService
	// KeyPairs manages SSH key pairs.
	KeyPairs *KeyPairsService
	// NetworkInterfaces attaches network interfaces to instances.
	NetworkInterfaces *NetworkInterfacesService
	// Projects lists and creates projects.
	Projects *ProjectsService
	// SecurityGroups manages security groups and their rules.
	SecurityGroups *SecurityGroupsService
	// Zones lists zones and regions.
	Zones *ZonesService
}

// String describes the client without its secrets.
func (c Client) String() string {
	if c.cfg == nil {
		return "cvm.Client{}"
	}
	ep := "https://<module>" + apiDomain + apiPath
	if c.endpoint != nil {
		ep = c.endpoint.String()
	}
	id := c.cfg.SecretID
	if id == "" {
		id = "(from a provider)"
	}
	return fmt.Sprintf("cvm.Client{SecretID: %s, Region: %s, Endpoint: %s}", id, c.region.Short, ep)
}

// Format prints [Client.String] for every verb, so that no verb reaches
// into the client's fields.
func (c Client) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// Region returns the region the client calls.
func (c *Client) Region() Region { return c.region }

// NewClient validates cfg and returns a Client. It returns an [*ArgError]
// naming the field at fault for missing keys, an unknown region, method or
// signature method, a malformed endpoint, or plain http to a host other than
// loopback without [Config.AllowInsecureHTTP].
func NewClient(cfg Config) (*Client, error) {
	provider, err := cfg.provider()
	if err != nil {
		return nil, err
	}
	region, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	c := &Client{region: region, log: cfg.Logger, clock: clock.Real{}, timers: clock.Real{}, nonce: newNonce}
	if t := testhook.Timers.Load(); t != nil {
		c.timers = *t
	}
	if cfg.Endpoint != "" {
		if c.endpoint, err = parseEndpoint(cfg.Endpoint, cfg.AllowInsecureHTTP, cfg.API); err != nil {
			return nil, err
		}
	}
	if c.hc, err = resolveHTTPClient(cfg); err != nil {
		return nil, err
	}
	c.limiter = resolveLimiter(cfg, provider)
	c.api = cfg.API
	c.caches3 = &api3Caches{}
	c.ua = fmt.Sprintf("qcloud-legacy-cvm-go/%s (%s; %s/%s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if cfg.UserAgent != "" {
		c.ua = cfg.UserAgent + " " + c.ua
	}
	c.reqTag = "SDK_GO_CVM_" + Version
	c.resolveCredentials(provider)
	cfg.SecretKey, cfg.Token, cfg.Credentials = Secret{}, Secret{}, nil
	c.cfg = &cfg
	c.common.client = c
	c.Deals = (*DealsService)(&c.common)
	c.EIPs = (*EIPsService)(&c.common)
	c.Images = (*ImagesService)(&c.common)
	c.Instances = (*InstancesService)(&c.common)
	c.KeyPairs = (*KeyPairsService)(&c.common)
	c.NetworkInterfaces = (*NetworkInterfacesService)(&c.common)
	c.Projects = (*ProjectsService)(&c.common)
	c.SecurityGroups = (*SecurityGroupsService)(&c.common)
	c.Zones = (*ZonesService)(&c.common)
	return c, nil
}

// API reports the contract the client's services speak ([LegacyAPI] or
// [API3]), as Config.API resolved it: a program or a command line decides
// once, here, what else follows from the contract (how to call an action
// by name: [Client.Do] or [Client.Do3]).
func (c *Client) API() APIVersion { return c.api }

// Response is what a call returns besides its result.
type Response struct {
	// RequestID identifies the last answer, when it carries one (a
	// request-id header); quote it to support.
	RequestID string
	// HTTPResponse is the last attempt's HTTP answer; its body has been
	// read and closed.
	HTTPResponse *http.Response
	// Attempts is how many attempts the call made.
	Attempts int
	// TotalCount is, for list calls, the number of matches the API reports.
	TotalCount int
}

// Do calls any legacy action of any module ("cvm", "image", "dfw", "eip",
// "trade", "account", ...) and decodes the answer's JSON into out once the
// envelope says success. An empty module picks the module that serves
// action, for the actions of this SDK.
//
// params may be nil, url.Values, map[string]string, or a struct (or pointer
// to one) with go-querystring url tags; lists are [List] values, which encode
// as name.0, name.1, ... out may be nil or a pointer to anything
// encoding/json decodes into.
//
// Do paces, signs, retries and reports errors as described in the package
// documentation. Common parameters (Action, Region, Timestamp, Nonce,
// SecretId, SignatureMethod, Token) are set by the client; a Region in params
// overrides the client's region for this call.
//
// opts are per-call options, as [WithCallOptions] gives them to typed
// methods.
func (c *Client) Do(ctx context.Context, module, action string, params, out any, opts ...func(*CallOptions)) error {
	if ctx != nil && len(opts) > 0 {
		ctx = WithCallOptions(ctx, opts...)
	}
	_, err := c.doModule(ctx, module, action, params, out)
	return err
}

// do calls an action of this SDK's table (actions.go), which names its
// module, with params encoded as Do encodes them. The typed services call
// it (or call, with values ready).
func (c *Client) do(ctx context.Context, action string, params, out any) (*Response, error) {
	if c.api == API3 {
		return c.via3(ctx, action, params, out) // the request value, as it is
	}
	return c.doModule(ctx, "", action, params, out)
}

// doModule checks and encodes what Do is given: module may be "" for an
// action of the table.
func (c *Client) doModule(ctx context.Context, module, action string, params, out any) (*Response, error) {
	if action == "" {
		return nil, &ArgError{Arg: "action", Reason: "is required"}
	}
	if module == "" {
		module = ModuleOf(action)
		if module == "" {
			return nil, &ArgError{Arg: "module", Reason: fmt.Sprintf("is required for action %s, which this SDK does not know", action)}
		}
	}
	if !validModule(module) {
		return nil, &ArgError{Arg: "module", Reason: fmt.Sprintf("%q is not a module name", module)}
	}
	vals, err := encodeParams(params)
	if err != nil {
		return nil, err
	}
	if o := out; o != nil {
		if rv := reflect.ValueOf(o); rv.Kind() != reflect.Pointer || rv.IsNil() {
			return nil, &ArgError{Arg: "out", Reason: fmt.Sprintf("must be a non-nil pointer, got %T", out)}
		}
	}
	return c.callModule(ctx, module, action, vals, out, nil)
}

func validModule(m string) bool {
	if m == "" || len(m) > 63 {
		return false
	}
	for i := 0; i < len(m); i++ {
		b := m[i]
		if !('a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '-' && i > 0) {
			return false
		}
	}
	return true
}

// callModule runs the attempt loop for an encoded request: each attempt
// waits for the limiter, gets credentials, signs and sends, and decodes
// (attempt); decide says what comes of it; the hooks see every step.
// vals belongs to callModule. With v3, the call is that API 3.0 request
// (module is its service), and vals is unused.
func (c *Client) callModule(ctx context.Context, module, action string, vals url.Values, out any, v3 *call3) (*Response, error) {
	if ctx == nil {
		return nil, &ArgError{Arg: "ctx", Reason: "is nil"}
	}
	st := c.newCall(ctx, module, action, vals, out, v3)
	ctx = st.startHooks(ctx)
	for attempt := 1; ; attempt++ {
		st.resp.Attempts = attempt
		res, stop := c.attempt(ctx, st, attempt)
		if stop != nil {
			return st.finish(c, stop)
		}
		v, reason := decide(res, st.safe, c.temp && !st.refreshed, attempt, st.pol, ctx.Err())
		st.emitAttempt(ctx, attempt, res, reason)
		err := res.err
		switch v {
		case callDone:
			if err != nil {
				err = finalError(action, attempt, err, ctx)
			}
			return st.finish(c, err)
		case callRefresh:
			// Temporary credentials the API no longer takes (expired, or
			// revoked early): fetch new ones and try once more. The API
			// refused the call before acting on it.
			c.invalid()
			st.refreshed = true
		case callUnknown:
			return st.finish(c, &OutcomeUnknownError{Action: action, Resource: st.codec.resource(action), Err: finalError(action, attempt, err, ctx)})
		case callPastDeadline:
			// A retry the deadline refuses: both causes stay reachable.
			return st.finish(c, &RequestError{Action: action, Attempts: attempt, Err: fmt.Errorf("%w (last error: %w)", ctx.Err(), err)})
		case callRetry:
			st.lastErr = err
			delay := st.pol.backoff(attempt)
			if c.log != nil {
				c.log.LogAttrs(ctx, slog.LevelWarn, "cvm: retrying",
					slog.String("action", action), slog.Int("attempt", attempt), slog.String("reason", reason),
					slog.Duration("delay", delay), slog.String("error", err.Error()))
			}
			if !clock.Sleep(c.timers, delay, ctx.Done()) {
				return st.finish(c, &RequestError{Action: action, Attempts: attempt, Err: fmt.Errorf("%w (last error: %w)", ctx.Err(), err)})
			}
		}
	}
}

// callState is one call on its way through its attempts.
type callState struct {
	module, action string
	codec          codec       // the call's contract: its wire form and its answer's
	legacy         legacyCodec // what codec points at, kept here to spare an allocation
	api3           api3Codec
	out            any
	safe           bool // a retry cannot do the call twice
	opts           CallOptions
	pol            RetryPolicy
	info           CallInfo
	start          time.Time
	ends           []func(CallResult)
	result         CallResult
	resp           *Response
	secrets        secretSet // what the call sent, that its errors must not quote
	lastErr        error     // the answer that made the last retry necessary
	refreshed      bool      // credentials were refreshed once already
}

// newCall sets the parameters every attempt shares (Timestamp, Nonce and
// Signature change per attempt) and the call's options.
func (c *Client) newCall(ctx context.Context, module, action string, vals url.Values, out any, v3 *call3) *callState {
	if v3 != nil {
		st := &callState{module: module, action: action, api3: api3Codec{v3}, out: out, resp: &Response{}, start: c.clock.Now()}
		st.codec = &st.api3
		st.secrets.addNamedJSON(v3.body)
		st.safe = safety3(v3.service, v3.action) != changes
		st.opts = c.callOptions(ctx, nil)
		st.pol = st.opts.Retry.withDefaults(c.cfg.MaxAttempts)
		st.info = CallInfo{Action: action, Module: module, Region: c.region.Long}
		if v3.noRegion {
			st.info.Region = ""
		}
		st.result = CallResult{CallInfo: st.info, Code: -1}
		return st
	}
	if _, ok := vals["Region"]; !ok {
		vals.Set("Region", c.region.Short)
	}
	st := &callState{module: module, action: action, out: out, resp: &Response{}, start: c.clock.Now()}
	st.secrets.addNamed(vals)
	sf := safetyOf(action)
	st.safe = sf != changes
	st.legacy = legacyCodec{target: c.target(module), vals: vals, safe: st.safe}
	st.codec = &st.legacy
	if sf == tokened && vals.Get("clientToken") == "" {
		// One token for every attempt: the server creates nothing twice.
		vals.Set("clientToken", newClientToken())
	}
	vals.Set("Action", action)
	vals.Set("SignatureMethod", c.cfg.SignatureMethod)
	vals.Set("RequestClient", c.reqTag)
	st.opts = c.callOptions(ctx, nil)
	st.pol = st.opts.Retry.withDefaults(c.cfg.MaxAttempts)
	st.info = CallInfo{Action: action, Module: module, Region: vals.Get("Region")}
	st.result = CallResult{CallInfo: st.info, Code: -1}
	return st
}

// startHooks calls the Call hooks and returns the context the call goes on
// with.
func (st *callState) startHooks(ctx context.Context) context.Context {
	for _, h := range st.opts.Hooks {
		if h.Call == nil {
			continue
		}
		hctx, end := h.Call(ctx, st.info)
		if hctx != nil {
			// A hook that returns no context leaves the call's own.
			ctx = hctx
		}
		if end != nil {
			st.ends = append(st.ends, end)
		}
	}
	return ctx
}

// finish ends the call: the Call hooks' end functions, last first.
func (st *callState) finish(c *Client, err error) (*Response, error) {
	r := &st.result
	r.Attempts, r.Duration, r.Err, r.RequestID = st.resp.Attempts, c.clock.Now().Sub(st.start), err, st.resp.RequestID
	r.Code = codeOf(err)
	for i := len(st.ends) - 1; i >= 0; i-- {
		st.ends[i](*r)
	}
	return st.resp, err
}

// attemptResult is what one attempt came to.
type attemptResult struct {
	err         error
	trace       attemptTrace
	timedOut    bool // the attempt's own timeout ended it, not the call's context
	status      int
	limiterWait time.Duration
	elapsed     time.Duration
}

// attempt makes one attempt: the limiter, credentials, one signed request
// and its decoding. stop is the call's error when no request could be made
// (the limiter or the credentials refused).
func (c *Client) attempt(ctx context.Context, st *callState, n int) (res attemptResult, stop error) {
	waitStart := c.clock.Now()
	if err := c.limiter.Wait(ctx, st.action); err != nil {
		if st.lastErr != nil {
			// Keep the answer that made this retry necessary.
			err = fmt.Errorf("%w (last error: %w)", err, st.lastErr)
		}
		st.result.LimiterWait += c.clock.Now().Sub(waitStart)
		return res, &RequestError{Action: st.action, Attempts: n - 1, Err: err}
	}
	res.limiterWait = c.clock.Now().Sub(waitStart)
	st.result.LimiterWait += res.limiterWait
	creds, err := c.creds(ctx)
	if err != nil {
		return res, &RequestError{Action: st.action, Attempts: n - 1, Err: err}
	}
	st.secrets.add(creds.Token.Reveal())
	st.secrets.add(creds.SecretKey.Reveal())
	start := c.clock.Now()
	actx, cancel := ctx, context.CancelFunc(func() {})
	if st.opts.AttemptTimeout > 0 {
		actx, cancel = context.WithTimeout(ctx, st.opts.AttemptTimeout)
	}
	hr, buf, tr, err := st.codec.send(actx, c, creds, &st.secrets)
	res.trace = tr
	res.timedOut = st.opts.AttemptTimeout > 0 && ctx.Err() == nil && actx.Err() != nil
	cancel()
	if hr != nil {
		st.resp.HTTPResponse = hr
		res.status = hr.StatusCode
		st.resp.RequestID = requestIDOf(hr)
	}
	if err == nil {
		var id string
		id, err = st.codec.decode(st.action, hr.StatusCode, buf.Bytes(), st.out)
		releaseBody(buf) // decoding copies what it keeps
		if id != "" {    // the body's id is the answer's own
			st.resp.RequestID = id
		}
	} else if re, ok := err.(*ResponseError); ok {
		re.Action = st.action
	}
	err = st.secrets.scrub(err)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.RequestID == "" {
		apiErr.RequestID = st.resp.RequestID
	}
	res.err = err
	res.elapsed = c.clock.Now().Sub(start)
	c.logAttempt(ctx, st.module, st.action, n, res.elapsed, err)
	return res, nil
}

// emitAttempt calls the Attempt hooks.
func (st *callState) emitAttempt(ctx context.Context, n int, res attemptResult, reason string) {
	for _, h := range st.opts.Hooks {
		if h.Attempt != nil {
			h.Attempt(ctx, AttemptInfo{CallInfo: st.info, Attempt: n, LimiterWait: res.limiterWait, Duration: res.elapsed,
				HTTPStatus: res.status, Code: codeOf(res.err), RequestID: st.resp.RequestID, Err: res.err, RetryReason: reason})
		}
	}
}

func (c *Client) logAttempt(ctx context.Context, module, action string, attempt int, d time.Duration, err error) {
	if c.log == nil || !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	code := 0
	var apiErr *APIError
	attrs := []slog.Attr{
		slog.String("action", action), slog.String("module", module),
		slog.Int("attempt", attempt), slog.Duration("duration", d),
	}
	switch {
	case err == nil:
	case errors.As(err, &apiErr):
		code = apiErr.Code
	default:
		code = -1
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	attrs = append(attrs, slog.Int("code", code))
	c.log.LogAttrs(ctx, slog.LevelDebug, "cvm: call", attrs...)
}
