package cvm_test

import (
	"slices"
	"strings"
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

// TestActionTableAPI3FactsMatchTheEmulator: every API 3.0 action of the
// table is served by the emulator, at the rate the emulator holds it to
// (each side from spec/api3 §5), and an action the table calls safe to
// repeat without a token only reads there.
func TestActionTableAPI3FactsMatchTheEmulator(t *testing.T) {
	t.Parallel()
	served := emulator.API3Limits()
	for sa, f := range cvm.API3Facts() {
		if strings.HasPrefix(sa, "sts ") || sa == "vpc DetachNetworkInterface" {
			continue // counterparts of legacy-only actions, which the emulator does not serve over API 3.0
		}
		lim, ok := served[sa]
		if !assert.True(t, ok, "the table names %s, which the emulator does not serve", sa) {
			continue
		}
		assert.Equal(t, lim.PerSecond, f.PerSecond, "%s: the rate", sa)
		if f.Safety == "reads" && sa != "vpc CreateDefaultSecurityGroup" {
			// (CreateDefaultSecurityGroup makes the default group once,
			// and answers it ever after: safe to repeat, though it changes.)
			assert.True(t, lim.Reads, "%s: the table calls it a read, the emulator a change", sa)
		}
		if lim.Reads {
			assert.Equal(t, "reads", f.Safety, "%s: the emulator calls it a read", sa)
		}
	}
}
