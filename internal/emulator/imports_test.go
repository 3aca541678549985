package emulator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNoSigningOrValidationFromSDK: the emulator judges the SDK, so it may
// share only pure data with package cvm (the region table and the documented
// quotas), never its signer or validators.
func TestNoSigningOrValidationFromSDK(t *testing.T) {
	t.Parallel()
	allowed := map[string]bool{
		"LookupRegion": true, "DefaultGlobalQuota": true, "DefaultPerActionQuota": true, "DefaultQuotaWindow": true,
	}
	fset := token.NewFileSet()
	for _, f := range emulatorSources(t, fset, parser.SkipObjectResolution) {
		local := ""
		for _, imp := range f.Imports {
			if imp.Path.Value == `"github.com/qcloud-legacy/cvm"` {
				local = "cvm"
				if imp.Name != nil {
					local = imp.Name.Name
				}
			}
		}
		if local == "" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == local {
					assert.True(t, allowed[sel.Sel.Name], "%s uses cvm.%s", fset.Position(sel.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
}

// TestNoOfficialSDKInEmulator: Tencent's official SDKs judge the emulator
// in tests (the conformance module) and are never parts of it; nor is the
// tests' own signer. The core module does not require them at all.
func TestNoOfficialSDKInEmulator(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	for _, f := range emulatorSources(t, fset, parser.ImportsOnly) {
		name := fset.File(f.Pos()).Name()
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			assert.NotContains(t, p, "tencentcloud", "%s imports %s", name, p)
			assert.NotContains(t, p, "spectest", "%s imports %s", name, p)
		}
	}
	mod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	require.NoError(t, err)
	assert.NotContains(t, string(mod), "tencentcloud", "the core module requires an official SDK")
}

// emulatorSources parses the package's files other than its tests.
func emulatorSources(t *testing.T, fset *token.FileSet, mode parser.Mode) []*ast.File {
	t.Helper()
	names, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, mode)
		require.NoError(t, err)
		files = append(files, f)
	}
	require.NotEmpty(t, files)
	return files
}

// TestNoDoorReadsMessages: a refusal's API 3.0 code comes from its typed
// reason (refusals.go), never from searching its message: no call of the
// strings package reads a refusal's message anywhere in the emulator.
func TestNoDoorReadsMessages(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	for _, f := range emulatorSources(t, fset, parser.SkipObjectResolution) {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := fn.X.(*ast.Ident); !ok || pkg.Name != "strings" {
				return true
			}
			for _, arg := range call.Args {
				ast.Inspect(arg, func(m ast.Node) bool {
					if sel, ok := m.(*ast.SelectorExpr); ok && sel.Sel.Name == "message" {
						t.Errorf("%s: strings.%s reads a refusal's message; give the refusal a reason instead",
							fset.Position(call.Pos()), fn.Sel.Name)
					}
					return true
				})
			}
			return true
		})
	}
}

// TestNoLongFunctions: no function of the emulator, nor of the command that
// serves it, is over 80 lines; a longer one is split by what it does (a
// parse, a check, a kind of resource), as Admin, Restore and
// runInstances3 were.
func TestNoLongFunctions(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	files := emulatorSources(t, fset, parser.SkipObjectResolution)
	names, err := filepath.Glob("../../cmd/cvm-emulator/*.go")
	require.NoError(t, err)
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		files = append(files, f)
	}
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			lines := fset.Position(fn.Body.End()).Line - fset.Position(fn.Body.Pos()).Line + 1
			assert.LessOrEqual(t, lines, 80, "%s: %s is %d lines", fset.Position(fn.Pos()), fn.Name.Name, lines)
		}
	}
}

// TestAPI3DoorCallsTheCore: the API 3.0 front door decodes its wire into
// the core's typed arguments and calls the core; it never runs a legacy
// handler (the handler table, a legacy request) on a legacy encoding of
// the call.
func TestAPI3DoorCallsTheCore(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	for _, f := range emulatorSources(t, fset, parser.SkipObjectResolution) {
		name := filepath.Base(fset.Position(f.Pos()).Filename)
		if !strings.HasPrefix(name, "api3") {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.Ident:
				if x.Name == "handlers" {
					t.Errorf("%s: the API 3.0 door reads the legacy handler table", fset.Position(x.Pos()))
				}
			case *ast.CompositeLit:
				if id, ok := x.Type.(*ast.Ident); ok && id.Name == "request" {
					t.Errorf("%s: the API 3.0 door makes a legacy request", fset.Position(x.Pos()))
				}
			}
			return true
		})
	}
}
