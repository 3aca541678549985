package emulator

// One name space of operations for both contracts: a fault, a request-log
// filter and cvmtest.Fault name an operation by either contract's action
// name, and the request log reports both.

import (
	"slices"
	"strings"
	"sync"
)

// counterparts3 are the API 3.0 actions that do what each legacy action
// does: the rows of spec §6 whose API 3.0 side is the same operation (●,
// and the ◐ rows that split one operation into several actions). The
// filter-based rows (37: DescribeInstancesOfSecurityGroup, 63:
// DescribeNetworkInterfacesOfSecurityGroup) are left out: a fault aimed at
// them must not fire on every DescribeInstances or DescribeNetworkInterfaces.
var counterparts3 = map[string][]string{
	"DescribeInstances":                      {"DescribeInstances"},
	"RunInstancesHour":                       {"RunInstances"},
	"RunInstances":                           {"RunInstances"},
	"StartInstances":                         {"StartInstances"},
	"StopInstances":                          {"StopInstances"},
	"RestartInstances":                       {"RebootInstances"},
	"ReturnInstance":                         {"TerminateInstances"},
	"ResetInstances":                         {"ResetInstance"},
	"ResetInstancePassword":                  {"ResetInstancesPassword"},
	"ModifyInstanceAttributes":               {"ModifyInstancesAttribute"},
	"ModifyInstanceProject":                  {"ModifyInstancesProject"},
	"ResizeInstance":                         {"ResetInstancesType", "ResizeInstanceDisks", "ResetInstancesInternetMaxBandwidth"},
	"ResizeInstanceHour":                     {"ResetInstancesType", "ResizeInstanceDisks", "ResetInstancesInternetMaxBandwidth"},
	"UpdateInstanceBandwidth":                {"ResetInstancesInternetMaxBandwidth"},
	"UpdateInstanceBandwidthHour":            {"ResetInstancesInternetMaxBandwidth"},
	"RenewInstance":                          {"RenewInstances"},
	"SetAutoRenew":                           {"ModifyInstancesRenewFlag"},
	"InquiryInstancePrice":                   {"InquiryPriceRunInstances", "InquiryPriceRenewInstances", "InquiryPriceResetInstancesType", "InquiryPriceResetInstancesInternetMaxBandwidth"},
	"InquiryInstancePriceHour":               {"InquiryPriceRunInstances"},
	"DescribeImages":                         {"DescribeImages"},
	"CreateImage":                            {"CreateImage"},
	"DeleteImages":                           {"DeleteImages"},
	"ModifyImageAttributes":                  {"ModifyImageAttribute"},
	"SyncCvmImage":                           {"SyncImages"},
	"ShareImage":                             {"ModifyImageSharePermission"},
	"CancelShareImage":                       {"ModifyImageSharePermission"},
	"GetImageShareUinInfo":                   {"DescribeImageSharePermission"},
	"DescribeSecurityGroupEx":                {"DescribeSecurityGroups"},
	"DescribeSecurityGroups":                 {"DescribeSecurityGroups"},
	"CreateSecurityGroup":                    {"CreateSecurityGroup"},
	"ModifySecurityGroupAttributes":          {"ModifySecurityGroupAttribute"},
	"DeleteSecurityGroup":                    {"DeleteSecurityGroup"},
	"DescribeSecurityGroupPolicys":           {"DescribeSecurityGroupPolicies"},
	"DescribeSecurityGroupPolicy":            {"DescribeSecurityGroupPolicies"},
	"ModifySecurityGroupPolicys":             {"ModifySecurityGroupPolicies"},
	"ModifySecurityGroupPolicy":              {"ModifySecurityGroupPolicies"},
	"CreateSecurityGroupPolicy":              {"CreateSecurityGroupPolicies"},
	"ModifySingleSecurityGroupPolicy":        {"ReplaceSecurityGroupPolicy"},
	"DeleteSecurityGroupPolicy":              {"DeleteSecurityGroupPolicies"},
	"ModifySecurityGroupsOfInstance":         {"AssociateSecurityGroups", "DisassociateSecurityGroups"},
	"DescribeAssociateSecurityGroups":        {"DescribeSecurityGroupReferences"},
	"DescribeOrCreateDefaultSecurityGroup":   {"CreateDefaultSecurityGroup"},
	"DescribeEip":                            {"DescribeAddresses"},
	"CreateEip":                              {"AllocateAddresses"},
	"DeleteEip":                              {"ReleaseAddresses"},
	"ModifyEipAttributes":                    {"ModifyAddressAttribute"},
	"EipBindInstance":                        {"AssociateAddress"},
	"EipUnBindInstance":                      {"DisassociateAddress"},
	"DescribeEipQuota":                       {"DescribeAddressQuota"},
	"TransformWanIpToEip":                    {"TransformAddress"},
	"TransformMode":                          {"ModifyAddressAttribute"},
	"DescribeAvailabilityZones":              {"DescribeZones"},
	"DescribeZoneAbility":                    {"DescribeZoneInstanceConfigInfos"},
	"DescribeProductRegionList":              {"DescribeRegions"},
	"DescribeKeyPairs":                       {"DescribeKeyPairs"},
	"CreateKeyPair":                          {"CreateKeyPair"},
	"ImportKeyPair":                          {"ImportKeyPair"},
	"ModifyKeyPair":                          {"ModifyKeyPairAttribute"},
	"DeleteKeyPair":                          {"DeleteKeyPairs"},
	"BindInstanceKey":                        {"AssociateInstancesKeyPairs"},
	"UnBindInstanceKey":                      {"DisassociateInstancesKeyPairs"},
	"UpdateInstanceVpcConfig":                {"ModifyInstancesVpcAttribute"},
	"AttachNetworkInterface":                 {"AttachNetworkInterface"},
	"DescribeVpcTaskResult":                  {"DescribeVpcTaskResult"},
	"ModifySecurityGroupsOfNetworkInterface": {"ModifyNetworkInterfaceAttribute", "AssociateNetworkInterfaceSecurityGroups", "DisassociateNetworkInterfaceSecurityGroups"},
	"DescribeDeals":                          {"DescribeDealsByCond"},
	"DescribeDealsByCond":                    {"DescribeDealsByCond"},
	"PayDeals":                               {"PayDeals"},
	"DescribeProject":                        {"DescribeProjects"},
	"AddProject":                             {"AddProject"},
}

// counterpartsLegacy is counterparts3 the other way round: the legacy
// actions each API 3.0 action does the work of, sorted.
var counterpartsLegacy = func() map[string][]string {
	out := map[string][]string{}
	for legacy, names := range counterparts3 {
		for _, n := range names {
			out[n] = append(out[n], legacy)
		}
	}
	for _, l := range out {
		slices.Sort(l)
	}
	return out
}()

// operation is a call's operation, named under both contracts.
type operation struct {
	contract string   // the contract the call came through
	action   string   // the name it was called by
	service  string   // its API 3.0 service; "" for a legacy call
	legacy   []string // its legacy names (its own among them for a legacy call)
	api3     []string // its API 3.0 names (its own among them for an API 3.0 call)
}

// legacyOperation is the operation of a legacy call to a served action:
// made once per action (the names are the handler table's strings, never
// a slice of a request's body, and a call allocates none).
func legacyOperation(action string) operation {
	if op, ok := operationsOnce()[contractLegacy+" "+action]; ok {
		return op
	}
	return operation{contract: contractLegacy, action: action, legacy: []string{action}, api3: counterparts3[action]}
}

// api3Operation is the operation of an API 3.0 call to service's action.
func api3Operation(service, action string) operation {
	if op, ok := operationsOnce()[contractAPI3+" "+service+" "+action]; ok {
		return op
	}
	return operation{contract: contractAPI3, action: action, service: service, legacy: counterpartsLegacy[action],
		api3: []string{action}}
}

// operationsOnce is the operation of every served action of both
// contracts, made at the first call (the handlers register in init).
var operationsOnce = sync.OnceValue(func() map[string]operation {
	out := map[string]operation{}
	for action := range handlers {
		out[contractLegacy+" "+action] = operation{contract: contractLegacy, action: action, legacy: []string{action},
			api3: counterparts3[action]}
	}
	for svc, hs := range api3Handlers {
		for action := range hs {
			out[contractAPI3+" "+svc+" "+action] = operation{contract: contractAPI3, action: action, service: svc,
				legacy: counterpartsLegacy[action], api3: []string{action}}
		}
	}
	return out
})

// name is the name the call used: "vpc AllocateAddresses" for an API 3.0
// action of another service than cvm, so that filters on the legacy names
// keep meaning what they did.
func (o operation) name() string {
	if o.service != "" && o.service != "cvm" {
		return o.service + " " + o.action
	}
	return o.action
}

// is reports whether name names this operation under either contract: a
// legacy action, an API 3.0 action, or "service Action".
func (o operation) is(name string) bool {
	if svc, action, ok := strings.Cut(name, " "); ok {
		return o.service == svc && o.action == action ||
			svc != "" && slices.Contains(o.api3, action) && api3Handlers[svc][action].fn != nil
	}
	return name == o.action || slices.Contains(o.legacy, name) || slices.Contains(o.api3, name)
}

// knownOperation reports whether name names an action the emulator serves
// under either contract ("service Action" included), and gives the key
// faults are kept under: the bare action name.
func knownOperation(name string) (key string, ok bool) {
	if svc, action, cut := strings.Cut(name, " "); cut {
		return action, api3Handlers[svc][action].fn != nil
	}
	if handlers[name].fn != nil {
		return name, true
	}
	for _, hs := range api3Handlers {
		if hs[name].fn != nil {
			return name, true
		}
	}
	return name, false
}
