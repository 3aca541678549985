package redisquota_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm/redisquota"
)

// TestAPI3LimitsPerAction: API 3.0's per-second limits, each action its
// own, shared by every limiter of the account; a wait past the deadline is
// refused at once.
func TestAPI3LimitsPerAction(t *testing.T) {
	t.Parallel()
	rs := startRedis(t, "")
	l, err := redisquota.NewAPI3(client(t, rs.addr), "AKIDapi3")
	require.NoError(t, err)
	ctx := context.Background()
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	for action, n := range map[string]int{"RunInstances": 10, "DescribeZones": 20, "DescribeInstances": 40} {
		for i := range n {
			require.NoError(t, l.Wait(ctx, action), "%s call %d", action, i)
		}
		assert.ErrorIs(t, l.Wait(short, action), context.DeadlineExceeded, "%s: the %dth call waits past the deadline", action, n+1)
	}
	other, err := redisquota.NewAPI3(client(t, rs.addr), "AKIDapi3")
	require.NoError(t, err)
	assert.ErrorIs(t, other.Wait(short, "RunInstances"), context.DeadlineExceeded, "another process of the account shares it")
	assert.NoError(t, other.Wait(short, "StopInstances"), "another action has its own")
	_, err = redisquota.NewAPI3(nil, "x")
	assert.Error(t, err)
}
