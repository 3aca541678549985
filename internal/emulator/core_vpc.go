package emulator

// VPCs and subnets (vpc 2017-03-12): each region has a default VPC,
// 172.16.0.0/16, with a default /20 subnet in every zone, as accounts made
// since the basic network was retired have [inferred: the console's
// defaults; the pages name the default VPC and subnets without their
// blocks]. A VPC's block is a /16 to /28 of a private range; a subnet's
// lies inside its VPC's, /16 to /29, overlapping no other; an instance in
// a subnet takes an address of it. Each VPC has its main route table, with
// the local route. The ids of the defaults are derived from the region,
// so that they draw nothing from the generator every other id comes from.

import (
	"fmt"
	"hash/fnv"
	"net/netip"
	"slices"
	"time"
)

// vpc is a VPC of a region.
type vpc struct {
	id, name  string
	cidr      netip.Prefix
	isDefault bool
	multicast bool
	dns       []string
	domain    string
	created   time.Time
	routeID   string // its main route table
}

// subnet is a subnet of a VPC, in one zone.
type subnet struct {
	id, name, vpcID string
	cidr            netip.Prefix
	zone            zone
	isDefault       bool
	broadcast       bool
	created         time.Time
	// used are the addresses taken, by what took them (an instance or a
	// network interface id).
	used map[netip.Addr]string
	// low is no higher than the lowest free address, where take starts
	// looking (so that filling a subnet is linear, not quadratic).
	low netip.Addr
}

// Limits [inferred: the console's default quotas].
const (
	maxVPCsPerRegion  = 20
	maxSubnetsPerVPC  = 100
	reservedPerSubnet = 3 // the network's, the gateway's and the last address
)

// privateRanges are the blocks a VPC's may lie in (RFC 1918).
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16"),
}

// derivedID is an id for a default resource: prefix and 8 letters and
// digits from a hash of its key.
func derivedID(prefix, key string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	h := fnv.New64a()
	h.Write([]byte(key))
	n := h.Sum64()
	b := make([]byte, 8)
	for i := range b {
		b[i] = alphabet[n%uint64(len(alphabet))]
		n /= uint64(len(alphabet))
	}
	return prefix + string(b)
}

// addDefaultNetwork gives a new region its default VPC and a default
// subnet in each zone.
func (rg *region) addDefaultNetwork(created time.Time) {
	v := &vpc{id: derivedID("vpc-", "default "+rg.code), name: "Default-VPC", cidr: netip.MustParsePrefix("172.16.0.0/16"),
		isDefault: true, created: created, routeID: derivedID("rtb-", "default "+rg.code)}
	rg.vpcs[v.id] = v
	rg.vpcSeq = append(rg.vpcSeq, v.id)
	for i, z := range rg.zones {
		base := netip.AddrFrom4([4]byte{172, 16, byte(16 * i), 0})
		sn := &subnet{id: derivedID("subnet-", "default "+rg.code+" "+z.name), name: "Default-Subnet", vpcID: v.id,
			cidr: netip.PrefixFrom(base, 20), zone: z, isDefault: true, created: created, used: map[netip.Addr]string{}}
		rg.subnets[sn.id] = sn
		rg.subnetSeq = append(rg.subnetSeq, sn.id)
	}
}

// defaultSubnet is the default VPC's subnet of a zone, if any.
func (rg *region) defaultSubnet(z zone) *subnet {
	for _, id := range rg.subnetSeq {
		if sn := rg.subnets[id]; sn.isDefault && sn.zone.id == z.id {
			return sn
		}
	}
	return nil
}

// vpcBlockOK reports whether p may be a VPC's block.
func vpcBlockOK(p netip.Prefix) bool {
	if !p.Addr().Is4() || p.Bits() < 16 || p.Bits() > 28 || p.Masked() != p {
		return false
	}
	return slices.ContainsFunc(privateRanges, func(r netip.Prefix) bool { return r.Bits() <= p.Bits() && r.Contains(p.Addr()) })
}

// subnetsOf lists a VPC's subnets, in creation order.
func (rg *region) subnetsOf(vpcID string) []*subnet {
	var out []*subnet
	for _, id := range rg.subnetSeq {
		if sn := rg.subnets[id]; sn.vpcID == vpcID {
			out = append(out, sn)
		}
	}
	return out
}

// size is how many addresses a block holds.
func size(p netip.Prefix) int { return 1 << (32 - p.Bits()) }

// available is how many addresses of the subnet can still be taken.
func (sn *subnet) available() int { return max(size(sn.cidr)-reservedPerSubnet-len(sn.used), 0) }

// reserved reports whether an address of the subnet is one it keeps.
func (sn *subnet) reserved(a netip.Addr) bool {
	first := sn.cidr.Addr()
	last := lastAddr(sn.cidr)
	return a == first || a == first.Next() || a == last
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().As4()
	n := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n |= 1<<(32-p.Bits()) - 1
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

// usable reports whether a can be given to something: in the subnet, not
// kept by it, not taken.
func (sn *subnet) usable(a netip.Addr) reason {
	switch {
	case !sn.cidr.Contains(a) || sn.reserved(a):
		return reasonAddrNotInSubnet
	case sn.used[a] != "":
		return reasonAddrTaken
	}
	return reasonUnspecified
}

// take gives owner an address of the subnet: want if set (checked with
// usable before), else the lowest free one. ok is false when the subnet
// is full.
func (sn *subnet) take(owner string, want netip.Addr) (netip.Addr, bool) {
	if want.IsValid() {
		sn.used[want] = owner
		return want, true
	}
	a := sn.cidr.Addr().Next().Next()
	if sn.low.IsValid() && sn.low.Compare(a) > 0 {
		a = sn.low
	}
	for ; sn.cidr.Contains(a); a = a.Next() {
		if !sn.reserved(a) && sn.used[a] == "" {
			sn.used[a] = owner
			sn.low = a.Next()
			return a, true
		}
	}
	return netip.Addr{}, false
}

// releaseAddr frees the address owner holds (addr, as it knows it), or
// whatever it holds when that is not it.
func (sn *subnet) releaseAddr(addr, owner string) {
	a, err := netip.ParseAddr(addr)
	if err != nil || sn.used[a] != owner {
		sn.release(owner)
		return
	}
	delete(sn.used, a)
	if !sn.low.IsValid() || a.Compare(sn.low) < 0 {
		sn.low = a
	}
}

// release frees what owner took of the subnet.
func (sn *subnet) release(owner string) {
	for a, o := range sn.used {
		if o == owner {
			delete(sn.used, a)
			if !sn.low.IsValid() || a.Compare(sn.low) < 0 {
				sn.low = a
			}
		}
	}
}

// inUse names what keeps a subnet (or, with every subnet of it, a VPC)
// from being deleted: an instance or a network interface in it.
func (rg *region) subnetInUse(sn *subnet) string {
	for _, owner := range sn.used {
		return owner
	}
	for _, in := range rg.instSeq {
		if in.subnetID == sn.id && in.status != stGone {
			return in.id
		}
	}
	return ""
}

// checkPlacement checks, and completes, where a purchase puts its
// instances: a subnet of the VPC named, in the instances' zone, with room
// for them and the addresses asked for free; or, with defaultNet and no
// VPC, the zone's default subnet.
func (rg *region) checkPlacement(c *createSpec) *apiError {
	if c.vpcID == "" && c.defaultNet {
		if sn := rg.defaultSubnet(c.zone); sn != nil {
			c.vpcID, c.subnetID = sn.vpcID, sn.id
		}
	}
	if c.vpcID == "" {
		if len(c.privateIPs) > 0 {
			return invalid("private addresses need a VPC and subnet")
		}
		return nil
	}
	v, ok := rg.vpcs[c.vpcID]
	if !ok {
		return refuse(reasonVpcNotFound, "the VPC %s does not exist", c.vpcID)
	}
	sn, ok := rg.subnets[c.subnetID]
	switch {
	case !ok:
		return refuse(reasonSubnetNotFound, "the subnet %s does not exist", c.subnetID)
	case sn.vpcID != v.id:
		return refuse(reasonVpcSubnetMismatch, "the subnet %s is not in the VPC %s", sn.id, v.id)
	case sn.zone.id != c.zone.id:
		return refuse(reasonSubnetZoneMismatch, "the subnet %s is in zone %d, not %d", sn.id, sn.zone.id, c.zone.id)
	case len(c.privateIPs) > max(c.goodsNum, 1):
		return invalid("%d private addresses for %d instances", len(c.privateIPs), max(c.goodsNum, 1))
	}
	seen := map[netip.Addr]bool{}
	for _, a := range c.privateIPs {
		ip, err := netip.ParseAddr(a)
		if err != nil || !ip.Is4() {
			return withDesc(invalid("%q is not an IPv4 address", a), "InvalidParameter.InvalidIpFormat")
		}
		if r := sn.usable(ip); r != reasonUnspecified {
			return refuse(r, "the address %s cannot be given in subnet %s (%s)", ip, sn.id, sn.cidr)
		}
		if seen[ip] {
			return refuse(reasonAddrTaken, "the address %s is asked for twice", ip)
		}
		seen[ip] = true
	}
	if sn.available() < max(c.goodsNum, 1) {
		return refuse(reasonSubnetFull, "the subnet %s has %d addresses left, not %d", sn.id, sn.available(), max(c.goodsNum, 1))
	}
	return nil
}

// addVPC gives a new VPC its id and its main route table's, and keeps it.
func (s *Server) addVPC(rg *region, v *vpc) {
	v.id = s.newID("vpc-", func(id string) bool { return rg.vpcs[id] != nil })
	v.routeID = s.newID("rtb-", func(id string) bool { return rg.routeTable(id) != nil })
	rg.vpcs[v.id] = v
	rg.vpcSeq = append(rg.vpcSeq, v.id)
	rg.gen++
}

// routeTable is the VPC whose main route table has this id.
func (rg *region) routeTable(id string) *vpc {
	for _, v := range rg.vpcs {
		if v.routeID == id {
			return v
		}
	}
	return nil
}

// subnetBlock says why p cannot be the block of a new subnet of v (the
// API 3.0 code and why), or "" when it can: a /16 to /29, inside the
// VPC's block, overlapping none of its subnets.
func (rg *region) subnetBlock(v *vpc, p netip.Prefix) (code, why string) {
	switch {
	case p.Masked() != p || p.Bits() < 16 || p.Bits() > 29:
		return "InvalidParameterValue.SubnetRange", fmt.Sprintf("CidrBlock %s must be a /16 to /29 block", p)
	case !v.cidr.Contains(p.Addr()) || p.Bits() < v.cidr.Bits():
		return "InvalidParameterValue.SubnetRange", fmt.Sprintf("CidrBlock %s is not inside the VPC's %s", p, v.cidr)
	}
	for _, sn := range rg.subnetsOf(v.id) {
		if sn.cidr.Overlaps(p) {
			return "InvalidParameterValue.SubnetConflict", fmt.Sprintf("CidrBlock %s overlaps the subnet %s (%s)", p, sn.id, sn.cidr)
		}
	}
	return "", ""
}

// addSubnet gives a new subnet its id and keeps it.
func (s *Server) addSubnet(rg *region, sn *subnet) {
	sn.id = s.newID("subnet-", func(id string) bool { return rg.subnets[id] != nil })
	sn.used = map[netip.Addr]string{}
	rg.subnets[sn.id] = sn
	rg.subnetSeq = append(rg.subnetSeq, sn.id)
	rg.gen++
}
