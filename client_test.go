package cvm

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type describeParams struct {
	InstanceIDs List[string] `url:"instanceIds,omitempty"`
	Offset      int          `url:"offset"`
	Limit       int          `url:"limit,omitempty"`
}

func TestDoRoutesByAction(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	rec := answer(t, mt, "POST", "https://dfw.api.qcloud.com/v2/index.php", `{"code":0,"data":{}}`)
	require.NoError(t, c.Do(context.Background(), "", "DescribeSecurityGroupEx", nil, nil))
	assert.Len(t, rec.requests(), 1)

	err := c.Do(context.Background(), "", "SomethingUnknown", nil, nil)
	var argErr *ArgError
	require.ErrorAs(t, err, &argErr)
	assert.Equal(t, "module", argErr.Arg)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "nothing sent for a bad argument")
}

func TestDoBadArguments(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	ctx := context.Background()
	var out struct{}
	tests := []struct {
		name        string
		module, act string
		params, out any
		wantArg     string
	}{
		{"no action", "cvm", "", nil, nil, "action"},
		{"bad module", "CVM!", "X", nil, nil, "module"},
		{"out not a pointer", "cvm", "X", nil, out, "out"},
		{"nil pointer out", "cvm", "X", nil, (*struct{})(nil), "out"},
		{"params not encodable", "cvm", "X", []string{"a"}, nil, "params"},
	}
	for _, tt := range tests {
		err := c.Do(ctx, tt.module, tt.act, tt.params, tt.out)
		var argErr *ArgError
		require.ErrorAs(t, err, &argErr, tt.name)
		assert.Equal(t, tt.wantArg, argErr.Arg, tt.name)
		assert.ErrorIs(t, err, ErrInvalidParameter, tt.name)
	}
	assert.Zero(t, mt.GetTotalCallCount())
}

type json2Int = jsonInt
