package emulator

import "sort"

// handler serves one action.
type handler struct {
	fn       func(s *Server, r *request) (map[string]any, *apiError)
	modules  []string
	noRegion bool
}

func (h handler) servedBy(module string) bool {
	for _, m := range h.modules {
		if m == module {
			return true
		}
	}
	return false
}

var handlers = map[string]handler{}

func register(modules []string, fns map[string]func(*Server, *request) (map[string]any, *apiError)) {
	for name, fn := range fns {
		handlers[name] = handler{fn: fn, modules: modules}
	}
}

// registerAccountWide registers actions that are account-wide: Region may
// be left out (spec §5.8).
func registerAccountWide(modules []string, fns map[string]func(*Server, *request) (map[string]any, *apiError)) {
	register(modules, fns)
	for name := range fns {
		h := handlers[name]
		h.noRegion = true
		handlers[name] = h
	}
}

// Actions returns the actions the emulator serves, sorted.
func Actions() []string {
	out := make([]string, 0, len(handlers))
	for a := range handlers {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// ActionModules returns the module hosts that serve each action the
// emulator serves.
func ActionModules() map[string][]string {
	out := make(map[string][]string, len(handlers))
	for a, h := range handlers {
		out[a] = append([]string(nil), h.modules...)
	}
	return out
}

var (
	onCVM   = []string{"cvm"}
	onImage = []string{"image"}
	onDFW   = []string{"dfw"}
	onEIP   = []string{"eip"}
	onTrade = []string{"trade"}
	// Documented on both hosts (spec §1.2); served on both.
	onCVMAndTrade = []string{"cvm", "trade"}
)

// knownModules are the module hosts the gateway serves (spec §1.2: the five
// CVM families plus the other services Tencent's legacy SDKs name). A
// request to a known module that does not serve the action gets 6100; to
// any other *.api.qcloud.com name, 4000 (spec §12).
var knownModules = map[string]bool{
	"cvm": true, "image": true, "dfw": true, "eip": true, "trade": true, "account": true,
	"vpc": true, "sts": true, "cdb": true, "lb": true, "cbs": true, "snapshot": true,
	"scaling": true, "monitor": true, "cdn": true, "vod": true, "ccs": true, "redis": true,
	"bm": true, "bmeip": true, "bmvpc": true, "csec": true, "sec": true, "cmq": true,
	"wenzhi": true, "scf": true, "tdsql": true, "live": true, "cns": true, "yunsou": true,
}
