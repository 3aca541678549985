package cvm

// A codec is one contract's wire form: it puts a call on its wire (a signed
// request, sent once) and takes the answer off it. The call path above it
// (limiter, attempts, retries, hooks, scrubbing, credentials) is written
// once and knows no contract; each call holds exactly one codec.

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
)

// codec is a call's contract.
type codec interface {
	// send signs the call afresh with creds and sends it once, recording
	// what it sent that the call's errors must not quote.
	send(ctx context.Context, c *Client, creds Credentials, secrets *secretSet) (*http.Response, *bytes.Buffer, attemptTrace, error)
	// decode reads an answer into out, or returns the error it is, with
	// the request id the answer's body carries (API 3.0's RequestId; ""
	// where the contract puts it in a header only).
	decode(action string, status int, body []byte, out any) (string, error)
	// resource names what the call changes, for OutcomeUnknownError.
	resource(action string) string
}

// legacyCodec is the legacy contract: form or query parameters signed
// with HMAC to the module's host, and the legacy envelope.
type legacyCodec struct {
	target target
	vals   url.Values
	safe   bool // a retry cannot do the call twice: GET is allowed
}

func (l *legacyCodec) send(ctx context.Context, c *Client, creds Credentials, secrets *secretSet) (*http.Response, *bytes.Buffer, attemptTrace, error) {
	return c.send(ctx, l.target, l.vals, l.safe, creds, secrets)
}

func (l *legacyCodec) decode(action string, status int, body []byte, out any) (string, error) {
	return "", decodeBody(action, status, body, out)
}

func (l *legacyCodec) resource(action string) string { return resourceKind(action) }

// api3Codec is API 3.0: JSON members signed with TC3 (or v1) to the
// service's host, and the Response envelope.
type api3Codec struct{ call *call3 }

func (a *api3Codec) send(ctx context.Context, c *Client, creds Credentials, secrets *secretSet) (*http.Response, *bytes.Buffer, attemptTrace, error) {
	return c.send3(ctx, a.call, creds, secrets)
}

func (a *api3Codec) decode(action string, status int, body []byte, out any) (string, error) {
	return decodeAnswer3(action, status, body, out)
}

func (a *api3Codec) resource(string) string { return resourceKind3(a.call.service, a.call.action) }
