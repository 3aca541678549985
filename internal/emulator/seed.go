package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// ApplySeed adds the resources of sd, region by region in order of code.
// It stops at the first resource refused (an unknown region, a name taken
// or invalid, a quota), with what came before it added: check a seed on a
// fresh emulator, or restore a Snapshot, to have all or nothing.
func (s *Server) ApplySeed(sd Seed) error {
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
