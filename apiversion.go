package cvm

import (
	"fmt"
	"strings"
)

// APIVersion selects the contract a [Client] speaks. The typed services
// and their Go types are the same under both; see MIGRATING.md for what
// changes for a program.
type APIVersion int

const (
	// LegacyAPI is the legacy contract ("API 2.0":
	// https://<module>.api.qcloud.com/v2/index.php, query-signed with HMAC),
	// the zero value.
	LegacyAPI APIVersion = iota
	// API3 is API 3.0 (https://<service>.tencentcloudapi.com, JSON signed
	// with TC3-HMAC-SHA256).
	API3
)

// String returns "legacy" or "3", the values of TENCENTCLOUD_CVM_API.
func (v APIVersion) String() string {
	switch v {
	case LegacyAPI:
		return "legacy"
	case API3:
		return "3"
	}
	return fmt.Sprintf("APIVersion(%d)", int(v))
}

// MarshalText returns the String form.
func (v APIVersion) MarshalText() ([]byte, error) {
	if v != LegacyAPI && v != API3 {
		return nil, fmt.Errorf("cvm: unknown APIVersion %d", int(v))
	}
	return []byte(v.String()), nil
}

// UnmarshalText reads what [ParseAPIVersion] reads.
func (v *APIVersion) UnmarshalText(b []byte) error {
	p, err := ParseAPIVersion(string(b))
	if err != nil {
		return err
	}
	*v = p
	return nil
}

// ParseAPIVersion reads "legacy" (or "2", or "") and "3" (or "api3", "3.0"),
// ignoring case.
func ParseAPIVersion(s string) (APIVersion, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "legacy", "2", "2.0", "v2":
		return LegacyAPI, nil
	case "3", "3.0", "api3", "v3":
		return API3, nil
	}
	return 0, &ArgError{Arg: "APIVersion", Reason: fmt.Sprintf("%q is not legacy or 3", s)}
}

// Signature methods of API 3.0 (Config.API3SignatureMethod).
const (
	// SignatureTC3 is TC3-HMAC-SHA256, the default.
	SignatureTC3 = "TC3-HMAC-SHA256"
)
