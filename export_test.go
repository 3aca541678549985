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
