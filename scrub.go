package cvm

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// What an error text may quote of a request or an answer is scrubbed of
// secrets in two ways: by value (the signature, token and key a call sent,
// in every encoding a URL or a form gives them) and by name (any value
// under a name that holds secrets, in a JSON snippet or a query string,
// which catches a value cut short or one this client never sent).

var (
	// secretJSONField matches a JSON member whose name holds a secret, and
	// its value, a string (possibly cut short by the snippet) or a bare
	// literal.
	secretJSONField = regexp.MustCompile(`(?i)("[^"]*(?:secret|passw(?:or)?d|token|private_?key|signature|credential)[^"]*"\s*:\s*)(?:"(?:[^"\\]|\\.)*"?\\?|[^,}\]\s]+)`)
	// queryField matches name=value of a query or form parameter, its
	// name dotted or not ("LoginSettings.Password"); scrubNamed redacts the
	// value when secretName says the name holds a secret.
	queryField = regexp.MustCompile(`((?:^|[?&;\s"'(])([A-Za-z0-9_.\-\[\]%]+)=)([^&\s"')]*)`)
)

// scrubNamed replaces the values of secret-bearing names in s.
func scrubNamed(s string) string {
	s = secretJSONField.ReplaceAllString(s, `${1}"`+redacted+`"`)
	if !strings.Contains(s, "=") {
		return s
	}
	return queryField.ReplaceAllStringFunc(s, func(m string) string {
		sub := queryField.FindStringSubmatch(m)
		if !secretName(sub[2]) {
			return m
		}
		return sub[1] + redacted
	})
}

// secretName reports whether a parameter name holds a secret at any of
// its segments: "password", "Password", "LoginSettings.Password",
// "Signature", "Token", "X-TC-Token", "SecretKey", "PrivateKey"; not
// SecretId, nor ClientToken (an idempotency key, not a credential).
func secretName(name string) bool {
	if strings.IndexByte(name, '%') >= 0 {
		if u, err := url.QueryUnescape(name); err == nil {
			name = u
		}
	}
	for name != "" {
		seg := name
		if i := strings.IndexAny(name, ".[]"); i >= 0 {
			seg, name = name[:i], name[i+1:]
		} else {
			name = ""
		}
		if secretSegment(seg) {
			return true
		}
	}
	return false
}

// secretWords are what the name of a secret-bearing parameter holds, in
// any case.
var secretWords = [...]string{"passw", "secret", "token", "signature", "privatekey", "private_key", "credential"}

// secretSegment reports whether one segment of a name holds a secret,
// without allocating (every parameter of every call is asked).
func secretSegment(seg string) bool {
	if strings.EqualFold(seg, "secretid") || strings.EqualFold(seg, "clienttoken") {
		return false
	}
	for _, w := range secretWords {
		for i := 0; i+len(w) <= len(seg); i++ {
			if strings.EqualFold(seg[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}

// addNamed adds to the set the values of a call's parameters whose names
// hold secrets (a login password, say), so that no error quotes them in
// any form, under any name.
func (s *secretSet) addNamed(vals url.Values) {
	for k, vs := range vals {
		if secretName(k) {
			for _, v := range vs {
				s.add(v)
			}
		}
	}
}

// addNamedJSON is addNamed for the members of an API 3.0 body, at any
// depth ("LoginSettings": {"Password": ...}). A body that names no secret
// is not parsed.
func (s *secretSet) addNamedJSON(body []byte) {
	named := false
	for _, w := range secretBodyWords {
		if bytes.Contains(body, w) {
			named = true
			break
		}
	}
	if !named {
		return // the common case: a few fast scans, no allocation
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	var walk func(name string, v any)
	walk = func(name string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				walk(k, e)
			}
		case []any:
			for _, e := range t {
				walk(name, e)
			}
		case string:
			if secretName(name) {
				s.add(t)
			}
		}
	}
	walk("", v)
}

// secretSet collects the secrets a call has sent (each attempt's
// signature, the token and the key) so that no error of the call quotes
// them, however its causes are wrapped or formatted.
type secretSet struct {
	sigs [][]byte
	strs []string
}

func (s *secretSet) addSig(sig []byte) { s.sigs = append(s.sigs, sig) }

func (s *secretSet) add(v string) {
	if v != "" && !slices.Contains(s.strs, v) {
		s.strs = append(s.strs, v)
	}
}

// text returns msg with every collected secret, raw or URL-encoded, and
// every value under a secret-bearing name replaced.
func (s *secretSet) text(msg string) string {
	replace := func(secret string) {
		if len(secret) < 4 {
			return // too short to tell from ordinary text
		}
		for _, form := range [...]string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
			msg = strings.ReplaceAll(msg, form, redacted)
		}
	}
	if s != nil {
		for _, sig := range s.sigs {
			replace(string(sig))
		}
		for _, v := range s.strs {
			replace(v)
		}
	}
	return scrubNamed(msg)
}

// wrap returns err unchanged when neither its text nor any cause's quotes
// a secret, and otherwise an error with the scrubbed text through which
// errors.Is and errors.As still reach every cause.
func (s *secretSet) wrap(err error) error {
	if err == nil {
		return nil
	}
	quoted := false
	eachCause(err, func(e error) {
		if msg := e.Error(); !quoted && s.text(msg) != msg {
			quoted = true
		}
	})
	if !quoted {
		return err
	}
	// Without Unwrap: no cause's text is one errors.Unwrap away.
	return &redactedError{msg: s.text(err.Error()), cause: err}
}

// scrub returns err, of the same type, with every text it carries
// scrubbed: an API error's message and items, a response error's reason
// and body, and every cause, however deep.
func (s *secretSet) scrub(err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *APIError:
		c := *e
		c.Message, c.CodeDesc = s.text(e.Message), s.text(e.CodeDesc)
		if len(e.Items) > 0 {
			c.Items = slices.Clone(e.Items)
			for i := range c.Items {
				c.Items[i].Message = s.text(c.Items[i].Message)
			}
		}
		return &c
	case *ResponseError:
		c := *e
		c.Reason, c.Body, c.Err = s.text(e.Reason), s.text(e.Body), s.wrap(e.Err)
		return &c
	case *RequestError:
		c := *e
		c.Err = s.wrap(e.Err)
		return &c
	case *OutcomeUnknownError:
		c := *e
		c.Err = s.scrub(e.Err)
		return &c
	case *ArgError:
		return err
	}
	return s.wrap(err)
}

// redactedError carries the text of a transport error with every secret of
// the request replaced, while errors.Is and errors.As still reach the cause
// (context.DeadlineExceeded, *net.OpError, ...). It has no Unwrap, so the
// cause's own text is not one errors.Unwrap away.
type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Is(target error) bool { return errors.Is(e.cause, target) }

func (e *redactedError) As(target any) bool { return errors.As(e.cause, target) }

// eachCause calls f with err and every error it wraps, however deep
// (errors.Join and multiple %w included).
func eachCause(err error, f func(error)) {
	for err != nil {
		f(err)
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				eachCause(inner, f)
			}
			return
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		default:
			return
		}
	}
}

// pointURLsAt points every *url.Error in err's chain at base, the
// endpoint without the signed query, so that a cause reached through
// errors.As shows no Signature either.
func pointURLsAt(err error, base string) error {
	eachCause(err, func(e error) {
		if ue, ok := e.(*url.Error); ok {
			ue.URL = base
		}
	})
	return err
}

// secretBodyWords are what a body that names a secret member holds, in the
// cases JSON members are written in (Password, password, PASSWORD; the
// first letter left out so that either case of it matches).
var secretBodyWords = [][]byte{[]byte("assw"), []byte("ASSW"), []byte("ecret"), []byte("ECRET"), []byte("oken"),
	[]byte("OKEN"), []byte("rivateKey"), []byte("rivatekey"), []byte("RIVATEKEY")}
