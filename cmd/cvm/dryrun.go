package main

// --dry-run: every request that would change something is printed (its
// secrets redacted) instead of being sent. Reads go through, so that a
// command that looks things up first (a zone's name, the rules it edits)
// shows the change it would really make.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// errDryRun is what the dry-run transport answers a change with.
var errDryRun = errors.New("not sent (--dry-run)")

// wouldSend is a request --dry-run did not send.
type wouldSend struct {
	Method string
	URL    string
	Action string
	// Params are the request's parameters: the legacy query or form, or
	// API 3.0's JSON body; secrets and the signature redacted.
	Params any
}

// dryRunTransport passes reads to next and keeps changes.
type dryRunTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	kept []wouldSend
}

func (t *dryRunTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	w, err := describeRequest(req)
	if err != nil {
		return nil, err
	}
	if reads(w.Action) {
		return t.next.RoundTrip(req)
	}
	t.mu.Lock()
	t.kept = append(t.kept, w)
	t.mu.Unlock()
	return nil, errDryRun
}

// reads reports whether an action only reads, by the naming both
// contracts follow: Describe… and Inquiry… read (DescribeOrCreate… may
// create); everything else may change something.
func reads(action string) bool {
	return (strings.HasPrefix(action, "Describe") && !strings.HasPrefix(action, "DescribeOrCreate")) ||
		strings.HasPrefix(action, "Inquiry")
}

// describeRequest reads a request's action and parameters without
// consuming its body.
func describeRequest(req *http.Request) (wouldSend, error) {
	u := *req.URL
	u.RawQuery = ""
	w := wouldSend{Method: req.Method, URL: u.String(), Action: req.Header.Get("X-TC-Action")}
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return w, err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(b))
		body = b
	}
	if w.Action != "" && strings.Contains(req.Header.Get("Content-Type"), "json") {
		var m any
		if err := json.Unmarshal(body, &m); err == nil {
			w.Params = redactJSON(m)
			return w, nil
		}
	}
	vals := req.URL.Query()
	if len(body) > 0 {
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range form {
				vals[k] = v
			}
		}
	}
	if w.Action == "" {
		w.Action = vals.Get("Action")
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	o := make(object, 0, len(keys))
	for _, k := range keys {
		v := vals.Get(k)
		if secretName(k) {
			v = "REDACTED"
		}
		o = append(o, field{k, v})
	}
	w.Params = o
	return w, nil
}

// secretName reports whether a parameter of this name (at any segment:
// LoginSettings.Password, password) holds a secret.
func secretName(name string) bool {
	for _, seg := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '.' || r == '_' || r == '-' }) {
		switch {
		case strings.Contains(seg, "password"), strings.Contains(seg, "secretkey"), seg == "signature",
			strings.Contains(seg, "token") && seg != "clienttoken", strings.Contains(seg, "privatekey"):
			return true
		}
	}
	return false
}

func redactJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := make(object, 0, len(keys))
		for _, k := range keys {
			if secretName(k) {
				o = append(o, field{k, "REDACTED"})
				continue
			}
			o = append(o, field{k, redactJSON(t[k])})
		}
		return o
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = redactJSON(e)
		}
		return out
	}
	return v
}
