//go:build !unix && !windows

package cvm

import "os"

// openNonBlocking is a plain read-only open where the system has no
// non-blocking open.
const openNonBlocking = os.O_RDONLY
