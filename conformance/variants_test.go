package conformance

import (
	"slices"
	"testing"

	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// TestGoSDKVariants: the official Go SDK's other ways of calling (GET,
// signature v1 with HmacSHA256 and HmacSHA1, temporary credentials with a
// token) and the documented authentication, routing and rate-limit errors.
func TestGoSDKVariants(t *testing.T) {
	for _, start := range targets(t) {
		tg := start(t)
		t.Run(tg.name, func(t *testing.T) {
			j := newJudge(t, "tencentcloud-sdk-go-variants", "API 3.0", tg.name)
			goVariants(t, j, tg)
		})
	}
	t.Run("token", func(t *testing.T) {
		for _, tg := range []target{inProcess(t, cvmtest.WithToken("session-token-1")), binary(t, "-token", "session-token-1")} {
			j := newJudge(t, "tencentcloud-sdk-go-token", "API 3.0", tg.name)
			c, _ := goClients(t, tg, nil)
			_, err := c.DescribeZones(tccvm.NewDescribeZonesRequest())
			j.check("DescribeZones", "temporary credentials with X-TC-Token are accepted", err == nil, err)
			v1, _ := goClients(t, tg, func(p *profile.ClientProfile) { p.SignMethod = "HmacSHA1" })
			_, err = v1.DescribeZones(tccvm.NewDescribeZonesRequest())
			j.check("DescribeZones", "signature v1 with its Token parameter is accepted", err == nil, err)
			wrong := tg
			wrong.token = "another-token"
			c, _ = goClients(t, wrong, nil)
			_, err = c.DescribeZones(tccvm.NewDescribeZonesRequest())
			j.check("DescribeZones", "a wrong token is AuthFailure.TokenFailure", codeOf(err) == "AuthFailure.TokenFailure", err)
			wrong.token = ""
			c, _ = goClients(t, wrong, nil)
			_, err = c.DescribeZones(tccvm.NewDescribeZonesRequest())
			j.check("DescribeZones", "no token for a temporary key is AuthFailure.TokenFailure", codeOf(err) == "AuthFailure.TokenFailure", err)
		}
	})
}

func goVariants(t *testing.T, j *judge, tg target) {
	filter := func() *tccvm.DescribeImagesRequest {
		req := tccvm.NewDescribeImagesRequest()
		req.Filters = []*tccvm.Filter{{Name: sp("image-type"), Values: common.StringPtrs([]string{"PUBLIC_IMAGE"})}}
		req.Limit = common.Uint64Ptr(1)
		return req
	}
	for _, m := range []struct{ name, method, sign string }{
		{"GET with TC3-HMAC-SHA256", "GET", ""},
		{"GET with signature v1 HmacSHA256", "GET", "HmacSHA256"},
		{"POST form with signature v1 HmacSHA1", "POST", "HmacSHA1"},
		{"POST form with signature v1 HmacSHA256", "POST", "HmacSHA256"},
	} {
		c, _ := goClients(t, tg, func(p *profile.ClientProfile) {
			p.HttpProfile.ReqMethod = m.method
			if m.sign != "" {
				p.SignMethod = m.sign
			}
		})
		resp, err := c.DescribeImages(filter())
		j.check("DescribeImages", m.name+": filters and Limit arrive as the query or form", err == nil &&
			len(resp.Response.ImageSet) == 1 && *resp.Response.TotalCount >= 2, err)
	}
	c, v := goClients(t, tg, func(p *profile.ClientProfile) { p.UnsignedPayload = true })
	_, err := c.DescribeZones(tccvm.NewDescribeZonesRequest())
	j.check("DescribeZones", "X-TC-Content-SHA256: UNSIGNED-PAYLOAD is accepted", err == nil, err)
	_ = v

	wrongKey := tg
	wrongKey.key += "x"
	c, _ = goClients(t, wrongKey, nil)
	_, err = c.DescribeZones(tccvm.NewDescribeZonesRequest())
	j.check("DescribeZones", "a wrong SecretKey is AuthFailure.SignatureFailure", codeOf(err) == "AuthFailure.SignatureFailure", err)
	unknown := tg
	unknown.id = "AKIDnobody0000000000000000000000000"
	c, _ = goClients(t, unknown, nil)
	_, err = c.DescribeZones(tccvm.NewDescribeZonesRequest())
	j.check("DescribeZones", "an unknown SecretId is AuthFailure.SecretIdNotFound", codeOf(err) == "AuthFailure.SecretIdNotFound", err)

	c, v = goClients(t, tg, nil)
	other, _ := tccvm.NewClient(credFor(tg), "ap-nowhere", profileFor(tg, nil))
	_, err = other.DescribeZones(tccvm.NewDescribeZonesRequest())
	j.check("DescribeZones", "an unknown region is UnsupportedRegion", codeOf(err) == "UnsupportedRegion", err)
	generic := common.NewCommonClient(credFor(tg), region, profileFor(tg, nil))
	creq := tchttp.NewCommonRequest("cvm", "2017-03-12", "DescribeNothing")
	err = generic.Send(creq, tchttp.NewCommonResponse())
	j.check("DescribeNothing", "an unknown action is InvalidAction", codeOf(err) == "InvalidAction", err)
	creq = tchttp.NewCommonRequest("cvm", "2099-01-01", "DescribeZones")
	err = generic.Send(creq, tchttp.NewCommonResponse())
	j.check("DescribeZones", "an unknown version is NoSuchVersion", codeOf(err) == "NoSuchVersion", err)

	// The per-second limit (§5): DescribeZones allows 20 a second per key;
	// on the emulator's fake clock, which no describe of zones moves, the
	// 21st in a row is refused.
	refused := 0
	for range 25 {
		if _, err := c.DescribeZones(tccvm.NewDescribeZonesRequest()); codeOf(err) == "RequestLimitExceeded" {
			refused++
		}
	}
	j.check("DescribeZones", "over 20 a second is RequestLimitExceeded", refused >= 5, refused)
	_, err = v.DescribeAddressQuota(tcvpc.NewDescribeAddressQuotaRequest())
	j.check("DescribeAddressQuota", "another action's limit is its own", err == nil, err)
	q, _ := v.DescribeAddressQuota(tcvpc.NewDescribeAddressQuotaRequest())
	j.check("DescribeAddressQuota", "TOTAL_EIP_QUOTA and the daily quotas", q != nil && slices.ContainsFunc(q.Response.QuotaSet,
		func(x *tcvpc.Quota) bool { return *x.QuotaId == "TOTAL_EIP_QUOTA" && *x.QuotaLimit == 20 }))
}
