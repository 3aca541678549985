package cvmtest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// newClient returns a client of srv. Its rate limiter is off: the
// limiter's own tests drive it on a fake clock, and here it would only make
// tests wait on the wall clock.
func newClient(t *testing.T, srv *cvmtest.Server, mods ...func(*cvm.Config)) *cvm.Client {
	t.Helper()
	cfg := srv.Config()
	cfg.RateLimit.Disabled = true
	for _, m := range mods {
		m(&cfg)
	}
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	return c
}

func TestZonesServiceAgainstEmulator(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer()
	defer srv.Close()
	c := newClient(t, srv)
	ctx := context.Background()

	zones, resp, err := c.Zones.List(ctx)
	require.NoError(t, err)
	assert.Len(t, zones, 4)
	assert.Equal(t, 4, resp.TotalCount)
	assert.Equal(t, cvm.Zone{ID: 100001, Name: "广州一区", IDCs: []cvm.IDC{{ID: 1, Name: "广州一区机房"}}}, zones[0])

	z, _, err := c.Zones.Get(ctx, 100004)
	require.NoError(t, err)
	assert.Equal(t, "广州四区", z.Name)
	_, _, err = c.Zones.Get(ctx, 200001) // a Shanghai zone
	assert.ErrorIs(t, err, cvm.ErrInvalidParameter)

	ab, _, err := c.Zones.Abilities(ctx, 100003, cvm.CapacityVPC)
	require.NoError(t, err)
	assert.Equal(t, []cvm.ZoneAbility{{Capacities: []string{"vpc"}, Supported: true}}, ab)

	regions, _, err := c.Zones.ProductRegions(ctx, cvm.ProductCVM)
	require.NoError(t, err)
	assert.Contains(t, regions, cvm.ProductRegion{Code: "gz", Name: "广州"})

	sh := newClient(t, srv, func(cfg *cvm.Config) { cfg.Region = "ap-shanghai" })
	zones, _, err = sh.Zones.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, []cvm.Zone{
		{ID: 200001, Name: "上海一区", IDCs: []cvm.IDC{{ID: 1, Name: "上海一区机房"}}},
		{ID: 200002, Name: "上海二区", IDCs: []cvm.IDC{{ID: 2, Name: "上海二区机房"}}},
	}, zones)
}

func TestSignatureMethodsAndVerbs(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer()
	defer srv.Close()
	for _, method := range []string{"GET", "POST"} {
		for _, sig := range []string{"HmacSHA1", "HmacSHA256"} {
			c := newClient(t, srv, func(cfg *cvm.Config) {
				cfg.HTTPMethod, cfg.SignatureMethod = method, sig
				cfg.RateLimit.Disabled = true // four clients of one key in a row
			})
			_, _, err := c.Zones.List(context.Background())
			assert.NoError(t, err, "%s %s", method, sig)
		}
	}
	bad := newClient(t, srv, func(cfg *cvm.Config) { cfg.SecretKey = cvm.NewSecret("wrong") })
	_, _, err := bad.Zones.List(context.Background())
	assert.ErrorIs(t, err, cvm.ErrAuth)
}

func TestTemporaryCredentials(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithToken("session-token"))
	defer srv.Close()
	_, _, err := newClient(t, srv).Zones.List(context.Background())
	require.NoError(t, err)
	_, _, err = newClient(t, srv, func(cfg *cvm.Config) { cfg.Token = cvm.Secret{} }).Zones.List(context.Background())
	assert.ErrorIs(t, err, cvm.ErrAuth)
}

func TestTransitionsOnTheFakeClock(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithClock(time.Unix(1700000000, 0)), cvmtest.WithTransition(time.Minute), cvmtest.WithInstances(2))
	defer srv.Close()
	c := newClient(t, srv)
	ids := []string{srv.Instances("")[0].ID, srv.Instances("")[1].ID}
	params := struct {
		IDs cvm.List[string] `url:"instanceIds"`
	}{ids}
	require.NoError(t, c.Do(context.Background(), "cvm", "StopInstances", params, nil))
	assert.Equal(t, 9, srv.Instances("")[0].Status, "stopping")
	srv.Advance(time.Minute)
	assert.Equal(t, 4, srv.Instances("")[0].Status, "stopped")
	assert.Equal(t, 4, srv.Instances("gz")[1].Status)
}

// TestLostAnswerCreatesOnce: the server creates, the answer is lost, the
// client retries with the same clientToken and gets the same instances.
func TestLostAnswerCreatesOnce(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithTransition(-1))
	defer srv.Close()
	srv.InjectFault("RunInstancesHour", cvmtest.Fault{Drop: true, Times: 1})
	c := newClient(t, srv)
	var out struct {
		cvm.Envelope
		IDs []string `json:"unInstanceIds"`
	}
	err := c.Do(context.Background(), "cvm", "RunInstancesHour", map[string]string{
		"zoneId": "100003", "cpu": "1", "mem": "1", "imageId": "img-31tjrtph", "storageSize": "0", "goodsNum": "3",
	}, &out)
	require.NoError(t, err)
	assert.Len(t, out.IDs, 3)
	assert.Len(t, srv.Instances(""), 3, "created once")
}

// TestLostAnswerOfChangeIsNotRetried: a change without a token whose answer
// is lost is reported, not repeated.
func TestLostAnswerOfChangeIsNotRetried(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithTransition(-1), cvmtest.WithInstances(1))
	defer srv.Close()
	srv.InjectFault("ModifyInstanceAttributes", cvmtest.Fault{Drop: true})
	c := newClient(t, srv)
	err := c.Do(context.Background(), "cvm", "ModifyInstanceAttributes",
		map[string]string{"instanceId": srv.Instances("")[0].ID, "instanceName": "x"}, nil)
	var reqErr *cvm.RequestError
	require.ErrorAs(t, err, &reqErr)
	assert.Equal(t, 1, reqErr.Attempts)
}

func TestFaultsAreRetriedForReads(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer()
	defer srv.Close()
	srv.InjectFault("DescribeAvailabilityZones", cvmtest.Fault{HTTPStatus: 502, Body: "<html>bad gateway</html>", Times: 1})
	srv.InjectFault("DescribeAvailabilityZones", cvmtest.Fault{Code: 6000, Times: 1})
	c := newClient(t, srv)
	_, resp, err := c.Zones.List(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 3, resp.Attempts)
}

func TestSlowAnswerEndsAtTheDeadline(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer()
	defer srv.Close()
	srv.InjectFault("*", cvmtest.Fault{Delay: time.Minute})
	c := newClient(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err := c.Zones.List(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestServerQuotaSurfaces(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithClock(time.Now()), cvmtest.WithQuotas(100, 2, time.Minute))
	defer srv.Close()
	c := newClient(t, srv, func(cfg *cvm.Config) { cfg.RateLimit.Disabled = true; cfg.MaxAttempts = 1 })
	ctx := context.Background()
	for range 2 {
		_, _, err := c.Zones.List(ctx)
		require.NoError(t, err)
	}
	_, _, err := c.Zones.List(ctx)
	require.ErrorIs(t, err, cvm.ErrQuotaExceeded)
	var apiErr *cvm.APIError
	require.True(t, errors.As(err, &apiErr))
	srv.Advance(time.Minute + time.Second)
	_, _, err = c.Zones.List(ctx)
	require.NoError(t, err, "the window slid")
}

// TestConcurrentClients: many goroutines and clients at once; every create
// lands exactly once and the state stays consistent.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithoutQuotas(), cvmtest.WithTransition(-1))
	defer srv.Close()
	const workers, each = 16, 8
	errs := make(chan error, workers*each)
	for w := range workers {
		go func() {
			c := newClient(t, srv, func(cfg *cvm.Config) { cfg.RateLimit.Disabled = true })
			ctx := context.Background()
			for i := range each {
				var out struct {
					cvm.Envelope
					IDs []string `json:"unInstanceIds"`
				}
				err := c.Do(ctx, "cvm", "RunInstancesHour", map[string]string{
					"zoneId": "100003", "cpu": "1", "mem": "1", "imageId": "img-31tjrtph", "storageSize": "0",
					"instanceName": "w" + string(rune('a'+w)),
				}, &out)
				if err == nil && i%2 == 0 {
					params := struct {
						IDs cvm.List[string] `url:"instanceIds"`
					}{out.IDs}
					err = c.Do(ctx, "cvm", "StopInstances", params, nil)
				}
				if err == nil {
					_, _, err = c.Zones.List(ctx)
				}
				errs <- err
			}
		}()
	}
	for range workers * each {
		require.NoError(t, <-errs)
	}
	all := srv.Instances("")
	require.Len(t, all, workers*each)
	stopped := 0
	for _, in := range all {
		if in.Status == 4 {
			stopped++
		}
	}
	assert.Equal(t, workers*each/2, stopped)
}
