package cvm

import (
	"context"
	"fmt"
)

type eniOfGroupResponse struct {
	envelope
	Data struct {
		TotalCount          jsonInt `json:"totalCount"`
		NetworkInterfaceSet []struct {
			NetworkInterfaceID jsonString `json:"networkInterfaceId"`
		} `json:"networkInterfaceSet"`
	} `json:"data"`
}

// NetworkInterfaces returns the ids of the network interfaces a security
// group is associated with (an interface may be in several groups).
//
// It calls the DescribeNetworkInterfacesOfSecurityGroup action.
func (s *SecurityGroupsService) NetworkInterfaces(ctx context.Context, sgID string) ([]string, *Response, error) {
	if err := checkID("sgID", sgID); err != nil {
		return nil, nil, err
	}
	var out eniOfGroupResponse
	resp, err := s.client.do(ctx, "DescribeNetworkInterfacesOfSecurityGroup", &groupRef{sgID}, &out)
	if err != nil {
		return nil, resp, err
	}
	ids := make([]string, len(out.Data.NetworkInterfaceSet))
	for i, e := range out.Data.NetworkInterfaceSet {
		ids[i] = string(e.NetworkInterfaceID)
	}
	resp.TotalCount = int(out.Data.TotalCount)
	return ids, resp, nil
}

// NetworkInterfaceGroups is the whole list of security groups of one
// network interface, in evaluation order.
type NetworkInterfaceGroups struct {
	InterfaceID      string
	SecurityGroupIDs []string
}

// interfaceGroupsSet is ModifySecurityGroupsOfNetworkInterface's request:
// each interface with its groups, as the legacy wire lists them.
type interfaceGroupsSet struct {
	Set List[interfaceGroups] `url:"networkInterfaceSet"`
}

type interfaceGroups struct {
	InterfaceID      string       `url:"networkInterfaceId"`
	SecurityGroupIDs List[string] `url:"sgIds"`
}

// SetNetworkInterfaceGroups replaces the security groups of network
// interfaces, each with its own list (the order is the order rules are
// evaluated in; to add a group, list the ones kept too).
// [SecurityGroupsService.SetInstanceGroups] changes an instance's primary
// interface only; this reaches the others.
//
// It calls the ModifySecurityGroupsOfNetworkInterface action.
func (s *SecurityGroupsService) SetNetworkInterfaceGroups(ctx context.Context, sets ...NetworkInterfaceGroups) (*Response, error) {
	if len(sets) == 0 {
		return nil, &ArgError{Arg: "sets", Reason: "is empty"}
	}
	for i, set := range sets {
		if err := checkID(fmt.Sprintf("sets[%d].InterfaceID", i), set.InterfaceID); err != nil {
			return nil, err
		}
		if err := checkIDs(fmt.Sprintf("sets[%d].SecurityGroupIDs", i), set.SecurityGroupIDs); err != nil {
			return nil, err
		}
	}
	in := &interfaceGroupsSet{Set: make(List[interfaceGroups], len(sets))}
	for i, set := range sets {
		in.Set[i] = interfaceGroups{set.InterfaceID, set.SecurityGroupIDs}
	}
	return s.client.do(ctx, "ModifySecurityGroupsOfNetworkInterface", in, nil)
}
