package cvm

import (
	"context"
	"fmt"
	"iter"
	"slices"
)

// MaxPageSize is the largest page the API serves (limit at most 100).
const MaxPageSize = 100

// ListOptions are the paging parameters of list calls. The zero value asks
// for the first page of the API's default size (20).
type ListOptions struct {
	// Offset is the number of matches to skip.
	Offset int `url:"offset,omitempty"`
	// Limit is the page size, at most 100. 0 means the API's default, 20;
	// All uses 100.
	Limit int `url:"limit,omitempty"`
}

func (o ListOptions) validate() error {
	switch {
	case o.Offset < 0:
		return &ArgError{Arg: "Offset", Reason: "must not be negative"}
	case o.Limit < 0 || o.Limit > MaxPageSize:
		return &ArgError{Arg: "Limit", Reason: fmt.Sprintf("must be between 0 and %d, got %d", MaxPageSize, o.Limit)}
	}
	return nil
}

// page is one page of results and the API's count of all matches.
type page[T any] struct {
	items []T
	total int
}

// walk returns an iterator over every match, fetching pages of limit items
// from offset on demand with fetch. It copies nothing of the caller's, so
// ranging twice starts over from offset; it yields one error and stops on
// the first failure; it stops on an empty page, a short page, or once offset
// reaches the total; and it reports a page that repeats any earlier one
// (the same first and last key), which a server that ignores offset, or
// one that cycles through a few pages (A, B, A, B), would send forever.
func walk[T any](ctx context.Context, offset, limit int, key func(T) string, fetch func(ctx context.Context, offset, limit int) (page[T], error)) iter.Seq2[T, error] {
	if limit <= 0 {
		limit = MaxPageSize
	}
	return func(yield func(T, error) bool) {
		var zero T
		seen := map[[2]string]int{} // each page's first and last key, and its offset
		for off := offset; ; {
			p, err := fetch(ctx, off, limit)
			if err != nil {
				yield(zero, err)
				return
			}
			if len(p.items) == 0 {
				return
			}
			sig := [2]string{key(p.items[0]), key(p.items[len(p.items)-1])}
			if at, ok := seen[sig]; ok {
				yield(zero, &ResponseError{Reason: fmt.Sprintf("page at offset %d repeats the page at offset %d", off, at), Err: ErrBadResponse})
				return
			}
			seen[sig] = off
			for _, it := range p.items {
				if !yield(it, nil) {
					return
				}
			}
			off += len(p.items)
			if len(p.items) < limit || off >= p.total {
				return
			}
		}
	}
}

// lister serves List and All for one list action whose id filter takes at
// most per ids a call (0: no limit). fetch gets one page for a chunk of ids.
type lister[T any] struct {
	arg   string // the ids option, for errors
	ids   []string
	per   int
	opts  ListOptions
	key   func(T) string
	fetch func(ctx context.Context, ids []string, offset, limit int) (page[T], *Response, error)
}

func (l lister[T]) chunkSize() int {
	if l.per > 0 {
		return l.per
	}
	return max(1, len(l.ids))
}

// list returns one page. More ids than one call takes are sent in calls
// of at most per ids, merged; paging across chunks would not mean what the
// caller asked, so it needs Offset 0 and a Limit no smaller than the list.
func (l lister[T]) list(ctx context.Context) ([]T, *Response, error) {
	if err := l.opts.validate(); err != nil {
		return nil, nil, err
	}
	if len(l.ids) <= l.chunkSize() {
		p, resp, err := l.fetch(ctx, l.ids, l.opts.Offset, l.opts.Limit)
		return p.items, resp, err
	}
	if l.opts.Offset != 0 || l.opts.Limit != 0 && l.opts.Limit < len(l.ids) {
		return nil, nil, &ArgError{Arg: l.arg, Reason: fmt.Sprintf("%d ids take several calls: use Offset 0 and no Limit, or All", len(l.ids))}
	}
	var all []T
	resp := &Response{}
	for ids := range chunks(l.ids, l.chunkSize()) {
		p, r, err := l.fetch(ctx, ids, 0, MaxPageSize)
		if err != nil {
			return nil, r, err
		}
		all = append(all, p.items...)
		resp.HTTPResponse, resp.Attempts, resp.TotalCount = r.HTTPResponse, resp.Attempts+r.Attempts, resp.TotalCount+p.total
	}
	return all, resp, nil
}

// all returns an iterator over every match, chunk after chunk, each walked
// lazily from the caller's offset.
func (l lister[T]) all(ctx context.Context) iter.Seq2[T, error] {
	if err := l.opts.validate(); err != nil {
		return errSeq[T](err)
	}
	return func(yield func(T, error) bool) {
		for ids := range chunks(l.ids, l.chunkSize()) {
			fetch := func(ctx context.Context, off, lim int) (page[T], error) {
				p, _, err := l.fetch(ctx, ids, off, lim)
				return p, err
			}
			for it, err := range walk(ctx, l.opts.Offset, l.opts.Limit, l.key, fetch) {
				if !yield(it, err) || err != nil {
					return
				}
			}
		}
	}
}

// chunks splits ids into lists of at most n; an empty list gives one empty
// chunk, so that a call without ids is made once.
func chunks[T any](ids []T, n int) iter.Seq[[]T] {
	return func(yield func([]T) bool) {
		if len(ids) == 0 {
			yield(nil)
			return
		}
		for i := 0; i < len(ids); i += n {
			if !yield(ids[i:min(i+n, len(ids))]) {
				return
			}
		}
	}
}

func errSeq[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
