package emulator

import (
	"encoding/hex"
	"fmt"
	"time"
)

// region holds one region's resources. Short and long codes name the same
// region.
type region struct {
	code      string
	zones     []zone
	images    map[string]*image
	imageSeq  []string // creation order
	instances map[string]*instance
	instSeq   []*instance // creation order
	// members changes whenever which instances exist, or their project,
	// changes; idx, the filters' index, is rebuilt when it is stale.
	members uint64
	idx     *filterIndex
	// arena, when valid, holds every instance's encoding in creation
	// order; shown counts the instances unfiltered pages showed since the
	// region last changed (shownGen), which decides when to build it.
	arena *encArena
	// live is the index of what changes with the instances' state (status,
	// IPs), rebuilt when the region's gen moved since it was made.
	live     *liveIndex
	shown    int
	shownGen uint64
	// moving are the instances in transition (or gone, to be removed):
	// what settle visits.
	moving map[*instance]struct{}
	// pages are unfiltered DescribeInstances answers by (offset, limit),
	// valid while gen is pagesGen.
	pages     map[[2]int]*cachedPage
	pagesGen  uint64
	sgs       map[string]*securityGroup
	sgSeq     []string
	eips      map[string]*eip
	eipSeq    []string
	projects  map[int]bool // the server's, shared by every region
	tags      tagStore     // the server's, shared by every region
	keyPairs  map[string]*keyPair
	enis      map[string]*eni // secondary interfaces
	vpcs      map[string]*vpc
	vpcSeq    []string
	subnets   map[string]*subnet
	subnetSeq []string
	disks     map[string]*disk // portable cloud disks
	diskSeq   []string
	eipDay    eipDay
	// gen changes whenever anything an answer shows may have changed; the
	// encoded instances cached under an older gen are stale.
	gen uint64
}

type zone struct {
	id   int
	name string
}

// zoneTable lists the documented zones of each region.
var zoneTable = map[string][]zone{
	"gz":     {{100001, "广州一区"}, {100002, "广州二区"}, {100003, "广州三区"}, {100004, "广州四区"}},
	"sh":     {{200001, "上海一区"}, {200002, "上海二区"}},
	"hk":     {{300001, "香港一区"}},
	"ca":     {{400001, "北美一区"}},
	"shjr":   {{700001, "上海金融一区"}, {700002, "上海金融二区"}},
	"bj":     {{800001, "北京一区"}, {800002, "北京二区"}},
	"sg":     {{900001, "新加坡一区"}},
	"szjr":   {{110001, "深圳金融一区"}, {110002, "深圳金融二区"}},
	"gzopen": {{120001, "广州Open专区"}},
	"usw":    {{150001, "硅谷一区"}},
	"cd":     {{160001, "成都一区"}, {160002, "成都二区"}},
	"de":     {{170001, "法兰克福一区"}},
	"kr":     {{180001, "首尔一区"}},
}

// publicImages are documented public images, offered in every region.
var publicImages = []struct {
	id, name, os string
	legacyID     int
	windows      bool
}{
	{"img-31tjrtph", "CentOS 7.2 64位", "centos7.2x86_64", 53, false},
	{"img-7fwdvfur", "CentOS 6.5 64位", "centos6.5x86_64", 41, false},
	{"img-3wnd9xpl", "Ubuntu Server 14.04.1 LTS 64位", "ubuntu14.04.1x86_64", 46, false},
	{"img-lkxqa4kj", "Windows Server 2012 R2 标准版 64位英文版", "Windows Server 2012 R2 标准版 64位英文版", 111, true},
	{"img-0vbqvzfn", "Windows Server 2008 R2 企业版 SP1 64位", "Windows Server 2008 R2 企业版 SP1 64位", 54, true},
}

// regionLocked returns the state of a region, creating it on first use.
// s.mu must be held.
func (s *Server) regionLocked(code string) *region {
	if rg, ok := s.regions[code]; ok {
		return rg
	}
	rg := &region{
		code:      code,
		zones:     zoneTable[code],
		images:    map[string]*image{},
		instances: map[string]*instance{},
		sgs:       map[string]*securityGroup{},
		eips:      map[string]*eip{},
		projects:  s.projects,
		tags:      s.tags,
		keyPairs:  map[string]*keyPair{},
		enis:      map[string]*eni{},
		vpcs:      map[string]*vpc{},
		subnets:   map[string]*subnet{},
		disks:     map[string]*disk{},
	}
	created := time.Date(2016, 1, 1, 0, 0, 0, 0, beijing)
	rg.addDefaultNetwork(created)
	for _, pi := range publicImages {
		rg.addImage(&image{
			id: pi.id, legacyID: pi.legacyID, name: pi.name, osName: pi.os, typ: imagePublic,
			status: imageNormal, created: created, creator: "system", windows: pi.windows,
		})
	}
	s.regions[code] = rg
	return rg
}

func (rg *region) zone(id int) (zone, bool) {
	for _, z := range rg.zones {
		if z.id == id {
			return z, true
		}
	}
	return zone{}, false
}

// newID returns prefix + 8 lower-case letters and digits, unique in seen.
func (s *Server) newID(prefix string, taken func(string) bool) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	for {
		b := make([]byte, 8)
		for i := range b {
			b[i] = alphabet[s.rng.IntN(len(alphabet))]
		}
		id := prefix + string(b)
		if !taken(id) {
			return id
		}
	}
}

func (s *Server) hex(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(s.rng.UintN(256))
	}
	return hex.EncodeToString(b)
}

func (s *Server) uuid() string {
	h := s.hex(16)
	return fmt.Sprintf("%s-%s-4%s-a%s-%s", h[0:8], h[8:12], h[13:16], h[17:20], h[20:32])
}

// nextSeq returns a process-wide increasing number for request ids and
// deal ids.
func (s *Server) nextSeq() int64 {
	s.seq++
	return s.seq
}

// beijing is the zone of the API's time strings.
var beijing = time.FixedZone("CST", 8*3600)

func apiTime(t time.Time) string {
	if t.IsZero() {
		return "0000-00-00 00:00:00"
	}
	return t.In(beijing).Format("2006-01-02 15:04:05")
}

// tokenResult remembers what a clientToken created.
type tokenResult struct {
	action string
	ids    []string
	deal   int64
}

// Idempotency tokens name one creation per account and region, whichever
// contract sends them: the emulator serves one account (every SecretId of
// Options.Keys is one of its users), so the token's kind, the region and
// the token itself are the key. A token sent through the legacy contract
// and again through API 3.0 answers the same creation; the same token in
// another region is another creation. Neither page documents a lifetime
// for a token [inferred: the emulator keeps them as long as its state].
const (
	tokenInstances = "instances" // RunInstancesHour, RunInstances (both contracts)
	tokenAddresses = "addresses" // AllocateAddresses
	tokenDisks     = "disks"     // CreateDisks
	tokenAttach    = "attach"    // AttachNetworkInterface
)

// tokenKey is the key of s.tokens for a token of a kind in a region.
func tokenKey(kind string, rg *region, token string) string {
	return kind + "\x00" + rg.code + "\x00" + token
}
