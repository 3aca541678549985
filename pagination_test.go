package cvm

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakePages serves items 0..n-1 in pages, reporting total (which may lie),
// and records the offsets asked for.
type fakePages struct {
	n, total int
	ignore   bool // ignore the offset: the same page forever
	cycle    int  // when not 0, serve the first cycle pages over and over (A, B, A, B)
	failAt   int  // offset at which to fail, -1 for never
	offsets  []int
}

func (f *fakePages) fetch(_ context.Context, off, lim int) (page[string], error) {
	f.offsets = append(f.offsets, off)
	if f.failAt >= 0 && off >= f.failAt {
		return page[string]{}, errors.New("boom")
	}
	if f.ignore {
		off = 0
	}
	if f.cycle > 0 {
		off %= f.cycle * lim
	}
	var items []string
	for i := off; i < min(off+lim, f.n); i++ {
		items = append(items, strconv.Itoa(i))
	}
	return page[string]{items, f.total}, nil
}

func collect(seq func(func(string, error) bool)) (items []string, errs []error) {
	for it, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, it)
	}
	return items, errs
}

func TestWalk(t *testing.T) {
	t.Parallel()
	id := func(s string) string { return s }
	tests := []struct {
		name        string
		f           fakePages
		offset, lim int
		wantItems   int
		wantOffsets []int
		wantErr     bool
	}{
		{"empty", fakePages{n: 0, total: 0, failAt: -1}, 0, 10, 0, []int{0}, false},
		{"one short page", fakePages{n: 7, total: 7, failAt: -1}, 0, 10, 7, []int{0}, false},
		{"exact multiple stops on the total", fakePages{n: 20, total: 20, failAt: -1}, 0, 10, 20, []int{0, 10}, false},
		{"exact multiple with no total stops on the empty page", fakePages{n: 20, total: 1000, failAt: -1}, 0, 10, 20, []int{0, 10, 20}, false},
		{"a total that lies low stops early", fakePages{n: 30, total: 10, failAt: -1}, 0, 10, 10, []int{0}, false},
		{"from an offset", fakePages{n: 25, total: 25, failAt: -1}, 5, 10, 20, []int{5, 15}, false},
		{"error mid-stream is yielded once", fakePages{n: 30, total: 30, failAt: 10}, 0, 10, 10, []int{0, 10}, true},
		{"a page that repeats forever", fakePages{n: 30, total: 1 << 30, ignore: true, failAt: -1}, 0, 10, 10, []int{0, 10}, true},
		{"pages that alternate A, B, A, B", fakePages{n: 30, total: 1 << 30, cycle: 2, failAt: -1}, 0, 10, 20, []int{0, 10, 20}, true},
		{"three pages in a cycle", fakePages{n: 50, total: 1 << 30, cycle: 3, failAt: -1}, 0, 10, 30, []int{0, 10, 20, 30}, true},
		{"a negative total", fakePages{n: 30, total: -5, failAt: -1}, 0, 10, 10, []int{0}, false},
		{"limit 0 means pages of 100", fakePages{n: 150, total: 150, failAt: -1}, 0, 0, 150, []int{0, 100}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.f
			items, errs := collect(walk(context.Background(), tt.offset, tt.lim, id, f.fetch))
			assert.Len(t, items, tt.wantItems)
			assert.Equal(t, tt.wantOffsets, f.offsets)
			if tt.wantErr {
				require.Len(t, errs, 1)
			} else {
				assert.Empty(t, errs)
			}
		})
	}
}

func TestWalkIsLazyStopsOnBreakAndRestarts(t *testing.T) {
	t.Parallel()
	f := &fakePages{n: 50, total: 50, failAt: -1}
	seq := walk(context.Background(), 0, 10, func(s string) string { return s }, f.fetch)
	assert.Empty(t, f.offsets, "nothing fetched before the loop")
	n := 0
	for range seq {
		n++
		if n == 12 {
			break
		}
	}
	assert.Equal(t, []int{0, 10}, f.offsets, "no page fetched past the break")
	items, _ := collect(seq)
	assert.Len(t, items, 50, "a new range starts over")
	assert.Equal(t, 0, f.offsets[2])
}

func TestWaitErrorText(t *testing.T) {
	t.Parallel()
	e := &WaitError{Action: "DescribeInstances", Want: "status running", Err: context.DeadlineExceeded,
		Last: map[string]string{"ins-b": "stopping", "ins-a": "creating"}}
	assert.Equal(t, "cvm: DescribeInstances: waiting for status running: context deadline exceeded; last seen: ins-a creating; ins-b stopping", e.Error())
	assert.ErrorIs(t, e, context.DeadlineExceeded)
}
