package emulator

// API 3.0 actions of service cbs 2017-03-12 on cloud disks (core_disks.go):
// CreateDisks, DescribeDisks, AttachDisks, DetachDisks, TerminateDisks,
// ResizeDisk, ModifyDiskAttributes and DescribeDiskConfigQuota. Answers
// have every member of the Node SDK's cbs models (Disk, DiskConfig). The
// error codes are CBS's as its pages name them [inferred where the pages
// of an action list none for the case].

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

func init() {
	register3("cbs", map[string]handler3{
		"CreateDisks":             {fn: (*Server).createDisks3},
		"DescribeDisks":           {fn: (*Server).describeDisks3, reads: true},
		"AttachDisks":             {fn: (*Server).attachDisks3},
		"DetachDisks":             {fn: (*Server).detachDisks3},
		"TerminateDisks":          {fn: (*Server).terminateDisks3},
		"ResizeDisk":              {fn: (*Server).resizeDisk3},
		"ModifyDiskAttributes":    {fn: (*Server).modifyDiskAttributes3},
		"DescribeDiskConfigQuota": {fn: (*Server).describeDiskConfigQuota3, reads: true},
	})
}

var diskIDRE = regexp.MustCompile(`^disk-[a-z0-9]{8}$`)

// diskView is a disk as the answers show it: a portable one, or one of an
// instance's own.
type diskView struct {
	id, name, typ, state, usage, charge, instanceID string
	zone                                            zone
	size, projectID                                 int
	portable, deleteWith                            bool
	created                                         time.Time
	deadline                                        time.Time
}

// diskViews lists the region's disks: the portable ones in creation
// order, then each instance's system and data disks.
func (rg *region) diskViews() []diskView {
	var out []diskView
	for _, id := range rg.diskSeq {
		d := rg.disks[id]
		out = append(out, diskView{id: d.id, name: d.name, typ: d.typ, state: d.state, usage: "DATA_DISK", charge: d.charge,
			instanceID: d.instanceID, zone: d.zone, size: d.size, projectID: d.projectID, portable: true,
			deleteWith: d.deleteWith, created: d.created, deadline: d.deadline})
	}
	for _, in := range rg.instSeq {
		if in.status == stGone {
			continue
		}
		charge := chargeType3(in)
		out = append(out, diskView{id: in.diskRoot, name: in.name + "-system", typ: in.systemDiskType3(), state: diskAttached,
			usage: "SYSTEM_DISK", charge: charge, instanceID: in.id, zone: in.zone, size: in.rootSize, projectID: in.projectID,
			deleteWith: true, created: in.created, deadline: in.deadline})
		if in.storageSize > 0 {
			out = append(out, diskView{id: in.diskData, name: in.name + "-data", typ: in.dataDiskType3(), state: diskAttached,
				usage: "DATA_DISK", charge: charge, instanceID: in.id, zone: in.zone, size: in.storageSize, projectID: in.projectID,
				deleteWith: true, created: in.created, deadline: in.deadline})
		}
	}
	return out
}

// disk3 is a disk as DescribeDisks shows it: every member of the model.
func (rg *region) disk3(v diskView) map[string]any {
	ids := []string{}
	if v.instanceID != "" {
		ids = append(ids, v.instanceID)
	}
	return map[string]any{"DiskId": v.id, "DiskName": v.name, "DiskType": v.typ, "DiskSize": v.size, "DiskState": v.state,
		"DiskUsage": v.usage, "DiskChargeType": v.charge, "Portable": v.portable, "Attached": v.instanceID != "" && v.state != diskAttaching,
		"InstanceId": v.instanceID, "InstanceIdList": ids, "InstanceType": instanceTypeOfDisk(v), "LastAttachInsId": v.instanceID,
		"DeleteWithInstance": v.deleteWith, "Placement": map[string]any{"Zone": zoneName3(rg.code, v.zone), "ProjectId": v.projectID,
			"CageId": "", "CdcId": "", "CdcName": "", "DedicatedClusterId": "", "ProjectName": ""},
		"CreateTime": apiTime(v.created), "DeadlineTime": deadline3(v.deadline), "RenewFlag": "NOTIFY_AND_MANUAL_RENEW",
		"Encrypt": false, "EncryptType": "", "KmsKeyId": "", "Shareable": false, "SnapshotAbility": true, "SnapshotCount": 0,
		"SnapshotSize": 0, "AutoSnapshotPolicyIds": []string{}, "ThroughputPerformance": 0, "BurstPerformance": false,
		"Rollbacking": false, "RollbackPercent": 0, "Migrating": false, "MigratePercent": 0, "BackupDisk": false,
		"DiskBackupQuota": 0, "DiskBackupCount": 0, "IsReturnable": v.portable && v.charge == "PREPAID", "ReturnFailCode": 0,
		"DeadlineError": false, "AutoRenewFlagError": false, "DifferDaysOfDeadline": 0, "DeleteSnapshot": 0,
		"AttachMode": "", "ErrorPrompt": "", "Tags": rg.tagSet3("cvm", "volume", v.id)}
}

func instanceTypeOfDisk(v diskView) string {
	if v.instanceID == "" {
		return ""
	}
	return "CVM"
}

func deadline3(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return apiTime(t)
}

// portable3 finds portable disks by id: a malformed id, one of no disk, or
// an instance's own disk are refused.
func (s *Server) portable3(c *call3, ids []string) ([]*disk, *api3Err) {
	out := make([]*disk, 0, len(ids))
	for _, id := range ids {
		if !diskIDRE.MatchString(id) {
			return nil, err3("InvalidDiskId.NotFound", "the disk id %q is malformed: want disk-xxxxxxxx", id)
		}
		d, ok := c.rg.disks[id]
		if !ok {
			if slices.ContainsFunc(c.rg.diskViews(), func(v diskView) bool { return v.id == id }) {
				return nil, err3("ResourceUnavailable.NotPortable", "the disk %s is an instance's own, not a portable disk", id)
			}
			return nil, err3("InvalidDiskId.NotFound", "the disk %s is not found", id)
		}
		out = append(out, d)
	}
	return out, nil
}

// diskType3 reads a disk type CreateDisks sells.
func diskType3(c *call3, name string, required bool) (string, *api3Err) {
	t, err := str3(c, name, required)
	if err != nil || t == "" {
		return t, err
	}
	if _, ok := minDiskSize[t]; !ok || t == "CLOUD_BASIC" {
		return "", err3("InvalidParameterValue", "%s %q: want CLOUD_PREMIUM, CLOUD_SSD, CLOUD_BSSD or CLOUD_HSSD", name, t)
	}
	return t, nil
}

// checkDiskSize checks a size for a type: its minimum to 32,000 GiB, in
// steps of 10.
func checkDiskSize(typ string, size int) *api3Err {
	if size < minDiskSize[typ] || size > maxDiskSize || size%diskStep != 0 {
		return err3("InvalidParameter.DiskSizeNotMultipleOfStepSize", "DiskSize %d: a %s disk is %d to %d GiB in steps of %d",
			size, typ, minDiskSize[typ], maxDiskSize, diskStep)
	}
	return nil
}

func (s *Server) createDisks3(c *call3) (map[string]any, *api3Err) {
	zoneName, err := str3(c, "Placement.Zone", true)
	if err != nil {
		return nil, err
	}
	z, ok := c.rg.zoneByName3(zoneName)
	if !ok {
		return nil, err3("InvalidParameterValue", "the zone %q is not a zone of %s", zoneName, longRegion(c.rg.code))
	}
	charge, err := oneOf3(c, "DiskChargeType", "", "POSTPAID_BY_HOUR", "PREPAID")
	if err != nil {
		return nil, err
	}
	if charge == "" {
		return nil, err3("MissingParameter", "the parameter DiskChargeType is required")
	}
	typ, err := diskType3(c, "DiskType", true)
	if err != nil {
		return nil, err
	}
	size, err := int3(c, "DiskSize", true, 0, 0, 1<<31-1)
	if err != nil {
		return nil, err
	}
	if err := checkDiskSize(typ, size); err != nil {
		return nil, err
	}
	count, err := int3(c, "DiskCount", false, 1, 1, maxDisksPerCall)
	if err != nil {
		return nil, err
	}
	name := c.q.v.Get("DiskName")
	if len(name) > 60 {
		return nil, err3("InvalidParameterValue", "DiskName is longer than 60 bytes")
	}
	if name == "" {
		name = "未命名"
	}
	project, err := int3(c, "Placement.ProjectId", false, 0, 0, 1<<31-1)
	if err != nil {
		return nil, err
	}
	if !c.rg.projects[project] {
		return nil, err3("InvalidProjectId.NotFound", "the project %d does not exist", project)
	}
	period := 0
	if charge == "PREPAID" {
		if period, err = int3(c, "DiskChargePrepaid.Period", true, 0, 1, 36); err != nil {
			return nil, err
		}
	}
	tags, err := tagSpec3(c, "volume")
	if err != nil {
		return nil, err
	}
	token := c.q.v.Get("ClientToken")
	key := tokenKey(tokenDisks, c.rg, token)
	if prev, ok := s.tokens[key]; ok && token != "" {
		return map[string]any{"DiskIdSet": slices.Clone(prev.ids)}, nil
	}
	ids := make([]string, 0, count)
	for range count {
		d := &disk{name: name, zone: z, typ: typ, size: size, charge: charge, projectID: project, state: diskUnattached, created: c.now}
		if period > 0 {
			d.deadline = c.now.AddDate(0, period, 0)
		}
		s.addDisk(c.rg, d, tags)
		ids = append(ids, d.id)
	}
	if token != "" {
		s.tokens[key] = tokenResult{action: "cbs CreateDisks", ids: ids}
	}
	return map[string]any{"DiskIdSet": ids}, nil
}

// diskFilters3 are DescribeDisks's filters (the model's comment).
var diskFilters3 = map[string]bool{"disk-usage": true, "disk-charge-type": true, "portable": true, "project-id": true,
	"disk-id": true, "disk-name": true, "disk-type": true, "disk-state": true, "instance-id": true, "zone": true,
	"instance-ip-address": true, "instance-name": true, "tag-key": true, "tag-value": true, "tag:": true,
	"dedicated-cluster-id": true, "cluster-group-id": true}

func (rg *region) diskMatches3(v diskView, f filter) bool {
	switch f.name {
	case "disk-usage":
		return f.contains(v.usage)
	case "disk-charge-type":
		return f.contains(v.charge)
	case "portable":
		return f.has(func(s string) bool { return strings.EqualFold(s, strconv.FormatBool(v.portable)) })
	case "project-id":
		return f.contains(strconv.Itoa(v.projectID))
	case "disk-id":
		return f.contains(v.id)
	case "disk-name":
		return f.contains(v.name)
	case "disk-type":
		return f.contains(v.typ)
	case "disk-state":
		return f.contains(v.state)
	case "instance-id":
		return f.contains(v.instanceID)
	case "zone":
		return f.contains(zoneName3(rg.code, v.zone))
	case "instance-ip-address", "instance-name":
		in := rg.instances[v.instanceID]
		if in == nil {
			return false
		}
		if f.name == "instance-name" {
			return f.contains(in.name)
		}
		return f.contains(in.lanIP) || f.has(func(s string) bool { return slices.Contains(in.wanIPs, s) })
	}
	ok, _ := rg.tagMatch(f, "cvm", "volume", v.id)
	return ok
}

func (s *Server) describeDisks3(c *call3) (map[string]any, *api3Err) {
	l, err := list3(c, listSpec{ids: "DiskIds", filters: diskFilters3, maxValues: 100, coexist: "InvalidParameter",
		idRE: diskIDRE, malformed: "InvalidDiskId.NotFound", idTemplate: "disk-xxxxxxxx"})
	if err != nil {
		return nil, err
	}
	c.rg.settle(c.now)
	c.rg.settleDisks(c.now)
	var all []diskView
	for _, v := range c.rg.diskViews() {
		if l.wants(v.id, func(f filter) bool { return c.rg.diskMatches3(v, f) }) {
			all = append(all, v)
		}
	}
	if c.q.v.Get("Order") == "DESC" {
		slices.Reverse(all)
	}
	set := []map[string]any{}
	for _, v := range pageOf(all, l.offset, l.limit) {
		set = append(set, c.rg.disk3(v))
		if d := c.rg.disks[v.id]; d != nil && s.opts.AutoAdvance != nil && d.next != "" {
			d.seenMoving = true
		}
	}
	return map[string]any{"TotalCount": len(all), "DiskSet": set}, nil
}

func (s *Server) attachDisks3(c *call3) (map[string]any, *api3Err) {
	ids, err := ids3(c, "DiskIds", true, maxDisksPerInstance)
	if err != nil {
		return nil, err
	}
	insID, err := str3(c, "InstanceId", true)
	if err != nil {
		return nil, err
	}
	c.rg.settle(c.now)
	c.rg.settleDisks(c.now)
	in, ok := c.rg.instances[insID]
	if !ok || in.status == stGone {
		return nil, err3("InvalidInstanceId.NotFound", "the instance %s is not found", insID)
	}
	if in.status != stRunning && in.status != stStopped {
		return nil, err3("InvalidInstance.NotSupported", "the instance %s is %s: disks attach to RUNNING or STOPPED instances", in.id, instanceState3(in))
	}
	deleteWith, _, err := bool3(c, "DeleteWithInstance")
	if err != nil {
		return nil, err
	}
	disks, err := s.portable3(c, ids)
	if err != nil {
		return nil, err
	}
	// All or nothing: every disk is checked before any attaches.
	for _, d := range disks {
		switch {
		case d.state != diskUnattached:
			return nil, err3("ResourceUnavailable.Attached", "the disk %s is %s, not UNATTACHED", d.id, d.state)
		case d.zone.id != in.zone.id:
			return nil, err3("ResourceUnavailable.ZoneNotMatch", "the disk %s is in %s, the instance in %s", d.id,
				zoneName3(c.rg.code, d.zone), zoneName3(c.rg.code, in.zone))
		}
	}
	if n := len(c.rg.disksOn(in.id)) + len(disks); n > maxDisksPerInstance {
		return nil, err3("LimitExceeded.InstanceAttachedDisk", "the instance %s would have %d data disks, more than %d", in.id, n, maxDisksPerInstance)
	}
	for _, d := range disks {
		d.instanceID, d.deleteWith = in.id, deleteWith
		s.moveDisk(d, c.now, diskAttaching, diskAttached)
	}
	c.rg.gen++
	return map[string]any{}, nil
}

// diskIDs3 reads DiskIds (at most max) as portable disks, their
// transitions settled.
func (s *Server) diskIDs3(c *call3, max int) ([]*disk, *api3Err) {
	ids, err := ids3(c, "DiskIds", true, max)
	if err != nil {
		return nil, err
	}
	c.rg.settleDisks(c.now)
	return s.portable3(c, ids)
}

func (s *Server) detachDisks3(c *call3) (map[string]any, *api3Err) {
	disks, err := s.diskIDs3(c, maxDisksPerInstance)
	if err != nil {
		return nil, err
	}
	insID := c.q.v.Get("InstanceId")
	for _, d := range disks {
		switch {
		case d.state != diskAttached:
			return nil, err3("ResourceUnavailable.NotAttached", "the disk %s is %s, not ATTACHED", d.id, d.state)
		case insID != "" && d.instanceID != insID:
			return nil, err3("InvalidParameterValue", "the disk %s is attached to %s, not %s", d.id, d.instanceID, insID)
		}
	}
	for _, d := range disks {
		s.moveDisk(d, c.now, diskDetaching, diskUnattached)
	}
	c.rg.gen++
	return map[string]any{}, nil
}

func (s *Server) terminateDisks3(c *call3) (map[string]any, *api3Err) {
	disks, err := s.diskIDs3(c, maxDisksPerCall)
	if err != nil {
		return nil, err
	}
	for _, d := range disks {
		if d.state != diskUnattached {
			return nil, err3("ResourceUnavailable.Attached", "the disk %s is %s: detach it first", d.id, d.state)
		}
	}
	for _, d := range disks {
		c.rg.removeDisk(d)
	}
	c.rg.gen++
	return map[string]any{}, nil
}

func (s *Server) resizeDisk3(c *call3) (map[string]any, *api3Err) {
	id, err := str3(c, "DiskId", true)
	if err != nil {
		return nil, err
	}
	c.rg.settleDisks(c.now)
	disks, err := s.portable3(c, []string{id})
	if err != nil {
		return nil, err
	}
	d := disks[0]
	size, err := int3(c, "DiskSize", true, 0, 0, 1<<31-1)
	if err != nil {
		return nil, err
	}
	switch {
	case d.next != "":
		return nil, err3("ResourceBusy", "the disk %s is %s", d.id, d.state)
	case size <= d.size:
		return nil, err3("InvalidParameterValue", "DiskSize %d must be larger than the disk's %d GiB: disks only grow", size, d.size)
	}
	if err := checkDiskSize(d.typ, size); err != nil {
		return nil, err
	}
	if s.opts.Transition <= 0 {
		d.size = size
	} else {
		d.nextSize = size
		d.state, d.next, d.nextAt = diskExpanding, d.state, c.now.Add(s.opts.Transition)
	}
	c.rg.gen++
	return map[string]any{}, nil
}

func (s *Server) modifyDiskAttributes3(c *call3) (map[string]any, *api3Err) {
	disks, err := s.diskIDs3(c, maxDisksPerCall)
	if err != nil {
		return nil, err
	}
	name := c.q.v.Get("DiskName")
	if c.q.has("DiskName") && (name == "" || len(name) > 60) {
		return nil, err3("InvalidParameterValue", "DiskName must be 1 to 60 bytes")
	}
	if c.q.has("DiskName") && len(disks) > 1 {
		return nil, err3("InvalidParameterValue", "DiskName changes one disk at a time")
	}
	project, hasProject := 0, c.q.has("ProjectId")
	if hasProject {
		if project, err = int3(c, "ProjectId", false, 0, 0, 1<<31-1); err != nil {
			return nil, err
		}
		if !c.rg.projects[project] {
			return nil, err3("InvalidProjectId.NotFound", "the project %d does not exist", project)
		}
	}
	deleteWith, hasDeleteWith, err := bool3(c, "DeleteWithInstance")
	if err != nil {
		return nil, err
	}
	if portable, set, err := bool3(c, "Portable"); err != nil {
		return nil, err
	} else if set && !portable {
		return nil, err3("InvalidParameterValue", "a portable disk cannot be made non-portable")
	}
	typ, err := diskType3(c, "DiskType", false)
	if err != nil {
		return nil, err
	}
	for _, d := range disks {
		if typ != "" && d.size < minDiskSize[typ] {
			return nil, err3("InvalidParameterValue", "the disk %s is too small for %s", d.id, typ)
		}
	}
	for _, d := range disks {
		if c.q.has("DiskName") {
			d.name = name
		}
		if hasProject {
			d.projectID = project
		}
		if hasDeleteWith {
			d.deleteWith = deleteWith
		}
		if typ != "" {
			d.typ = typ
		}
	}
	c.rg.gen++
	return map[string]any{}, nil
}

func (s *Server) describeDiskConfigQuota3(c *call3) (map[string]any, *api3Err) {
	inquiry, err := oneOf3(c, "InquiryType", "", "INQUIRY_CBS_CONFIG", "INQUIRY_CVM_CONFIG")
	if err != nil {
		return nil, err
	}
	if inquiry == "" {
		return nil, err3("MissingParameter", "the parameter InquiryType is required")
	}
	zones := c.q.list("Zones")
	types := c.q.list("DiskTypes")
	charge := c.q.v.Get("DiskChargeType")
	usage := c.q.v.Get("DiskUsage")
	if usage == "" {
		usage = "DATA_DISK"
	}
	set := []map[string]any{}
	for _, z := range c.rg.zones {
		name := zoneName3(c.rg.code, z)
		if len(zones) > 0 && !slices.Contains(zones, name) {
			continue
		}
		for _, t := range []string{"CLOUD_PREMIUM", "CLOUD_SSD", "CLOUD_BSSD", "CLOUD_HSSD"} {
			if len(types) > 0 && !slices.Contains(types, t) {
				continue
			}
			for _, ch := range []string{"POSTPAID_BY_HOUR", "PREPAID"} {
				if charge != "" && charge != ch {
					continue
				}
				set = append(set, map[string]any{"Available": true, "DiskChargeType": ch, "Zone": name, "InstanceFamily": "",
					"DiskType": t, "StepSize": diskStep, "ExtraPerformanceRange": []int{}, "DeviceClass": "", "DiskUsage": usage,
					"MinDiskSize": minDiskSize[t], "MaxDiskSize": maxDiskSize,
					"Price": map[string]any{"ChargeUnit": "HOUR", "DiscountPrice": nil, "DiscountPriceHigh": "", "OriginalPrice": nil,
						"OriginalPriceHigh": "", "UnitPrice": 0.01, "UnitPriceDiscount": 0.01, "UnitPriceDiscountHigh": "0.01",
						"UnitPriceHigh": "0.01"}})
			}
		}
	}
	return map[string]any{"DiskConfigSet": set}, nil
}
