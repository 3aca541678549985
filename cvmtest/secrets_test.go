package cvmtest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

const (
	secretKey = "SECRETKEY-must-not-leak-0123456789"
	token     = "SESSIONTOKEN-must-not-leak-abcdef"
)

// signatureTap records every Signature the client sends.
type signatureTap struct {
	rt   http.RoundTripper
	mu   sync.Mutex
	sigs []string
}

func (s *signatureTap) RoundTrip(req *http.Request) (*http.Response, error) {
	var raw string
	if req.Method == http.MethodGet {
		raw = req.URL.RawQuery
	} else if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body.Close()
		raw = string(b)
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	if i := strings.Index(raw, "Signature="); i >= 0 {
		sig := raw[i+len("Signature="):]
		if j := strings.IndexByte(sig, '&'); j >= 0 {
			sig = sig[:j]
		}
		s.mu.Lock()
		s.sigs = append(s.sigs, sig)
		s.mu.Unlock()
	}
	return s.rt.RoundTrip(req)
}

// TestSecretsNeverLeak runs every error path, under debug logging, with a
// session token, by GET and by POST, and looks for the SecretKey, the Token
// and every Signature sent in the logs, the errors (as text, %+v and %#v),
// and the printed Config, Client and Response.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"GET", "POST"} {
		srv := cvmtest.NewServer(cvmtest.WithToken(token), cvmtest.WithCredentials("AKIDleaktest"+method, secretKey),
			cvmtest.WithTransition(-1), cvmtest.WithInstances(1), cvmtest.WithoutQuotas())
		var logs bytes.Buffer
		tap := &signatureTap{rt: srv.Client().Transport}
		cfg := srv.Config()
		cfg.HTTPMethod = method
		cfg.HTTPClient = &http.Client{Transport: tap}
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		cfg.RateLimit.Disabled = true
		cfg.MaxAttempts = 2
		c, err := cvm.NewClient(cfg)
		require.NoError(t, err)
		ctx := context.Background()
		var printed []string
		keep := func(vs ...any) {
			for _, v := range vs {
				printed = append(printed, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v))
			}
		}
		keep(cfg, c, *c)

		// Success, with the Response printed and its request kept.
		_, resp, err := c.Instances.List(ctx, nil)
		require.NoError(t, err)
		keep(resp, resp.HTTPResponse.Request.URL.String())
		if body := resp.HTTPResponse.Request.GetBody; body != nil {
			t.Fatal("the returned request can replay the signed form")
		}

		srv.InjectFault("DescribeAvailabilityZones", cvmtest.Fault{HTTPStatus: 502, Body: "<html>502</html>"})
		srv.InjectFault("DescribeImages", cvmtest.Fault{Drop: true})
		srv.InjectFault("DescribeEipQuota", cvmtest.Fault{Code: 6000, Message: "internal"})
		srv.InjectFault("DescribeSecurityGroupEx", cvmtest.Fault{Delay: time.Minute})
		errs := []error{}
		add := func(_ any, _ any, err error) { errs = append(errs, err) }
		add(c.Zones.List(ctx))
		add(c.Images.List(ctx, &cvm.ImageListOptions{Type: cvm.ImagePublic}))
		add(c.EIPs.Quota(ctx))
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		add(c.SecurityGroups.List(short, nil))
		cancel()
		add(c.Instances.Get(ctx, "ins-nothere"))
		add(c.Instances.Start(ctx, srv.Instances("")[0].ID))
		add(nil, nil, c.Do(ctx, "cvm", "NoSuchAction", nil, nil))
		add(c.Instances.Create(ctx, &cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph", Password: "weak"}))
		bad := cfg
		bad.SecretKey = cvm.NewSecret("wrong-" + secretKey)
		bc, err := cvm.NewClient(bad)
		require.NoError(t, err)
		add(bc.Zones.List(ctx))
		down := cfg
		down.Endpoint = "http://127.0.0.1:1/v2/index.php" // nothing listens
		dc, err := cvm.NewClient(down)
		require.NoError(t, err)
		add(dc.Instances.List(ctx, nil))
		srv.ClearFaults()
		srv.Close()

		require.Len(t, errs, 10)
		for i, err := range errs {
			require.Error(t, err, "path %d", i)
			printed = append(printed, err.Error())
			keep(err)
		}
		tap.mu.Lock()
		sigs := append([]string(nil), tap.sigs...)
		tap.mu.Unlock()
		require.NotEmpty(t, sigs)
		haystack := logs.String() + "\n" + strings.Join(printed, "\n")
		for _, secret := range append([]string{secretKey, token}, sigs...) {
			assert.NotContains(t, haystack, secret, "%s: a secret leaked", method)
		}
		assert.Contains(t, logs.String(), "level=DEBUG", "debug logging was on")
		assert.Contains(t, logs.String(), "level=WARN", "retries were logged")
	}
}

func TestInsecureTLSIsRefusedUnlessAskedFor(t *testing.T) {
	t.Parallel()
	base := cvm.Config{SecretID: "AKIDtls", SecretKey: cvm.NewSecret("k"), Region: "gz"}
	for _, tc := range []*tls.Config{{InsecureSkipVerify: true}, {MinVersion: tls.VersionTLS10}} {
		cfg := base
		cfg.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: tc}}
		_, err := cvm.NewClient(cfg)
		var argErr *cvm.ArgError
		require.ErrorAs(t, err, &argErr)
		assert.Equal(t, "Config.HTTPClient", argErr.Arg)
		cfg.AllowInsecureTLS = true
		_, err = cvm.NewClient(cfg)
		assert.NoError(t, err)
	}
	cfg := base
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS13}}}
	_, err := cvm.NewClient(cfg)
	assert.NoError(t, err)
}
