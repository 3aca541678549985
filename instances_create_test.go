package cvm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/qcloud-legacy/cvm/internal/spectest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

func TestCreateOverHundredSplits(t *testing.T) {
	t.Parallel()
	c, srv := flowClient(t, cvmtest.WithTransition(-1))
	ids, resp, err := c.Instances.Create(context.Background(), &cvm.InstanceCreateRequest{
		ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph", Count: 230, ClientToken: "batch-1",
	})
	require.NoError(t, err)
	assert.Len(t, ids, 230)
	assert.Equal(t, 3, resp.Attempts, "three calls")
	assert.Len(t, srv.Instances(""), 230)
	// The same token again creates nothing more.
	again, _, err := c.Instances.Create(context.Background(), &cvm.InstanceCreateRequest{
		ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph", Count: 230, ClientToken: "batch-1",
	})
	require.NoError(t, err)
	assert.Equal(t, ids, again)
	assert.Len(t, srv.Instances(""), 230)
}

// TestCreateOverHundredWithLongestToken (round 3, finding 12): a caller's
// token of the documented 64 characters still splits: each chunk's derived
// token stays within 64 characters and is its own, and the same token again
// creates nothing more.
func TestCreateOverHundredWithLongestToken(t *testing.T) {
	t.Parallel()
	c, srv := flowClient(t, cvmtest.WithTransition(-1))
	req := &cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph", Count: 250,
		ClientToken: strings.Repeat("t", 64)}
	ids, resp, err := c.Instances.Create(context.Background(), req)
	require.NoError(t, err)
	assert.Len(t, ids, 250)
	assert.Equal(t, 3, resp.Attempts, "three calls")
	assert.Len(t, srv.Instances(""), 250)
	again, _, err := c.Instances.Create(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, ids, again)
	assert.Len(t, srv.Instances(""), 250)
}
