package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fidelity records what an official client checked of the emulator, for
// the fidelity report: with $CVM_FIDELITY_DIR set, each test's checks are
// written there as JSON lines, in the shape conformance's tests write.
type fidelity struct {
	t              *testing.T
	client, target string
	contract       string
	lines          []map[string]any
}

func newFidelity(t *testing.T, client, contract string) *fidelity {
	f := &fidelity{t: t, client: client, contract: contract, target: "emulator (in process)"}
	t.Cleanup(f.save)
	return f
}

func (f *fidelity) check(action, what string, ok bool, detail ...any) {
	f.t.Helper()
	f.lines = append(f.lines, map[string]any{"client": f.client, "contract": f.contract, "target": f.target,
		"action": action, "what": what, "pass": ok})
	if !ok {
		f.t.Errorf("%s %s: %s %v", f.client, action, what, detail)
	}
}

func (f *fidelity) save() {
	dir := os.Getenv("CVM_FIDELITY_DIR")
	if dir == "" || f.t.Failed() {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		f.t.Error(err)
		return
	}
	name := strings.NewReplacer(" ", "-", "(", "", ")", "", ".", "").Replace(f.client)
	b := []byte{}
	for _, l := range f.lines {
		j, _ := json.Marshal(l)
		b = append(append(b, j...), '\n')
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s--%s.jsonl", name, f.t.Name())), b, 0o644); err != nil {
		f.t.Error(err)
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }
