package cvm

// Version is this SDK's version, the one place it is kept: it goes into the
// User-Agent and the RequestClient parameter, and CHANGELOG.md and the git
// tag follow it.
const Version = "0.3.0"
