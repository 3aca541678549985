// Command instancerole calls the API with the temporary credentials of a
// CVM instance's CAM role, as a program running on CVM does, and shows them
// being refreshed before they expire.
//
// With no TENCENTCLOUD_METADATA_ENDPOINT it runs on an emulator started
// in-process whose metadata service hands out keys that last 8 seconds, so
// that refreshes show within the run. Against a running cvm-emulator:
//
//	go run ./cmd/cvm-emulator -role CVMRole -role-ttl 1m &
//	TENCENTCLOUD_METADATA_ENDPOINT=http://127.0.0.1:9191 \
//	TENCENTCLOUD_API_ENDPOINT=http://127.0.0.1:9191/v2/index.php \
//	  go run ./examples/instancerole -for 2m
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

func main() {
	runFor := flag.Duration("for", 12*time.Second, "how long to keep calling")
	every := flag.Duration("every", time.Second, "time between calls")
	flag.Parse()
	log.SetFlags(0)

	endpoint := os.Getenv(cvm.EnvAPIEndpoint)
	metadata := os.Getenv(cvm.EnvMetadataEndpoint)
	if metadata == "" {
		srv := cvmtest.NewServer(cvmtest.WithRole("CVMRole", 8*time.Second), cvmtest.WithInstances(2))
		defer srv.Close()
		metadata, endpoint = srv.MetadataEndpoint(), srv.Endpoint()
		fmt.Printf("An emulator at %s binds role CVMRole to this \"instance\"; its keys last 8 s.\n", metadata)
	}
	role := cvm.InstanceRoleCredentials(cvm.InstanceRoleOptions{Endpoint: metadata})
	client, err := cvm.NewClient(cvm.Config{Credentials: role, Region: "gz", Endpoint: endpoint})
	if err != nil {
		log.Fatal(err)
	}
	// The same provider the client uses, to show which keys are in force:
	// the client wraps it in a cache that refreshes them shortly before
	// they expire (half-way through a life as short as these).
	cache := cvm.NewCredentialsCache(role)

	ctx, cancel := context.WithTimeout(context.Background(), *runFor)
	defer cancel()
	tick := time.NewTicker(*every)
	defer tick.Stop()
	last := ""
	for i := 1; ; i++ {
		list, _, err := client.Instances.List(ctx, nil)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			log.Fatalf("call %d: %v", i, err)
		}
		creds, err := cache.Retrieve(ctx)
		if err != nil {
			log.Fatal(err)
		}
		note := ""
		if creds.SecretID != last {
			note = "  <- new keys"
			last = creds.SecretID
		}
		fmt.Printf("call %2d: %d instances, signed as %s…, expiring in %v%s\n", i, len(list),
			creds.SecretID[:min(12, len(creds.SecretID))], time.Until(creds.Expires).Round(time.Second), note)
		select {
		case <-ctx.Done():
		case <-tick.C:
			continue
		}
		break
	}
	fmt.Println("Every call succeeded across the expiries.")
}
