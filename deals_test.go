package cvm_test

import (
	"context"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDealsAndProjectsFlow(t *testing.T) {
	t.Parallel()
	bothContracts(t, dealsAndProjectsFlow, cvmtest.WithTransition(time.Second))
}

func dealsAndProjectsFlow(t *testing.T, api cvm.APIVersion, c *cvm.Client, srv *cvmtest.Server) {
	ctx := context.Background()
	pre, _, err := c.Instances.CreatePrepaid(ctx, &cvm.InstancePrepaidCreateRequest{Months: 1,
		InstanceCreateRequest: cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph"}})
	require.NoError(t, err)
	deals := pre.DealIDs
	if api == cvm.API3 {
		// API 3.0 names no order (spec/api3 §6 row 3): the instances come
		// under "", and the order is found by its time.
		assert.Empty(t, deals)
		require.Len(t, pre.InstanceIDs[""], 1)
		sums, _, err := c.Deals.Query(ctx, cvm.DealQuery{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)})
		require.NoError(t, err)
		require.Len(t, sums, 1)
		deals = []string{sums[0].ID}
		pre.InstanceIDs[deals[0]] = pre.InstanceIDs[""]
	}
	ids := pre.InstanceIDs[deals[0]]
	require.Len(t, deals, 1)
	d, _, err := c.Deals.Get(ctx, deals[0])
	require.NoError(t, err)
	assert.Equal(t, cvm.DealShipping, d.Status, "while the instance is created")
	assert.Equal(t, ids, d.InstanceIDs)
	srv.Advance(2 * time.Second)
	settled, err := c.Deals.WaitSettled(ctx, deals...)
	require.NoError(t, err)
	assert.Equal(t, cvm.DealDelivered, settled[0].Status)

	sums, resp, err := c.Deals.Query(ctx, cvm.DealQuery{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, 1, resp.TotalCount)
	assert.Equal(t, deals[0], sums[0].ID)

	pid, _, err := c.Projects.Create(ctx, "web前端2", "front end")
	require.NoError(t, err)
	again, _, err := c.Projects.Create(ctx, "web前端2", "")
	if api == cvm.API3 {
		require.NoError(t, err, "API 3.0's AddProject answers the existing project")
		assert.Equal(t, pid, again)
	} else {
		var apiErr *cvm.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Contains(t, apiErr.Message, "(1036)")
	}
	_, _, err = c.Projects.Create(ctx, "bad name!", "")
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	ps, _, err := c.Projects.List(ctx, false)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, pid, ps[0].ID)
	_, err = c.Instances.MoveToProject(ctx, ids[0], pid)
	require.NoError(t, err, "a created project is usable")
}

func TestUnpaidDeals(t *testing.T) {
	t.Parallel()
	c, srv := flowClient(t, cvmtest.WithTransition(time.Second), cvmtest.WithUnpaidDeals())
	ctx := context.Background()
	pre, _, err := c.Instances.CreatePrepaid(ctx, &cvm.InstancePrepaidCreateRequest{Months: 1,
		InstanceCreateRequest: cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph"}})
	require.NoError(t, err)
	deals := pre.DealIDs
	ids := pre.InstanceIDs[deals[0]]
	srv.Advance(time.Minute)
	_, err = c.Deals.WaitSettled(ctx, deals...)
	var we *cvm.WaitError
	require.ErrorAs(t, err, &we, "an unpaid order does not move by itself")
	assert.Equal(t, int(cvm.InstanceCreating), srv.Instances("")[0].Status, "not delivered until paid")
	paid, _, err := c.Deals.Pay(ctx, deals...)
	require.NoError(t, err)
	assert.Len(t, paid.Paid, 1)
	srv.Advance(2 * time.Second)
	_, err = c.Deals.WaitSettled(ctx, deals...)
	require.NoError(t, err)
	require.NoError(t, c.Instances.WaitStatus(ctx, cvm.InstanceRunning, ids...))
}

// TestDealsAll: All pages through every order of a span, under both
// contracts: five purchases in pages of two, and a loop that stops early.
func TestDealsAll(t *testing.T) {
	t.Parallel()
	bothContracts(t, func(t *testing.T, api cvm.APIVersion, c *cvm.Client, srv *cvmtest.Server) {
		ctx := context.Background()
		for range 5 {
			_, _, err := c.Instances.CreatePrepaid(ctx, &cvm.InstancePrepaidCreateRequest{Months: 1,
				InstanceCreateRequest: cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph"}})
			require.NoError(t, err)
		}
		span := &cvm.DealListOptions{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour), Limit: 2}
		seen := map[string]bool{}
		for d, err := range c.Deals.All(ctx, span) {
			require.NoError(t, err)
			assert.False(t, seen[d.ID], "%s twice", d.ID)
			seen[d.ID] = true
		}
		assert.Len(t, seen, 5)

		n := 0
		for _, err := range c.Deals.All(ctx, span) {
			require.NoError(t, err)
			if n++; n == 3 {
				break
			}
		}
		assert.Equal(t, 3, n)

		for _, err := range c.Deals.All(ctx, &cvm.DealListOptions{Limit: 51}) {
			assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "a page of 51 is refused before any call")
		}
	})
}
