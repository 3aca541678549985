package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm/internal/spectest"
)

// TestPipelineFromNode: a Node program, as a pipeline in another language
// would, reads the emulator's settings line, seeds named resources, aims a
// fault at one instance and asserts on the request log, with Tencent's
// legacy Node SDK making the calls.
func TestPipelineFromNode(t *testing.T) {
	node := spectest.RequireNode(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-print-settings", "json", "-quiet", "-transition", "0"}, outW, io.Discard)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	require.True(t, lines.Scan())
	settings := lines.Text()
	go func() { _, _ = io.Copy(io.Discard, outR) }()

	nctx, ncancel := context.WithTimeout(ctx, time.Minute)
	defer ncancel()
	cmd := exec.CommandContext(nctx, node, "pipeline.js")
	cmd.Dir = spectest.NodeDir()
	cmd.Env = append(os.Environ(), "CVM_SETTINGS="+settings)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())

	got := map[string]map[string]any{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	for sc.Scan() {
		var l struct {
			Name string         `json:"name"`
			Err  *string        `json:"err"`
			Body map[string]any `json:"body"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), sc.Text())
		require.Nil(t, l.Err, l.Name)
		got[l.Name] = l.Body
	}
	code := func(name string) float64 { c, _ := got[name]["code"].(float64); return c }
	seeded := got["seed"]["regions"].(map[string]any)["gz"].(map[string]any)
	ids := seeded["instances"].([]any)
	require.Len(t, ids, 3)
	require.Len(t, seeded["eips"].([]any), 1)
	assert.Zero(t, code("restart-web-1"), "%v", got["restart-web-1"])
	assert.EqualValues(t, 6000, code("restart-web-2"), "the fault aimed at web-2")
	assert.Equal(t, "web-2 is sick", got["restart-web-2"]["message"])
	assert.Zero(t, code("stop-web-2"))
	names := map[string]any{}
	for _, in := range got["describe"]["instanceSet"].([]any) {
		m := in.(map[string]any)
		names[m["instanceName"].(string)] = m["status"]
	}
	assert.EqualValues(t, map[string]any{"web-1": 2.0, "web-2": 4.0, "db-1": 4.0}, names, "named, and db-1 seeded stopped")
	stops := got["stops"]["requests"].([]any)
	require.Len(t, stops, 1, "StopInstances exactly once")
	assert.Equal(t, ids[1], stops[0].(map[string]any)["params"].(map[string]any)["instanceIds.0"])
	assert.Len(t, got["all"]["requests"].([]any), 2, "the stop and the describe: the log was cleared, and admin calls are not in it")
	cancel()
	require.NoError(t, <-done)
}
