package conformance

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm/cvmtest"
)

// Check is one thing an official client verified of the emulator. The
// fidelity report (FIDELITY.md) is made from these, as the tests record
// them under $CVM_FIDELITY_DIR.
type Check struct {
	Client   string `json:"client"`
	Contract string `json:"contract"`
	Target   string `json:"target"`
	Action   string `json:"action"`
	What     string `json:"what"`
	Pass     bool   `json:"pass"`
}

// judge records the checks of one client's flow against one target.
type judge struct {
	t        *testing.T
	client   string
	contract string
	target   string
	mu       sync.Mutex
	checks   []Check
}

func newJudge(t *testing.T, client, contract, target string) *judge {
	j := &judge{t: t, client: client, contract: contract, target: target}
	t.Cleanup(j.save)
	return j
}

// check records a check; a failed one fails the test.
func (j *judge) check(action, what string, ok bool, detail ...any) bool {
	j.t.Helper()
	j.mu.Lock()
	j.checks = append(j.checks, Check{j.client, j.contract, j.target, action, what, ok})
	j.mu.Unlock()
	if !ok {
		j.t.Errorf("%s %s: %s %v", j.client, action, what, detail)
	}
	return ok
}

func (j *judge) save() {
	dir := os.Getenv("CVM_FIDELITY_DIR")
	if dir == "" || j.t.Failed() {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		j.t.Errorf("fidelity: %v", err)
		return
	}
	name := fmt.Sprintf("%s--%s--%s.jsonl", j.client, j.target, strings.ReplaceAll(j.t.Name(), "/", "_"))
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		j.t.Errorf("fidelity: %v", err)
		return
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, c := range j.checks {
		_ = enc.Encode(c)
	}
}

// target is an emulator an official client is pointed at.
type target struct {
	name     string
	endpoint string // host:port, called over plain HTTP
	id, key  string
	token    string
}

// inProcess starts cvmtest's server: transitions on a fake clock that
// moves by itself when a client waits on one, so no test sleeps.
func inProcess(t *testing.T, opts ...cvmtest.Option) target {
	t.Helper()
	srv := cvmtest.NewServer(append([]cvmtest.Option{cvmtest.WithAutoAdvance(time.Now())}, opts...)...)
	t.Cleanup(srv.Close)
	id, key, token := srv.Credentials()
	return target{name: "cvmtest", endpoint: srv.API3Endpoint(), id: id, key: key, token: token}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary starts cmd/cvm-emulator, built from this tree, on a free port.
func binary(t *testing.T, args ...string) target {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cvm-emulator-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "cvm-emulator")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/qcloud-legacy/cvm/cmd/cvm-emulator").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("%v: %s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building cvm-emulator: %v", buildErr)
	}
	cmd := exec.Command(binPath, append([]string{"-addr", "127.0.0.1:0", "-fake-clock", "-auto-advance",
		"-print-settings", "json", "-quiet"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	var settings struct {
		Endpoint  string `json:"endpoint"`
		SecretID  string `json:"secretId"`
		SecretKey string `json:"secretKey"`
	}
	if err := json.NewDecoder(stdout).Decode(&settings); err != nil {
		t.Fatalf("reading cvm-emulator's settings: %v", err)
	}
	u, err := url.Parse(settings.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	tg := target{name: "cvm-emulator", endpoint: u.Host, id: settings.SecretID, key: settings.SecretKey}
	for i, a := range args {
		if a == "-token" && i+1 < len(args) {
			tg.token = args[i+1]
		}
	}
	return tg
}

// targets are both ways of serving the emulator.
func targets(t *testing.T) []func(*testing.T) target {
	return []func(*testing.T) target{
		func(t *testing.T) target { return inProcess(t) },
		func(t *testing.T) target { return binary(t) },
	}
}

// nowish is the start of an auto-advancing fake clock: the wall clock's
// time, which official clients sign with.
func nowish() time.Time { return time.Now() }
