package cvm_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/internal/emulator"
)

// TestActionTableMatchesTheEmulator: the module the table routes an action
// to is one the emulator (written from the spec, not from this table)
// serves it on, for every action both know; and the emulator serves every
// action of the table but the STS and project-editing ones it leaves out.
func TestActionTableMatchesTheEmulator(t *testing.T) {
	served := emulator.ActionModules()
	for a, module := range cvm.ActionModules() {
		mods, ok := served[a]
		if !ok {
			assert.Contains(t, []string{"GetFederationToken", "UpdateProject", "DetachNetworkInterface"}, a, "the emulator does not serve %s", a)
			continue
		}
		assert.True(t, slices.Contains(mods, module), "%s: the table says %s, the emulator serves it on %v", a, module, mods)
	}
	// Spellings the documentation also uses (spec §9), which the emulator
	// serves and the SDK never sends.
	aliases := []string{"ModifyEipAlias", "ModifySecurityGroupPolicy", "unBindInstanceKey", "DescribeSecurityGroupPolicy"}
	for a := range served {
		_, ok := cvm.ActionModules()[a]
		assert.True(t, ok || slices.Contains(aliases, a), "the emulator serves %s, which the table lacks", a)
	}
}
