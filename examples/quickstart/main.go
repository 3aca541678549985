// Command quickstart walks through the SDK.
//
// With no credentials in the environment it starts the emulator in-process
// and runs a whole lifecycle there: zones, images, create instances, wait
// until they run, a security group and its rules, an EIP bound to an
// instance, listing with the iterator, stop, return, clean up.
//
// -api 3 runs the same program over API 3.0 (the emulator serves both
// contracts), as TENCENTCLOUD_CVM_API=3 does.
//
// With TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY set it talks to
// the real API and only reads, unless given -create (which buys two
// postpaid instances and an EIP for a few minutes, and returns them).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/examples/internal/exampleenv"
)

func main() {
	create := flag.Bool("create", false, "against the real API, also create and clean up resources (it costs money)")
	apiFlag := flag.String("api", "", `the contract: "legacy" or "3" (API 3.0); empty means what TENCENTCLOUD_CVM_API says`)
	flag.Parse()
	log.SetFlags(0)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	api := cvm.APIVersion(-1)
	if *apiFlag != "" {
		v, err := cvm.ParseAPIVersion(*apiFlag)
		if err != nil {
			log.Fatal(err)
		}
		api = v
	}
	env, err := exampleenv.NewFor(api)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	if err := run(ctx, env.Client, *create || !env.Real()); err != nil {
		env.Close()
		log.Print(err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c *cvm.Client, create bool) error {
	zones, _, err := c.Zones.List(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("\n== Region %s (%s) has %d zones\n", c.Region().Long, c.Region().Name, len(zones))
	for _, z := range zones {
		fmt.Printf("   %d %s\n", z.ID, z.Name)
	}
	if len(zones) == 0 {
		return errors.New("no zones in this region")
	}

	images, resp, err := c.Images.List(ctx, &cvm.ImageListOptions{Type: cvm.ImagePublic, ListOptions: cvm.ListOptions{Limit: 3}})
	if err != nil {
		return err
	}
	fmt.Printf("\n== %d public images; the first %d:\n", resp.TotalCount, len(images))
	for _, img := range images {
		fmt.Printf("   %s %s\n", img.ID, img.Name)
	}

	count := 0
	for _, err := range c.Instances.All(ctx, nil) {
		if err != nil {
			return err
		}
		count++
	}
	fmt.Printf("\n== The account has %d instances here\n", count)
	if !create {
		fmt.Println("\nRead-only run; pass -create to create and clean up resources.")
		return nil
	}
	if len(images) == 0 {
		return errors.New("no public image to start from")
	}

	fmt.Println("\n== Creating 2 postpaid instances")
	ids, _, err := c.Instances.Create(ctx, &cvm.InstanceCreateRequest{
		ZoneID: zones[0].ID, CPU: 1, MemoryGB: 2, ImageID: images[0].ID,
		BandwidthMbps: 1, Name: "quickstart", Count: 2,
	})
	if err != nil {
		return err
	}
	fmt.Printf("   created %v; waiting until they run\n", ids)
	if err := c.Instances.WaitStatus(ctx, cvm.InstanceRunning, ids...); err != nil {
		return err
	}
	fmt.Println("   running")

	fmt.Println("\n== A security group for them")
	sg, _, err := c.SecurityGroups.Create(ctx, &cvm.SecurityGroupCreateRequest{Name: "quickstart-web", Remark: "made by the quickstart"})
	if err != nil {
		return err
	}
	_, err = c.SecurityGroups.ReplaceRules(ctx, sg.ID,
		[]cvm.Rule{
			{Protocol: "tcp", Ports: "443", CIDR: "0.0.0.0/0", Action: cvm.Accept, Description: "https"},
			{Protocol: "tcp", Ports: "22", CIDR: "10.0.0.0/8", Action: cvm.Accept, Description: "ssh from inside"},
		},
		[]cvm.Rule{{CIDR: "0.0.0.0/0", Action: cvm.Accept}})
	if err != nil {
		return err
	}
	rules, _, err := c.SecurityGroups.Rules(ctx, sg.ID)
	if err != nil {
		return err
	}
	fmt.Printf("   %s has %d ingress rules (version %d)\n", sg.ID, len(rules.Ingress), rules.Version)
	var sets []cvm.InstanceGroups
	for _, id := range ids {
		sets = append(sets, cvm.InstanceGroups{InstanceID: id, SecurityGroupIDs: []string{sg.ID}})
	}
	if _, err := c.SecurityGroups.SetInstanceGroups(ctx, sets...); err != nil {
		return err
	}
	fmt.Printf("   associated with %d instances\n", len(ids))

	fmt.Println("\n== An EIP for the first instance")
	eips, _, err := c.EIPs.Create(ctx, 1)
	if err != nil {
		return err
	}
	if err := c.EIPs.WaitStatus(ctx, cvm.EIPUnbound, eips[0]); err != nil {
		return err
	}
	if _, err := c.EIPs.Associate(ctx, eips[0], ids[0]); err != nil {
		return err
	}
	if err := c.EIPs.WaitStatus(ctx, cvm.EIPBound, eips[0]); err != nil {
		return err
	}
	eip, _, err := c.EIPs.Get(ctx, eips[0])
	if err != nil {
		return err
	}
	fmt.Printf("   %s (%s) is bound to %s\n", eip.ID, eip.IP, eip.InstanceID)

	fmt.Println("\n== Listing our instances with the iterator")
	for in, err := range c.Instances.All(ctx, &cvm.InstanceListOptions{SearchWord: "quickstart"}) {
		if err != nil {
			return err
		}
		fmt.Printf("   %s %-10s %-8s %d vCPU %d GB  %v\n", in.ID, in.Name, in.Status, in.CPU, in.MemoryGB, in.WANIPs)
	}

	fmt.Println("\n== Stopping them")
	if _, _, err := c.Instances.Stop(ctx, ids...); err != nil {
		return err
	}
	// Starting an instance that is still stopping is refused, per instance.
	_, _, err = c.Instances.Start(ctx, ids...)
	started := ids // what the start reached, if it was not refused
	var apiErr *cvm.APIError
	if errors.As(err, &apiErr) {
		code := fmt.Sprint(apiErr.Code)
		if apiErr.ErrorCode != "" {
			code = apiErr.ErrorCode // API 3.0's code; the batch is refused whole, with no per-id results
		}
		fmt.Printf("   starting them while they stop is refused (%s):\n", code)
		started = nil
		for _, it := range apiErr.Items {
			fmt.Printf("     %s: code %d\n", it.ID, it.Code)
			if it.Code == 0 {
				started = append(started, it.ID)
			}
		}
	} else if err != nil {
		return err
	}
	if len(started) > 0 {
		// Some had stopped before the start arrived (a busy machine, or a
		// fast emulator) and are starting again: stop them once more.
		fmt.Printf("   %v had already stopped and started again; stopping them once more\n", started)
		if err := c.Instances.WaitStatus(ctx, cvm.InstanceRunning, started...); err != nil {
			return err
		}
		if _, _, err := c.Instances.Stop(ctx, started...); err != nil {
			return err
		}
	}
	if err := c.Instances.WaitStatus(ctx, cvm.InstanceStopped, ids...); err != nil {
		return err
	}
	fmt.Println("   stopped")

	fmt.Println("\n== An SSH key pair for them (keys bind to stopped Linux instances)")
	key, _, err := c.KeyPairs.Create(ctx, "quickstart_key")
	if err != nil {
		return err
	}
	// The private key comes back once; it is a cvm.Secret, so printing it
	// by mistake shows REDACTED. Save key.PrivateKey.Reveal() to a file.
	fmt.Printf("   created %s (%s); the private key prints as %v (save key.PrivateKey.Reveal() instead)\n",
		key.ID, key.Name, key.PrivateKey)
	if _, err := c.KeyPairs.Bind(ctx, key.ID, ids...); err != nil {
		return err
	}
	bound, _, err := c.KeyPairs.Get(ctx, key.ID)
	if err != nil {
		return err
	}
	fmt.Printf("   bound to %v\n", bound.InstanceIDs)
	if _, err := c.KeyPairs.Unbind(ctx, key.ID, ids...); err != nil {
		return err
	}
	if _, _, err := c.KeyPairs.Delete(ctx, key.ID); err != nil {
		return err
	}
	fmt.Printf("   unbound and deleted %s\n", key.ID)

	fmt.Println("\n== Cleaning up")
	if _, err := c.EIPs.Disassociate(ctx, eip.ID, false); err != nil {
		return err
	}
	if err := c.EIPs.WaitStatus(ctx, cvm.EIPUnbound, eip.ID); err != nil {
		return err
	}
	if _, err := c.EIPs.Delete(ctx, eip.ID); err != nil {
		return err
	}
	fmt.Printf("   released %s\n", eip.ID)
	for _, id := range ids {
		if _, err := c.Instances.Terminate(ctx, id); err != nil {
			return err
		}
	}
	if err := c.Instances.WaitStatus(ctx, cvm.InstanceReturned, ids...); err != nil {
		return err
	}
	fmt.Printf("   returned %v\n", ids)
	if _, err := c.SecurityGroups.Delete(ctx, sg.ID); err != nil {
		return err
	}
	fmt.Printf("   deleted %s\n\nDone.\n", sg.ID)
	return nil
}
