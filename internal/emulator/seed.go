package emulator

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"

	"github.com/qcloud-legacy/cvm"
)

// RegionSeed is what to add to one region: counts of instances and EIPs,
// or lists of them with their attributes; images; security groups, by name
// or with their rules; key pairs, by name or bound to instances; and
// projects (which are account-wide). In JSON, "instances" and "eips" take a
// count or a list, "securityGroups" and "keyPairs" names or objects:
//
//	{"instances":[{"name":"web-1","status":"stopped","zoneId":100003,"cpu":2,"memoryGB":4}],
//	 "eips":[{"name":"pub-1","instance":"web-1"}],
//	 "securityGroups":[{"name":"web","rules":{"ingress":[{"ipProtocol":"tcp","cidrIp":"0.0.0.0/0","portRange":"80","action":"ACCEPT"}]}}],
//	 "keyPairs":[{"name":"deploy","instances":["web-1"]}],
//	 "vpcs":[{"name":"main","cidr":"10.0.0.0/16","subnets":[{"name":"web","cidr":"10.0.1.0/24","zoneId":100003}]}],
//	 "disks":[{"name":"logs","type":"CLOUD_SSD","size":100,"instance":"web-1","tags":{"team":"web"}}]}
//
// VPCs are made first, so that an instance may name its subnet (by name or
// id): it is then placed there and takes one of its addresses.
type RegionSeed struct {
	Instances      int            `json:"-"` // a count of plain running instances
	InstanceList   []InstanceSeed `json:"-"`
	EIPs           int            `json:"-"` // a count of unbound EIPs
	EIPList        []EIPSeed      `json:"-"`
	Images         []string       `json:"images"`
	SecurityGroups []string       `json:"-"` // names, without rules
	GroupList      []GroupSeed    `json:"-"`
	KeyPairs       []string       `json:"-"` // names, bound to nothing
	KeyPairList    []KeyPairSeed  `json:"-"`
	Projects       []string       `json:"projects"`
	VPCs           []VPCSeed      `json:"vpcs"`
	Disks          []DiskSeed     `json:"disks"`
}

// DiskSeed is one portable cloud disk to seed: its zone (the attached
// instance's, else the region's first), type (CLOUD_PREMIUM), size (50
// GiB), and the instance it is attached to, by name or id.
type DiskSeed struct {
	Name     string            `json:"name"`
	ZoneID   int               `json:"zoneId"`
	Type     string            `json:"type"`
	Size     int               `json:"size"`
	Instance string            `json:"instance"`
	Tags     map[string]string `json:"tags"`
}

// VPCSeed is one VPC to seed, with its subnets.
type VPCSeed struct {
	Name    string            `json:"name"`
	CIDR    string            `json:"cidr"`
	Subnets []SubnetSeed      `json:"subnets"`
	Tags    map[string]string `json:"tags"`
}

// SubnetSeed is one subnet of a seeded VPC, in a zone (the region's first
// when 0).
type SubnetSeed struct {
	Name   string `json:"name"`
	CIDR   string `json:"cidr"`
	ZoneID int    `json:"zoneId"`
}

// InstanceSeed is one instance to seed. Zero fields take the defaults of a
// seeded instance: the region's first zone, 1 core, 1 GB, the first public
// image, the default project, running.
type InstanceSeed struct {
	Name      string `json:"name"`
	Status    string `json:"status"` // "running" (the default) or "stopped"
	ZoneID    int    `json:"zoneId"`
	CPU       int    `json:"cpu"`
	MemoryGB  int    `json:"memoryGB"`
	ImageID   string `json:"imageId"`
	ProjectID int    `json:"projectId"`
	// Subnet places it in a seeded subnet (by name) or any subnet (by id).
	Subnet string `json:"subnet"`
	// Tags are its tags.
	Tags map[string]string `json:"tags"`
}

// EIPSeed is one EIP to seed: named, and bound to a seeded (or existing)
// instance, by name or id, when Instance is set.
type EIPSeed struct {
	Name     string `json:"name"`
	Instance string `json:"instance"`
}

// GroupSeed is one security group to seed with its rules, each with the
// documented rule fields (ipProtocol, cidrIp, sgId, portRange, action,
// desc, ...).
type GroupSeed struct {
	Name   string `json:"name"`
	Remark string `json:"remark"`
	Rules  struct {
		Ingress []map[string]string `json:"ingress"`
		Egress  []map[string]string `json:"egress"`
	} `json:"rules"`
}

// KeyPairSeed is one key pair to seed, bound to instances by name or id.
type KeyPairSeed struct {
	Name      string   `json:"name"`
	Instances []string `json:"instances"`
}

// UnmarshalJSON reads a region's seed, refusing unknown fields: counts or
// lists of instances and EIPs, names or objects for groups and key pairs.
func (sp *RegionSeed) UnmarshalJSON(b []byte) error {
	var aux struct {
		Instances      json.RawMessage `json:"instances"`
		EIPs           json.RawMessage `json:"eips"`
		Images         []string        `json:"images"`
		SecurityGroups json.RawMessage `json:"securityGroups"`
		KeyPairs       json.RawMessage `json:"keyPairs"`
		Projects       []string        `json:"projects"`
		VPCs           []VPCSeed       `json:"vpcs"`
		Disks          []DiskSeed      `json:"disks"`
	}
	if err := strictJSON(b, &aux); err != nil {
		return err
	}
	out := RegionSeed{Images: aux.Images, Projects: aux.Projects, VPCs: aux.VPCs, Disks: aux.Disks}
	if err := countOrList(aux.Instances, &out.Instances, &out.InstanceList); err != nil {
		return fmt.Errorf("instances: %w", err)
	}
	if err := countOrList(aux.EIPs, &out.EIPs, &out.EIPList); err != nil {
		return fmt.Errorf("eips: %w", err)
	}
	// Names and objects keep their order: a name is an object with a name
	// alone.
	if err := namesOrList(aux.SecurityGroups, &out.GroupList, func(n string) GroupSeed { return GroupSeed{Name: n} }); err != nil {
		return fmt.Errorf("securityGroups: %w", err)
	}
	if err := namesOrList(aux.KeyPairs, &out.KeyPairList, func(n string) KeyPairSeed { return KeyPairSeed{Name: n} }); err != nil {
		return fmt.Errorf("keyPairs: %w", err)
	}
	*sp = out
	return nil
}

// strictJSON decodes b into v, refusing unknown fields and trailing data.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

// countOrList reads a JSON number into n, or an array of objects into list.
func countOrList[T any](raw json.RawMessage, n *int, list *[]T) error {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return nil
	case raw[0] == '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return err
		}
		for _, it := range items {
			var v T
			if err := strictJSON(it, &v); err != nil {
				return err
			}
			*list = append(*list, v)
		}
		return nil
	}
	return json.Unmarshal(raw, n)
}

// namesOrList reads an array whose elements are names (strings, made into
// T by named) or objects, in order.
func namesOrList[T any](raw json.RawMessage, list *[]T, named func(string) T) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return err
	}
	for _, it := range items {
		if it = bytes.TrimSpace(it); len(it) > 0 && it[0] == '"' {
			var n string
			if err := json.Unmarshal(it, &n); err != nil {
				return err
			}
			*list = append(*list, named(n))
			continue
		}
		var v T
		if err := strictJSON(it, &v); err != nil {
			return err
		}
		*list = append(*list, v)
	}
	return nil
}

// Seed is resources to add, by region code: the JSON of cvm-emulator's
// -seed-file and of POST /_emulator/seed,
//
//	{"regions":{"gz":{"instances":3,"eips":1,"images":["web"],
//	 "securityGroups":["web"],"keyPairs":["deploy"],"projects":["backend"]}}}
//
// or, resource by resource, as [RegionSeed] shows.
type Seed struct {
	Regions map[string]RegionSeed `json:"regions"`
}

// SeedResult is what a seed made: the ids of its resources, by region, in
// the order the seed gave them.
type SeedResult struct {
	Regions map[string]*RegionIDs `json:"regions"`
}

// RegionIDs are the ids seeded in one region.
type RegionIDs struct {
	Instances      []string `json:"instances,omitempty"`
	EIPs           []string `json:"eips,omitempty"`
	Images         []string `json:"images,omitempty"`
	SecurityGroups []string `json:"securityGroups,omitempty"`
	KeyPairs       []string `json:"keyPairs,omitempty"`
	Projects       []int    `json:"projects,omitempty"`
	VPCs           []string `json:"vpcs,omitempty"`
	Subnets        []string `json:"subnets,omitempty"`
	Disks          []string `json:"disks,omitempty"`
}

// ParseSeed reads a Seed, refusing unknown fields and trailing data.
func ParseSeed(b []byte) (Seed, error) {
	var sd Seed
	if err := strictJSON(b, &sd); err != nil {
		return Seed{}, fmt.Errorf("seed: %w", err)
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
	for _, c := range []int{sp.Instances, len(sp.InstanceList), sp.EIPs, len(sp.EIPList), len(sp.Images),
		len(sp.SecurityGroups), len(sp.GroupList), len(sp.KeyPairs), len(sp.KeyPairList), len(sp.Projects), len(sp.VPCs), len(sp.Disks)} {
		n = min(n+min(c, MaxRegionResources+1), MaxRegionResources+1)
	}
	for _, v := range sp.VPCs {
		n = min(n+min(len(v.Subnets), MaxRegionResources+1), MaxRegionResources+1)
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

// ApplySeed adds the resources of sd, region by region in order of code,
// and returns their ids. It stops at the first resource refused (an
// unknown region, a name taken or invalid, a quota, a binding to an
// instance that does not exist), with what came before it added: check a
// seed on a fresh emulator, or restore a Snapshot, to have all or nothing.
// A seed that would take a region past MaxRegionResources is refused whole,
// before anything is added. Resources given with their attributes are made
// through the API's own handlers, so they obey the API's rules, and their
// transitions are over at once.
func (s *Server) ApplySeed(sd Seed) (SeedResult, error) {
	res := SeedResult{Regions: map[string]*RegionIDs{}}
	if err := s.checkRegions(sd); err != nil {
		return res, err
	}
	for _, region := range slices.Sorted(maps.Keys(sd.Regions)) {
		ids := &RegionIDs{}
		res.Regions[region] = ids
		if err := s.seedRegion(region, sd.Regions[region], ids); err != nil {
			return res, fmt.Errorf("region %s: %w", region, err)
		}
	}
	return res, nil
}

func (s *Server) seedRegion(region string, sp RegionSeed, ids *RegionIDs) error {
	if sp.Instances < 0 || sp.EIPs < 0 {
		return fmt.Errorf("emulator: counts must not be negative")
	}
	subnets, err := s.seedVPCs(region, sp, ids)
	if err != nil {
		return err
	}
	if sp.Instances > 0 {
		made, err := s.SeedInstances(region, sp.Instances)
		ids.Instances = append(ids.Instances, made...)
		if err != nil {
			return err
		}
	}
	named := map[string]string{} // seeded instance names to ids
	for i, in := range sp.InstanceList {
		if sn, ok := subnets[in.Subnet]; ok {
			in.Subnet = sn
		}
		id, err := s.seedInstance(region, in)
		if err == nil {
			err = s.seedTags(region, "cvm", "instance", id, in.Tags)
		}
		if err != nil {
			return fmt.Errorf("instance %d (%q): %w", i, in.Name, err)
		}
		ids.Instances = append(ids.Instances, id)
		if in.Name != "" {
			named[in.Name] = id
		}
	}
	instanceRef := func(ref string) string {
		if id, ok := named[ref]; ok {
			return id
		}
		return ref
	}
	if err := s.seedAddresses(region, sp, ids, instanceRef); err != nil {
		return err
	}
	if err := s.seedGroups(region, sp, ids); err != nil {
		return err
	}
	if err := s.seedKeyPairs(region, sp, ids, instanceRef); err != nil {
		return err
	}
	for i, d := range sp.Disks {
		id, err := s.seedDisk(region, d, instanceRef(d.Instance))
		if err != nil {
			return fmt.Errorf("disk %d (%q): %w", i, d.Name, err)
		}
		ids.Disks = append(ids.Disks, id)
	}
	for _, n := range sp.Projects {
		ids.Projects = append(ids.Projects, s.SeedProject(n))
	}
	return nil
}

// seedVPCs makes the seed's VPCs and subnets, and returns the subnets'
// ids by name.
func (s *Server) seedVPCs(region string, sp RegionSeed, ids *RegionIDs) (map[string]string, error) {
	byName := map[string]string{}
	for i, v := range sp.VPCs {
		id, err := s.SeedVPC(region, v.Name, v.CIDR)
		if err != nil {
			return nil, fmt.Errorf("vpc %d (%q): %w", i, v.Name, err)
		}
		ids.VPCs = append(ids.VPCs, id)
		if err := s.seedTags(region, "vpc", "vpc", id, v.Tags); err != nil {
			return nil, fmt.Errorf("vpc %d (%q): %w", i, v.Name, err)
		}
		for j, sn := range v.Subnets {
			zone := sn.ZoneID
			if zone == 0 {
				s.mu.Lock()
				if rg, err := s.region(region); err == nil && len(rg.zones) > 0 {
					zone = rg.zones[0].id
				}
				s.mu.Unlock()
			}
			sid, err := s.SeedSubnet(region, id, sn.Name, sn.CIDR, zone)
			if err != nil {
				return nil, fmt.Errorf("vpc %q subnet %d (%q): %w", v.Name, j, sn.Name, err)
			}
			ids.Subnets = append(ids.Subnets, sid)
			if sn.Name != "" {
				byName[sn.Name] = sid
			}
		}
	}
	return byName, nil
}

// seedTags tags a seeded resource, the tags checked as TagResources
// checks them.
func (s *Server) seedTags(region, service, prefix, id string, tags map[string]string) error {
	kvs, err := seedTagList(tags)
	if err != nil || len(kvs) == 0 {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(region)
	if err != nil {
		return err
	}
	rg.tagNew(service, prefix, id, kvs)
	return nil
}

// seedTagList is a seed's tags, by key, checked by checkTags.
func seedTagList(tags map[string]string) ([]tagKV, error) {
	kvs := make([]tagKV, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		kvs = append(kvs, tagKV{k, tags[k]})
	}
	if len(kvs) > maxTagsPerResource {
		return nil, fmt.Errorf("emulator: %d tags, more than %d", len(kvs), maxTagsPerResource)
	}
	if err := checkTags(kvs); err != nil {
		return nil, err
	}
	return kvs, nil
}

// seedDisk makes one portable disk, attached to the instance instanceID
// when it is set.
func (s *Server) seedDisk(region string, d DiskSeed, instanceID string) (string, error) {
	kvs, err := seedTagList(d.Tags)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(region)
	if err != nil {
		return "", err
	}
	typ, size := cmp.Or(d.Type, "CLOUD_PREMIUM"), cmp.Or(d.Size, 50)
	if _, ok := minDiskSize[typ]; !ok {
		return "", fmt.Errorf("emulator: disk type %q: want CLOUD_PREMIUM, CLOUD_SSD, CLOUD_BSSD or CLOUD_HSSD", typ)
	}
	if err := checkDiskSize(typ, size); err != nil {
		return "", err
	}
	var z zone
	var in *instance
	switch {
	case instanceID != "":
		if in = rg.instances[instanceID]; in == nil {
			return "", fmt.Errorf("emulator: no instance %q to attach the disk to", instanceID)
		}
		z = in.zone
		if d.ZoneID != 0 && d.ZoneID != z.id {
			return "", fmt.Errorf("emulator: the disk's zone %d is not its instance's, %d", d.ZoneID, z.id)
		}
	case d.ZoneID != 0:
		var ok bool
		if z, ok = rg.zone(d.ZoneID); !ok {
			return "", fmt.Errorf("emulator: zone %d is not in region %s", d.ZoneID, region)
		}
	case len(rg.zones) > 0:
		z = rg.zones[0]
	}
	dk := &disk{name: cmp.Or(d.Name, "未命名"), zone: z, typ: typ, size: size, charge: "POSTPAID_BY_HOUR", state: diskUnattached,
		created: s.clock.Now()}
	if in != nil {
		dk.state, dk.instanceID = diskAttached, in.id
	}
	s.addDisk(rg, dk, kvs)
	return dk.id, nil
}

func (s *Server) seedAddresses(region string, sp RegionSeed, ids *RegionIDs, instanceRef func(string) string) error {
	if sp.EIPs > 0 {
		made, err := s.SeedEIPs(region, sp.EIPs)
		ids.EIPs = append(ids.EIPs, made...)
		if err != nil {
			return err
		}
	}
	for i, e := range sp.EIPList {
		id, err := s.seedEIP(region, e, instanceRef(e.Instance))
		if err != nil {
			return fmt.Errorf("eip %d (%q): %w", i, e.Name, err)
		}
		ids.EIPs = append(ids.EIPs, id)
	}
	return nil
}

// seedGroups seeds images and security groups: what instances may later
// be made of or joined to.
func (s *Server) seedGroups(region string, sp RegionSeed, ids *RegionIDs) error {
	for _, n := range sp.Images {
		id, err := s.SeedImage(region, n, "")
		if err != nil {
			return err
		}
		ids.Images = append(ids.Images, id)
	}
	for _, n := range sp.SecurityGroups {
		id, err := s.SeedSecurityGroup(region, n)
		if err != nil {
			return err
		}
		ids.SecurityGroups = append(ids.SecurityGroups, id)
	}
	for i, g := range sp.GroupList {
		id, err := s.seedGroup(region, g)
		if err != nil {
			return fmt.Errorf("security group %d (%q): %w", i, g.Name, err)
		}
		ids.SecurityGroups = append(ids.SecurityGroups, id)
	}
	return nil
}

func (s *Server) seedKeyPairs(region string, sp RegionSeed, ids *RegionIDs, instanceRef func(string) string) error {
	for _, n := range sp.KeyPairs {
		id, err := s.SeedKeyPair(region, n)
		if err != nil {
			return err
		}
		ids.KeyPairs = append(ids.KeyPairs, id)
	}
	for i, k := range sp.KeyPairList {
		id, err := s.SeedKeyPair(region, k.Name)
		if err != nil {
			return fmt.Errorf("key pair %d (%q): %w", i, k.Name, err)
		}
		ids.KeyPairs = append(ids.KeyPairs, id)
		for _, ref := range k.Instances {
			p := url.Values{"keyId": {id}, "instanceIds.0": {instanceRef(ref)}}
			if _, err := s.act(region, "BindInstanceKey", p); err != nil {
				return fmt.Errorf("key pair %d (%q): %w", i, k.Name, err)
			}
		}
	}
	return nil
}

// act runs one action of the API's own handlers for a seed, with
// transitions over at once.
func (s *Server) act(region, action string, p url.Values) (map[string]any, error) {
	h, ok := handlers[action]
	if !ok {
		return nil, fmt.Errorf("emulator: no handler for %s", action)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil, fmt.Errorf("emulator: stopped")
	}
	rg, err := s.region(region)
	if err != nil {
		return nil, err
	}
	p.Set("Region", rg.code)
	saved := s.opts.Transition
	s.opts.Transition = -1 // every move lands at once
	defer func() { s.opts.Transition = saved }()
	out, aerr := h.fn(s, &request{action: action, region: rg, params: p, now: s.clock.Now()})
	for _, r := range s.regions {
		r.gen++
	}
	if aerr != nil {
		return nil, fmt.Errorf("emulator: %s: code %d: %s", action, aerr.code, aerr.message)
	}
	return out, nil
}

// seedInstance makes one instance through RunInstancesHour, and stops it
// when the seed says so.
func (s *Server) seedInstance(region string, in InstanceSeed) (string, error) {
	p := url.Values{"goodsNum": {"1"}, "storageSize": {"0"}, "bandwidth": {"1"}, "rootSize": {"20"}}
	set := func(k, v string, ok bool) {
		if ok {
			p.Set(k, v)
		}
	}
	s.mu.Lock()
	rg, err := s.region(region)
	var zone int
	if err == nil && len(rg.zones) > 0 {
		zone = rg.zones[0].id
	}
	s.mu.Unlock()
	if err != nil {
		return "", err
	}
	p.Set("zoneId", strconv.Itoa(zone))
	set("zoneId", strconv.Itoa(in.ZoneID), in.ZoneID != 0)
	p.Set("cpu", strconv.Itoa(max(in.CPU, 1)))
	p.Set("mem", strconv.Itoa(max(in.MemoryGB, 1)))
	p.Set("imageId", publicImages[0].id)
	set("imageId", in.ImageID, in.ImageID != "")
	set("instanceName", in.Name, in.Name != "")
	set("projectId", strconv.Itoa(in.ProjectID), in.ProjectID != 0)
	if in.Subnet != "" {
		s.mu.Lock()
		sn, ok := rg.subnets[in.Subnet]
		s.mu.Unlock()
		if !ok {
			return "", fmt.Errorf("emulator: no subnet %q", in.Subnet)
		}
		p.Set("vpcId", sn.vpcID)
		p.Set("subnetId", sn.id)
		p.Set("zoneId", strconv.Itoa(sn.zone.id))
	}
	out, err := s.act(region, "RunInstancesHour", p)
	if err != nil {
		return "", err
	}
	made, _ := out["unInstanceIds"].([]string)
	if len(made) != 1 {
		return "", fmt.Errorf("emulator: RunInstancesHour made %d instances", len(made))
	}
	switch in.Status {
	case "", "running":
	case "stopped":
		if _, err := s.act(region, "StopInstances", url.Values{"instanceIds.0": {made[0]}}); err != nil {
			return made[0], err
		}
	default:
		return made[0], fmt.Errorf("emulator: status %q: a seed makes running or stopped instances", in.Status)
	}
	return made[0], nil
}

// seedEIP makes one EIP through CreateEip, names it, and binds it.
func (s *Server) seedEIP(region string, e EIPSeed, instance string) (string, error) {
	s.mu.Lock()
	rg, err := s.region(region)
	if err == nil && len(rg.eips) >= eipNumQuota {
		err = fmt.Errorf("emulator: at most %d EIPs per region", eipNumQuota)
	}
	var id string
	if err == nil {
		// Not through CreateEip: a seed is not held to the daily quota.
		ep := s.newEIP(rg, s.clock.Now())
		ep.status = eipUnbound
		id = ep.id
	}
	s.mu.Unlock()
	if err != nil {
		return "", err
	}
	if e.Name != "" {
		if _, err := s.act(region, "ModifyEipAttributes", url.Values{"eipId": {id}, "eipName": {e.Name}}); err != nil {
			return id, err
		}
	}
	if instance != "" {
		if _, err := s.act(region, "EipBindInstance", url.Values{"eipId": {id}, "unInstanceId": {instance}}); err != nil {
			return id, err
		}
	}
	return id, nil
}

// seedGroup makes one security group through CreateSecurityGroup, and sets
// its rules through ModifySecurityGroupPolicys.
func (s *Server) seedGroup(region string, g GroupSeed) (string, error) {
	out, err := s.act(region, "CreateSecurityGroup", url.Values{"sgName": {g.Name}, "sgRemark": {g.Remark}})
	if err != nil {
		return "", err
	}
	data, _ := out["data"].(map[string]any)
	id, _ := data["sgId"].(string)
	if len(g.Rules.Ingress)+len(g.Rules.Egress) == 0 {
		return id, nil
	}
	p := url.Values{"sgId": {id}}
	for dir, rules := range map[string][]map[string]string{"ingress": g.Rules.Ingress, "egress": g.Rules.Egress} {
		for i, r := range rules {
			for k, v := range r {
				p.Set(dir+"."+strconv.Itoa(i)+"."+k, v)
			}
		}
	}
	if _, err := s.act(region, "ModifySecurityGroupPolicys", p); err != nil {
		return id, err
	}
	return id, nil
}
