package cvm

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncodeParamsKinds(t *testing.T) {
	t.Parallel()
	v, err := encodeParams(url.Values{"a": {"1"}})
	require.NoError(t, err)
	assert.Equal(t, "a=1", v.Encode())
	v, err = encodeParams(map[string]string{"b": "2"})
	require.NoError(t, err)
	assert.Equal(t, "b=2", v.Encode())
	v, err = encodeParams(nil)
	require.NoError(t, err)
	assert.Empty(t, v)
	v, err = encodeParams((*describeParams)(nil))
	require.NoError(t, err)
	assert.Empty(t, v)
	_, err = encodeParams(42)
	var argErr *ArgError
	require.ErrorAs(t, err, &argErr)
	assert.Equal(t, "params", argErr.Arg)
	v, err = encodeParams(struct {
		L List[any] `url:"l"`
	}{L: []any{1, true, 2.5, nil, uint8(3)}})
	require.NoError(t, err)
	assert.Equal(t, "l.0=1&l.1=1&l.2=2.5&l.3=&l.4=3", v.Encode())
}

func TestEnumsEncodeAsNumbers(t *testing.T) {
	t.Parallel()
	v, err := encodeParams(&struct {
		S InstanceStatus  `url:"status,omitempty"`
		T ImageType       `url:"imageType,omitempty"`
		Z ImageType       `url:"zero,omitempty"`
		L List[ImageType] `url:"types"`
	}{S: InstanceRunning, T: ImagePublic, L: []ImageType{ImagePrivate}})
	require.NoError(t, err)
	assert.Equal(t, "imageType=2&status=2&types.0=1", v.Encode())
}
