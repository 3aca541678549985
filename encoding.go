package cvm

import (
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/google/go-querystring/query"
)

// listIndexBase is the index of a list's first element on the wire. The
// legacy API documents lists as "name.n" from 0 (instanceIds.0, ...). It is
// defined once here and pinned by golden wire tests.
const listIndexBase = 0

// List is a list parameter. It encodes as the legacy API expects, with
// 0-based indexes: a List[string] named "instanceIds" becomes
// instanceIds.0=a&instanceIds.1=b, and a List of structs becomes
// name.0.field=v for each field's url tag. A []T is assignable to a List[T],
// so request fields of this type take plain slices.
//
// go-querystring's own "numbered" option would write "name0", which the API
// does not read.
type List[T any] []T

// EncodeValues implements go-querystring's query.Encoder.
func (l List[T]) EncodeValues(key string, v *url.Values) error {
	if ss, ok := any(l).(List[string]); ok && len(ss) > 0 {
		// The common case (ids), without boxing each element: the names
		// are slices of one string, the values of one array.
		var b strings.Builder
		b.Grow(len(ss) * (len(key) + 5))
		ends := make([]int, len(ss))
		for i := range ss {
			b.WriteString(key)
			b.WriteByte('.')
			b.WriteString(strconv.Itoa(i + listIndexBase))
			ends[i] = b.Len()
		}
		names, values := b.String(), make([]string, len(ss))
		copy(values, ss)
		start := 0
		for i, end := range ends {
			(*v)[names[start:end]] = values[i : i+1 : i+1]
			start = end
		}
		return nil
	}
	for i, e := range l {
		k := key + "." + strconv.Itoa(i+listIndexBase)
		if err := encodeElem(k, reflect.ValueOf(e), v); err != nil {
			return err
		}
	}
	return nil
}

func encodeElem(key string, rv reflect.Value, v *url.Values) error {
	for !rv.IsValid() || rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if !rv.IsValid() || rv.IsNil() {
			v.Add(key, "")
			return nil
		}
		rv = rv.Elem()
	}
	if enc, ok := rv.Interface().(query.Encoder); ok {
		return enc.EncodeValues(key, v)
	}
	switch rv.Kind() {
	case reflect.Struct:
		sub, err := query.Values(rv.Interface())
		if err != nil {
			return err
		}
		for sk, svs := range sub {
			for _, sv := range svs {
				v.Add(key+"."+dotKey(sk), sv)
			}
		}
	case reflect.Bool:
		// The API takes flags as 1 and 0.
		if rv.Bool() {
			v.Add(key, "1")
		} else {
			v.Add(key, "0")
		}
	case reflect.String:
		v.Add(key, rv.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.Add(key, strconv.FormatInt(rv.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.Add(key, strconv.FormatUint(rv.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		v.Add(key, strconv.FormatFloat(rv.Float(), 'f', -1, 64))
	default:
		if s, ok := rv.Interface().(fmt.Stringer); ok {
			v.Add(key, s.String())
			return nil
		}
		return fmt.Errorf("cannot encode a list element of type %s", rv.Type())
	}
	return nil
}

// dotKey turns go-querystring's nested-struct keys, "a[b][c]", into the
// legacy API's "a.b.c".
func dotKey(k string) string {
	if !strings.Contains(k, "[") {
		return k
	}
	r := strings.NewReplacer("][", ".", "[", ".", "]", "")
	return r.Replace(k)
}

// legacyEncoder is a service's request value that puts itself on the
// legacy wire (a batch's ids under the action's list name, say); API 3.0
// routes read the value itself.
type legacyEncoder interface{ legacyValues() url.Values }

// encodeParams turns the params argument of [Client.Do] into url.Values. It
// accepts nil, url.Values, map[string]string, or a struct (or pointer to one)
// with go-querystring url tags.
func encodeParams(params any) (url.Values, error) {
	switch p := params.(type) {
	case nil:
		return url.Values{}, nil
	case legacyEncoder:
		return p.legacyValues(), nil
	case url.Values:
		out := make(url.Values, len(p)+8)
		for k, vs := range p {
			out[k] = append([]string(nil), vs...)
		}
		return out, nil
	case map[string]string:
		out := make(url.Values, len(p)+8)
		for k, v := range p {
			out[k] = []string{v}
		}
		return out, nil
	}
	rv := reflect.ValueOf(params)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return url.Values{}, nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, &ArgError{Arg: "params", Reason: fmt.Sprintf("want url.Values, map[string]string or a struct, got %T", params)}
	}
	vals, err := query.Values(rv.Interface())
	if err != nil {
		return nil, &ArgError{Arg: "params", Reason: err.Error()}
	}
	for k, vs := range vals {
		if dk := dotKey(k); dk != k {
			delete(vals, k)
			vals[dk] = vs
		}
	}
	return vals, nil
}
