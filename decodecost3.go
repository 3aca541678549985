package cvm

// The cost of decoding an API 3.0 answer, measured on the answer itself
// with the type it decodes into: every array's elements at the size of the
// slice's element type (with the steps a slice grows by as it is
// appended to), every string at its length, every value decoded into an
// interface or a map at its boxing. API 3.0 nests several objects in
// each item (Placement, SystemDisk, ...), which a count of braces cannot
// tell from a list of items; walking the answer along its type can.

import (
	"bytes"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// walkCost3 is one walk of an answer: a lenient scan of its bytes (the
// decoding validates them; where the answer is not JSON, the walk reads on
// and can only count more than the decoding, which stops there).
type walkCost3 struct {
	b     []byte
	pos   int
	depth int
	cost  int
	// boxes is set when the answer reaches an interface or a map, which
	// are bounded by anyDecodeFactor rather than maxDecodeFactor.
	boxes bool
	// fold is set when names match whatever their case (a user's type,
	// decoded with encoding/json's semantics); this package's own types
	// match names exactly.
	fold bool
	name [64]byte
}

// maxDepth3 is the nesting the decoding accepts (jsontext's limit); the
// walk goes no deeper, as the decoding fails there.
const maxDepth3 = 10000

// cost3 returns what decoding body ({"Response": ...}) into out (a
// pointer) allocates, from above, and the factor of the body's size it is
// bounded by.
func cost3(body []byte, out reflect.Type, fold bool) (cost, factor int) {
	w := &walkCost3{b: body, fold: fold}
	if w.peek() == '{' {
		w.object(planOf(responseType3(out)))
	}
	if w.boxes {
		return w.cost, anyDecodeFactor
	}
	return w.cost, maxDecodeFactor
}

// peek skips whitespace and returns the next byte, 0 at the end.
func (w *walkCost3) peek() byte {
	for w.pos < len(w.b) {
		switch c := w.b[w.pos]; c {
		case ' ', '\t', '\n', '\r':
			w.pos++
		default:
			return c
		}
	}
	return 0
}

// raw reads a string or a scalar and returns its bytes; it always reads
// at least one byte when there is one.
func (w *walkCost3) raw() []byte {
	if w.peek() == '"' {
		start := w.pos
		w.pos++
		for {
			i := bytes.IndexByte(w.b[w.pos:], '"')
			if i < 0 {
				w.pos = len(w.b)
				return w.b[start:]
			}
			end := w.pos + i
			w.pos = end + 1
			// The quote ends the string unless an odd run of
			// backslashes escapes it.
			k := end - 1
			for k > start && w.b[k] == '\\' {
				k--
			}
			if (end-1-k)%2 == 0 {
				return w.b[start:w.pos]
			}
		}
	}
	start := w.pos
	for w.pos < len(w.b) {
		switch w.b[w.pos] {
		case ',', ']', '}', ':', ' ', '\t', '\n', '\r', '"', '{', '[':
			if w.pos == start {
				w.pos++ // a byte out of place: read on
			}
			return w.b[start:w.pos]
		}
		w.pos++
	}
	return w.b[start:]
}

// skip reads one value that is not decoded.
func (w *walkCost3) skip() {
	switch w.peek() {
	case '{', '[':
		w.pos++
		if w.depth++; w.depth > maxDepth3 {
			w.pos = len(w.b)
			return
		}
		for c := w.peek(); c != 0; c = w.peek() {
			if c == '}' || c == ']' {
				w.pos++
				break
			}
			w.skip()
		}
		w.depth--
	default:
		w.raw()
	}
}

// plan3 is what the walk needs of a type, worked out once per type of
// result: no reflection is done while walking.
type plan3 struct {
	kind   reflect.Kind
	itself bool // it has its own decoding method
	// ptr is the size a pointer allocates, for a pointer type (elem is
	// then what it points to).
	ptr    int
	size   int // of an element, for slices
	slot   int // of a key and a value, for maps
	elem   *plan3
	fields map[string]*plan3
	// folded holds the fields by their names in lower case, for the
	// names matched whatever their case.
	folded map[string]*plan3
	// flat is set for a struct that holds no slice, map, interface or
	// pointer: decoding it allocates its strings alone, at most its bytes.
	flat bool
}

var plans3 sync.Map // reflect.Type → *plan3

// planOf returns the plan of type t.
func planOf(t reflect.Type) *plan3 {
	if p, ok := plans3.Load(t); ok {
		return p.(*plan3)
	}
	p := buildPlan(t, map[reflect.Type]*plan3{})
	got, _ := plans3.LoadOrStore(t, p)
	return got.(*plan3)
}

func buildPlan(t reflect.Type, seen map[reflect.Type]*plan3) *plan3 {
	if p, ok := seen[t]; ok {
		return p
	}
	p := &plan3{kind: t.Kind(), itself: decodesItself(t)}
	seen[t] = p
	switch t.Kind() {
	case reflect.Pointer:
		p.ptr = int(t.Elem().Size())
		p.elem = buildPlan(t.Elem(), seen)
	case reflect.Slice, reflect.Array:
		p.size = int(t.Elem().Size())
		p.elem = buildPlan(t.Elem(), seen)
	case reflect.Map:
		p.slot = int(t.Key().Size() + t.Elem().Size())
		p.elem = buildPlan(t.Elem(), seen)
	case reflect.Struct:
		p.fields, p.folded = map[string]*plan3{}, map[string]*plan3{}
		for name, ft := range fieldsOf3(t) {
			p.fields[name] = buildPlan(ft, seen)
			p.folded[strings.ToLower(name)] = p.fields[name]
		}
		p.flat = flatType(t)
	}
	return p
}

// flatType reports whether decoding into t allocates nothing but strings:
// no slice, map, interface or pointer is reached, and no method of its own.
func flatType(t reflect.Type) bool {
	if decodesItself(t) {
		return t.Kind() != reflect.Pointer && t.Kind() != reflect.Slice && t.Kind() != reflect.Map && t.Kind() != reflect.Interface
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Interface, reflect.Pointer:
		return false
	case reflect.Array:
		return flatType(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !flatType(t.Field(i).Type) {
				return false
			}
		}
	}
	return true
}

// value walks one JSON value decoded into a value of plan p.
func (w *walkCost3) value(p *plan3) {
	for p.kind == reflect.Pointer && !p.itself {
		if w.peek() == 'n' {
			w.raw()
			return
		}
		w.cost += p.ptr
		p = p.elem
	}
	c := w.peek()
	switch {
	case p.itself:
		// Its own method: the bytes it is given, at most (and what a
		// pointer to it allocates).
		start := w.pos
		w.skip()
		w.cost += p.ptr + w.pos - start
	case p.kind == reflect.Interface:
		w.boxes = true
		w.boxed()
	case p.kind == reflect.Map && c == '{':
		w.boxes = true
		w.members(p.slot, p.elem)
	case c == '{' && p.kind == reflect.Struct && p.flat:
		start := w.pos
		w.skip()
		w.cost += w.pos - start
	case c == '{' && p.kind == reflect.Struct:
		w.object(p)
	case c == '[' && (p.kind == reflect.Slice || p.kind == reflect.Array):
		w.array(p)
	default:
		// A scalar, or a value of another kind than p's (which the
		// decoding refuses): its bytes at most.
		start := w.pos
		w.skip()
		w.cost += w.pos - start
	}
}

// enter reads an object's or an array's opening, and reports whether the
// walk may go in.
func (w *walkCost3) enter() bool {
	w.pos++
	if w.depth++; w.depth > maxDepth3 {
		w.pos = len(w.b)
		return false
	}
	return true
}

// next moves to an object's next member or an array's next element, and
// reports false at its end (which it reads).
func (w *walkCost3) next() bool {
	for {
		switch w.peek() {
		case 0:
			return false
		case ',':
			w.pos++
		case '}', ']':
			w.pos++
			w.depth--
			return false
		default:
			return true
		}
	}
}

func (w *walkCost3) object(p *plan3) {
	if !w.enter() {
		return
	}
	for w.next() {
		raw := w.raw()
		if w.peek() == ':' {
			w.pos++
		}
		t, ok := w.field(p, raw)
		if !ok {
			w.skip()
			continue
		}
		w.value(t)
	}
}

// field finds the member a name decodes into: by its exact name, else,
// when names match whatever their case, by its name in lower case.
func (w *walkCost3) field(p *plan3, raw []byte) (*plan3, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return nil, false
	}
	name := raw[1 : len(raw)-1]
	if bytes.IndexByte(name, '\\') >= 0 {
		var err error
		if name, err = jsontext.AppendUnquote(w.name[:0], raw); err != nil {
			return nil, false
		}
	}
	if t, ok := p.fields[string(name)]; ok { // no allocation for a map lookup
		return t, true
	}
	if !w.fold {
		return nil, false
	}
	lower := w.name[:0]
	for _, c := range name {
		if c >= utf8.RuneSelf {
			// Unicode folding (rare in a member's name): each field.
			for n, t := range p.fields {
				if bytes.EqualFold([]byte(n), name) {
					return t, true
				}
			}
			return nil, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower = append(lower, c)
	}
	t, ok := p.folded[string(lower)]
	return t, ok
}

func (w *walkCost3) array(p *plan3) {
	if !w.enter() {
		return
	}
	n := 0
	for w.next() {
		w.value(p.elem)
		n++
	}
	if p.kind == reflect.Slice {
		w.cost += grownSize(n, p.size)
	}
}

// members walks an object decoded into a map whose slots (key and value)
// take slot bytes, each value decoded into elem.
func (w *walkCost3) members(slot int, elem *plan3) {
	if !w.enter() {
		return
	}
	n := 0
	for w.next() {
		w.cost += len(w.raw()) // the key's string
		if w.peek() == ':' {
			w.pos++
		}
		w.value(elem)
		n++
	}
	w.cost += mapSize(n, slot)
}

// boxed walks a value decoded into an interface: a map[string]any, a
// []any, or a boxed scalar.
func (w *walkCost3) boxed() {
	switch w.peek() {
	case '{':
		w.members(int(anyType.Size())+16, anyPlan)
	case '[':
		if !w.enter() {
			return
		}
		n := 0
		for w.next() {
			w.boxed()
			n++
		}
		w.cost += boxCost + grownSize(n, int(anyType.Size()))
	default:
		w.cost += boxCost + len(w.raw())
	}
}

var (
	anyType = reflect.TypeFor[any]()
	anyPlan = &plan3{kind: reflect.Interface}
)

// boxCost is a value's box in an interface (a string header, a float64,
// a slice header), from above.
const boxCost = 32

// mapSize is what a map of n entries of slot bytes allocates as it grows
// to n, from above: its header, and groups of 8 slots with their control
// word, every table it grows through (twice the final one).
func mapSize(n, slot int) int {
	groups := (n + 7) / 8
	return 64 + 2*groups*(8+8*slot) + 2*groups*8
}

// grownSize is what appending n elements of size bytes one at a time
// allocates: every backing array the slice grows through (twice the
// length up to 256 elements, then a quarter more and 192; runtime
// growslice).
func grownSize(n, size int) int {
	if size == 0 {
		return 0 // arrays of zero-sized elements take no memory
	}
	total := 0
	for c := 0; c < n; {
		switch {
		case c == 0:
			c = 1
		case c < 256:
			c *= 2
		default:
			c += (c + 3*256) / 4
		}
		// The allocator rounds up to its size classes: an eighth more,
		// and a small array to 16 bytes.
		total += c*size + c*size/8 + 16
	}
	return total
}

var fields3 sync.Map // reflect.Type → map[string]reflect.Type

// responseType3 is the type of an answer whose Response decodes into a
// value of type out.
func responseType3(out reflect.Type) reflect.Type {
	if t, ok := responses3.Load(out); ok {
		return t.(reflect.Type)
	}
	t, _ := responses3.LoadOrStore(out, reflect.StructOf([]reflect.StructField{{Name: "Response", Type: out, Tag: `json:"Response"`}}))
	return t.(reflect.Type)
}

var responses3 sync.Map // reflect.Type → reflect.Type

// fieldsOf3 returns the members a struct type decodes, by JSON name.
func fieldsOf3(t reflect.Type) map[string]reflect.Type {
	if f, ok := fields3.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Type.Kind() == reflect.Struct {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("json"); ok {
			n, _, _ := bytes.Cut([]byte(tag), []byte(","))
			switch string(n) {
			case "-":
				continue
			case "":
			default:
				name = string(n)
			}
		}
		m[name] = f.Type
	}
	f, _ := fields3.LoadOrStore(t, m)
	return f.(map[string]reflect.Type)
}
