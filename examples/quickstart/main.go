// Command quickstart walks through the SDK. With no credentials in the
// environment it starts the emulator in-process and runs a small lifecycle
// there: zones, create instances, wait until they run, list, stop, return.
// With TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY set it talks to the
// real API and only reads, unless given -create.
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
	"github.com/qcloud-legacy/cvm/cvmtest"
)

func main() {
	create := flag.Bool("create", false, "against the real API, also create and return an instance (it costs money)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, *create); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, create bool) error {
	cfg, err := cvm.ConfigFromEnv()
	switch {
	case errors.Is(err, cvm.ErrNoCredentials):
		srv := cvmtest.NewServer(cvmtest.WithTransition(500 * time.Millisecond))
		defer srv.Close()
		cfg = srv.Config()
		create = true
		fmt.Printf("No credentials found: using the in-process emulator at %s\n", cfg.Endpoint)
	case err != nil:
		return err
	default:
		if cfg.Region == "" {
			cfg.Region = "gz"
		}
		fmt.Printf("Using the real API as %s in %s\n", cfg.SecretID, cfg.Region)
	}
	client, err := cvm.NewClient(cfg)
	if err != nil {
		return err
	}

	zones, _, err := client.Zones.List(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("Region %s has %d zones:\n", client.Region().Long, len(zones))
	for _, z := range zones {
		fmt.Printf("  %d %s\n", z.ID, z.Name)
	}
	if len(zones) == 0 {
		return errors.New("no zones in this region")
	}

	var list struct {
		TotalCount  int `json:"totalCount"`
		InstanceSet []struct {
			ID     string `json:"unInstanceId"`
			Name   string `json:"instanceName"`
			Status int    `json:"status"`
		} `json:"instanceSet"`
	}
	if err := client.Do(ctx, "cvm", "DescribeInstances", map[string]string{"limit": "100"}, &list); err != nil {
		return err
	}
	fmt.Printf("The account has %d instances in this region.\n", list.TotalCount)
	if !create {
		fmt.Println("Read-only run; pass -create to create and return an instance.")
		return nil
	}

	var created struct {
		IDs []string `json:"unInstanceIds"`
	}
	err = client.Do(ctx, "cvm", "RunInstancesHour", map[string]string{
		"zoneId": fmt.Sprint(zones[0].ID), "cpu": "1", "mem": "1", "imageId": "img-31tjrtph",
		"storageSize": "0", "bandwidth": "1", "goodsNum": "2", "instanceName": "quickstart",
	}, &created)
	if err != nil {
		return err
	}
	fmt.Printf("Created %v; waiting until they run...\n", created.IDs)

	params := struct {
		IDs cvm.List[string] `url:"instanceIds"`
	}{created.IDs}
	if err := waitStatus(ctx, client, params, 2); err != nil {
		return err
	}
	fmt.Println("All running.")

	err = client.Do(ctx, "cvm", "StopInstances", params, nil)
	fmt.Printf("StopInstances: %v\n", orOK(err))
	// Stopping takes a moment; starting a stopping instance is refused,
	// and the error says so per instance.
	err = client.Do(ctx, "cvm", "StartInstances", params, nil)
	var apiErr *cvm.APIError
	if errors.As(err, &apiErr) {
		fmt.Printf("StartInstances while stopping is refused (code %d):\n", apiErr.Code)
		for _, it := range apiErr.Items {
			fmt.Printf("  %s: code %d\n", it.ID, it.Code)
		}
	}
	if err := waitStatus(ctx, client, params, 4); err != nil {
		return err
	}
	fmt.Println("All stopped.")
	for _, id := range created.IDs {
		err := client.Do(ctx, "cvm", "ReturnInstance", map[string]string{"instanceId": id}, nil)
		fmt.Printf("ReturnInstance %s: %v\n", id, orOK(err))
	}
	return nil
}

// waitStatus polls DescribeInstances until every instance has the status.
func waitStatus(ctx context.Context, client *cvm.Client, params any, status int) error {
	for {
		var list struct {
			InstanceSet []struct {
				Status int `json:"status"`
			} `json:"instanceSet"`
		}
		if err := client.Do(ctx, "cvm", "DescribeInstances", params, &list); err != nil {
			return err
		}
		done := 0
		for _, in := range list.InstanceSet {
			if in.Status == status {
				done++
			}
		}
		if done == len(list.InstanceSet) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func orOK(err error) any {
	if err == nil {
		return "ok"
	}
	return err
}

func init() { log.SetFlags(0); log.SetOutput(os.Stderr) }
