package emulator

// API 3.0 actions of service cvm beside the instances': zones, regions and
// instance types (§6 rows 50 to 52), images (rows 20 to 27) and key pairs
// (rows 53 to 59).

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

func init() {
	register3("cvm", map[string]handler3{
		"DescribeZones":                   {fn: (*Server).describeZones3, reads: true, perSecond: 20},
		"DescribeRegions":                 {fn: (*Server).describeRegions3, reads: true, noRegion: true, perSecond: 20},
		"DescribeInstanceTypeConfigs":     {fn: (*Server).describeInstanceTypeConfigs3, reads: true},
		"DescribeZoneInstanceConfigInfos": {fn: (*Server).describeZoneInstanceConfigInfos3, reads: true},
		"DescribeImages":                  {fn: (*Server).describeImages3, reads: true},
		"CreateImage":                     {fn: (*Server).createImage3},
		"DeleteImages":                    {fn: (*Server).deleteImages3},
		"ModifyImageAttribute":            {fn: (*Server).modifyImageAttribute3},
		"SyncImages":                      {fn: (*Server).syncImages3},
		"ModifyImageSharePermission":      {fn: (*Server).modifyImageSharePermission3},
		"DescribeImageSharePermission":    {fn: (*Server).describeImageSharePermission3, reads: true},
		"DescribeKeyPairs":                {fn: (*Server).describeKeyPairs3, reads: true},
		"CreateKeyPair":                   {fn: (*Server).createKeyPair3},
		"ImportKeyPair":                   {fn: (*Server).importKeyPair3},
		"ModifyKeyPairAttribute":          {fn: (*Server).modifyKeyPairAttribute3},
		"DeleteKeyPairs":                  {fn: (*Server).deleteKeyPairs3},
		"AssociateInstancesKeyPairs":      {fn: (*Server).associateKeyPairs3},
		"DisassociateInstancesKeyPairs":   {fn: (*Server).disassociateKeyPairs3},
	})
	register3("region", map[string]handler3{
		"DescribeRegions":  {fn: (*Server).describeProductRegions3, reads: true, noRegion: true},
		"DescribeZones":    {fn: (*Server).describeProductZones3, reads: true, noRegion: true},
		"DescribeProducts": {fn: (*Server).describeProducts3, reads: true, noRegion: true},
	})
	// api 2020-11-06, the older home of the same two product-scoped
	// actions, which the Terraform provider calls [inferred: its answers
	// have region's members].
	register3("api", map[string]handler3{
		"DescribeRegions": {fn: (*Server).describeProductRegions3, reads: true, noRegion: true},
		"DescribeZones":   {fn: (*Server).describeProductZones3, reads: true, noRegion: true},
	})
}

// ---- zones, regions, instance types ----

func (s *Server) zone3(rg *region, z zone) map[string]any {
	return map[string]any{"Zone": zoneName3(rg.code, z), "ZoneName": z.name, "ZoneId": strconv.Itoa(z.id), "ZoneState": "AVAILABLE"}
}

func (s *Server) describeZones3(c *call3) (map[string]any, *api3Err) {
	set := []map[string]any{}
	for _, z := range c.rg.zones {
		set = append(set, s.zone3(c.rg, z))
	}
	return map[string]any{"TotalCount": len(set), "ZoneSet": set}, nil
}

// regions3 are the regions that have zones here, sorted by name.
func regions3() []map[string]any {
	var set []map[string]any
	for code := range zoneTable {
		set = append(set, map[string]any{"Region": longRegion(code), "RegionName": regionName(code), "RegionState": "AVAILABLE"})
	}
	sort.Slice(set, func(i, j int) bool { return set[i]["Region"].(string) < set[j]["Region"].(string) })
	return set
}

func (s *Server) describeRegions3(c *call3) (map[string]any, *api3Err) {
	set := regions3()
	return map[string]any{"TotalCount": len(set), "RegionSet": set}, nil
}

// describeProductRegions3 is region DescribeRegions: Product is required;
// cvm, cdb and clb (the legacy instanceType 1, 2, 3, §6 row 52) all list
// the regions the emulator has [inferred].
func (s *Server) describeProductRegions3(c *call3) (map[string]any, *api3Err) {
	prod, err := str3(c, "Product", true)
	if err != nil {
		return nil, err
	}
	if !slices.Contains([]string{"cvm", "cdb", "clb"}, prod) {
		return nil, err3("InvalidParameterValue", "the product %q is not served by this emulator: cvm, cdb or clb", prod)
	}
	set := regions3()
	for _, r := range set {
		// The product-scoped RegionInfo (region 2022-06-27, api 2020-11-06)
		// also has the console's members, which API callers get empty
		// [inferred: "api调用时默认null" for RegionTypeMC; the strings are
		// kept strings, as everywhere here].
		r["RegionTypeMC"], r["LocationMC"], r["RegionNameMC"], r["RegionIdMC"] = nil, "", "", ""
	}
	return map[string]any{"TotalCount": len(set), "RegionSet": set}, nil
}

func (s *Server) describeProductZones3(c *call3) (map[string]any, *api3Err) {
	if _, err := str3(c, "Product", true); err != nil {
		return nil, err
	}
	var set []map[string]any
	for _, code := range sortedRegionCodes() {
		rg := s.regionLocked(code)
		for _, z := range rg.zones {
			// The product-scoped ZoneInfo adds a parent zone (an edge
			// zone's; none here), a zone type and the console's members
			// [inferred: empty for API callers, as RegionInfo's].
			zi := s.zone3(rg, z)
			zi["ParentZone"], zi["ParentZoneId"], zi["ParentZoneName"], zi["ZoneType"] = "", "", "", ""
			zi["MachineRoomTypeMC"], zi["ZoneIdMC"] = "", ""
			set = append(set, zi)
		}
	}
	return map[string]any{"TotalCount": len(set), "ZoneSet": set}, nil
}

func (s *Server) describeProducts3(c *call3) (map[string]any, *api3Err) {
	set := []map[string]any{{"Name": "cvm"}, {"Name": "cdb"}, {"Name": "clb"}}
	return map[string]any{"TotalCount": len(set), "Products": set}, nil
}

func sortedRegionCodes() []string {
	var out []string
	for code := range zoneTable {
		out = append(out, code)
	}
	sort.Strings(out)
	return out
}

// instanceTypes3 lists the types a zone sells: every family in every size
// of the shared core's shapes.
func instanceTypes3() []struct {
	family   string
	cpu, mem int
} {
	var out []struct {
		family   string
		cpu, mem int
	}
	cores := make([]int, 0, len(validShapes))
	for c := range validShapes {
		cores = append(cores, c)
	}
	sort.Ints(cores)
	for _, f := range typeFamilies {
		for _, c := range cores {
			for _, m := range validShapes[c] {
				out = append(out, struct {
					family   string
					cpu, mem int
				}{f, c, m})
			}
		}
	}
	return out
}

var typeFilters3 = map[string]bool{"zone": true, "instance-family": true, "instance-type": true, "instance-charge-type": true}

// typeRows3 lists (zone, type) pairs that pass the filters.
func (s *Server) typeRows3(c *call3, each func(z zone, family string, cpu, mem int)) *api3Err {
	fs, err := filters3(c, typeFilters3, 10, 100)
	if err != nil {
		return err
	}
	for _, z := range c.rg.zones {
	next:
		for _, t := range instanceTypes3() {
			name := instanceTypeName(t.family, t.cpu, t.mem)
			for _, f := range fs {
				ok := false
				switch f.name {
				case "zone":
					ok = f.contains(zoneName3(c.rg.code, z))
				case "instance-family":
					ok = f.contains(t.family)
				case "instance-type":
					ok = f.contains(name)
				case "instance-charge-type":
					ok = f.contains("POSTPAID_BY_HOUR") || f.contains("PREPAID")
				}
				if !ok {
					continue next
				}
			}
			each(z, t.family, t.cpu, t.mem)
		}
	}
	return nil
}

func (s *Server) describeInstanceTypeConfigs3(c *call3) (map[string]any, *api3Err) {
	set := []map[string]any{}
	err := s.typeRows3(c, func(z zone, family string, cpu, mem int) {
		set = append(set, map[string]any{"Zone": zoneName3(c.rg.code, z), "InstanceType": instanceTypeName(family, cpu, mem),
			"InstanceFamily": family, "GPU": 0, "CPU": cpu, "Memory": mem, "FPGA": 0, "GpuCount": 0, "GpuType": "",
			"GpuMemory": 0})
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"InstanceTypeConfigSet": set}, nil
}

func (s *Server) describeZoneInstanceConfigInfos3(c *call3) (map[string]any, *api3Err) {
	set := []map[string]any{}
	err := s.typeRows3(c, func(z zone, family string, cpu, mem int) {
		for _, charge := range []string{"POSTPAID_BY_HOUR", "PREPAID"} {
			inst, _ := quote3(charge == "PREPAID", cpu, mem, 0, 0, 1, 1)
			set = append(set, map[string]any{
				"Zone": zoneName3(c.rg.code, z), "InstanceType": instanceTypeName(family, cpu, mem),
				"InstanceChargeType": charge, "NetworkCard": 0, "Externals": map[string]any{},
				"Cpu": cpu, "Memory": mem, "InstanceFamily": family, "TypeName": "Standard " + family,
				"LocalDiskTypeList": []any{}, "Status": "SELL", "Price": price3(charge == "PREPAID", inst),
				"SoldOutReason": "", "InstanceBandwidth": 1.5, "InstancePps": 30, "StorageBlockAmount": 0,
				"CpuType": "Intel Xeon", "Gpu": 0, "Fpga": 0, "Remark": "", "GpuCount": 0, "Frequency": "2.5GHz",
				"StatusCategory": "EnoughStock",
			})
		}
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"InstanceTypeQuotaSet": set}, nil
}

// ---- images ----

var (
	imageTypes3  = map[int]string{imagePrivate: "PRIVATE_IMAGE", imagePublic: "PUBLIC_IMAGE", imageShared: "SHARED_IMAGE", imageMarket: "MARKET_IMAGE"}
	imageStates3 = map[int]string{imageCreating: "CREATING", imageNormal: "NORMAL", imageInUse: "NORMAL", imageSyncing: "SYNCING", imageCopying: "SYNCING"}
	imageIDRE    = regexp.MustCompile(`^img-[a-z0-9]{8}$`)
	imageFilters = map[string]bool{"image-id": true, "image-type": true, "image-name": true, "platform": true,
		"tag-key": true, "tag-value": true, "tag:": true, "dedicated-cluster-id": true, "cdc-cache-status": true, "image-state": true}
)

func (rg *region) image3(img *image) map[string]any {
	platform := "Linux"
	if img.windows {
		platform = "Windows"
	}
	arch := "x86_64"
	return map[string]any{
		"ImageId": img.id, "OsName": img.osName, "ImageType": imageTypes3[img.typ], "CreatedTime": time3(img.created),
		"ImageName": img.name, "ImageDescription": img.desc, "ImageSize": 50, "Architecture": arch,
		"ImageState": imageStates3[img.status], "Platform": platform, "ImageCreator": img.creator,
		"ImageSource": map[bool]string{true: "OFFICIAL", false: "CREATE_IMAGE"}[img.typ == imagePublic],
		"SyncPercent": nil, "IsSupportCloudinit": true, "SnapshotSet": []any{}, "Tags": []any{},
		"LicenseType": "TencentCloud", "ImageFamily": "", "ImageDeprecated": false,
		"CdcCacheStatus": "", // not cached in a CDC: the emulator has none
	}
}

// imageMatches3 reports whether an image passes one filter of
// DescribeImages.
func imageMatches3(img *image, f filter) bool {
	switch f.name {
	case "image-id":
		return f.contains(img.id)
	case "image-type":
		return f.contains(imageTypes3[img.typ])
	case "image-name":
		return f.has(func(v string) bool { return strings.Contains(img.name, v) })
	case "image-state":
		return f.contains(imageStates3[img.status])
	case "platform":
		return f.contains(map[bool]string{true: "Windows", false: "Linux"}[img.windows]) ||
			f.has(func(v string) bool { return strings.Contains(strings.ToLower(img.osName), strings.ToLower(v)) })
	}
	return false
}

func (s *Server) describeImages3(c *call3) (map[string]any, *api3Err) {
	l, err := list3(c, listSpec{ids: "ImageIds", filters: imageFilters, maxValues: 5,
		coexist: "InvalidParameter.InvalidParameterCoexistImageIdsFilters",
		idRE:    imageIDRE, malformed: "InvalidImageId.Malformed", idTemplate: "img-xxxxxxxx"})
	if err != nil {
		return nil, err
	}
	rg := c.rg
	rg.settle(c.now)
	var all []*image
	for _, id := range rg.imageSeq {
		img := rg.images[id]
		if l.wants(id, func(f filter) bool { return imageMatches3(img, f) }) {
			all = append(all, img)
		}
	}
	set := []map[string]any{}
	for _, img := range pageOf(all, l.offset, l.limit) {
		set = append(set, rg.image3(img))
		if s.opts.AutoAdvance != nil && img.next != 0 {
			img.seenMoving = true
		}
	}
	return map[string]any{"TotalCount": len(all), "ImageSet": set}, nil
}

func (s *Server) createImage3(c *call3) (map[string]any, *api3Err) {
	name, err := str3(c, "ImageName", true)
	if err != nil {
		return nil, err
	}
	id, err := str3(c, "InstanceId", true)
	if err != nil {
		return nil, err
	}
	c.q.v.Set("InstanceIds.0", id)
	force, _, err := bool3(c, "ForcePoweroff")
	if err != nil {
		return nil, err
	}
	// The legacy contract images stopped instances; the newer one also a
	// running one with ForcePoweroff, which is shut down first and left
	// stopped [inferred: the member says only "强制关机"].
	ins, err := s.targets3(c, "InstanceIds", 1, stoppedOrForced(force))
	if err != nil {
		return nil, err
	}
	if dry, _, _ := bool3(c, "DryRun"); dry {
		return nil, err3("DryRunOperation", "the request would have succeeded, but DryRun is set")
	}
	if in := ins[0]; in.status == stRunning {
		in.status, in.lastOp, in.lastOpRequest = stStopped, "StopInstances", parseReqID(s.requestID)
	}
	img, ierr := s.makeImage(c.rg, c.now, ins[0], name, c.q.v.Get("ImageDescription"))
	if ierr != nil {
		return nil, fromLegacy(ierr)
	}
	return map[string]any{"ImageId": img.id}, nil
}

// ownImage3 finds a private image of the region.
func (s *Server) ownImage3(c *call3, id string) (*image, *api3Err) {
	if !imageIDRE.MatchString(id) {
		return nil, err3("InvalidImageId.Malformed", "the image id %q is malformed: want img-xxxxxxxx", id)
	}
	img, ok := c.rg.images[id]
	if !ok {
		return nil, err3("InvalidImageId.NotFound", "the image %s is not found", id)
	}
	if img.typ != imagePrivate {
		return nil, err3("InvalidImageId.NotFound", "the image %s is not a private image of this account", id)
	}
	return img, nil
}

func (s *Server) deleteImages3(c *call3) (map[string]any, *api3Err) {
	ids, err := ids3(c, "ImageIds", true, 100)
	if err != nil {
		return nil, err
	}
	c.rg.settle(c.now)
	for _, id := range ids {
		img, err := s.ownImage3(c, id)
		if err != nil {
			return nil, err
		}
		if c.rg.inUse(img) {
			return nil, err3("InvalidImageId.InShared", "the image %s is used by an instance", id)
		}
		if img.status != imageNormal {
			return nil, err3("InvalidImageId.IncorrectState", "the image %s is %s", id, imageStates3[img.status])
		}
	}
	if dry, _, _ := bool3(c, "DryRun"); dry {
		return nil, err3("DryRunOperation", "the request would have succeeded, but DryRun is set")
	}
	for _, id := range ids {
		img := c.rg.images[id]
		if err := c.rg.deletableImage(img); err != nil {
			return nil, fromLegacy(err)
		}
	}
	for _, id := range ids {
		c.rg.deleteImage(c.rg.images[id])
	}
	return map[string]any{}, nil
}

func (s *Server) modifyImageAttribute3(c *call3) (map[string]any, *api3Err) {
	id, err := str3(c, "ImageId", true)
	if err != nil {
		return nil, err
	}
	img, err := s.ownImage3(c, id)
	if err != nil {
		return nil, err
	}
	var name, desc *string
	if n := c.q.v.Get("ImageName"); n != "" {
		name = &n
	}
	if c.q.has("ImageDescription") {
		desc = new(c.q.v.Get("ImageDescription"))
	}
	if err := renameImage(img, name, desc); err != nil {
		return nil, fromLegacy(err)
	}
	return map[string]any{}, nil
}

func (s *Server) syncImages3(c *call3) (map[string]any, *api3Err) {
	ids, err := ids3(c, "ImageIds", true, 10)
	if err != nil {
		return nil, err
	}
	dsts, err := ids3(c, "DestinationRegions", true, 0)
	if err != nil {
		return nil, err
	}
	var imgs []*image
	for _, id := range ids {
		img, err := s.ownImage3(c, id)
		if err != nil {
			return nil, err
		}
		imgs = append(imgs, img)
	}
	var targets []*region
	for _, d := range dsts {
		code, ok := lookupLongRegion(d)
		if !ok {
			return nil, err3("InvalidRegion.NotFound", "the region %q is not found", d)
		}
		if code == c.rg.code {
			return nil, err3("InvalidParameterValue", "the destination region %s is the source region", d)
		}
		if code == "ca" || code == "usw" || code == "use" {
			// As the legacy contract documents [inferred for API 3.0].
			return nil, err3("InvalidRegion.Unavailable", "images cannot be copied to North America (%s)", d)
		}
		targets = append(targets, s.regionLocked(code))
	}
	if dry, _, _ := bool3(c, "DryRun"); dry {
		return nil, err3("DryRunOperation", "the request would have succeeded, but DryRun is set")
	}
	if err := s.copyImages(c.now, imgs, targets); err != nil {
		return nil, fromLegacy(err)
	}
	return map[string]any{"ImageSet": []any{}}, nil
}

// lookupLongRegion finds a region by its newer name only.
func lookupLongRegion(name string) (string, bool) {
	for code := range zoneTable {
		if longRegion(code) == name {
			return code, true
		}
	}
	return "", false
}

func (s *Server) modifyImageSharePermission3(c *call3) (map[string]any, *api3Err) {
	id, err := str3(c, "ImageId", true)
	if err != nil {
		return nil, err
	}
	accounts, err := ids3(c, "AccountIds", true, maxShares)
	if err != nil {
		return nil, err
	}
	perm, err := oneOf3(c, "Permission", "", "SHARE", "CANCEL")
	if err != nil {
		return nil, err
	}
	if perm == "" {
		return nil, err3("MissingParameter", "the parameter Permission is required: SHARE or CANCEL")
	}
	img, err := s.ownImage3(c, id)
	if err != nil {
		return nil, err
	}
	if err := shareImageWith(img, c.now, accounts, perm == "CANCEL"); err != nil {
		return nil, fromLegacy(err)
	}
	return map[string]any{}, nil
}

func (s *Server) describeImageSharePermission3(c *call3) (map[string]any, *api3Err) {
	id, err := str3(c, "ImageId", true)
	if err != nil {
		return nil, err
	}
	img, err := s.ownImage3(c, id)
	if err != nil {
		return nil, err
	}
	accounts := make([]string, 0, len(img.shares))
	for a := range img.shares {
		accounts = append(accounts, a)
	}
	sort.Strings(accounts)
	set := []map[string]any{}
	for _, a := range accounts {
		set = append(set, map[string]any{"AccountId": a, "CreatedTime": time3(img.shares[a])})
	}
	return map[string]any{"SharePermissionSet": set}, nil
}

// ---- key pairs ----

var keyIDRE = regexp.MustCompile(`^skey-[a-z0-9]{8}$`)

func (rg *region) keyPair3(k *keyPair) map[string]any {
	ids := []string{}
	for _, in := range rg.keyBoundTo(k.id) {
		ids = append(ids, in.id)
	}
	return map[string]any{"KeyId": k.id, "KeyName": k.name, "ProjectId": k.projectID, "Description": k.desc,
		"PublicKey": k.pubkey, "PrivateKey": "", // shown once, by CreateKeyPair only
		"AssociatedInstanceIds": ids, "CreatedTime": time3(k.created), "Tags": rg.tagSet3("cvm", "keypair", k.id)}
}

func (s *Server) describeKeyPairs3(c *call3) (map[string]any, *api3Err) {
	l, err := list3(c, listSpec{ids: "KeyIds", maxValues: 5, coexist: "InvalidParameter",
		filters: map[string]bool{"project-id": true, "key-name": true, "tag-key": true, "tag-value": true, "tag:": true}})
	if err != nil {
		return nil, err
	}
	rg := c.rg
	rg.settle(c.now)
	keys := make([]*keyPair, 0, len(rg.keyPairs))
	for _, k := range rg.keyPairs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].seq < keys[j].seq })
	var all []*keyPair
	for _, k := range keys {
		if l.wants(k.id, func(f filter) bool {
			switch f.name {
			case "project-id":
				return f.contains(strconv.Itoa(k.projectID))
			case "key-name":
				return f.contains(k.name)
			}
			return false
		}) {
			all = append(all, k)
		}
	}
	set := []map[string]any{}
	for _, k := range pageOf(all, l.offset, l.limit) {
		set = append(set, rg.keyPair3(k))
	}
	return map[string]any{"TotalCount": len(all), "KeyPairSet": set}, nil
}

// keyName3 checks a key name with the newer contract's codes.
// keyProject3 reads the ProjectId the newer contract requires (§6 row 54).
func (s *Server) keyProject3(c *call3) (int, *api3Err) {
	pid, err := int3(c, "ProjectId", true, 0, 0, 1<<31-1)
	if err != nil {
		return 0, err
	}
	if !c.rg.projects[pid] {
		return 0, err3("InvalidProjectId.NotFound", "the project %d is not found", pid)
	}
	return pid, nil
}

func (s *Server) createKeyPair3(c *call3) (map[string]any, *api3Err) {
	pid, err := s.keyProject3(c)
	if err != nil {
		return nil, err
	}
	tags, err := tagSpec3(c, "keypair")
	if err != nil {
		return nil, err
	}
	k, secret, cerr := s.makeKeyPair(c.rg, c.now, c.q.v.Get("KeyName"), pid)
	if cerr != nil {
		return nil, fromLegacy(cerr)
	}
	c.rg.tagNew("cvm", "keypair", k.id, tags)
	kp := c.rg.keyPair3(k)
	kp["PrivateKey"] = string(secret)
	return map[string]any{"KeyPair": kp}, nil
}

func (s *Server) importKeyPair3(c *call3) (map[string]any, *api3Err) {
	pub, err := str3(c, "PublicKey", true)
	if err != nil {
		return nil, err
	}
	pid, err := s.keyProject3(c)
	if err != nil {
		return nil, err
	}
	tags, err := tagSpec3(c, "keypair")
	if err != nil {
		return nil, err
	}
	k, ierr := s.importPublicKey(c.rg, c.now, c.q.v.Get("KeyName"), pub, pid)
	if ierr != nil {
		return nil, fromLegacy(ierr)
	}
	c.rg.tagNew("cvm", "keypair", k.id, tags)
	return map[string]any{"KeyId": k.id}, nil
}

// key3 finds a key pair by id.
func (s *Server) key3(c *call3, id string) (*keyPair, *api3Err) {
	if !keyIDRE.MatchString(id) {
		return nil, err3("InvalidKeyPairId.Malformed", "the key pair id %q is malformed: want skey-xxxxxxxx", id)
	}
	k, ok := c.rg.keyPairs[id]
	if !ok {
		return nil, err3("InvalidKeyPairId.NotFound", "the key pair %s is not found", id)
	}
	return k, nil
}

func (s *Server) modifyKeyPairAttribute3(c *call3) (map[string]any, *api3Err) {
	id, err := str3(c, "KeyId", true)
	if err != nil {
		return nil, err
	}
	k, err := s.key3(c, id)
	if err != nil {
		return nil, err
	}
	if c.q.has("KeyName") {
		if err := c.rg.checkKeyName(c.q.v.Get("KeyName"), k); err != nil {
			return nil, fromLegacy(err)
		}
		k.name = c.q.v.Get("KeyName")
	}
	if c.q.has("Description") {
		if utf8.RuneCountInString(c.q.v.Get("Description")) > 60 {
			return nil, err3("InvalidParameterValue", "Description is at most 60 characters")
		}
		k.desc = c.q.v.Get("Description")
	}
	return map[string]any{}, nil
}

func (s *Server) deleteKeyPairs3(c *call3) (map[string]any, *api3Err) {
	ids, err := ids3(c, "KeyIds", true, 100)
	if err != nil {
		return nil, err
	}
	c.rg.settle(c.now)
	for _, id := range ids {
		k, err := s.key3(c, id)
		if err != nil {
			return nil, err
		}
		if len(c.rg.keyBoundTo(k.id)) > 0 {
			// [inferred] no documented code names a bound key.
			return nil, err3("FailedOperation", "the key pair %s is bound to an instance; disassociate it first", id)
		}
	}
	for _, id := range ids {
		delete(c.rg.keyPairs, id)
	}
	return map[string]any{}, nil
}

// keyPairs3 binds or unbinds keys: the newer contract takes several
// KeyIds, the legacy one a keyId, so each key is one legacy call; all are
// checked first.
func (s *Server) keyPairs3(c *call3, action string) (map[string]any, *api3Err) {
	keys, err := ids3(c, "KeyIds", true, 100)
	if err != nil {
		return nil, err
	}
	for _, id := range keys {
		if _, err := s.key3(c, id); err != nil {
			return nil, err
		}
	}
	force, _, err := bool3(c, "ForceStop")
	if err != nil {
		return nil, err
	}
	ins, err := s.targets3(c, "InstanceIds", 100, func(in *instance) *api3Err {
		if in.image.windows {
			return err3("UnsupportedOperation.KeyPairUnsupportedWindows", "the instance %s runs Windows, which takes no key pair", in.id)
		}
		return stoppedOrForced(force)(in)
	})
	if err != nil {
		return nil, err
	}
	var restart []*instance
	for _, in := range ins {
		if in.status == stRunning {
			in.status = stStopped // ForceStop: shut down, then started again
			restart = append(restart, in)
		}
	}
	for _, k := range keys {
		if err := bindKey(c.rg.keyPairs[k], ins, action == "UnBindInstanceKey"); err != nil {
			return nil, fromLegacy(err)
		}
	}
	for _, in := range restart {
		s.move(c.rg, in, c.now, stStarting, stRunning)
	}
	return map[string]any{}, nil
}

func (s *Server) associateKeyPairs3(c *call3) (map[string]any, *api3Err) {
	return s.keyPairs3(c, "BindInstanceKey")
}

func (s *Server) disassociateKeyPairs3(c *call3) (map[string]any, *api3Err) {
	return s.keyPairs3(c, "UnBindInstanceKey")
}
