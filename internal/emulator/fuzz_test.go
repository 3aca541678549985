package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm/internal/spectest"
)

// FuzzRequest: any request body or query gets a JSON envelope with a code,
// never a panic.
func FuzzRequest(f *testing.F) {
	f.Add("Action=DescribeInstances&SecretId=x&Signature=y", true)
	f.Add("Action=DescribeInstances&instanceIds_1=a&instanceIds.0=b", false)
	f.Add("%zz&&==", true)
	f.Fuzz(func(t *testing.T, raw string, post bool) {
		emu := New(Options{Keys: map[string]string{tid: tkey}})
		var req *http.Request
		if post {
			req = httptest.NewRequest("POST", "http://h"+Path, strings.NewReader(raw))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req = httptest.NewRequest("GET", "http://h"+Path, nil)
			req.URL.RawQuery = raw
		}
		w := httptest.NewRecorder()
		emu.ServeHTTP(w, req)
		checkEnvelope(t, w)
	})
}

// FuzzSignedRequest signs arbitrary parameters properly, so that they reach
// the action handlers and their validation: every action answers an
// envelope, never a panic.
func FuzzSignedRequest(f *testing.F) {
	f.Add(0, "instanceIds.0=ins-1&limit=100")
	f.Add(5, "zoneId=100003&cpu=1&mem=1&imageId=img-31tjrtph&storageSize=0&goodsNum=101")
	f.Add(30, "sgId=sg-1&ingress.0.action=ACCEPT&ingress.0.portRange=99999&ingress.x.y=1")
	f.Add(40, "eipIds.-1=a&limit=-5&offset=99999999999999999999")
	actions := Actions()
	f.Fuzz(func(t *testing.T, which int, query string) {
		params, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		emu := New(Options{Keys: map[string]string{tid: tkey}, QuotasOff: true, Transition: -1})
		if _, err := emu.SeedInstances("gz", 2); err != nil {
			t.Fatal(err)
		}
		if which < 0 {
			which = -which
		}
		params.Set("Action", actions[which%len(actions)])
		params.Set("SecretId", tid)
		if params.Get("Region") == "" {
			params.Set("Region", "gz")
		}
		params.Set("Timestamp", strconv.FormatInt(time.Now().Unix(), 10))
		params.Set("Nonce", "1")
		params.Del("Signature")
		params.Del("Token")
		params.Set("Signature", spectest.Sign("POST", "h", Path, params, tkey))
		req := httptest.NewRequest("POST", "http://h"+Path, strings.NewReader(params.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		emu.ServeHTTP(w, req)
		checkEnvelope(t, w)
	})
}

func checkEnvelope(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("answer %d is not JSON: %.200s", w.Code, w.Body.String())
	}
	if _, ok := out["code"]; !ok {
		t.Fatalf("answer without a code: %.200s", w.Body.String())
	}
}
