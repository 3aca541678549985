// Package conformance holds no code of its own but one name: its tests run Tencent's
// official API 3.0 SDKs for Go and for Node.js, unchanged, against the
// emulator, as cvmtest serves it in process and as
// cmd/cvm-emulator serves it from its binary. The official SDKs are judges
// here, never parts of the emulator: this module is where they are
// required, so that neither the core module nor the emulator depends on
// them.
package conformance

// ModelWalkCheck is what a check of the model walk says: every answer of
// an action, walked against the official Go SDK's model of it. The
// fidelity report counts the served actions it covers, and fails when one
// is not.
const ModelWalkCheck = "every answer has each member of the official Go SDK's model, typed as it declares, and no other the newest model lacks"

// NewestModelCheck is what a check of the walk against the newest models
// says: every answer of an action, walked against tencentcloud-sdk-nodejs's
// model of it (the package of every service, newer than the Go modules
// pinned here). The fidelity report counts the served actions it covers.
const NewestModelCheck = "every answer has each member of tencentcloud-sdk-nodejs's (newest) model, typed as it declares, and no other"
