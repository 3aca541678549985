// Package testhook lets this module's own tests reach into clients they
// cannot configure from outside the cvm package.
package testhook

import (
	"sync/atomic"

	"github.com/qcloud-legacy/cvm/internal/clock"
)

// Timers, when set, gives every Client made afterwards the clock its
// retry backoff and waiters sleep on (their timestamps stay on the wall
// clock). Tests set it once, in TestMain, to a clock whose timers fire at
// once.
var Timers atomic.Pointer[clock.Clock]
