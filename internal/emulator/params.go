package emulator

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// p reads an action's parameters, collecting the first validation error.
type p struct {
	v   url.Values
	err *apiError
}

func (r *request) p() *p { return &p{v: r.params} }

func (q *p) fail(e *apiError) {
	if q.err == nil {
		q.err = e
	}
}

func (q *p) has(name string) bool { _, ok := q.v[name]; return ok }

// str returns a string parameter; required ones must be present and
// non-empty.
func (q *p) str(name string, required bool) string {
	s := q.v.Get(name)
	if required && s == "" {
		q.fail(missing("%s", name))
	}
	return s
}

// strMax is str with a length limit in characters.
func (q *p) strMax(name string, required bool, maxLen int) string {
	s := q.str(name, required)
	if utf8.RuneCountInString(s) > maxLen {
		q.fail(refuse(reasonMalformed, "%s is longer than %d characters", name, maxLen))
	}
	return s
}

// integer returns an integer parameter within [lo, hi], or def when absent.
func (q *p) integer(name string, required bool, def, lo, hi int) int {
	s := q.v.Get(name)
	if s == "" {
		if required {
			q.fail(missing("%s", name))
		}
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		q.fail(invalid("%s must be an integer, got %q", name, s))
		return def
	}
	if n < lo || n > hi {
		q.fail(invalid("%s must be between %d and %d, got %d", name, lo, hi, n))
		return def
	}
	return n
}

// optInt returns an integer parameter and whether it was given.
func (q *p) optInt(name string, lo, hi int) (int, bool) {
	if q.v.Get(name) == "" {
		return 0, false
	}
	return q.integer(name, false, 0, lo, hi), true
}

// oneOf checks a string parameter against allowed values.
func (q *p) oneOf(name string, def string, allowed ...string) string {
	s := q.v.Get(name)
	if s == "" {
		return def
	}
	for _, a := range allowed {
		if strings.EqualFold(s, a) {
			return a
		}
	}
	q.fail(invalid("%s must be one of %s, got %q", name, strings.Join(allowed, ", "), s))
	return def
}

// list returns the values of name.N for any integer indexes, in index
// order: the server collects them whatever index they start from.
func (q *p) list(name string) []string {
	type kv struct {
		i int
		v string
	}
	var out []kv
	prefix := name + "."
	for k, vs := range q.v {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		i, err := strconv.Atoi(rest)
		if err != nil || i < 0 {
			continue
		}
		out = append(out, kv{i, vs[len(vs)-1]})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].i < out[b].i })
	res := make([]string, len(out))
	for i, e := range out {
		res[i] = e.v
	}
	return res
}

// objects returns the name.N.field groups, in index order, each as a
// map of field → value (nested lists stay as "field.M" keys).
func (q *p) objects(name string) []url.Values {
	groups := map[int]url.Values{}
	prefix := name + "."
	for k, vs := range q.v {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		idx, field, ok := strings.Cut(rest, ".")
		if !ok {
			continue
		}
		i, err := strconv.Atoi(idx)
		if err != nil || i < 0 {
			continue
		}
		if groups[i] == nil {
			groups[i] = url.Values{}
		}
		groups[i][field] = vs
	}
	idxs := make([]int, 0, len(groups))
	for i := range groups {
		idxs = append(idxs, i)
	}
	sort.Ints(idxs)
	out := make([]url.Values, len(idxs))
	for j, i := range idxs {
		out[j] = groups[i]
	}
	return out
}

// ids returns a required, non-empty list of at most max distinct ids.
func (q *p) ids(name string, required bool, max int) []string {
	l := q.list(name)
	if required && len(l) == 0 {
		q.fail(missing("%s.n", name))
	}
	if max > 0 && len(l) > max {
		q.fail(invalid("%s.n takes at most %d ids, got %d", name, max, len(l)))
	}
	seen := map[string]bool{}
	out := l[:0:0]
	for _, id := range l {
		if id == "" {
			q.fail(invalid("%s.n has an empty id", name))
			continue
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// page returns offset and limit (default 20, at most 100).
func (q *p) page() (offset, limit int) {
	offset = q.integer("offset", false, 0, 0, 1<<31-1)
	limit = q.integer("limit", false, 20, 1, 100)
	return offset, limit
}

func pageOf[T any](all []T, offset, limit int) []T {
	if offset >= len(all) {
		return []T{}
	}
	end := min(len(all), offset+limit)
	return all[offset:end]
}

// Password rules (spec §12, from the RunInstancesHour and
// ResetInstancePassword pages). Linux: 8 to 16 characters and at least two
// of: letters (upper and lower case together are one class), digits,
// specials. Windows: 12 to 16 characters and at least three of: lower case,
// upper case, digits, specials, where "|" is not a special.
const (
	linuxSpecials   = "()`~!@#$%^&*-+=|{}[]:;',.?/"
	windowsSpecials = "()`~!@#$%^&*-+={}[]:;',.?/"
)

// checkPassword applies the documented password rules; a refusal is 4000
// InvalidParameter.PasswordNotConformSpecs.
func checkPassword(pw string, windows bool) *apiError {
	specials, lo, need := linuxSpecials, 8, 2
	if windows {
		specials, lo, need = windowsSpecials, 12, 3
	}
	var lower, upper, digit, special bool
	n := 0
	for _, c := range pw {
		n++
		switch {
		case 'a' <= c && c <= 'z':
			lower = true
		case 'A' <= c && c <= 'Z':
			upper = true
		case '0' <= c && c <= '9':
			digit = true
		case strings.ContainsRune(specials, c):
			special = true
		default:
			return pwErr("password may not contain %q", c)
		}
	}
	if n < lo || n > 16 {
		return pwErr("password must be %d to 16 characters, got %d", lo, n)
	}
	classes := 0
	count := func(b bool) {
		if b {
			classes++
		}
	}
	if windows {
		count(lower)
		count(upper)
	} else {
		count(lower || upper)
	}
	count(digit)
	count(special)
	if classes < need {
		return pwErr("password must mix at least %d kinds of characters", need)
	}
	return nil
}
func pwErr(format string, args ...any) *apiError {
	e := invalid(format, args...)
	e.codeDesc = "InvalidParameter.PasswordNotConformSpecs"
	return e
}
