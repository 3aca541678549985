package emulator

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm/internal/spectest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawTC3 is a request as tccli --endpoint http://ADDR sends it (spec/api3
// §4, §7): the Host header and the signed host both "http://ADDR".
func rawTC3(addr, action string) string {
	host := "http://" + addr
	body := "{}"
	ts := time.Now().Unix()
	auth := spectest.TC3("POST", host, "", "application/json", []byte(body), "cvm", tid, tkey, ts)
	return "POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nX-TC-Action: " + action +
		"\r\nX-TC-Version: 2017-03-12\r\nX-TC-Region: ap-guangzhou\r\nX-TC-Timestamp: " + fmt.Sprint(ts) +
		"\r\nAuthorization: " + auth + "\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n\r\n" + body
}

func serveOn(t *testing.T, wrap bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	if wrap {
		ln = SchemeHostListener(ln)
	}
	srv := &http.Server{Handler: New(Options{Keys: map[string]string{tid: tkey}}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// TestSchemeInHost: net/http refuses "Host: http://…" outright; behind
// SchemeHostListener the request arrives, and the signature made over the
// scheme-bearing host verifies, twice on one connection.
func TestSchemeInHost(t *testing.T) {
	t.Parallel()
	plain := serveOn(t, false)
	c, err := net.Dial("tcp", plain)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, rawTC3(plain, "DescribeZones"))
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	assert.Equal(t, 400, resp.StatusCode, "what tccli meets without the listener")

	addr := serveOn(t, true)
	c2, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c2.Close()
	r := bufio.NewReader(c2)
	for _, action := range []string{"DescribeZones", "DescribeRegions"} {
		_, err = io.WriteString(c2, rawTC3(addr, action))
		require.NoError(t, err)
		resp, err := http.ReadResponse(r, nil)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		assert.Equal(t, 200, resp.StatusCode)
		assert.NotContains(t, string(b), `"Error"`, action)
		assert.True(t, strings.Contains(string(b), "ZoneSet") || strings.Contains(string(b), "RegionSet"), string(b))
	}
}
