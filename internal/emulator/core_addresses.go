package emulator

// The core's EIP operations, with typed arguments and refusals; both front
// doors call them.

import (
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// allocateEIPs makes n EIPs, unbound once their creation is over, within
// the region's quota and the day's.
func (s *Server) allocateEIPs(rg *region, now time.Time, n int) ([]*eip, *apiError) {
	day := rg.today(now)
	if len(rg.eips)+n > eipNumQuota {
		return nil, refuse(reasonAddressQuota, "(EIP_QUOTA)at most %d EIPs per region; %d exist", eipNumQuota, len(rg.eips))
	}
	if day.applied+n > eipDailyApplyQuota {
		return nil, refuse(reasonAddressQuota, "(EIP_DAILY_QUOTA)at most %d EIPs applied for a day; %d today", eipDailyApplyQuota, day.applied)
	}
	day.applied += n
	out := make([]*eip, 0, n)
	for range n {
		e := s.newEIP(rg, now)
		s.moveEIP(e, now, eipCreating, eipUnbound)
		out = append(out, e)
	}
	return out, nil
}

// releaseEIPs releases unbound EIPs: all of them, or none when one is not.
func (rg *region) releaseEIPs(now time.Time, ids []string) *apiError {
	rg.settle(now)
	for _, id := range ids {
		e, err := rg.eip(id)
		if err != nil {
			return err
		}
		if e.status != eipUnbound {
			return refuse(reasonAddressState, "EIP %s is not unbound (status %d); unbind it first", id, e.status)
		}
	}
	for _, id := range ids {
		delete(rg.eips, id)
		rg.dropTags("vpc", "eip", id)
	}
	rg.eipSeq = slices.DeleteFunc(rg.eipSeq, func(id string) bool { return rg.eips[id] == nil })
	return nil
}

// renameEIP names an EIP: at most 20 characters.
func renameEIP(e *eip, name string, now time.Time) *apiError {
	if utf8.RuneCountInString(name) > 20 {
		return invalid("eipName is longer than 20 characters")
	}
	e.name, e.updated = name, now
	return nil
}

// setEIPMode sets a bound EIP's direct connection (1) or not (0).
func setEIPMode(e *eip, mode int, now time.Time) *apiError {
	if e.status != eipBound {
		return refuse(reasonAddressState, "EIP %s must be bound to change its mode", e.id)
	}
	e.mode, e.updated = mode, now
	return nil
}

// eipTargetOf finds where an EIP is bound: an instance (its primary IP on
// its primary network interface) or a network interface and one of its
// private IPs (spec §5.4). It answers the instance and the private IP.
func (rg *region) eipTargetOf(instID, eniID, privateIP string) (*instance, string, *apiError) {
	switch {
	case instID != "" && eniID != "":
		return nil, "", invalid("give unInstanceId or networkInterfaceId with privateIpAddress, not both")
	case instID != "":
		in := rg.instance(instID)
		if in == nil {
			return nil, "", notFound("instance", instID)
		}
		return in, in.lanIP, nil
	case eniID != "":
		if privateIP == "" {
			return nil, "", missing("privateIpAddress, which networkInterfaceId needs")
		}
		in := rg.instanceByENI(eniID)
		if in == nil {
			return nil, "", notFound("network interface", eniID)
		}
		if privateIP != in.lanIP {
			return nil, "", invalid("privateIpAddress %s is not an address of network interface %s", privateIP, eniID)
		}
		return in, privateIP, nil
	}
	return nil, "", missing("unInstanceId (or networkInterfaceId and privateIpAddress)")
}

// bindEIP binds an unbound EIP to a running instance with none, which
// loses its ordinary public IP.
func (s *Server) bindEIP(rg *region, now time.Time, e *eip, in *instance, privateIP string) *apiError {
	if e.status != eipUnbound {
		return refuse(reasonAddressState, "EIP %s is not unbound (status %d)", e.id, e.status)
	}
	if in.status != stRunning {
		return statusErr(in, stRunning)
	}
	if other := rg.eipOf(in.id); other != nil {
		return refuse(reasonAddressState, "instance %s already has EIP %s", in.id, other.id)
	}
	in.wanIPs = []string{e.ip}
	e.instanceID, e.privateIP, e.eniID = in.id, privateIP, in.eniID()
	s.moveEIP(e, now, eipBinding, eipBound)
	return nil
}

// unbindEIP unbinds a bound EIP; with realloc, its instance gets an
// ordinary public IP again (within the day's quota of them).
func (s *Server) unbindEIP(rg *region, now time.Time, e *eip, realloc bool) *apiError {
	if e.status != eipBound {
		return refuse(reasonAddressState, "EIP %s is not bound (status %d)", e.id, e.status)
	}
	// Every check comes before any change: a refused call changes nothing.
	in := rg.instance(e.instanceID)
	var day *eipDay
	if in != nil && realloc {
		day = rg.today(now)
		if day.allocatedWan >= eipDailyAllocWanIP {
			return errf(5100, "at most %d new public IPs a day", eipDailyAllocWanIP)
		}
	}
	if in != nil {
		in.wanIPs = nil
		if day != nil {
			day.allocatedWan++
			in.wanIPs = []string{fmt.Sprintf("119.29.%d.%d", s.rng.IntN(256), 2+s.rng.IntN(250))}
		}
	}
	e.instanceID, e.privateIP, e.eniID = "", "", ""
	s.moveEIP(e, now, eipUnbinding, eipUnbound)
	return nil
}

// eipQuota is how many EIPs the region has and may have, and the day's
// counts and limits.
type eipQuota struct {
	total, totalLimit, applied, appliedLimit, wanIPs, wanIPLimit int
}

func (rg *region) eipQuota(now time.Time) eipQuota {
	day := rg.today(now)
	return eipQuota{len(rg.eips), eipNumQuota, day.applied, eipDailyApplyQuota, day.allocatedWan, eipDailyAllocWanIP}
}

// transformWanIP makes an instance's ordinary public IP an EIP bound to it.
func (s *Server) transformWanIP(rg *region, now time.Time, in *instance) (*eip, *apiError) {
	if other := rg.eipOf(in.id); other != nil {
		return nil, refuse(reasonAddressState, "instance %s already has EIP %s", in.id, other.id)
	}
	if len(in.wanIPs) == 0 {
		return nil, errf(5100, "instance %s has no public IP", in.id)
	}
	if len(rg.eips) >= eipNumQuota {
		return nil, refuse(reasonAddressQuota, "(EIP_QUOTA)at most %d EIPs per region", eipNumQuota)
	}
	e := s.newEIP(rg, now)
	e.ip, e.instanceID, e.privateIP, e.eniID, e.status = in.wanIPs[0], in.id, in.lanIP, in.eniID(), eipBound
	return e, nil
}
