package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
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

	c, err := cvm.NewClient(cvm.Config{SecretID: got["secret id"], SecretKey: cvm.NewSecret(got["secret key"]), Region: got["region"], Endpoint: got["endpoint"]})
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
		{"-region", "atlantis"},
		{"-seed-region", "gz"},
		{"-seed-region", "gz:instances=many"},
		{"-seed-region", "gz:servers=1"},
		{"-seed-region", "atlantis:instances=1"},
		{"-seed-region", "gz:keypairs=bad name"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		assert.Error(t, err, "%v", args)
	}
}

// TestSlowClientsAreDisconnected: 50 clients that send headers announcing a
// body and then only one byte of it are all disconnected by the read
// timeout; none can hold its connection.
func TestSlowClientsAreDisconnected(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	endpoint, done := start(t, ctx, "-read-timeout", "300ms")
	u, err := url.Parse(endpoint)
	require.NoError(t, err)
	const clients = 50
	closed := make(chan error, clients)
	for range clients {
		conn, err := net.Dial("tcp", u.Host)
		require.NoError(t, err)
		defer conn.Close()
		_, err = fmt.Fprintf(conn, "POST /v2/index.php HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nA", u.Host)
		require.NoError(t, err)
		go func() {
			// A guard, not a wait: the server closes long before.
			_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			_, err := io.Copy(io.Discard, conn)
			closed <- err
		}()
	}
	for range clients {
		err := <-closed
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("a trickling client was still connected after 20 s")
		}
	}
	// A header that never ends is cut off too, and a huge one refused.
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	defer conn.Close()
	_, _ = fmt.Fprintf(conn, "POST /v2/index.php HTTP/1.1\r\nHost: %s\r\nX-Slow: ", u.Host)
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err = io.Copy(io.Discard, conn)
	var ne net.Error
	assert.False(t, errors.As(err, &ne) && ne.Timeout(), "an unfinished header kept the connection")

	req, _ := http.NewRequest("POST", endpoint, strings.NewReader("Action=X"))
	req.Header.Set("X-Big", strings.Repeat("x", 100<<10))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
	cancel()
	<-done
}

// TestOversizedBodyGetsAnEnvelope: a body over the cap is refused with the
// API's JSON envelope.
func TestOversizedBodyGetsAnEnvelope(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	endpoint, done := start(t, ctx)
	resp, err := http.Post(endpoint, "application/x-www-form-urlencoded", strings.NewReader("pad="+strings.Repeat("x", 9<<20)))
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	assert.EqualValues(t, 4000, out["code"])
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.Contains(t, out["message"], "larger than")
	cancel()
	<-done
}

// start runs the command and returns its endpoint and a channel closed
// when it has stopped.
func start(t *testing.T, ctx context.Context, args ...string) (string, chan struct{}) {
	t.Helper()
	outR, outW := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0", "-quiet"}, args...), outW, io.Discard)
		assert.NoError(t, err)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	for lines.Scan() {
		if k, v, ok := strings.Cut(lines.Text(), ":"); ok && strings.TrimSpace(k) == "endpoint" {
			go func() { _, _ = io.Copy(io.Discard, outR) }()
			return strings.TrimSpace(v), done
		}
	}
	t.Fatal("no endpoint printed")
	return "", nil
}

// TestHelpExitsZero: -h prints the help and exits 0; a bad flag exits 2,
// as the flag package's own commands do.
func TestHelpExitsZero(t *testing.T) {
	var help strings.Builder
	assert.Equal(t, 0, exitCode(run(context.Background(), []string{"-h"}, io.Discard, &help), io.Discard))
	for _, want := range []string{"-fake-clock", "-state", "-shutdown-timeout", "/_emulator/health"} {
		assert.Contains(t, help.String(), want)
	}
	var stderr strings.Builder
	assert.Equal(t, 2, exitCode(run(context.Background(), []string{"-no-such-flag"}, io.Discard, io.Discard), &stderr))
	assert.Contains(t, stderr.String(), "no-such-flag")
	assert.Equal(t, 1, exitCode(errors.New("listen: address in use"), io.Discard))
}

// TestSettingsAsJSON: -print-settings json prints one JSON line on stdout
// (and nothing else there), and -log-format json logs JSON lines on stderr
// with the request's method and path.
func TestSettingsAsJSON(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	errR, errW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-print-settings", "json", "-log-format", "json"}, outW, errW)
		outW.Close()
		errW.Close()
	}()
	logs := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(errR)
		for sc.Scan() {
			logs <- sc.Text()
		}
		close(logs)
	}()
	lines := bufio.NewScanner(outR)
	require.True(t, lines.Scan())
	var settings map[string]string
	require.NoError(t, json.Unmarshal(lines.Bytes(), &settings), lines.Text())
	for _, k := range []string{"endpoint", "secretId", "secretKey", "region", "admin"} {
		assert.NotEmpty(t, settings[k], k)
	}
	c, err := cvm.NewClient(cvm.Config{SecretID: settings["secretId"], SecretKey: cvm.NewSecret(settings["secretKey"]),
		Region: settings["region"], Endpoint: settings["endpoint"]})
	require.NoError(t, err)
	require.NoError(t, c.Do(ctx, "", "DescribeInstances", nil, nil))
	resp, err := http.Get(strings.TrimSuffix(settings["endpoint"], "/v2/index.php") + "/no/such/path")
	require.NoError(t, err)
	resp.Body.Close()
	var seen []map[string]any
	for len(seen) < 2 {
		line, ok := <-logs
		require.True(t, ok, "the log ended")
		var entry map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &entry), line)
		seen = append(seen, entry)
	}
	assert.Equal(t, "DescribeInstances", seen[0]["action"])
	assert.Equal(t, "POST", seen[0]["method"])
	assert.Equal(t, "/v2/index.php", seen[0]["path"])
	assert.Equal(t, "/no/such/path", seen[1]["path"], "an unknown path is logged with its path")
	cancel()
	assert.False(t, lines.Scan(), "nothing else on stdout: %q", lines.Text())
	require.NoError(t, <-done)
	for range logs {
	}
}
