// Package examples_test checks what the example programs do on a machine
// with nothing configured: they run on the embedded emulator and talk to
// loopback only.
package examples_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// address matches the address of a connect, sendto or sendmsg call in
// strace's output: inet_addr("10.0.0.1") or inet_pton(AF_INET6, "::1", ...).
var address = regexp.MustCompile(`inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"`)

// TestExamplesStayOnLoopback (round 3, finding 15): with no credentials and
// no settings, each example runs on the in-process emulator, and strace
// sees no connection, DNS query or datagram to any address but loopback.
// It needs strace (Debian's package, which .ci/run installs); without it
// the test skips unless CVM_REQUIRE_STRACE is set.
func TestExamplesStayOnLoopback(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CVM_REQUIRE_STRACE") != "" {
			t.Fatal("strace is not installed")
		}
		t.Skip("strace is not installed (apt-get install strace)")
	}
	if testing.Short() {
		t.Skip("builds and runs every example")
	}
	bin := t.TempDir()
	home := t.TempDir()
	runs := []struct {
		name string
		args []string
	}{{"quickstart", nil}, {"quickstart", []string{"-api", "3"}}, {"iterate", nil}, {"bulk", nil},
		{"securitygroups", nil}, {"eip", nil}, {"rawdo", nil}}
	// One build of every example (one go command compiles and links them
	// side by side), then every run at once: the test costs about its
	// slowest example, not their sum.
	pkgs := []string{"build", "-o", bin + string(filepath.Separator)}
	for _, r := range runs {
		if !slices.Contains(pkgs, "./"+r.name) {
			pkgs = append(pkgs, "./"+r.name)
		}
	}
	out, err := exec.Command("go", pkgs...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, r := range runs {
		name := r.name
		t.Run(strings.Join(append([]string{name}, r.args...), " "), func(t *testing.T) {
			t.Parallel()
			exe := filepath.Join(bin, name)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			trace := filepath.Join(bin, name+".strace")
			trace += strings.Join(r.args, "")
			cmd := exec.CommandContext(ctx, strace, append([]string{"-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", trace, exe}, r.args...)...)
			// Nothing configured: a home of its own, no TENCENTCLOUD_ or
			// TCCLI_ variable.
			// CVM_EXAMPLES_TRANSITION paces the emulator (and the waits)
			// at 10 ms rather than the 300 ms a reader watches.
			cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "CVM_EXAMPLES_TRANSITION=10ms"}
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			assert.Contains(t, string(out), "in-process emulator", "the example fell back to the embedded emulator")

			b, err := os.ReadFile(trace)
			require.NoError(t, err)
			var calls int
			for _, line := range strings.Split(string(b), "\n") {
				m := address.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				calls++
				ip := m[1] + m[2]
				assert.True(t, strings.HasPrefix(ip, "127.") || ip == "::1" || ip == "::ffff:127.0.0.1",
					"%s reached %s off the machine: %s", name, ip, line)
			}
			assert.Positive(t, calls, "the trace saw the example's own loopback calls")
		})
	}
}
