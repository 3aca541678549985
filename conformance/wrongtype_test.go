package conformance

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/qcloud-legacy/cvm/internal/emulator"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	tccvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tcvpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// TestGoSDKWrongTypedMembersAreRefused sends, through the official Go
// SDK's CommonClient, every top-level member of every cvm and vpc action
// the emulator serves with a shape its model does not have (a string for a
// list or an object, an object for a single value), and expects
// InvalidParameter: the real service refuses a member of the wrong type,
// where the emulator used to read a list sent as a string as no list
// (answering every instance to "InstanceIds": "ins-1").
func TestGoSDKWrongTypedMembersAreRefused(t *testing.T) {
	_, tg, j, _, _ := goInProcess(t, cvmtest.WithoutQuotas())
	cc := common.NewCommonClient(credFor(tg), region, profileFor(tg, nil))
	models := map[string]reflect.Type{"cvm": reflect.TypeOf(&tccvm.Client{}), "vpc": reflect.TypeOf(&tcvpc.Client{})}
	versions := map[string]string{"cvm": "2017-03-12", "vpc": "2017-03-12"}
	var served []string
	for _, a := range emulator.API3Actions() {
		if svc, _, _ := strings.Cut(a, " "); models[svc] != nil {
			served = append(served, a)
		}
	}
	sort.Strings(served)
	if len(served) < 60 {
		t.Fatalf("only %d cvm and vpc actions served: %v", len(served), served)
	}
	for _, a := range served {
		svc, action, _ := strings.Cut(a, " ")
		m, ok := models[svc].MethodByName(action)
		if !j.check(action, "the official Go SDK has a model of the request", ok) {
			continue
		}
		req := m.Type.In(1).Elem()
		var wrong []string
		members := 0
		for i := range req.NumField() {
			f := req.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous || name == "" || name == "-" {
				continue
			}
			members++
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			var bad any = map[string]any{"Unexpected": 1} // an object for a single value
			if ft.Kind() == reflect.Slice || ft.Kind() == reflect.Struct {
				bad = "not-a-" + strings.ToLower(ft.Kind().String())
			}
			r := tchttp.NewCommonRequest(svc, versions[svc], action)
			if err := r.SetActionParameters(map[string]any{name: bad}); err != nil {
				t.Fatal(err)
			}
			err := cc.Send(r, tchttp.NewCommonResponse())
			if got := codeOf(err); got != "InvalidParameter" {
				wrong = append(wrong, name+" answered "+got)
			}
		}
		if members > 0 {
			j.check(action, "each member sent with a shape its type does not have is refused with InvalidParameter", len(wrong) == 0,
				strings.Join(wrong, "; "))
		}
	}
}
