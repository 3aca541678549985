package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/qcloud-legacy/cvm"
	"maps"
	"slices"
)

// RegionSeed is what to add to one region: counts of instances and EIPs,
// names of images, security groups and key pairs, and projects (which are
// account-wide).
type RegionSeed struct {
	Instances      int      `json:"instances"`
	EIPs           int      `json:"eips"`
	Images         []string `json:"images"`
	SecurityGroups []string `json:"securityGroups"`
	KeyPairs       []string `json:"keyPairs"`
	Projects       []string `json:"projects"`
}

// Seed is resources to add, by region code: the JSON of cvm-emulator's
// -seed-file and of POST /_emulator/seed,
//
//	{"regions":{"gz":{"instances":3,"eips":1,"images":["web"],
//	 "securityGroups":["web"],"keyPairs":["deploy"],"projects":["backend"]}}}
type Seed struct {
	Regions map[string]RegionSeed `json:"regions"`
}

// ParseSeed reads a Seed, refusing unknown fields and trailing data.
func ParseSeed(b []byte) (Seed, error) {
	var sd Seed
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sd); err != nil {
		return Seed{}, fmt.Errorf("seed: %w", err)
	}
	if dec.More() {
		return Seed{}, fmt.Errorf("seed: data after the JSON object")
	}
	return sd, nil
}

// Seeding is bounded, so that a small request cannot make the emulator
// allocate without end (or hold its lock for minutes): a seed is refused,
// with nothing added and nothing allocated, when it asks for more than
// MaxSeedRequest resources through the admin API, or when it would take a
// region past MaxRegionResources resources of all kinds. Counting is by
// resource: each instance, EIP, image, security group, key pair and
// project is one.
const (
	MaxSeedRequest     = 100_000
	MaxRegionResources = 1_000_000
)

// Size is how many resources sd adds in all. It refuses negative counts,
// and stops counting past MaxRegionResources (so that no sum overflows).
func (sd Seed) Size() (int, error) {
	total := 0
	for _, code := range slices.Sorted(maps.Keys(sd.Regions)) {
		n, err := sd.Regions[code].size()
		if err != nil {
			return 0, fmt.Errorf("region %s: %w", code, err)
		}
		total = min(total+n, MaxRegionResources+1)
	}
	return total, nil
}

func (sp RegionSeed) size() (int, error) {
	if sp.Instances < 0 || sp.EIPs < 0 {
		return 0, fmt.Errorf("emulator: counts must not be negative")
	}
	n := 0
	for _, c := range []int{sp.Instances, sp.EIPs, len(sp.Images), len(sp.SecurityGroups), len(sp.KeyPairs), len(sp.Projects)} {
		n = min(n+min(c, MaxRegionResources+1), MaxRegionResources+1)
	}
	return n, nil
}

// regionSize is how many resources a region holds now.
func (s *Server) regionSize(code string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, ok := s.regions[code]
	if !ok {
		return 0
	}
	return len(rg.instances) + len(rg.eips) + len(rg.images) + len(rg.sgs) + len(rg.keyPairs) + len(rg.projects)
}

// checkRegions refuses sd when it would take a region past
// MaxRegionResources.
func (s *Server) checkRegions(sd Seed) error {
	for _, code := range slices.Sorted(maps.Keys(sd.Regions)) {
		n, err := sd.Regions[code].size()
		if err != nil {
			return fmt.Errorf("region %s: %w", code, err)
		}
		short := code
		if r, ok := cvm.LookupRegion(code); ok {
			short = r.Short
		}
		if have := s.regionSize(short); have+n > MaxRegionResources {
			return fmt.Errorf("region %s: %d resources asked for, on top of %d, pass the cap of %d a region", code, n, have, MaxRegionResources)
		}
	}
	return nil
}

// ApplySeed adds the resources of sd, region by region in order of code.
// It stops at the first resource refused (an unknown region, a name taken
// or invalid, a quota), with what came before it added: check a seed on a
// fresh emulator, or restore a Snapshot, to have all or nothing. A seed
// that would take a region past MaxRegionResources is refused whole, before
// anything is added.
func (s *Server) ApplySeed(sd Seed) error {
	if err := s.checkRegions(sd); err != nil {
		return err
	}
	for _, region := range slices.Sorted(maps.Keys(sd.Regions)) {
		if err := s.seedRegion(region, sd.Regions[region]); err != nil {
			return fmt.Errorf("region %s: %w", region, err)
		}
	}
	return nil
}

func (s *Server) seedRegion(region string, sp RegionSeed) error {
	if sp.Instances < 0 || sp.EIPs < 0 {
		return fmt.Errorf("emulator: counts must not be negative")
	}
	if sp.Instances > 0 {
		if _, err := s.SeedInstances(region, sp.Instances); err != nil {
			return err
		}
	}
	if sp.EIPs > 0 {
		if _, err := s.SeedEIPs(region, sp.EIPs); err != nil {
			return err
		}
	}
	for _, n := range sp.Images {
		if _, err := s.SeedImage(region, n, ""); err != nil {
			return err
		}
	}
	for _, n := range sp.SecurityGroups {
		if _, err := s.SeedSecurityGroup(region, n); err != nil {
			return err
		}
	}
	for _, n := range sp.KeyPairs {
		if _, err := s.SeedKeyPair(region, n); err != nil {
			return err
		}
	}
	for _, n := range sp.Projects {
		s.SeedProject(n)
	}
	return nil
}
