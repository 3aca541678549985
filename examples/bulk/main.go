// Command bulk stops and starts many instances under the API's quotas:
// batch actions take 100 ids a call, so 250 instances need 3 calls; and
// actions of one instance at a time (here, renaming) run from many
// goroutines while the client's limiter keeps every action under 100 calls a
// minute. Per-instance failures are reported, not hidden.
//
// On the emulator it seeds 250 instances. Against the real API it only
// lists, unless given -apply, which stops and starts every instance whose
// name contains -match.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/qcloud-legacy/cvm/examples/internal/exampleenv"
)

func main() {
	apply := flag.Bool("apply", false, "against the real API, really stop and start the instances")
	match := flag.String("match", "seed", "act on instances whose name contains this")
	renames := flag.Int("renames", 12, "how many instances to rename, one call each")
	flag.Parse()
	log.SetFlags(0)
	env, err := exampleenv.New(cvmtest.WithInstances(250))
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c := env.Client

	var ids []string
	for in, err := range c.Instances.All(ctx, &cvm.InstanceListOptions{SearchWord: *match, Status: cvm.InstanceRunning}) {
		if err != nil {
			log.Fatal(err)
		}
		ids = append(ids, in.ID)
	}
	fmt.Printf("%d running instances match %q\n", len(ids), *match)
	if env.Real() && !*apply {
		fmt.Println("Pass -apply to stop and start them.")
		return
	}

	report := func(what string, res *cvm.BatchResult, err error) {
		var apiErr *cvm.APIError
		switch {
		case errors.As(err, &apiErr) && len(apiErr.Items) > 0:
			fmt.Printf("%s: %d of %d failed\n", what, len(apiErr.Failed()), len(apiErr.Items))
			for _, it := range apiErr.Failed() {
				fmt.Printf("  %s: code %d %s\n", it.ID, it.Code, it.Message)
			}
		case err != nil:
			log.Fatalf("%s: %v", what, err)
		default:
			fmt.Printf("%s: %d instances\n", what, len(res.Items))
		}
	}
	res, resp, err := c.Instances.Stop(ctx, ids...)
	if resp != nil {
		fmt.Printf("StopInstances: %d HTTP attempts for %d instances (100 ids a call)\n", resp.Attempts, len(ids))
	}
	report("stop", res, err)
	if err := c.Instances.WaitStatus(ctx, cvm.InstanceStopped, ids...); err != nil {
		log.Fatal(err)
	}
	res, _, err = c.Instances.Start(ctx, ids...)
	report("start", res, err)

	// One call per instance: the limiter paces them (100 a minute per
	// action, 1000 per account), however many goroutines ask at once.
	n := min(*renames, len(ids))
	start := time.Now()
	var wg sync.WaitGroup
	for i, id := range ids[:n] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Instances.Rename(ctx, id, fmt.Sprintf("bulk-%03d", i)); err != nil {
				log.Printf("rename %s: %v", id, err)
				return
			}
			fmt.Printf("  %6.2fs renamed %s\n", time.Since(start).Seconds(), id)
		}()
	}
	wg.Wait()
	fmt.Printf("%d renames in %.1fs\n", n, time.Since(start).Seconds())
}
