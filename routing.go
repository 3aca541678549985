package cvm

// Modules of the legacy API: each serves its actions on
// https://<module>.api.qcloud.com/v2/index.php.
const (
	ModuleCVM   = "cvm"
	ModuleImage = "image"
	ModuleDFW   = "dfw" // security groups
	ModuleEIP   = "eip"
	ModuleTrade = "trade"
)

// actionModules maps each action of this SDK to the module that serves it
// (spec §1.2). Where the documentation names two hosts
// (DescribeAvailabilityZones and DescribeProductRegionList are documented on
// both cvm and trade), the cvm host of the dedicated legacy CVM pages is used.
var actionModules = map[string]string{}

func init() {
	for module, actions := range map[string][]string{
		ModuleCVM: {
			"DescribeInstances", "RunInstancesHour", "RunInstances", "StartInstances",
			"StopInstances", "RestartInstances", "ReturnInstance", "ResetInstances",
			"ResetInstancePassword", "ModifyInstanceAttributes", "ModifyInstanceProject",
			"ResizeInstance", "ResizeInstanceHour", "UpdateInstanceBandwidth",
			"UpdateInstanceBandwidthHour", "RenewInstance", "InquiryInstancePrice",
			"InquiryInstancePriceHour", "DescribeAvailabilityZones", "DescribeZoneAbility",
			"DescribeProductRegionList", "DescribeKeyPairs", "CreateKeyPair", "ImportKeyPair",
			"DeleteKeyPair", "ModifyKeyPair", "BindInstanceKey", "UnBindInstanceKey",
			"UpdateInstanceVpcConfig",
		},
		ModuleImage: {
			"DescribeImages", "CreateImage", "DeleteImages", "ModifyImageAttributes",
			"SyncCvmImage", "ShareImage", "CancelShareImage", "GetImageShareUinInfo",
		},
		ModuleDFW: {
			"DescribeSecurityGroupEx", "CreateSecurityGroup", "ModifySecurityGroupAttributes",
			"DeleteSecurityGroup", "DescribeSecurityGroupPolicys", "ModifySecurityGroupPolicys",
			"CreateSecurityGroupPolicy", "ModifySingleSecurityGroupPolicy",
			"DeleteSecurityGroupPolicy", "DescribeInstancesOfSecurityGroup",
			"ModifySecurityGroupsOfInstance", "DescribeAssociateSecurityGroups",
			"DescribeOrCreateDefaultSecurityGroup", "DescribeNetworkInterfacesOfSecurityGroup",
			"ModifySecurityGroupsOfNetworkInterface", "DescribeSecurityGroups",
		},
		ModuleEIP: {
			"DescribeEip", "CreateEip", "DeleteEip", "ModifyEipAttributes", "EipBindInstance",
			"EipUnBindInstance", "DescribeEipQuota", "TransformWanIpToEip", "TransformMode",
		},
		ModuleTrade:   {"SetAutoRenew", "DescribeDeals", "DescribeDealsByCond", "PayDeals"},
		ModuleVPC:     {"AttachNetworkInterface", "DetachNetworkInterface", "DescribeVpcTaskResult"},
		ModuleAccount: {"DescribeProject", "AddProject", "UpdateProject"},
		ModuleSTS:     {"AssumeRole", "GetFederationToken"},
	} {
		for _, a := range actions {
			actionModules[a] = module
		}
	}
}

// ModuleOf returns the module that serves a legacy action of this SDK, such
// as "image" for "DescribeImages", or "" for an action it does not know.
func ModuleOf(action string) string { return actionModules[action] }

// secretAnswers are the actions whose successful answer carries a secret:
// CreateKeyPair the private key (secretkey), AssumeRole and
// GetFederationToken temporary keys and a session token. An answer of
// theirs that cannot be decoded is never quoted in an error, not even
// scrubbed: its secret may sit under a name no scrubber knows, and the key
// pair or session it describes was made, so the secret must not end in a
// log.
var secretAnswers = map[string]bool{"CreateKeyPair": true, "AssumeRole": true, "GetFederationToken": true}

// answerCarriesSecret reports whether action's answer carries a secret.
func answerCarriesSecret(action string) bool { return secretAnswers[action] }
