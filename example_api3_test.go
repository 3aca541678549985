package cvm_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

// The same services over API 3.0: one Config field. The emulator serves
// both contracts over one state, so the legacy client sees what the API 3.0
// client made, with the same id.
func ExampleAPIVersion() {
	srv := cvmtest.NewServer(cvmtest.WithSeed(2), cvmtest.WithTransition(-1))
	defer srv.Close()
	ctx := context.Background()

	cfg := srv.API3Config() // srv.Config() with cfg.API = cvm.API3 and the API 3.0 endpoint
	cfg.RateLimit.Disabled = true
	api3, err := cvm.NewClient(cfg)
	if err != nil {
		log.Fatal(err)
	}
	ids, _, err := api3.Instances.Create(ctx, &cvm.InstanceCreateRequest{
		ZoneID: 100003, CPU: 2, MemoryGB: 4, ImageID: "img-31tjrtph", Name: "web",
	})
	if err != nil {
		log.Fatal(err)
	}
	in, _, err := api3.Instances.Get(ctx, ids[0])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(in.Name, in.Status, in.InstanceType, in.Zone)

	legacyCfg := srv.Config()
	legacyCfg.RateLimit.Disabled = true
	legacy, err := cvm.NewClient(legacyCfg)
	if err != nil {
		log.Fatal(err)
	}
	same, _, err := legacy.Instances.Get(ctx, ids[0])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(same.ID == in.ID, same.ZoneID)
	// Output:
	// web running S1.MEDIUM4 ap-guangzhou-3
	// true 100003
}

// Any API 3.0 action, by name: the answer's Response decodes into out in
// one pass, with its RequestId when out embeds cvm.Envelope3; an error
// keeps API 3.0's code and matches the same sentinels.
func ExampleClient_Do3() {
	client, err := cvm.NewClient(config)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out struct {
		cvm.Envelope3
		TotalCount int
		ZoneSet    []struct{ Zone, ZoneId string }
	}
	if err := client.Do3(ctx, "cvm", "DescribeZones", nil, &out); err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.TotalCount, out.ZoneSet[2].Zone, out.ZoneSet[2].ZoneId)

	err = client.Do3(ctx, "cvm", "DescribeInstances", map[string]any{"InstanceIds": []string{"ins-00000000"}, "Limit": 101}, nil)
	var apiErr *cvm.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.ErrorCode, errors.Is(err, cvm.ErrInvalidParameter))
	}
	// Output:
	// 4 ap-guangzhou-3 100003
	// InvalidParameterValue.LimitExceeded true
}
