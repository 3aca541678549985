package cvm_test

import (
	"testing"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/internal/spectest"
	"github.com/stretchr/testify/assert"
)

// TestCheckPasswordSpec checks the documented password rules (spec §12)
// through examples written from the rule's text, not from this package.
func TestCheckPasswordSpec(t *testing.T) {
	t.Parallel()
	for _, c := range spectest.PasswordCases {
		err := cvm.CheckPassword(c.Password, c.Windows)
		assert.Equal(t, c.OK, err == nil, "%q windows=%v: %s (%v)", c.Password, c.Windows, c.Why, err)
		if err != nil {
			var argErr *cvm.ArgError
			assert.ErrorAs(t, err, &argErr)
			assert.NotContains(t, err.Error(), c.Password, "a password never appears in an error")
		}
	}
}
