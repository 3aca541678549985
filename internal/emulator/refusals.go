package emulator

// Why the core refuses an operation, whichever contract asked, and what
// each contract answers for it: one table. The core refuses with a reason
// (refuse); the legacy front door answers its code, codeDesc and module
// number, and the API 3.0 door its code (fromLegacy). No door reads
// another's message texts.

import "strconv"

// reason is why the core refused an operation. The zero reason leaves the
// answer to the legacy code's class (classCodes) or its codeDesc
// (descCodes).
type reason uint8

const (
	reasonUnspecified reason = iota
	// reasonMissing: a required parameter is absent.
	reasonMissing
	// reasonBadPeriod: a purchase period the product does not sell.
	reasonBadPeriod
	// reasonImageNameTaken: a custom image of that name exists.
	reasonImageNameTaken
	// reasonNotAnAccount: an image share names something that is not an
	// account number.
	reasonNotAnAccount
	// reasonGroupNotFound: a security group does not exist (dfw 7001).
	reasonGroupNotFound
	// reasonGroupLimit: too many security groups, or rules (dfw 7002).
	reasonGroupLimit
	// reasonInstanceGroupLimit: too many security groups on one instance
	// (dfw 7002).
	reasonInstanceGroupLimit
	// reasonVersionMoved: a rule change names a version the rules have
	// left (dfw 7000).
	reasonVersionMoved
	// reasonGroupInUse: a group is referenced by rules or associated with
	// instances (dfw 7000).
	reasonGroupInUse
	// reasonGroupNameTaken: a group of that name exists (dfw 7005).
	reasonGroupNameTaken
	// reasonInstanceBusy: the instance's state forbids the association
	// (dfw 7003).
	reasonInstanceBusy
	// reasonDefaultGroup: the default group cannot be changed so (dfw 7006).
	reasonDefaultGroup
	// reasonMalformed: a value of the wrong form or length (9003).
	reasonMalformed
	// reasonAddressQuota: no more EIPs in the region, or for the day.
	reasonAddressQuota
	// reasonAddressState: an EIP (or its instance) is not in the binding
	// state the operation needs.
	reasonAddressState
	// reasonProjectNameTaken: a project of that name exists (account 1036).
	reasonProjectNameTaken
	// reasonProjectLimit: the account has all the projects it may (1015).
	reasonProjectLimit
	// reasonKeyNameEmpty, reasonKeyNameTooLong, reasonKeyNameChars,
	// reasonKeyNameTaken: a key pair's name the core will not give.
	reasonKeyNameEmpty
	reasonKeyNameTooLong
	reasonKeyNameChars
	reasonKeyNameTaken
	// reasonBadPublicKey: not an OpenSSH RSA public key.
	reasonBadPublicKey
	// reasonKeyImported: that public key is a key pair already.
	reasonKeyImported
	// reasonVpcNotFound, reasonSubnetNotFound: a VPC or subnet that does
	// not exist, named by an instance's placement.
	reasonVpcNotFound
	reasonSubnetNotFound
	// reasonVpcSubnetMismatch: the subnet is not the VPC's.
	reasonVpcSubnetMismatch
	// reasonSubnetZoneMismatch: the subnet is in another zone.
	reasonSubnetZoneMismatch
	// reasonSubnetFull: no address of the subnet is left.
	reasonSubnetFull
	// reasonAddrTaken, reasonAddrNotInSubnet: a private address asked
	// for is taken, or not one of the subnet's.
	reasonAddrTaken
	reasonAddrNotInSubnet
)

// answer is what each contract answers for a reason.
type answer struct {
	code   int    // the legacy code (its codeDesc from codeDescs)
	module int    // the module number the legacy message starts with, as "(7001)"; 0 for none
	api3   string // the API 3.0 code
}

// refusals is the table: legacy codes and module numbers from the legacy
// pages (spec §4.2, §5.3, §5.8), API 3.0 codes from TC-Go's errors.go of
// cvm and vpc (spec §5).
var refusals = map[reason]answer{
	reasonMissing:            {4000, 0, "MissingParameter"},
	reasonBadPeriod:          {4000, 0, "InvalidPeriod"},
	reasonImageNameTaken:     {4000, 0, "InvalidImageName.Duplicate"},
	reasonNotAnAccount:       {4000, 0, "InvalidAccountId.NotFound"},
	reasonGroupNotFound:      {5000, 7001, "ResourceNotFound"},
	reasonGroupLimit:         {5100, 7002, "LimitExceeded"},
	reasonInstanceGroupLimit: {5100, 7002, "LimitExceeded.AssociateUSGLimitExceeded"},
	reasonVersionMoved:       {5100, 7000, "UnsupportedOperation.VersionMismatch"},
	reasonGroupInUse:         {5100, 7000, "ResourceInUse"},
	reasonGroupNameTaken:     {4000, 7005, "ResourceInUse"},
	reasonInstanceBusy:       {5100, 7003, "ResourceInUse"},
	reasonDefaultGroup:       {5100, 7006, "FailedOperation"},
	reasonMalformed:          {4000, 9003, "InvalidParameterValue"},
	reasonAddressQuota:       {5100, 0, "AddressQuotaLimitExceeded"},
	reasonAddressState:       {5100, 0, "InvalidAddressIdStatus.NotPermit"},
	reasonProjectNameTaken:   {5100, 1036, "FailedOperation"},
	reasonProjectLimit:       {5100, 1015, "FailedOperation"},
	reasonKeyNameEmpty:       {4000, 0, "InvalidKeyPairNameEmpty"},
	reasonKeyNameTooLong:     {4000, 0, "InvalidKeyPairNameTooLong"},
	reasonKeyNameChars:       {4000, 0, "InvalidKeyPairNameIncludeIllegalChar"},
	reasonKeyNameTaken:       {4000, 0, "InvalidKeyPairName.Duplicate"},
	reasonBadPublicKey:       {4000, 0, "InvalidPublicKey.Malformed"},
	reasonKeyImported:        {4000, 0, "InvalidPublicKey.Duplicate"},
	// The CVM codes of an instance's placement (the Go SDK's cvm error
	// list); the legacy contract answers 4000 or 5100.
	reasonVpcNotFound:        {4000, 0, "InvalidParameterValue.VpcIdNotExist"},
	reasonSubnetNotFound:     {4000, 0, "InvalidParameterValue.SubnetNotExist"},
	reasonVpcSubnetMismatch:  {4000, 0, "InvalidParameterValue.VpcIdSubnetIdNotMatch"},
	reasonSubnetZoneMismatch: {4000, 0, "InvalidParameterValue.SubnetIdZoneIdNotMatch"},
	reasonSubnetFull:         {5100, 0, "FailedOperation.NoAvailableIpAddressCountInSubnet"},
	reasonAddrTaken:          {5100, 0, "VpcIpIsUsed"},
	reasonAddrNotInSubnet:    {4000, 0, "VpcAddrNotInSubNet"},
}

// refuse is the core's refusal for a reason, in the legacy form the table
// gives it; the API 3.0 door reads its reason, never its message.
func refuse(r reason, format string, args ...any) *apiError {
	a := refusals[r]
	e := errf(a.code, format, args...)
	if a.module != 0 {
		e.message = "(" + strconv.Itoa(a.module) + ")" + e.message
	}
	e.reason = r
	return e
}

// missing refuses a call for a required parameter it lacks.
func missing(format string, args ...any) *apiError {
	return refuse(reasonMissing, "missing parameter "+format, args...)
}

// fromLegacy is the API 3.0 answer to a refusal of the core: its reason's
// code; failing one, the code of its finer legacy description; failing
// that, the code of its legacy class (spec §5's table).
func fromLegacy(e *apiError) *api3Err {
	if a, ok := refusals[e.reason]; ok {
		return &api3Err{code: a.api3, message: e.message}
	}
	if code, ok := descCodes[e.codeDesc]; ok {
		return &api3Err{code: code, message: e.message}
	}
	if code, ok := classCodes[e.code]; ok {
		return &api3Err{code: code, message: e.message}
	}
	return &api3Err{code: "FailedOperation", message: e.message}
}

// classCodes are the newer contract's codes for the legacy classes (§5).
var classCodes = map[int]string{
	4000: "InvalidParameterValue",
	4100: "AuthFailure.SignatureFailure", 4101: "AuthFailure.SignatureFailure", 4102: "AuthFailure.SignatureFailure",
	4103: "AuthFailure.SignatureFailure", 4106: "AuthFailure.SignatureFailure", 4110: "AuthFailure.SignatureFailure",
	4104: "AuthFailure.SecretIdNotFound",
	4105: "AuthFailure.TokenFailure",
	4300: "UnauthorizedOperation",
	4400: "RequestLimitExceeded",
	4500: "AuthFailure.SignatureExpire",
	5000: "ResourceNotFound",
	5300: "FailedOperation.BalanceInsufficient",
	6000: "InternalError",
	6100: "InvalidAction",
	6200: "ServiceUnavailable",
}

// descCodes are the newer contract's codes for the core's finer legacy
// descriptions (names from TC-Go cvm/v20170312/errors.go and the vpc
// pages, §5).
var descCodes = map[string]string{
	"OperationConstraints.InvaildInstanceStatus": "InvalidInstanceState",
	"InvalidParameter.PasswordNotConformSpecs":   "InvalidPassword",
	"InvalidParameter.InstanceConfig":            "InvalidParameterValue.InstanceTypeNotFound",
	"InvalidParameter.InvaildZoneId":             "InvalidZone.MismatchRegion",
	"InvalidParameter.MissImageId":               "InvalidImageId.NotFound",
	"InvalidParameter.ProjectIdNotFound":         "InvalidProjectId.NotFound",
	"InvalidVpc.NotFound":                        "InvalidVpcId.NotFound",
	"InvalidNetworkInterface.NotFound":           "ResourceNotFound",
	"InvalidInstance.NotFound":                   "InvalidInstanceId.NotFound",
	"InvalidNetworkInterface.AlreadyAssociated":  "UnsupportedOperation.AttachmentAlreadyExists",
}
