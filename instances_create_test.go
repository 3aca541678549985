package cvm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

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

// shortAnswers is a proxy in front of the emulator that drops the last
// instance id of every purchase's answer, as a faulty gateway or service
// might: the purchase made more than it says.
func shortAnswers(t *testing.T, target string) string {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	p := httputil.NewSingleHostReverseProxy(u)
	p.ModifyResponse = func(resp *http.Response) error {
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		var m map[string]any
		if json.Unmarshal(b, &m) == nil {
			drop := func(v any) any {
				if l, ok := v.([]any); ok && len(l) > 0 {
					return l[:len(l)-1]
				}
				return v
			}
			if r, ok := m["Response"].(map[string]any); ok && r["InstanceIdSet"] != nil {
				r["InstanceIdSet"] = drop(r["InstanceIdSet"])
			}
			switch ids := m["unInstanceIds"].(type) {
			case []any:
				m["unInstanceIds"] = drop(ids)
			case map[string]any:
				for k, v := range ids {
					ids[k] = drop(v)
				}
			}
			b, _ = json.Marshal(m)
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		resp.ContentLength = int64(len(b))
		resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return nil
	}
	proxy := httptest.NewServer(p)
	t.Cleanup(proxy.Close)
	return proxy.URL
}

// TestPurchaseAnsweredShortIsAnError: a purchase answered with fewer
// instance ids than it asked for is an error (ErrBadResponse) that names
// what the answer says was made, under both contracts, hourly and prepaid;
// it never passes for success.
func TestPurchaseAnsweredShortIsAnError(t *testing.T) {
	t.Parallel()
	srv := cvmtest.NewServer(cvmtest.WithoutQuotas(), cvmtest.WithClock(time.Now()), cvmtest.WithTransition(-1))
	defer srv.Close()
	base := shortAnswers(t, srv.URL)
	for _, api := range []cvm.APIVersion{cvm.LegacyAPI, cvm.API3} {
		cfg := srv.Config()
		cfg.Endpoint = base + "/v2/index.php"
		if api == cvm.API3 {
			cfg = srv.API3Config()
			cfg.Endpoint = base
		}
		cfg.RateLimit.Disabled = true
		c, err := cvm.NewClient(cfg)
		require.NoError(t, err)
		ids, _, err := c.Instances.Create(context.Background(), &cvm.InstanceCreateRequest{
			ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph", Count: 3})
		require.ErrorIs(t, err, cvm.ErrBadResponse, "%v", api)
		assert.Len(t, ids, 2, "%v: what the answer named is returned", api)
		assert.Contains(t, err.Error(), "2 instances for a purchase of 3")
		for _, id := range ids {
			assert.Contains(t, err.Error(), id)
		}
		res, _, err := c.Instances.CreatePrepaid(context.Background(), &cvm.InstancePrepaidCreateRequest{
			InstanceCreateRequest: cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph", Count: 2},
			Months:                1})
		require.ErrorIs(t, err, cvm.ErrBadResponse, "%v prepaid", api)
		require.NotNil(t, res)
		assert.Contains(t, err.Error(), "1 instances for a purchase of 2")
	}
}
