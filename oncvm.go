package cvm

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"sync"
)

// The default credentials chain asks the CVM metadata service only where it
// can answer, so that a laptop or a CI machine with no credentials sends
// nothing off the machine, not even a DNS query for metadata.tencentyun.com
// (spec §13.11 leaves open whether that name resolves off CVM). A machine
// is taken for a CVM instance when its firmware identity names Tencent:
//
//   - the DMI strings Linux exposes under /sys/class/dmi/id (sys_vendor,
//     product_name, board_vendor, chassis_vendor, bios_vendor), which
//     systemd-detect-virt and cloud-init's ds-identify read to tell one
//     cloud from another. That a CVM's sys_vendor reads "Tencent Cloud" is
//     inferred, not documented in the spec's sources;
//   - or cloud-init's /etc/cloud/cloud.cfg naming Tencent, as Tencent's
//     public images configure it (the check linPEAS's check_tencent_cvm
//     makes).
//
// Where neither holds (any system but Linux included), the instance role
// is "not configured" unless TENCENTCLOUD_METADATA_ENDPOINT is set, and an
// explicit InstanceRoleCredentials provider, or a tccli profile of type
// cvm-role, asks the service whatever the machine.

var dmiFiles = []string{
	"/sys/class/dmi/id/sys_vendor", "/sys/class/dmi/id/product_name", "/sys/class/dmi/id/board_vendor",
	"/sys/class/dmi/id/chassis_vendor", "/sys/class/dmi/id/bios_vendor", "/etc/cloud/cloud.cfg",
}

// onCVM reports whether this machine looks like a CVM instance; tests
// replace it.
var onCVM = sync.OnceValue(func() bool {
	if runtime.GOOS != "linux" {
		return false
	}
	return identityNamesTencent(dmiFiles)
})

func identityNamesTencent(files []string) bool {
	for _, f := range files {
		b, err := readCredentialsFile(context.Background(), f)
		if err == nil && bytes.Contains(bytes.ToLower(b), []byte("tencent")) {
			return true
		}
	}
	return false
}

// metadataReachable says whether the default chain should ask the
// metadata service: TENCENTCLOUD_METADATA_ENDPOINT forces it; otherwise
// only on a CVM instance.
func metadataReachable() bool {
	return os.Getenv(EnvMetadataEndpoint) != "" || onCVM()
}
