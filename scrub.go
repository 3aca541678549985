package cvm

import (
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
	// secretQueryField matches name=value of a query or form parameter
	// whose name holds a secret.
	secretQueryField = regexp.MustCompile(`(?i)((?:^|[?&;\s"'(])(?:Signature|Token|SecretKey|Password|secretkey|sessionToken)=)[^&\s"')]*`)
)

// scrubNamed replaces the values of secret-bearing names in s.
func scrubNamed(s string) string {
	s = secretJSONField.ReplaceAllString(s, `${1}"`+redacted+`"`)
	return secretQueryField.ReplaceAllString(s, "${1}"+redacted)
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
