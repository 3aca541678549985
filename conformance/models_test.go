package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

var indexRE = regexp.MustCompile(`\[\d+\]`)

// walkModels has c and v record their answers, and walks them against the
// SDK's models once the test is over (before the judge saves its checks).
func walkModels(t *testing.T, j *judge, c *tccvm.Client, v *tcvpc.Client) {
	m := newModelWalk()
	c.WithHttpTransport(m)
	v.WithHttpTransport(m)
	t.Cleanup(func() { m.check(j, map[string]any{"cvm": c, "vpc": v}) })
}

// modelWalk records every answer an official Go SDK client gets, to walk
// each against the SDK's own model of it: Tencent's published shape of
// the answer, as the SDK declares it (tccvm.<Action>ResponseParams and the
// structs it holds). The rules, from the reading of how Tencent's
// clients use the models (the Terraform provider dereferences object
// members without a nil check):
//   - every member the model declares is present, and none it lacks;
//   - a member the model types as an object is an object, never null; an
//     empty object stands for "none" (GPUInfo of an instance without
//     GPUs), any other holds every member of its model;
//   - a string is a string, never null ("" for none); a number, a bool or
//     a list is one, or null where the answer has none, as the models'
//     comments allow ("此字段可能返回 null").
type modelWalk struct {
	mu     sync.Mutex
	bodies map[string][][]byte // "cvm DescribeInstances" → answers
	base   http.RoundTripper   // nil: http.DefaultTransport
}

func newModelWalk() *modelWalk { return &modelWalk{bodies: map[string][][]byte{}} }

// RoundTrip sends the request and keeps the answer's body.
func (m *modelWalk) RoundTrip(req *http.Request) (*http.Response, error) {
	base := m.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	key := serviceOf(req) + " " + req.Header.Get("X-TC-Action")
	m.mu.Lock()
	m.bodies[key] = append(m.bodies[key], b)
	m.mu.Unlock()
	return resp, nil
}

// serviceOf is the service a TC3 request was signed for, from its
// credential scope (Credential=<id>/<date>/<service>/tc3_request).
func serviceOf(req *http.Request) string {
	auth := req.Header.Get("Authorization")
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) != 4 {
		return ""
	}
	return parts[2]
}

// check walks every recorded answer against the Go model of the services
// whose models the clients hold, and against the newest model of every
// service that has one, and records one check per action and model.
func (m *modelWalk) check(j *judge, clients map[string]any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.bodies))
	for k := range m.bodies {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		svc, action, _ := strings.Cut(key, " ")
		answers, problems := decodeAnswers(m.bodies[key])
		if len(answers) == 0 && len(problems) == 0 {
			continue // errors only: the error envelope is the same for every action, and judged elsewhere
		}
		newest := newestModels(svc)
		if newest == nil && os.Getenv("CVM_REQUIRE_NODE_SDK") != "" {
			j.check(action, NewestModelCheck, false, "tencentcloud-sdk-nodejs is not installed in node/ (npm ci)")
		}
		var tsProblems []string
		if newest[action+"Response"] != nil {
			for _, a := range answers {
				tsProblems = append(tsProblems, walkTS("Response", a, action+"Response", newest)...)
			}
			j.check(action, NewestModelCheck, len(tsProblems) == 0, shown(tsProblems))
		}
		client, ok := clients[svc]
		if !ok {
			continue // no Go model pinned for the service
		}
		method := reflect.ValueOf(client).MethodByName(action)
		params, ok := reflect.StructField{}, method.IsValid()
		if ok {
			params, ok = method.Type().Out(0).Elem().FieldByName("Response")
		}
		if !ok {
			j.check(action, "the official Go SDK has a model of the answer", false, svc)
			continue
		}
		for _, a := range answers {
			for _, p := range walkModel("Response", a, params.Type) {
				// With no newest model installed, a member the Go model
				// lacks cannot be told from one the service never had: it
				// passes here, and CI, which installs them, judges it.
				if !newerMember(p, tsProblems) {
					problems = append(problems, p)
				}
			}
		}
		j.check(action, ModelWalkCheck, len(problems) == 0, shown(problems))
	}
}

// decodeAnswers decodes the recorded bodies that are answers (not errors).
func decodeAnswers(bodies [][]byte) (answers []map[string]any, problems []string) {
	for _, b := range bodies {
		var env struct{ Response map[string]any }
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&env); err != nil {
			problems = append(problems, "not JSON: "+err.Error())
			continue
		}
		if _, isErr := env.Response["Error"]; !isErr {
			answers = append(answers, env.Response)
		}
	}
	return answers, problems
}

// shown is the departures a failed check names, sorted, each once.
func shown(problems []string) string {
	problems = slices.Clone(problems)
	slices.Sort(problems)
	problems = slices.Compact(problems)
	if max := modelProblemsShown(); len(problems) > max {
		problems = append(problems[:max], fmt.Sprintf("… and %d more", len(problems)-max))
	}
	return strings.Join(problems, "; ")
}

// modelProblemsShown is how many departures a failed check names
// (CVM_MODEL_PROBLEMS raises it, to list them all while fixing them).
func modelProblemsShown() int {
	if n, err := strconv.Atoi(os.Getenv("CVM_MODEL_PROBLEMS")); err == nil && n > 0 {
		return n
	}
	return 12
}

// walkObject lists where v departs from an object of a model with these
// members: each present and walked by walk, and none other.
func walkObject[T any](path string, v any, members map[string]T, walk func(string, any, T) []string) []string {
	obj, ok := v.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s: %T, want an object", path, v)}
	}
	if len(obj) == 0 && path != "Response" {
		return nil // an empty object: none of it
	}
	var out []string
	for name, mt := range members {
		mv, present := obj[name]
		if !present {
			out = append(out, path+"."+name+": missing")
			continue
		}
		out = append(out, walk(path+"."+name, mv, mt)...)
	}
	for name := range obj {
		if _, declared := members[name]; !declared {
			out = append(out, path+"."+name+": not in the model")
		}
	}
	return out
}

// walkModel lists where v departs from the model type t.
func walkModel(path string, v any, t reflect.Type) []string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		switch t.Kind() {
		case reflect.Struct, reflect.String:
			return []string{path + ": null, want " + kindName(t)}
		}
		return nil // a number, bool or list the answer has none of ("此字段可能返回 null")
	}
	switch t.Kind() {
	case reflect.Struct:
		members := map[string]reflect.Type{}
		for i := range t.NumField() {
			f := t.Field(i)
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
				members[name] = f.Type
			}
		}
		return walkObject(path, v, members, walkModel)
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want a list", path, v)}
		}
		var out []string
		for i, e := range list {
			out = append(out, walkModel(fmt.Sprintf("%s[%d]", path, i), e, t.Elem())...)
		}
		// One element's problems stand for all: "[0]" and "[7]" alike.
		for i := range out {
			out[i] = indexRE.ReplaceAllString(out[i], "[]")
		}
		return out
	case reflect.String:
		if _, ok := v.(string); !ok {
			return []string{fmt.Sprintf("%s: %T, want a string", path, v)}
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return []string{fmt.Sprintf("%s: %T, want a bool", path, v)}
		}
	case reflect.Int64, reflect.Uint64, reflect.Float64, reflect.Int, reflect.Uint:
		if _, ok := v.(json.Number); !ok {
			return []string{fmt.Sprintf("%s: %T, want a number", path, v)}
		}
	}
	return nil
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct:
		return "an object"
	case reflect.Slice:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a bool"
	}
	return "a number"
}

// TestGoSDKModelsOfTheRest calls, through the official Go SDK, the served
// actions the flows call only through the Node SDK or not at all, so that
// the model walk covers the answer of every served cvm and vpc action.
func TestGoSDKModelsOfTheRest(t *testing.T) {
	_, _, j, c, v := goInProcess(t, cvmtest.WithoutQuotas())

	zi := tccvm.NewDescribeZoneInstanceConfigInfosRequest()
	zi.Filters = []*tccvm.Filter{{Name: sp("zone"), Values: common.StringPtrs([]string{"ap-guangzhou-3"})}}
	_, err := c.DescribeZoneInstanceConfigInfos(zi)
	j.check("DescribeZoneInstanceConfigInfos", "the zone's offers", err == nil, err)

	run := tccvm.NewRunInstancesRequest()
	run.Placement = &tccvm.Placement{Zone: sp("ap-guangzhou-3")}
	run.ImageId = sp("img-31tjrtph")
	made, err := c.RunInstances(run)
	if err != nil {
		t.Fatal(err)
	}
	ins := *made.Response.InstanceIdSet[0]
	waitState(t, j, c, []string{ins}, "RUNNING")
	pw := tccvm.NewResetInstancesPasswordRequest()
	pw.InstanceIds, pw.Password, pw.ForceStop = common.StringPtrs([]string{ins}), sp("Reset-Passw0rd"), common.BoolPtr(true)
	_, err = c.ResetInstancesPassword(pw)
	j.check("ResetInstancesPassword", "with ForceStop on a RUNNING instance", err == nil, err)

	_, err = v.DescribeAddressQuota(tcvpc.NewDescribeAddressQuotaRequest())
	j.check("DescribeAddressQuota", "the region's quotas", err == nil, err)
	alloc, err := v.AllocateAddresses(tcvpc.NewAllocateAddressesRequest())
	if err != nil {
		t.Fatal(err)
	}
	task := tcvpc.NewDescribeVpcTaskResultRequest()
	task.TaskId = alloc.Response.TaskId
	_, err = v.DescribeVpcTaskResult(task)
	j.check("DescribeVpcTaskResult", "the allocation's task", err == nil, err)

	sg := createGroup(t, v, "models")
	add := tcvpc.NewCreateSecurityGroupPoliciesRequest()
	add.SecurityGroupId = sp(sg)
	add.SecurityGroupPolicySet = &tcvpc.SecurityGroupPolicySet{Ingress: []*tcvpc.SecurityGroupPolicy{
		{Protocol: sp("TCP"), Port: sp("22"), CidrBlock: sp("10.0.0.0/8"), Action: sp("ACCEPT")}}}
	if _, err := v.CreateSecurityGroupPolicies(add); err != nil {
		t.Fatal(err)
	}
	rep := tcvpc.NewReplaceSecurityGroupPolicyRequest()
	rep.SecurityGroupId = sp(sg)
	rep.SecurityGroupPolicySet = &tcvpc.SecurityGroupPolicySet{Ingress: []*tcvpc.SecurityGroupPolicy{
		{PolicyIndex: common.Int64Ptr(0), Protocol: sp("TCP"), Port: sp("443"), CidrBlock: sp("10.0.0.0/8"), Action: sp("ACCEPT")}}}
	_, err = v.ReplaceSecurityGroupPolicy(rep)
	j.check("ReplaceSecurityGroupPolicy", "the rule at index 0", err == nil, err)
}
