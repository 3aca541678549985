package emulator

// The core's operations on instances, with typed arguments and typed
// refusals: both front doors call them, the legacy one per id of its
// batches (each id's own result), the API 3.0 one after checking every id
// (all or nothing). Neither hands the other its wire form.

import (
	"net"
	"net/netip"
	"time"
)

// transition is a change of state the core starts on an instance: the
// state it needs, the one it passes through, the one it ends in.
type transition struct{ from, via, to int }

var (
	powerOn  = transition{stStopped, stStarting, stRunning}
	powerOff = transition{stRunning, stStopping, stStopped}
	reboot   = transition{stRunning, stRestarting, stRunning}
)

// begin starts t on in, or refuses it when in is not in t's state.
func (s *Server) begin(rg *region, in *instance, t transition, now time.Time) *apiError {
	if in.status != t.from {
		return statusErr(in, t.from)
	}
	s.move(rg, in, now, t.via, t.to)
	return nil
}

// moveToProject puts an instance in a project of the account.
func (rg *region) moveToProject(in *instance, project int) *apiError {
	if !rg.projects[project] {
		e := invalid("projectId %d does not exist", project)
		e.codeDesc = "InvalidParameter.ProjectIdNotFound"
		return e
	}
	in.projectID = project
	rg.members++
	return nil
}

// reinstall puts an image (nil: the instance's own) on a running or
// stopped instance, with a new password and, when sized, a new system
// disk size.
func (s *Server) reinstall(rg *region, now time.Time, in *instance, img *image, password string, rootSize int, sized bool) *apiError {
	if img == nil {
		img = in.image
	}
	if password != "" {
		if err := checkPassword(password, img.windows); err != nil {
			return err
		}
	}
	if in.status != stRunning && in.status != stStopped {
		return statusErr(in, stRunning, stStopped)
	}
	if sized && (img.windows && rootSize != 50 || !img.windows && (rootSize > 50 || rootSize%10 != 0)) {
		return invalid("rootSize %d is not valid for this image", rootSize)
	}
	switch {
	case sized:
		in.rootSize = rootSize
	case img.windows:
		in.rootSize = 50
	}
	if img.windows != in.image.windows {
		in.diskRoot = s.newID("disk-", func(string) bool { return false })
	}
	in.image = img
	s.move(rg, in, now, stReinstall, stRunning)
	return nil
}

// availableImage finds an image of the region an instance can be made of.
func (rg *region) availableImage(id string) (*image, *apiError) {
	img, ok := rg.images[id]
	if !ok || img.status == imageCreating {
		e := invalid("imageId %s is not an available image", id)
		e.codeDesc = "InvalidParameter.MissImageId"
		return nil, e
	}
	return img, nil
}

// resizeTo changes a stopped instance's configuration; downgrades are
// refused, as documented. A prepaid instance's change is an order, which
// it answers (0 for an hourly one).
func (s *Server) resizeTo(rg *region, now time.Time, in *instance, cpu, mem, storage int) (int64, *apiError) {
	if err := checkShape(cpu, mem); err != nil {
		return 0, err
	}
	if cpu < in.cpu || mem < in.mem || storage < in.storageSize {
		e := invalid("downgrades are not supported: cpu %d→%d, mem %d→%d, storageSize %d→%d", in.cpu, cpu, in.mem, mem, in.storageSize, storage)
		e.codeDesc = "NotSupport.InstanceConfig"
		return 0, e
	}
	if storage%10 != 0 {
		return 0, invalid("storageSize must be a multiple of 10, got %d", storage)
	}
	if in.status != stStopped {
		return 0, statusErr(in, stStopped)
	}
	oldCPU, oldMem := in.cpu, in.mem
	in.cpu, in.mem, in.storageSize = cpu, mem, storage
	if storage > 0 && in.diskData == "" {
		in.diskData, in.storTyp = s.newID("disk-", func(string) bool { return false }), 2
	}
	s.move(rg, in, now, stUpgrading, stStopped)
	if in.payMode != payPrepaid {
		return 0, nil
	}
	return s.newDeal(rg, now, 4, 21, map[string]any{"instanceId": in.id, "oldCpu": oldCPU, "upgradeCpu": in.cpu,
		"oldMem": oldMem, "upgradeMem": in.mem}, nil), nil
}

// setBandwidth changes an instance's outgoing bandwidth, within the cap of
// its billing. A prepaid instance's may only be raised, from start to end
// (YYYY-MM-DD), by an order, which it answers (0 for an hourly one).
func (s *Server) setBandwidth(rg *region, now time.Time, in *instance, bw int, start, end string) (int64, *apiError) {
	badBandwidth := func(format string, args ...any) *apiError {
		e := invalid(format, args...)
		e.codeDesc = "InvalidParameter.Bandwidth"
		return e
	}
	if in.payMode != payPrepaid {
		if c := bandwidthCap(in.bandwidthType); bw > c {
			return 0, badBandwidth("bandwidth %d exceeds %d Mbps for %s", bw, c, in.bandwidthType)
		}
		if in.status != stRunning && in.status != stStopped {
			return 0, statusErr(in, stRunning, stStopped)
		}
		in.bandwidth = bw
		return 0, nil
	}
	for _, d := range []string{start, end} {
		if _, err := time.Parse("2006-01-02", d); err != nil {
			return 0, invalid("startTime and endTime must be YYYY-MM-DD, got %q", d)
		}
	}
	if bw < in.bandwidth {
		return 0, badBandwidth("bandwidth can only be raised: %d < %d", bw, in.bandwidth)
	}
	if c := bandwidthCap(in.bandwidthType); bw > c {
		return 0, badBandwidth("bandwidth %d exceeds %d Mbps", bw, c)
	}
	old := in.bandwidth
	in.bandwidth = bw
	return s.newDeal(rg, now, 5, 16, map[string]any{"instanceId": in.id, "bandwidth": bw, "oldBandwidth": old,
		"startTime": start, "endTime": end}, nil), nil
}

// notPrepaid refuses an operation of prepaid instances on another.
func notPrepaid(in *instance) *apiError {
	e := invalid("instance %s is not prepaid", in.id)
	e.codeDesc = "NotSupport.NotPrepaidUser"
	return e
}

// renew extends a prepaid instance by period months (1 to 36), by an
// order, which it answers.
func (s *Server) renew(rg *region, now time.Time, in *instance, period int) (int64, *apiError) {
	if in.payMode != payPrepaid {
		return 0, notPrepaid(in)
	}
	if period < 1 || period > 36 {
		return 0, refuse(reasonBadPeriod, "period must be between 1 and 36, got %d", period)
	}
	in.deadline = in.deadline.AddDate(0, period, 0)
	return s.newDeal(rg, now, 1, 15, map[string]any{"instanceId": in.id, "timeSpan": period}, nil), nil
}

// setRenewal sets a prepaid instance's renewal: 0 notify and renew by
// hand, 1 notify and renew by itself, 2 neither.
func setRenewal(in *instance, flag int) *apiError {
	if in.payMode != payPrepaid {
		return errf(5100, "instance %s is not prepaid", in.id)
	}
	in.autoRenew = flag
	return nil
}

// moveAddress gives an instance of a VPC another private address, in a
// subnet of that VPC: an IPv4 address no other instance has, not one the
// subnet reserves.
func (rg *region) moveAddress(in *instance, vpcID, subnetID, address string) *apiError {
	ip := net.ParseIP(address)
	if ip == nil || ip.To4() == nil {
		return withDesc(invalid("%q is not an IPv4 address", address), "InvalidParameter.InvalidIpFormat")
	}
	if in.vpcID == "" || in.vpcID != vpcID {
		return invalid("instance %s is not in %s: 不支持跨vpcId操作", in.id, vpcID)
	}
	if last := ip.To4()[3]; last == 0 || last == 1 || last == 255 {
		return withDesc(invalid("%s is reserved", ip), "InvalidParameter.NotSupportReservedIp")
	}
	for _, other := range rg.instances {
		if other != in && other.lanIP == ip.String() {
			return withDesc(invalid("%s is used by %s", ip, other.id), "InvalidParameter.IpInUse")
		}
	}
	if in.status != stRunning && in.status != stStopped {
		return statusErr(in, stRunning, stStopped)
	}
	if to := rg.subnets[subnetID]; to != nil || rg.vpcs[vpcID] != nil {
		// A VPC the emulator keeps: the subnet must be its, and the
		// address one of the subnet's and free.
		if to == nil || to.vpcID != vpcID {
			return refuse(reasonSubnetNotFound, "the subnet %s is not in the VPC %s", subnetID, vpcID)
		}
		a, _ := netip.AddrFromSlice(ip.To4())
		if r := to.usable(a); r != reasonUnspecified && to.used[a] != in.id {
			return refuse(r, "the address %s cannot be given in subnet %s (%s)", a, to.id, to.cidr)
		}
		if from := rg.subnets[in.subnetID]; from != nil {
			from.releaseAddr(in.lanIP, in.id)
		}
		to.take(in.id, a)
	}
	in.subnetID, in.lanIP = subnetID, ip.String()
	return nil
}
