package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tctag "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// TestTerraformProviderCalls replays, with the official Go SDK, the calls
// Tencent's Terraform provider (tencentcloudstack/terraform-provider-
// tencentcloud, its tencentcloud/services/{vpc,cvm,cbs,tag} packages)
// makes for the README's configuration: a VPC with a subnet, a security
// group with a rule set, a key pair, an instance in the subnet with a
// CLOUD_PREMIUM system disk and a data disk, an EIP with its association,
// and a cloud disk with its attachment. Each resource is created and read
// as the provider creates and reads it (apply), read again (the second
// plan), and deleted in the order Terraform deletes it (destroy), through
// an HTTP proxy as the provider reaches the emulator, served by cvmtest
// and by the cvm-emulator binary.
//
// Where the provider dereferences a member of an answer, the member must
// be there (the provider would panic); where it writes a member into its
// state, the value must be the one the configuration gave (the second plan
// would show a change); where it waits, the wait must end.
func TestTerraformProviderCalls(t *testing.T) {
	for _, serve := range []struct {
		name  string
		start func(*testing.T) target
	}{
		{"cvmtest", func(t *testing.T) target { return inProcess(t, cvmtest.WithoutQuotas()) }},
		// The binary, as a Terraform user runs it (on a clock that moves by
		// itself, and with its limits on).
		{"cvm-emulator", func(t *testing.T) target { return binary(t) }},
	} {
		t.Run(serve.name, func(t *testing.T) { replayTerraform(t, serve.start(t)) })
	}
}

func replayTerraform(t *testing.T, tg target) {
	tf := newTerraform(t, tg)
	vpcID := tf.vpc()
	subnetID := tf.subnet(vpcID)
	sg := tf.securityGroup()
	tf.ruleSet(sg)
	key := tf.keyPair()
	disk := tf.cbsStorage()
	eip := tf.eip()
	ins := tf.instance(vpcID, subnetID, sg, key)
	tf.eipAssociation(eip, ins.id)
	tf.cbsAttachment(disk, ins.id)

	// The second plan: every resource read again, with no change.
	tf.phase = "plan"
	tf.readVPC(vpcID)
	tf.readSubnet(subnetID, vpcID)
	tf.readSecurityGroup(sg)
	tf.readRuleSet(sg)
	tf.readKeyPair(key)
	tf.readCBS(disk)
	tf.readEIP(eip)
	tf.readInstance(ins)
	tf.readEIPAssociation(eip)
	tf.readCBSAttachment(disk, ins.id)

	tf.phase = "destroy"
	tf.destroyCBSAttachment(disk)
	tf.unattachEIP(eip)
	tf.destroyRuleSet(sg)
	tf.destroyInstance(ins)
	tf.destroyCBS(disk)
	tf.destroyEIP(eip)
	tf.destroySubnet(subnetID)
	tf.destroyKeyPair(key)
	tf.destroySecurityGroup(sg)
	tf.destroyVPC(vpcID)
}

// terraform holds the provider's clients: the cvm, vpc and tag clients of
// the official Go SDK, and its CommonClient for cbs (whose Go module the
// proxy here does not serve), all sent through the emulator as an HTTP
// proxy with the hosts left Tencent's.
type terraform struct {
	t     *testing.T
	j     *judge
	c     *tccvm.Client
	v     *tcvpc.Client
	tc    *tctag.Client
	cc    *common.Client
	phase string          // apply, plan or destroy
	seen  map[string]bool // passed checks, each recorded once however often a wait repeats it
}

func newTerraform(t *testing.T, tg target) *terraform {
	t.Helper()
	proxy, err := url.Parse("http://" + tg.endpoint)
	if err != nil {
		t.Fatal(err)
	}
	m := newModelWalk()
	m.base = &http.Transport{Proxy: http.ProxyURL(proxy)}
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Scheme = "HTTP" // protocol = "HTTP" in the provider block
	cred := common.NewCredential(tg.id, tg.key)
	tf := &terraform{t: t, j: newJudge(t, "terraform-provider-tencentcloud, replayed", "API 3.0", tg.name), phase: "apply",
		seen: map[string]bool{}}
	if tf.c, err = tccvm.NewClient(cred, region, cpf); err != nil {
		t.Fatal(err)
	}
	if tf.v, err = tcvpc.NewClient(cred, region, cpf); err != nil {
		t.Fatal(err)
	}
	if tf.tc, err = tctag.NewClient(cred, region, cpf); err != nil {
		t.Fatal(err)
	}
	tf.cc = common.NewCommonClient(cred, region, cpf)
	tf.c.WithHttpTransport(m)
	tf.v.WithHttpTransport(m)
	tf.tc.WithHttpTransport(m)
	tf.cc.WithHttpTransport(m)
	t.Cleanup(func() { m.check(tf.j, map[string]any{"cvm": tf.c, "vpc": tf.v, "tag": tf.tc}) })
	return tf
}

// check records one judged step, named by the phase and resource; a
// passed step that a wait repeats is recorded once.
func (tf *terraform) check(action, what string, ok bool, detail ...any) bool {
	tf.t.Helper()
	what = tf.phase + ": " + what
	if ok && tf.seen[action+" "+what] {
		return true
	}
	tf.seen[action+" "+what] = ok
	return tf.j.check(action, what, ok, detail...)
}

// must stops the replay when a call the provider cannot go past fails.
func (tf *terraform) must(action string, err error) {
	tf.t.Helper()
	if err != nil {
		tf.check(action, "answers", false, err)
		tf.t.FailNow()
	}
}

// present reports whether every member the provider dereferences is in the
// answer: each value must be a non-nil pointer.
func (tf *terraform) present(action, resource string, members map[string]any) bool {
	tf.t.Helper()
	var missing []string
	for name, v := range members {
		if rv := reflect.ValueOf(v); !rv.IsValid() || rv.Kind() == reflect.Pointer && rv.IsNil() {
			missing = append(missing, name)
		}
	}
	return tf.check(action, resource+": every member the provider dereferences is there", len(missing) == 0,
		strings.Join(missing, ", "))
}

// poll calls f until it reports done, as the provider's resource.Retry
// does; the emulator's clock moves as the describes show a transition.
func (tf *terraform) poll(action, what string, f func() (bool, error)) {
	tf.t.Helper()
	for range 12 {
		done, err := f()
		if err != nil {
			tf.must(action, err)
		}
		if done {
			tf.check(action, what, true)
			return
		}
	}
	tf.check(action, what, false, "still waiting after 12 calls")
	tf.t.FailNow()
}

// tags is the provider's TagService.DescribeResourceTags: pages of
// DescribeResourceTagsByResourceIds for one resource.
func (tf *terraform) tags(service, prefix, id string) map[string]string {
	tf.t.Helper()
	const limit = 20 // the provider's DESCRIBE_TAGS_LIMIT
	out := map[string]string{}
	for offset := uint64(0); ; offset += limit {
		req := tctag.NewDescribeResourceTagsByResourceIdsRequest()
		req.ServiceType, req.ResourcePrefix, req.ResourceRegion = sp(service), sp(prefix), sp(region)
		req.ResourceIds = common.StringPtrs([]string{id})
		req.Limit, req.Offset = common.Uint64Ptr(limit), common.Uint64Ptr(offset)
		resp, err := tf.tc.DescribeResourceTagsByResourceIds(req)
		tf.must("DescribeResourceTagsByResourceIds", err)
		for _, kv := range resp.Response.Tags {
			out[*kv.TagKey] = *kv.TagValue
		}
		if len(resp.Response.Tags) != limit {
			return out
		}
	}
}

// modifyTags is the provider's TagService.ModifyTags, which it calls after
// a creation that was given tags.
func (tf *terraform) modifyTags(service, prefix, id string, replace map[string]string) {
	tf.t.Helper()
	req := tctag.NewModifyResourceTagsRequest()
	req.Resource = sp(resourceName(service, prefix, id))
	for k, v := range replace {
		req.ReplaceTags = append(req.ReplaceTags, &tctag.Tag{TagKey: sp(k), TagValue: sp(v)})
	}
	_, err := tf.tc.ModifyResourceTags(req)
	tf.must("ModifyResourceTags", err)
}

// cbs sends one cbs action through the CommonClient and decodes its
// Response into out.
func (tf *terraform) cbs(action string, params map[string]any, out any) error {
	r := tchttp.NewCommonRequest("cbs", "2017-03-12", action)
	if err := r.SetActionParameters(params); err != nil {
		return err
	}
	resp := tchttp.NewCommonResponse()
	if err := tf.cc.Send(r, resp); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	env := struct{ Response any }{out}
	return json.Unmarshal(resp.GetBody(), &env)
}

// equal reports a member the provider writes to its state that differs
// from the configuration's value.
func (tf *terraform) equal(action, resource string, pairs ...any) bool {
	tf.t.Helper()
	var diffs []string
	for i := 0; i+2 < len(pairs); i += 3 {
		name, got, want := pairs[i].(string), deref(pairs[i+1]), pairs[i+2]
		if fmt.Sprint(got) != fmt.Sprint(want) {
			diffs = append(diffs, fmt.Sprintf("%s: %v, configured %v", name, got, want))
		}
	}
	return tf.check(action, resource+": what the provider reads back is what was configured (no change planned)",
		len(diffs) == 0, strings.Join(diffs, "; "))
}

// deref is a pointer's value, or "" for nil (the provider's d.Set of a nil
// pointer leaves the attribute empty).
func deref(v any) any {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return ""
	}
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return ""
		}
		return rv.Elem().Interface()
	}
	return v
}

func filter(name, value string) *tcvpc.Filter {
	return &tcvpc.Filter{Name: sp(name), Values: common.StringPtrs([]string{value})}
}

func atoiOK(s *string) bool {
	if s == nil {
		return false
	}
	_, err := strconv.Atoi(*s)
	return err == nil
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
