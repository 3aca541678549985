package conformance

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tctag "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// TestGoSDKThroughAProxy points the official Go SDK at the emulator the
// way a tool that only lets one choose the scheme and an HTTP proxy does
// (the Terraform provider: protocol = "HTTP" and HTTP_PROXY): the SDK
// keeps its own hosts (cvm.tencentcloudapi.com, vpc..., tag...), signs for
// them, and sends each request in absolute form to the proxy, which is the
// emulator. Every service is told apart by the Host it was sent for.
func TestGoSDKThroughAProxy(t *testing.T) {
	srv := cvmtest.NewServer(cvmtest.WithoutQuotas())
	defer srv.Close()
	id, key, _ := srv.Credentials()
	j := newJudge(t, "tencentcloud-sdk-go", "API 3.0", "cvmtest")
	proxy, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{Proxy: http.ProxyURL(proxy)}
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Scheme = "HTTP" // the hosts stay Tencent's: no Endpoint
	tg := target{id: id, key: key}
	c, err := tccvm.NewClient(credFor(tg), region, cpf)
	if err != nil {
		t.Fatal(err)
	}
	v, err := tcvpc.NewClient(credFor(tg), region, cpf)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := tctag.NewClient(credFor(tg), region, cpf)
	if err != nil {
		t.Fatal(err)
	}
	c.WithHttpTransport(tr)
	v.WithHttpTransport(tr)
	tc.WithHttpTransport(tr)
	z, err := c.DescribeZones(tccvm.NewDescribeZonesRequest())
	j.check("DescribeZones", "through an HTTP proxy, to cvm.tencentcloudapi.com", err == nil && len(z.Response.ZoneSet) > 0, err)
	vs, err := v.DescribeVpcs(tcvpc.NewDescribeVpcsRequest())
	j.check("DescribeVpcs", "through an HTTP proxy, to vpc.tencentcloudapi.com", err == nil && *vs.Response.TotalCount == 1, err)
	req := tctag.NewDescribeResourceTagsByResourceIdsRequest()
	req.ServiceType, req.ResourcePrefix, req.ResourceRegion = sp("cvm"), sp("instance"), sp(region)
	req.ResourceIds = []*string{sp("ins-00000000")}
	tags, err := tc.DescribeResourceTagsByResourceIds(req)
	j.check("DescribeResourceTagsByResourceIds", "through an HTTP proxy, to tag.tencentcloudapi.com",
		err == nil && *tags.Response.TotalCount == 0, err)
}
