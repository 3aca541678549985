package spectest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// NodeDir is the folder where .ci/run installs Tencent's legacy Node.js SDK
// (qcloudapi-sdk 0.2.1) with npm ci, beside the scripts that drive it.
func NodeDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "emulator", "testdata", "legacy-node")
}

// RequireNode returns the node binary, or skips the test when Node.js or the
// SDK is missing; where CVM_REQUIRE_LEGACY_SDK is set (as .ci/run sets it)
// it fails instead.
func RequireNode(t testing.TB) string {
	t.Helper()
	missing := func(why string) {
		if os.Getenv("CVM_REQUIRE_LEGACY_SDK") != "" {
			t.Fatal(why)
		}
		t.Skip(why + "; run `npm ci` in " + NodeDir())
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	if _, err := os.Stat(filepath.Join(NodeDir(), "node_modules", "qcloudapi-sdk")); err != nil {
		missing("qcloudapi-sdk is not installed")
	}
	return node
}

// NodeInput is one request for the Node SDK to sign.
type NodeInput struct {
	Method    string            `json:"method"`
	Host      string            `json:"host"`
	Path      string            `json:"path"`
	SecretID  string            `json:"secretId"`
	SecretKey string            `json:"secretKey"`
	SHA256    bool              `json:"sha256"`
	Params    map[string]string `json:"params"`
}

// NodeSign has the Node SDK sign each input and returns the parameters it
// would send, Signature included.
func NodeSign(t testing.TB, in []NodeInput) []url.Values {
	t.Helper()
	node := RequireNode(t)
	var stdin bytes.Buffer
	enc := json.NewEncoder(&stdin)
	for _, c := range in {
		if err := enc.Encode(c); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(node, "sign.js")
	cmd.Dir = NodeDir()
	cmd.Stdin = &stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node sign.js: %v: %s", err, stderr.String())
	}
	var res []url.Values
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		v, err := url.ParseQuery(sc.Text())
		if err != nil {
			t.Fatalf("node output %q: %v", sc.Text(), err)
		}
		res = append(res, v)
	}
	if len(res) != len(in) {
		t.Fatalf("node signed %d of %d inputs", len(res), len(in))
	}
	return res
}

// GenerateInputs returns n parameter sets drawn from a seeded generator:
// GET and POST, both algorithms, names with underscores, dots, a leading
// underscore and list indexes, values in UTF-8, empty, with form-special
// characters, and starting with "@".
//
// The Node SDK sorts the names as given and then turns "_" into ".", where
// the documentation sorts the canonical names (spec §3.1 step 3); the two
// orders differ only when an underscore sorts differently from the dot that
// replaces it against a neighbouring name. Such a set is given to the Node
// SDK with canonical names, as this SDK sends them; reordered counts them.
func GenerateInputs(seed uint64, n int, host, key string) (in []NodeInput, reordered int) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	names := []string{
		"instanceIds_0", "instanceIds_1", "instanceIds.2", "instanceIds.10", "ingress_0_cidrIp",
		"ingress.0.portRange", "instanceSet_0_sgIds_1", "searchWord", "instanceName", "password",
		"limit", "offset", "zoneId", "_lead_ing", "a_b_c", "x.y", "sgName", "eipName", "desc",
		"uinList_3", "projectId", "Placement_Zone", "imageIds.1", "empty",
	}
	values := []string{
		"ins-abcdef12", "中文名字", "emoji 🚀 ok", "", "@leading", "@Passw0rd1", "in@side",
		"a&b=c+d/e%f", "spaces  two", "0", "-1", "100003", "CN_GUANGZHOU", "tab\tnew\nline",
		"'quotes\"", "~!#$^*()[]{}|;:,.<>?",
	}
	for range n {
		p := map[string]string{
			"Action":    "DescribeInstances",
			"Region":    "gz",
			"Timestamp": fmt.Sprint(1700000000 + rng.IntN(1e6)),
			"Nonce":     fmt.Sprint(rng.IntN(65536)),
		}
		for range 1 + rng.IntN(8) {
			p[names[rng.IntN(len(names))]] = values[rng.IntN(len(values))]
		}
		if nodeOrderDiffers(p) {
			reordered++
			canon := map[string]string{}
			for k, v := range p {
				canon[canonical(k)] = v
			}
			p = canon
		}
		method := "POST"
		if rng.IntN(2) == 0 {
			method = "GET"
		}
		in = append(in, NodeInput{Method: method, Host: host, Path: "/v2/index.php", SecretID: "AKIDcrosscheck",
			SecretKey: key, SHA256: rng.IntN(2) == 0, Params: p})
	}
	return in, reordered
}

func canonical(k string) string {
	if strings.HasPrefix(k, "_") {
		return k
	}
	return strings.ReplaceAll(k, "_", ".")
}

// nodeOrderDiffers reports whether sorting the names as given and then
// canonicalising them gives another order than sorting canonical names.
func nodeOrderDiffers(p map[string]string) bool {
	keys := make([]string, 0, len(p)+3)
	for k := range p {
		keys = append(keys, k)
	}
	keys = append(keys, "SecretId", "RequestClient", "SignatureMethod")
	slices.Sort(keys)
	a := make([]string, len(keys))
	for i, k := range keys {
		a[i] = canonical(k)
	}
	return !slices.IsSorted(a)
}
