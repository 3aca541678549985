package cvm

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// actionName is the shape of a legacy action's name.
var actionName = regexp.MustCompile(`^(Describe|Create|Delete|Modify|Run|Start|Stop|Restart|Return|Reset|Inquiry|Resize|Update|Renew|Sync|Share|Cancel|Get|Set|Pay|Add|Attach|Detach|Bind|UnBind|Import|Eip|Transform|Assume)[A-Za-z]+$`)

// actionLiterals returns every string literal of the package's source
// files (not its tests) passed to a method right after the context that
// reads as an action's name: what the services call.
func actionLiterals(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	found := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "actions.go" {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			// The services' calls: s.client.do(ctx, "Action", ...), and
			// call, batch, one and poll alike.
			if _, method := call.Fun.(*ast.SelectorExpr); !method || len(call.Args) < 2 {
				return true
			}
			if lit, ok := call.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && actionName.MatchString(s) {
					found[s] = fset.Position(lit.Pos()).String()
				}
			}
			return true
		})
	}
	return found
}

// TestActionTableCoversEveryServiceCall: every action a service calls is in
// the table, and every action of the table is called by a service (or by
// the credentials providers), so the table is the whole SDK.
func TestActionTableCoversEveryServiceCall(t *testing.T) {
	called := actionLiterals(t)
	require.Greater(t, len(called), 60, "the services' actions were found")
	for a, where := range called {
		_, ok := actions[a]
		assert.True(t, ok, "%s calls %s, which the table lacks", where, a)
	}
	// Actions of the table that no typed method calls: reachable through
	// Client.Do only.
	doOnly := []string{"DetachNetworkInterface", "GetFederationToken", "UpdateProject", "DescribeSecurityGroups"}
	for a := range actions {
		if _, ok := called[a]; !ok {
			assert.Contains(t, doOnly, a, "%s is in the table but no service calls it", a)
		}
	}
}

// TestActionFacts: the facts retry safety, outcome reports and secret
// handling read, for the actions that decide them.
func TestActionFacts(t *testing.T) {
	for _, c := range []struct {
		action   string
		safety   safety
		resource string
		secret   bool
	}{
		{"DescribeInstances", reads, "instance", false},
		{"DescribeOrCreateDefaultSecurityGroup", reads, "security group", false},
		{"InquiryInstancePrice", reads, "instance", false},
		{"GetImageShareUinInfo", reads, "image", false},
		{"RunInstances", tokened, "instance", false},
		{"RunInstancesHour", tokened, "instance", false},
		{"StopInstances", changes, "instance", false},
		{"SetAutoRenew", changes, "instance", false},
		{"EipBindInstance", changes, "EIP", false},
		{"TransformWanIpToEip", changes, "EIP", false},
		{"CreateKeyPair", changes, "key pair", true},
		{"BindInstanceKey", changes, "key pair", false},
		{"AssumeRole", changes, "credentials", true},
		{"PayDeals", changes, "order", false},
		{"AddProject", changes, "project", false},
		{"ModifySecurityGroupsOfNetworkInterface", changes, "security group", false},
		{"AttachNetworkInterface", changes, "network interface", false},
	} {
		assert.Equal(t, c.safety, safetyOf(c.action), c.action)
		assert.Equal(t, c.resource, resourceKind(c.action), c.action)
		assert.Equal(t, c.secret, answerCarriesSecret(c.action), c.action)
	}
	// Actions of other services, through Do: safety by the name.
	assert.Equal(t, reads, safetyOf("DescribeCdbInstances"))
	assert.Equal(t, changes, safetyOf("CreateCdbInstance"))
	assert.Equal(t, "resource", resourceKind("CreateCdbInstance"))
	for a, info := range actions {
		assert.NotEmpty(t, info.module, a)
		assert.NotEmpty(t, info.resource, a)
		if info.api3 != "" {
			assert.Len(t, strings.Fields(info.api3), 2, "%s: api3 is \"service Action\"", a)
		}
	}
}
