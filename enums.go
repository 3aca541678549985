package cvm

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// The enums read and write their documented names as text, so that JSON,
// a configuration file or a command line shows "running", not 2:
// MarshalText gives String's form (a name, or "kind(n)" for a code the SDK
// does not know), and UnmarshalText and the Parse functions take a name,
// that "kind(n)" form, or a bare code.

// parseEnum reads a name of names, "kind(n)", or a code.
func parseEnum[T ~int](names map[T]string, kind, typ, s string) (T, error) {
	for v, n := range names {
		if strings.EqualFold(n, s) {
			return v, nil
		}
	}
	digits := strings.TrimSuffix(strings.TrimPrefix(s, kind+"("), ")")
	if digits != s && !strings.HasPrefix(s, kind+"(") {
		digits = s
	}
	if n, err := strconv.Atoi(digits); err == nil {
		return T(n), nil
	}
	return 0, &ArgError{Arg: typ, Reason: fmt.Sprintf("%q is not one of %s", s, strings.Join(enumNames(names), ", "))}
}

// enumValues returns the documented values of an enum, by code.
func enumValues[T ~int](names map[T]string) []T { return slices.Sorted(maps.Keys(names)) }

// enumNames returns the documented names of an enum, by code.
func enumNames[T ~int](names map[T]string) []string {
	var out []string
	for _, v := range enumValues(names) {
		out = append(out, names[v])
	}
	return out
}

// MarshalText returns the name of the DealStatus, as [DealStatus.String] does.
func (e DealStatus) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads a name, such as "unpaid", as [ParseDealStatus] does.
func (e *DealStatus) UnmarshalText(b []byte) error {
	v, err := ParseDealStatus(string(b))
	if err == nil {
		*e = v
	}
	return err
}

// ParseDealStatus returns the DealStatus of a documented name, such as "unpaid"
// (case-insensitively), of the form "status(n)", or of a bare code.
func ParseDealStatus(s string) (DealStatus, error) {
	return parseEnum(dealStatusNames, "status", "DealStatus", s)
}

// DealStatusValues returns every documented DealStatus, in order of code.
func DealStatusValues() []DealStatus { return enumValues(dealStatusNames) }

// MarshalText returns the name of the EIPStatus, as [EIPStatus.String] does.
func (e EIPStatus) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads a name, such as "bound", as [ParseEIPStatus] does.
func (e *EIPStatus) UnmarshalText(b []byte) error {
	v, err := ParseEIPStatus(string(b))
	if err == nil {
		*e = v
	}
	return err
}

// ParseEIPStatus returns the EIPStatus of a documented name, such as "bound"
// (case-insensitively), of the form "status(n)", or of a bare code.
func ParseEIPStatus(s string) (EIPStatus, error) {
	return parseEnum(eipStatusNames, "status", "EIPStatus", s)
}

// EIPStatusValues returns every documented EIPStatus, in order of code.
func EIPStatusValues() []EIPStatus { return enumValues(eipStatusNames) }

// MarshalText returns the name of the ImageStatus, as [ImageStatus.String] does.
func (e ImageStatus) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads a name, such as "normal", as [ParseImageStatus] does.
func (e *ImageStatus) UnmarshalText(b []byte) error {
	v, err := ParseImageStatus(string(b))
	if err == nil {
		*e = v
	}
	return err
}

// ParseImageStatus returns the ImageStatus of a documented name, such as "normal"
// (case-insensitively), of the form "status(n)", or of a bare code.
func ParseImageStatus(s string) (ImageStatus, error) {
	return parseEnum(imageStatusNames, "status", "ImageStatus", s)
}

// ImageStatusValues returns every documented ImageStatus, in order of code.
func ImageStatusValues() []ImageStatus { return enumValues(imageStatusNames) }

// MarshalText returns the name of the ImageType, as [ImageType.String] does.
func (e ImageType) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads a name, such as "private", as [ParseImageType] does.
func (e *ImageType) UnmarshalText(b []byte) error {
	v, err := ParseImageType(string(b))
	if err == nil {
		*e = v
	}
	return err
}

// ParseImageType returns the ImageType of a documented name, such as "private"
// (case-insensitively), of the form "imagetype(n)", or of a bare code.
func ParseImageType(s string) (ImageType, error) {
	return parseEnum(imageTypeNames, "imagetype", "ImageType", s)
}

// ImageTypeValues returns every documented ImageType, in order of code.
func ImageTypeValues() []ImageType { return enumValues(imageTypeNames) }

// MarshalText returns the name of the InstanceStatus, as [InstanceStatus.String] does.
func (e InstanceStatus) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads a name, such as "running", as [ParseInstanceStatus] does.
func (e *InstanceStatus) UnmarshalText(b []byte) error {
	v, err := ParseInstanceStatus(string(b))
	if err == nil {
		*e = v
	}
	return err
}

// ParseInstanceStatus returns the InstanceStatus of a documented name, such as "running"
// (case-insensitively), of the form "status(n)", or of a bare code.
func ParseInstanceStatus(s string) (InstanceStatus, error) {
	return parseEnum(instanceStatusNames, "status", "InstanceStatus", s)
}

// InstanceStatusValues returns every documented InstanceStatus, in order of code.
func InstanceStatusValues() []InstanceStatus { return enumValues(instanceStatusNames) }

// MarshalText returns the name of the PayMode, as [PayMode.String] does.
func (e PayMode) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads a name, such as "prepaid", as [ParsePayMode] does.
func (e *PayMode) UnmarshalText(b []byte) error {
	v, err := ParsePayMode(string(b))
	if err == nil {
		*e = v
	}
	return err
}

// ParsePayMode returns the PayMode of a documented name, such as "prepaid"
// (case-insensitively), of the form "paymode(n)", or of a bare code.
func ParsePayMode(s string) (PayMode, error) { return parseEnum(payModeNames, "paymode", "PayMode", s) }

// PayModeValues returns every documented PayMode, in order of code.
func PayModeValues() []PayMode { return enumValues(payModeNames) }

// MarshalText returns the name of the NetworkPayMode, as [NetworkPayMode.String] does.
func (e NetworkPayMode) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads a name, such as "by-traffic", as [ParseNetworkPayMode] does.
func (e *NetworkPayMode) UnmarshalText(b []byte) error {
	v, err := ParseNetworkPayMode(string(b))
	if err == nil {
		*e = v
	}
	return err
}

// ParseNetworkPayMode returns the NetworkPayMode of a documented name, such as "by-traffic"
// (case-insensitively), of the form "networkpaymode(n)", or of a bare code.
func ParseNetworkPayMode(s string) (NetworkPayMode, error) {
	return parseEnum(networkPayModeNames, "networkpaymode", "NetworkPayMode", s)
}

// NetworkPayModeValues returns every documented NetworkPayMode, in order of code.
func NetworkPayModeValues() []NetworkPayMode { return enumValues(networkPayModeNames) }

// MarshalText returns the name of the AutoRenew, as [AutoRenew.String] does.
func (e AutoRenew) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads a name, such as "auto", as [ParseAutoRenew] does.
func (e *AutoRenew) UnmarshalText(b []byte) error {
	v, err := ParseAutoRenew(string(b))
	if err == nil {
		*e = v
	}
	return err
}

// ParseAutoRenew returns the AutoRenew of a documented name, such as "auto"
// (case-insensitively), of the form "autorenew(n)", or of a bare code.
func ParseAutoRenew(s string) (AutoRenew, error) {
	return parseEnum(autoRenewNames, "autorenew", "AutoRenew", s)
}

// AutoRenewValues returns every documented AutoRenew, in order of code.
func AutoRenewValues() []AutoRenew { return enumValues(autoRenewNames) }

// MarshalText returns the name of the VPCTaskStatus, as [VPCTaskStatus.String] does.
func (e VPCTaskStatus) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads a name, such as "succeeded", as [ParseVPCTaskStatus] does.
func (e *VPCTaskStatus) UnmarshalText(b []byte) error {
	v, err := ParseVPCTaskStatus(string(b))
	if err == nil {
		*e = v
	}
	return err
}

// ParseVPCTaskStatus returns the VPCTaskStatus of a documented name, such as "succeeded"
// (case-insensitively), of the form "status(n)", or of a bare code.
func ParseVPCTaskStatus(s string) (VPCTaskStatus, error) {
	return parseEnum(vpcTaskNames, "status", "VPCTaskStatus", s)
}

// VPCTaskStatusValues returns every documented VPCTaskStatus, in order of code.
func VPCTaskStatusValues() []VPCTaskStatus { return enumValues(vpcTaskNames) }

// MarshalText returns the name of the DiskType, as [DiskType.String] does.
func (e DiskType) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads a name, such as "cloud", as [ParseDiskType] does.
func (e *DiskType) UnmarshalText(b []byte) error {
	v, err := ParseDiskType(string(b))
	if err == nil {
		*e = v
	}
	return err
}

// ParseDiskType returns the DiskType of a documented name, such as "cloud"
// (case-insensitively), of API 3.0's name of it ("CLOUD_BASIC",
// "CLOUD_PREMIUM", ...), of the form "disktype(n)", or of a bare code; ""
// is none.
func ParseDiskType(s string) (DiskType, error) {
	if s == "" {
		return 0, nil // none
	}
	if d, ok := diskTypesOf3[strings.ToUpper(s)]; ok {
		return d, nil
	}
	return parseEnum(diskTypeNames, "disktype", "DiskType", s)
}

// DiskTypeValues returns every documented DiskType, in order of code.
func DiskTypeValues() []DiskType { return enumValues(diskTypeNames) }

// diskTypesOf3 are API 3.0's names of the disk types (spec/api3 §6 row 2).
var diskTypesOf3 = map[string]DiskType{"LOCAL_BASIC": DiskLocal, "CLOUD_BASIC": DiskCloud, "LOCAL_SSD": DiskLocalSSD,
	"CLOUD_SSD": DiskCloudSSD, "CLOUD_PREMIUM": DiskCloudPremium}
