// Package cvm is a client for Tencent Cloud's legacy CVM API ("API 2.0",
// https://<module>.api.qcloud.com/v2/index.php): instances, images, security
// groups, elastic IPs and zones.
//
// Create a [Client] from a [Config] and call its services,
// [Client.Instances], [Client.Images], [Client.SecurityGroups], [Client.EIPs]
// and [Client.Zones]:
//
//	cfg, err := cvm.ConfigFromEnv()
//	if err != nil { ... }
//	client, err := cvm.NewClient(cfg)
//	if err != nil { ... }
//	ids, _, err := client.Instances.Create(ctx, &cvm.InstanceCreateRequest{
//		ZoneID: 100003, CPU: 2, MemoryGB: 4, ImageID: "img-31tjrtph",
//	})
//	err = client.Instances.WaitStatus(ctx, cvm.InstanceRunning, ids...)
//
// Each method's documentation names the legacy action it calls. Actions
// that no service wraps go through [Client.Do], which signs, paces,
// retries and decodes like every typed method.
//
// Package [github.com/qcloud-legacy/cvm/cvmtest] runs an in-process emulator of
// the API for tests.
//
// # Authentication
//
// Requests are signed with the account's SecretID and SecretKey, by
// HMAC-SHA256 unless [Config.SignatureMethod] says HmacSHA1, as the legacy API
// documents. Every attempt is signed afresh with a new Timestamp and a random
// Nonce, since the API rejects a repeated (Timestamp, Nonce) as a replay.
// Credentials are static ([Config.SecretID], [Config.SecretKey], and
// [Config.Token] for temporary ones) or come from a [CredentialsProvider]
// in [Config.Credentials], refreshed before they expire: the environment,
// Tencent's credentials file, tccli's profile, a CVM instance's CAM role, or
// a role assumed through STS. [ConfigFromEnv] sets up the chain of them
// Tencent's tools use. The SecretKey, the Token and request signatures never
// appear in logs, errors, or a printed or marshalled Config.
//
// # Pagination
//
// List methods return one page and the total number of matches in
// [Response].TotalCount; [ListOptions] sets Offset and Limit (at most 100).
// All methods return an iterator over every match, fetching pages as the
// loop goes:
//
//	for in, err := range client.Instances.All(ctx, nil) {
//		if err != nil { ... }
//	}
//
// Nothing is fetched until the loop starts, the options are copied and
// never changed, each range starts over from the options' offset, and the
// walk stops on an empty or short page, at the total, or with an error for
// a page that repeats the previous one.
//
// # Errors
//
// An answer with a non-zero code is an [*APIError] (errors.As) and matches a
// sentinel such as [ErrNotFound] or [ErrQuotaExceeded] (errors.Is). Batch
// actions report each resource's result in [APIError.Items]. A bad argument
// is an [*ArgError], returned before anything is sent; an answer that is not
// the API's envelope is a [*ResponseError]; a call that got no answer is a
// [*RequestError] wrapping the cause (a context error, a network error).
//
// # Rate limiting and retries
//
// The API allows 1000 calls a minute per account and 100 a minute per action.
// A token bucket for the account and one per action, shared by every Client
// of a SecretID in the process, pace each attempt so that no window of a
// minute holds more, while sustained load uses 99% of the quota. See
// [RateLimit] and [Limiter].
//
// Failed attempts are retried with capped exponential backoff and full
// jitter, up to [Config.MaxAttempts], for transport errors, HTTP 5xx answers
// and codes 4400 (quota), 4500 (replay), 6000 (internal) and 6200
// (unavailable), never for definite answers such as 4000, 41xx, 4300 or 5000.
// A call that may have changed something is retried only when a retry cannot
// do it twice: reads always; RunInstances and RunInstancesHour because the
// client gives each call a clientToken that every attempt repeats; other
// changes only when the answer proves the server did not act (4400, 4500,
// 6200) or the request never left the client.
//
// # Logging
//
// With a [Config.Logger], each attempt logs one Debug line (action, module,
// attempt, duration, code) and each retry a Warn line.
package cvm

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/bits"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/qcloud-legacy/cvm/internal/clock"
	"github.com/qcloud-legacy/cvm/internal/testhook"
)

// Defaults of [Config].
const (
	DefaultMaxAttempts = 3
	DefaultHTTPMethod  = http.MethodPost
	DefaultTimeout     = 60 * time.Second
	apiPath            = "/v2/index.php"
	apiDomain          = ".api.qcloud.com"
)

// Config configures a [Client]. Region and credentials (SecretID and
// SecretKey, or Credentials) are required; every other field's zero value is
// a documented default.
type Config struct {
	// SecretID is the API key's id ("AKID...").
	SecretID string
	// SecretKey is the API key's secret. As a [Secret], it never shows when
	// the Config is printed, marshalled or logged.
	SecretKey Secret
	// Token is the session token of temporary credentials; empty for a
	// long-lived key.
	Token Secret
	// Credentials, instead of SecretID, SecretKey and Token, provides the
	// credentials of each call: temporary ones are refreshed before they
	// expire. See [ConfigFromEnv] and [DefaultCredentialsChain].
	Credentials CredentialsProvider
	// Region is the region to call, by short code ("gz") or long name
	// ("ap-guangzhou"); see [Regions]. The legacy short code is sent.
	Region string
	// Endpoint, when set, is the full URL, path included, used for every
	// module instead of https://<module>.api.qcloud.com/v2/index.php, such as
	// "http://127.0.0.1:9191/v2/index.php" for the emulator. Plain http is
	// refused for hosts other than loopback unless AllowInsecureHTTP is set.
	Endpoint string
	// AllowInsecureHTTP allows an http:// Endpoint on a host other than
	// loopback. Requests then travel unencrypted.
	AllowInsecureHTTP bool
	// AllowInsecureTLS accepts an HTTPClient whose transport skips
	// certificate verification or allows TLS below 1.2; without it,
	// NewClient refuses such a client.
	AllowInsecureTLS bool
	// HTTPClient sends the requests. nil means a client with a 60-second
	// timeout, TLS 1.2 or later, and no redirects followed.
	HTTPClient *http.Client
	// HTTPMethod is "POST" (the default; parameters go in a form body and
	// never in a URL) or "GET".
	HTTPMethod string
	// SignatureMethod is "HmacSHA256" (the default) or "HmacSHA1".
	SignatureMethod string
	// MaxAttempts is how many attempts a call may make, the first included.
	// 0 means 3; 1 means no retries. Retry.MaxAttempts, when set, wins.
	MaxAttempts int
	// Retry is the retry policy: attempts, backoff bounds, further codes to
	// retry. Its zero value means MaxAttempts and the documented defaults.
	Retry RetryPolicy
	// Wait is how waiters poll (WaitStatus and the like).
	Wait WaitPolicy
	// Hooks observe every call and attempt; see [Hooks].
	Hooks []Hooks
	// RateLimit sets the built-in limiter's quotas. The zero value means
	// the API's documented quotas.
	RateLimit RateLimit
	// Limiter, when set, replaces the built-in limiter, for example with
	// one shared across processes. RateLimit is then ignored.
	Limiter Limiter
	// Logger receives a Debug line per attempt and a Warn line per retry.
	// nil means silent.
	Logger *slog.Logger
	// UserAgent is put before the SDK's own User-Agent.
	UserAgent string
}

const redacted = "REDACTED"

// Format prints the Config with SecretKey and Token shown as REDACTED, for
// every verb.
func (cfg Config) Format(f fmt.State, verb rune) {
	type plain Config // no methods: avoids recursion
	s := fmt.Sprintf(fmt.FormatString(f, verb), plain(cfg))
	fmt.Fprint(f, strings.Replace(s, "cvm.plain{", "cvm.Config{", 1))
}

// LogValue logs the Config's SecretID, Region and Endpoint only.
func (cfg Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("secret_id", cfg.SecretID), slog.String("region", cfg.Region),
		slog.String("endpoint", cfg.Endpoint))
}

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

	common service

	// EIPs manages elastic IPs.
	EIPs *EIPsService
	// Deals follows orders.
	Deals *DealsService
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

type service struct{ client *Client }

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
	var provider CredentialsProvider
	switch {
	case cfg.Credentials != nil && (cfg.SecretID != "" || !cfg.SecretKey.IsZero() || !cfg.Token.IsZero()):
		return nil, &ArgError{Arg: "Config.Credentials", Reason: "set either Credentials or SecretID and SecretKey, not both"}
	case cfg.Credentials != nil:
		provider = cfg.Credentials
	case cfg.SecretID == "":
		return nil, &ArgError{Arg: "Config.SecretID", Reason: "is required (or Config.Credentials)"}
	case cfg.SecretKey.IsZero():
		return nil, &ArgError{Arg: "Config.SecretKey", Reason: "is required"}
	case strings.ContainsAny(cfg.SecretID, " \t\r\n"):
		return nil, &ArgError{Arg: "Config.SecretID", Reason: "contains white space"}
	default:
		provider = StaticCredentials(cfg.SecretID, cfg.SecretKey.Reveal(), cfg.Token.Reveal())
	}
	region, ok := LookupRegion(cfg.Region)
	if !ok {
		if cfg.Region == "" {
			return nil, &ArgError{Arg: "Config.Region", Reason: "is required (a short code such as gz or a long name such as ap-guangzhou)"}
		}
		return nil, &ArgError{Arg: "Config.Region", Reason: fmt.Sprintf("unknown region %q", cfg.Region)}
	}
	switch m := strings.ToUpper(cfg.HTTPMethod); m {
	case "":
		cfg.HTTPMethod = DefaultHTTPMethod
	case http.MethodGet, http.MethodPost:
		cfg.HTTPMethod = m
	default:
		return nil, &ArgError{Arg: "Config.HTTPMethod", Reason: fmt.Sprintf("%q is not GET or POST", cfg.HTTPMethod)}
	}
	switch cfg.SignatureMethod {
	case "":
		cfg.SignatureMethod = SignatureHmacSHA256
	case SignatureHmacSHA256, SignatureHmacSHA1:
	default:
		return nil, &ArgError{Arg: "Config.SignatureMethod", Reason: fmt.Sprintf("%q is not HmacSHA256 or HmacSHA1", cfg.SignatureMethod)}
	}
	switch {
	case cfg.MaxAttempts < 0:
		return nil, &ArgError{Arg: "Config.MaxAttempts", Reason: "must not be negative"}
	case cfg.MaxAttempts == 0:
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if err := cfg.RateLimit.validate(); err != nil {
		return nil, err
	}
	c := &Client{region: region, log: cfg.Logger, clock: clock.Real{}, timers: clock.Real{}, nonce: newNonce}
	if t := testhook.Timers.Load(); t != nil {
		c.timers = *t
	}
	if cfg.Endpoint != "" {
		u, err := parseEndpoint(cfg.Endpoint, cfg.AllowInsecureHTTP)
		if err != nil {
			return nil, err
		}
		c.endpoint = u
	}
	c.hc = cfg.HTTPClient
	if c.hc == nil {
		c.hc = defaultHTTPClient()
	} else {
		// The SDK works on its own copy: a signed request never follows a
		// redirect, whatever the caller's client would do.
		hc := *c.hc
		hc.CheckRedirect = noRedirects
		c.hc = &hc
	}
	if t, ok := c.hc.Transport.(*http.Transport); ok && t.TLSClientConfig != nil {
		weak := t.TLSClientConfig.InsecureSkipVerify ||
			t.TLSClientConfig.MinVersion != 0 && t.TLSClientConfig.MinVersion < tls.VersionTLS12
		switch {
		case weak && !cfg.AllowInsecureTLS:
			return nil, &ArgError{Arg: "Config.HTTPClient", Reason: "its transport skips certificate verification or allows TLS below 1.2; set AllowInsecureTLS to accept that"}
		case weak && c.log != nil:
			c.log.Warn("cvm: the HTTP client does not verify TLS certificates or allows TLS below 1.2")
		}
	}
	switch {
	case cfg.Limiter != nil:
		c.limiter = cfg.Limiter
	case cfg.RateLimit.Disabled:
		c.limiter = LimiterFunc(func(ctx context.Context, _ string) error { return ctx.Err() })
	default:
		key := cfg.SecretID
		if k, ok := provider.(quotaKeyer); ok && key == "" {
			key = k.quotaKey()
		}
		if key == "" {
			// A provider of the caller's own: one quota per provider.
			key = fmt.Sprintf("provider:%p", provider)
		}
		c.limiter = accountLimiter(key, cfg.RateLimit)
	}
	c.ua = fmt.Sprintf("qcloud-legacy-cvm-go/%s (%s; %s/%s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if cfg.UserAgent != "" {
		c.ua = cfg.UserAgent + " " + c.ua
	}
	c.reqTag = "SDK_GO_CVM_" + Version
	if _, static := provider.(staticProvider); static {
		p := provider
		c.creds = p.Retrieve
		c.invalid = func() {}
	} else {
		cache := NewCredentialsCache(provider)
		c.creds, c.invalid, c.temp = cache.Retrieve, cache.Invalidate, true
	}
	cfg.SecretKey, cfg.Token, cfg.Credentials = Secret{}, Secret{}, nil
	c.cfg = &cfg
	c.common.client = c
	c.EIPs = (*EIPsService)(&c.common)
	c.Deals = (*DealsService)(&c.common)
	c.Images = (*ImagesService)(&c.common)
	c.KeyPairs = (*KeyPairsService)(&c.common)
	c.NetworkInterfaces = (*NetworkInterfacesService)(&c.common)
	c.Projects = (*ProjectsService)(&c.common)
	c.Instances = (*InstancesService)(&c.common)
	c.SecurityGroups = (*SecurityGroupsService)(&c.common)
	c.Zones = (*ZonesService)(&c.common)
	return c, nil
}

func parseEndpoint(raw string, allowHTTP bool) (*url.URL, error) {
	bad := func(reason string) error {
		return &ArgError{Arg: "Config.Endpoint", Reason: fmt.Sprintf("%q %s", raw, reason)}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, bad("is not a URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, bad("must start with https:// or http://")
	case u.Host == "" || u.Hostname() == "":
		return nil, bad("has no host")
	case u.User != nil:
		return nil, bad("must not carry user information")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, bad("must not carry a query or fragment")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, bad("has an invalid port")
		}
	}
	if u.Path == "" {
		u.Path = apiPath
	}
	if u.Scheme == "http" && !allowHTTP && !isLoopback(u.Hostname()) {
		return nil, bad("uses plain http to a host other than loopback; use https or set AllowInsecureHTTP")
	}
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return &http.Client{
		Timeout:       DefaultTimeout,
		Transport:     t,
		CheckRedirect: noRedirects,
	}
}

// noRedirects stops every redirect: the API never redirects, and following
// one would send a signed request (Signature, Token) to another host. The
// 3xx answer comes back as a ResponseError.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

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
	_, err := c.do(ctx, module, action, params, out)
	return err
}

func (c *Client) do(ctx context.Context, module, action string, params, out any) (*Response, error) {
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
	return c.call(ctx, module, action, vals, out)
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

// call runs the attempt loop for an encoded request. vals belongs to call.
func (c *Client) call(ctx context.Context, module, action string, vals url.Values, out any) (*Response, error) {
	if ctx == nil {
		return nil, &ArgError{Arg: "ctx", Reason: "is nil"}
	}
	if _, ok := vals["Region"]; !ok {
		vals.Set("Region", c.region.Short)
	}
	safe := readOnly(action)
	if tokenActions[action] {
		// One token for every attempt: the server creates nothing twice.
		if vals.Get("clientToken") == "" {
			vals.Set("clientToken", newClientToken())
		}
		safe = true
	}
	// Common parameters set once; Timestamp, Nonce and Signature change per
	// attempt.
	vals.Set("Action", action)
	vals.Set("SignatureMethod", c.cfg.SignatureMethod)
	vals.Set("RequestClient", c.reqTag)
	target := c.target(module)

	resp := &Response{}
	o := c.callOptions(ctx, nil)
	pol := o.Retry.withDefaults(c.cfg.MaxAttempts)
	info := CallInfo{Action: action, Module: module, Region: vals.Get("Region")}
	callStart := c.clock.Now()
	var ends []func(CallResult)
	for _, h := range o.Hooks {
		if h.Call != nil {
			hctx, end := h.Call(ctx, info)
			if hctx != nil {
				// A hook that returns no context leaves the call's own.
				ctx = hctx
			}
			if end != nil {
				ends = append(ends, end)
			}
		}
	}
	result := CallResult{CallInfo: info, Code: -1}
	finish := func(err error) (*Response, error) {
		result.Attempts, result.Duration, result.Err, result.RequestID = resp.Attempts, c.clock.Now().Sub(callStart), err, resp.RequestID
		result.Code = codeOf(err)
		for i := len(ends) - 1; i >= 0; i-- {
			ends[i](result)
		}
		return resp, err
	}
	var lastErr error
	refreshed := false
	var secrets secretSet // what this call sent that its errors must not quote
	for attempt := 1; ; attempt++ {
		resp.Attempts = attempt
		waitStart := c.clock.Now()
		if err := c.limiter.Wait(ctx, action); err != nil {
			if lastErr != nil {
				// Keep the answer that made this retry necessary.
				err = fmt.Errorf("%w (last error: %w)", err, lastErr)
			}
			result.LimiterWait += c.clock.Now().Sub(waitStart)
			return finish(&RequestError{Action: action, Attempts: attempt - 1, Err: err})
		}
		limiterWait := c.clock.Now().Sub(waitStart)
		result.LimiterWait += limiterWait
		creds, err := c.creds(ctx)
		if err != nil {
			return finish(&RequestError{Action: action, Attempts: attempt - 1, Err: err})
		}
		secrets.add(creds.Token.Reveal())
		secrets.add(creds.SecretKey.Reveal())
		start := c.clock.Now()
		actx, cancel := ctx, context.CancelFunc(func() {})
		if o.AttemptTimeout > 0 {
			actx, cancel = context.WithTimeout(ctx, o.AttemptTimeout)
		}
		hr, buf, tr, err := c.send(actx, target, vals, safe, creds, &secrets)
		timedOut := o.AttemptTimeout > 0 && ctx.Err() == nil && actx.Err() != nil
		cancel()
		status := 0
		if hr != nil {
			resp.HTTPResponse = hr
			status = hr.StatusCode
			resp.RequestID = requestIDOf(hr)
		}
		if err == nil {
			err = decodeBody(action, hr.StatusCode, buf.Bytes(), out)
			releaseBody(buf) // decoding copies what it keeps
		} else if re, ok := err.(*ResponseError); ok {
			re.Action = action
		}
		err = secrets.scrub(err)
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.RequestID == "" {
			apiErr.RequestID = resp.RequestID
		}
		elapsed := c.clock.Now().Sub(start)
		c.logAttempt(ctx, module, action, attempt, elapsed, err)
		emit := func(reason string) {
			for _, h := range o.Hooks {
				if h.Attempt != nil {
					h.Attempt(ctx, AttemptInfo{CallInfo: info, Attempt: attempt, LimiterWait: limiterWait, Duration: elapsed,
						HTTPStatus: status, Code: codeOf(err), RequestID: resp.RequestID, Err: err, RetryReason: reason})
				}
			}
		}
		if err == nil {
			emit("")
			return finish(nil)
		}
		if c.temp && authRefused(err) && !refreshed {
			// Temporary credentials the API no longer takes (expired, or
			// revoked early): fetch new ones and try once more. The API
			// refused the call before acting on it.
			c.invalid()
			refreshed = true
			emit("credentials")
			continue
		}
		if !safe && outcomeUnknown(err, tr) {
			emit("")
			return finish(&OutcomeUnknownError{Action: action, Resource: resourceKind(action), Err: finalError(action, attempt, err, ctx)})
		}
		again := retryable(err, tr.sent, safe, pol.Codes) || timedOut && (safe || !tr.sent)
		if !again || attempt >= pol.MaxAttempts {
			emit("")
			return finish(finalError(action, attempt, err, ctx))
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			// A retry the deadline refuses: both causes stay reachable.
			emit("")
			return finish(&RequestError{Action: action, Attempts: attempt, Err: fmt.Errorf("%w (last error: %w)", ctxErr, err)})
		}
		reason := retryReason(err)
		if timedOut {
			reason = "attempt-timeout"
		}
		emit(reason)
		lastErr = err
		delay := pol.backoff(attempt)
		if c.log != nil {
			c.log.LogAttrs(ctx, slog.LevelWarn, "cvm: retrying",
				slog.String("action", action), slog.Int("attempt", attempt), slog.String("reason", reason),
				slog.Duration("delay", delay), slog.String("error", err.Error()))
		}
		if !clock.Sleep(c.timers, delay, ctx.Done()) {
			return finish(&RequestError{Action: action, Attempts: attempt, Err: fmt.Errorf("%w (last error: %w)", ctx.Err(), err)})
		}
	}
}

// requestIDOf reads the id an answer carries in its headers, if any.
func requestIDOf(hr *http.Response) string {
	for _, h := range [...]string{"X-Request-Id", "X-Tc-Requestid", "Request-Id"} {
		if v := hr.Header.Get(h); v != "" {
			return v
		}
	}
	return ""
}

// codeOf is the API code an error carries: 0 for nil, -1 without one.
func codeOf(err error) int {
	var apiErr *APIError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &apiErr):
		return apiErr.Code
	}
	return -1
}

// retryReason names why an error is retried.
func retryReason(err error) string {
	var apiErr *APIError
	var respErr *ResponseError
	switch {
	case errors.As(err, &apiErr):
		switch apiErr.Code {
		case CodeQuotaExceeded:
			return "quota"
		case CodeReplay:
			return "replay"
		case CodeServiceUnavailable:
			return "unavailable"
		case CodeInternal:
			return "internal"
		}
		if apiErr.HTTPStatusCode >= 500 {
			return "http-5xx"
		}
		return "code-" + strconv.Itoa(apiErr.Code)
	case errors.As(err, &respErr):
		if errors.Is(err, errCutShort) {
			return "cut-short"
		}
		return "http-5xx"
	}
	return "transport"
}

// authRefused reports whether the API refused the credentials themselves:
// an unknown or expired SecretId (4104) or a bad Token (4105).
func authRefused(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && (apiErr.Code == 4104 || apiErr.Code == 4105)
}

// outcomeUnknown reports whether a failed attempt of a change leaves open
// whether the API acted: the request was written and no answer of the API
// settles it. A 4500 proves the API did not act only when this request was
// written once; a copy the transport resent is refused as a replay of the
// first, which may have been acted on.
func outcomeUnknown(err error, tr attemptTrace) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code == CodeReplay && tr.resent
	}
	if errors.Is(err, ErrInsecureConnection) {
		return false
	}
	return tr.sent
}

func finalError(action string, attempt int, err error, ctx context.Context) error {
	var apiErr *APIError
	var respErr *ResponseError
	var argErr *ArgError
	if errors.As(err, &apiErr) || errors.As(err, &respErr) || errors.As(err, &argErr) {
		return err
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (last error: %v)", ctxErr, err)
	}
	return &RequestError{Action: action, Attempts: attempt, Err: err}
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

// target is where a module's requests go.
type target struct {
	scheme, host, path string
}

func (c *Client) target(module string) target {
	if c.endpoint != nil {
		return target{c.endpoint.Scheme, c.endpoint.Host, c.endpoint.Path}
	}
	return target{"https", module + apiDomain, apiPath}
}

// attemptTrace is what the transport did with one attempt.
type attemptTrace struct {
	// sent: the request may have reached the server (it was written, in
	// full or in part).
	sent bool
	// resent: the transport wrote it more than once (a silent retry on a
	// reused connection, or a retrying middleware).
	resent bool
}

// noReplayBody is the empty body of a GET that may change something: a
// request with a body and no GetBody is one net/http never resends by
// itself, where a bodiless GET is resent when a reused connection fails.
// An empty body is sent as no body at all.
type noReplayBody struct{}

func (noReplayBody) Read([]byte) (int, error) { return 0, io.EOF }
func (noReplayBody) Close() error             { return nil }

// send signs vals afresh and sends them once.
func (c *Client) send(ctx context.Context, t target, vals url.Values, safe bool, creds Credentials, secrets *secretSet) (hr *http.Response, body *bytes.Buffer, tr attemptTrace, err error) {
	vals.Set("SecretId", creds.SecretID)
	if !creds.Token.IsZero() {
		vals.Set("Token", creds.Token.Reveal())
	} else {
		vals.Del("Token")
	}
	vals.Set("Timestamp", strconv.FormatInt(c.clock.Now().Unix(), 10))
	vals.Set("Nonce", strconv.FormatUint(c.nonce(), 10))
	pairs := canonicalPairs(vals)
	sts := stringToSign(c.cfg.HTTPMethod, t.host, t.path, pairs)
	sig := appendSignature(nil, sts, creds.SecretKey.Reveal(), c.cfg.SignatureMethod)
	secrets.addSig(sig)
	form := encodeForm(pairs, sig)

	var writes atomic.Int32
	var insecure atomic.Pointer[string]
	trace := &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			if t.scheme != "https" || c.cfg.AllowInsecureTLS {
				return
			}
			// Checked on every connection, before the request is written:
			// however the transport is wrapped, a signed request never goes
			// over TLS that was not verified.
			if why := insecureConn(info.Conn); why != "" {
				insecure.Store(&why)
				_ = info.Conn.Close()
			}
		},
		WroteRequest: func(httptrace.WroteRequestInfo) { writes.Add(1) },
	}
	ctx = httptrace.WithClientTrace(ctx, trace)
	var req *http.Request
	base := t.scheme + "://" + t.host + t.path
	if c.cfg.HTTPMethod == http.MethodGet {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, base+"?"+form, nil)
		if req != nil && !safe {
			req.Body = noReplayBody{}
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, base, strings.NewReader(form))
		if req != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			// Without GetBody net/http cannot resend the form by itself.
			req.GetBody = nil
		}
	}
	if err != nil {
		return nil, nil, tr, fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Accept", "application/json")

	hr, err = c.hc.Do(req)
	n := writes.Load()
	tr = attemptTrace{sent: n > 0, resent: n > 1}
	if hr != nil {
		// The request handed back in Response.HTTPResponse must not carry
		// the signed query or a way to replay the signed form.
		hr.Request = scrubbed(hr.Request)
	}
	if why := insecure.Load(); why != nil {
		if hr != nil {
			hr.Body.Close()
		}
		return nil, nil, attemptTrace{}, fmt.Errorf("%w: %s; set Config.AllowInsecureTLS to accept it", ErrInsecureConnection, *why)
	}
	if err != nil {
		return nil, nil, tr, redact(err, base, sig, creds.Token.Reveal())
	}
	defer hr.Body.Close()
	body, err = readBody(hr)
	if err != nil {
		return hr, nil, tr, err
	}
	return hr, body, tr, nil
}

// insecureConn says why a connection must not carry a signed request, or ""
// when its TLS is verified and at least 1.2.
func insecureConn(conn net.Conn) string {
	cs, ok := conn.(interface{ ConnectionState() tls.ConnectionState })
	if !ok {
		return fmt.Sprintf("the connection (%T) does not report its TLS state", conn)
	}
	st := cs.ConnectionState()
	switch {
	case !st.HandshakeComplete:
		return "the TLS handshake is not complete"
	case st.Version < tls.VersionTLS12:
		return "the connection uses " + tls.VersionName(st.Version) + ", below TLS 1.2"
	case len(st.VerifiedChains) == 0:
		return "the server's certificate was not verified"
	}
	return ""
}

// scrubbed returns a shallow copy of req without its query, body or
// GetBody.
func scrubbed(req *http.Request) *http.Request {
	if req == nil {
		return nil
	}
	r := *req
	if req.URL != nil {
		u := *req.URL
		u.RawQuery, u.ForceQuery = "", false
		r.URL = &u
	}
	r.Body, r.GetBody, r.Form, r.PostForm = nil, nil, nil, nil
	// A request reached through a redirect links to the answer that caused
	// it, whose own Request is another signed request.
	r.Response = nil
	return &r
}

// errBodyTooLarge is the cause of a ResponseError for an oversized answer.
var errBodyTooLarge = fmt.Errorf("answer larger than %d bytes", maxBodyBytes)

// errCutShort is the cause of a ResponseError for an answer that ended
// before its end: the connection broke while the body was read.
var errCutShort = errors.New("answer cut short")

// bodies are the buffers answers are read into, reused across calls.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody is the largest buffer put back in the pool: an occasional
// huge answer is not kept alive.
const maxPooledBody = 1 << 20

func releaseBody(b *bytes.Buffer) {
	if b != nil && b.Cap() <= maxPooledBody {
		b.Reset()
		bodies.Put(b)
	}
}

// readBody reads an answer of at most maxBodyBytes into a pooled buffer,
// which the caller releases. It allocates for what arrives, not for what
// Content-Length claims.
func readBody(hr *http.Response) (*bytes.Buffer, error) {
	buf := bodies.Get().(*bytes.Buffer)
	if n := hr.ContentLength; n > 0 {
		buf.Grow(int(min(n, 64<<10)))
	}
	n, err := buf.ReadFrom(io.LimitReader(hr.Body, maxBodyBytes+1))
	if err != nil {
		releaseBody(buf)
		return nil, &ResponseError{HTTPStatusCode: hr.StatusCode, Reason: fmt.Sprintf("%v after %d bytes: %v", errCutShort, n, err),
			Err: fmt.Errorf("%w: %w", errCutShort, err)}
	}
	if n > maxBodyBytes {
		releaseBody(buf)
		return nil, &ResponseError{HTTPStatusCode: hr.StatusCode, Reason: errBodyTooLarge.Error(), Err: errBodyTooLarge}
	}
	return buf, nil
}

// encodeForm writes sorted pairs and the signature as a form body or query.
func encodeForm(pairs []pair, sig []byte) string {
	n := len(sig) + 16
	for _, p := range pairs {
		n += len(p.key) + len(p.value) + 2
	}
	var b strings.Builder
	b.Grow(n + n/8)
	for _, p := range pairs {
		b.WriteString(url.QueryEscape(p.key))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.value))
		b.WriteByte('&')
	}
	b.WriteString("Signature=")
	b.WriteString(url.QueryEscape(string(sig)))
	return b.String()
}

// newNonce returns a random positive integer below 2^63, as the Python SDK
// draws; the server accepts any.
func newNonce() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	n := binary.LittleEndian.Uint64(b[:]) >> 1
	if n == 0 {
		n = 1
	}
	return n
}

func newClientToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Backoff: capped exponential with full jitter.
const (
	backoffBase = 250 * time.Millisecond
	backoffCap  = 8 * time.Second
)

func backoff(attempt int) time.Duration {
	return RetryPolicy{BaseDelay: backoffBase, MaxDelay: backoffCap}.backoff(attempt)
}

// backoff is the delay before attempt+1: full jitter below a ceiling that
// doubles from BaseDelay up to MaxDelay.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	ceil := p.MaxDelay
	if shift := attempt - 1; shift < bits.Len64(uint64(p.MaxDelay/p.BaseDelay)) {
		ceil = min(p.MaxDelay, p.BaseDelay<<shift)
	}
	return time.Duration(mathrand.Int64N(int64(ceil))) + 1
}

// retryable says whether another attempt is worth making and safe.
// safe is true for calls that cannot act twice (reads, and creations that
// carry a clientToken).
func retryable(err error, sent, safe bool, codes ...[]int) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		for _, cs := range codes {
			if safe && slices.Contains(cs, apiErr.Code) {
				return true
			}
		}
		switch apiErr.Code {
		case CodeQuotaExceeded, CodeReplay, CodeServiceUnavailable:
			// The server refused the call before acting on it.
			return true
		case CodeInternal:
			return safe
		}
		return apiErr.HTTPStatusCode >= 500 && safe
	}
	var respErr *ResponseError
	if errors.As(err, &respErr) {
		// An HTML 502 from a proxy, an answer cut short and the like: the
		// call may or may not have been acted on.
		return safe && (respErr.HTTPStatusCode >= 500 || errors.Is(respErr, errCutShort))
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrInsecureConnection) {
		return false
	}
	// A transport error: safe calls always; others only if the request was
	// never written in full, so the server cannot have acted on it.
	return safe || !sent
}

// readOnly reports whether an action only reads. DescribeOrCreate-
// DefaultSecurityGroup creates at most one default group however often it is
// called, so it is safe to repeat too.
func readOnly(action string) bool {
	for _, p := range [...]string{"Describe", "Inquiry", "Get"} {
		if strings.HasPrefix(action, p) {
			return true
		}
	}
	return false
}

// tokenActions are the actions that take a clientToken for idempotency.
var tokenActions = map[string]bool{"RunInstances": true, "RunInstancesHour": true}
