package cvm_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

func TestImagesFlow(t *testing.T) {
	t.Parallel()
	bothContracts(t, imagesFlow, cvmtest.WithInstances(1))
}

func imagesFlow(t *testing.T, api cvm.APIVersion, c *cvm.Client, srv *cvmtest.Server) {
	ctx := context.Background()
	inst := srv.Instances("")[0].ID

	public, resp, err := c.Images.List(ctx, &cvm.ImageListOptions{Type: cvm.ImagePublic})
	require.NoError(t, err)
	assert.Equal(t, 5, resp.TotalCount)
	assert.Equal(t, "img-31tjrtph", public[0].ID)
	assert.Equal(t, cvm.ImageNormal, public[0].Status)

	_, _, err = c.Images.Create(ctx, &cvm.ImageCreateRequest{InstanceID: inst, Name: "golden"})
	assert.ErrorIs(t, err, cvm.ErrOperationFailed, "the instance runs")
	_, _, err = c.Instances.Stop(ctx, inst)
	require.NoError(t, err)
	srv.Advance(time.Minute)

	task, _, err := c.Images.Create(ctx, &cvm.ImageCreateRequest{InstanceID: inst, Name: "golden", Description: "base"})
	require.NoError(t, err)
	assert.NotEmpty(t, task)
	mine, _, err := c.Images.List(ctx, &cvm.ImageListOptions{Type: cvm.ImagePrivate})
	require.NoError(t, err)
	require.Len(t, mine, 1)
	id := mine[0].ID
	assert.Equal(t, cvm.ImageCreating, mine[0].Status)
	srv.Advance(time.Minute)
	require.NoError(t, c.Images.WaitStatus(ctx, cvm.ImageNormal, id))

	name, desc := "golden-2", "second"
	_, err = c.Images.Update(ctx, &cvm.ImageUpdateRequest{ImageID: id, Name: &name, Description: &desc})
	require.NoError(t, err)
	img, _, err := c.Images.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "golden-2", img.Name)
	assert.Equal(t, "second", img.Description)

	_, err = c.Images.Share(ctx, id, "100001", "100002")
	require.NoError(t, err)
	shares, _, err := c.Images.Shares(ctx, id)
	require.NoError(t, err)
	require.Len(t, shares[id], 2)
	assert.Equal(t, "100001", shares[id][0].Account)
	_, _, err = c.Images.Delete(ctx, id)
	var apiErr *cvm.APIError
	require.ErrorAs(t, err, &apiErr, "shared images are not deleted")
	assert.Equal(t, cvm.CodeOperationFailed, apiErr.Code)
	if api == cvm.LegacyAPI {
		require.Len(t, apiErr.Items, 1)
		assert.Equal(t, id, apiErr.Items[0].ID)
	}
	_, err = c.Images.Unshare(ctx, id, "100001", "100002")
	require.NoError(t, err)

	_, err = c.Images.Sync(ctx, []string{id}, "ap-shanghai")
	require.NoError(t, err)
	assert.Equal(t, 4, srv.Images("sh", 1)[0].Status, "syncing in Shanghai")

	srv.Advance(time.Minute)
	res, _, err := c.Images.Delete(ctx, id)
	require.NoError(t, err)
	if api == cvm.LegacyAPI {
		assert.Equal(t, []cvm.ItemResult{{ID: id, RequestID: res.Items[0].RequestID}}, res.Items)
	} else {
		assert.Equal(t, []cvm.ItemResult{{ID: id}}, res.Items, "API 3.0's batches are all or nothing: on success every id succeeded")
	}
	_, _, err = c.Images.Get(ctx, id)
	assert.ErrorIs(t, err, cvm.ErrNotFound)

	// A public image is found by its id alone, whatever its type.
	pub, _, err := c.Images.Get(ctx, "img-31tjrtph")
	require.NoError(t, err)
	assert.Equal(t, cvm.ImagePublic, pub.Type)
	require.NoError(t, c.Images.WaitStatus(ctx, cvm.ImageNormal, "img-31tjrtph"))
}

func TestImagesValidation(t *testing.T) {
	t.Parallel()
	c, _ := flowClient(t)
	ctx := context.Background()
	_, _, err := c.Images.List(ctx, nil)
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "a type is required")
	_, _, err = c.Images.List(ctx, &cvm.ImageListOptions{Type: 9})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, _, err = c.Images.Create(ctx, &cvm.ImageCreateRequest{InstanceID: "ins-1", Name: "bad name"})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, _, err = c.Images.Create(ctx, &cvm.ImageCreateRequest{InstanceID: "ins-1", Name: "seventeen-chars-x"})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, err = c.Images.Share(ctx, "img-1", "not-a-uin")
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	many := make([]string, 51)
	for i := range many {
		many[i] = "1"
	}
	_, err = c.Images.Share(ctx, "img-1", many...)
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, err = c.Images.Sync(ctx, []string{"img-1"}, "mars")
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, err = c.Images.Update(ctx, &cvm.ImageUpdateRequest{ImageID: "img-1"})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	// More than 10 ids: several calls, merged.
	ids := []string{"img-31tjrtph", "img-7fwdvfur", "img-3wnd9xpl", "img-lkxqa4kj", "img-0vbqvzfn",
		"img-a", "img-b", "img-c", "img-d", "img-e", "img-f", "img-g"}
	list, resp, err := c.Images.List(ctx, &cvm.ImageListOptions{Type: cvm.ImagePublic, ImageIDs: ids})
	require.NoError(t, err)
	assert.Len(t, list, 5)
	assert.Equal(t, 2, resp.Attempts)
}
