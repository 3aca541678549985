package cvm

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWaitFailsFastOnDeadEnd: waiting for running, an instance that was
// returned ends the wait at once with an error matching ErrUnreachable.
func TestWaitFailsFastOnDeadEnd(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	answer(t, mt, "POST", `=~^https://`, `{"code":0,"totalCount":1,"instanceSet":[{"unInstanceId":"ins-1","status":6}]}`)
	err := c.Instances.WaitStatus(context.Background(), InstanceRunning, "ins-1")
	assert.ErrorIs(t, err, ErrUnreachable)
	var we *WaitError
	require.ErrorAs(t, err, &we)
	assert.Equal(t, "returning", we.Last["ins-1"])
}

// TestWaitPolicy: MaxWait bounds a wait on the client's clock, and the
// delays follow the policy.
func TestWaitPolicy(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, func(cfg *Config) {
		cfg.Wait = WaitPolicy{MinDelay: time.Second, MaxDelay: time.Second, MaxWait: time.Hour}
	})
	rec := answer(t, mt, "POST", `=~^https://`, `{"code":0,"totalCount":1,"instanceSet":[{"unInstanceId":"ins-1","status":3}]}`)
	start := c.clock.Now()
	ctx := WithCallOptions(context.Background(), func(o *CallOptions) {
		o.Wait = &WaitPolicy{MinDelay: time.Minute, MaxDelay: time.Minute, MaxWait: 3 * time.Minute}
	})
	err := c.Instances.WaitStatus(ctx, InstanceRunning, "ins-1")
	var we *WaitError
	require.ErrorAs(t, err, &we)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	n := len(rec.requests())
	assert.True(t, n >= 3 && n <= 7, "polls 30 to 60 s apart over 3 minutes: %d", n)
	assert.LessOrEqual(t, c.clock.Now().Sub(start), 3*time.Minute)
}
