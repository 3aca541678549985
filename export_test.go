package cvm

// ActionModules exposes the action table's modules to the external tests,
// which compare it with the emulator's own table.
func ActionModules() map[string]string {
	out := make(map[string]string, len(actions))
	for a, info := range actions {
		out[a] = info.module
	}
	return out
}

// Facts3 is what the action table says of one API 3.0 action.
type Facts3 struct {
	Safety    string // "reads", "tokened" or "changes"
	PerSecond int
}

// API3Facts exposes the action table's API 3.0 facts, by "service
// Action", to the external tests, which compare them with the emulator.
func API3Facts() map[string]Facts3 {
	names := map[safety]string{reads: "reads", tokened: "tokened", changes: "changes"}
	out := map[string]Facts3{}
	for sa, f := range facts3() {
		out[sa] = Facts3{Safety: names[f.safety3], PerSecond: f.perSecond3}
	}
	return out
}
