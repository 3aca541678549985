// Package testhook lets this module's own tests reach into clients they
// cannot configure from outside the cvm package.
package testhook

import (
	"sync/atomic"
	"time"

	"github.com/qcloud-legacy/cvm/internal/clock"
)

// Timers, when set, gives every Client made afterwards the clock its
// retry backoff and waiters sleep on (their timestamps stay on the wall
// clock). Tests set it once, in TestMain, to a clock whose timers fire at
// once.
var Timers atomic.Pointer[clock.Clock]

// Grants, when set, is given to every built-in limiter made afterwards,
// which calls it, under its lock, with each call it lets through and the
// instant it did. Load tests use it to check the quotas exactly.
var Grants atomic.Pointer[func(action string, at time.Time)]
