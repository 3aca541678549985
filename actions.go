package cvm

import (
	"maps"
	"slices"
	"strings"
	"sync"
)

// Modules of the legacy API: each serves its actions on
// https://<module>.api.qcloud.com/v2/index.php.
const (
	ModuleCVM     = "cvm"
	ModuleImage   = "image"
	ModuleDFW     = "dfw" // security groups
	ModuleEIP     = "eip"
	ModuleTrade   = "trade"
	ModuleVPC     = "vpc"
	ModuleAccount = "account"
	ModuleSTS     = "sts"
)

// safety says whether an action can be repeated without doing a change
// twice.
type safety uint8

const (
	// changes: it may change something; a failed attempt is retried only
	// when the answer proves the API did not act.
	changes safety = iota
	// reads: it only reads (DescribeOrCreateDefaultSecurityGroup creates at
	// most one default group however often it is called, so it counts).
	reads
	// tokened: a change that the clientToken every attempt repeats makes
	// safe to repeat.
	tokened
)

// actionInfo is what the client knows of one action.
type actionInfo struct {
	// module serves the action (spec §1.2). Where the documentation names
	// two hosts (DescribeAvailabilityZones and DescribeProductRegionList
	// are documented on both cvm and trade), the cvm host of the dedicated
	// legacy CVM pages is used.
	module string
	safety safety
	// resource names what the action changes, for OutcomeUnknownError.
	resource string
	// secret: its successful answer carries a secret (CreateKeyPair the
	// private key, the STS actions temporary keys and a session token). An
	// answer of theirs that cannot be decoded is never quoted in an error,
	// not even scrubbed: the secret may sit under a name no scrubber knows,
	// and the key pair or session it describes was made, so it must not end
	// in a log.
	secret bool
	// api3 is the API 3.0 action that does its job, as "service Action"
	// (the first, where several share it): spec/api3 §6, and §13.6 of the
	// legacy spec for STS; the VPC rows DescribeSecurityGroups and
	// DetachNetworkInterface are inferred from their names.
	api3 string
	// safety3 is the API 3.0 action's retry safety: tokened where API 3.0
	// takes a ClientToken (RunInstances, AllocateAddresses,
	// AttachNetworkInterface: spec/api3 §5), where the legacy action may
	// have none (CreateEip); otherwise the legacy action's.
	safety3 safety
	// perSecond3 is the API 3.0 action's limit, calls a second per key
	// (spec/api3 §5; the instance actions' pages state 10, as §5 does for
	// RunInstances and the power actions; 20 where a page states none).
	perSecond3 int
}

// actions is every action of this SDK: the one place its facts live.
// Routing, retry safety, OutcomeUnknownError's resource kind and the
// handling of secret answers all read it.
var actions = map[string]actionInfo{
	"AddProject":                               {module: ModuleAccount, safety: changes, resource: "project", api3: "tag AddProject", safety3: changes, perSecond3: 20},
	"AssumeRole":                               {module: ModuleSTS, safety: changes, resource: "credentials", secret: true, api3: "sts AssumeRole", safety3: changes, perSecond3: 20},
	"AttachNetworkInterface":                   {module: ModuleVPC, safety: changes, resource: "network interface", api3: "vpc AttachNetworkInterface", safety3: tokened, perSecond3: 20},
	"BindInstanceKey":                          {module: ModuleCVM, safety: changes, resource: "key pair", api3: "cvm AssociateInstancesKeyPairs", safety3: changes, perSecond3: 20},
	"CancelShareImage":                         {module: ModuleImage, safety: changes, resource: "image", api3: "cvm ModifyImageSharePermission", safety3: changes, perSecond3: 20},
	"CreateEip":                                {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc AllocateAddresses", safety3: tokened, perSecond3: 20},
	"CreateImage":                              {module: ModuleImage, safety: changes, resource: "image", api3: "cvm CreateImage", safety3: changes, perSecond3: 20},
	"CreateKeyPair":                            {module: ModuleCVM, safety: changes, resource: "key pair", secret: true, api3: "cvm CreateKeyPair", safety3: changes, perSecond3: 20},
	"CreateSecurityGroup":                      {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc CreateSecurityGroup", safety3: changes, perSecond3: 20},
	"CreateSecurityGroupPolicy":                {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc CreateSecurityGroupPolicies", safety3: changes, perSecond3: 20},
	"DeleteEip":                                {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc ReleaseAddresses", safety3: changes, perSecond3: 20},
	"DeleteImages":                             {module: ModuleImage, safety: changes, resource: "image", api3: "cvm DeleteImages", safety3: changes, perSecond3: 20},
	"DeleteKeyPair":                            {module: ModuleCVM, safety: changes, resource: "key pair", api3: "cvm DeleteKeyPairs", safety3: changes, perSecond3: 20},
	"DeleteSecurityGroup":                      {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc DeleteSecurityGroup", safety3: changes, perSecond3: 20},
	"DeleteSecurityGroupPolicy":                {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc DeleteSecurityGroupPolicies", safety3: changes, perSecond3: 20},
	"DescribeAssociateSecurityGroups":          {module: ModuleDFW, safety: reads, resource: "security group", api3: "vpc DescribeSecurityGroupReferences", safety3: reads, perSecond3: 20},
	"DescribeAvailabilityZones":                {module: ModuleCVM, safety: reads, resource: "zone", api3: "cvm DescribeZones", safety3: reads, perSecond3: 20},
	"DescribeDeals":                            {module: ModuleTrade, safety: reads, resource: "order", api3: "billing DescribeDealsByCond", safety3: reads, perSecond3: 20},
	"DescribeDealsByCond":                      {module: ModuleTrade, safety: reads, resource: "order", api3: "billing DescribeDealsByCond", safety3: reads, perSecond3: 20},
	"DescribeEip":                              {module: ModuleEIP, safety: reads, resource: "EIP", api3: "vpc DescribeAddresses", safety3: reads, perSecond3: 20},
	"DescribeEipQuota":                         {module: ModuleEIP, safety: reads, resource: "EIP", api3: "vpc DescribeAddressQuota", safety3: reads, perSecond3: 20},
	"DescribeImages":                           {module: ModuleImage, safety: reads, resource: "image", api3: "cvm DescribeImages", safety3: reads, perSecond3: 20},
	"DescribeInstances":                        {module: ModuleCVM, safety: reads, resource: "instance", api3: "cvm DescribeInstances", safety3: reads, perSecond3: 40},
	"DescribeInstancesOfSecurityGroup":         {module: ModuleDFW, safety: reads, resource: "security group", api3: "cvm DescribeInstances", safety3: reads, perSecond3: 40},
	"DescribeKeyPairs":                         {module: ModuleCVM, safety: reads, resource: "key pair", api3: "cvm DescribeKeyPairs", safety3: reads, perSecond3: 20},
	"DescribeNetworkInterfacesOfSecurityGroup": {module: ModuleDFW, safety: reads, resource: "security group", api3: "vpc DescribeNetworkInterfaces", safety3: reads, perSecond3: 20},
	"DescribeOrCreateDefaultSecurityGroup":     {module: ModuleDFW, safety: reads, resource: "security group", api3: "vpc CreateDefaultSecurityGroup", safety3: reads, perSecond3: 20},
	"DescribeProductRegionList":                {module: ModuleCVM, safety: reads, resource: "region", api3: "region DescribeRegions", safety3: reads, perSecond3: 20},
	"DescribeProject":                          {module: ModuleAccount, safety: reads, resource: "project", api3: "tag DescribeProjects", safety3: reads, perSecond3: 20},
	"DescribeSecurityGroupEx":                  {module: ModuleDFW, safety: reads, resource: "security group", api3: "vpc DescribeSecurityGroups", safety3: reads, perSecond3: 20},
	"DescribeSecurityGroupPolicys":             {module: ModuleDFW, safety: reads, resource: "security group", api3: "vpc DescribeSecurityGroupPolicies", safety3: reads, perSecond3: 20},
	"DescribeSecurityGroups":                   {module: ModuleDFW, safety: reads, resource: "security group", api3: "vpc DescribeSecurityGroups", safety3: reads, perSecond3: 20},
	"DescribeVpcTaskResult":                    {module: ModuleVPC, safety: reads, resource: "network interface", api3: "vpc DescribeVpcTaskResult", safety3: reads, perSecond3: 20},
	"DescribeZoneAbility":                      {module: ModuleCVM, safety: reads, resource: "zone", api3: "cvm DescribeZoneInstanceConfigInfos", safety3: reads, perSecond3: 20},
	"DetachNetworkInterface":                   {module: ModuleVPC, safety: changes, resource: "network interface", api3: "vpc DetachNetworkInterface", safety3: changes, perSecond3: 20},
	"EipBindInstance":                          {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc AssociateAddress", safety3: changes, perSecond3: 20},
	"EipUnBindInstance":                        {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc DisassociateAddress", safety3: changes, perSecond3: 20},
	"GetFederationToken":                       {module: ModuleSTS, safety: reads, resource: "credentials", secret: true, api3: "sts GetFederationToken", safety3: reads, perSecond3: 20},
	"GetImageShareUinInfo":                     {module: ModuleImage, safety: reads, resource: "image", api3: "cvm DescribeImageSharePermission", safety3: reads, perSecond3: 20},
	"ImportKeyPair":                            {module: ModuleCVM, safety: changes, resource: "key pair", api3: "cvm ImportKeyPair", safety3: changes, perSecond3: 20},
	"InquiryInstancePrice":                     {module: ModuleCVM, safety: reads, resource: "instance", api3: "cvm InquiryPriceRunInstances", safety3: reads, perSecond3: 10},
	"InquiryInstancePriceHour":                 {module: ModuleCVM, safety: reads, resource: "instance", api3: "cvm InquiryPriceRunInstances", safety3: reads, perSecond3: 10},
	"ModifyEipAttributes":                      {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc ModifyAddressAttribute", safety3: changes, perSecond3: 20},
	"ModifyImageAttributes":                    {module: ModuleImage, safety: changes, resource: "image", api3: "cvm ModifyImageAttribute", safety3: changes, perSecond3: 20},
	"ModifyInstanceAttributes":                 {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ModifyInstancesAttribute", safety3: changes, perSecond3: 10},
	"ModifyInstanceProject":                    {module: ModuleCVM, safety: changes, resource: "project", api3: "cvm ModifyInstancesProject", safety3: changes, perSecond3: 10},
	"ModifyKeyPair":                            {module: ModuleCVM, safety: changes, resource: "key pair", api3: "cvm ModifyKeyPairAttribute", safety3: changes, perSecond3: 20},
	"ModifySecurityGroupAttributes":            {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc ModifySecurityGroupAttribute", safety3: changes, perSecond3: 20},
	"ModifySecurityGroupPolicys":               {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc ModifySecurityGroupPolicies", safety3: changes, perSecond3: 20},
	"ModifySecurityGroupsOfInstance":           {module: ModuleDFW, safety: changes, resource: "security group", api3: "cvm ModifyInstancesAttribute", safety3: changes, perSecond3: 10},
	"ModifySecurityGroupsOfNetworkInterface":   {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc ModifyNetworkInterfaceAttribute", safety3: changes, perSecond3: 20},
	"ModifySingleSecurityGroupPolicy":          {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc ReplaceSecurityGroupPolicy", safety3: changes, perSecond3: 20},
	"PayDeals":                                 {module: ModuleTrade, safety: changes, resource: "order", api3: "billing PayDeals", safety3: changes, perSecond3: 20},
	"RenewInstance":                            {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm RenewInstances", safety3: changes, perSecond3: 10},
	"ResetInstancePassword":                    {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ResetInstancesPassword", safety3: changes, perSecond3: 10},
	"ResetInstances":                           {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ResetInstance", safety3: changes, perSecond3: 10},
	"ResizeInstance":                           {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ResetInstancesType", safety3: changes, perSecond3: 10},
	"ResizeInstanceHour":                       {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ResetInstancesType", safety3: changes, perSecond3: 10},
	"RestartInstances":                         {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm RebootInstances", safety3: changes, perSecond3: 10},
	"ReturnInstance":                           {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm TerminateInstances", safety3: changes, perSecond3: 10},
	"RunInstances":                             {module: ModuleCVM, safety: tokened, resource: "instance", api3: "cvm RunInstances", safety3: tokened, perSecond3: 10},
	"RunInstancesHour":                         {module: ModuleCVM, safety: tokened, resource: "instance", api3: "cvm RunInstances", safety3: tokened, perSecond3: 10},
	"SetAutoRenew":                             {module: ModuleTrade, safety: changes, resource: "instance", api3: "cvm ModifyInstancesRenewFlag", safety3: changes, perSecond3: 10},
	"ShareImage":                               {module: ModuleImage, safety: changes, resource: "image", api3: "cvm ModifyImageSharePermission", safety3: changes, perSecond3: 20},
	"StartInstances":                           {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm StartInstances", safety3: changes, perSecond3: 10},
	"StopInstances":                            {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm StopInstances", safety3: changes, perSecond3: 10},
	"SyncCvmImage":                             {module: ModuleImage, safety: changes, resource: "image", api3: "cvm SyncImages", safety3: changes, perSecond3: 20},
	"TransformMode":                            {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc ModifyAddressAttribute", safety3: changes, perSecond3: 20},
	"TransformWanIpToEip":                      {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc TransformAddress", safety3: changes, perSecond3: 20},
	"UnBindInstanceKey":                        {module: ModuleCVM, safety: changes, resource: "key pair", api3: "cvm DisassociateInstancesKeyPairs", safety3: changes, perSecond3: 20},
	"UpdateInstanceBandwidth":                  {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ResetInstancesInternetMaxBandwidth", safety3: changes, perSecond3: 10},
	"UpdateInstanceBandwidthHour":              {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ResetInstancesInternetMaxBandwidth", safety3: changes, perSecond3: 10},
	"UpdateInstanceVpcConfig":                  {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ModifyInstancesVpcAttribute", safety3: changes, perSecond3: 10},
	"UpdateProject":                            {module: ModuleAccount, safety: changes, resource: "project"},
}

// ModuleOf returns the module that serves a legacy action of this SDK, such
// as "image" for "DescribeImages", or "" for an action it does not know.
func ModuleOf(action string) string { return actions[action].module }

// safetyOf says whether action can be repeated. An action the table does
// not know (through Client.Do) reads when its name says so (Describe,
// Inquiry, Get), and otherwise changes.
func safetyOf(action string) safety {
	if a, ok := actions[action]; ok {
		return a.safety
	}
	for _, p := range [...]string{"Describe", "Inquiry", "Get"} {
		if strings.HasPrefix(action, p) {
			return reads
		}
	}
	return changes
}

// resourceKind names what an action changes, for OutcomeUnknownError.
func resourceKind(action string) string {
	if a, ok := actions[action]; ok {
		return a.resource
	}
	return "resource"
}

// api3Only are the API 3.0 actions the SDK calls that do no legacy
// action's job by themselves (a part of one, or a lookup), with their facts.
var api3Only = map[string]actionInfo{
	"cvm DescribeInstanceTypeConfigs":                {safety3: reads, perSecond3: 20},
	"cvm DescribeInstancesStatus":                    {safety3: reads, perSecond3: 40},
	"cvm ResizeInstanceDisks":                        {resource: "instance", safety3: changes, perSecond3: 10},
	"vpc DescribeSecurityGroupAssociationStatistics": {resource: "security group", safety3: reads, perSecond3: 20},
}

// facts3 are the table's facts by API 3.0 action ("service Action"), made
// once: where several legacy actions map to one API 3.0 action, the least
// safe safety, the lowest rate and the first resource (by legacy name) win.
var facts3 = sync.OnceValue(func() map[string]actionInfo {
	m := maps.Clone(api3Only)
	for _, name := range slices.Sorted(maps.Keys(actions)) { // the same pick in every process
		info := actions[name]
		if info.api3 == "" {
			continue
		}
		f, ok := m[info.api3]
		if !ok {
			m[info.api3] = info
			continue
		}
		f.safety3, f.perSecond3 = min(f.safety3, info.safety3), min(f.perSecond3, info.perSecond3)
		if f.resource == "" {
			f.resource = info.resource
		}
		m[info.api3] = f
	}
	return m
})

// perSecond3 are the table's rates by API 3.0 action name alone (the one
// name two services share, DescribeRegions, has one rate), made once.
var perSecond3 = sync.OnceValue(func() map[string]int {
	m := map[string]int{}
	for sa, f := range facts3() {
		_, action, _ := strings.Cut(sa, " ")
		if n, ok := m[action]; !ok || f.perSecond3 < n {
			m[action] = f.perSecond3
		}
	}
	return m
})

// resourceKind3 names what an API 3.0 action changes: the resource the
// table gives it ("instance" for TerminateInstances, whether the call came
// through Instances.Terminate or Do3), else "resource".
func resourceKind3(service, action string) string {
	if f, ok := facts3()[service+" "+action]; ok && f.resource != "" {
		return f.resource
	}
	return "resource"
}

// answerCarriesSecret reports whether action's answer carries a secret.
func answerCarriesSecret(action string) bool { return actions[action].secret }
