//go:build unix

package cvm

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCredentialsFilesAreBounded (round 3, finding 13): a FIFO, a device or
// a directory as the credentials file is refused at once, never waited on;
// a file over 64 KiB is refused without being read into memory.
func TestCredentialsFilesAreBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	big := filepath.Join(dir, "big")
	require.NoError(t, os.WriteFile(big, []byte("[default]\nsecret_id = AKIDbig\nsecret_key = "+strings.Repeat("k", 32<<20)+"\n"), 0o600))
	for name, path := range map[string]string{"a FIFO": fifo, "a device": "/dev/zero", "a directory": dir, "32 MiB": big} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(EnvCredentialsFile, path)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			done := make(chan error, 1)
			go func() { _, err := INIFileCredentials("").Retrieve(context.Background()); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second): // a guard against a hang, not a measurement
				t.Fatal("reading the credentials file hung")
			}
			runtime.ReadMemStats(&after)
			var ce *CredentialsError
			require.ErrorAs(t, err, &ce)
			assert.Contains(t, err.Error(), path)
			assert.NotErrorIs(t, err, ErrNoCredentials, "a named file that cannot be used is broken, not absent")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated")
			t.Log(err)
		})
	}
	// The tccli profile reads the same way.
	require.NoError(t, os.Remove(fifo))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "default.credential"), 0o600))
	_, err := TCCLICredentials(dir, "").Retrieve(context.Background())
	var ce *CredentialsError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "not a regular file")
}
