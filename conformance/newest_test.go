package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// The newest models: the <Action>Response interfaces, and those they hold,
// of tencentcloud-sdk-nodejs (the package of every service, installed in
// node/ by CI), read from each service's <service>_models.d.ts. The Go
// modules pinned here are older, and the service's answers have grown
// since: a member a Go model lacks is no departure when the newest model
// declares it, and every answer is also walked against the newest model,
// where one is installed. The rules are walkModel's.

// tsModels is a service's interfaces: name → member → TypeScript type.
type tsModels map[string]map[string]string

var (
	tsInterfaceRE = regexp.MustCompile(`(?m)^export interface (\w+) \{\n([\s\S]*?)\n\}`)
	tsMemberRE    = regexp.MustCompile(`(?m)^ {4}(\w+)\??: (.+);$`)
	tsListRE      = regexp.MustCompile(`^Array<(.+)>$`)

	tsMu    sync.Mutex
	tsCache = map[string]tsModels{}
)

// tsVersions are the model directories of the services the clients here
// call.
var tsVersions = map[string]string{"cvm": "v20170312", "vpc": "v20170312", "tag": "v20180813", "cbs": "v20170312",
	"api": "v20201106", "region": "v20220627", "billing": "v20180709"}

// newestModels reads the service's models, or nil when the package is not
// installed (CVM_REQUIRE_NODE_SDK makes that a failure of the caller's).
func newestModels(service string) tsModels {
	tsMu.Lock()
	defer tsMu.Unlock()
	if m, ok := tsCache[service]; ok {
		return m
	}
	var m tsModels
	if ver, ok := tsVersions[service]; ok {
		file := filepath.Join("node", "node_modules", "tencentcloud-sdk-nodejs", "tencentcloud", "services", service, ver,
			service+"_models.d.ts")
		if src, err := os.ReadFile(file); err == nil {
			m = tsModels{}
			for _, i := range tsInterfaceRE.FindAllStringSubmatch(string(src), -1) {
				members := map[string]string{}
				for _, f := range tsMemberRE.FindAllStringSubmatch(i[2], -1) {
					members[f[1]] = f[2]
				}
				m[i[1]] = members
			}
		}
	}
	tsCache[service] = m
	return m
}

// walkTS lists where v departs from the newest model's type t.
func walkTS(path string, v any, t string, m tsModels) []string {
	list := tsListRE.FindStringSubmatch(t)
	if v == nil {
		if t == "string" || m[t] != nil {
			return []string{path + ": null, want " + t}
		}
		return nil
	}
	switch {
	case list != nil:
		items, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want a list", path, v)}
		}
		var out []string
		for i, e := range items {
			out = append(out, walkTS(fmt.Sprintf("%s[%d]", path, i), e, list[1], m)...)
		}
		for i := range out {
			out[i] = indexRE.ReplaceAllString(out[i], "[]")
		}
		return out
	case t == "string":
		if _, ok := v.(string); !ok {
			return []string{fmt.Sprintf("%s: %T, want a string", path, v)}
		}
		return nil
	case t == "number":
		if _, ok := v.(json.Number); !ok {
			return []string{fmt.Sprintf("%s: %T, want a number", path, v)}
		}
		return nil
	case t == "boolean":
		if _, ok := v.(bool); !ok {
			return []string{fmt.Sprintf("%s: %T, want a bool", path, v)}
		}
		return nil
	}
	model := m[t]
	if model == nil {
		return nil // a type the models leave open (any)
	}
	return walkObject(path, v, model, func(p string, mv any, mt string) []string { return walkTS(p, mv, mt, m) })
}

// newerMember reports whether a Go walk's departure is a member the Go
// model lacks and the newest model declares: the same path is not in the
// newest walk's departures.
func newerMember(problem string, newest []string) bool {
	path, ok := strings.CutSuffix(problem, ": not in the model")
	if !ok {
		return false
	}
	for _, p := range newest {
		if strings.HasPrefix(p, path+":") {
			return false
		}
	}
	return true
}
