package cvm_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPublishedModulesHaveNoReplace: the nested modules users install or
// import (the CLI with go install …@latest, redisquota and cvmotel with go
// get) name a released SDK and no replace directive: go install refuses a
// module with one, and a dependency's replace is ignored, leaving its
// requirement to resolve. The repository's go.work ties them to the SDK
// beside them instead.
func TestPublishedModulesHaveNoReplace(t *testing.T) {
	for _, mod := range []string{"cmd/cvm", "redisquota", "cvmotel"} {
		b, err := os.ReadFile(filepath.Join(mod, "go.mod"))
		require.NoError(t, err)
		for line := range strings.Lines(string(b)) {
			f := strings.Fields(line)
			if len(f) == 0 {
				continue
			}
			assert.NotEqual(t, "replace", f[0], "%s/go.mod: %s", mod, line)
			if len(f) >= 2 && f[0] == "github.com/qcloud-legacy/cvm" || len(f) >= 3 && f[1] == "github.com/qcloud-legacy/cvm" {
				assert.NotContains(t, line, "v0.0.0-", "%s/go.mod requires a pseudo-version of the SDK: %s", mod, line)
			}
		}
	}
	work, err := os.ReadFile("go.work")
	require.NoError(t, err)
	for _, mod := range []string{"./cmd/cvm", "./redisquota", "./cvmotel"} {
		assert.Contains(t, string(work), "\t"+mod+"\n", "go.work uses %s", mod)
	}
}
