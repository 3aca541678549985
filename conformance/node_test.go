package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNodeSDKFlow runs Tencent's official Node.js SDK
// (tencentcloud-sdk-nodejs-cvm 4.1.316 for cvm, and the typed vpc, cbs and
// api clients of tencentcloud-sdk-nodejs 4.1.313, the package of every
// service), unchanged, through node/flow.js against
// cvmtest and the cvm-emulator binary, then with temporary credentials.
// CI installs the packages (npm ci in node/) and sets
// CVM_REQUIRE_NODE_SDK=1, so the test cannot skip there.
func TestNodeSDKFlow(t *testing.T) {
	node, err := exec.LookPath("node")
	_, statErr := os.Stat(filepath.Join("node", "node_modules", "tencentcloud-sdk-nodejs-cvm"))
	if statErr == nil {
		_, statErr = os.Stat(filepath.Join("node", "node_modules", "tencentcloud-sdk-nodejs"))
	}
	if err != nil || statErr != nil {
		if os.Getenv("CVM_REQUIRE_NODE_SDK") != "" {
			t.Fatalf("the Node.js SDK is required but not installed (node: %v; packages: %v)", err, statErr)
		}
		t.Skip("node or the SDK's packages are not installed: run npm ci in conformance/node")
	}
	runs := []struct {
		client string
		start  func(*testing.T) target
	}{
		{"tencentcloud-sdk-nodejs", func(t *testing.T) target { return inProcess(t) }},
		{"tencentcloud-sdk-nodejs", func(t *testing.T) target { return binary(t) }},
		{"tencentcloud-sdk-nodejs-token", func(t *testing.T) target { return binary(t, "-token", "node-session-token") }},
	}
	for _, r := range runs {
		tg := r.start(t)
		t.Run(r.client+"/"+tg.name, func(t *testing.T) {
			j := newJudge(t, r.client, "API 3.0", tg.name)
			cmd := exec.Command(node, "flow.js")
			cmd.Dir = "node"
			cmd.Env = append(os.Environ(), "CVM_ENDPOINT="+tg.endpoint, "CVM_SECRET_ID="+tg.id, "CVM_SECRET_KEY="+tg.key,
				"CVM_TOKEN="+tg.token)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, runErr := cmd.Output()
			n := 0
			sc := bufio.NewScanner(bytes.NewReader(out))
			for sc.Scan() {
				var line struct {
					Action, What, Detail string
					Pass                 bool
				}
				if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
					t.Errorf("flow.js printed %q", sc.Text())
					continue
				}
				j.check(line.Action, line.What, line.Pass, line.Detail)
				n++
			}
			if runErr != nil || n == 0 {
				t.Fatalf("flow.js: %v, %d checks; stderr: %s", runErr, n, stderr.String())
			}
		})
	}
}

// TestNodeModelWalkSaysWhatTheReportCounts: node/models.js names its checks
// with NewestModelCheck's words, which the fidelity report counts.
func TestNodeModelWalkSaysWhatTheReportCounts(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("node", "models.js"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), `"`+NewestModelCheck+`"`) {
		t.Errorf("node/models.js does not name its checks %q", NewestModelCheck)
	}
}
