package emulator

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm/internal/spectest"
)

// The load generator runs in a separate process (this test binary run
// again with loadgenEnv set), so that its CPU is not counted against the
// server it measures, and the same for both servers.
const loadgenEnv = "CVM_EMULATOR_LOADGEN"

// TestLoadGenerator is the load generator's body when loadgenEnv is set
// ("URL REQUESTS CONCURRENCY NONCE-BASE PAGES": PAGES distinct pages of
// 100, taken in turn, or the one at offset 300 for 1); otherwise it does
// nothing. It signs every
// request before it starts the clock and prints the elapsed nanoseconds.
func TestLoadGenerator(t *testing.T) {
	spec := os.Getenv(loadgenEnv)
	if spec == "" {
		t.Skip("run by BenchmarkThroughputVsTrivial")
	}
	var target string
	var n, conc, base, pages int
	if _, err := fmt.Sscan(spec, &target, &n, &conc, &base, &pages); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	bodies := make([]string, n)
	for i := range bodies {
		offset := 300
		if pages > 1 {
			offset = i % pages * 100
		}
		p := url.Values{"Action": {"DescribeInstances"}, "SecretId": {tid}, "Region": {"gz"}, "limit": {"100"},
			"offset": {strconv.Itoa(offset)}, "Timestamp": {ts}, "Nonce": {strconv.Itoa(base + i + 1)}, "SignatureMethod": {"HmacSHA256"}}
		p.Set("Signature", spectest.Sign("POST", u.Host, Path, p, tkey))
		bodies[i] = p.Encode()
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc}}
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 256<<10)
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				resp, err := client.Post(target, "application/x-www-form-urlencoded", strings.NewReader(bodies[i]))
				if err != nil {
					failed.Store(err.Error())
					return
				}
				k, _ := io.ReadFull(resp.Body, buf)
				resp.Body.Close()
				if !bytes.HasPrefix(buf[:k], []byte(`{"code":0`)) {
					failed.Store(fmt.Sprintf("%.200s", buf[:k]))
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if f := failed.Load(); f != nil {
		t.Fatal(f)
	}
	fmt.Printf("ELAPSED %d\n", elapsed.Nanoseconds())
}

// BenchmarkThroughputVsTrivial serves DescribeInstances (pages of 100)
// from the emulator and, as the floor, the same answers' bytes from a
// trivial server that reads the request and writes, from memory, the bytes
// the emulator answers to that page; the
// load generator, in a separate process, sends both the same signed
// requests. It reports each server's requests per second and the
// emulator's share of the trivial server's (the goal is at least 0.8),
// for one page asked again and again ("cached": the emulator's page cache
// answers) and for 500 pages of a region of 50,000 taken in turn
// ("rotating": past any cache).
func BenchmarkThroughputVsTrivial(b *testing.B) {
	b.Run("cached", func(b *testing.B) { throughputVsTrivial(b, 1000, 1) })
	b.Run("rotating", func(b *testing.B) { throughputVsTrivial(b, 50_000, 500) })
}

func throughputVsTrivial(b *testing.B, instances, pages int) {
	emu := New(Options{Keys: map[string]string{tid: tkey}, QuotasOff: true, Transition: -1})
	if _, err := emu.SeedInstances("gz", instances); err != nil {
		b.Fatal(err)
	}
	real := httptest.NewServer(emu)
	defer real.Close()
	// The canned bodies: the emulator's own answers to the same requests,
	// one a page, kept in memory as the trivial server's whole state.
	canned := map[string][]byte{}
	for i := range pages {
		offset := "300"
		if pages > 1 {
			offset = strconv.Itoa(i * 100)
		}
		p := url.Values{"Action": {"DescribeInstances"}, "SecretId": {tid}, "Region": {"gz"}, "limit": {"100"},
			"offset": {offset}, "Timestamp": {strconv.FormatInt(time.Now().Unix(), 10)}, "Nonce": {strconv.Itoa(900000000 + i)}, "SignatureMethod": {"HmacSHA256"}}
		p.Set("Signature", spectest.Sign("POST", strings.TrimPrefix(real.URL, "http://"), Path, p, tkey))
		resp, err := http.Post(real.URL+Path, "application/x-www-form-urlencoded", strings.NewReader(p.Encode()))
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		canned[offset] = body
	}
	trivial := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// It reads the request, finds the page it asks for, and writes the
		// bytes the emulator answers to it.
		var in [4096]byte
		n, _ := io.ReadFull(r.Body, in[:])
		_, _ = io.Copy(io.Discard, r.Body)
		offset := "300"
		if i := bytes.Index(in[:n], []byte("offset=")); i >= 0 {
			rest := in[i+len("offset=") : n]
			if j := bytes.IndexByte(rest, '&'); j >= 0 {
				rest = rest[:j]
			}
			offset = string(rest)
		}
		body := canned[offset]
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	defer trivial.Close()

	const requests, conc = 4000, 8
	runs := 0
	load := func(target string) time.Duration {
		runs++ // fresh nonces each run: the emulator refuses replays
		cmd := exec.Command(os.Args[0], "-test.run=^TestLoadGenerator$", "-test.v")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d %d %d %d", loadgenEnv, target+Path, requests, conc, runs*requests, pages))
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("load generator: %v\n%s", err, out)
		}
		i := bytes.Index(out, []byte("ELAPSED "))
		if i < 0 {
			b.Fatalf("load generator printed no time:\n%s", out)
		}
		var ns int64
		fmt.Sscan(string(out[i+len("ELAPSED "):]), &ns)
		return time.Duration(ns)
	}
	// One pass over every page first: each instance's encoding is made at
	// its first answer and kept until it changes (that is not a cache of
	// pages, which the rotation passes by).
	load(real.URL)
	var tEmu, tTrivial time.Duration
	b.ResetTimer()
	for range b.N {
		// Alternate, so that drift in the machine's speed hits both.
		tTrivial += load(trivial.URL)
		tEmu += load(real.URL)
	}
	b.StopTimer()
	rate := func(d time.Duration) float64 { return float64(requests*b.N) / d.Seconds() }
	b.ReportMetric(rate(tEmu), "emulator-req/s")
	b.ReportMetric(rate(tTrivial), "trivial-req/s")
	b.ReportMetric(rate(tEmu)/rate(tTrivial), "share")
}
