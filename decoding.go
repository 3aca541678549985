package cvm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	json2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// The legacy API is loose with types: a code may be 0 or "0", a count
// "imageNum":"1", a projectId a string or a number, and a list a single object
// when it holds one element. The types below read either form, so models
// decode in a single pass with the standard library.

// jsonInt reads a JSON number or a string holding one; "" and null read as 0.
type jsonInt int64

func (n *jsonInt) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		s, err := unquote(b)
		if err != nil {
			return err
		}
		b = []byte(s)
	}
	if len(b) == 0 || string(b) == "null" {
		*n = 0
		return nil
	}
	if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*n = jsonInt(v)
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt64 {
		return &json.UnmarshalTypeError{Value: "number " + string(b), Type: typeOfInt}
	}
	*n = jsonInt(f)
	return nil
}

// jsonCode reads the envelope's code strictly: an integer written as a JSON
// number with neither fraction nor exponent, or a string of decimal digits
// (with an optional sign), within the range of int32. Anything else ("",
// "0e9", 1e-400, 0.0, 2^32) fails, so that a malformed answer is never read
// as a success.
type jsonCode int32

func (c *jsonCode) UnmarshalJSON(b []byte) error {
	s := b
	if len(b) > 0 && b[0] == '"' {
		u, err := unquote(b)
		if err != nil {
			return err
		}
		s = []byte(u)
	}
	digits := s
	if len(digits) > 0 && (digits[0] == '-' || digits[0] == '+' && b[0] == '"') {
		digits = digits[1:]
	}
	ok := len(digits) > 0 && len(digits) <= 10
	for _, d := range digits {
		ok = ok && '0' <= d && d <= '9'
	}
	v, err := strconv.ParseInt(string(s), 10, 32)
	if !ok || err != nil {
		return &json.UnmarshalTypeError{Value: "code " + string(b), Type: typeOfInt}
	}
	*c = jsonCode(v)
	return nil
}

// jsonFloat reads a JSON number or a string holding one.
type jsonFloat float64

func (n *jsonFloat) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		s, err := unquote(b)
		if err != nil {
			return err
		}
		b = []byte(s)
	}
	if len(b) == 0 || string(b) == "null" {
		*n = 0
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "number " + string(b), Type: typeOfFloat}
	}
	*n = jsonFloat(f)
	return nil
}

// jsonString reads a string, or the text of a number or boolean; null reads
// as "".
type jsonString string

func (s *jsonString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		v, err := unquote(b)
		*s = jsonString(v)
		return err
	}
	if string(b) == "null" {
		*s = ""
		return nil
	}
	if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
		return &json.UnmarshalTypeError{Value: "object or array", Type: typeOfString}
	}
	*s = jsonString(b)
	return nil
}

// unquote returns the text of a JSON string literal. encoding/json has
// already validated the literal it hands to UnmarshalJSON, so one without
// escapes is its bytes between the quotes; only escaped ones need decoding.
func unquote(b []byte) (string, error) {
	if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		return string(b[1 : len(b)-1]), nil
	}
	var s string
	err := json2.Unmarshal(b, &s, v1)
	return s, err
}

// oneOrMany reads a JSON array of T, or a single T as a list of one.
type oneOrMany[T any] []T

func (l *oneOrMany[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*l = nil
		return nil
	case b[0] == '[':
		var v []T
		err := json2.Unmarshal(b, &v, v1)
		*l = v
		return err
	default:
		var v T
		if err := json2.Unmarshal(b, &v, v1); err != nil {
			return err
		}
		*l = oneOrMany[T]{v}
		return nil
	}
}

// beijing is the zone of the API's "YYYY-MM-DD HH:MM:SS" times.
var beijing = time.FixedZone("CST", 8*3600)

const apiTimeLayout = "2006-01-02 15:04:05"

// jsonTime reads the API's Beijing-time strings. "0000-00-00 00:00:00"
// (the deadline of a postpaid instance), "" and null read as the zero time.
type jsonTime time.Time

func (t *jsonTime) UnmarshalJSON(b []byte) error {
	var s jsonString
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	if s == "" || s == "0" || strings.HasPrefix(string(s), "0000") {
		*t = jsonTime{}
		return nil
	}
	v, err := time.ParseInLocation(apiTimeLayout, string(s), beijing)
	if err != nil {
		if unix, perr := strconv.ParseInt(string(s), 10, 64); perr == nil {
			*t = jsonTime(time.Unix(unix, 0).In(beijing))
			return nil
		}
		return err
	}
	*t = jsonTime(v)
	return nil
}

// envelope is the part of every answer that says how the call went.
// Response types embed it so that one decoding pass reads both the envelope
// and the result.
type envelope struct {
	Code     *jsonCode   `json:"code"`
	Message  jsonString  `json:"message"`
	CodeDesc jsonString  `json:"codeDesc"`
	Detail   batchDetail `json:"detail"`
}

func (e *envelope) env() *envelope { return e }

// enveloper is implemented by every type that embeds envelope.
type enveloper interface{ env() *envelope }

// Envelope is the part of every answer that says how the call went (code,
// message, codeDesc, detail). Embed it in the struct passed to [Client.Do]
// as out, and Do reads the answer in a single decoding pass, as typed
// services do; without it, Do reads the body twice, once for the envelope
// and once for out.
//
//	var out struct {
//		cvm.Envelope
//		TotalCount int `json:"totalCount"`
//	}
type Envelope struct{ envelope }

// batchDetail is the "detail" of a batch action: an object keyed by resource
// id, each value {code, message, requestId}. A detail of another shape (some
// actions put other data there) is ignored rather than failing the call.
type batchDetail []ItemResult

type itemJSON struct {
	Code      jsonInt    `json:"code"`
	Message   jsonString `json:"message"`
	RequestID jsonString `json:"requestId"`
	// Some list-shaped details name the resource in the item.
	ID         jsonString `json:"id"`
	InstanceID jsonString `json:"instanceId"`
	ImageID    jsonString `json:"imageId"`
	KeyID      jsonString `json:"keyId"`
}

func (d *batchDetail) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '{':
		// DeleteKeyPair puts its list under detail.deleteKeySet.
		var wrapped struct {
			DeleteKeySet *batchDetail `json:"deleteKeySet"`
		}
		if json2.Unmarshal(b, &wrapped, v1) == nil && wrapped.DeleteKeySet != nil {
			*d = *wrapped.DeleteKeySet
			return nil
		}
		var m map[string]itemJSON
		if json2.Unmarshal(b, &m, v1) != nil {
			return nil
		}
		out := make(batchDetail, 0, len(m))
		for id, it := range m {
			out = append(out, ItemResult{ID: id, Code: int(it.Code), Message: string(it.Message), RequestID: string(it.RequestID)})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
		*d = out
	case '[':
		var l []itemJSON
		if json2.Unmarshal(b, &l, v1) != nil {
			return nil
		}
		out := make(batchDetail, 0, len(l))
		for _, it := range l {
			id := string(it.ID)
			if id == "" {
				id = string(it.InstanceID)
			}
			if id == "" {
				id = string(it.ImageID)
			}
			if id == "" {
				id = string(it.KeyID)
			}
			out = append(out, ItemResult{ID: id, Code: int(it.Code), Message: string(it.Message), RequestID: string(it.RequestID)})
		}
		*d = out
	}
	return nil
}

// maxBodyBytes caps the size of an answer the client reads. The largest
// legitimate answers (100 instances with all their fields) are a few hundred
// KiB.
const maxBodyBytes = 16 << 20

// v1 are the decoding options for results: the v2 engine with the
// semantics of encoding/json (case-insensitive names, methods called as
// encoding/json calls them), so users' structs passed to Do decode as they
// always have.
var v1 = jsonv1.DefaultOptionsV1()

// decoders are reused for the streaming envelope read.
var decoders = sync.Pool{New: func() any { return new(jsontext.Decoder) }}

// scanned is what one streaming read of an answer learns: the envelope,
// matched by exact names, and what decoding the rest may cost.
type scanned struct {
	code     int
	hasCode  bool
	message  string
	codeDesc string
	detail   jsontext.Value // raw; decoded only for an error answer
	objects  int            // '{' and '[' seen
	values   int            // array elements and object members
}

// scanEnvelope reads the top-level object once, syntactically: the envelope
// members by their exact names ("CODE" is not "code", unlike
// encoding/json's matching), every other value skipped without decoding.
// It also counts objects and values, for costOf.
func scanEnvelope(body []byte) (scanned, error) {
	var sc scanned
	dec := decoders.Get().(*jsontext.Decoder)
	defer decoders.Put(dec)
	buf := bytes.NewBuffer(body) // the decoder reads a bytes.Buffer in place
	dec.Reset(buf, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	defer dec.Reset(bytes.NewBuffer(nil))
	tok, err := dec.ReadToken()
	if err != nil {
		return sc, err
	}
	if tok.Kind() != '{' {
		return sc, fmt.Errorf("answer is a JSON %s, not an object", tok.Kind())
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return sc, err
		}
		name := tok.String() // before the next read voids tok
		sc.values++
		val, err := dec.ReadValue()
		if err != nil {
			return sc, err
		}
		switch name {
		case "code":
			var c jsonCode
			if err := c.UnmarshalJSON(val); err != nil {
				return sc, err
			}
			sc.code, sc.hasCode = int(c), true
		case "message":
			var m jsonString
			_ = m.UnmarshalJSON(val)
			sc.message = string(m)
		case "codeDesc":
			var d jsonString
			_ = d.UnmarshalJSON(val)
			sc.codeDesc = string(d)
		case "detail":
			sc.detail = val.Clone()
		}
		countValues(val, &sc)
	}
	if _, err := dec.ReadToken(); err != nil {
		return sc, err
	}
	if rest := bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return sc, fmt.Errorf("data after the answer's object")
	}
	return sc, nil
}

// countValues adds the objects, arrays and their elements of a raw value,
// with a byte scan: commas, brackets and braces inside strings count too,
// which errs on the side of a higher cost.
func countValues(val []byte, sc *scanned) {
	if len(val) == 0 || val[0] != '{' && val[0] != '[' {
		return
	}
	sc.objects += bytes.Count(val, []byte{'{'}) + bytes.Count(val, []byte{'['})
	sc.values += bytes.Count(val, []byte{','}) + 1
}

// maxDecodeFactor bounds what decoding an answer may allocate: this many
// times the body's size (anyDecodeFactor for interface and map targets),
// plus a small allowance for tiny answers. An answer of many small values
// that would decode into large Go values (a megabyte of {} into instance
// structs) is refused before it is decoded.
const (
	maxDecodeFactor    = 4
	decodeAllowance    = 64 << 10
	errDecodeTooCostly = "answer would take more memory to decode than allowed"
)

// decodeBody reads an answer into out (which may be nil). The envelope is
// read once, by exact names, in a streaming pass that decodes nothing else;
// an error answer ends there. A success is decoded into out in one pass.
// It returns an *APIError when the code is not 0 and a *ResponseError when
// the body is not an envelope.
func decodeBody(action string, status int, body []byte, out any) error {
	sc, err := scanEnvelope(body)
	if err != nil {
		return badResponse(action, status, "body is not the API's JSON envelope", body, err)
	}
	if !sc.hasCode {
		return badResponse(action, status, "answer has no code", body, nil)
	}
	if sc.code != CodeSuccess {
		var detail batchDetail
		if len(sc.detail) > 0 {
			var dsc scanned
			countValues(sc.detail, &dsc)
			if cost, limit := costOf(typeOfDetail, dsc, len(sc.detail)); cost > limit {
				return badResponse(action, status, errDecodeTooCostly, body,
					fmt.Errorf("a detail of %d values in %d bytes", dsc.values, len(sc.detail)))
			}
			_ = detail.UnmarshalJSON(sc.detail)
		}
		return &APIError{
			Action:         action,
			Code:           sc.code,
			CodeDesc:       sc.codeDesc,
			Message:        sc.message,
			HTTPStatusCode: status,
			Items:          []ItemResult(detail),
		}
	}
	if status < 200 || status > 299 {
		return badResponse(action, status, "HTTP error status with a success code", body, nil)
	}
	if out == nil {
		return nil
	}
	if cost, limit := costOf(reflect.TypeOf(out), sc, len(body)); cost > limit {
		return badResponse(action, status, errDecodeTooCostly, body,
			fmt.Errorf("%d objects and %d values in %d bytes", sc.objects, sc.values, len(body)))
	}
	if e, ok := out.(enveloper); ok {
		*e.env() = envelope{} // out may be reused across calls
	}
	if err := json2.Unmarshal(body, out, v1); err != nil {
		return badResponse(action, status, "cannot decode the result", body, err)
	}
	return nil
}

// badResponse reports an answer that is not the envelope. Its snippet of
// the body has the values of secret-bearing names replaced; for an action
// whose answer carries a secret there is no snippet at all, and the
// decoding error's text is withheld too (errors.As still reaches it).
func badResponse(action string, status int, reason string, body []byte, err error) *ResponseError {
	re := &ResponseError{Action: action, HTTPStatusCode: status, Reason: reason, Err: err}
	if answerCarriesSecret(action) {
		if err != nil {
			re.Err = &redactedError{msg: "details withheld: the answer carries a secret", cause: err}
			re.Reason += ": " + re.Err.Error()
		}
		return re
	}
	if err != nil {
		re.Reason += ": " + scrubNamed(err.Error())
	}
	const snippet = 128
	s := body
	if len(s) > snippet {
		s = s[:snippet]
	}
	re.Body = scrubNamed(string(bytes.ToValidUTF8(s, nil)))
	return re
}

var (
	typeOfDetail = reflect.TypeFor[map[string]itemJSON]()
	typeOfInt    = reflect.TypeFor[int64]()
	typeOfFloat  = reflect.TypeFor[float64]()
	typeOfString = reflect.TypeFor[string]()
)

// UnmarshalJSONFrom methods let the v2 engine hand each lenient value over
// as raw bytes read in place, without the copy and re-validation of the v1
// UnmarshalJSON path.

func (n *jsonInt) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return n.UnmarshalJSON(v)
}

func (n *jsonFloat) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return n.UnmarshalJSON(v)
}

func (s *jsonString) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return s.UnmarshalJSON(v)
}

func (t *jsonTime) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return t.UnmarshalJSON(v)
}

func (c *jsonCode) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return c.UnmarshalJSON(v)
}
