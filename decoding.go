package cvm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"

	"math"
	"reflect"
	"slices"
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
		return intern(b[1 : len(b)-1]), nil
	}
	var s string
	err := json2.Unmarshal(b, &s, v1)
	return s, err
}

// interned holds recent short strings of answers, so that the values
// answers repeat (a region, a zone, an image, an OS name, a status word)
// are one string each rather than one per instance: a fixed table of sets
// of two slots. A new string takes the first slot of the set its hash
// picks and moves the string there to the second, so two values an answer
// alternates between whose hashes meet (a zone and a disk type, say) both
// stay; with one slot a set they would evict each other on every instance.
// A lookup allocates nothing (string(b) as a comparison is not
// converted); sharing strings is safe, as they never change, and a race
// between two stores costs at most a miss.
var interned [internSets][2]atomic.Pointer[string]

const (
	internSets  = 2048
	maxInterned = 48
)

var internSeed = maphash.MakeSeed()

func intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > maxInterned {
		return string(b)
	}
	set := &interned[maphash.Bytes(internSeed, b)%internSets]
	for i := range set {
		if p := set[i].Load(); p != nil && *p == string(b) {
			return *p
		}
	}
	s := string(b)
	set[1].Store(set[0].Load())
	set[0].Store(&s)
	return s
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
	// The common case, "YYYY-MM-DD hh:mm:ss" with no escapes, read
	// directly: time.Parse costs as much as the rest of an instance.
	if len(b) == 21 && b[0] == '"' && b[20] == '"' {
		if v, ok := parseAPITimeFast(b[1:20]); ok {
			*t = jsonTime(v)
			return nil
		}
	}
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

// parseAPITimeFast reads "YYYY-MM-DD hh:mm:ss" (Beijing time), or reports
// that b is not exactly that, valid; "0000-..." is left to the caller.
func parseAPITimeFast(b []byte) (time.Time, bool) {
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	if b[4] != '-' || b[7] != '-' || b[10] != ' ' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 2)
	d, ok3 := num(8, 2)
	h, ok4 := num(11, 2)
	mi, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || y == 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	v := time.Date(y, time.Month(mo), d, h, mi, sec, 0, beijing)
	if v.Day() != d { // 2026-02-30 and the like: what time.Parse refuses
		return time.Time{}, false
	}
	return v, true
}

// envelope is the part of every answer that says how the call went.
// Response types embed it so that one decoding pass reads both the envelope
// and the result.
type envelope struct {
	// The envelope's names match exactly ("CODE" is not "code"), unlike
	// encoding/json's, so that a malformed answer is never read as one.
	Code     *jsonCode   `json:"code,case:strict"`
	Message  jsonString  `json:"message,case:strict"`
	CodeDesc jsonString  `json:"codeDesc,case:strict"`
	Detail   batchDetail `json:"detail,case:strict"`
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

// scanned is what decoding an answer may cost, estimated before decoding
// it: its objects and arrays, and its values.
type scanned struct {
	objects int // '{' and '[' seen
	values  int // array elements and object members
}

// countValues estimates an answer's objects and values with a byte scan
// (bytes.Count runs at memory speed): commas, brackets and braces inside
// strings count too, which errs on the side of a higher cost.
func countValues(body []byte) scanned {
	var sc scanned
	sc.objects = bytes.Count(body, []byte{'{'}) + bytes.Count(body, []byte{'['})
	sc.values = bytes.Count(body, []byte{','}) + sc.objects
	return sc
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

// decodeBody reads an answer into out (which may be nil) in one decoding
// pass: the envelope is found while the result is decoded, into out itself
// when it embeds the envelope, or else into a struct that holds the
// envelope's members beside out. An answer whose result does not decode,
// but whose envelope does and says error, is that error. It returns an
// *APIError when the code is not 0 and a *ResponseError when the body is
// not an envelope.
func decodeBody(action string, status int, body []byte, out any) error {
	target, env := decodeTarget(out)
	sc := countValues(body)
	if cost, limit := costOf(reflect.TypeOf(target), sc, len(body)); cost > limit {
		return badResponse(action, status, errDecodeTooCostly, body,
			fmt.Errorf("%d bytes of %T", len(body), out))
	}
	ps := presize(out, sc)
	decodeErr := json2.Unmarshal(body, target, optionsFor(out))
	ps.settle()
	e := env()
	if decodeErr != nil {
		// The result may not fit out while the envelope says error (an
		// error answer's data of another shape): read the envelope alone.
		var only envelope
		if err := json2.Unmarshal(body, &only, v1); err != nil || only.Code == nil || *only.Code == CodeSuccess {
			reason := "cannot decode the result"
			if err != nil {
				reason = "body is not the API's JSON envelope"
			}
			return badResponse(action, status, reason, body, decodeErr)
		}
		e = only
	}
	if e.Code == nil {
		return badResponse(action, status, "answer has no code", body, nil)
	}
	if *e.Code != CodeSuccess {
		return &APIError{Action: action, Code: int(*e.Code), CodeDesc: string(e.CodeDesc), Message: string(e.Message),
			HTTPStatusCode: status, Items: []ItemResult(e.Detail)}
	}
	if status < 200 || status > 299 {
		return badResponse(action, status, "HTTP error status with a success code", body, nil)
	}
	return nil
}

// exact are the decoding options of this package's own answer types: the
// v2 engine's exact, case-sensitive names (the types spell the API's), with
// duplicate names and invalid UTF-8 let through as encoding/json lets them.
// A user's type passed to Do keeps encoding/json's semantics (v1).
var exact = json2.JoinOptions(json2.DefaultOptionsV2(), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// optionsFor returns the options to decode into out: exact for the named
// types of this package, v1 for any other.
func optionsFor(out any) json2.Options {
	if ownType(out) {
		return exact
	}
	return v1OnePass
}

// ownType reports whether out points to a named type of this package,
// whose members are matched by their exact names.
func ownType(out any) bool {
	t := reflect.TypeOf(out)
	return t != nil && t.Kind() == reflect.Pointer && t.Elem().PkgPath() == pkgPath
}

// v1OnePass is v1 without its validation of the whole answer before
// decoding it (a second pass over the body): the answer is decoded as it
// is read, and one that turns out malformed is refused all the same.
var v1OnePass = json2.JoinOptions(v1, jsonv1.ReportErrorsWithLegacySemantics(false))

var pkgPath = reflect.TypeFor[envelope]().PkgPath()

// decodeTarget returns what an answer is decoded into for out, and how to
// read its envelope afterwards.
func decodeTarget(out any) (target any, env func() envelope) {
	switch o := out.(type) {
	case nil:
		e := new(envelope)
		return e, func() envelope { return *e }
	case enveloper:
		e := o.env()
		*e = envelope{} // out may be reused across calls
		if t := reflect.TypeOf(out); t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct || !shadowsEnvelope(t.Elem()) {
			return out, func() envelope { return *e }
		}
	}
	rv := reflect.ValueOf(out)
	wt := legacyEnvelope.wrapperOf(rv.Type())
	if wt == nil {
		// Not a struct, or one whose own members are named like the
		// envelope's: two passes, the envelope first.
		tp := &twoPass{out: out}
		return tp, func() envelope { return tp.envelope }
	}
	w := reflect.New(wt)
	w.Elem().Field(4).Set(rv)
	return w.Interface(), func() envelope {
		f := w.Elem()
		return envelope{Code: f.Field(0).Interface().(*jsonCode), Message: f.Field(1).Interface().(jsonString),
			CodeDesc: f.Field(2).Interface().(jsonString), Detail: f.Field(3).Interface().(batchDetail)}
	}
}

// twoPass decodes the envelope, and then, for a success, the result.
type twoPass struct {
	envelope
	out any
}

func (t *twoPass) UnmarshalJSON(b []byte) error {
	if err := json2.Unmarshal(b, &t.envelope, v1); err != nil {
		return err
	}
	if t.Code != nil && *t.Code == CodeSuccess {
		return json2.Unmarshal(b, t.out, optionsFor(t.out))
	}
	return nil
}

// envelopeKind is one contract's envelope, as wrappers copy it: the
// legacy code, message, codeDesc and detail beside the result, or API 3.0's
// Error and RequestId inside Response.
type envelopeKind struct {
	typ      reflect.Type // the envelope's members, copied into wrappers
	names    []string     // their names, lower-cased
	wrappers sync.Map     // reflect.Type (*T) → reflect.Type of the wrapper, or nil
}

var (
	legacyEnvelope = &envelopeKind{typ: reflect.TypeFor[envelope](), names: []string{"code", "message", "codedesc", "detail"}}
	api3Envelope   = &envelopeKind{typ: reflect.TypeFor[Envelope3](), names: []string{"error", "requestid"}}
)

// wrapperOf returns, for *T with T a struct none of whose members is named
// like the envelope's, the type struct{ the envelope's members; *T
// embedded }: decoding into it fills the envelope and T's members in one
// pass. *T is the wrapper's field k.typ.NumField().
func (k *envelopeKind) wrapperOf(pt reflect.Type) reflect.Type {
	if w, ok := k.wrappers.Load(pt); ok {
		t, _ := w.(reflect.Type)
		return t
	}
	var wt reflect.Type
	if pt.Kind() == reflect.Pointer && pt.Elem().Kind() == reflect.Struct && !k.namedLike(pt.Elem()) {
		fields := make([]reflect.StructField, 0, k.typ.NumField()+1)
		for i := range k.typ.NumField() {
			f := k.typ.Field(i)
			fields = append(fields, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
		}
		fields = append(fields, reflect.StructField{Name: "Out", Type: pt, Anonymous: true})
		wt = reflect.StructOf(fields)
	}
	k.wrappers.Store(pt, wt)
	return wt
}

var shadows sync.Map // reflect.Type → bool

// shadowsEnvelope reports whether a struct that embeds the envelope has
// members of its own named like the envelope's, which would hide it.
func shadowsEnvelope(t reflect.Type) bool {
	if v, ok := shadows.Load(t); ok {
		return v.(bool)
	}
	env, pub := reflect.TypeFor[envelope](), reflect.TypeFor[Envelope]()
	found := false
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && (f.Type == env || f.Type == pub) {
			continue
		}
		found = found || legacyEnvelope.memberLike(f)
	}
	shadows.Store(t, found)
	return found
}

// namedLike reports whether a struct, with its embedded structs, has a
// member encoding/json would match to one of the envelope's names.
func (k *envelopeKind) namedLike(t reflect.Type) bool {
	for i := range t.NumField() {
		if k.memberLike(t.Field(i)) {
			return true
		}
	}
	return false
}

// memberLike reports whether a struct field is, or embeds, a member
// encoding/json would match to one of the envelope's names.
func (k *envelopeKind) memberLike(f reflect.StructField) bool {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch {
	case name == "-":
		return false
	case f.Anonymous && name == "":
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		return ft.Kind() == reflect.Struct && k.namedLike(ft)
	case !f.IsExported():
		return false
	case name == "":
		name = f.Name
	}
	return slices.Contains(k.names, strings.ToLower(name))
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
