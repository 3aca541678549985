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
}

// actions is every action of this SDK: the one place its facts live.
// Routing, retry safety, OutcomeUnknownError's resource kind and the
// handling of secret answers all read it.
var actions = map[string]actionInfo{
	"AddProject":                               {module: ModuleAccount, safety: changes, resource: "project", api3: "tag AddProject"},
	"AssumeRole":                               {module: ModuleSTS, safety: changes, resource: "credentials", secret: true, api3: "sts AssumeRole"},
	"AttachNetworkInterface":                   {module: ModuleVPC, safety: changes, resource: "network interface", api3: "vpc AttachNetworkInterface"},
	"BindInstanceKey":                          {module: ModuleCVM, safety: changes, resource: "key pair", api3: "cvm AssociateInstancesKeyPairs"},
	"CancelShareImage":                         {module: ModuleImage, safety: changes, resource: "image", api3: "cvm ModifyImageSharePermission"},
	"CreateEip":                                {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc AllocateAddresses"},
	"CreateImage":                              {module: ModuleImage, safety: changes, resource: "image", api3: "cvm CreateImage"},
	"CreateKeyPair":                            {module: ModuleCVM, safety: changes, resource: "key pair", secret: true, api3: "cvm CreateKeyPair"},
	"CreateSecurityGroup":                      {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc CreateSecurityGroup"},
	"CreateSecurityGroupPolicy":                {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc CreateSecurityGroupPolicies"},
	"DeleteEip":                                {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc ReleaseAddresses"},
	"DeleteImages":                             {module: ModuleImage, safety: changes, resource: "image", api3: "cvm DeleteImages"},
	"DeleteKeyPair":                            {module: ModuleCVM, safety: changes, resource: "key pair", api3: "cvm DeleteKeyPairs"},
	"DeleteSecurityGroup":                      {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc DeleteSecurityGroup"},
	"DeleteSecurityGroupPolicy":                {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc DeleteSecurityGroupPolicies"},
	"DescribeAssociateSecurityGroups":          {module: ModuleDFW, safety: reads, resource: "security group", api3: "vpc DescribeSecurityGroupReferences"},
	"DescribeAvailabilityZones":                {module: ModuleCVM, safety: reads, resource: "zone", api3: "cvm DescribeZones"},
	"DescribeDeals":                            {module: ModuleTrade, safety: reads, resource: "order", api3: "billing DescribeDealsByCond"},
	"DescribeDealsByCond":                      {module: ModuleTrade, safety: reads, resource: "order", api3: "billing DescribeDealsByCond"},
	"DescribeEip":                              {module: ModuleEIP, safety: reads, resource: "EIP", api3: "vpc DescribeAddresses"},
	"DescribeEipQuota":                         {module: ModuleEIP, safety: reads, resource: "EIP", api3: "vpc DescribeAddressQuota"},
	"DescribeImages":                           {module: ModuleImage, safety: reads, resource: "image", api3: "cvm DescribeImages"},
	"DescribeInstances":                        {module: ModuleCVM, safety: reads, resource: "instance", api3: "cvm DescribeInstances"},
	"DescribeInstancesOfSecurityGroup":         {module: ModuleDFW, safety: reads, resource: "security group", api3: "cvm DescribeInstances"},
	"DescribeKeyPairs":                         {module: ModuleCVM, safety: reads, resource: "key pair", api3: "cvm DescribeKeyPairs"},
	"DescribeNetworkInterfacesOfSecurityGroup": {module: ModuleDFW, safety: reads, resource: "security group", api3: "vpc DescribeNetworkInterfaces"},
	"DescribeOrCreateDefaultSecurityGroup":     {module: ModuleDFW, safety: reads, resource: "security group", api3: "vpc CreateDefaultSecurityGroup"},
	"DescribeProductRegionList":                {module: ModuleCVM, safety: reads, resource: "region", api3: "region DescribeRegions"},
	"DescribeProject":                          {module: ModuleAccount, safety: reads, resource: "project", api3: "tag DescribeProjects"},
	"DescribeSecurityGroupEx":                  {module: ModuleDFW, safety: reads, resource: "security group", api3: "vpc DescribeSecurityGroups"},
	"DescribeSecurityGroupPolicys":             {module: ModuleDFW, safety: reads, resource: "security group", api3: "vpc DescribeSecurityGroupPolicies"},
	"DescribeSecurityGroups":                   {module: ModuleDFW, safety: reads, resource: "security group", api3: "vpc DescribeSecurityGroups"},
	"DescribeVpcTaskResult":                    {module: ModuleVPC, safety: reads, resource: "network interface", api3: "vpc DescribeVpcTaskResult"},
	"DescribeZoneAbility":                      {module: ModuleCVM, safety: reads, resource: "zone", api3: "cvm DescribeZoneInstanceConfigInfos"},
	"DetachNetworkInterface":                   {module: ModuleVPC, safety: changes, resource: "network interface", api3: "vpc DetachNetworkInterface"},
	"EipBindInstance":                          {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc AssociateAddress"},
	"EipUnBindInstance":                        {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc DisassociateAddress"},
	"GetFederationToken":                       {module: ModuleSTS, safety: reads, resource: "credentials", secret: true, api3: "sts GetFederationToken"},
	"GetImageShareUinInfo":                     {module: ModuleImage, safety: reads, resource: "image", api3: "cvm DescribeImageSharePermission"},
	"ImportKeyPair":                            {module: ModuleCVM, safety: changes, resource: "key pair", api3: "cvm ImportKeyPair"},
	"InquiryInstancePrice":                     {module: ModuleCVM, safety: reads, resource: "instance", api3: "cvm InquiryPriceRunInstances"},
	"InquiryInstancePriceHour":                 {module: ModuleCVM, safety: reads, resource: "instance", api3: "cvm InquiryPriceRunInstances"},
	"ModifyEipAttributes":                      {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc ModifyAddressAttribute"},
	"ModifyImageAttributes":                    {module: ModuleImage, safety: changes, resource: "image", api3: "cvm ModifyImageAttribute"},
	"ModifyInstanceAttributes":                 {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ModifyInstancesAttribute"},
	"ModifyInstanceProject":                    {module: ModuleCVM, safety: changes, resource: "project", api3: "cvm ModifyInstancesProject"},
	"ModifyKeyPair":                            {module: ModuleCVM, safety: changes, resource: "key pair", api3: "cvm ModifyKeyPairAttribute"},
	"ModifySecurityGroupAttributes":            {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc ModifySecurityGroupAttribute"},
	"ModifySecurityGroupPolicys":               {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc ModifySecurityGroupPolicies"},
	"ModifySecurityGroupsOfInstance":           {module: ModuleDFW, safety: changes, resource: "security group", api3: "cvm ModifyInstancesAttribute"},
	"ModifySecurityGroupsOfNetworkInterface":   {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc ModifyNetworkInterfaceAttribute"},
	"ModifySingleSecurityGroupPolicy":          {module: ModuleDFW, safety: changes, resource: "security group", api3: "vpc ReplaceSecurityGroupPolicy"},
	"PayDeals":                                 {module: ModuleTrade, safety: changes, resource: "order", api3: "billing PayDeals"},
	"RenewInstance":                            {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm RenewInstances"},
	"ResetInstancePassword":                    {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ResetInstancesPassword"},
	"ResetInstances":                           {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ResetInstance"},
	"ResizeInstance":                           {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ResetInstancesType"},
	"ResizeInstanceHour":                       {module: ModuleCVM, safety: changes, resource: "instance", api3: "same as"},
	"RestartInstances":                         {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm RebootInstances"},
	"ReturnInstance":                           {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm TerminateInstances"},
	"RunInstances":                             {module: ModuleCVM, safety: tokened, resource: "instance", api3: "cvm RunInstances"},
	"RunInstancesHour":                         {module: ModuleCVM, safety: tokened, resource: "instance", api3: "cvm RunInstances"},
	"SetAutoRenew":                             {module: ModuleTrade, safety: changes, resource: "instance", api3: "cvm ModifyInstancesRenewFlag"},
	"ShareImage":                               {module: ModuleImage, safety: changes, resource: "image", api3: "cvm ModifyImageSharePermission"},
	"StartInstances":                           {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm StartInstances"},
	"StopInstances":                            {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm StopInstances"},
	"SyncCvmImage":                             {module: ModuleImage, safety: changes, resource: "image", api3: "cvm SyncImages"},
	"TransformMode":                            {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc ModifyAddressAttribute"},
	"TransformWanIpToEip":                      {module: ModuleEIP, safety: changes, resource: "EIP", api3: "vpc TransformAddress"},
	"UnBindInstanceKey":                        {module: ModuleCVM, safety: changes, resource: "key pair", api3: "cvm DisassociateInstancesKeyPairs"},
	"UpdateInstanceBandwidth":                  {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ResetInstancesInternetMaxBandwidth"},
	"UpdateInstanceBandwidthHour":              {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ResetInstancesInternetMaxBandwidth"},
	"UpdateInstanceVpcConfig":                  {module: ModuleCVM, safety: changes, resource: "instance", api3: "cvm ModifyInstancesVpcAttribute"},
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

// resourceKind3 names what an API 3.0 action changes: the resource of the
// legacy actions the table maps to it ("instance" for TerminateInstances,
// whether the call came through Instances.Terminate or Do3), else
// "resource".
func resourceKind3(service, action string) string {
	if r, ok := api3Resources()[service+" "+action]; ok {
		return r
	}
	return "resource"
}

// api3Resources is the action table's resources by API 3.0 action, made
// once.
var api3Resources = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(actions)) { // the same pick in every process
		if info := actions[name]; info.api3 != "" && info.resource != "" {
			if _, ok := m[info.api3]; !ok {
				m[info.api3] = info.resource
			}
		}
	}
	return m
})

// answerCarriesSecret reports whether action's answer carries a secret.
func answerCarriesSecret(action string) bool { return actions[action].secret }
