package main

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/qcloud-legacy/cvm"
)

// field is one member of an object, in the order of its Go fields.
type field struct {
	key   string
	value any
}

// object is a JSON object that keeps its members' order.
type object []field

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// dataOf turns an SDK value into the JSON form the CLI prints: objects
// with lowerCamelCase keys in the fields' order, enums as their names,
// times in RFC 3339 (empty when zero), secrets never.
func dataOf(v any) any { return dataOfValue(reflect.ValueOf(v)) }

var (
	secretType = reflect.TypeFor[cvm.Secret]()
	objectType = reflect.TypeFor[object]()
	timeType   = reflect.TypeFor[time.Time]()
	textType   = reflect.TypeFor[encoding.TextMarshaler]()
)

func dataOfValue(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	switch {
	case v.Type() == objectType:
		return v.Interface() // already the printed form
	case v.Type() == secretType:
		return "REDACTED"
	case v.Type() == timeType:
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	case v.Kind() != reflect.Struct && v.Kind() != reflect.Pointer && v.Type().Implements(textType):
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return fmt.Sprint(v.Interface())
		}
		return string(b)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return dataOfValue(v.Elem())
	case reflect.Struct:
		var o object
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
				if inner, ok := dataOfValue(v.Field(i)).(object); ok {
					o = append(o, inner...)
				}
				continue
			}
			o = append(o, field{lowerCamel(sf.Name), dataOfValue(v.Field(i))})
		}
		return o
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return []any{}
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = dataOfValue(v.Index(i))
		}
		return out
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		var o object
		for _, k := range keys {
			o = append(o, field{fmt.Sprint(k.Interface()), dataOfValue(v.MapIndex(k))})
		}
		return o
	}
	return v.Interface()
}

// lowerCamel is a Go field name as a JSON key: ID → id, ZoneID → zoneId,
// LANIP → lanIp, WANIPs → wanIps, CPU → cpu, MemoryGB → memoryGb.
func lowerCamel(name string) string {
	for acronyms, word := range map[string]string{"LANIP": "LanIp", "WANIP": "WanIp", "VPCID": "VpcId"} {
		name = strings.ReplaceAll(name, acronyms, word)
	}
	var words []string
	rs := []rune(name)
	start := 0
	for i := 1; i <= len(rs); i++ {
		if i == len(rs) {
			words = append(words, string(rs[start:i]))
			break
		}
		prev, cur := rs[i-1], rs[i]
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		// A word ends before an upper case letter that follows a lower case
		// one, or that starts a word after an acronym (LANIp: LAN|Ip).
		if unicode.IsUpper(cur) && (unicode.IsLower(prev) || unicode.IsUpper(prev) && unicode.IsLower(next) && !isPluralS(rs, i+1)) {
			words = append(words, string(rs[start:i]))
			start = i
		}
	}
	var b strings.Builder
	for i, w := range words {
		w = strings.ToLower(w)
		if i > 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
	}
	return b.String()
}

// isPluralS reports whether rs[i] is a lone final "s" (WANIPs, IDs): the
// plural of the acronym before it, not a word of its own.
func isPluralS(rs []rune, i int) bool { return i == len(rs)-1 && rs[i] == 's' }

// generic is data as encoding/json reads it back: what JMESPath works on.
func generic(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	err = dec.Decode(&out)
	return out, err
}

// columns are the columns of a table (and of text) for a kind of row.
type columns []string

// emit prints a command's result in the chosen format. cols are the keys
// a table of the result shows, in order, when no query reshaped it.
func (a *app) emit(result any, cols columns) error {
	data := dataOf(result)
	if a.query != "" {
		g, err := generic(data)
		if err != nil {
			return err
		}
		q, err := compileQuery(a.query)
		if err != nil {
			return usagef("--query: %v", err)
		}
		res, err := q.search(g)
		if err != nil {
			return err
		}
		return a.render(res, nil)
	}
	return a.render(data, cols)
}

func (a *app) render(data any, cols columns) error {
	switch a.output {
	case "json":
		b, err := json.MarshalIndent(data, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.out, "%s\n", b)
		return err
	case "yaml":
		n, err := yamlNode(data)
		if err != nil {
			return err
		}
		enc := yaml.NewEncoder(a.out)
		enc.SetIndent(2)
		if err := enc.Encode(n); err != nil {
			return err
		}
		return enc.Close()
	case "text":
		return writeRows(a.out, data, cols, false)
	}
	return writeRows(a.out, data, cols, true)
}

// yamlNode builds YAML that keeps the objects' order.
func yamlNode(data any) (*yaml.Node, error) {
	switch d := data.(type) {
	case object:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, f := range d {
			v, err := yamlNode(f.value)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: f.key}, v)
		}
		return n, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range d {
			v, err := yamlNode(e)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, v)
		}
		return n, nil
	case map[string]any:
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := make(object, 0, len(keys))
		for _, k := range keys {
			o = append(o, field{k, d[k]})
		}
		return yamlNode(o)
	}
	n := &yaml.Node{}
	if err := n.Encode(data); err != nil {
		return nil, err
	}
	return n, nil
}

// writeRows prints rows: one per element of a list (one for a lone
// object), the given columns (or every key of the first row), values
// joined by tabs, aligned with a header for a table.
func writeRows(w io.Writer, data any, cols columns, table bool) error {
	rows := asRows(data)
	if cols == nil {
		for _, r := range rows {
			if o, ok := r.(object); ok {
				for _, f := range o {
					cols = append(cols, f.key)
				}
				break
			}
			if m, ok := r.(map[string]any); ok {
				for k := range m {
					cols = append(cols, k)
				}
				sort.Strings(cols)
				break
			}
		}
	}
	out := w
	var tw *tabwriter.Writer
	if table {
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		out = tw
		if len(cols) > 0 {
			hdr := make([]string, len(cols))
			for i, c := range cols {
				hdr[i] = strings.ToUpper(c)
			}
			fmt.Fprintln(out, strings.Join(hdr, "\t"))
		}
	}
	for _, r := range rows {
		var cells []string
		switch row := r.(type) {
		case object:
			for _, c := range cols {
				cells = append(cells, cell(lookup(row, c)))
			}
		case map[string]any:
			for _, c := range cols {
				cells = append(cells, cell(row[c]))
			}
		case []any:
			// A list for a row (a query's [id, status]): a cell each, as
			// the AWS CLI's text output has them.
			for _, e := range row {
				cells = append(cells, cell(e))
			}
		default:
			cells = []string{cell(row)}
		}
		fmt.Fprintln(out, strings.Join(cells, "\t"))
	}
	if tw != nil {
		return tw.Flush()
	}
	return nil
}

func asRows(data any) []any {
	switch d := data.(type) {
	case []any:
		return d
	case nil:
		return nil
	}
	return []any{data}
}

func lookup(o object, key string) any {
	for _, f := range o {
		if f.key == key {
			return f.value
		}
	}
	return nil
}

// cell is a value as a table or text shows it: lists joined by commas,
// objects as JSON.
func cell(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = cell(e)
		}
		return strings.Join(parts, ",")
	case object, map[string]any:
		b, _ := json.Marshal(t)
		return string(b)
	}
	return fmt.Sprint(v)
}
