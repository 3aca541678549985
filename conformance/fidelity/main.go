// Command fidelity writes FIDELITY.md, the emulator's fidelity report, from
// the checks Tencent's official clients made of it in a test run: the JSON
// lines the conformance tests and the emulator's legacy-SDK tests write
// under $CVM_FIDELITY_DIR. CI runs those tests, makes the report again and
// fails when it differs from the committed one, so the report says what
// the last run of the clients verified.
//
//	CVM_FIDELITY_DIR=/tmp/f go test ./conformance/... ./internal/emulator/...
//	go run ./conformance/fidelity -dir /tmp/f > FIDELITY.md
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/qcloud-legacy/cvm/conformance"
	"github.com/qcloud-legacy/cvm/internal/emulator"
)

type check struct {
	Client   string `json:"client"`
	Contract string `json:"contract"`
	Target   string `json:"target"`
	Action   string `json:"action"`
	What     string `json:"what"`
	Pass     bool   `json:"pass"`
}

func main() {
	dir := flag.String("dir", "", "the directory of the recorded checks ($CVM_FIDELITY_DIR of the test run)")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "fidelity: -dir is required")
		os.Exit(2)
	}
	checks, err := load(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fidelity:", err)
		os.Exit(1)
	}
	if err := write(os.Stdout, checks); err != nil {
		fmt.Fprintln(os.Stderr, "fidelity:", err)
		os.Exit(1)
	}
}

func load(dir string) ([]check, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no checks under %s", dir)
	}
	var out []check
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var c check
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %v", name, err)
			}
			out = append(out, c)
		}
		f.Close()
	}
	return out, nil
}

// differences are where the emulator knowingly departs from the real
// service, each with its reason; the code says the same where it decides.
var differences = []string{
	"**Batches are all or nothing** in API 3.0: one unknown id or one instance in the wrong state refuses the whole call and changes nothing. The contract has no per-id result, so this is inferred (spec/api3 §8); the legacy contract keeps its documented per-id `detail` and partial success (5400).",
	"**Instance types** are the standard families S1, S2, S3, S5 and SA2 in the sizes SMALL (1 core) to 8XLARGE (32), 1 to 4 GB a core (`S5.MEDIUM4` is 2 cores and 4 GB), in every zone. The real catalogue has more families and differs by zone.",
	"**Zones** are named region + number (`100003` is `ap-guangzhou-3`, as documented); the rule is inferred for the other regions.",
	"**TerminateInstances** ends a PREPAID instance at once, as a postpaid one: the emulator has no recycle bin (the real service moves a prepaid instance there first).",
	"**RunInstances** attaches at most one data disk, and takes one key in `LoginSettings.KeyIds`; `InstanceCount` above 100 is made in chunks of the legacy limit. Prepaid periods are 1 to 36 months (the legacy limit), not 48 or 60.",
	"**Rate limits** are per SecretId and action, per second, on the emulator's clock: 40/s for DescribeInstances and DescribeInstancesStatus (the CVM overview; another page says 20/s), 10/s for RunInstances and the lifecycle and reset actions, 20/s for the rest. The legacy contract keeps its own per-minute quotas.",
	"**Tags, dedicated hosts, clusters and IPv6** do not exist here: their filters are accepted and match nothing, and `Tags` are empty.",
	"**Prices** are the emulator's list prices (the legacy contract's, in yuan), with no discount: shapes are checked, amounts are not the real ones.",
	"**Order ids** of API 3.0 (`OrderId`, `BigDealId`) are the legacy deal names; purchases through API 3.0 still make a legacy order, visible to `DescribeDealsByCond`, though RunInstances answers no order id (as documented).",
	"**No nonce replay check** for TC3-HMAC-SHA256, which has no nonce: the 5-minute window is the only freshness rule. Signature v1 keeps the legacy replay memory of (SecretId, Timestamp, Nonce).",
	"**tccli and the Python SDK were not run** (PyPI is out of reach here): what they send is taken from their code (spec/api3 §4, §7). tccli's `--endpoint http://127.0.0.1:PORT` sends `Host: http://127.0.0.1:PORT`, which Go's HTTP server refuses with 400; the emulator listens through `SchemeHostListener`, which moves the scheme out of that line, and the verifier tries the host with it; `TestSchemeInHost` sends such a request byte for byte. Answers are `Content-Type: application/json` exactly, which the Python SDK needs to see errors.",
}

// noCounterpart is what the legacy contract has and API 3.0 does not
// (spec/api3 §6, "the v3 contract drops").
var noCounterpart = []string{
	"per-id `detail` results of batch actions: API 3.0 answers one RequestId, all or nothing;",
	"order ids (`dealIds`, `dealId`) from prepaid RunInstances, RenewInstance, ResizeInstance and bandwidth changes: the orders exist (billing `DescribeDealsByCond` lists them) but the actions do not name them;",
	"the `qcvm…` instance ids and numeric image ids: API 3.0 knows only `ins-…` and `img-…`, which the legacy contract calls `unInstanceId` and `unImgId`;",
	"`simplify` of DescribeInstances, the sort order of DescribeEip (`orderBy`, `orderType`), the zones' `idcList`, key pairs' `status` and `bindIps`, the image `status` filter and marketplace type, DescribeZoneAbility's capacity flags, and the page-number `offset` of DescribeSecurityGroupEx (API 3.0's `Offset` counts rows).",
}

func write(w io.Writer, checks []check) error {
	type key struct{ client, contract string }
	type tally struct {
		checks, passed int
		targets        map[string]bool
		actions        map[string]int
	}
	byClient := map[key]*tally{}
	byAction := map[string]map[string]int{} // action → client → checks
	walked := map[string]bool{}             // actions whose answers the model walk covered
	walkedNewest := map[string]bool{}       // and those the walk against the newest models covered
	for _, c := range checks {
		k := key{c.Client, c.Contract}
		t := byClient[k]
		if t == nil {
			t = &tally{targets: map[string]bool{}, actions: map[string]int{}}
			byClient[k] = t
		}
		t.checks++
		if c.Pass {
			t.passed++
		}
		t.targets[c.Target] = true
		t.actions[c.Action]++
		if byAction[c.Action] == nil {
			byAction[c.Action] = map[string]int{}
		}
		byAction[c.Action][c.Client]++
		if c.What == conformance.ModelWalkCheck && c.Pass {
			walked[c.Action] = true
		}
		if c.What == conformance.NewestModelCheck && c.Pass {
			walkedNewest[c.Action] = true
		}
	}
	keys := make([]key, 0, len(byClient))
	for k := range byClient {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].contract != keys[j].contract {
			return keys[i].contract < keys[j].contract
		}
		return keys[i].client < keys[j].client
	})
	total, passed := 0, 0
	for _, t := range byClient {
		total += t.checks
		passed += t.passed
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("# Fidelity report\n\n")
	p("Made by `go run ./conformance/fidelity` from the checks that Tencent's official clients, unchanged, made of the emulator in the test run of `.ci/run`; CI makes it again on every run and fails when it differs. Do not edit it by hand.\n\n")
	p("**%d checks, %d passed**, by %d clients, against `cvmtest` (in process) and the `cvm-emulator` binary.\n\n", total, passed, len(keys))
	p("## Clients\n\n| Client | Contract | Served by | Actions | Checks | Passed |\n|---|---|---|---|---|---|\n")
	for _, k := range keys {
		t := byClient[k]
		targets := make([]string, 0, len(t.targets))
		for tg := range t.targets {
			targets = append(targets, "`"+tg+"`")
		}
		sort.Strings(targets)
		p("| %s | %s | %s | %d | %d | %d |\n", k.client, k.contract, strings.Join(targets, ", "), len(t.actions), t.checks, t.passed)
	}
	served := emulator.API3Actions()
	p("\n## API 3.0 actions served (%d)\n\n", len(served))
	p("Every action of the mapping of the 69 legacy actions (spec/api3 §6), plus `DescribeInstancesStatus`, `DescribeInstanceTypeConfigs`, `DescribeTaskResult` and the few a flow needs. The column gives the checks the official clients made of each; a dash is an action they do not call, covered by the emulator's own tests.\n\n")
	p("| Service | Action | Checks by official clients |\n|---|---|---|\n")
	exercised := 0
	for _, sa := range served {
		svc, action, _ := strings.Cut(sa, " ")
		by := byAction[action]
		var parts []string
		n := 0
		for client, count := range by {
			if strings.HasPrefix(client, "qcloudapi-sdk") {
				continue // a legacy action of the same name
			}
			parts = append(parts, fmt.Sprintf("%s %d", client, count))
			n += count
		}
		sort.Strings(parts)
		cell := "—"
		if n > 0 {
			exercised++
			cell = strings.Join(parts, "; ")
		}
		p("| %s | %s | %s |\n", svc, action, cell)
	}
	p("\n%d of the %d API 3.0 actions are exercised by an official client.\n", exercised, len(served))
	var unwalked []string
	walkable := 0
	for _, sa := range served {
		svc, action, _ := strings.Cut(sa, " ")
		if svc != "cvm" && svc != "vpc" {
			continue // no model of theirs among the pinned modules
		}
		walkable++
		if !walked[action] {
			unwalked = append(unwalked, sa)
		}
	}
	p("\nThe answers of %d of the %d served cvm and vpc actions were walked against the official Go SDK's models (every member present, typed as declared, none it lacks; strings and objects never null).\n",
		walkable-len(unwalked), walkable)
	if len(unwalked) > 0 {
		return fmt.Errorf("the model walk left out %s: call them from the Go SDK's tests", strings.Join(unwalked, ", "))
	}
	var notNewest []string
	for _, sa := range served {
		if _, action, _ := strings.Cut(sa, " "); !walkedNewest[action] {
			notNewest = append(notNewest, "`"+sa+"`")
		}
	}
	p("\nThe answers of %d of the %d served actions, of every service, were also walked against the newest models, tencentcloud-sdk-nodejs's (the same rules; a member the older Go model lacks passes there only when the newest declares it)",
		len(served)-len(notNewest), len(served))
	if len(notNewest) > 0 {
		p("; not yet: %s", strings.Join(notNewest, ", "))
	}
	p(".\n")
	p("\n## Legacy actions served (%d)\n\n", len(emulator.Actions()))
	p("The legacy contract at `/v2/index.php`, judged by Tencent's legacy Node.js SDK (qcloudapi-sdk) above and by the SDK of this project; its quirks and deviations are in the README's emulator section.\n")
	p("\n## What the legacy contract has and API 3.0 does not\n\n")
	for _, d := range noCounterpart {
		p("- %s\n", d)
	}
	p("\n## What differs from the real API, and why\n\n")
	for _, d := range differences {
		p("- %s\n", d)
	}
	return nil
}
