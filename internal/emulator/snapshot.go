package emulator

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"time"

	json2 "github.com/go-json-experiment/json"
)

// Snapshot is the whole state of an emulator, as JSON: every region's
// resources and the account's orders, projects, idempotency tokens and
// temporary keys. Quota windows, replay memory and injected faults are not
// part of it. Its shape is versioned by SnapshotVersion.
type Snapshot struct {
	Version  int                    `json:"version"`
	Seq      int64                  `json:"seq"`
	AppID    int64                  `json:"appId"`
	Regions  map[string]*regionSnap `json:"regions"`
	Tokens   map[string]tokenSnap   `json:"tokens,omitempty"`
	Deals    []dealSnap             `json:"deals,omitempty"`
	Projects []projectSnap          `json:"projects,omitempty"`
	VPCTasks map[string]time.Time   `json:"vpcTasks,omitempty"`
	TempKeys map[string]tempKeySnap `json:"tempKeys,omitempty"`
	Roles    map[string]roleSnap    `json:"roles,omitempty"`
	Tags     []tagSnap              `json:"tags,omitempty"`
}

// SnapshotVersion is the version of the Snapshot shape this emulator
// writes and reads.
const SnapshotVersion = 1

type regionSnap struct {
	Images    []imageSnap    `json:"images"`
	Instances []instanceSnap `json:"instances"`
	Groups    []groupSnap    `json:"securityGroups"`
	EIPs      []eipSnap      `json:"eips"`
	KeyPairs  []keySnap      `json:"keyPairs"`
	ENIs      []eniSnap      `json:"networkInterfaces"`
	EIPDay    eipDaySnap     `json:"eipDay"`
	// VPCs and Subnets are absent from a snapshot made before they were
	// kept: the region is then given its default VPC.
	VPCs    []vpcSnap    `json:"vpcs"`
	Subnets []subnetSnap `json:"subnets"`
	Disks   []diskSnap   `json:"disks,omitempty"`
}

type diskSnap struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	ZoneID     int       `json:"zoneId"`
	Type       string    `json:"type"`
	Size       int       `json:"size"`
	Charge     string    `json:"chargeType"`
	Deadline   time.Time `json:"deadline,omitzero"`
	ProjectID  int       `json:"projectId"`
	State      string    `json:"state"`
	InstanceID string    `json:"instanceId,omitempty"`
	DeleteWith bool      `json:"deleteWithInstance"`
	Created    time.Time `json:"created"`
	Next       string    `json:"next,omitempty"`
	NextAt     time.Time `json:"nextAt,omitzero"`
	NextSize   int       `json:"nextSize,omitempty"`
}

type vpcSnap struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CIDR      string    `json:"cidr"`
	IsDefault bool      `json:"isDefault"`
	Multicast bool      `json:"multicast"`
	DNS       []string  `json:"dns,omitempty"`
	Domain    string    `json:"domain,omitempty"`
	Created   time.Time `json:"created"`
	RouteID   string    `json:"routeTableId"`
}

type subnetSnap struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	VPCID     string            `json:"vpcId"`
	CIDR      string            `json:"cidr"`
	ZoneID    int               `json:"zoneId"`
	IsDefault bool              `json:"isDefault"`
	Broadcast bool              `json:"broadcast"`
	Created   time.Time         `json:"created"`
	Used      map[string]string `json:"used,omitempty"` // address → what holds it
}

// tagSnap is one resource's tags.
type tagSnap struct {
	Service string            `json:"service"`
	Region  string            `json:"region"`
	Prefix  string            `json:"prefix"`
	ID      string            `json:"id"`
	Tags    map[string]string `json:"tags"`
}

type imageSnap struct {
	Seq      int64                `json:"seq"`
	ID       string               `json:"id"`
	LegacyID int                  `json:"legacyId"`
	Name     string               `json:"name"`
	Desc     string               `json:"description"`
	OSName   string               `json:"osName"`
	Type     int                  `json:"type"`
	Status   int                  `json:"status"`
	Next     int                  `json:"next,omitempty"`
	NextAt   time.Time            `json:"nextAt,omitzero"`
	Created  time.Time            `json:"created"`
	Creator  string               `json:"creator"`
	Windows  bool                 `json:"windows"`
	Shares   map[string]time.Time `json:"shares,omitempty"`
}

type instanceSnap struct {
	Seq           int64     `json:"seq"`
	ID            string    `json:"id"`
	LegacyID      string    `json:"legacyId"`
	UUID          string    `json:"uuid"`
	Name          string    `json:"name"`
	ZoneID        int       `json:"zoneId"`
	CPU           int       `json:"cpu"`
	Mem           int       `json:"mem"`
	Bandwidth     int       `json:"bandwidth"`
	BandwidthType string    `json:"bandwidthType"`
	ImageID       string    `json:"imageId"`
	Status        int       `json:"status"`
	Next          int       `json:"next,omitempty"`
	NextAt        time.Time `json:"nextAt,omitzero"`
	StatusTime    time.Time `json:"statusTime,omitzero"`
	Created       time.Time `json:"created"`
	Deadline      time.Time `json:"deadline,omitzero"`
	AutoRenew     int       `json:"autoRenew"`
	ProjectID     int       `json:"projectId"`
	PayMode       int       `json:"payMode"`
	NetPayMode    int       `json:"netPayMode"`
	LanIP         string    `json:"lanIp"`
	WanIPs        []string  `json:"wanIps,omitempty"`
	RootSize      int       `json:"rootSize"`
	StorageSize   int       `json:"storageSize"`
	StorageType   int       `json:"storageType"`
	InstanceType  string    `json:"instanceType"`
	KeyID         string    `json:"keyId,omitempty"`
	SGIDs         []string  `json:"securityGroupIds,omitempty"`
	VPCID         string    `json:"vpcId,omitempty"`
	SubnetID      string    `json:"subnetId,omitempty"`
	DiskRoot      string    `json:"diskRoot"`
	DiskData      string    `json:"diskData,omitempty"`
	// What only API 3.0 reads: the latest operation and the request that
	// started it (its state follows from next), and the disk types asked
	// for.
	LastOp        string `json:"lastOp,omitempty"`
	LastOpRequest string `json:"lastOpRequest,omitempty"`
	RootType      string `json:"rootType,omitempty"`
	DataType      string `json:"dataType,omitempty"`
	UserData      string `json:"userData,omitempty"`
}

type groupSnap struct {
	Seq       int64             `json:"seq"`
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Remark    string            `json:"remark"`
	ProjectID int               `json:"projectId"`
	Created   time.Time         `json:"created"`
	Rules     map[string][]rule `json:"rules"`
	Version   int               `json:"version"`
	Default   bool              `json:"default"`
}

type eipSnap struct {
	Seq        int64     `json:"seq"`
	ID         string    `json:"id"`
	ENIID      string    `json:"networkInterfaceId,omitempty"`
	Name       string    `json:"name"`
	IP         string    `json:"ip"`
	ISPID      int       `json:"ispId"`
	Status     int       `json:"status"`
	Next       int       `json:"next,omitempty"`
	NextAt     time.Time `json:"nextAt,omitzero"`
	InstanceID string    `json:"instanceId,omitempty"`
	PrivateIP  string    `json:"privateIp,omitempty"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
	Mode       int       `json:"mode"`
}

type keySnap struct {
	Seq     int64     `json:"seq"`
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Pubkey  string    `json:"publicKey"`
	Created time.Time `json:"created"`
	// Set through API 3.0 only.
	ProjectID   int    `json:"projectId,omitempty"`
	Description string `json:"description,omitempty"`
}

type eniSnap struct {
	ID         string   `json:"id"`
	VPCID      string   `json:"vpcId"`
	ZoneID     int      `json:"zoneId"`
	PrivateIP  string   `json:"privateIp"`
	InstanceID string   `json:"instanceId,omitempty"`
	SGIDs      []string `json:"securityGroupIds,omitempty"`
}

type eipDaySnap struct {
	Day          string `json:"day,omitempty"`
	Applied      int    `json:"applied,omitempty"`
	AllocatedWan int    `json:"allocatedWan,omitempty"`
}

type tokenSnap struct {
	Action string   `json:"action"`
	IDs    []string `json:"ids"`
	Deal   int64    `json:"deal,omitempty"`
}

type dealSnap struct {
	ID           int64          `json:"id"`
	InstanceType int            `json:"instanceType"`
	Category     int            `json:"category"`
	Region       string         `json:"region"`
	Goods        map[string]any `json:"goods"`
	Instances    []string       `json:"instances,omitempty"`
	Price        int64          `json:"price"`
	Status       int            `json:"status"`
	Created      time.Time      `json:"created"`
	ProjectID    int            `json:"projectId"`
}

type projectSnap struct {
	ID      int       `json:"id"`
	Name    string    `json:"name"`
	Info    string    `json:"info"`
	Created time.Time `json:"created"`
}

// tempKeySnap keeps an issued temporary key, secret included: a snapshot
// holds the emulator's own test keys, never a real account's.
type tempKeySnap struct {
	Key     string    `json:"key"`
	Token   string    `json:"token"`
	Expires time.Time `json:"expires"`
}

type roleSnap struct {
	ID      string    `json:"id"`
	Expires time.Time `json:"expires"`
}

// Snapshot returns the emulator's state.
func (s *Server) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	snap := Snapshot{Version: SnapshotVersion, Seq: s.seq, AppID: s.appID, Regions: map[string]*regionSnap{},
		Tokens: map[string]tokenSnap{}, VPCTasks: map[string]time.Time{}}
	for code, rg := range s.regions {
		rg.settle(now)
		r := &regionSnap{EIPDay: eipDaySnap{rg.eipDay.day, rg.eipDay.applied, rg.eipDay.allocatedWan},
			Instances: make([]instanceSnap, 0, len(rg.instances))} // one allocation, however many
		for _, id := range rg.imageSeq {
			img := rg.images[id]
			r.Images = append(r.Images, imageSnap{img.seq, img.id, img.legacyID, img.name, img.desc, img.osName, img.typ,
				img.status, img.next, img.nextAt, img.created, img.creator, img.windows, maps.Clone(img.shares)})
		}
		for _, in := range rg.instSeq {
			r.Instances = append(r.Instances, instanceSnap{in.seq, in.id, in.legacyID, in.uuid, in.name, in.zone.id, in.cpu,
				in.mem, in.bandwidth, in.bandwidthType, in.image.id, in.status, in.next, in.nextAt, in.statusTime, in.created,
				in.deadline, in.autoRenew, in.projectID, in.payMode, in.netPayMode, in.lanIP, slices.Clone(in.wanIPs), in.rootSize,
				in.storageSize, in.storTyp, in.instanceType, in.keyID, slices.Clone(in.sgIDs), in.vpcID, in.subnetID,
				in.diskRoot, in.diskData, in.lastOp, in.lastOpRequest.String(), in.rootType.String(), in.dataType.String(), in.userData})
		}
		for _, id := range rg.sgSeq {
			g := rg.sgs[id]
			rules := map[string][]rule{}
			for k, v := range g.rules {
				rules[k] = slices.Clone(v)
			}
			r.Groups = append(r.Groups, groupSnap{g.seq, g.id, g.name, g.remark, g.projectID, g.created, rules, g.version, g.isDefault})
		}
		for _, id := range rg.eipSeq {
			e := rg.eips[id]
			r.EIPs = append(r.EIPs, eipSnap{e.seq, e.id, e.eniID, e.name, e.ip, e.ispID, e.status, e.next, e.nextAt,
				e.instanceID, e.privateIP, e.created, e.updated, e.mode})
		}
		for _, k := range slices.SortedFunc(maps.Values(rg.keyPairs), func(a, b *keyPair) int { return int(a.seq - b.seq) }) {
			r.KeyPairs = append(r.KeyPairs, keySnap{k.seq, k.id, k.name, k.pubkey, k.created, k.projectID, k.desc})
		}
		for _, id := range slices.Sorted(maps.Keys(rg.enis)) {
			e := rg.enis[id]
			r.ENIs = append(r.ENIs, eniSnap{e.id, e.vpcID, e.zoneID, e.privateIP, e.instanceID, slices.Clone(e.sgIDs)})
		}
		r.VPCs, r.Subnets = rg.networkSnap()
		for _, id := range rg.diskSeq {
			d := rg.disks[id]
			r.Disks = append(r.Disks, diskSnap{d.id, d.name, d.zone.id, d.typ, d.size, d.charge, d.deadline, d.projectID, d.state,
				d.instanceID, d.deleteWith, d.created, d.next, d.nextAt, d.nextSize})
		}
		snap.Regions[code] = r
	}
	snap.Tags = s.tagsSnap()
	for k, t := range s.tokens {
		snap.Tokens[k] = tokenSnap{t.action, slices.Clone(t.ids), t.deal}
	}
	for _, id := range s.dealSeq {
		d := s.deals[id]
		snap.Deals = append(snap.Deals, dealSnap{d.id, d.instanceType, d.category, d.region, maps.Clone(d.goods),
			slices.Clone(d.instances), d.price, d.status, d.created, d.projectID})
	}
	for _, id := range slices.Sorted(maps.Keys(s.projectInfo)) {
		p := s.projectInfo[id]
		snap.Projects = append(snap.Projects, projectSnap{p.id, p.name, p.info, p.created})
	}
	for id, t := range s.vpcTasks {
		snap.VPCTasks[strconv.FormatInt(id, 10)] = t.doneAt
	}
	s.tempMu.Lock()
	defer s.tempMu.Unlock()
	snap.TempKeys = map[string]tempKeySnap{}
	for id, k := range s.temp {
		snap.TempKeys[id] = tempKeySnap{k.key, k.token, k.expires}
	}
	snap.Roles = map[string]roleSnap{}
	for n, r := range s.roles {
		snap.Roles[n] = roleSnap{r.id, r.expires}
	}
	return snap
}

// Restore replaces the emulator's state with a snapshot, after checking it
// whole: a snapshot that does not hold together is refused with an error,
// and the state is left as it was.
func (s *Server) Restore(snap Snapshot) error {
	if snap.Version != SnapshotVersion {
		return fmt.Errorf("emulator: snapshot version %d, want %d", snap.Version, SnapshotVersion)
	}
	projects, projectInfo, err := restoreProjects(snap.Projects)
	if err != nil {
		return err
	}
	tags := tagStore{}
	for _, t := range snap.Tags {
		r := tagRes{tagService(t.Service, t.Prefix), t.Region, t.Prefix, t.ID}
		if r.service == "" || r.prefix == "" || r.id == "" || tags[r] != nil || len(t.Tags) == 0 {
			return fmt.Errorf("emulator: snapshot: bad or repeated tags of %q", t.ID)
		}
		for _, k := range slices.Sorted(maps.Keys(t.Tags)) {
			tags[r] = append(tags[r], tagKV{k, t.Tags[k]})
		}
	}
	regions := map[string]*region{}
	for code, r := range snap.Regions {
		rg, err := restoreRegion(code, r, projects, tags)
		if err != nil {
			return err
		}
		regions[code] = rg
	}
	deals, dealSeq, err := restoreDeals(snap.Deals)
	if err != nil {
		return err
	}
	tasks := map[int64]vpcTask{}
	for id, at := range snap.VPCTasks {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return fmt.Errorf("emulator: snapshot: bad task id %q", id)
		}
		tasks[n] = vpcTask{doneAt: at}
	}
	tokens := map[string]tokenResult{}
	for k, t := range snap.Tokens {
		tokens[k] = tokenResult{action: t.Action, ids: t.IDs, deal: t.Deal}
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return fmt.Errorf("emulator: stopped; the state is final")
	}
	s.regions, s.seq, s.deals, s.dealSeq, s.vpcTasks, s.tokens = regions, snap.Seq, deals, dealSeq, tasks, tokens
	s.projects, s.projectInfo, s.tags = projects, projectInfo, tags
	if snap.AppID != 0 {
		s.appID = snap.AppID
	}
	for _, rg := range s.regions {
		rg.gen++
	}
	s.mu.Unlock()
	s.restoreTemporaryKeys(snap)
	return nil
}

func restoreProjects(ps []projectSnap) (map[int]bool, map[int]*project, error) {
	projects := map[int]bool{0: true}
	info := map[int]*project{}
	for _, p := range ps {
		if p.ID <= 0 || projects[p.ID] {
			return nil, nil, fmt.Errorf("emulator: snapshot: bad or repeated project id %d", p.ID)
		}
		projects[p.ID] = true
		info[p.ID] = &project{id: p.ID, name: p.Name, info: p.Info, created: p.Created}
	}
	return projects, info, nil
}

// restoreRegion makes a region from its snapshot, each kind of resource
// in turn (images before the instances made of them).
func restoreRegion(code string, r *regionSnap, projects map[int]bool, tags tagStore) (*region, error) {
	if r == nil {
		return nil, fmt.Errorf("emulator: snapshot: region %q is empty", code)
	}
	if _, ok := zoneTable[code]; !ok {
		return nil, fmt.Errorf("emulator: snapshot: unknown region %q", code)
	}
	rg := &region{code: code, zones: zoneTable[code], images: map[string]*image{}, instances: map[string]*instance{},
		sgs: map[string]*securityGroup{}, eips: map[string]*eip{}, projects: projects, keyPairs: map[string]*keyPair{},
		enis: map[string]*eni{}, eipDay: eipDay{r.EIPDay.Day, r.EIPDay.Applied, r.EIPDay.AllocatedWan},
		vpcs: map[string]*vpc{}, subnets: map[string]*subnet{}, disks: map[string]*disk{}, tags: tags}
	for _, restore := range []func(*region, *regionSnap) error{
		restoreImages, restoreInstances, restoreGroups, restoreEIPs, restoreKeyPairs, restoreENIs, restoreVPCs, restoreDisks,
	} {
		if err := restore(rg, r); err != nil {
			return nil, fmt.Errorf("emulator: snapshot: region %s: %w", code, err)
		}
	}
	return rg, nil
}

func restoreImages(rg *region, r *regionSnap) error {
	for _, i := range r.Images {
		if i.ID == "" || rg.images[i.ID] != nil {
			return fmt.Errorf("bad or repeated image id %q", i.ID)
		}
		shares := i.Shares
		if shares == nil {
			shares = map[string]time.Time{}
		}
		rg.addImage(&image{seq: i.Seq, id: i.ID, legacyID: i.LegacyID, name: i.Name, desc: i.Desc, osName: i.OSName,
			typ: i.Type, status: i.Status, next: i.Next, nextAt: i.NextAt, created: i.Created, creator: i.Creator,
			windows: i.Windows, shares: shares})
	}
	return nil
}

func restoreInstances(rg *region, r *regionSnap) error {
	for _, in := range r.Instances {
		img := rg.images[in.ImageID]
		z, zok := rg.zone(in.ZoneID)
		switch {
		case in.ID == "" || rg.instances[in.ID] != nil:
			return fmt.Errorf("bad or repeated instance id %q", in.ID)
		case img == nil:
			return fmt.Errorf("instance %s: no image %q", in.ID, in.ImageID)
		case !zok:
			return fmt.Errorf("instance %s: zone %d is not in the region", in.ID, in.ZoneID)
		}
		rg.instances[in.ID] = &instance{seq: in.Seq, id: in.ID, legacyID: in.LegacyID, uuid: in.UUID, name: in.Name, zone: z,
			cpu: in.CPU, mem: in.Mem, bandwidth: in.Bandwidth, bandwidthType: in.BandwidthType, image: img, status: in.Status,
			next: in.Next, nextAt: in.NextAt, statusTime: in.StatusTime, created: in.Created, deadline: in.Deadline,
			autoRenew: in.AutoRenew, projectID: in.ProjectID, payMode: in.PayMode, netPayMode: in.NetPayMode, lanIP: in.LanIP,
			wanIPs: in.WanIPs, rootSize: in.RootSize, storageSize: in.StorageSize, storTyp: in.StorageType,
			instanceType: in.InstanceType, keyID: in.KeyID, sgIDs: in.SGIDs, vpcID: in.VPCID, subnetID: in.SubnetID,
			diskRoot: in.DiskRoot, diskData: in.DiskData, lastOp: in.LastOp, lastOpRequest: parseReqID(in.LastOpRequest),
			userData: in.UserData}
		r, rok := diskTypeOf(in.RootType)
		d, dok := diskTypeOf(in.DataType)
		if !rok && in.RootType != "" || !dok && in.DataType != "" {
			return fmt.Errorf("instance %s: unknown disk type %q or %q", in.ID, in.RootType, in.DataType)
		}
		rg.instances[in.ID].rootType, rg.instances[in.ID].dataType = r, d
		rg.track(rg.instances[in.ID])
		rg.instSeq = append(rg.instSeq, rg.instances[in.ID])
	}
	return nil
}

func restoreGroups(rg *region, r *regionSnap) error {
	for _, g := range r.Groups {
		if g.ID == "" || rg.sgs[g.ID] != nil {
			return fmt.Errorf("bad or repeated security group id %q", g.ID)
		}
		rules := g.Rules
		if rules == nil {
			rules = map[string][]rule{}
		}
		rg.sgs[g.ID] = &securityGroup{seq: g.Seq, id: g.ID, name: g.Name, remark: g.Remark, projectID: g.ProjectID,
			created: g.Created, rules: rules, version: g.Version, isDefault: g.Default}
		rg.sgSeq = append(rg.sgSeq, g.ID)
	}
	return nil
}

func restoreEIPs(rg *region, r *regionSnap) error {
	for _, e := range r.EIPs {
		if e.ID == "" || rg.eips[e.ID] != nil {
			return fmt.Errorf("bad or repeated EIP id %q", e.ID)
		}
		rg.eips[e.ID] = &eip{seq: e.Seq, id: e.ID, eniID: e.ENIID, name: e.Name, ip: e.IP, ispID: e.ISPID, status: e.Status,
			next: e.Next, nextAt: e.NextAt, instanceID: e.InstanceID, privateIP: e.PrivateIP, created: e.Created,
			updated: e.Updated, mode: e.Mode}
		rg.eipSeq = append(rg.eipSeq, e.ID)
	}
	return nil
}

func restoreKeyPairs(rg *region, r *regionSnap) error {
	for _, k := range r.KeyPairs {
		if k.ID == "" || rg.keyPairs[k.ID] != nil {
			return fmt.Errorf("bad or repeated key id %q", k.ID)
		}
		rg.keyPairs[k.ID] = &keyPair{seq: k.Seq, id: k.ID, name: k.Name, pubkey: k.Pubkey, created: k.Created, projectID: k.ProjectID, desc: k.Description}
	}
	return nil
}

func restoreENIs(rg *region, r *regionSnap) error {
	for _, e := range r.ENIs {
		if e.ID == "" || rg.enis[e.ID] != nil {
			return fmt.Errorf("bad or repeated network interface id %q", e.ID)
		}
		rg.enis[e.ID] = &eni{id: e.ID, vpcID: e.VPCID, zoneID: e.ZoneID, privateIP: e.PrivateIP, instanceID: e.InstanceID, sgIDs: e.SGIDs}
	}
	return nil
}

// networkSnap is the region's VPCs and subnets, as a snapshot keeps them.
func (rg *region) networkSnap() ([]vpcSnap, []subnetSnap) {
	vpcs, subnets := []vpcSnap{}, []subnetSnap{}
	for _, id := range rg.vpcSeq {
		v := rg.vpcs[id]
		vpcs = append(vpcs, vpcSnap{v.id, v.name, v.cidr.String(), v.isDefault, v.multicast, slices.Clone(v.dns), v.domain, v.created, v.routeID})
	}
	for _, id := range rg.subnetSeq {
		sn := rg.subnets[id]
		used := map[string]string{}
		for a, o := range sn.used {
			used[a.String()] = o
		}
		subnets = append(subnets, subnetSnap{sn.id, sn.name, sn.vpcID, sn.cidr.String(), sn.zone.id, sn.isDefault, sn.broadcast, sn.created, used})
	}
	return vpcs, subnets
}

// tagsSnap is every resource's tags, as a snapshot keeps them.
func (s *Server) tagsSnap() []tagSnap {
	var out []tagSnap
	for _, res := range s.tagged(func(tagRes, []tagKV) bool { return true }) {
		t := tagSnap{res.service, res.region, res.prefix, res.id, map[string]string{}}
		for _, kv := range s.tags[res] {
			t.Tags[kv.key] = kv.value
		}
		out = append(out, t)
	}
	return out
}

func restoreVPCs(rg *region, r *regionSnap) error {
	if r.VPCs == nil {
		rg.addDefaultNetwork(time.Date(2016, 1, 1, 0, 0, 0, 0, beijing))
		return nil
	}
	for _, v := range r.VPCs {
		cidr, err := netip.ParsePrefix(v.CIDR)
		if err != nil || v.ID == "" || rg.vpcs[v.ID] != nil || !vpcBlockOK(cidr) {
			return fmt.Errorf("bad or repeated VPC %q", v.ID)
		}
		rg.vpcs[v.ID] = &vpc{id: v.ID, name: v.Name, cidr: cidr, isDefault: v.IsDefault, multicast: v.Multicast, dns: v.DNS,
			domain: v.Domain, created: v.Created, routeID: v.RouteID}
		rg.vpcSeq = append(rg.vpcSeq, v.ID)
	}
	for _, sn := range r.Subnets {
		cidr, err := netip.ParsePrefix(sn.CIDR)
		z, zok := rg.zone(sn.ZoneID)
		v := rg.vpcs[sn.VPCID]
		if err != nil || sn.ID == "" || rg.subnets[sn.ID] != nil || !zok || v == nil || !v.cidr.Contains(cidr.Addr()) {
			return fmt.Errorf("bad or repeated subnet %q", sn.ID)
		}
		used := map[netip.Addr]string{}
		for a, o := range sn.Used {
			ip, err := netip.ParseAddr(a)
			if err != nil || !cidr.Contains(ip) {
				return fmt.Errorf("subnet %s: bad address %q", sn.ID, a)
			}
			used[ip] = o
		}
		rg.subnets[sn.ID] = &subnet{id: sn.ID, name: sn.Name, vpcID: sn.VPCID, cidr: cidr, zone: z, isDefault: sn.IsDefault,
			broadcast: sn.Broadcast, created: sn.Created, used: used}
		rg.subnetSeq = append(rg.subnetSeq, sn.ID)
	}
	return nil
}

func restoreDisks(rg *region, r *regionSnap) error {
	for _, d := range r.Disks {
		z, ok := rg.zone(d.ZoneID)
		if d.ID == "" || rg.disks[d.ID] != nil || !ok || minDiskSize[d.Type] == 0 {
			return fmt.Errorf("bad or repeated disk %q", d.ID)
		}
		rg.disks[d.ID] = &disk{id: d.ID, name: d.Name, zone: z, typ: d.Type, size: d.Size, charge: d.Charge, deadline: d.Deadline,
			projectID: d.ProjectID, state: d.State, instanceID: d.InstanceID, deleteWith: d.DeleteWith, created: d.Created,
			next: d.Next, nextAt: d.NextAt, nextSize: d.NextSize}
		rg.diskSeq = append(rg.diskSeq, d.ID)
	}
	return nil
}

func restoreDeals(ds []dealSnap) (map[int64]*deal, []int64, error) {
	deals := map[int64]*deal{}
	var seq []int64
	for _, d := range ds {
		if deals[d.ID] != nil {
			return nil, nil, fmt.Errorf("emulator: snapshot: repeated deal %d", d.ID)
		}
		deals[d.ID] = &deal{id: d.ID, instanceType: d.InstanceType, category: d.Category, region: d.Region, goods: d.Goods,
			instances: d.Instances, price: d.Price, status: d.Status, created: d.Created, projectID: d.ProjectID}
		seq = append(seq, d.ID)
	}
	return deals, seq, nil
}

// restoreTemporaryKeys replaces the temporary keys and the metadata
// service's role keys with the snapshot's.
func (s *Server) restoreTemporaryKeys(snap Snapshot) {
	s.tempMu.Lock()
	defer s.tempMu.Unlock()
	s.temp, s.roles = map[string]tempKey{}, map[string]roleCreds{}
	for id, k := range snap.TempKeys {
		s.temp[id] = tempKey{key: k.Key, token: k.Token, expires: k.Expires}
	}
	for n, r := range snap.Roles {
		s.roles[n] = roleCreds{id: r.ID, expires: r.Expires}
	}
}

// MarshalSnapshot and UnmarshalSnapshot read and write the JSON form, with
// the v2 JSON engine (github.com/go-json-experiment/json): at a million
// instances it writes and reads in a fraction of encoding/json's time and
// memory (BENCHMARKS.md). Map members are sorted, so a snapshot of the
// same state is the same bytes.
func MarshalSnapshot(snap Snapshot) ([]byte, error) {
	return json2.Marshal(snap, snapshotOut)
}

// The options of every snapshot written and read: map members sorted, and
// no member the snapshot does not know.
var (
	snapshotOut = json2.Deterministic(true)
	snapshotIn  = json2.RejectUnknownMembers(true)
)

// UnmarshalSnapshot parses a snapshot, refusing unknown fields.
func UnmarshalSnapshot(b []byte) (Snapshot, error) {
	var snap Snapshot
	if err := json2.Unmarshal(b, &snap, snapshotIn); err != nil {
		return Snapshot{}, fmt.Errorf("emulator: snapshot: %w", err)
	}
	return snap, nil
}

// WriteSnapshot writes the JSON form of snap to w as it goes, never
// holding the whole of it in memory: what -state and GET /_emulator/state
// use, so that saving costs time and memory linear in the state.
func WriteSnapshot(w io.Writer, snap Snapshot) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := json2.MarshalWrite(bw, snap, snapshotOut); err != nil {
		return err
	}
	return bw.Flush()
}

// ReadSnapshot reads the JSON form of a snapshot from r, refusing unknown
// fields.
func ReadSnapshot(r io.Reader) (Snapshot, error) {
	var snap Snapshot
	if err := json2.UnmarshalRead(bufio.NewReaderSize(r, 1<<16), &snap, snapshotIn); err != nil {
		return Snapshot{}, fmt.Errorf("emulator: snapshot: %w", err)
	}
	return snap, nil
}
