package cvm

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm/internal/clock"
)

// fakeProvider hands out numbered credentials that last ttl, failing while
// fail is set, and blocking while gate is closed.
type fakeProvider struct {
	clock *clock.Fake
	ttl   time.Duration
	calls atomic.Int64
	fail  atomic.Bool
	gate  chan struct{}
	// started receives a value as each fetch starts, when set.
	started chan struct{}
}

func (p *fakeProvider) Retrieve(ctx context.Context) (Credentials, error) {
	n := p.calls.Add(1)
	if p.started != nil {
		p.started <- struct{}{}
	}
	if p.gate != nil {
		<-p.gate
	}
	if p.fail.Load() {
		return Credentials{}, errors.New("source down")
	}
	return Credentials{SecretID: "AKID" + string(rune('a'+n)), SecretKey: NewSecret("k"), Token: NewSecret("t"),
		Expires: p.clock.Now().Add(p.ttl)}, nil
}

func TestCredentialsCacheSingleFlight(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(time.Unix(testEpoch, 0))
	p := &fakeProvider{clock: fake, ttl: time.Hour, gate: make(chan struct{}), started: make(chan struct{}, 1000)}
	c := NewCredentialsCache(p)
	c.clock = fake
	var wg sync.WaitGroup
	for range 1000 {
		wg.Go(func() {
			creds, err := c.Retrieve(context.Background())
			assert.NoError(t, err)
			assert.Equal(t, "AKIDb", creds.SecretID)
		})
	}
	<-p.started // the one fetch
	close(p.gate)
	wg.Wait()
	assert.Equal(t, int64(1), p.calls.Load(), "one fetch for 1,000 goroutines")
}

func TestCredentialsCacheRefreshAndFailure(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(time.Unix(testEpoch, 0))
	p := &fakeProvider{clock: fake, ttl: time.Hour, started: make(chan struct{}, 100)}
	c := NewCredentialsCache(p)
	c.clock = fake
	ctx := context.Background()
	first, err := c.Retrieve(ctx)
	<-p.started
	require.NoError(t, err)

	// Before the margin: cached.
	fake.Advance(time.Hour - CredentialsRefreshMargin - CredentialsRefreshMargin/4 - time.Second)
	got, _ := c.Retrieve(ctx)
	assert.Equal(t, first.SecretID, got.SecretID)
	assert.Equal(t, int64(1), p.calls.Load())

	// Within the margin, the source failing: still-valid credentials keep
	// being served.
	p.fail.Store(true)
	fake.Advance(CredentialsRefreshMargin/4 + 2*time.Second)
	for range 3 {
		got, err = c.Retrieve(ctx)
		require.NoError(t, err)
		assert.Equal(t, first.SecretID, got.SecretID)
	}
	<-p.started // a refresh was tried in the background
	c.mu.Lock()
	for c.flight != nil { // let it finish
		f := c.flight
		c.mu.Unlock()
		<-f.done
		c.mu.Lock()
	}
	c.mu.Unlock()

	// Expired and still failing: the error, at once.
	fake.Advance(CredentialsRefreshMargin)
	_, err = c.Retrieve(ctx)
	assert.ErrorContains(t, err, "source down")

	// The source back: new credentials, after the retry pause.
	p.fail.Store(false)
	fake.Advance(credentialsRetryAfter)
	got, err = c.Retrieve(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, first.SecretID, got.SecretID)
}

func TestCredentialsCacheHonoursContext(t *testing.T) {
	t.Parallel()
	fake := clock.NewFake(time.Unix(testEpoch, 0))
	p := &fakeProvider{clock: fake, ttl: time.Hour, gate: make(chan struct{})}
	c := NewCredentialsCache(p)
	c.clock = fake
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Retrieve(ctx)
	assert.ErrorIs(t, err, context.Canceled, "a caller does not wait for a stuck source past its context")
	close(p.gate)
	_, err = c.Retrieve(context.Background())
	assert.NoError(t, err, "the shared fetch went on for the others")
}

func TestRefreshTime(t *testing.T) {
	t.Parallel()
	now := time.Unix(testEpoch, 0)
	for range 100 {
		at := refreshTime(now, now.Add(2*time.Hour))
		assert.True(t, !at.After(now.Add(2*time.Hour-CredentialsRefreshMargin)), at)
		assert.True(t, !at.Before(now.Add(2*time.Hour-CredentialsRefreshMargin*5/4)), at)
	}
	short := refreshTime(now, now.Add(4*time.Minute))
	assert.Equal(t, now.Add(2*time.Minute), short, "half-way through a life shorter than the margin")
	assert.True(t, refreshTime(now, time.Time{}).IsZero(), "long-lived keys are never refreshed")
}
