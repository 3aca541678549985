package emulator

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSnapshotRoundTrip: after a thousand random calls over every action,
// the state survives Snapshot, JSON and Restore into a new server exactly,
// and both servers then answer alike.
func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	fake := newHarness(t, nil).fake
	s := New(Options{Keys: map[string]string{tid: tkey}, Clock: fake, Seed: 5, QuotasOff: true, Transition: 3 * time.Second})
	_, err := s.SeedInstances("gz", 6)
	require.NoError(t, err)
	_, err = s.SeedEIPs("gz", 3)
	require.NoError(t, err)
	s.SeedProject("seeded")
	f := &fuzzCaller{t: t, s: s, rng: rand.New(rand.NewPCG(9, 9))}
	known := actionParams(t)
	actions := Actions()
	for range 1000 {
		a := actions[f.rng.IntN(len(actions))]
		f.send(f.params(a, "gz", known[a]))
		if f.rng.IntN(5) == 0 {
			fake.Advance(time.Second)
		}
	}
	b, err := MarshalSnapshot(s.Snapshot())
	require.NoError(t, err)
	snap, err := UnmarshalSnapshot(b)
	require.NoError(t, err)
	s2 := New(Options{Keys: map[string]string{tid: tkey}, Clock: fake, Seed: 5, QuotasOff: true, Transition: 3 * time.Second})
	require.NoError(t, s2.Restore(snap))
	if d1, d2 := digest(s), digest(s2); d1 != d2 {
		t.Errorf("the state differs:\n%s", firstDiff(d1, d2))
	}
	b2, err := MarshalSnapshot(s2.Snapshot())
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))

	g := &fuzzCaller{t: t, s: s2, rng: rand.New(rand.NewPCG(1, 1)), nonce: f.nonce}
	for _, a := range []string{"DescribeInstances", "DescribeEip", "DescribeKeyPairs", "DescribeDeals", "DescribeProject"} {
		f.nonce++
		g.nonce++
		x, y := f.send(map[string][]string{"Action": {a}, "Region": {"gz"}}), g.send(map[string][]string{"Action": {a}, "Region": {"gz"}})
		assert.Equal(t, x, y, a)
	}
}

// TestSnapshotRefusesCorruptState: a snapshot that does not hold together
// is refused whole, and the state stays as it was.
func TestSnapshotRefusesCorruptState(t *testing.T) {
	t.Parallel()
	s := New(Options{Keys: map[string]string{tid: tkey}, Seed: 5})
	ids, err := s.SeedInstances("gz", 2)
	require.NoError(t, err)
	before := digest(s)
	good := s.Snapshot()
	for name, corrupt := range map[string]func(*Snapshot){
		"version":          func(sn *Snapshot) { sn.Version = 99 },
		"unknown image":    func(sn *Snapshot) { sn.Regions["gz"].Instances[0].ImageID = "img-nothere" },
		"unknown zone":     func(sn *Snapshot) { sn.Regions["gz"].Instances[1].ZoneID = 1 },
		"repeated id":      func(sn *Snapshot) { sn.Regions["gz"].Instances[1].ID = ids[0] },
		"unknown region":   func(sn *Snapshot) { sn.Regions["mars"] = &regionSnap{} },
		"repeated project": func(sn *Snapshot) { sn.Projects = append(sn.Projects, projectSnap{ID: 5}, projectSnap{ID: 5}) },
	} {
		b, err := MarshalSnapshot(good)
		require.NoError(t, err)
		sn, err := UnmarshalSnapshot(b)
		require.NoError(t, err)
		corrupt(&sn)
		assert.Error(t, s.Restore(sn), name)
		assert.Equal(t, before, digest(s), "%s: nothing half-loaded", name)
	}
	_, err = UnmarshalSnapshot([]byte(`{"version":1,"regions":{},"surprise":1}`))
	assert.Error(t, err, "unknown fields")
	_, err = UnmarshalSnapshot([]byte(`{"version":1,"regi`))
	assert.Error(t, err, "truncated")
}
