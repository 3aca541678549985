package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// sent3 records the JSON body of every API 3.0 request a client sends.
type sent3 struct {
	mu     sync.Mutex
	bodies map[string][][]byte // "service Action" → bodies
}

func (s *sent3) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		key := serviceOf(r) + " " + r.Header.Get("X-TC-Action")
		s.mu.Lock()
		s.bodies[key] = append(s.bodies[key], b)
		s.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// last is the last body sent for a "service Action", decoded.
func (s *sent3) last(t *testing.T, key string) map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	bs := s.bodies[key]
	require.NotEmpty(t, bs, "no %s was sent", key)
	var m map[string]any
	require.NoError(t, json.Unmarshal(bs[len(bs)-1], &m))
	return m
}

// TestSDKWireAPI3 pins what this SDK puts on API 3.0's wire for a
// representative call of each typed method (spec/api3 §6: the member each
// legacy parameter becomes), and walks every body it sent, of every
// action, against the official Go SDK's request model of that action:
// every member is one the model declares, with the model's type.
func TestSDKWireAPI3(t *testing.T) {
	srv := cvmtest.NewServer(cvmtest.WithAutoAdvance(time.Now()), cvmtest.WithoutQuotas(), cvmtest.WithInstances(3))
	defer srv.Close()
	rec := &sent3{bodies: map[string][][]byte{}}
	cfg := srv.API3Config()
	cfg.HTTPClient = &http.Client{Transport: rec}
	cfg.RateLimit.Disabled = true
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	ctx := context.Background()
	ins := srv.Instances("")
	require.Len(t, ins, 3)
	a, b := ins[0].ID, ins[1].ID
	var pubKey string // a real key, made by KeyPairs.Create below

	for _, tc := range []struct {
		name string
		call func() error
		key  string         // the API 3.0 action the call sends
		want map[string]any // members spec §6 names, with their values
	}{
		{"Instances.List", func() error {
			_, _, err := c.Instances.List(ctx, &cvm.InstanceListOptions{InstanceIDs: []string{a, b},
				ListOptions: cvm.ListOptions{Limit: 10}})
			return err
		}, "cvm DescribeInstances", map[string]any{"InstanceIds": []any{a, b}, "Limit": 10.0}},
		{"Instances.List by name", func() error {
			_, _, err := c.Instances.List(ctx, &cvm.InstanceListOptions{SearchWord: "seed"})
			return err
		}, "cvm DescribeInstances", map[string]any{"Filters": []any{map[string]any{"Name": "instance-name", "Values": []any{"seed"}}}}},
		{"Instances.Create", func() error {
			_, _, err := c.Instances.Create(ctx, &cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 2,
				ImageID: "img-31tjrtph", DataDiskGB: 50, BandwidthMbps: 2, Name: "web", Count: 2})
			return err
		}, "cvm RunInstances", map[string]any{"InstanceChargeType": "POSTPAID_BY_HOUR",
			"Placement": map[string]any{"Zone": "ap-guangzhou-3"}, "ImageId": "img-31tjrtph", "InstanceName": "web",
			"InstanceCount": 2.0}},
		{"Instances.Start", func() error { _, _, err := c.Instances.Start(ctx, a); return err },
			"cvm StartInstances", map[string]any{"InstanceIds": []any{a}}},
		{"Instances.ForceStop", func() error { _, _, err := c.Instances.ForceStop(ctx, a); return err },
			"cvm StopInstances", map[string]any{"InstanceIds": []any{a}, "StopType": "SOFT_FIRST"}},
		{"Instances.Restart", func() error { _, _, err := c.Instances.Restart(ctx, b); return err },
			"cvm RebootInstances", map[string]any{"InstanceIds": []any{b}}},
		{"Instances.ResetPassword", func() error {
			_, _, err := c.Instances.ResetPassword(ctx, "Reset-Pa55w0rd", a)
			return err
		}, "cvm ResetInstancesPassword", map[string]any{"InstanceIds": []any{a}, "Password": "Reset-Pa55w0rd"}},
		{"Instances.Rename", func() error { _, err := c.Instances.Rename(ctx, a, "renamed"); return err },
			"cvm ModifyInstancesAttribute", map[string]any{"InstanceIds": []any{a}, "InstanceName": "renamed"}},
		{"Instances.MoveToProject", func() error { _, err := c.Instances.MoveToProject(ctx, a, 0); return err },
			"cvm ModifyInstancesProject", map[string]any{"InstanceIds": []any{a}, "ProjectId": 0.0}},
		{"Instances.Reinstall", func() error {
			_, _, err := c.Instances.Reinstall(ctx, &cvm.InstanceReinstallRequest{InstanceID: b, Password: "Reinst-Pa55w0rd"})
			return err
		}, "cvm ResetInstance", map[string]any{"InstanceId": b, "LoginSettings": map[string]any{"Password": "Reinst-Pa55w0rd"}}},
		{"Instances.SetBandwidthHourly", func() error { _, err := c.Instances.SetBandwidthHourly(ctx, a, 5); return err },
			"cvm ResetInstancesInternetMaxBandwidth", map[string]any{"InstanceIds": []any{a},
				"InternetAccessible": map[string]any{"InternetMaxBandwidthOut": 5.0}}},
		{"Instances.Terminate", func() error { _, err := c.Instances.Terminate(ctx, ins[2].ID); return err },
			"cvm TerminateInstances", map[string]any{"InstanceIds": []any{ins[2].ID}}},
		{"Zones.List", func() error { _, _, err := c.Zones.List(ctx); return err }, "cvm DescribeZones", map[string]any{}},
		{"Images.List", func() error {
			_, _, err := c.Images.List(ctx, &cvm.ImageListOptions{Type: cvm.ImagePublic})
			return err
		}, "cvm DescribeImages", map[string]any{"Filters": []any{map[string]any{"Name": "image-type", "Values": []any{"PUBLIC_IMAGE"}}}}},
		{"KeyPairs.Create", func() error {
			k, _, err := c.KeyPairs.Create(ctx, "deploy")
			if err == nil {
				pubKey = k.PublicKey
			}
			return err
		},
			"cvm CreateKeyPair", map[string]any{"KeyName": "deploy", "ProjectId": 0.0}},
		{"KeyPairs.List", func() error {
			_, _, err := c.KeyPairs.List(ctx, &cvm.KeyPairListOptions{Name: "deploy"})
			return err
		}, "cvm DescribeKeyPairs", map[string]any{"Filters": []any{map[string]any{"Name": "key-name", "Values": []any{"deploy"}}}}},
		{"EIPs.Create", func() error { _, _, err := c.EIPs.Create(ctx, 2); return err },
			"vpc AllocateAddresses", map[string]any{"AddressCount": 2.0}},
		{"EIPs.List", func() error { _, _, err := c.EIPs.List(ctx, &cvm.EIPListOptions{InstanceIDs: []string{a}}); return err },
			"vpc DescribeAddresses", map[string]any{"Filters": []any{map[string]any{"Name": "instance-id", "Values": []any{a}}}}},
		{"EIPs.Quota", func() error { _, _, err := c.EIPs.Quota(ctx); return err }, "vpc DescribeAddressQuota", map[string]any{}},
		{"SecurityGroups.Create", func() error {
			_, _, err := c.SecurityGroups.Create(ctx, &cvm.SecurityGroupCreateRequest{Name: "web", Remark: "web tier"})
			return err
		}, "vpc CreateSecurityGroup", map[string]any{"GroupName": "web", "GroupDescription": "web tier"}},
		{"SecurityGroups.List", func() error {
			_, _, err := c.SecurityGroups.List(ctx, &cvm.SecurityGroupListOptions{Name: "web"})
			return err
		}, "vpc DescribeSecurityGroups", map[string]any{"Filters": []any{map[string]any{"Name": "security-group-name", "Values": []any{"web"}}}}},
		{"Projects.Create", func() error { _, _, err := c.Projects.Create(ctx, "backend", "the backend"); return err },
			"tag AddProject", map[string]any{"ProjectName": "backend", "Info": "the backend"}},
		{"Projects.List", func() error { _, _, err := c.Projects.List(ctx, true); return err },
			"tag DescribeProjects", map[string]any{"AllList": 1.0}},
		{"Instances.CreatePrepaid", func() error {
			_, _, err := c.Instances.CreatePrepaid(ctx, &cvm.InstancePrepaidCreateRequest{Months: 3,
				InstanceCreateRequest: cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 2, ImageID: "img-31tjrtph"}})
			return err
		}, "cvm RunInstances", map[string]any{"InstanceChargeType": "PREPAID",
			"InstanceChargePrepaid": map[string]any{"Period": 3.0}}},
		{"Instances.Stop", func() error { _, _, err := c.Instances.Stop(ctx, b); return err },
			"cvm StopInstances", map[string]any{"InstanceIds": []any{b}, "StopType": "SOFT"}},
		{"Instances.ResizeHourly", func() error {
			_, err := c.Instances.ResizeHourly(ctx, &cvm.InstanceResizeRequest{InstanceID: b, CPU: 2, MemoryGB: 4})
			return err
		}, "cvm ResetInstancesType", map[string]any{"InstanceIds": []any{b}}},
		{"Instances.SetAutoRenew", func() error { _, _, err := c.Instances.SetAutoRenew(ctx, cvm.RenewAuto, a); return err },
			"cvm ModifyInstancesRenewFlag", map[string]any{"InstanceIds": []any{a}, "RenewFlag": "NOTIFY_AND_AUTO_RENEW"}},
		{"Instances.Renew", func() error { _, _, err := c.Instances.Renew(ctx, a, 2); return err },
			"cvm RenewInstances", map[string]any{"InstanceIds": []any{a}, "InstanceChargePrepaid": map[string]any{"Period": 2.0}}},
		{"Instances.UpdateVPCConfig", func() error {
			_, err := c.Instances.UpdateVPCConfig(ctx, &cvm.InstanceVPCConfig{InstanceID: a, VPCID: "vpc-1", SubnetID: "subnet-1", PrivateIP: "10.0.0.9"})
			return err
		}, "cvm ModifyInstancesVpcAttribute", map[string]any{"InstanceIds": []any{a},
			"VirtualPrivateCloud": map[string]any{"VpcId": "vpc-1", "SubnetId": "subnet-1", "PrivateIpAddresses": []any{"10.0.0.9"}}}},
		{"Instances.PriceHourly", func() error {
			_, _, err := c.Instances.PriceHourly(ctx, &cvm.InstanceHourlyPriceRequest{CPU: 1, MemoryGB: 2, ImageID: "img-31tjrtph"})
			return err
		}, "cvm InquiryPriceRunInstances", map[string]any{"InstanceChargeType": "POSTPAID_BY_HOUR"}},
		{"Images.Create", func() error {
			_, _, err := c.Images.Create(ctx, &cvm.ImageCreateRequest{InstanceID: a, Name: "golden", Description: "base"})
			return err
		}, "cvm CreateImage", map[string]any{"InstanceId": a, "ImageName": "golden", "ImageDescription": "base"}},
		{"Images.Update", func() error {
			name := "golden2"
			_, err := c.Images.Update(ctx, &cvm.ImageUpdateRequest{ImageID: "img-00000001", Name: &name})
			return err
		}, "cvm ModifyImageAttribute", map[string]any{"ImageId": "img-00000001", "ImageName": "golden2"}},
		{"Images.Delete", func() error { _, _, err := c.Images.Delete(ctx, "img-00000001"); return err },
			"cvm DeleteImages", map[string]any{"ImageIds": []any{"img-00000001"}}},
		{"Images.Sync", func() error { _, err := c.Images.Sync(ctx, []string{"img-00000001"}, "sh"); return err },
			"cvm SyncImages", map[string]any{"ImageIds": []any{"img-00000001"}, "DestinationRegions": []any{"ap-shanghai"}}},
		{"Images.Share", func() error { _, err := c.Images.Share(ctx, "img-00000001", "100000000001"); return err },
			"cvm ModifyImageSharePermission", map[string]any{"ImageId": "img-00000001", "AccountIds": []any{"100000000001"},
				"Permission": "SHARE"}},
		{"Images.Unshare", func() error { _, err := c.Images.Unshare(ctx, "img-00000001", "100000000001"); return err },
			"cvm ModifyImageSharePermission", map[string]any{"Permission": "CANCEL"}},
		{"KeyPairs.Import", func() error {
			_, _, err := c.KeyPairs.Import(ctx, "mine", pubKey)
			return err
		}, "cvm ImportKeyPair", map[string]any{"KeyName": "mine", "ProjectId": 0.0}},
		{"KeyPairs.Rename", func() error { _, err := c.KeyPairs.Rename(ctx, "skey-00000001", "renamed"); return err },
			"cvm ModifyKeyPairAttribute", map[string]any{"KeyId": "skey-00000001", "KeyName": "renamed"}},
		{"KeyPairs.Bind", func() error { _, err := c.KeyPairs.Bind(ctx, "skey-00000001", a); return err },
			"cvm AssociateInstancesKeyPairs", map[string]any{"InstanceIds": []any{a}, "KeyIds": []any{"skey-00000001"}}},
		{"KeyPairs.Unbind", func() error { _, err := c.KeyPairs.Unbind(ctx, "skey-00000001", a); return err },
			"cvm DisassociateInstancesKeyPairs", map[string]any{"InstanceIds": []any{a}, "KeyIds": []any{"skey-00000001"}}},
		{"KeyPairs.Delete", func() error { _, _, err := c.KeyPairs.Delete(ctx, "skey-00000001"); return err },
			"cvm DeleteKeyPairs", map[string]any{"KeyIds": []any{"skey-00000001"}}},
		{"EIPs.Rename", func() error { _, err := c.EIPs.Rename(ctx, "eip-00000001", "front"); return err },
			"vpc ModifyAddressAttribute", map[string]any{"AddressId": "eip-00000001", "AddressName": "front"}},
		{"EIPs.Associate", func() error { _, err := c.EIPs.Associate(ctx, "eip-00000001", a); return err },
			"vpc AssociateAddress", map[string]any{"AddressId": "eip-00000001", "InstanceId": a}},
		{"EIPs.Disassociate", func() error { _, err := c.EIPs.Disassociate(ctx, "eip-00000001", true); return err },
			"vpc DisassociateAddress", map[string]any{"AddressId": "eip-00000001", "ReallocateNormalPublicIp": true}},
		{"EIPs.FromPublicIP", func() error { _, _, err := c.EIPs.FromPublicIP(ctx, a); return err },
			"vpc TransformAddress", map[string]any{"InstanceId": a}},
		{"EIPs.SetPassThrough", func() error { _, err := c.EIPs.SetPassThrough(ctx, "eip-00000001", true); return err },
			"vpc ModifyAddressAttribute", map[string]any{"AddressId": "eip-00000001", "EipDirectConnection": "TRUE"}},
		{"EIPs.Delete", func() error { _, err := c.EIPs.Delete(ctx, "eip-00000001"); return err },
			"vpc ReleaseAddresses", map[string]any{"AddressIds": []any{"eip-00000001"}}},
		{"SecurityGroups.Update", func() error {
			name := "web2"
			_, err := c.SecurityGroups.Update(ctx, &cvm.SecurityGroupUpdateRequest{ID: "sg-00000001", Name: &name})
			return err
		}, "vpc ModifySecurityGroupAttribute", map[string]any{"SecurityGroupId": "sg-00000001", "GroupName": "web2"}},
		{"SecurityGroups.Rules", func() error { _, _, err := c.SecurityGroups.Rules(ctx, "sg-00000001"); return err },
			"vpc DescribeSecurityGroupPolicies", map[string]any{"SecurityGroupId": "sg-00000001"}},
		{"SecurityGroups.InsertRules", func() error {
			_, err := c.SecurityGroups.InsertRules(ctx, &cvm.RuleChange{ID: "sg-00000001", Direction: cvm.Ingress}, 0,
				cvm.Rule{Protocol: "tcp", Ports: "22", CIDR: "10.0.0.0/8", Action: cvm.Accept, Description: "ssh"})
			return err
		}, "vpc CreateSecurityGroupPolicies", map[string]any{"SecurityGroupId": "sg-00000001",
			"SecurityGroupPolicySet": map[string]any{"Ingress": []any{map[string]any{"PolicyIndex": 0.0, "Protocol": "TCP",
				"Port": "22", "CidrBlock": "10.0.0.0/8", "Action": "ACCEPT", "PolicyDescription": "ssh"}}}}},
		{"SecurityGroups.DeleteRules", func() error {
			_, err := c.SecurityGroups.DeleteRules(ctx, &cvm.RuleChange{ID: "sg-00000001", Direction: cvm.Egress}, 1)
			return err
		}, "vpc DeleteSecurityGroupPolicies", map[string]any{"SecurityGroupId": "sg-00000001",
			"SecurityGroupPolicySet": map[string]any{"Egress": []any{map[string]any{"PolicyIndex": 1.0}}}}},
		{"SecurityGroups.Referrers", func() error { _, _, err := c.SecurityGroups.Referrers(ctx, "sg-00000001"); return err },
			"vpc DescribeSecurityGroupReferences", map[string]any{"SecurityGroupIds": []any{"sg-00000001"}}},
		{"SecurityGroups.Default", func() error { _, _, _, err := c.SecurityGroups.Default(ctx, 0); return err },
			"vpc CreateDefaultSecurityGroup", map[string]any{}},
		{"SecurityGroups.Delete", func() error { _, err := c.SecurityGroups.Delete(ctx, "sg-00000001"); return err },
			"vpc DeleteSecurityGroup", map[string]any{"SecurityGroupId": "sg-00000001"}},
		{"Deals.Query", func() error {
			_, _, err := c.Deals.Query(ctx, cvm.DealQuery{From: time.Now().Add(-time.Hour), To: time.Now()})
			return err
		}, "billing DescribeDealsByCond", map[string]any{}},
		{"Deals.Pay", func() error { _, _, err := c.Deals.Pay(ctx, "20261207001", "20261207002"); return err },
			"billing PayDeals", map[string]any{"OrderIds": []any{"20261207001", "20261207002"}}},
		{"NetworkInterfaces.TaskStatus", func() error { _, _, err := c.NetworkInterfaces.TaskStatus(ctx, 42); return err },
			"vpc DescribeVpcTaskResult", map[string]any{"TaskId": "42"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_ = tc.call() // what matters is what was sent; the emulator may refuse it
			got := rec.last(t, tc.key)
			for k, v := range tc.want {
				assert.Equal(t, v, got[k], "%s: member %s (spec/api3 §6)", tc.key, k)
			}
		})
	}

	// Every body sent, of every action, against the official request models.
	models := map[string]any{"cvm": &tccvm.Client{}, "vpc": &tcvpc.Client{}}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	keys := make([]string, 0, len(rec.bodies))
	for k := range rec.bodies {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	walked := 0
	for _, key := range keys {
		svc, action, _ := strings.Cut(key, " ")
		client, ok := models[svc]
		if !ok {
			continue
		}
		m, ok := reflect.TypeOf(client).MethodByName(action)
		if !assert.True(t, ok, "%s: the official Go SDK has no such action", key) {
			continue
		}
		req := m.Type.In(1)
		for _, body := range rec.bodies[key] {
			var v any
			require.NoError(t, json.Unmarshal(body, &v))
			for _, p := range requestWalk("", v, req) {
				t.Errorf("%s: %s (body %s)", key, p, body)
			}
			walked++
		}
	}
	assert.Greater(t, walked, 20, "bodies walked")
}

// requestWalk lists where a request body departs from the model type t:
// members it does not declare, values of another JSON kind.
func requestWalk(path string, v any, t reflect.Type) []string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	at := func(s string) string {
		if path == "" {
			return s
		}
		return path + ": " + s
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return []string{at(fmt.Sprintf("%T, want an object", v))}
		}
		fields := map[string]reflect.Type{}
		var collect func(t reflect.Type)
		collect = func(t reflect.Type) {
			for i := range t.NumField() {
				f := t.Field(i)
				if f.Anonymous {
					ft := f.Type
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if ft.Kind() == reflect.Struct {
						collect(ft)
					}
					continue
				}
				if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
					fields[name] = f.Type
				}
			}
		}
		collect(t)
		var out []string
		for name, mv := range obj {
			ft, ok := fields[name]
			if !ok {
				out = append(out, at(name+" is not a member of the model"))
				continue
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			out = append(out, requestWalk(p, mv, ft)...)
		}
		return out
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return []string{at(fmt.Sprintf("%T, want a list", v))}
		}
		var out []string
		for _, e := range list {
			out = append(out, requestWalk(path+"[]", e, t.Elem())...)
		}
		return out
	case reflect.String:
		if _, ok := v.(string); !ok {
			return []string{at(fmt.Sprintf("%T, want a string", v))}
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return []string{at(fmt.Sprintf("%T, want a bool", v))}
		}
	case reflect.Int64, reflect.Uint64, reflect.Float64, reflect.Int, reflect.Uint:
		if _, ok := v.(float64); !ok {
			return []string{at(fmt.Sprintf("%T, want a number", v))}
		}
	}
	return nil
}
