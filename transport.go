package cvm

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

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

// requestIDOf reads the id an answer carries in its headers, if any.
func requestIDOf(hr *http.Response) string {
	for _, h := range [...]string{"X-Request-Id", "X-Tc-Requestid", "Request-Id"} {
		if v := hr.Header.Get(h); v != "" {
			return v
		}
	}
	return ""
}

// target is where a module's requests go.
type target struct {
	scheme, host, path string
}

func (c *Client) target(module string) target {
	if c.endpoint != nil {
		path := c.endpoint.Path
		if c.api == API3 {
			path = apiPath // the endpoint is API 3.0's base; Do still reaches the legacy API beside it
		}
		return target{c.endpoint.Scheme, c.endpoint.Host, path}
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

func (noReplayBody) Close() error { return nil }

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
	sts := appendStringToSign(nil, c.cfg.HTTPMethod, t.host, t.path, pairs)
	sig := appendSignature(nil, sts, creds.SecretKey.Reveal(), c.cfg.SignatureMethod)
	secrets.addSig(sig)
	form := encodeForm(pairs, sig)

	var req *http.Request
	var err2 error
	base := t.scheme + "://" + t.host + t.path
	if c.cfg.HTTPMethod == http.MethodGet {
		req, err2 = http.NewRequestWithContext(ctx, http.MethodGet, base+"?"+form, nil)
		if req != nil && !safe {
			req.Body = noReplayBody{}
		}
	} else {
		req, err2 = http.NewRequestWithContext(ctx, http.MethodPost, base, strings.NewReader(form))
		if req != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			// Without GetBody net/http cannot resend the form by itself.
			req.GetBody = nil
		}
	}
	if err2 != nil {
		return nil, nil, tr, fmt.Errorf("building request: %w", err2)
	}
	return c.roundTrip(req, t.scheme, base)
}

// roundTrip sends a signed request once and reads its answer: every
// connection's TLS is checked before the request is written, the writes
// are counted (a resend by a middleware or the transport is seen), and the
// request handed back carries neither its signed query nor its body.
func (c *Client) roundTrip(req *http.Request, scheme, base string) (hr *http.Response, body *bytes.Buffer, tr attemptTrace, err error) {
	var writes atomic.Int32
	var insecure atomic.Pointer[string]
	trace := &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			if scheme != "https" || c.cfg.AllowInsecureTLS {
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
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Accept", "application/json")

	hr, err = c.hc.Do(req)
	n := writes.Load()
	tr = attemptTrace{sent: n > 0, resent: n > 1}
	if hr != nil {
		// The request handed back in Response.HTTPResponse must not carry
		// the signed query or a way to replay the signed body.
		hr.Request = scrubbed(hr.Request)
	}
	if why := insecure.Load(); why != nil {
		if hr != nil {
			hr.Body.Close()
		}
		return nil, nil, attemptTrace{}, fmt.Errorf("%w: %s; set Config.AllowInsecureTLS to accept it", ErrInsecureConnection, *why)
	}
	if err != nil {
		// The call scrubs the error's text of what it sent (secretSet).
		return nil, nil, tr, pointURLsAt(err, base)
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

// resolveHTTPClient returns the client requests go through: the default,
// or the caller's copied so that it follows no redirect (a signed request
// never goes to another host, whatever the caller's client would do), and
// refused when its transport weakens TLS without AllowInsecureTLS.
func resolveHTTPClient(cfg Config) (*http.Client, error) {
	if cfg.HTTPClient == nil {
		return defaultHTTPClient(), nil
	}
	hc := *cfg.HTTPClient
	hc.CheckRedirect = noRedirects
	if t, ok := hc.Transport.(*http.Transport); ok && t.TLSClientConfig != nil {
		weak := t.TLSClientConfig.InsecureSkipVerify ||
			t.TLSClientConfig.MinVersion != 0 && t.TLSClientConfig.MinVersion < tls.VersionTLS12
		switch {
		case weak && !cfg.AllowInsecureTLS:
			return nil, &ArgError{Arg: "Config.HTTPClient", Reason: "its transport skips certificate verification or allows TLS below 1.2; set AllowInsecureTLS to accept that"}
		case weak && cfg.Logger != nil:
			cfg.Logger.Warn("cvm: the HTTP client does not verify TLS certificates or allows TLS below 1.2")
		}
	}
	return &hc, nil
}
