package cvm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRegions(t *testing.T) {
	t.Parallel()
	r, ok := LookupRegion("ap-guangzhou")
	require.True(t, ok)
	assert.Equal(t, Region{"gz", "ap-guangzhou", "广州"}, r)
	r, ok = LookupRegion(" GZ ")
	require.True(t, ok)
	assert.Equal(t, "ap-guangzhou", r.Long)
	_, ok = LookupRegion("nowhere")
	assert.False(t, ok)
	all := Regions()
	all[0].Short = "mutated"
	assert.NotEqual(t, "mutated", Regions()[0].Short, "Regions returns a copy")
	seen := map[string]bool{}
	for _, r := range Regions() {
		assert.False(t, seen[r.Short] || seen[r.Long], r.Short)
		seen[r.Short], seen[r.Long] = true, true
	}
}
