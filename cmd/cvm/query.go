package main

// JMESPath, bounded: a query's time and the size of what it makes are
// capped, and what it yields must be JSON. A query is the user's own, but
// it is also pasted from elsewhere, and one line such as
// pad_left('', `1e9`, 'x') would otherwise take the machine's memory.

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmespath-community/go-jmespath"
	"github.com/jmespath-community/go-jmespath/pkg/functions"
	"github.com/jmespath-community/go-jmespath/pkg/parsing"
)

// Limits of one query.
var (
	queryTimeLimit = 10 * time.Second
	// queryBytesLimit caps what a query may make: a string one function
	// returns, and the JSON form of its result.
	queryBytesLimit = 64 << 20
)

// queryLimitError is a query that went past a limit.
type queryLimitError struct{ what string }

func (e queryLimitError) Error() string { return "--query " + e.what }

// compiledQuery is a parsed query, with the order in which it names the
// keys of the objects it makes (a multiselect hash), which the library's
// maps lose.
type compiledQuery struct {
	expr  string
	order map[string]int
}

func compileQuery(expr string) (*compiledQuery, error) {
	ast, err := parsing.NewParser().Parse(expr)
	if err != nil {
		return nil, err
	}
	q := &compiledQuery{expr: expr, order: map[string]int{}}
	var walk func(n parsing.ASTNode)
	walk = func(n parsing.ASTNode) {
		if n.NodeType == parsing.ASTKeyValPair {
			if k, ok := n.Value.(string); ok {
				if _, seen := q.order[k]; !seen {
					q.order[k] = len(q.order)
				}
			}
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(ast)
	return q, nil
}

// search runs the query on data within the limits, and returns its result
// as JSON data, objects in the order the query names their keys.
func (q *compiledQuery) search(data any) (any, error) {
	deadline := time.Now().Add(queryTimeLimit)
	jp, err := jmespath.Compile(q.expr, boundedFunctions(deadline)...)
	if err != nil {
		return nil, usagef("--query: %v", err)
	}
	type answer struct {
		v   any
		err error
	}
	done := make(chan answer, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- answer{err: fmt.Errorf("--query failed: %v", r)}
			}
		}()
		v, err := jp.Search(data)
		done <- answer{v, err}
	}()
	timer := time.NewTimer(queryTimeLimit)
	defer timer.Stop()
	var a answer
	select {
	case a = <-done:
	case <-timer.C:
		// The search goes on in its goroutine until its next function
		// call sees the deadline; the command ends now.
		return nil, queryLimitError{fmt.Sprintf("took longer than %s", queryTimeLimit)}
	}
	if a.err != nil {
		if _, ok := a.err.(queryLimitError); ok {
			return nil, a.err
		}
		return nil, fmt.Errorf("--query: %w", a.err)
	}
	budget := queryBytesLimit
	out, err := q.asJSON(a.v, &budget)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// asJSON checks that v is JSON data no larger than the budget, counted as
// its JSON form (values reached twice count twice, as they print twice),
// and turns the objects the query made into ordered ones.
func (q *compiledQuery) asJSON(v any, budget *int) (any, error) {
	spend := func(n int) error {
		if *budget -= n; *budget < 0 {
			return queryLimitError{fmt.Sprintf("result is larger than %d MiB", queryBytesLimit>>20)}
		}
		return nil
	}
	switch t := v.(type) {
	case nil, bool:
		return t, spend(5)
	case float64, int, json.Number:
		return t, spend(len(fmt.Sprint(t)))
	case string:
		return t, spend(len(t) + 2)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			var err error
			if out[i], err = q.asJSON(e, budget); err != nil {
				return nil, err
			}
		}
		return out, spend(2 + len(t))
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		q.sortKeys(keys)
		o := make(object, 0, len(keys))
		for _, k := range keys {
			e, err := q.asJSON(t[k], budget)
			if err != nil {
				return nil, err
			}
			if err := spend(len(k) + 4); err != nil {
				return nil, err
			}
			o = append(o, field{k, e})
		}
		return o, spend(2)
	}
	return nil, fmt.Errorf("--query yields %s, which is not a JSON value (an expression reference such as &id is only an argument of functions such as sort_by)", describe(v))
}

// sortKeys orders keys as the query names them, then the rest by name.
func (q *compiledQuery) sortKeys(keys []string) {
	rank := func(k string) int {
		if r, ok := q.order[k]; ok {
			return r
		}
		return len(q.order)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0; j-- {
			a, b := keys[j-1], keys[j]
			if ra, rb := rank(a), rank(b); ra < rb || ra == rb && a <= b {
				break
			}
			keys[j-1], keys[j] = b, a
		}
	}
}

func describe(v any) string {
	switch v.(type) {
	case functions.ExpRef:
		return "an expression reference"
	}
	return fmt.Sprintf("a value of Go type %T", v)
}

// boundedFunctions are the library's functions, each refusing to run
// after the deadline, and those that can make more than their arguments
// hold (padding, replacing) refusing to make more than queryBytesLimit.
func boundedFunctions(deadline time.Time) []functions.FunctionEntry {
	defaults := functions.GetDefaultFunctions()
	out := make([]functions.FunctionEntry, 0, len(defaults))
	for _, f := range defaults {
		h, name := f.Handler, f.Name
		f.Handler = func(args []any) (any, error) {
			if time.Now().After(deadline) {
				return nil, queryLimitError{fmt.Sprintf("took longer than %s", queryTimeLimit)}
			}
			if n := madeBy(name, args); n > queryBytesLimit {
				return nil, queryLimitError{fmt.Sprintf("%s would make %d bytes, more than %d MiB", name, n, queryBytesLimit>>20)}
			}
			return h(args)
		}
		out = append(out, f)
	}
	return out
}

// madeBy is, from above, how many bytes a call of the named function
// makes, for the functions that can make more than they are given; 0 for
// the others.
func madeBy(name string, args []any) int {
	str := func(i int) string {
		if i < len(args) {
			s, _ := args[i].(string)
			return s
		}
		return ""
	}
	num := func(i int) float64 {
		if i < len(args) {
			switch n := args[i].(type) {
			case float64:
				return n
			case json.Number:
				f, _ := n.Float64()
				return f
			case int:
				return float64(n)
			}
		}
		return 0
	}
	switch name {
	case "pad_left", "pad_right":
		pad := max(len(str(2)), 1)
		w := num(1)
		if w > float64(queryBytesLimit) {
			return queryBytesLimit + 1
		}
		return int(w) * pad
	case "replace":
		s, old, new := str(0), str(1), str(2)
		if len(new) <= len(old) {
			return len(s)
		}
		return len(s) + (len(s)+1)*(len(new)-len(old))
	}
	return 0
}
