package redisquota

import (
	"testing"
	"time"
)

// TestLentCallsAreBounded: during an outage, the calls waiting to be
// written into Redis are only those a window still holds.
func TestLentCallsAreBounded(t *testing.T) {
	now := time.Unix(1700000000, 0)
	span := time.Minute
	var lent []lentCall
	for i := range 10 {
		lent = append(dropExpired(lent, now.Add(time.Duration(i)*30*time.Second), span),
			lentCall{action: "A", at: now.Add(time.Duration(i) * 30 * time.Second)})
	}
	if len(lent) != 2 {
		t.Fatalf("%d calls kept after 4.5 minutes of one call every 30 s in a window of a minute, want 2", len(lent))
	}
	if got := dropExpired(lent, now.Add(time.Hour), span); len(got) != 0 {
		t.Fatalf("%d calls kept an hour later", len(got))
	}
}
