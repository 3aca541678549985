package main

import (
	"strings"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQueryIsBounded: a query that would make a huge string, or a result
// larger than the cap, stops with an error naming the limit (exit 1); one
// that yields a function is a clear error; none of them prints a partial
// document.
func TestQueryIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, c := range []struct{ query, want string }{
			{"pad_left('x', `1000000000`, 'y')", "pad_left would make"},
			{"[0].pad_right(id, `900000000`, 'ab')", "pad_right would make"},
			{"replace(join('', [].id), 'i', join('', [].id))", ""},
			{"&id", "not a JSON value"},
			{"[&id, &name]", "not a JSON value"},
		} {
			out, errOut, code := cli("instances", "list", "-o", "json", "--query", c.query)
			if c.want == "" {
				assert.Equal(t, exitOK, code, "%s: %s", c.query, errOut)
				continue
			}
			assert.Equal(t, exitError, code, c.query)
			assert.Contains(t, errOut, c.want, c.query)
			assert.Empty(t, out, c.query)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
		}
	})
}

func TestQueryResultIsCapped(t *testing.T) {
	old := queryBytesLimit
	queryBytesLimit = 4 << 10
	defer func() { queryBytesLimit = old }()
	synctest.Test(t, func(t *testing.T) {
		// Each level doubles what prints (the same list twice): 2^30 rows.
		q := "@" + strings.Repeat(" | [@, @]", 30)
		_, errOut, code := cli("instances", "list", "-o", "json", "--query", q)
		assert.Equal(t, exitError, code)
		assert.Contains(t, errOut, "result is larger than")
	})
}

// TestTextOutput: -o text separates fields with tabs, rows of a query's
// lists included, and a multiselect keeps the order its keys are written.
func TestTextOutput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out, errOut, code := cli("instances", "list", "--query", "[].[id, status, cpu]", "-o", "text")
		require.Equal(t, exitOK, code, errOut)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		require.Len(t, lines, 3)
		for _, l := range lines {
			assert.Regexp(t, `^ins-[a-z0-9]+\trunning\t\d+$`, l)
		}
		out, _, code = cli("instances", "list", "--query", "[].{z: zoneId, a: id, m: status}", "-o", "text")
		require.Equal(t, exitOK, code)
		assert.Regexp(t, `^\d+\tins-[a-z0-9]+\trunning\n`, out, "z, a, m as written")
		out, _, code = cli("instances", "list", "--query", "[0].{z: zoneId, a: id}", "-o", "json")
		require.Equal(t, exitOK, code)
		assert.Regexp(t, `(?s)^\{\s*"z": \d+,\s*"a": "ins-`, out)
	})
}
