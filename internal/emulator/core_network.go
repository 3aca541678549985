package emulator

// The core's network-interface operations, with typed arguments and
// refusals; both front doors call them.

import (
	"slices"
	"time"
)

// attachInterface attaches an elastic network interface of a VPC to a
// running or stopped instance of that VPC and zone, and answers the VPC
// task that does it.
func (s *Server) attachInterface(rg *region, now time.Time, vpcID, eniID, instID string) (int64, *apiError) {
	rg.settle(now)
	e, ok := rg.enis[eniID]
	if !ok || e.vpcID != vpcID {
		if !rg.vpcKnown(vpcID) {
			return 0, withDesc(errf(5000, "vpc %s does not exist", vpcID), "InvalidVpc.NotFound")
		}
		return 0, withDesc(errf(5000, "network interface %s does not exist in %s", eniID, vpcID), "InvalidNetworkInterface.NotFound")
	}
	in := rg.instance(instID)
	if in == nil {
		return 0, withDesc(errf(5000, "instance %s does not exist", instID), "InvalidInstance.NotFound")
	}
	if e.instanceID != "" {
		return 0, withDesc(errf(5100, "弹性网卡和云服务器已绑定: %s is attached to %s", e.id, e.instanceID), "InvalidNetworkInterface.AlreadyAssociated")
	}
	if in.status != stRunning && in.status != stStopped {
		return 0, statusErr(in, stRunning, stStopped)
	}
	if in.vpcID != vpcID {
		return 0, invalid("instance %s is not in %s: 弹性网卡绑定的云服务器必须是私有网络的", in.id, vpcID)
	}
	if in.zone.id != e.zoneID {
		return 0, invalid("instance %s is in zone %d, the interface's subnet in %d", in.id, in.zone.id, e.zoneID)
	}
	e.instanceID = in.id
	id := s.nextSeq() + 16000
	s.vpcTasks[id] = vpcTask{doneAt: now.Add(s.opts.Transition)}
	return id, nil
}

// setInterfaceGroups replaces the groups of network interfaces (an
// instance's primary one is the instance's), once every one is checked:
// all or none. order names the interfaces of groups in turn.
func (rg *region) setInterfaceGroups(now time.Time, groups map[string][]string, order []string) *apiError {
	rg.settle(now)
	var apply []func()
	for _, id := range order {
		sgs := groups[id]
		for _, sg := range sgs {
			if rg.sgs[sg] == nil {
				return refuse(reasonGroupNotFound, "安全组不存在: %s", sg)
			}
		}
		next := slices.Clone(sgs)
		if in := rg.instanceByENI(id); in != nil {
			apply = append(apply, func() { in.sgIDs = next })
		} else if e, ok := rg.enis[id]; ok {
			apply = append(apply, func() { e.sgIDs = next })
		} else {
			return notFound("network interface", id)
		}
	}
	for _, f := range apply {
		f()
	}
	return nil
}
