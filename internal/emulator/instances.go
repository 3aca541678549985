package emulator

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Documented instance status codes.
const (
	stFault       = 1
	stRunning     = 2
	stCreating    = 3
	stStopped     = 4
	stReturned    = 5
	stReturning   = 6
	stRestarting  = 7
	stStarting    = 8
	stStopping    = 9
	stResettingPw = 10
	stBandwidth   = 13
	stReinstall   = 14
	stUpgrading   = 19
	stGone        = -99 // not an API status: removed when reached
)

var statusNames = map[int]string{
	stFault: "fault", stRunning: "running", stCreating: "creating", stStopped: "stopped",
	stReturned: "returned", stReturning: "returning", stRestarting: "restarting",
	stStarting: "starting", stStopping: "stopping", stResettingPw: "resetting password",
	stBandwidth: "setting bandwidth", stReinstall: "reinstalling", stUpgrading: "upgrading",
}

// Pay modes (cvmPayMode).
const (
	payPrepaid = 1
	payHourly  = 2
)

type instance struct {
	seq                  int64
	id, legacyID, uuid   string
	name                 string
	zone                 zone
	cpu, mem             int
	bandwidth            int
	bandwidthType        string
	image                *image
	status               int
	next                 int
	nextAt               time.Time
	statusTime           time.Time
	created, deadline    time.Time
	autoRenew            int
	projectID            int
	payMode, netPayMode  int
	lanIP                string
	wanIPs               []string
	rootSize             int
	storageSize, storTyp int
	instanceType         string
	keyID                string
	sgIDs                []string
	vpcID, subnetID      string
	diskRoot, diskData   string
	encoded              []byte // JSON as DescribeInstances shows it
	encodedGen           uint64 // region gen it was encoded at
	seenMoving           bool   // a describe showed it moving (AutoAdvance)
	lastOp               string // the newer contract's LatestOperation
	lastOpRequest        reqID  // the request that started it
	userData             string // base64, as API 3.0 gave it
	// rootType and dataType are the disk types RunInstances of API 3.0
	// asked for; 0 shows the type of the legacy storage type (storTyp), or
	// CLOUD_BASIC for the system disk.
	rootType, dataType diskType
}

// diskType is a disk type as API 3.0 names it, by its place in diskTypeNames:
// one byte an instance rather than a string.
type diskType uint8

// diskTypeNames are the disk types of TC-Go cvm models.go DataDisk.DiskType.
var diskTypeNames = []string{"", "LOCAL_BASIC", "LOCAL_SSD", "CLOUD_BASIC", "CLOUD_SSD", "CLOUD_PREMIUM", "CLOUD_BSSD",
	"CLOUD_HSSD", "CLOUD_TSSD"}

// diskTypeOf is the diskType of a name; false for none of them.
func diskTypeOf(name string) (diskType, bool) {
	i := slices.Index(diskTypeNames, name)
	return diskType(max(i, 0)), i > 0
}

func (t diskType) String() string { return diskTypeNames[t] }

// systemDiskType3 is the system disk's type as API 3.0 names it.
func (in *instance) systemDiskType3() string {
	if in.rootType != 0 {
		return in.rootType.String()
	}
	return "CLOUD_BASIC" // the legacy contract's system disks are cloud disks (diskInfo rootType 2)
}

// dataDiskType3 is the data disk's type as API 3.0 names it.
func (in *instance) dataDiskType3() string {
	if in.dataType != 0 {
		return in.dataType.String()
	}
	return diskTypes3[in.storTyp]
}

// settle moves every instance whose transition is due to its next status,
// and removes the ones that are gone. s.mu must be held.
func (rg *region) settle(now time.Time) {
	// Only the instances in transition are visited, so a call costs what
	// is moving, not the whole region: paging 100,000 instances stays
	// linear. One whose transition was called off elsewhere (next set to
	// 0) is dropped from the set here.
	removed := false
	for in := range rg.moving {
		if in.next != 0 && !now.Before(in.nextAt) {
			in.status, in.statusTime, in.next = in.next, in.nextAt, 0
			rg.gen++
		}
		if in.next == 0 {
			delete(rg.moving, in)
		}
		if id := in.id; in.status == stGone && rg.instances[id] == in {
			delete(rg.instances, id)
			rg.dropTags("cvm", "instance", id)
			if sn := rg.subnets[in.subnetID]; sn != nil {
				sn.releaseAddr(in.lanIP, id)
			}
			rg.instanceGone(id)
			removed = true
			// A returned instance lets go of its EIP.
			for _, e := range rg.eips {
				if e.instanceID == id {
					e.instanceID, e.privateIP, e.status, e.next = "", "", eipUnbound, 0
				}
			}
		}
	}
	if removed {
		rg.instSeq = slices.DeleteFunc(rg.instSeq, func(in *instance) bool { return rg.instances[in.id] != in })
		rg.members++
	}
	for _, img := range rg.images {
		if img.next != 0 && !now.Before(img.nextAt) {
			img.status, img.next = img.next, 0
		}
	}
	for _, e := range rg.eips {
		if e.next != 0 && !now.Before(e.nextAt) {
			e.status, e.next = e.next, 0
		}
	}
}

// move starts a transition: the status is via until the transition time has
// passed, then final. With no transition time, it is final at once.
func (s *Server) move(rg *region, in *instance, now time.Time, via, final int) {
	in.statusTime, in.seenMoving = now, false
	if op, ok := operations3[via]; ok {
		in.lastOp, in.lastOpRequest = op, parseReqID(s.requestID)
	}
	if s.opts.Transition <= 0 {
		in.status, in.next = final, 0
	} else {
		in.status, in.next, in.nextAt = via, final, now.Add(s.opts.Transition)
	}
	rg.track(in)
}

// track notes an instance settle must look at: one in transition, or gone.
func (rg *region) track(in *instance) {
	if in.next == 0 && in.status != stGone {
		return
	}
	if rg.moving == nil {
		rg.moving = make(map[*instance]struct{})
	}
	rg.moving[in] = struct{}{}
}

func (rg *region) instance(id string) *instance {
	if in, ok := rg.instances[id]; ok {
		return in
	}
	if strings.HasPrefix(id, "qcvm") {
		for _, in := range rg.instances {
			if in.legacyID == id {
				return in
			}
		}
	}
	return nil
}

// eniID is the id of the instance's primary network interface, derived
// from its own id (ins-xxxxxxxx has eni-xxxxxxxx).
func (in *instance) eniID() string { return "eni-" + strings.TrimPrefix(in.id, "ins-") }

// instanceByENI returns the instance whose primary network interface is id.
func (rg *region) instanceByENI(id string) *instance {
	if !strings.HasPrefix(id, "eni-") {
		return nil
	}
	return rg.instances["ins-"+strings.TrimPrefix(id, "eni-")]
}

func notFound(kind, id string) *apiError {
	e := errf(5000, "%s %s does not exist", kind, id)
	e.codeDesc = "InvalidParameter.ResourceNotFound"
	return e
}

func statusErr(in *instance, want ...int) *apiError {
	names := make([]string, len(want))
	for i, w := range want {
		names[i] = fmt.Sprintf("%d (%s)", w, statusNames[w])
	}
	e := errf(5100, "(EC_CVM_STATUS_ERROR)实例状态不正确: instance %s is %d (%s); the action needs status %s",
		in.id, in.status, statusNames[in.status], strings.Join(names, " or "))
	e.codeDesc = "OperationConstraints.InvaildInstanceStatus"
	return e
}

// instanceJSON is an instance as DescribeInstances shows it.
type instanceJSON struct {
	InstanceName   string   `json:"instanceName"`
	InstanceID     string   `json:"instanceId"`
	UnInstanceID   string   `json:"unInstanceId"`
	UUID           string   `json:"uuid"`
	LanIP          string   `json:"lanIp"`
	WanIPSet       []string `json:"wanIpSet"`
	CPU            int      `json:"cpu"`
	Mem            int      `json:"mem"`
	Bandwidth      int      `json:"bandwidth"`
	DeviceClass    string   `json:"deviceClass"`
	ImageID        int      `json:"imageId"`
	UnImgID        string   `json:"unImgId"`
	ImageType      string   `json:"imageType"`
	Status         int      `json:"status"`
	StatusTime     string   `json:"statusTime"`
	Region         string   `json:"Region"`
	CreateTime     string   `json:"createTime"`
	DeadlineTime   string   `json:"deadlineTime"`
	AutoRenew      int      `json:"autoRenew"`
	ProjectID      int      `json:"projectId"`
	OS             string   `json:"os"`
	CVMPayMode     int      `json:"cvmPayMode"`
	NetworkPayMode int      `json:"networkPayMode"`
	ZoneID         int      `json:"zoneId"`
	ZoneName       string   `json:"zoneName"`
	VpcID          any      `json:"vpcId"`
	SubnetID       any      `json:"subnetId"`
	IsVpcGateway   int      `json:"isVpcGateway"`
	DiskInfo       diskJSON `json:"diskInfo"`
}

type diskJSON struct {
	RootID      string `json:"rootId"`
	RootSize    int    `json:"rootSize"`
	RootType    int    `json:"rootType"`
	StorageID   string `json:"storageId,omitempty"`
	StorageSize int    `json:"storageSize,omitempty"`
	StorageType int    `json:"storageType,omitempty"`
}

func (in *instance) json(region string) instanceJSON {
	j := instanceJSON{
		InstanceName: in.name, InstanceID: in.legacyID, UnInstanceID: in.id, UUID: in.uuid,
		LanIP: in.lanIP, WanIPSet: in.wanIPs, CPU: in.cpu, Mem: in.mem, Bandwidth: in.bandwidth,
		DeviceClass: "VSELF_2", ImageID: in.image.legacyID, UnImgID: in.image.id,
		ImageType: imageTypeNames[in.image.typ], Status: in.status, StatusTime: apiTime(in.statusTime),
		Region: region, CreateTime: apiTime(in.created), DeadlineTime: apiTime(in.deadline),
		AutoRenew: in.autoRenew, ProjectID: in.projectID, OS: in.image.osName,
		CVMPayMode: in.payMode, NetworkPayMode: in.netPayMode, ZoneID: in.zone.id, ZoneName: in.zone.name,
		VpcID: 0, SubnetID: 0,
		DiskInfo: diskJSON{RootID: in.diskRoot, RootSize: in.rootSize, RootType: 2},
	}
	if j.WanIPSet == nil {
		j.WanIPSet = []string{}
	}
	if in.vpcID != "" {
		j.VpcID, j.SubnetID = in.vpcID, in.subnetID
	}
	if in.storageSize > 0 {
		j.DiskInfo.StorageID, j.DiskInfo.StorageSize, j.DiskInfo.StorageType = in.diskData, in.storageSize, in.storTyp
	}
	return j
}

func init() {
	register(onCVM, map[string]func(*Server, *request) (map[string]any, *apiError){
		"DescribeInstances":           (*Server).describeInstances,
		"RunInstancesHour":            (*Server).runInstancesHour,
		"RunInstances":                (*Server).runInstances,
		"StartInstances":              (*Server).startInstances,
		"StopInstances":               (*Server).stopInstances,
		"RestartInstances":            (*Server).restartInstances,
		"ReturnInstance":              (*Server).returnInstance,
		"ResetInstances":              (*Server).resetInstances,
		"ResetInstancePassword":       (*Server).resetInstancePassword,
		"ModifyInstanceAttributes":    (*Server).modifyInstanceAttributes,
		"ModifyInstanceProject":       (*Server).modifyInstanceProject,
		"ResizeInstance":              (*Server).resizeInstance,
		"ResizeInstanceHour":          (*Server).resizeInstanceHour,
		"UpdateInstanceBandwidth":     (*Server).updateInstanceBandwidth,
		"UpdateInstanceBandwidthHour": (*Server).updateInstanceBandwidthHour,
		"RenewInstance":               (*Server).renewInstance,
		"InquiryInstancePrice":        (*Server).inquiryInstancePrice,
		"InquiryInstancePriceHour":    (*Server).inquiryInstancePriceHour,
	})
	register(onTrade, map[string]func(*Server, *request) (map[string]any, *apiError){
		"SetAutoRenew": (*Server).setAutoRenew,
	})
}

// filterIndex holds a region's instances by zone and by project, each list
// in creation order, for the documented filters.
type filterIndex struct {
	members   uint64
	byZone    map[int][]*instance
	byProject map[int][]*instance
}

// index returns the filters' index, rebuilt (once, in one pass) when the
// region's instances or their projects changed since it was made: reads,
// which are most calls, pay nothing for it.
func (rg *region) index() *filterIndex {
	if rg.idx != nil && rg.idx.members == rg.members {
		return rg.idx
	}
	ix := &filterIndex{members: rg.members, byZone: map[int][]*instance{}, byProject: map[int][]*instance{}}
	for _, in := range rg.instSeq {
		ix.byZone[in.zone.id] = append(ix.byZone[in.zone.id], in)
		ix.byProject[in.projectID] = append(ix.byProject[in.projectID], in)
	}
	rg.idx = ix
	return ix
}

// liveIndex holds a region's instances by status and by IP (private and
// public), each list in creation order; it follows gen, which moves with
// any change, so it is rebuilt, in one pass, by the first filtered call
// after one.
type liveIndex struct {
	gen      uint64
	byStatus map[int][]*instance
	byIP     map[string][]*instance
}

func (rg *region) liveIdx() *liveIndex {
	if rg.live != nil && rg.live.gen == rg.gen {
		return rg.live
	}
	ix := &liveIndex{gen: rg.gen, byStatus: map[int][]*instance{}, byIP: map[string][]*instance{}}
	for _, in := range rg.instSeq {
		ix.byStatus[in.status] = append(ix.byStatus[in.status], in)
		ix.byIP[in.lanIP] = append(ix.byIP[in.lanIP], in)
		for _, ip := range in.wanIPs {
			if ip != in.lanIP {
				ix.byIP[ip] = append(ix.byIP[ip], in)
			}
		}
	}
	rg.live = ix
	return ix
}

// byIPs returns the instances with one of ips, in creation order, each once.
func (ix *liveIndex) byIPs(ips []string) []*instance {
	seen := map[*instance]bool{}
	var out []*instance
	for _, ip := range ips {
		for _, in := range ix.byIP[ip] {
			if !seen[in] {
				seen[in] = true
				out = append(out, in)
			}
		}
	}
	slices.SortFunc(out, func(a, b *instance) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

// candidates are the instances a DescribeInstances must look at, in
// creation order: with ids, those the ids name, looked up by id (a call of
// given ids costs what it returns), and by a scan only for a legacy qcvm id
// that is not found so; with a zone or a project, the index's list of it
// (the shorter, when both); otherwise every instance. The caller applies
// every filter to them.
func (rg *region) candidates(ids []string, zone, project, status int, byZone, byProject, byStatus bool, ips []string) []*instance {
	if len(ids) == 0 {
		// The shortest of the lists the filters name; the caller applies
		// every filter to it.
		best := rg.instSeq
		keep := func(l []*instance) {
			if len(l) < len(best) {
				best = l
			}
		}
		if byZone || byProject {
			ix := rg.index()
			if byZone {
				keep(ix.byZone[zone])
			}
			if byProject {
				keep(ix.byProject[project])
			}
		}
		if byStatus || len(ips) > 0 {
			lx := rg.liveIdx()
			if byStatus {
				keep(lx.byStatus[status])
			}
			if len(ips) > 0 {
				keep(lx.byIPs(ips))
			}
		}
		return best
	}
	seen := make(map[*instance]bool, len(ids))
	var out []*instance
	var legacy []string
	for _, id := range ids {
		if in, ok := rg.instances[id]; ok {
			if !seen[in] {
				seen[in] = true
				out = append(out, in)
			}
			continue
		}
		if !strings.HasPrefix(id, "ins-") {
			legacy = append(legacy, id) // an ins- id not found is gone
		}
	}
	if len(legacy) > 0 {
		for _, in := range rg.instances {
			if !seen[in] && slices.Contains(legacy, in.legacyID) {
				seen[in] = true
				out = append(out, in)
			}
		}
	}
	slices.SortFunc(out, func(a, b *instance) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

func (s *Server) describeInstances(r *request) (map[string]any, *apiError) {
	q := r.p()
	ids := q.ids("instanceIds", false, 100)
	lanIPs := q.list("lanIps")
	word := q.str("searchWord", false)
	status, byStatus := q.optInt("status", -1, 100)
	project, byProject := q.optInt("projectId", 0, 1<<31-1)
	zoneID, byZone := q.optInt("zoneId", 1, 1<<31-1)
	offset, limit := q.page()
	q.integer("simplify", false, 0, 0, 1)
	if q.err != nil {
		return nil, q.err
	}
	rg := r.region
	rg.settle(r.now)
	var idSet map[string]bool
	if len(ids) > 0 {
		idSet = make(map[string]bool, len(ids))
		for _, id := range ids {
			idSet[id] = true
		}
	}
	unfiltered := idSet == nil && !byStatus && !byProject && !byZone && word == "" && len(lanIPs) == 0
	pageKey := [2]int{offset, limit}
	if unfiltered && rg.pagesGen == rg.gen {
		// The same page of an unchanged region: the same bytes. Answers
		// are never changed once made, so they are shared as they are.
		if pg, ok := rg.pages[pageKey]; ok {
			// A page asked for again is kept whole, and answered without a
			// copy from then on; one asked for once stays in parts.
			if pg.whole == nil {
				pg.whole = pg.parts.join()
			}
			return map[string]any{rawAnswer: pg.whole}, nil
		}
	}
	var pg []*instance
	total := 0
	if unfiltered {
		// No filter: the page is read straight from the creation order.
		total = len(rg.instSeq)
		pg = pageOf(rg.instSeq, offset, limit) // read only: never changed below
	} else {
		matches := rg.matching(instanceQuery{ids: ids, idSet: idSet, lanIPs: lanIPs, word: word, status: status, project: project,
			zoneID: zoneID, byStatus: byStatus, byProject: byProject, byZone: byZone})
		total = len(matches)
		pg = pageOf(matches, offset, limit)
	}
	return rg.instancesAnswer(pg, total, offset, limit, unfiltered, pageKey)
}

// instanceQuery is what a DescribeInstances asks for, beside its page.
type instanceQuery struct {
	ids                         []string
	idSet                       map[string]bool
	lanIPs                      []string
	word                        string
	status, project, zoneID     int
	byStatus, byProject, byZone bool
}

// matching is the instances a query keeps, in creation order.
func (rg *region) matching(q instanceQuery) []*instance {
	var matches []*instance
	for _, in := range rg.candidates(q.ids, q.zoneID, q.project, q.status, q.byZone, q.byProject, q.byStatus, q.lanIPs) {
		switch {
		case q.idSet != nil && !q.idSet[in.id] && !q.idSet[in.legacyID],
			q.byStatus && in.status != q.status,
			q.byProject && in.projectID != q.project,
			q.byZone && in.zone.id != q.zoneID,
			q.word != "" && !strings.Contains(in.name, q.word),
			len(q.lanIPs) > 0 && !hasIP(in, q.lanIPs):
			continue
		}
		matches = append(matches, in)
	}
	return matches
}

// instancesAnswer writes a page of DescribeInstances directly from each
// instance's cached encoding (DescribeInstances is by far the most called
// action), and keeps an unfiltered page for the next identical call.
func (rg *region) instancesAnswer(pg []*instance, total, offset, limit int, unfiltered bool, pageKey [2]int) (map[string]any, *apiError) {
	head := `{"code":0,"message":"","codeDesc":"Success","totalCount":` + strconv.Itoa(total) + `,"instanceSet":[`
	if unfiltered && len(pg) > 0 {
		if a := rg.arenaFor(len(pg)); a != nil {
			// One slice of the arena: the page is written from it without a
			// copy.
			end := min(offset+limit, len(rg.instSeq))
			return map[string]any{rawAnswer: answerParts{[]byte(head), a.buf[a.starts[offset] : a.starts[end]-1], closing}}, nil
		}
	}
	// The answer is the instances' own encodings, by reference: a page
	// costs a slice of pointers, and the bytes are copied once, into a
	// pooled buffer, as the answer is written (ServeHTTP).
	parts := make(answerParts, 0, 2*len(pg)+2)
	parts = append(parts, []byte(head))
	for i, in := range pg {
		if in.encoded == nil || in.encodedGen != rg.gen {
			b, err := json.Marshal(in.json(rg.code))
			if err != nil {
				return nil, errf(6000, "encoding instance %s: %v", in.id, err)
			}
			in.encoded, in.encodedGen = b, rg.gen
		}
		if i > 0 {
			parts = append(parts, comma)
		}
		parts = append(parts, in.encoded)
	}
	parts = append(parts, closing)
	if unfiltered {
		if rg.pages == nil || rg.pagesGen != rg.gen || len(rg.pages) >= maxCachedPages {
			rg.pages, rg.pagesGen = map[[2]int]*cachedPage{}, rg.gen
		}
		rg.pages[pageKey] = &cachedPage{parts: parts}
	}
	return map[string]any{rawAnswer: parts}, nil
}

// encArena is every instance's encoding, in creation order, each followed
// by a comma, in one slice: an unfiltered page is one piece of it. The
// instances' own encodings point into it, so it costs no second copy.
type encArena struct {
	gen, members uint64
	buf          []byte
	starts       []int // where each instance of instSeq starts; one more for the end
}

// arenaFor returns the arena of an unchanged region, building it once
// unfiltered pages have shown as many instances as the region holds since
// it last changed: the build costs one pass over the region, paid for by
// the pages already served, so a region that keeps changing never builds
// one, and a region read page after page does once per change.
func (rg *region) arenaFor(shown int) *encArena {
	if a := rg.arena; a != nil && a.gen == rg.gen && a.members == rg.members {
		return a
	}
	if rg.shownGen != rg.gen {
		rg.shown, rg.shownGen = 0, rg.gen
	}
	rg.shown += shown
	if rg.shown < len(rg.instSeq) {
		return nil
	}
	size := 0
	for _, in := range rg.instSeq {
		if in.encoded == nil || in.encodedGen != rg.gen {
			b, err := json.Marshal(in.json(rg.code))
			if err != nil {
				return nil
			}
			in.encoded, in.encodedGen = b, rg.gen
		}
		size += len(in.encoded) + 1
	}
	a := &encArena{gen: rg.gen, members: rg.members, buf: make([]byte, 0, size), starts: make([]int, 0, len(rg.instSeq)+1)}
	for _, in := range rg.instSeq {
		start := len(a.buf)
		a.starts = append(a.starts, start)
		a.buf = append(a.buf, in.encoded...)
		in.encoded = a.buf[start:len(a.buf):len(a.buf)] // the arena's copy: the old one is let go
		a.buf = append(a.buf, ',')
	}
	a.starts = append(a.starts, len(a.buf))
	rg.arena = a
	return a
}

// maxCachedPages bounds the unfiltered DescribeInstances answers a region
// keeps (at most about 8 MB of 100-instance pages).
const maxCachedPages = 128

func hasIP(in *instance, ips []string) bool {
	for _, ip := range ips {
		if ip == in.lanIP || slices.Contains(in.wanIPs, ip) {
			return true
		}
	}
	return false
}

// validShapes are the CPU/memory pairs on offer [inferred from the standard
// S1 family: 1, 2 or 4 GB per core].
var validShapes = map[int][]int{
	1: {1, 2, 4}, 2: {2, 4, 8}, 4: {4, 8, 16}, 8: {8, 16, 32},
	12: {12, 24, 48}, 16: {16, 32, 64}, 24: {24, 48, 96}, 32: {32, 64, 128},
}

func checkShape(cpu, mem int) *apiError {
	mems, ok := validShapes[cpu]
	if !ok || !slices.Contains(mems, mem) {
		e := invalid("no instance with cpu %d and mem %d; valid pairs are 1 to 4 GB of memory per core for 1, 2, 4, 8, 12, 16, 24 or 32 cores", cpu, mem)
		e.codeDesc = "InvalidParameter.InstanceConfig"
		return e
	}
	return nil
}

// createSpec is what RunInstances and RunInstancesHour share.
type createSpec struct {
	zone               zone
	cpu, mem           int
	image              *image
	storageSize, stTyp int
	rootSize           int
	bandwidth          int
	bandwidthType      string
	wanIP              bool
	instanceType       string
	projectID          int
	name               string
	goodsNum           int
	keyID              string
	vpcID, subnetID    string
	token              string
	// privateIPs are the subnet's addresses asked for, one per instance;
	// defaultNet places instances given no VPC in their zone's default
	// subnet (API 3.0).
	privateIPs []string
	defaultNet bool
	// What the checks read and the instances do not keep: the login
	// password, whether rootSize was given, and wanIp (-1: not given).
	password  string
	rootSized bool
	wan       int
}

func (s *Server) readCreateSpec(r *request, prepaid bool) (createSpec, *apiError) {
	q := r.p()
	var c createSpec
	zoneID := q.integer("zoneId", !prepaid, 0, 1, 1<<31-1)
	c.cpu = q.integer("cpu", true, 0, 1, 1024)
	c.mem = q.integer("mem", true, 0, 1, 4096)
	imageID := q.str("imageId", true)
	q.integer("imageType", false, 2, 1, 4)
	c.storageSize = q.integer("storageSize", !prepaid, 0, 0, 16000)
	c.stTyp = q.integer("storageType", false, 1, 1, 4)
	c.rootSize = q.integer("rootSize", false, 20, 20, 500)
	c.bandwidth = q.integer("bandwidth", false, 0, 0, 1000)
	if prepaid {
		c.bandwidthType = q.oneOf("bandwidthType", "PayByBandwidth", "PayByBandwidth", "PayByTraffic")
	} else {
		c.bandwidthType = q.oneOf("bandwidthType", "PayByHour", "PayByHour", "PayByTraffic")
	}
	c.wan = q.integer("wanIp", false, -1, 0, 1)
	c.instanceType = q.oneOf("instanceType", "CVM.S1", "CVM.S1", "CVM.S2", "CVM.I1", "CVM.I2", "CVM.M1", "CVM.M2", "CVM.C2")
	c.projectID = q.integer("projectId", false, 0, 0, 1<<31-1)
	c.name = q.strMax("instanceName", false, 60)
	c.goodsNum = q.integer("goodsNum", false, 1, 1, 100)
	c.keyID = q.str("keyId", false)
	c.password = q.str("password", false)
	c.rootSized = q.has("rootSize")
	c.vpcID, c.subnetID = q.str("vpcId", false), q.str("subnetId", false)
	c.token = q.strMax("clientToken", false, 64)
	q.integer("needSecurityAgent", false, 1, 0, 1)
	q.integer("needMonitorAgent", false, 1, 0, 1)
	q.integer("isVpcGateway", false, 0, 0, 1)
	if q.err != nil {
		return c, q.err
	}
	err := r.region.checkCreateSpec(&c, zoneID, imageID)
	return c, err
}

// checkCreateSpec checks a purchase against the core's rules and the
// region: its shape, disks, zone, image, login, network and project. It
// fills in the zone and image, and what follows from them.
func (rg *region) checkCreateSpec(c *createSpec, zoneID int, imageID string) *apiError {
	if utf8.RuneCountInString(c.name) > 60 {
		return refuse(reasonMalformed, "instanceName is longer than 60 characters")
	}
	if c.storageSize%10 != 0 {
		return invalid("storageSize must be a multiple of 10, got %d", c.storageSize)
	}
	if err := checkShape(c.cpu, c.mem); err != nil {
		return err
	}
	if zoneID == 0 && len(rg.zones) > 0 {
		zoneID = rg.zones[0].id
	}
	z, ok := rg.zone(zoneID)
	if !ok {
		e := invalid("zoneId %d is not a zone of region %s", zoneID, rg.code)
		e.codeDesc = "InvalidParameter.InvaildZoneId"
		return e
	}
	c.zone = z
	img, ok := rg.images[imageID]
	if !ok || img.status == imageCreating {
		e := invalid("imageId %s is not an available image of region %s", imageID, rg.code)
		e.codeDesc = "InvalidParameter.MissImageId"
		return e
	}
	c.image = img
	if img.windows {
		if c.rootSized && c.rootSize != 50 {
			return invalid("rootSize of a Windows instance is fixed at 50")
		}
		c.rootSize = 50
	} else if c.rootSize > 50 || c.rootSize%10 != 0 {
		return invalid("rootSize of a Linux instance must be 20 to 50 in steps of 10, got %d", c.rootSize)
	}
	if c.password != "" && c.keyID != "" {
		return invalid("password and keyId are mutually exclusive")
	}
	if c.keyID != "" && img.windows {
		return invalid("keyId is not supported on Windows images")
	}
	if c.password != "" {
		if err := checkPassword(c.password, img.windows); err != nil {
			return err
		}
	}
	if (c.vpcID == "") != (c.subnetID == "") {
		return invalid("vpcId and subnetId go together")
	}
	if err := rg.checkPlacement(c); err != nil {
		return err
	}
	c.wanIP = c.bandwidth > 0
	if c.wan == 0 {
		c.wanIP = false
	}
	if !rg.projects[c.projectID] {
		e := invalid("projectId %d does not exist", c.projectID)
		e.codeDesc = "InvalidParameter.ProjectIdNotFound"
		return e
	}
	if c.name == "" {
		c.name = "未命名"
	}
	return nil
}

// buy makes the instances of a checked purchase: hourly, or prepaid for
// period months with the order that pays for them.
func (s *Server) buy(rg *region, now time.Time, c createSpec, prepaid bool, period int) (ids []string, deal int64) {
	if !prepaid {
		return s.create(rg, now, c, payHourly, time.Time{}), 0
	}
	ids = s.create(rg, now, c, payPrepaid, now.AddDate(0, period, 0))
	deal = s.newDeal(rg, now, 1, 1, map[string]any{"cpu": c.cpu, "mem": c.mem, "bandwidth": c.bandwidth, "timeSpan": period,
		"storageType": c.stTyp, "storageSize": c.storageSize, "imageId": c.image.legacyID, "zoneId": c.zone.id,
		"vpcId": c.vpcID, "subnetId": c.subnetID}, ids)
	return ids, deal
}

func (s *Server) create(rg *region, now time.Time, c createSpec, payMode int, deadline time.Time) []string {
	ids := make([]string, 0, c.goodsNum)
	for range c.goodsNum {
		id := s.newID("ins-", func(id string) bool { return rg.instances[id] != nil })
		in := &instance{
			seq: s.nextSeq(), id: id, legacyID: "qcvm" + s.hex(16), uuid: s.uuid(), name: c.name,
			zone: c.zone, cpu: c.cpu, mem: c.mem, bandwidth: c.bandwidth, bandwidthType: c.bandwidthType,
			image: c.image, created: now, deadline: deadline, projectID: c.projectID, payMode: payMode,
			rootSize: c.rootSize, storageSize: c.storageSize, storTyp: c.stTyp, instanceType: c.instanceType,
			keyID: c.keyID, vpcID: c.vpcID, subnetID: c.subnetID,
			lanIP:    fmt.Sprintf("10.%d.%d.%d", 100+s.rng.IntN(100), s.rng.IntN(256), 2+s.rng.IntN(250)),
			diskRoot: s.newID("disk-", func(string) bool { return false }),
		}
		in.netPayMode = map[string]int{"PayByHour": 3, "PayByBandwidth": 1, "PayByTraffic": 2}[c.bandwidthType]
		if c.storageSize > 0 {
			in.diskData = s.newID("disk-", func(string) bool { return false })
		}
		if c.wanIP {
			in.wanIPs = []string{fmt.Sprintf("119.29.%d.%d", s.rng.IntN(256), 2+s.rng.IntN(250))}
		}
		if sn := rg.subnets[c.subnetID]; sn != nil {
			// The subnet's address (the drawn one above keeps the
			// generator's sequence, and so every other id, as it was).
			var want netip.Addr
			if i := len(ids); i < len(c.privateIPs) {
				want = netip.MustParseAddr(c.privateIPs[i])
			}
			ip, _ := sn.take(id, want) // room checked by checkPlacement
			in.lanIP = ip.String()
		}
		s.move(rg, in, now, stCreating, stRunning)
		rg.instances[id] = in
		rg.instSeq = append(rg.instSeq, in)
		rg.members++
		ids = append(ids, id)
	}
	return ids
}

func (s *Server) runInstancesHour(r *request) (map[string]any, *apiError) {
	c, err := s.readCreateSpec(r, false)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		if prev, ok := s.tokens[tokenKey(tokenInstances, r.region, c.token)]; ok {
			if prev.action != r.action {
				return nil, invalid("clientToken %s was used by %s", c.token, prev.action)
			}
			return map[string]any{"message": "ok", "unInstanceIds": prev.ids}, nil
		}
	}
	ids, _ := s.buy(r.region, r.now, c, false, 0)
	if c.token != "" {
		s.tokens[tokenKey(tokenInstances, r.region, c.token)] = tokenResult{action: r.action, ids: ids}
	}
	return map[string]any{"message": "ok", "unInstanceIds": ids}, nil
}

func (s *Server) runInstances(r *request) (map[string]any, *apiError) {
	q := r.p()
	period := q.integer("period", true, 0, 1, 36)
	if q.err != nil {
		return nil, q.err
	}
	c, err := s.readCreateSpec(r, true)
	if err != nil {
		return nil, err
	}
	answer := func(deal int64, ids []string) map[string]any {
		return map[string]any{"message": "ok", "dealIds": []int64{deal},
			"unInstanceIds": map[string][]string{strconv.FormatInt(deal, 10): ids}}
	}
	if c.token != "" {
		if prev, ok := s.tokens[tokenKey(tokenInstances, r.region, c.token)]; ok {
			if prev.action != r.action {
				return nil, invalid("clientToken %s was used by %s", c.token, prev.action)
			}
			return answer(prev.deal, prev.ids), nil
		}
	}
	ids, deal := s.buy(r.region, r.now, c, true, period)
	if c.token != "" {
		s.tokens[tokenKey(tokenInstances, r.region, c.token)] = tokenResult{action: r.action, ids: ids, deal: deal}
	}
	return answer(deal, ids), nil
}

// batch applies op to every instance of instanceIds.n and answers with the
// documented detail map: code 0 when all succeed, 5400 when some fail, 5100
// when all fail. Successful items take effect even when others fail.
func (s *Server) batch(r *request, maxIDs int, check func(q *p) *apiError, op func(in *instance) *apiError) (map[string]any, *apiError) {
	q := r.p()
	ids := q.ids("instanceIds", true, maxIDs)
	if check != nil {
		if err := check(q); err != nil {
			return nil, err
		}
	}
	if q.err != nil {
		return nil, q.err
	}
	r.region.settle(r.now)
	detail := make(map[string]item, len(ids))
	failed := 0
	for _, id := range ids {
		var err *apiError
		if in := r.region.instance(id); in == nil {
			err = notFound("instance", id)
		} else {
			err = op(in)
		}
		if err != nil {
			failed++
			detail[id] = item{Code: err.code, Message: err.message}
			continue
		}
		detail[id] = item{RequestID: strconv.FormatInt(9000000+s.nextSeq(), 10)}
	}
	switch failed {
	case 0:
		return map[string]any{"message": "success", "detail": detail}, nil
	case len(ids):
		e := errf(5100, "all %d operations failed", failed)
		e.detail = detail
		return nil, e
	default:
		e := errf(5400, "%d of %d operations failed", failed, len(ids))
		e.detail = detail
		return nil, e
	}
}

func (s *Server) startInstances(r *request) (map[string]any, *apiError) {
	return s.batch(r, 100, nil, func(in *instance) *apiError { return s.begin(r.region, in, powerOn, r.now) })
}

// forceStop reads the forceStop flag of a stop or a restart; the emulator's
// instances stop the same either way.
func forceStop(q *p) *apiError { q.integer("forceStop", false, 0, 0, 1); return nil }

func (s *Server) stopInstances(r *request) (map[string]any, *apiError) {
	return s.batch(r, 100, forceStop, func(in *instance) *apiError { return s.begin(r.region, in, powerOff, r.now) })
}

func (s *Server) restartInstances(r *request) (map[string]any, *apiError) {
	return s.batch(r, 100, forceStop, func(in *instance) *apiError { return s.begin(r.region, in, reboot, r.now) })
}

func (s *Server) resetInstancePassword(r *request) (map[string]any, *apiError) {
	var password string
	check := func(q *p) *apiError {
		password = q.str("password", true)
		q.integer("hardPowerOffFlag", false, 0, 0, 1)
		return nil
	}
	return s.batch(r, 100, check, func(in *instance) *apiError {
		if err := checkPassword(password, in.image.windows); err != nil {
			return err
		}
		if in.status != stStopped {
			return statusErr(in, stStopped)
		}
		s.move(r.region, in, r.now, stResettingPw, stStopped)
		return nil
	})
}

// one finds the instance named by instanceId, settled, or answers an error.
func (s *Server) one(r *request, q *p) (*instance, *apiError) {
	id := q.str("instanceId", true)
	if q.err != nil {
		return nil, q.err
	}
	r.region.settle(r.now)
	in := r.region.instance(id)
	if in == nil {
		return nil, notFound("instance", id)
	}
	return in, nil
}

func (s *Server) returnInstance(r *request) (map[string]any, *apiError) {
	in, err := s.one(r, r.p())
	if err != nil {
		return nil, err
	}
	if in.payMode == payPrepaid {
		return nil, errf(5100, "prepaid instance %s cannot be returned through the API; open a ticket", in.id)
	}
	if in.status != stRunning && in.status != stStopped {
		return nil, statusErr(in, stRunning, stStopped)
	}
	s.move(r.region, in, r.now, stReturning, stGone)
	return map[string]any{"message": "ok"}, nil
}

func (s *Server) resetInstances(r *request) (map[string]any, *apiError) {
	q := r.p()
	in, err := s.one(r, q)
	if err != nil {
		return nil, err
	}
	imageID := q.str("imageId", false)
	_, typed := q.optInt("imageType", 1, 4)
	password := q.str("password", false)
	rootSize, sized := q.optInt("rootSize", 20, 500)
	q.integer("needSecurityAgent", false, 1, 0, 1)
	q.integer("needMonitorAgent", false, 1, 0, 1)
	if q.err != nil {
		return nil, q.err
	}
	if typed != (imageID != "") {
		return nil, invalid("imageType and imageId go together")
	}
	var img *image
	if imageID != "" {
		if img, err = r.region.availableImage(imageID); err != nil {
			return nil, err
		}
	}
	if err := s.reinstall(r.region, r.now, in, img, password, rootSize, sized); err != nil {
		return nil, err
	}
	return map[string]any{"requestId": 9000000 + s.nextSeq()}, nil
}

func (s *Server) modifyInstanceAttributes(r *request) (map[string]any, *apiError) {
	q := r.p()
	in, err := s.one(r, q)
	if err != nil {
		return nil, err
	}
	name := q.strMax("instanceName", true, 60)
	if q.err != nil {
		return nil, q.err
	}
	in.name = name
	return map[string]any{"message": "ok"}, nil
}

func (s *Server) modifyInstanceProject(r *request) (map[string]any, *apiError) {
	q := r.p()
	in, err := s.one(r, q)
	if err != nil {
		return nil, err
	}
	pid := q.integer("projectId", true, 0, 0, 1<<31-1)
	if q.err != nil {
		return nil, q.err
	}
	if err := r.region.moveToProject(in, pid); err != nil {
		return nil, err
	}
	return map[string]any{"message": "ok"}, nil
}

// resize reads a configuration change (cpu, mem, storageSize; each the
// instance's own when absent) and makes it.
func (s *Server) resize(r *request, q *p, in *instance) (int64, *apiError) {
	cpu := q.integer("cpu", false, in.cpu, 1, 1024)
	mem := q.integer("mem", false, in.mem, 1, 4096)
	storage := q.integer("storageSize", false, in.storageSize, 0, 16000)
	if q.err != nil {
		return 0, q.err
	}
	return s.resizeTo(r.region, r.now, in, cpu, mem, storage)
}

func (s *Server) resizeInstanceHour(r *request) (map[string]any, *apiError) {
	q := r.p()
	in, err := s.one(r, q)
	if err != nil {
		return nil, err
	}
	if in.payMode != payHourly {
		return nil, invalid("instance %s is prepaid; use ResizeInstance", in.id)
	}
	if _, err := s.resize(r, q, in); err != nil {
		return nil, err
	}
	return map[string]any{"message": "ok"}, nil
}

func (s *Server) resizeInstance(r *request) (map[string]any, *apiError) {
	q := r.p()
	in, err := s.one(r, q)
	if err != nil {
		return nil, err
	}
	if in.payMode != payPrepaid {
		e := invalid("instance %s is not prepaid; use ResizeInstanceHour", in.id)
		e.codeDesc = "NotSupport.NotPrepaidUser"
		return nil, e
	}
	deal, err := s.resize(r, q, in)
	if err != nil {
		return nil, err
	}
	return map[string]any{"message": "ok", "dealIds": []int64{deal}}, nil
}

// bandwidthCap is the documented ceiling: 100 Mbps billed by traffic, 200
// billed by bandwidth.
func bandwidthCap(billing string) int {
	if billing == "PayByTraffic" {
		return 100
	}
	return 200
}

func (s *Server) updateInstanceBandwidthHour(r *request) (map[string]any, *apiError) {
	q := r.p()
	in, err := s.one(r, q)
	if err != nil {
		return nil, err
	}
	bw := q.integer("bandwidth", true, 0, 0, 1000)
	if q.err != nil {
		return nil, q.err
	}
	if in.payMode != payHourly {
		return nil, invalid("instance %s is prepaid; use UpdateInstanceBandwidth", in.id)
	}
	if _, err := s.setBandwidth(r.region, r.now, in, bw, "", ""); err != nil {
		return nil, err
	}
	return map[string]any{"message": "ok"}, nil
}

func (s *Server) updateInstanceBandwidth(r *request) (map[string]any, *apiError) {
	q := r.p()
	in, err := s.one(r, q)
	if err != nil {
		return nil, err
	}
	bw := q.integer("bandwidth", true, 0, 0, 1000)
	start, end := q.str("startTime", true), q.str("endTime", true)
	if q.err != nil {
		return nil, q.err
	}
	if in.payMode != payPrepaid {
		e := invalid("instance %s is not prepaid; use UpdateInstanceBandwidthHour", in.id)
		e.codeDesc = "NotSupport.NotPrepaidUser"
		return nil, e
	}
	deal, err := s.setBandwidth(r.region, r.now, in, bw, start, end)
	if err != nil {
		return nil, err
	}
	return map[string]any{"message": "ok", "dealIds": []int64{deal}}, nil
}

func (s *Server) renewInstance(r *request) (map[string]any, *apiError) {
	q := r.p()
	in, err := s.one(r, q)
	if err != nil {
		return nil, err
	}
	period := q.integer("period", true, 0, 1, 36)
	if q.err != nil {
		return nil, q.err
	}
	deal, err := s.renew(r.region, r.now, in, period)
	if err != nil {
		return nil, err
	}
	return map[string]any{"dealId": strconv.FormatInt(deal, 10)}, nil
}

func (s *Server) setAutoRenew(r *request) (map[string]any, *apiError) {
	var flag int
	check := func(q *p) *apiError {
		q.integer("instanceType", false, 1, 1, 1)
		flag = q.integer("autoRenew", true, 0, 0, 2)
		return nil
	}
	return s.batch(r, 100, check, func(in *instance) *apiError { return setRenewal(in, flag) })
}

// Prices of the emulator [inferred: a simple linear list price, in fen
// (0.01 CNY) per month for prepaid and in CNY per hour for postpaid].
const (
	fenPerCoreMonth    = 6500
	fenPerGBMonth      = 3200
	fenPerDiskGBMonth  = 35
	fenPerMbpsMonth    = 2000
	yuanPerCoreHour    = 0.09
	yuanPerGBHour      = 0.045
	yuanPerDiskGBHour  = 0.0005
	yuanPerMbpsHour    = 0.063
	yuanPerTrafficGB   = 0.8
	maxInquiryGoodsNum = 100
)

func (s *Server) inquiryInstancePrice(r *request) (map[string]any, *apiError) {
	q := r.p()
	cpu := q.integer("cpu", true, 0, 1, 1024)
	mem := q.integer("mem", true, 0, 1, 4096)
	period := q.integer("period", true, 0, 1, 36)
	storage := q.integer("storageSize", false, 0, 0, 16000)
	goods := q.integer("goodsNum", false, 1, 1, maxInquiryGoodsNum)
	bw := q.integer("bandwidth", false, 0, 0, 1000)
	q.integer("instanceType", false, 1, 1, 5)
	q.oneOf("bandwidthType", "PayByBandwidth", "PayByBandwidth", "PayByTraffic")
	if q.err != nil {
		return nil, q.err
	}
	if err := checkShape(cpu, mem); err != nil {
		return nil, err
	}
	monthly := cpu*fenPerCoreMonth + mem*fenPerGBMonth + storage*fenPerDiskGBMonth + bw*fenPerMbpsMonth
	return map[string]any{"price": monthly * period * goods}, nil
}

func (s *Server) inquiryInstancePriceHour(r *request) (map[string]any, *apiError) {
	q := r.p()
	cpu := q.integer("cpu", true, 0, 1, 1024)
	mem := q.integer("mem", true, 0, 1, 4096)
	storage := q.integer("storageSize", false, 0, 0, 16000)
	goods := q.integer("goodsNum", false, 1, 1, maxInquiryGoodsNum)
	bw := q.integer("bandwidth", false, 0, 0, 1000)
	billing := q.oneOf("bandwidthType", "PayByHour", "PayByHour", "PayByTraffic")
	q.str("imageId", false)
	if q.err != nil {
		return nil, q.err
	}
	if err := checkShape(cpu, mem); err != nil {
		return nil, err
	}
	hourly := (float64(cpu)*yuanPerCoreHour + float64(mem)*yuanPerGBHour + float64(storage)*yuanPerDiskGBHour) * float64(goods)
	net := map[string]any{"price": fmt.Sprintf("%.2f", float64(bw)*yuanPerMbpsHour*float64(goods)), "price_unit": "HOUR"}
	if billing == "PayByTraffic" {
		net = map[string]any{"price": fmt.Sprintf("%.2f", yuanPerTrafficGB), "price_unit": "GB"}
	}
	return map[string]any{"data": map[string]any{
		"cvm":       map[string]any{"price": fmt.Sprintf("%.2f", hourly), "price_unit": "HOUR"},
		"bandwidth": net,
	}}, nil
}
