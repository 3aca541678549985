// Command cvm is the command line for operators of Tencent Cloud CVM fleets,
// on the SDK github.com/qcloud-legacy/cvm: instances, images, EIPs,
// security groups, zones, key pairs and orders, as tables, JSON, YAML or
// tab-separated text, with JMESPath queries, waiters and exit codes, over
// the legacy API or API 3.0 (--api 3), with the SDK's credentials chain,
// quota limiter and safe retries. --emulator runs every command against an
// embedded emulator, with no credentials and nothing beyond the process.
//
//	cvm --emulator instances list -o table
//	cvm instances stop ins-abc12345 --wait
//	cvm instances list --query "[?status=='running'].id" -o text
//
// Install: go install github.com/qcloud-legacy/cvm/cmd/cvm@latest
//
// Exit codes: 0 success; 1 an error (one line on stderr naming the action,
// the code and the request id), or every resource of the command failed; 2
// a usage or configuration error (nothing was sent); 3 some of several
// resources failed (each reported on stdout); 124 --timeout ran out; 130
// interrupted, after reporting what was done.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}
