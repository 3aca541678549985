package emulator

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"math/rand/v2"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm/internal/spectest"
)

// digest renders every resource the server holds, following pointers and
// sorting map keys, so that two digests are equal exactly when the state is.
// Caches and counters that no answer shows (encodings, generations, id
// sequences, random sources) are left out.
func digest(s *Server) string {
	var b strings.Builder
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value, depth int)
	walk = func(v reflect.Value, depth int) {
		if depth > 12 {
			b.WriteString("…")
			return
		}
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				b.WriteString("nil")
				return
			}
			if seen[v.Pointer()] {
				b.WriteString("&seen")
				return
			}
			seen[v.Pointer()] = true
			defer delete(seen, v.Pointer())
			walk(v.Elem(), depth+1)
		case reflect.Struct:
			if v.Type() == reflect.TypeOf(time.Time{}) {
				if v.CanAddr() { // unexported: read it through its address
					t := reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem().Interface().(time.Time)
					b.WriteString(t.UTC().Format(time.RFC3339Nano))
				} else {
					fmt.Fprint(&b, v)
				}
				return
			}
			b.WriteString("{")
			for i := range v.NumField() {
				switch v.Type().Field(i).Name {
				case "gen", "encoded", "encodedGen", "members", "idx", "live", "arena", "shown", "shownGen", "seenMoving": // caches and marks, not state
					continue
				}
				b.WriteString(v.Type().Field(i).Name + ":")
				walk(v.Field(i), depth+1)
				b.WriteString(" ")
			}
			b.WriteString("}")
		case reflect.Map:
			keys := v.MapKeys()
			sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
			b.WriteString("map[")
			for _, k := range keys {
				b.WriteString(fmt.Sprint(k) + ":")
				walk(v.MapIndex(k), depth+1)
				b.WriteString(" ")
			}
			b.WriteString("]")
		case reflect.Slice, reflect.Array:
			b.WriteString("[")
			for i := range v.Len() {
				walk(v.Index(i), depth+1)
				b.WriteString(" ")
			}
			b.WriteString("]")
		default:
			fmt.Fprint(&b, v)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	for _, code := range slices.Sorted(func(yield func(string) bool) {
		for k := range s.regions {
			if !yield(k) {
				return
			}
		}
	}) {
		rg := s.regions[code]
		rg.settle(now)
		b.WriteString(code + "=")
		walk(reflect.ValueOf(rg), 0)
	}
	walk(reflect.ValueOf(s.tokens), 0)
	return b.String()
}

// fuzzCaller signs and sends random calls to a server in process.
type fuzzCaller struct {
	t     *testing.T
	s     *Server
	rng   *rand.Rand
	nonce uint64
}

func (f *fuzzCaller) send(p url.Values) map[string]any {
	p.Set("SecretId", tid)
	p.Set("Timestamp", strconv.FormatInt(time.Now().Unix(), 10))
	f.nonce++
	p.Set("Nonce", strconv.FormatUint(f.nonce, 10))
	p.Set("Signature", spectest.Sign("POST", "example.com", Path, p, tkey))
	req := httptest.NewRequest("POST", "http://example.com"+Path, strings.NewReader(p.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	f.s.ServeHTTP(w, req)
	var out map[string]any
	require.NoError(f.t, json.Unmarshal(w.Body.Bytes(), &out), w.Body.String())
	return out
}

// ids lists the resources of a kind in a region, for drawing parameters.
func (f *fuzzCaller) ids(region string) (inst, imgs, sgs, eips []string) {
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	rg := f.s.regionLocked(region)
	for id, in := range rg.instances {
		inst = append(inst, id, in.legacyID, in.eniID())
	}
	for id := range rg.images {
		imgs = append(imgs, id)
	}
	for id := range rg.sgs {
		sgs = append(sgs, id)
	}
	for id, e := range rg.eips {
		eips = append(eips, id, e.ip, e.privateIP)
	}
	slices.Sort(inst)
	slices.Sort(imgs)
	slices.Sort(sgs)
	slices.Sort(eips)
	return
}

// params draws a random parameter set for any action: names from every
// action's parameters, values from the resources that exist, plausible
// numbers and deliberately bad ones.
func (f *fuzzCaller) params(action, region string, known []string) url.Values {
	inst, imgs, sgs, eips := f.ids(region)
	pick := func(pool []string, bad string) string {
		if len(pool) == 0 || f.rng.IntN(6) == 0 {
			return bad
		}
		return pool[f.rng.IntN(len(pool))]
	}
	nums := []string{"0", "1", "2", "3", "4", "5", "10", "20", "50", "100", "-1", "1000", "x", "", "100003", "100001", "65535"}
	num := func() string { return nums[f.rng.IntN(len(nums))] }
	value := func(name string) string {
		lower := strings.ToLower(name)
		switch {
		case strings.Contains(lower, "networkinterface"), strings.Contains(lower, "instanceid"), strings.Contains(lower, "instanceids"):
			return pick(inst, "ins-nothere")
		case strings.Contains(lower, "eipid"), lower == "eips", strings.Contains(lower, "privateip"):
			return pick(eips, "eip-nothere")
		case strings.Contains(lower, "sgid"):
			return pick(sgs, "sg-nothere")
		case strings.Contains(lower, "imageid"), strings.Contains(lower, "imgidlist"):
			return pick(imgs, "img-nothere")
		case strings.Contains(lower, "password"):
			return spectest.PasswordCases[f.rng.IntN(len(spectest.PasswordCases))].Password
		case strings.Contains(lower, "name"), strings.Contains(lower, "remark"), strings.Contains(lower, "desc"):
			return []string{"web", "db", "", "名字", strings.Repeat("x", 70), "a-b", "default"}[f.rng.IntN(7)]
		case strings.HasSuffix(lower, "action"):
			return []string{"ACCEPT", "DROP", "maybe"}[f.rng.IntN(3)]
		case strings.Contains(lower, "cidrip"):
			return []string{"0.0.0.0/0", "10.0.0.0/8", "bad"}[f.rng.IntN(3)]
		case strings.Contains(lower, "protocol"):
			return []string{"tcp", "udp", "icmp", "sctp"}[f.rng.IntN(4)]
		case strings.Contains(lower, "portrange"):
			return []string{"22", "80-90", "x"}[f.rng.IntN(3)]
		case lower == "direction":
			return []string{"ingress", "egress", "up"}[f.rng.IntN(3)]
		case strings.Contains(lower, "region"):
			return []string{"gz", "sh", "mars"}[f.rng.IntN(3)]
		case strings.Contains(lower, "bandwidthtype"):
			return []string{"PayByHour", "PayByTraffic", "PayByBandwidth", "x"}[f.rng.IntN(4)]
		case strings.Contains(lower, "uin"):
			return []string{"100000000001", "x"}[f.rng.IntN(2)]
		case strings.Contains(lower, "token"):
			return []string{"t1", "t2"}[f.rng.IntN(2)]
		case strings.Contains(lower, "time"):
			return []string{"2026-11-26", "2030-01-01", "x"}[f.rng.IntN(3)]
		}
		if f.rng.IntN(3) != 0 {
			if good, ok := goodNumbers[lower]; ok {
				return good[f.rng.IntN(len(good))]
			}
		}
		return num()
	}
	names := []string{
		"instanceIds.0", "instanceIds.1", "instanceId", "unInstanceId", "unInstanceIds.0", "eipId", "eipIds.0", "eipIds.1",
		"sgId", "sgIds.0", "imageId", "imageIds.0", "imgIdList.0", "dstRegion.0", "srcRegion", "password", "instanceName",
		"cpu", "mem", "zoneId", "imageType", "goodsNum", "storageSize", "storageType", "rootSize", "bandwidth",
		"bandwidthType", "allocWanIp", "projectId", "sgName", "sgRemark", "period", "autoRenew", "instanceType",
		"mode", "networkInterfaceId", "privateIpAddress", "forceStop", "clientToken", "imageName", "imageDescription",
		"eipName", "wanIp", "direction", "index", "version", "indexes.0", "uinList.0",
		"ingress.0.action", "ingress.0.cidrIp", "ingress.0.ipProtocol", "ingress.0.portRange",
		"egress.0.action", "egress.0.sgId", "policys.0.action", "policys.0.cidrIp", "policys.action", "policys.cidrIp",
		"instanceSet.0.instanceId", "instanceSet.0.sgIds.0", "instanceSet.1.instanceId", "instanceSet.1.sgIds.0",
		"startTime", "endTime", "bandwidthUpgradeStartTime", "bandwidthUpgradeEndTime",
	}
	p := url.Values{"Action": {action}, "Region": {region}}
	// Mostly the names the action reads, each with some chance; now and
	// then any name.
	for _, n := range known {
		if f.rng.IntN(10) != 0 {
			p.Set(n, value(n))
		}
	}
	for range f.rng.IntN(3) {
		n := names[f.rng.IntN(len(names))]
		p.Set(n, value(n))
	}
	return p
}

// goodNumbers are plausible values of numeric parameters, by lower-case
// name.
var goodNumbers = map[string][]string{
	"cpu": {"1", "2"}, "mem": {"1", "2", "4"}, "zoneid": {"100003"}, "imagetype": {"2", "1"}, "goodsnum": {"1", "2"},
	"storagesize": {"0", "10"}, "bandwidth": {"1", "2"}, "period": {"1"}, "autorenew": {"0", "1", "2"},
	"allocwanip": {"0", "1"}, "projectid": {"0"}, "instancetype": {"1", "CVM.S1"}, "mode": {"0", "1"},
	"forcestop": {"0", "1"}, "index": {"0", "-1"}, "version": {"0", "1"}, "limit": {"20"}, "offset": {"0"},
	"rootsize": {"20"}, "storagetype": {"1", "2"}, "wanip": {"1", "0"}, "indexes.0": {"0"}, "status": {"2", "4"},
}

// TestRefusedCallsChangeNothing is a property test over every action: for
// thousands of random calls, an answer with a non-zero code leaves the state
// exactly as it was.
func TestRefusedCallsChangeNothing(t *testing.T) {
	t.Parallel()
	fake := newHarness(t, nil).fake
	s := New(Options{Keys: map[string]string{tid: tkey}, Clock: fake, Seed: 11, QuotasOff: true, Transition: 3 * time.Second})
	_, err := s.SeedInstances("gz", 4)
	require.NoError(t, err)
	_, err = s.SeedEIPs("gz", 3)
	require.NoError(t, err)
	_, err = s.SeedSecurityGroup("gz", "seeded")
	require.NoError(t, err)
	_, err = s.SeedInstances("sh", 1)
	require.NoError(t, err)
	f := &fuzzCaller{t: t, s: s, rng: rand.New(rand.NewPCG(3, 4))}
	known := actionParams(t)
	var mutating []string
	for _, a := range Actions() {
		if !readOnly(a) {
			mutating = append(mutating, a)
		}
	}
	refused, accepted := map[string]int{}, map[string]int{}
	const calls = 4000
	for i := range calls {
		action := mutating[f.rng.IntN(len(mutating))]
		if f.rng.IntN(5) == 0 {
			action = Actions()[f.rng.IntN(len(Actions()))]
		}
		region := "gz"
		if f.rng.IntN(10) == 0 {
			region = "sh"
		}
		// Keep resources to act on: the random calls return and delete
		// them faster than they create them.
		inst, _, sgs, eips := f.ids("gz")
		if len(inst) < 9 {
			_, err := s.SeedInstances("gz", 2)
			require.NoError(t, err)
		}
		if len(eips) < 6 {
			_, _ = s.SeedEIPs("gz", 2)
		}
		if len(sgs) < 2 {
			_, err := s.SeedSecurityGroup("gz", fmt.Sprintf("seeded-%d", i))
			require.NoError(t, err)
		}
		p := f.params(action, region, known[action])
		before := digest(s)
		out := f.send(p)
		if c := code(out); c == 0 || c == 5400 {
			// 5400 is a batch that partly succeeded: its successes stand.
			accepted[action]++
		} else {
			refused[action]++
			if after := digest(s); after != before {
				t.Fatalf("call %d: %s refused with %v changed the state\nparams: %v\n%s", i, action, out, p, firstDiff(before, after))
			}
		}
		if f.rng.IntN(4) == 0 {
			fake.Advance(time.Duration(f.rng.IntN(5)) * time.Second)
		}
	}
	t.Logf("%d calls: refused %v; accepted %v", calls, refused, accepted)
	for _, a := range mutating {
		require.Positive(t, refused[a], "no refused call of %s was tried", a)
		require.Positive(t, accepted[a]+refused[a], "%s was never called", a)
	}
	total := 0
	for _, n := range accepted {
		total += n
	}
	require.Greater(t, total, calls/10, "too few calls got through to reach deep states")
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-300)
	return "before: …" + a[lo:min(len(a), i+200)] + "\nafter:  …" + b[lo:min(len(b), i+200)]
}

// actionParams reads the emulator's own source for the parameter names each
// action's handler reads (q.str("x"), q.list("x"), ...), following the
// helpers it calls, so that random calls use names the action knows.
func actionParams(t *testing.T) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	reads := map[string]map[string]bool{} // func name → param names
	calls := map[string]map[string]bool{} // func name → funcs called
	actions := map[string]string{}        // action → handler func name
	readers := map[string]string{"str": "", "strMax": "", "integer": "", "optInt": "", "oneOf": "", "has": "",
		"list": ".0", "ids": ".0", "objects": ".0."}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			fn := fd.Name.Name
			reads[fn], calls[fn] = map[string]bool{}, map[string]bool{}
			ast.Inspect(fd, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !ok {
						if id, ok := n.Fun.(*ast.Ident); ok {
							calls[fn][id.Name] = true
						}
						return true
					}
					calls[fn][sel.Sel.Name] = true
					suffix, isReader := readers[sel.Sel.Name]
					if !isReader || len(n.Args) == 0 {
						return true
					}
					if lit, ok := n.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						name, _ := strconv.Unquote(lit.Value)
						if suffix == ".0." {
							for _, field := range []string{"action", "cidrIp", "ipProtocol", "portRange", "sgId", "instanceId", "sgIds.0", "desc"} {
								reads[fn][name+suffix+field] = true
							}
						} else {
							reads[fn][name+suffix] = true
						}
					}
				case *ast.KeyValueExpr:
					key, ok := n.Key.(*ast.BasicLit)
					sel, ok2 := n.Value.(*ast.SelectorExpr)
					if ok && ok2 && key.Kind == token.STRING {
						if par, ok := sel.X.(*ast.ParenExpr); ok {
							if star, ok := par.X.(*ast.StarExpr); ok {
								if id, ok := star.X.(*ast.Ident); ok && id.Name == "Server" {
									a, _ := strconv.Unquote(key.Value)
									actions[a] = sel.Sel.Name
								}
							}
						}
					}
				}
				return true
			})
		}
	}
	out := map[string][]string{}
	for action, fn := range actions {
		names := map[string]bool{}
		seen := map[string]bool{}
		var visit func(string)
		visit = func(fn string) {
			if seen[fn] {
				return
			}
			seen[fn] = true
			for n := range reads[fn] {
				names[n] = true
			}
			for c := range calls[fn] {
				visit(c)
			}
		}
		visit(fn)
		out[action] = slices.Sorted(maps.Keys(names))
	}
	return out
}
