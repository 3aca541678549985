package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm/internal/emulator"
)

// TestStateSavedDespiteARunningRequest (round 3, finding 8): at a stop with a
// request still running past the shutdown budget, the request is cut off
// and the state is saved all the same, with every change made before.
func TestStateSavedDespiteARunningRequest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	endpoint, done := start(t, ctx, "-secret-id", "AKIDadmin", "-secret-key", "adminkey", "-state", path, "-shutdown-timeout", "50ms")
	c := client(t, endpoint, "gz")
	created, _, err := c.KeyPairs.Create(ctx, "kept")
	require.NoError(t, err)

	// A call that hangs for an hour, and is running when the stop comes.
	st, out := admin(t, endpoint, "POST", "/_emulator/faults", `{"action":"DescribeInstances","delay":"1h"}`, "")
	require.Equal(t, 200, st, "%v", out)
	hung := make(chan error, 1)
	go func() { _, _, err := c.Instances.List(context.Background(), nil); hung <- err }()
	for i := 0; ; i++ {
		_, out := admin(t, endpoint, "GET", "/_emulator/health", "", "")
		if out["inFlight"] == float64(1) {
			break
		}
		require.Less(t, i, 10000, "the hanging call never reached the emulator")
	}

	cancel()
	<-done
	assert.Error(t, <-hung, "the hanging call was cut off")
	b, err := os.ReadFile(path)
	require.NoError(t, err, "state saved at stop")
	_, err = emulator.UnmarshalSnapshot(b)
	require.NoError(t, err, "a usable snapshot")
	assert.Contains(t, string(b), created.ID, "the key pair made before the stop")
}
