// Command iterate walks every instance of a region with the iterator,
// fetching pages of 100 as it goes (each call paced by the rate limiter),
// and prints a progress line and a summary by status. On the emulator it
// seeds 3,000 instances first.
package main

import (
	"context"
	"fmt"
	"log"
	"sort"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/qcloud-legacy/cvm/examples/internal/exampleenv"
)

func main() {
	log.SetFlags(0)
	env, err := exampleenv.New(cvmtest.WithInstances(3000))
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	c := env.Client
	_, resp, err := c.Instances.List(ctx, &cvm.InstanceListOptions{ListOptions: cvm.ListOptions{Limit: 1}})
	if err != nil {
		log.Fatal(err)
	}
	total := resp.TotalCount
	byStatus := map[cvm.InstanceStatus]int{}
	cores, n := 0, 0
	start := time.Now()
	for in, err := range c.Instances.All(ctx, &cvm.InstanceListOptions{ListOptions: cvm.ListOptions{Limit: cvm.MaxPageSize}}) {
		if err != nil {
			log.Fatalf("\nafter %d instances: %v", n, err)
		}
		n++
		byStatus[in.Status]++
		cores += in.CPU
		if n%100 == 0 || n == total {
			fmt.Printf("\r%d/%d instances (%.0f/s)", n, total, float64(n)/time.Since(start).Seconds())
		}
	}
	fmt.Printf("\n%d instances, %d vCPUs\n", n, cores)
	statuses := make([]cvm.InstanceStatus, 0, len(byStatus))
	for s := range byStatus {
		statuses = append(statuses, s)
	}
	sort.Slice(statuses, func(i, j int) bool { return statuses[i] < statuses[j] })
	for _, s := range statuses {
		fmt.Printf("  %-10s %d\n", s, byStatus[s])
	}
}
