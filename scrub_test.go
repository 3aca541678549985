package cvm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// observed is everything a call's error reaches: the error's text in every
// verb, the Debug and Warn log lines, and the hooks' errors.
type observed struct {
	mu    sync.Mutex
	texts []string
	log   bytes.Buffer
}

func (o *observed) hooks() Hooks {
	return Hooks{
		Call: func(ctx context.Context, _ CallInfo) (context.Context, func(CallResult)) {
			return ctx, func(r CallResult) { o.add(r.Err) }
		},
		Attempt: func(_ context.Context, a AttemptInfo) { o.add(a.Err) },
	}
}

func (o *observed) add(err error) {
	if err == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.texts = append(o.texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		o.texts = append(o.texts, e.Error())
	}
}

func (o *observed) all(err error) string {
	o.add(err)
	o.mu.Lock()
	defer o.mu.Unlock()
	return strings.Join(o.texts, "\n") + "\n" + o.log.String()
}

func observedClient(t *testing.T, mods ...func(*Config)) (*Client, *observed, func(method, u string, bodies ...string) *recorder) {
	o := &observed{}
	c, mt := setup(t, append([]func(*Config){func(cfg *Config) {
		cfg.Hooks = []Hooks{o.hooks()}
		cfg.Logger = slog.New(slog.NewTextHandler(&syncWriter{w: &o.log, mu: &o.mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}}, mods...)...)
	return c, o, func(method, u string, bodies ...string) *recorder { return answer(t, mt, method, u, bodies...) }
}

type syncWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

// TestUndecodableKeyPairAnswerHidesThePrivateKey (round 3, finding 1): a
// CreateKeyPair answer that cannot be decoded (a wrong type after the key,
// a body cut after it, data after it) is reported without any part of the
// key in the error, the log, or the hooks.
func TestUndecodableKeyPairAnswerHidesThePrivateKey(t *testing.T) {
	t.Parallel()
	const key = "-----BEGIN RSA PRIVATE KEY-----MIIEpQIBAAKCAQEAsecretmaterial"
	head := `{"code":0,"message":"","codeDesc":"Success","data":{"keyId":"skey-1","secretkey":"` + key + `"`
	for name, body := range map[string]string{
		"a wrong type after the key": head + `,"keyName":{"not":"a string"},"pubkey":"ssh-rsa AAAA"}}`,
		"a body cut after the key":   head + `,"keyName":"dep`,
		"data after the answer":      head + `,"keyName":"deploy","pubkey":"ssh-rsa AAAA"}} trailing`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, o, answerWith := observedClient(t)
			answerWith(http.MethodPost, cvmURL, body)
			_, _, err := c.KeyPairs.Create(context.Background(), "deploy")
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrBadResponse)
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			assert.Empty(t, re.Body, "no snippet of an answer that carries a secret")
			all := o.all(err)
			for _, part := range []string{"secretmaterial", "MIIEpQ", "PRIVATE KEY"} {
				assert.NotContains(t, all, part)
			}
			assert.Contains(t, err.Error(), "CreateKeyPair")
		})
	}
}

// TestSnippetsHideSecretFields: the snippet of an undecodable answer of an
// action that does not usually carry a secret still has the values of
// secret-bearing names replaced, whole or cut short.
func TestSnippetsHideSecretFields(t *testing.T) {
	t.Parallel()
	c, o, answerWith := observedClient(t)
	answerWith(http.MethodPost, cvmURL,
		`{"code":0,"password":"Hunter2Hunter2","Token":"tok-AAAA-leak","TmpSecretKey":"tmpkey-leak","PrivateKey":"-----BEGIN OPENSSH PRIVATE KEY-----leakleakleakleakleakleakleak`)
	err := c.Do(context.Background(), "cvm", "DescribeInstances", nil, nil)
	require.Error(t, err)
	var re *ResponseError
	require.ErrorAs(t, err, &re)
	assert.NotEmpty(t, re.Body)
	all := o.all(err)
	for _, v := range []string{"Hunter2", "tok-AAAA", "tmpkey-leak", "BEGIN OPENSSH", "leakleak"} {
		assert.NotContains(t, all, v)
	}
	assert.Contains(t, re.Body, `"password":"REDACTED"`)
}

// TestErrorsCarryNoSignatureHoweverQuoted (round 3, finding 2): with GET, a
// RoundTripper that quotes the request's URL in its own error (as
// go-retryablehttp's "giving up" error does, and cut short, as a log
// formatter might) gives an error whose text, logs and hooks hold neither
// the signature nor the token nor the key, while errors.Is and errors.As
// still reach the cause.
func TestErrorsCarryNoSignatureHoweverQuoted(t *testing.T) {
	t.Parallel()
	errGaveUp := errors.New("connection reset")
	var mu sync.Mutex
	var sigs []string
	rt := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		sigs = append(sigs, req.URL.Query().Get("Signature"))
		mu.Unlock()
		u := req.URL.Redacted()
		return nil, fmt.Errorf("%s %s giving up after 3 attempt(s): %w (first try: %s...)", req.Method, u, errGaveUp, u[:len(u)-8])
	})
	c, o, _ := observedClient(t, func(cfg *Config) {
		cfg.SecretKey, cfg.Token, cfg.HTTPMethod, cfg.MaxAttempts = NewSecret("the-secret-key-value"), NewSecret(testToken), "GET", 2
		cfg.HTTPClient = &http.Client{Transport: rt}
	})
	for _, call := range []func() error{
		func() error { _, _, err := c.Instances.List(context.Background(), nil); return err },
		func() error { _, _, err := c.Instances.Stop(context.Background(), "ins-1"); return err },
	} {
		err := call()
		require.Error(t, err)
		assert.ErrorIs(t, err, errGaveUp, "the cause is still reachable")
		var ue *url.Error
		require.ErrorAs(t, err, &ue)
		all := o.all(err)
		mu.Lock()
		require.NotEmpty(t, sigs)
		for _, sig := range sigs {
			for _, form := range []string{sig, url.QueryEscape(sig), url.QueryEscape(sig)[:12]} {
				assert.NotContains(t, all, form)
			}
		}
		mu.Unlock()
		for _, secret := range []string{testToken, url.QueryEscape(testToken), "the-secret-key-value"} {
			assert.NotContains(t, all, secret)
		}
		assert.Contains(t, all, "Signature=REDACTED")
	}
}

// TestProxyPageEchoingTheRequestIsScrubbed: an HTML error page that echoes
// the signed form back is quoted without the signature or the token.
func TestProxyPageEchoingTheRequestIsScrubbed(t *testing.T) {
	t.Parallel()
	var echoed string
	c, o, _ := observedClient(t, func(cfg *Config) {
		cfg.Token = NewSecret(testToken)
		cfg.HTTPClient = &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(req.Body)
			echoed = string(b)
			vals, _ := url.ParseQuery(string(b))
			page := "<html>502 Bad Gateway: the request Signature=" + url.QueryEscape(vals.Get("Signature")) + "&Token=" + vals.Get("Token") + " was refused"
			return &http.Response{StatusCode: 502, Body: io.NopCloser(strings.NewReader(page)), Header: http.Header{}, Request: req}, nil
		})}
	})
	_, _, err := c.Instances.List(context.Background(), nil)
	require.Error(t, err)
	vals, perr := url.ParseQuery(echoed)
	require.NoError(t, perr)
	all := o.all(err)
	for _, secret := range []string{vals.Get("Signature"), url.QueryEscape(vals.Get("Signature")), testToken} {
		require.NotEmpty(t, secret)
		assert.NotContains(t, all, secret)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestLoginPasswordNeverQuotedUnderV1: under API 3.0 with signature v1
// (a form), a proxy page echoing the request quotes the login password
// under LoginSettings.Password, a dotted name the scrubber once matched
// only at the start; and under another name, which only its value tells.
// Neither reaches the error, the Debug log or the hooks.
func TestLoginPasswordNeverQuotedUnderV1(t *testing.T) {
	t.Parallel()
	const password = "Reinst-Pa55w0rd"
	for name, echo := range map[string]func(form url.Values) string{
		"the form as sent": func(form url.Values) string { return form.Encode() },
		"under another name": func(form url.Values) string {
			return "refused: x=" + url.QueryEscape(form.Get("LoginSettings.Password")) + " and " + form.Get("LoginSettings.Password")
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var sent url.Values
			c, o, _ := observedClient(t, func(cfg *Config) {
				cfg.API, cfg.Endpoint, cfg.API3SignatureMethod = API3, "http://127.0.0.1:9", SignatureHmacSHA256
				cfg.HTTPClient = &http.Client{Transport: roundTripFunc(func(req *http.Request) (*http.Response, error) {
					b, _ := io.ReadAll(req.Body)
					sent, _ = url.ParseQuery(string(b))
					page := "<html>502 Bad Gateway: " + echo(sent)
					return &http.Response{StatusCode: 502, Body: io.NopCloser(strings.NewReader(page)), Header: http.Header{}, Request: req}, nil
				})}
			})
			_, _, err := c.Instances.Reinstall(context.Background(), &InstanceReinstallRequest{InstanceID: "ins-12345678", Password: password})
			require.Error(t, err)
			require.Equal(t, password, sent.Get("LoginSettings.Password"), "the form carries it, under its dotted name: %v", err)
			all := o.all(err)
			assert.NotContains(t, all, password)
			assert.NotContains(t, all, url.QueryEscape(password))
			assert.Contains(t, all, "REDACTED")
		})
	}
}

// TestSecretNames: a name holds a secret at any of its segments, in any
// case; SecretId and ClientToken do not.
func TestSecretNames(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"password": true, "Password": true, "LoginSettings.Password": true, "loginSettings.password": true,
		"LoginSettings%2EPassword": true, "Signature": true, "Token": true, "X-TC-Token": true, "SecretKey": true,
		"KeyPair.PrivateKey": true, "private_key": true, "passwd": true,
		"SecretId": false, "ClientToken": false, "InstanceIds.0": false, "LoginSettings.KeyIds.0": false, "": false,
	} {
		assert.Equal(t, want, secretName(name), name)
	}
	assert.Equal(t, "a=1&LoginSettings.Password=REDACTED&b=2", scrubNamed("a=1&LoginSettings.Password=hunter22&b=2"))
}
