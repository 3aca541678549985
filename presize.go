package cvm

import (
	"encoding"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"

	json2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Presizing: a result's slices (an answer's instanceSet) are decoded into
// backing arrays of the length the same type's slice had in the last
// answer, instead of being grown one element at a time. Growing a slice of
// 100 instances allocates 255 of them on the way (two thirds of the bytes
// Do allocates for DescribeInstances of 100) and the collector's work
// follows the bytes.
//
// Nothing about it can be seen but a slice's capacity. Only nil slices are
// presized, and what the answer says decides what is left:
//   - elements: they fill the presized array (or a grown one);
//   - [] or null: the decoder replaces the slice with an empty or nil one,
//     as it would have without presizing (TestPresizeCannotBeSeen holds
//     the decoder to it against encoding/json);
//   - no such member: the slice is still the presized array, empty, and is
//     set back to nil.
// The presized lengths together are bounded by what the answer can hold
// (one element per object, or per value, counted before decoding), so a
// short answer after a long one costs no more than the short answer.

// minPresize is the shortest remembered length worth presizing for: below
// it a slice grows in a few steps anyway.
const minPresize = 8

// sliceFields lists a struct type's slice fields that an answer's
// top-level members decode into, with their last lengths.
type sliceFields struct {
	fields []presizable
}

type presizable struct {
	index   []int // through embedded structs, never through a pointer
	typ     reflect.Type
	objects bool // an element is a JSON object or array, else a value
	last    atomic.Int64
}

var presizeFields sync.Map // reflect.Type (struct) → *sliceFields

// fieldsOf returns the presizable fields of struct type t.
func fieldsOf(t reflect.Type) *sliceFields {
	if f, ok := presizeFields.Load(t); ok {
		return f.(*sliceFields)
	}
	sf := &sliceFields{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous || f.Type.Kind() != reflect.Slice || f.Tag.Get("json") == "-" ||
			!throughValues(t, f.Index) || decodesItself(f.Type) {
			continue
		}
		k := f.Type.Elem().Kind()
		if k == reflect.Uint8 || f.Type.Elem().Size() == 0 {
			// []byte is decoded from a base64 string; the arrays of
			// zero-sized elements all share one address, so a presized
			// one could not be told from the decoder's empty slice.
			continue
		}
		sf.fields = append(sf.fields, presizable{index: f.Index, typ: f.Type,
			objects: k == reflect.Struct || k == reflect.Map || k == reflect.Slice || k == reflect.Array || k == reflect.Pointer || k == reflect.Interface})
	}
	f, _ := presizeFields.LoadOrStore(t, sf)
	return f.(*sliceFields)
}

// throughValues reports whether the field at index is reached through
// embedded struct values only: a nil embedded pointer is not allocated by
// presizing.
func throughValues(t reflect.Type, index []int) bool {
	for _, i := range index[:len(index)-1] {
		f := t.Field(i)
		if f.Type.Kind() != reflect.Struct {
			return false
		}
		t = f.Type
	}
	return true
}

var (
	unmarshalerV1   = reflect.TypeFor[jsonv1.Unmarshaler]()
	unmarshalerV2   = reflect.TypeFor[json2.Unmarshaler]()
	unmarshalerFrom = reflect.TypeFor[json2.UnmarshalerFrom]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decodesItself reports whether a slice type has its own decoding method,
// which may do with the slice what it likes: such slices are left alone.
func decodesItself(t reflect.Type) bool {
	for _, it := range []reflect.Type{unmarshalerV1, unmarshalerV2, unmarshalerFrom, textUnmarshaler} {
		if t.Implements(it) || reflect.PointerTo(t).Implements(it) {
			return true
		}
	}
	return false
}

// presized is what presize did to one result, to be settled after decoding.
type presized struct {
	sf   *sliceFields
	v    reflect.Value // the result struct
	data []unsafe.Pointer
}

// presize gives out's nil slice fields backing arrays of their remembered
// lengths, bounded by sc. out is a pointer to a struct, or presize does
// nothing.
func presize(out any, sc scanned) presized {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return presized{}
	}
	v := rv.Elem()
	sf := fieldsOf(v.Type())
	if len(sf.fields) == 0 {
		return presized{}
	}
	p := presized{sf: sf, v: v}
	// Every element of every slice takes an object (or a value) of the
	// answer, so the slices together are bounded by the count, not each.
	objects, values := sc.objects, sc.values
	for i := range sf.fields {
		f := &sf.fields[i]
		left := &values
		if f.objects {
			left = &objects
		}
		n := min(int(f.last.Load()), *left)
		fv := v.FieldByIndex(f.index)
		if n < minPresize || !fv.IsNil() || !fv.CanSet() {
			continue
		}
		*left -= n
		if p.data == nil {
			p.data = make([]unsafe.Pointer, len(sf.fields))
		}
		fv.Set(reflect.MakeSlice(f.typ, 0, n))
		p.data[i] = fv.UnsafePointer()
	}
	return p
}

// settle sets back to nil each presized slice the answer did not fill, and
// remembers each slice's length for the next answer.
func (p presized) settle() {
	if p.sf == nil {
		return
	}
	for i := range p.sf.fields {
		f := &p.sf.fields[i]
		fv := p.v.FieldByIndex(f.index)
		if p.data != nil && p.data[i] != nil && fv.Len() == 0 && fv.UnsafePointer() == p.data[i] {
			fv.SetZero()
		}
		f.last.Store(int64(fv.Len()))
	}
}
