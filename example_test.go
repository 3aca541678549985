package cvm_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// config points the examples at an emulator; a real program gets its Config
// from cvm.ConfigFromEnv.
var config cvm.Config

func TestMain(m *testing.M) {
	srv := cvmtest.NewServer(cvmtest.WithSeed(1), cvmtest.WithTransition(-1))
	config = srv.Config()
	// The limiter has tests of its own on a fake clock; here it would only
	// make the examples wait on the wall clock.
	config.RateLimit.Disabled = true
	code := m.Run()
	srv.Close()
	os.Exit(code)
}

func Example() {
	client, err := cvm.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	zones, _, err := client.Zones.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, z := range zones {
		fmt.Println(z.ID, z.Name)
	}
	// Output:
	// 100001 广州一区
	// 100002 广州二区
	// 100003 广州三区
	// 100004 广州四区
}

func ExampleNewClient() {
	_, err := cvm.NewClient(cvm.Config{SecretID: "AKID...", SecretKey: cvm.NewSecret("..."), Region: "mars-1"})
	fmt.Println(err)

	var argErr *cvm.ArgError
	fmt.Println(errors.As(err, &argErr), argErr.Arg)
	// Output:
	// cvm: invalid argument Config.Region: unknown region "mars-1"
	// true Config.Region
}

func ExampleConfig_Format() {
	cfg := cvm.Config{SecretID: "AKIDexample", SecretKey: cvm.NewSecret("very-secret"), Region: "gz"}
	out := fmt.Sprintf("%+v", cfg)
	fmt.Println(strings.Contains(out, "very-secret"), strings.Contains(out, "SecretID:AKIDexample SecretKey:REDACTED"))
	// Output:
	// false true
}

func ExampleZonesService_Get() {
	client, err := cvm.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	zone, _, err := client.Zones.Get(context.Background(), 100003)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(zone.Name)

	_, _, err = client.Zones.Get(context.Background(), 999999)
	fmt.Println(errors.Is(err, cvm.ErrInvalidParameter))
	// Output:
	// 广州三区
	// true
}

// Call an action that no service wraps. Embedding cvm.Envelope lets Do read
// the answer in one pass.
func ExampleClient_Do() {
	client, err := cvm.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	var out struct {
		cvm.Envelope
		Data struct {
			CVM struct {
				Price string `json:"price"`
				Unit  string `json:"price_unit"`
			} `json:"cvm"`
		} `json:"data"`
	}
	err = client.Do(context.Background(), "cvm", "InquiryInstancePriceHour",
		url.Values{"cpu": {"2"}, "mem": {"4"}, "imageId": {"img-31tjrtph"}}, &out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Data.CVM.Price, "CNY per", out.Data.CVM.Unit)
	// Output:
	// 0.36 CNY per HOUR
}

// Batch actions report each resource's result in Items.
func ExampleAPIError_batch() {
	client, err := cvm.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	params := struct {
		IDs cvm.List[string] `url:"instanceIds"`
	}{[]string{"ins-missing1", "ins-missing2"}}
	err = client.Do(context.Background(), "cvm", "StartInstances", params, nil)

	var apiErr *cvm.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("code", apiErr.Code, errors.Is(err, cvm.ErrOperationFailed))
		for _, it := range apiErr.Items {
			fmt.Println(it.ID, it.Code)
		}
	}
	// Output:
	// code 5100 true
	// ins-missing1 5000
	// ins-missing2 5000
}

func ExampleLimiterFunc() {
	// Share one budget across every client of a process, on top of the
	// built-in per-account buckets, with any func of the right shape.
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	cfg := config
	cfg.Limiter = cvm.LimiterFunc(func(ctx context.Context, action string) error {
		select {
		case <-tick.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	client, err := cvm.NewClient(cfg)
	if err != nil {
		log.Fatal(err)
	}
	regions, _, err := client.Zones.ProductRegions(context.Background(), cvm.ProductCVM)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(regions) > 0)
	// Output:
	// true
}

func ExampleInstancesService_All() {
	client, err := cvm.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	_, _, err = client.Instances.Create(ctx, &cvm.InstanceCreateRequest{
		ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph", Name: "all-example", Count: 3,
	})
	if err != nil {
		log.Fatal(err)
	}
	// Pages are fetched as the loop goes; break at any time.
	for in, err := range client.Instances.All(ctx, &cvm.InstanceListOptions{SearchWord: "all-example"}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(in.Name, in.Status, in.CPU, in.MemoryGB)
	}
	// Output:
	// all-example running 1 1
	// all-example running 1 1
	// all-example running 1 1
}

func ExampleInstancesService_WaitStatus() {
	client, err := cvm.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ids, _, err := client.Instances.Create(ctx, &cvm.InstanceCreateRequest{
		ZoneID: 100003, CPU: 1, MemoryGB: 2, ImageID: "img-31tjrtph", Name: "wait-example",
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := client.Instances.WaitStatus(ctx, cvm.InstanceRunning, ids...); err != nil {
		log.Fatal(err) // a *cvm.WaitError names the status last seen
	}
	fmt.Println("running")
	// Output:
	// running
}

func ExampleSecurityGroupsService_ReplaceRules() {
	client, err := cvm.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	sg, _, err := client.SecurityGroups.Create(ctx, &cvm.SecurityGroupCreateRequest{Name: "rules-example"})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.SecurityGroups.ReplaceRules(ctx, sg.ID,
		[]cvm.Rule{{Protocol: "tcp", Ports: "443", CIDR: "0.0.0.0/0", Action: cvm.Accept}},
		[]cvm.Rule{{CIDR: "0.0.0.0/0", Action: cvm.Accept}})
	if err != nil {
		log.Fatal(err)
	}
	rules, _, err := client.SecurityGroups.Rules(ctx, sg.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rules.Version, rules.Ingress[0].Action, rules.Ingress[0].Ports)
	// Output:
	// 1 ACCEPT 443
}

func ExampleEIPsService_Associate() {
	client, err := cvm.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	inst, _, err := client.Instances.Create(ctx, &cvm.InstanceCreateRequest{
		ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph", Name: "eip-example",
	})
	if err != nil {
		log.Fatal(err)
	}
	eips, _, err := client.EIPs.Create(ctx, 1)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.EIPs.Associate(ctx, eips[0], inst[0]); err != nil {
		log.Fatal(err)
	}
	if err := client.EIPs.WaitStatus(ctx, cvm.EIPBound, eips[0]); err != nil {
		log.Fatal(err)
	}
	eip, _, err := client.EIPs.Get(ctx, eips[0])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(eip.Status, eip.InstanceID == inst[0])
	// Output:
	// bound true
}

func ExampleKeyPairsService_Create() {
	client, err := cvm.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	key, _, err := client.KeyPairs.Create(ctx, "example_key")
	if err != nil {
		log.Fatal(err)
	}
	// The private key is returned once: write key.PrivateKey.Reveal() to a
	// file now. Printed by mistake, it shows REDACTED.
	fmt.Println(strings.HasPrefix(key.PublicKey, "ssh-rsa "), key.PrivateKey)
	// Output:
	// true REDACTED
}

func ExampleKeyPairsService_Bind() {
	client, err := cvm.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ids, _, err := client.Instances.Create(ctx, &cvm.InstanceCreateRequest{
		ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph", Name: "key-example",
	})
	if err != nil {
		log.Fatal(err)
	}
	// Keys bind to stopped Linux instances only.
	if _, _, err := client.Instances.Stop(ctx, ids...); err != nil {
		log.Fatal(err)
	}
	key, _, err := client.KeyPairs.Create(ctx, "bind_example")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.KeyPairs.Bind(ctx, key.ID, ids...); err != nil {
		log.Fatal(err)
	}
	k, _, err := client.KeyPairs.Get(ctx, key.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(k.InstanceIDs), k.InstanceIDs[0] == ids[0])
	// Output:
	// 1 true
}

func ExampleDealsService_WaitSettled() {
	client, err := cvm.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	res, _, err := client.Instances.CreatePrepaid(ctx, &cvm.InstancePrepaidCreateRequest{Months: 1,
		InstanceCreateRequest: cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph"}})
	if err != nil {
		log.Fatal(err)
	}
	deals, err := client.Deals.WaitSettled(ctx, res.DealIDs...)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(deals[0].Status, len(deals[0].InstanceIDs))
	// Output:
	// delivered 1
}

func ExampleProjectsService_Create() {
	client, err := cvm.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	id, _, err := client.Projects.Create(ctx, "backend", "services behind the load balancer")
	if err != nil {
		log.Fatal(err)
	}
	projects, _, err := client.Projects.List(ctx, false)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(projects[0].ID == id, projects[0].Name)
	// Output:
	// true backend
}

// ExampleInstanceRoleCredentials shows credentials from a CVM instance's CAM
// role, refreshed before they expire; here the emulator's metadata service
// stands in for the real one.
func ExampleInstanceRoleCredentials() {
	srv := cvmtest.NewServer(cvmtest.WithRole("CVMRole", time.Hour))
	defer srv.Close()
	role := cvm.InstanceRoleCredentials(cvm.InstanceRoleOptions{Endpoint: srv.MetadataEndpoint()})
	client, err := cvm.NewClient(cvm.Config{Credentials: role, Region: "gz", Endpoint: srv.Endpoint()})
	if err != nil {
		log.Fatal(err)
	}
	zones, _, err := client.Zones.List(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	creds, _ := role.Retrieve(context.Background())
	fmt.Println(len(zones) > 0, creds.Source, creds.SecretKey)
	// Output:
	// true instance role CVMRole REDACTED
}
