package emulator

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"time"

	"github.com/qcloud-legacy/cvm"
)

// InstanceInfo is a snapshot of an instance, for tests.
type InstanceInfo struct {
	ID, LegacyID, Name, ImageID, Zone, LanIP string
	ZoneID, CPU, Mem, Bandwidth, Status      int
	ProjectID                                int
	Prepaid                                  bool
	WanIPs, SecurityGroupIDs                 []string
	Created                                  time.Time
}

// ImageInfo is a snapshot of an image, for tests.
type ImageInfo struct {
	ID, Name, Description string
	Type, Status          int
	SharedWith            []string
}

func (s *Server) region(code string) (*region, error) {
	r, ok := cvm.LookupRegion(code)
	if !ok {
		return nil, fmt.Errorf("emulator: unknown region %q", code)
	}
	rg := s.regionLocked(r.Short)
	rg.settle(s.clock.Now())
	// The inspection and seeding methods come through here; any of them
	// may change what answers show, so cached encodings are dropped.
	rg.gen++
	return rg, nil
}

// Instances returns the instances of a region in creation order.
func (s *Server) Instances(regionCode string) ([]InstanceInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(regionCode)
	if err != nil {
		return nil, err
	}
	out := make([]InstanceInfo, 0, len(rg.instSeq))
	for _, in := range rg.instSeq {
		out = append(out, InstanceInfo{
			ID: in.id, LegacyID: in.legacyID, Name: in.name, ImageID: in.image.id, Zone: in.zone.name,
			LanIP: in.lanIP, ZoneID: in.zone.id, CPU: in.cpu, Mem: in.mem, Bandwidth: in.bandwidth,
			Status: in.status, ProjectID: in.projectID, Prepaid: in.payMode == payPrepaid,
			WanIPs: slices.Clone(in.wanIPs), SecurityGroupIDs: slices.Clone(in.sgIDs), Created: in.created,
		})
	}
	return out, nil
}

// Images returns the images of a region of one type (0 for all).
func (s *Server) Images(regionCode string, typ int) ([]ImageInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(regionCode)
	if err != nil {
		return nil, err
	}
	var out []ImageInfo
	for _, id := range rg.imageSeq {
		img := rg.images[id]
		if typ != 0 && img.typ != typ {
			continue
		}
		out = append(out, ImageInfo{ID: img.id, Name: img.name, Description: img.desc, Type: img.typ,
			Status: img.status, SharedWith: slices.Sorted(maps.Keys(img.shares))})
	}
	return out, nil
}

// SeedInstances creates n running postpaid instances in a region, as
// RunInstancesHour would with the first zone and the first public image,
// and returns their ids.
func (s *Server) SeedInstances(regionCode string, n int) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(regionCode)
	if err != nil {
		return nil, err
	}
	if len(rg.zones) == 0 {
		return nil, fmt.Errorf("emulator: region %s has no zones", regionCode)
	}
	now := s.clock.Now()
	spec := createSpec{
		zone: rg.zones[0], cpu: 1, mem: 1, image: rg.images[publicImages[0].id], rootSize: 20,
		bandwidth: 1, bandwidthType: "PayByHour", wanIP: true, instanceType: "CVM.S1", name: "seed", goodsNum: 1,
	}
	ids := make([]string, 0, n)
	for i := range n {
		spec.name = fmt.Sprintf("seed-%d", i+1)
		created := s.create(rg, now, spec, payHourly, time.Time{})
		for _, id := range created {
			in := rg.instances[id]
			in.status, in.next = stRunning, 0
		}
		ids = append(ids, created...)
	}
	return ids, nil
}

// SeedImage adds a custom image, ready for use, and returns its id.
func (s *Server) SeedImage(regionCode, name, description string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(regionCode)
	if err != nil {
		return "", err
	}
	if !imageNameRE.MatchString(name) {
		return "", fmt.Errorf("emulator: image name %q: want 1 to 16 letters, digits or '-'", name)
	}
	img := &image{
		seq: s.nextSeq(), id: s.newID("img-", func(id string) bool { return rg.images[id] != nil }),
		legacyID: 100000 + int(s.seq), name: name, desc: description, osName: publicImages[0].os,
		typ: imagePrivate, status: imageNormal, created: s.clock.Now(), creator: fmt.Sprint(s.appID),
		shares: map[string]time.Time{},
	}
	rg.addImage(img)
	return img.id, nil
}

// SecurityGroupInfo is a snapshot of a security group, for tests.
type SecurityGroupInfo struct {
	ID, Name, Remark string
	ProjectID        int
	Default          bool
	Version          int
	Ingress, Egress  int // rule counts
	InstanceIDs      []string
}

// EIPInfo is a snapshot of an EIP, for tests.
type EIPInfo struct {
	ID, Name, IP, InstanceID string
	Status                   int
}

// SecurityGroups returns the security groups of a region in creation order.
func (s *Server) SecurityGroups(regionCode string) ([]SecurityGroupInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(regionCode)
	if err != nil {
		return nil, err
	}
	var out []SecurityGroupInfo
	for _, id := range rg.sgSeq {
		g := rg.sgs[id]
		info := SecurityGroupInfo{ID: g.id, Name: g.name, Remark: g.remark, ProjectID: g.projectID,
			Default: g.isDefault, Version: g.version, Ingress: len(g.rules["ingress"]), Egress: len(g.rules["egress"])}
		for _, in := range rg.instancesOf(g) {
			info.InstanceIDs = append(info.InstanceIDs, in.id)
		}
		out = append(out, info)
	}
	return out, nil
}

// EIPs returns the EIPs of a region in creation order.
func (s *Server) EIPs(regionCode string) ([]EIPInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(regionCode)
	if err != nil {
		return nil, err
	}
	var out []EIPInfo
	for _, id := range rg.eipSeq {
		e := rg.eips[id]
		out = append(out, EIPInfo{ID: e.id, Name: e.name, IP: e.ip, InstanceID: e.instanceID, Status: e.status})
	}
	return out, nil
}

// SeedSecurityGroup adds a security group to the default project, with no
// rules, and returns its id.
func (s *Server) SeedSecurityGroup(regionCode, name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(regionCode)
	if err != nil {
		return "", err
	}
	if e := checkSGName(name); e != nil {
		return "", fmt.Errorf("emulator: %s", e.message)
	}
	if rg.nameTaken(name, 0, nil) {
		return "", fmt.Errorf("emulator: security group %q exists", name)
	}
	return s.newGroup(rg, s.clock.Now(), name, "", 0).id, nil
}

// SeedKeyPair adds an RSA key pair, as CreateKeyPair would, and returns its
// id. The private key is discarded: a seeded pair is for listing, binding
// and deleting, not for logging in.
func (s *Server) SeedKeyPair(regionCode, name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(regionCode)
	if err != nil {
		return "", err
	}
	if e := rg.checkKeyName(name, nil); e != nil {
		return "", fmt.Errorf("emulator: %s", e.message)
	}
	k, _, err := s.generateKeyPair(rg, s.clock.Now(), name)
	if err != nil {
		return "", fmt.Errorf("emulator: cannot generate a key: %w", err)
	}
	return k.id, nil
}

// SeedEIPs adds n unbound EIPs and returns their ids.
func (s *Server) SeedEIPs(regionCode string, n int) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(regionCode)
	if err != nil {
		return nil, err
	}
	if len(rg.eips)+n > eipNumQuota {
		return nil, fmt.Errorf("emulator: at most %d EIPs per region", eipNumQuota)
	}
	ids := make([]string, 0, n)
	for range n {
		e := s.newEIP(rg, s.clock.Now())
		e.status = eipUnbound
		ids = append(ids, e.id)
	}
	return ids, nil
}

// SeedNetworkInterface adds a secondary network interface in a VPC and
// zone, attached to nothing, and returns its id.
func (s *Server) SeedNetworkInterface(regionCode, vpcID string, zoneID int) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(regionCode)
	if err != nil {
		return "", err
	}
	if _, ok := rg.zone(zoneID); !ok {
		return "", fmt.Errorf("emulator: zone %d is not in region %s", zoneID, regionCode)
	}
	id := s.newID("eni-", func(id string) bool { return rg.enis[id] != nil })
	rg.enis[id] = &eni{id: id, vpcID: vpcID, zoneID: zoneID,
		privateIP: fmt.Sprintf("172.16.%d.%d", s.rng.IntN(256), 2+s.rng.IntN(250))}
	return id, nil
}

// SeedVPC adds a VPC of the block cidr (a /16 to /28 of a private range)
// to a region, as CreateVpc would, and returns its id.
func (s *Server) SeedVPC(regionCode, name, cidr string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(regionCode)
	if err != nil {
		return "", err
	}
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !vpcBlockOK(p) {
		return "", fmt.Errorf("emulator: %q is not a /16 to /28 block of a private range", cidr)
	}
	v := &vpc{name: name, cidr: p, created: s.clock.Now()}
	s.addVPC(rg, v)
	return v.id, nil
}

// SeedSubnet adds a subnet of a VPC, in a zone, as CreateSubnet would, and
// returns its id.
func (s *Server) SeedSubnet(regionCode, vpcID, name, cidr string, zoneID int) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rg, err := s.region(regionCode)
	if err != nil {
		return "", err
	}
	v, ok := rg.vpcs[vpcID]
	if !ok {
		return "", fmt.Errorf("emulator: no VPC %s in region %s", vpcID, regionCode)
	}
	z, ok := rg.zone(zoneID)
	if !ok {
		return "", fmt.Errorf("emulator: zone %d is not in region %s", zoneID, regionCode)
	}
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return "", fmt.Errorf("emulator: %q is not a block", cidr)
	}
	if code, why := rg.subnetBlock(v, p); code != "" {
		return "", fmt.Errorf("emulator: %s", why)
	}
	sn := &subnet{name: name, vpcID: v.id, cidr: p, zone: z, created: s.clock.Now()}
	s.addSubnet(rg, sn)
	return sn.id, nil
}

// SeedProject adds a project, as AddProject would, and returns its id.
func (s *Server) SeedProject(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addProjectLocked(name, "", s.clock.Now())
}
