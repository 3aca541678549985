package cvm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mathrand "math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/qcloud-legacy/cvm/internal/clock"
)

// Credentials are what a call is signed with: a key pair and, for temporary
// credentials, a session Token and when they expire.
//
// Printed with any fmt verb, marshalled (JSON, text, gob) or logged with
// log/slog, Credentials show the SecretID, the source and the expiry only;
// the key and Token are [Secret]s.
type Credentials struct {
	SecretID  string
	SecretKey Secret
	Token     Secret
	// Expires is when temporary credentials stop working; zero for a
	// long-lived key.
	Expires time.Time
	// Source names where they came from ("environment", "instance role
	// CVMRole", ...), for messages.
	Source string
}

// redactedCredentials is what Credentials show of themselves.
type redactedCredentials struct {
	SecretID  string
	SecretKey string    `json:",omitempty"`
	Token     string    `json:",omitempty"`
	Expires   time.Time `json:",omitzero"`
	Source    string    `json:",omitempty"`
}

func (c Credentials) redacted() redactedCredentials {
	r := redactedCredentials{SecretID: c.SecretID, Expires: c.Expires, Source: c.Source}
	r.SecretKey, r.Token = c.SecretKey.String(), c.Token.String()
	return r
}

// String shows the SecretID, the source and the expiry.
func (c Credentials) String() string {
	s := "cvm.Credentials{SecretID: " + c.SecretID
	if c.Source != "" {
		s += ", Source: " + c.Source
	}
	if !c.Expires.IsZero() {
		s += ", Expires: " + c.Expires.UTC().Format(time.RFC3339)
	}
	return s + "}"
}

// Format prints String for every verb.
func (c Credentials) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// MarshalJSON marshals the Credentials with the key and Token redacted.
func (c Credentials) MarshalJSON() ([]byte, error) { return json.Marshal(c.redacted()) }

// MarshalText returns String.
func (c Credentials) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// GobEncode encodes nothing: Credentials do not travel through gob.
func (c Credentials) GobEncode() ([]byte, error) { return []byte{}, nil }

// GobDecode leaves the Credentials empty.
func (c *Credentials) GobDecode([]byte) error { *c = Credentials{}; return nil }

// LogValue logs the SecretID, the source and the expiry.
func (c Credentials) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("secret_id", c.SecretID)}
	if c.Source != "" {
		attrs = append(attrs, slog.String("source", c.Source))
	}
	if !c.Expires.IsZero() {
		attrs = append(attrs, slog.Time("expires", c.Expires))
	}
	return slog.GroupValue(attrs...)
}

// Expired reports whether the credentials have expired at now.
func (c Credentials) Expired(now time.Time) bool {
	return !c.Expires.IsZero() && !now.Before(c.Expires)
}

// CredentialsProvider gives the credentials to sign calls with. The client
// asks before every attempt, through a [CredentialsCache] it adds unless the
// provider is one already, so a provider may fetch on every Retrieve.
//
// A provider that finds its source not configured (no variable set, no
// file, not on a CVM instance) returns an error matching [ErrNoCredentials],
// and a chain moves on to the next source; any other error means the source
// is configured but broken, and stops the chain.
type CredentialsProvider interface {
	Retrieve(ctx context.Context) (Credentials, error)
}

// CredentialsProviderFunc adapts a function to [CredentialsProvider].
type CredentialsProviderFunc func(ctx context.Context) (Credentials, error)

// Retrieve calls f.
func (f CredentialsProviderFunc) Retrieve(ctx context.Context) (Credentials, error) { return f(ctx) }

// StaticCredentials returns a provider of fixed credentials.
func StaticCredentials(secretID, secretKey, token string) CredentialsProvider {
	c := Credentials{SecretID: secretID, SecretKey: NewSecret(secretKey), Token: NewSecret(token), Source: "static"}
	return staticProvider{c}
}

type staticProvider struct{ c Credentials }

func (p staticProvider) Retrieve(context.Context) (Credentials, error) { return p.c, nil }
func (p staticProvider) quotaKey() string                              { return p.c.SecretID }

// quotaKeyer is implemented by this package's providers: the name of the
// account whose quota the credentials draw on, stable across refreshes of
// temporary keys.
type quotaKeyer interface{ quotaKey() string }

// ErrNoCredentials matches the error of a provider whose source is not
// configured, and that of [ConfigFromEnv] and [CredentialsChain] when no
// source is.
var ErrNoCredentials = errors.New("cvm: no credentials found")

// NoCredentialsError is the error of a chain in which no source is
// configured. It lists every source tried and matches [ErrNoCredentials].
type NoCredentialsError struct {
	// Tried says, for each source in order, why it did not apply.
	Tried []string
}

// Error returns one line listing every source tried.
func (e *NoCredentialsError) Error() string {
	return "cvm: no credentials found; tried " + strings.Join(e.Tried, "; ")
}

// Is reports whether target is ErrNoCredentials.
func (e *NoCredentialsError) Is(target error) bool { return target == ErrNoCredentials }

// CredentialsError is the error of a configured source that is broken (a
// half-set pair, a malformed file, a failed metadata or STS answer). It names
// the source, never its secrets.
type CredentialsError struct {
	// Source names the source, such as "environment" or
	// "credentials file /home/me/.tencentcloud/credentials".
	Source string
	// Reason says what is wrong.
	Reason string
	// Err is the cause, if any.
	Err error
}

// Error returns one line naming the source and the reason.
func (e *CredentialsError) Error() string {
	s := "cvm: credentials from " + e.Source + ": " + e.Reason
	if e.Err != nil {
		s += ": " + oneLine(e.Err.Error())
	}
	return s
}

// Unwrap returns the cause.
func (e *CredentialsError) Unwrap() error { return e.Err }

// notConfigured is a source's "not configured" answer.
func notConfigured(source, why string) error {
	return fmt.Errorf("%s: %s: %w", source, why, ErrNoCredentials)
}

// CredentialsChain returns a provider that asks each provider in turn, the
// first time it is asked, and then keeps to the first one that answered:
// sources are never mixed. A provider whose source is not configured is
// skipped; one that is configured but broken stops the chain with its
// error. With none configured, the error is a [*NoCredentialsError] listing
// every source tried.
func CredentialsChain(providers ...CredentialsProvider) CredentialsProvider {
	return &chain{providers: providers}
}

type chain struct {
	providers []CredentialsProvider
	mu        sync.Mutex
	chosen    CredentialsProvider
}

func (c *chain) Retrieve(ctx context.Context) (Credentials, error) {
	c.mu.Lock()
	p := c.chosen
	c.mu.Unlock()
	if p != nil {
		return p.Retrieve(ctx)
	}
	var tried []string
	for _, p := range c.providers {
		creds, err := p.Retrieve(ctx)
		switch {
		case err == nil:
			c.mu.Lock()
			c.chosen = p
			c.mu.Unlock()
			return creds, nil
		case errors.Is(err, ErrNoCredentials):
			tried = append(tried, strings.TrimSuffix(strings.TrimPrefix(err.Error(), "cvm: "), ": "+ErrNoCredentials.Error()))
		default:
			return Credentials{}, err
		}
	}
	return Credentials{}, &NoCredentialsError{Tried: tried}
}

func (c *chain) quotaKey() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.chosen.(quotaKeyer); ok {
		return k.quotaKey()
	}
	return ""
}

// Refresh margins: credentials are refreshed CredentialsRefreshMargin before
// they expire (Tencent's SDKs use 300 s), less a random part of up to a
// quarter of it, so that many clients do not refresh at one instant.
const CredentialsRefreshMargin = 300 * time.Second

// credentialsRetryAfter is how long a cache waits after a failed refresh
// before trying again, while it serves credentials that are still valid.
const credentialsRetryAfter = 10 * time.Second

// CredentialsCache wraps a provider: it keeps the credentials it got until
// shortly before they expire, refreshes them once however many goroutines
// ask (single flight), keeps serving credentials that are still valid while
// a refresh fails, and never blocks a caller past its context. Every Client
// wraps its provider in one unless it is one already.
type CredentialsCache struct {
	provider CredentialsProvider
	clock    clock.Clock

	mu        sync.Mutex
	creds     Credentials
	have      bool
	refreshAt time.Time // when to refresh in the background
	lastErr   error
	flight    *credentialsFlight
}

type credentialsFlight struct {
	done  chan struct{}
	creds Credentials
	err   error
}

// NewCredentialsCache returns a cache around p.
func NewCredentialsCache(p CredentialsProvider) *CredentialsCache {
	if c, ok := p.(*CredentialsCache); ok {
		return c
	}
	return &CredentialsCache{provider: p, clock: clock.Real{}}
}

// Retrieve returns the cached credentials, refreshing them as needed.
func (c *CredentialsCache) Retrieve(ctx context.Context) (Credentials, error) {
	now := c.clock.Now()
	c.mu.Lock()
	if c.have && !c.creds.Expired(now) {
		creds := c.creds
		if !c.creds.Expires.IsZero() && !now.Before(c.refreshAt) && c.flight == nil {
			// Due for a refresh, still valid: refresh in the background and
			// serve what we have meanwhile.
			c.startLocked()
		}
		c.mu.Unlock()
		return creds, nil
	}
	f := c.flight
	if f == nil {
		if c.lastErr != nil && now.Before(c.refreshAt) {
			err := c.lastErr
			c.mu.Unlock()
			return Credentials{}, err
		}
		f = c.startLocked()
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.creds, f.err
	case <-ctx.Done():
		return Credentials{}, fmt.Errorf("cvm: waiting for credentials: %w", ctx.Err())
	}
}

// Invalidate drops the cached credentials, so that the next Retrieve
// fetches new ones: for example after the API refused them.
func (c *CredentialsCache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.have, c.lastErr = false, nil
}

func (c *CredentialsCache) quotaKey() string {
	if k, ok := c.provider.(quotaKeyer); ok {
		return k.quotaKey()
	}
	return ""
}

// startLocked starts one refresh. c.mu must be held.
func (c *CredentialsCache) startLocked() *credentialsFlight {
	f := &credentialsFlight{done: make(chan struct{})}
	c.flight = f
	go func() {
		// The refresh is shared: no one caller's context may cancel it.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		creds, err := c.provider.Retrieve(ctx)
		now := c.clock.Now()
		c.mu.Lock()
		defer c.mu.Unlock()
		switch {
		case err == nil && (creds.SecretID == "" || creds.SecretKey.IsZero()):
			err = &CredentialsError{Source: sourceOf(creds), Reason: "the provider returned an empty key"}
		case err == nil && creds.Expired(now):
			err = &CredentialsError{Source: sourceOf(creds), Reason: "the provider returned expired credentials"}
		}
		if err != nil {
			c.lastErr = err
			c.refreshAt = now.Add(credentialsRetryAfter)
			if c.have && !c.creds.Expired(now) {
				// Keep serving what is still valid.
				f.creds = c.creds
			} else {
				f.err = err
			}
		} else {
			c.creds, c.have, c.lastErr = creds, true, nil
			c.refreshAt = refreshTime(now, creds.Expires)
			f.creds = creds
		}
		c.flight = nil
		close(f.done)
	}()
	return f
}

func sourceOf(c Credentials) string {
	if c.Source != "" {
		return c.Source
	}
	return "provider"
}

// refreshTime is when credentials expiring at exp should be refreshed:
// CredentialsRefreshMargin before, less up to a quarter of it at random,
// and never later than half-way through a short life.
func refreshTime(now, exp time.Time) time.Time {
	if exp.IsZero() {
		return time.Time{}
	}
	margin := CredentialsRefreshMargin + time.Duration(mathrand.Int64N(int64(CredentialsRefreshMargin/4)))
	at := exp.Add(-margin)
	if half := now.Add(exp.Sub(now) / 2); at.Before(half) {
		at = half
	}
	return at
}

// resolveCredentials keeps the credentials behind closures: static keys as
// they are, anything else behind a refreshing cache.
func (c *Client) resolveCredentials(provider CredentialsProvider) {
	if _, static := provider.(staticProvider); static {
		c.creds, c.invalid = provider.Retrieve, func() {}
		return
	}
	cache := NewCredentialsCache(provider)
	c.creds, c.invalid, c.temp = cache.Retrieve, cache.Invalidate, true
}
