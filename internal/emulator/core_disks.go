package emulator

// Cloud disks (cbs 2017-03-12). A region's disks are of two kinds, seen
// as one list: the portable data disks CreateDisks makes, kept here, and
// each instance's own system and data disks, which are the instance's
// (their ids, sizes and types are the ones it was bought with) and are
// shown as disks of it, attached, never portable. A portable disk attaches
// to an instance of its zone and moves through ATTACHING, DETACHING and
// EXPANDING on the emulator's clock; an instance's termination detaches
// it, or terminates it too when it was attached with DeleteWithInstance.

import (
	"slices"
	"time"
)

// Disk states.
const (
	diskUnattached = "UNATTACHED"
	diskAttaching  = "ATTACHING"
	diskAttached   = "ATTACHED"
	diskDetaching  = "DETACHING"
	diskExpanding  = "EXPANDING"
)

// disk is a portable cloud disk.
type disk struct {
	id, name   string
	zone       zone
	typ        string // CLOUD_PREMIUM, CLOUD_SSD, ...
	size       int    // GiB
	charge     string // POSTPAID_BY_HOUR or PREPAID
	deadline   time.Time
	projectID  int
	state      string
	instanceID string // attached to, or being attached to
	deleteWith bool   // terminated with its instance
	created    time.Time
	// next is the state a transition ends in at nextAt; nextSize the size
	// an expansion ends with.
	next       string
	nextAt     time.Time
	nextSize   int
	seenMoving bool // a describe showed it moving (AutoAdvance)
}

// Limits [inferred: the CBS product pages' usage limits]: at most 50
// disks a call, 20 data disks an instance, sizes in steps of 10 GiB up to
// 32,000.
const (
	maxDisksPerCall     = 50
	maxDisksPerInstance = 20
	maxDiskSize         = 32000
	diskStep            = 10
)

// minDiskSize is the smallest disk of a type (CLOUD_BASIC and
// CLOUD_PREMIUM 10 GiB, the SSDs 20) [inferred: the product pages].
var minDiskSize = map[string]int{"CLOUD_BASIC": 10, "CLOUD_PREMIUM": 10, "CLOUD_SSD": 20, "CLOUD_BSSD": 20, "CLOUD_HSSD": 20}

// settleDisks ends the disks' transitions that are due.
func (rg *region) settleDisks(now time.Time) {
	for _, d := range rg.disks {
		if d.next == "" || now.Before(d.nextAt) {
			continue
		}
		if d.state == diskExpanding {
			d.size = d.nextSize
		}
		if d.next == diskUnattached {
			d.instanceID = ""
		}
		d.state, d.next, d.seenMoving = d.next, "", false
		rg.gen++
	}
}

// moveDisk starts a transition that ends in state after the emulator's
// transition time (at once when that is 0).
func (s *Server) moveDisk(d *disk, now time.Time, during, then string) {
	if s.opts.Transition <= 0 {
		d.state = then
		if then == diskUnattached {
			d.instanceID = ""
		}
		return
	}
	d.state, d.next, d.nextAt = during, then, now.Add(s.opts.Transition)
}

// disksOn lists the portable disks attached, or being attached, to an
// instance, in creation order.
func (rg *region) disksOn(instanceID string) []*disk {
	if len(rg.disks) == 0 {
		return nil // every instance of a DescribeInstances page asks: most regions have none
	}
	var out []*disk
	for _, id := range rg.diskSeq {
		if d := rg.disks[id]; d.instanceID == instanceID {
			out = append(out, d)
		}
	}
	return out
}

// instanceGone lets a removed instance's portable disks go: detached, or
// terminated with it.
func (rg *region) instanceGone(instanceID string) {
	for _, d := range rg.disksOn(instanceID) {
		if d.deleteWith {
			rg.removeDisk(d)
			continue
		}
		d.state, d.next, d.instanceID = diskUnattached, "", ""
	}
}

// addDisk gives a new portable disk its id and keeps it, tagged.
func (s *Server) addDisk(rg *region, d *disk, tags []tagKV) {
	d.id = s.newID("disk-", func(id string) bool { return rg.disks[id] != nil })
	rg.disks[d.id] = d
	rg.diskSeq = append(rg.diskSeq, d.id)
	rg.tagNew("cvm", "volume", d.id, tags)
	rg.gen++
}

func (rg *region) removeDisk(d *disk) {
	delete(rg.disks, d.id)
	rg.diskSeq = slices.DeleteFunc(rg.diskSeq, func(id string) bool { return id == d.id })
	rg.dropTags("cvm", "volume", d.id)
}
