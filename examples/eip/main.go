// Command eip walks an elastic IP's lifecycle: check the quota, allocate,
// bind to an instance, switch to pass-through mode, unbind, release.
// Against the real API it needs -create and -instance.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/qcloud-legacy/cvm/examples/internal/exampleenv"
)

func main() {
	create := flag.Bool("create", false, "against the real API, allocate and release an EIP")
	instance := flag.String("instance", "", "the running instance to bind to (the emulator seeds one)")
	flag.Parse()
	log.SetFlags(0)
	env, err := exampleenv.New(cvmtest.WithInstances(1))
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	c := env.Client
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	q, _, err := c.EIPs.Quota(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("EIPs: %d of %d; applied today: %d of %d\n", q.Current, q.Max, q.DailyApplied, q.DailyApplyMax)
	if env.Real() && (!*create || *instance == "") {
		fmt.Println("Pass -create -instance ins-... to allocate, bind and release an EIP.")
		return
	}
	if *instance == "" {
		*instance = env.Emulator.Instances("")[0].ID
	}

	ids, _, err := c.EIPs.Create(ctx, 1)
	if err != nil {
		log.Fatal(err)
	}
	id := ids[0]
	step := func(what string, err error, status cvm.EIPStatus) {
		if err != nil {
			log.Fatalf("%s: %v", what, err)
		}
		if err := c.EIPs.WaitStatus(ctx, status, id); err != nil {
			log.Fatal(err)
		}
		e, _, err := c.EIPs.Get(ctx, id)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-12s %s %-15s %-8s %s\n", what, e.ID, e.IP, e.Status, e.InstanceID)
	}
	step("allocated", nil, cvm.EIPUnbound)
	_, err = c.EIPs.Associate(ctx, id, *instance)
	step("bound", err, cvm.EIPBound)
	_, err = c.EIPs.SetPassThrough(ctx, id, true)
	step("passthrough", err, cvm.EIPBound)
	_, err = c.EIPs.Disassociate(ctx, id, true)
	step("unbound", err, cvm.EIPUnbound)
	if _, err := c.EIPs.Delete(ctx, id); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("released %s\n", id)
}
