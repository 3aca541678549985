package main

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
)

func TestServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-instances", "3", "-secret-id", "AKIDcmd", "-secret-key", "cmdkey", "-quiet"}, outW, io.Discard)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	got := map[string]string{}
	for len(got) < 4 && lines.Scan() {
		if k, v, ok := strings.Cut(lines.Text(), ":"); ok {
			got[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	require.Contains(t, got, "endpoint")
	assert.Equal(t, "AKIDcmd", got["secret id"])
	assert.Equal(t, "cmdkey", got["secret key"])

	c, err := cvm.NewClient(cvm.Config{SecretID: got["secret id"], SecretKey: got["secret key"], Region: got["region"], Endpoint: got["endpoint"]})
	require.NoError(t, err)
	var out struct {
		cvm.Envelope
		TotalCount int `json:"totalCount"`
	}
	require.NoError(t, c.Do(ctx, "cvm", "DescribeInstances", nil, &out))
	assert.Equal(t, 3, out.TotalCount, "seeded instances")

	cancel()
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop")
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-secret-id", ""},
		{"-quota-window", "0s"},
		{"-instances", "-1"},
		{"-nosuchflag"},
		{"extra"},
		{"-addr", "256.0.0.1:1"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		assert.Error(t, err, "%v", args)
	}
}
