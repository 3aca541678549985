package cvm

import (
	"reflect"
	"sync"
)

// elemCost is what one JSON value may cost to decode into a type: for
// objects and arrays, the largest struct a slice of that type holds (an
// array element allocates one); for other values, the largest other slice
// element. factor is the bound on decoding memory, in multiples of the
// body's size: 4 for structs, slices and scalars; 10 where the type reaches
// interfaces or maps, where boxing every value costs about 8 times the
// JSON it came from even for ordinary answers.
type elemCost struct{ object, value, factor int }

var elemCosts sync.Map // reflect.Type → elemCost

// costOf estimates, from above, what decoding a scanned answer into a value
// of type t allocates (every object or array may become the largest struct
// element t reaches, every other value its largest other element), and the
// most it may allocate for a body of n bytes.
func costOf(t reflect.Type, sc scanned, n int) (cost, limit int) {
	c, ok := elemCosts.Load(t)
	if !ok {
		c, _ = elemCosts.LoadOrStore(t, typeCost(t))
	}
	ec := c.(elemCost)
	return sc.objects*ec.object + sc.values*ec.value, ec.factor*n + decodeAllowance
}

// Floors for values decoded into interfaces or maps (map[string]any and the
// like): a map or slice header with its first buckets, and a boxed value
// with its map entry.
const (
	anyObjectCost   = 512
	anyValueCost    = 64
	anyDecodeFactor = 10
)

func typeCost(t reflect.Type) elemCost {
	ec := elemCost{object: 64, value: 16, factor: maxDecodeFactor}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Pointer, reflect.Array:
			walk(t.Elem())
		case reflect.Slice:
			e := t.Elem()
			if k := e.Kind(); k == reflect.Struct || k == reflect.Slice || k == reflect.Map || k == reflect.Array {
				ec.object = max(ec.object, int(e.Size()))
			} else {
				ec.value = max(ec.value, int(e.Size()))
			}
			walk(e)
		case reflect.Map:
			per := int(t.Key().Size()+t.Elem().Size()) + 16
			ec.object = max(ec.object, anyObjectCost)
			ec.value = max(ec.value, anyValueCost, per)
			ec.factor = anyDecodeFactor
			walk(t.Key())
			walk(t.Elem())
		case reflect.Interface:
			ec.object = max(ec.object, anyObjectCost)
			ec.value = max(ec.value, anyValueCost)
			ec.factor = anyDecodeFactor
		case reflect.Struct:
			for i := range t.NumField() {
				walk(t.Field(i).Type)
			}
		}
	}
	walk(t)
	return ec
}
