package cvm

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAPI3ClassesMatchSentinels: API 3.0 codes match the legacy sentinels
// by class (spec/api3 §5).
func TestAPI3ClassesMatchSentinels(t *testing.T) {
	t.Parallel()
	cases := map[string]error{
		"AuthFailure.SignatureFailure":                ErrAuth,
		"AuthFailure.SignatureExpire":                 ErrAuth,
		"AuthFailure.SecretIdNotFound":                ErrAuth,
		"AuthFailure.TokenFailure":                    ErrAuth,
		"ResourceNotFound":                            ErrNotFound,
		"ResourceNotFound.KeyPairNotFound":            ErrNotFound,
		"InvalidInstanceId.NotFound":                  ErrNotFound,
		"InvalidAddressId.NotFound":                   ErrNotFound,
		"RequestLimitExceeded":                        ErrQuotaExceeded,
		"RequestLimitExceeded.UinLimitExceeded":       ErrQuotaExceeded,
		"InvalidParameter":                            ErrInvalidParameter,
		"InvalidParameterValue.LimitExceeded":         ErrInvalidParameter,
		"MissingParameter":                            ErrInvalidParameter,
		"UnknownParameter":                            ErrInvalidParameter,
		"InvalidInstanceId.Malformed":                 ErrInvalidParameter,
		"InvalidKeyPairName.Duplicate":                ErrInvalidParameter,
		"InvalidClientToken.TooLong":                  ErrInvalidParameter,
		"UnsupportedRegion":                           ErrInvalidParameter,
		"InternalError":                               ErrInternal,
		"InternalError.TradeUnknownError":             ErrInternal,
		"InvalidAction":                               ErrUnsupportedAction,
		"NoSuchVersion":                               ErrUnsupportedAction,
		"ServiceUnavailable":                          ErrUnavailable,
		"UnauthorizedOperation":                       ErrForbidden,
		"InvalidInstanceState":                        ErrOperationFailed,
		"InvalidAddressIdStatus.NotPermit":            ErrOperationFailed,
		"OperationDenied.InstanceOperationInProgress": ErrOperationFailed,
		"FailedOperation":                             ErrOperationFailed,
		"LimitExceeded.InstanceQuota":                 ErrOperationFailed,
		"ResourceInsufficient.ZoneSoldOut":            ErrPurchaseFailed,
	}
	for code, want := range cases {
		err := error(&APIError{Action: "X", Code: api3Class(code), ErrorCode: code})
		assert.ErrorIs(t, err, want, code)
	}
	// The credentials are fetched again for these two, as for 4104 and 4105.
	assert.True(t, authRefused(&APIError{Code: api3Class("AuthFailure.SecretIdNotFound")}))
	assert.True(t, authRefused(&APIError{Code: api3Class("AuthFailure.TokenFailure")}))
	assert.False(t, authRefused(&APIError{Code: api3Class("AuthFailure.SignatureFailure")}))
}

// TestAPI3ErrorText: one line naming the action, the code and the request.
func TestAPI3ErrorText(t *testing.T) {
	t.Parallel()
	err := &APIError{Action: "StopInstances", Code: 5000, ErrorCode: "InvalidInstanceId.NotFound",
		Message: "the instance\nins-x is not found", RequestID: "abc-123"}
	assert.Equal(t, "cvm: StopInstances: InvalidInstanceId.NotFound: the instance ins-x is not found (request abc-123)", err.Error())
	var target *APIError
	assert.True(t, errors.As(error(err), &target))
}

func TestParseAPIVersion(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]APIVersion{"": LegacyAPI, "legacy": LegacyAPI, "LEGACY": LegacyAPI, "3": API3, "api3": API3, " 3.0 ": API3} {
		got, err := ParseAPIVersion(in)
		assert.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := ParseAPIVersion("4")
	assert.Error(t, err)
	b, err := API3.MarshalText()
	assert.NoError(t, err)
	assert.Equal(t, "3", string(b))
	var v APIVersion
	assert.NoError(t, v.UnmarshalText([]byte("legacy")))
	assert.Equal(t, LegacyAPI, v)
	_, err = APIVersion(7).MarshalText()
	assert.Error(t, err)
}

// TestAPI3Config: an API 3.0 endpoint is a base URL; the signature
// method is checked.
func TestAPI3Config(t *testing.T) {
	t.Parallel()
	base := Config{SecretID: "AKIDx", SecretKey: NewSecret("k"), Region: "gz", API: API3}
	for ep, ok := range map[string]bool{"http://127.0.0.1:9191": true, "http://127.0.0.1:9191/": true,
		"http://127.0.0.1:9191/v2/index.php": false, "https://cvm.tencentcloudapi.com": true} {
		cfg := base
		cfg.Endpoint = ep
		_, err := NewClient(cfg)
		assert.Equal(t, ok, err == nil, "%s: %v", ep, err)
	}
	cfg := base
	cfg.API3SignatureMethod = "HmacSHA1"
	_, err := NewClient(cfg)
	assert.Error(t, err)
	cfg.API3SignatureMethod = SignatureHmacSHA256
	_, err = NewClient(cfg)
	assert.NoError(t, err)
	cfg.API = APIVersion(9)
	_, err = NewClient(cfg)
	assert.Error(t, err)
}

// TestEveryActionHasARoute: every action of the table goes over API 3.0,
// but the ones only Do calls and STS, whose credential providers speak the
// legacy contract.
func TestEveryActionHasARoute(t *testing.T) {
	t.Parallel()
	legacyOnly := map[string]bool{"AssumeRole": true, "GetFederationToken": true, "DetachNetworkInterface": true, "UpdateProject": true}
	for a, info := range actions {
		if legacyOnly[a] {
			continue
		}
		r, ok := routes3[a]
		if !assert.True(t, ok, "%s has no API 3.0 route", a) {
			continue
		}
		if r.runTyped == nil {
			assert.Equal(t, info.api3, r.service+" "+r.action, "%s: the route and the table name the same API 3.0 action", a)
		}
	}
}

// TestMigratingNamesEveryRoute: MIGRATING.md's list of what each method
// calls under API3 names every route the SDK has, so it cannot fall behind
// the routes.
func TestMigratingNamesEveryRoute(t *testing.T) {
	b, err := os.ReadFile("MIGRATING.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for legacy, r := range routes3 {
		if r.runTyped != nil {
			// Several calls: the list spells them out.
			assert.True(t, strings.Contains(doc, "("+legacy+" → "), "MIGRATING.md names %s", legacy)
			continue
		}
		assert.True(t, strings.Contains(doc, "("+legacy+" → "+r.service+" "+r.action), "MIGRATING.md names %s → %s %s", legacy, r.service, r.action)
	}
}

// TestDecode3 reads API 3.0 answers into each kind of out: embedding
// Envelope3, a plain struct (one pass through a wrapper), a struct with
// members named like the envelope's (the envelope first), and nil.
func TestDecode3(t *testing.T) {
	type plain struct {
		TotalCount int
		ZoneSet    []struct{ Zone string }
	}
	type named struct {
		RequestID string `json:"RequestId"`
		ZoneSet   []struct{ Zone string }
	}
	type enveloped struct {
		Envelope3
		TotalCount int
	}
	ok := `{"Response":{"TotalCount":2,"ZoneSet":[{"Zone":"ap-guangzhou-1"},{"Zone":"ap-guangzhou-2"}],"RequestId":"r-1"}}`
	failed := `{"Response":{"Error":{"Code":"ResourceNotFound.Zone","Message":"no zone"},"TotalCount":"many","RequestId":"r-2"}}`

	var p plain
	require.NoError(t, decode3("DescribeZones", 200, []byte(ok), &p))
	assert.Equal(t, 2, p.TotalCount)
	assert.Equal(t, "ap-guangzhou-2", p.ZoneSet[1].Zone)
	var n named
	require.NoError(t, decode3("DescribeZones", 200, []byte(ok), &n))
	assert.Equal(t, "r-1", n.RequestID)
	assert.Len(t, n.ZoneSet, 2)
	var e enveloped
	require.NoError(t, decode3("DescribeZones", 200, []byte(ok), &e))
	assert.Equal(t, "r-1", e.RequestID)
	require.NoError(t, decode3("DescribeZones", 200, []byte(ok), nil))

	// An error answer is the error, even when the rest of Response does not
	// fit out ("TotalCount":"many" into an int).
	for name, out := range map[string]any{"plain": new(plain), "named": new(named), "enveloped": new(enveloped), "nil": nil} {
		err := decode3("DescribeZones", 400, []byte(failed), out)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, name)
		assert.Equal(t, "ResourceNotFound.Zone", apiErr.ErrorCode, name)
		assert.Equal(t, "r-2", apiErr.RequestID, name)
		assert.ErrorIs(t, err, ErrNotFound, name)
	}

	// A success that does not fit out, or has no RequestId, is a ResponseError.
	for name, body := range map[string]string{
		"does not fit":  `{"Response":{"TotalCount":"many","RequestId":"r-3"}}`,
		"no RequestId":  `{"Response":{"TotalCount":1}}`,
		"null Response": `{"Response":null}`,
		"no Response":   `{"TotalCount":1}`,
	} {
		var respErr *ResponseError
		assert.ErrorAs(t, decode3("DescribeZones", 200, []byte(body), new(plain)), &respErr, name)
	}
}

// TestDecode3HalfAnErrorIsUnreadable: an error answer cut short, or whose
// envelope has members of the wrong type, is an unreadable answer
// (ErrBadResponse), never the API error it began with: a change must not
// be retried on the word of half an answer (RequestLimitExceeded would be).
func TestDecode3HalfAnErrorIsUnreadable(t *testing.T) {
	t.Parallel()
	type plain struct {
		TotalCount int
		ZoneSet    []struct{ Zone string }
	}
	whole := `{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow down"},"RequestId":"r-1"}}`
	for name, body := range map[string]string{
		"cut after the error":   whole[:len(whole)-2],
		"cut inside the error":  `{"Response":{"Error":{"Code":"RequestLimitExceeded","Mess`,
		"a code that is number": `{"Response":{"Error":{"Code":4400,"Message":"slow down"},"RequestId":"r-1"}}`,
		"an error that is text": `{"Response":{"Error":"RequestLimitExceeded","RequestId":"r-1"}}`,
		"data after it":         whole + `{"Response":{}}`,
	} {
		for _, out := range []any{nil, &plain{}, &struct{ Envelope3 }{}} {
			err := decode3("RunInstances", 200, []byte(body), out)
			var apiErr *APIError
			assert.False(t, errors.As(err, &apiErr), "%s into %T: read as an API error: %v", name, out, err)
			assert.ErrorIs(t, err, ErrBadResponse, "%s into %T", name, out)
		}
	}
	// A whole error envelope is the API error, beside members that do not
	// fit out.
	err := decode3("RunInstances", 200, []byte(`{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow down"},"TotalCount":"many","RequestId":"r-1"}}`), &plain{})
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "RequestLimitExceeded", apiErr.ErrorCode)
	assert.Equal(t, "r-1", apiErr.RequestID)
}

// TestRoutesReadTypedRequests: a route reads the service's typed request
// (route3.typed or runTyped), never a legacy encoding of it: it has one of
// the two, and a typed route names its API 3.0 action.
func TestRoutesReadTypedRequests(t *testing.T) {
	t.Parallel()
	for a, r := range routes3 {
		if r.runTyped != nil {
			assert.Nil(t, r.typed, "%s: a route runs its calls or has one, not both", a)
			continue
		}
		if assert.NotNil(t, r.typed, "%s: a route reads the typed request", a) {
			assert.NotEmpty(t, r.service, a)
			assert.NotEmpty(t, r.action, a)
		}
	}
}

// decode3 is decodeAnswer3 without the answer's request id, for the tests
// of the decoding alone.
func decode3(action string, status int, body []byte, out any) error {
	_, err := decodeAnswer3(action, status, body, out)
	return err
}
