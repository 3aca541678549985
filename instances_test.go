package cvm_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// TestInstancesFlow: an instance's lifecycle, under both contracts.
func TestInstancesFlow(t *testing.T) {
	t.Parallel()
	bothContracts(t, instancesFlow)
}

func instancesFlow(t *testing.T, api cvm.APIVersion, c *cvm.Client, srv *cvmtest.Server) {
	ctx := context.Background()

	ids, resp, err := c.Instances.Create(ctx, &cvm.InstanceCreateRequest{
		ZoneID: 100003, CPU: 2, MemoryGB: 4, ImageID: "img-31tjrtph", BandwidthMbps: 1,
		Password: "Passw0rd!", Name: "web", Count: 3,
	})
	require.NoError(t, err)
	require.Len(t, ids, 3)
	assert.Equal(t, 1, resp.Attempts)

	in, _, err := c.Instances.Get(ctx, ids[0])
	require.NoError(t, err)
	assert.Equal(t, cvm.InstanceCreating, in.Status)
	assert.Equal(t, "creating", in.Status.String())
	assert.Equal(t, "web", in.Name)
	assert.Equal(t, 2, in.CPU)
	assert.Equal(t, 4, in.MemoryGB)
	assert.Equal(t, cvm.PayHourly, in.PayMode)
	assert.True(t, in.Deadline.IsZero(), "postpaid: no deadline")
	assert.Len(t, in.WANIPs, 1)
	assert.Equal(t, "gz", in.Region)
	if api == cvm.API3 {
		// Without a VPC, API 3.0 places an instance in its zone's default
		// subnet, as for accounts with no basic network left.
		assert.Regexp(t, `^vpc-[a-z0-9]{8}$`, in.VPCID, "the default VPC")
		assert.Regexp(t, `^172\.16\.`, in.LANIP, "an address of the default subnet")
	} else {
		assert.Empty(t, in.VPCID, "the legacy contract's basic network")
	}

	// Waiting ends at the deadline with the status last seen: a client
	// whose first answer, once read, ends the wait's context.
	short, cancel := context.WithCancelCause(ctx)
	cfg := srv.Config()
	if api == cvm.API3 {
		cfg = srv.API3Config()
	}
	cfg.RateLimit.Disabled = true
	cfg.HTTPClient = &http.Client{Transport: endAfterFirst{next: cfg.HTTPClient.Transport, end: func() { cancel(context.DeadlineExceeded) }}}
	waiter, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	err = waiter.Instances.WaitStatus(short, cvm.InstanceRunning, ids...)
	cancel(nil)
	var waitErr *cvm.WaitError
	require.ErrorAs(t, err, &waitErr)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, "creating", waitErr.Last[ids[0]])
	assert.Contains(t, err.Error(), "last seen: ")
	assert.Contains(t, err.Error(), ids[0]+" creating")

	srv.Advance(time.Minute)
	require.NoError(t, c.Instances.WaitStatus(ctx, cvm.InstanceRunning, ids...))

	// A failed batch names each instance under the legacy contract; API 3.0
	// refuses it whole, with no per-id results.
	_, _, err = c.Instances.Start(ctx, ids[0], "ins-missing")
	var apiErr *cvm.APIError
	require.ErrorAs(t, err, &apiErr)
	if api == cvm.API3 {
		assert.Empty(t, apiErr.Items)
	} else {
		assert.Equal(t, cvm.CodeOperationFailed, apiErr.Code, "both failed: one running, one missing")
		require.Len(t, apiErr.Items, 2)
	}

	res, _, err := c.Instances.Stop(ctx, ids...)
	require.NoError(t, err)
	require.Len(t, res.Items, 3, "every id's result, under both contracts")
	for _, it := range res.Items {
		assert.Contains(t, ids, it.ID)
		assert.Zero(t, it.Code, it.Message)
	}
	_, _, err = c.Instances.ResetPassword(ctx, "Passw0rd!2", ids[0])
	require.Error(t, err, "still stopping")
	srv.Advance(time.Minute)
	_, _, err = c.Instances.ResetPassword(ctx, "Passw0rd!2", ids[0])
	require.NoError(t, err)
	srv.Advance(time.Minute)

	_, err = c.Instances.ResizeHourly(ctx, &cvm.InstanceResizeRequest{InstanceID: ids[1], CPU: 4, MemoryGB: 8})
	require.NoError(t, err)
	_, err = c.Instances.ResizeHourly(ctx, &cvm.InstanceResizeRequest{InstanceID: ids[1], CPU: 1, MemoryGB: 1})
	require.Error(t, err, "no downgrades")
	srv.Advance(time.Minute)

	_, err = c.Instances.Rename(ctx, ids[2], "renamed")
	require.NoError(t, err)
	_, err = c.Instances.SetBandwidthHourly(ctx, ids[2], 10)
	require.NoError(t, err)
	_, _, err = c.Instances.Reinstall(ctx, &cvm.InstanceReinstallRequest{InstanceID: ids[2], ImageID: "img-3wnd9xpl"})
	require.NoError(t, err)
	srv.Advance(time.Minute)
	in, _, err = c.Instances.Get(ctx, ids[2])
	require.NoError(t, err)
	assert.Equal(t, "renamed", in.Name)
	assert.Equal(t, 10, in.BandwidthMbps)
	assert.Equal(t, "img-3wnd9xpl", in.ImageID)
	assert.Equal(t, cvm.InstanceRunning, in.Status, "reinstalled and running")

	_, err = c.Instances.MoveToProject(ctx, ids[2], 42)
	if api == cvm.API3 {
		assert.ErrorIs(t, err, cvm.ErrNotFound, "InvalidProjectId.NotFound")
	} else {
		assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "4000 InvalidParameter.ProjectIdNotFound")
	}

	for _, id := range ids {
		_, err := c.Instances.Terminate(ctx, id)
		require.NoError(t, err)
	}
	srv.Advance(time.Minute)
	require.NoError(t, c.Instances.WaitStatus(ctx, cvm.InstanceReturned, ids...), "gone counts as returned")
	_, _, err = c.Instances.Get(ctx, ids[0])
	assert.ErrorIs(t, err, cvm.ErrNotFound)
}

func TestInstancesAllPagesLazily(t *testing.T) {
	t.Parallel()
	c, srv := flowClient(t, cvmtest.WithInstances(250))
	ctx := context.Background()
	opts := &cvm.InstanceListOptions{ListOptions: cvm.ListOptions{Limit: 100}}
	var ids []string
	for in, err := range c.Instances.All(ctx, opts) {
		require.NoError(t, err)
		ids = append(ids, in.ID)
	}
	assert.Len(t, ids, 250)
	assert.Equal(t, cvm.InstanceListOptions{ListOptions: cvm.ListOptions{Limit: 100}}, *opts, "options untouched")

	// Early break, then a fresh range starts over.
	n := 0
	for _, err := range c.Instances.All(ctx, opts) {
		require.NoError(t, err)
		n++
		if n == 5 {
			break
		}
	}
	assert.Equal(t, 5, n)

	// More ids than one call takes are split and merged.
	all := make([]string, 0, 250)
	for _, in := range srv.Instances("") {
		all = append(all, in.ID)
	}
	list, resp, err := c.Instances.List(ctx, &cvm.InstanceListOptions{InstanceIDs: all})
	require.NoError(t, err)
	assert.Len(t, list, 250)
	assert.Equal(t, 250, resp.TotalCount)
	_, _, err = c.Instances.List(ctx, &cvm.InstanceListOptions{InstanceIDs: all, ListOptions: cvm.ListOptions{Offset: 10}})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter, "paging across chunks is refused")
	n = 0
	for _, err := range c.Instances.All(ctx, &cvm.InstanceListOptions{InstanceIDs: all[:150]}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 150, n)

	page, resp, err := c.Instances.List(ctx, &cvm.InstanceListOptions{ListOptions: cvm.ListOptions{Offset: 240, Limit: 100}})
	require.NoError(t, err)
	assert.Len(t, page, 10)
	assert.Equal(t, 250, resp.TotalCount)
}

func TestInstancesValidation(t *testing.T) {
	t.Parallel()
	c, srv := flowClient(t)
	ctx := context.Background()
	good := cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph"}
	for name, tc := range map[string]struct {
		mod func(*cvm.InstanceCreateRequest)
		arg string
	}{
		"no zone":          {func(r *cvm.InstanceCreateRequest) { r.ZoneID = 0 }, "ZoneID"},
		"no cpu":           {func(r *cvm.InstanceCreateRequest) { r.CPU = 0 }, "CPU"},
		"too much memory":  {func(r *cvm.InstanceCreateRequest) { r.MemoryGB = 8 }, "MemoryGB"},
		"no image":         {func(r *cvm.InstanceCreateRequest) { r.ImageID = "" }, "ImageID"},
		"odd disk":         {func(r *cvm.InstanceCreateRequest) { r.DataDiskGB = 15 }, "DataDiskGB"},
		"root disk":        {func(r *cvm.InstanceCreateRequest) { r.RootDiskGB = 60 }, "RootDiskGB"},
		"weak password":    {func(r *cvm.InstanceCreateRequest) { r.Password = "password" }, "Password"},
		"short password":   {func(r *cvm.InstanceCreateRequest) { r.Password = "Ab1!" }, "Password"},
		"odd character":    {func(r *cvm.InstanceCreateRequest) { r.Password = "Abcdefg1 2" }, "Password"},
		"password and key": {func(r *cvm.InstanceCreateRequest) { r.Password = "Abcdefg12"; r.KeyID = "skey-1" }, "KeyID"},
		"long name":        {func(r *cvm.InstanceCreateRequest) { r.Name = string(make([]rune, 61)) }, "Name"},
		"vpc alone":        {func(r *cvm.InstanceCreateRequest) { r.VPCID = "vpc-1" }, "SubnetID"},
		"negative count":   {func(r *cvm.InstanceCreateRequest) { r.Count = -1 }, "Count"},
		"long token":       {func(r *cvm.InstanceCreateRequest) { r.ClientToken = string(make([]byte, 65)) }, "ClientToken"},
	} {
		req := good
		tc.mod(&req)
		_, _, err := c.Instances.Create(ctx, &req)
		var argErr *cvm.ArgError
		require.ErrorAs(t, err, &argErr, name)
		assert.Equal(t, tc.arg, argErr.Arg, name)
	}
	_, _, err := c.Instances.Create(ctx, nil)
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, _, err = c.Instances.Start(ctx)
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, _, err = c.Instances.List(ctx, &cvm.InstanceListOptions{ListOptions: cvm.ListOptions{Limit: 101}})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, _, err = c.Instances.CreatePrepaid(ctx, &cvm.InstancePrepaidCreateRequest{InstanceCreateRequest: good, Months: 37})
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, _, err = c.Instances.Renew(ctx, "ins-1", 0)
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	_, err = c.Instances.Rename(ctx, "ins-1", "")
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	for _, err := range c.Instances.All(ctx, &cvm.InstanceListOptions{ListOptions: cvm.ListOptions{Offset: -1}}) {
		assert.ErrorIs(t, err, cvm.ErrInvalidParameter)
	}
	assert.Empty(t, srv.Instances(""), "nothing reached the server")

	// The server's stricter Windows rules still apply.
	req := good
	req.ImageID, req.Password = "img-lkxqa4kj", "Abcdefg12"
	_, _, err = c.Instances.Create(ctx, &req)
	var apiErr *cvm.APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, "InvalidParameter.PasswordNotConformSpecs", apiErr.CodeDesc)
}

// endAfterFirst is a transport that calls end when the body of its first
// answer is closed (read whole).
type endAfterFirst struct {
	next http.RoundTripper
	end  func()
}

func (e endAfterFirst) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := e.next.RoundTrip(req)
	if err == nil {
		resp.Body = closeHook{resp.Body, e.end}
	}
	return resp, err
}

type closeHook struct {
	io.ReadCloser
	hook func()
}

func (c closeHook) Close() error {
	err := c.ReadCloser.Close()
	c.hook()
	return err
}
