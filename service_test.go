package cvm

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBatchErrorPerID(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	answer(t, mt, "POST", cvmURL, `{"code":5400,"message":"partly failed","detail":{
		"ins-b":{"code":5100,"message":"(EC_CVM_STATUS_ERROR) status","requestId":""},
		"ins-a":{"code":0,"message":"","requestId":"123"}}}`)
	err := c.Do(context.Background(), "cvm", "StopInstances",
		struct {
			IDs List[string] `url:"instanceIds"`
		}{[]string{"ins-a", "ins-b"}}, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, ErrPartialFailure)
	assert.Equal(t, []ItemResult{
		{ID: "ins-a", Code: 0, RequestID: "123"},
		{ID: "ins-b", Code: 5100, Message: "(EC_CVM_STATUS_ERROR) status"},
	}, apiErr.Items)
	assert.Equal(t, []ItemResult{apiErr.Items[1]}, apiErr.Failed())
	assert.Equal(t, "cvm: StopInstances: code 5400: partly failed: 1 of 2 items failed: ins-b: code 5100 (EC_CVM_STATUS_ERROR) status", err.Error())
	assert.NoError(t, apiErr.Items[0].Err("StopInstances"))
	assert.ErrorIs(t, apiErr.Items[1].Err("StopInstances"), ErrOperationFailed)
}
