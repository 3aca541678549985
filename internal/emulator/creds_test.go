package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func getJSON(t *testing.T, u string) (int, string, map[string]any) {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, string(b), m
}

// TestMetadataService: the role's name, its credential document (spec
// §13.4), 404 for an unknown role; the keys work with their Token until they
// expire, then 4104; a wrong or missing Token is 4105.
func TestMetadataService(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Roles = map[string]time.Duration{"CVMRole": time.Hour} })
	h.fake.Set(time.Now())
	base := h.srv.URL + "/latest/meta-data/cam/security-credentials/"
	status, body, _ := getJSON(t, base)
	assert.Equal(t, 200, status)
	assert.Equal(t, "CVMRole", body)
	status, _, _ = getJSON(t, base+"Nobody")
	assert.Equal(t, 404, status)
	status, _, doc := getJSON(t, base+"CVMRole")
	require.Equal(t, 200, status)
	assert.Equal(t, "Success", doc["Code"])
	for _, k := range []string{"TmpSecretId", "TmpSecretKey", "Token", "Expiration"} {
		assert.IsType(t, "", doc[k], k)
	}
	exp := int64(doc["ExpiredTime"].(float64))
	assert.InDelta(t, time.Now().Add(time.Hour).Unix(), exp, 2)
	assert.Equal(t, time.Unix(exp, 0).UTC().Format(time.RFC3339), doc["Expiration"])
	// The same keys until a quarter of their life is left.
	_, _, again := getJSON(t, h.srv.URL+"/meta-data/cam/security-credentials/CVMRole")
	assert.Equal(t, doc["TmpSecretId"], again["TmpSecretId"])

	id, key, tok := doc["TmpSecretId"].(string), doc["TmpSecretKey"].(string), doc["Token"].(string)
	call := func(token string) int {
		p := url.Values{"Action": {"DescribeAvailabilityZones"}, "SecretId": {id}}
		if token != "" {
			p.Set("Token", token)
		}
		_, out := h.send(wire{params: p, key: key})
		return code(out)
	}
	assert.Equal(t, 0, call(tok))
	assert.Equal(t, 4105, call(""), "no Token")
	assert.Equal(t, 4105, call("wrong"), "a wrong Token")
	h.fake.Advance(50 * time.Minute)
	_, _, rotated := getJSON(t, base+"CVMRole")
	assert.NotEqual(t, id, rotated["TmpSecretId"], "new keys with 10 minutes left")
	assert.Equal(t, 0, call(tok), "the old keys still work until they expire")
	h.fake.Advance(11 * time.Minute)
	assert.Equal(t, 4104, call(tok), "expired")
}

// TestAssumeRole: legacy STS on the sts module, durations, and the keys it
// issues.
func TestAssumeRole(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.fake.Set(time.Now())
	arn := "qcs::cam::uin/12345678:roleName/deploy"
	_, out := h.send(wire{params: url.Values{"Action": {"AssumeRole"}, "roleArn": {arn}, "roleSessionName": {"ci-job"},
		"durationSeconds": {"7200"}}, host: "sts.api.qcloud.com"})
	require.Equal(t, 0, code(out), "%v", out)
	data := out["data"].(map[string]any)
	cr := data["credentials"].(map[string]any)
	assert.InDelta(t, time.Now().Add(2*time.Hour).Unix(), data["expiredTime"], 2)
	_, out = h.send(wire{params: url.Values{"Action": {"AssumeRole"}, "roleArn": {arn}, "roleSessionName": {"x"}}})
	assert.Equal(t, 4000, code(out), "a session name of one character")
	_, out = h.send(wire{params: url.Values{"Action": {"AssumeRole"}, "roleArn": {arn}, "roleSessionName": {"ci"}, "durationSeconds": {"7201"}}})
	assert.Equal(t, 4000, code(out), "more than 7200 seconds")
	_, out = h.send(wire{params: url.Values{"Action": {"AssumeRole"}, "roleArn": {"nope"}, "roleSessionName": {"ci"}}})
	assert.Equal(t, 4000, code(out))
	_, out = h.send(wire{params: url.Values{"Action": {"AssumeRole"}, "roleArn": {arn}, "roleSessionName": {"ci"}}, host: "cvm.api.qcloud.com"})
	assert.Equal(t, 6100, code(out), "on the cvm host")

	p := url.Values{"Action": {"DescribeAvailabilityZones"}, "SecretId": {cr["tmpSecretId"].(string)}, "Token": {cr["sessionToken"].(string)}}
	_, out = h.send(wire{params: p, key: cr["tmpSecretKey"].(string)})
	assert.Equal(t, 0, code(out), "%v", out)
	h.fake.Advance(2*time.Hour + time.Second)
	p.Set("Nonce", strconv.Itoa(1<<30))
	_, out = h.send(wire{params: p, key: cr["tmpSecretKey"].(string)})
	assert.Equal(t, 4104, code(out))
}
