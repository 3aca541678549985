// Command rawdo calls actions through Client.Do, the path every typed
// method uses, for actions or parameters the services do not wrap: here,
// DescribeInstances with simplify=1 into a struct of one's own, and an
// action the server does not know, to show the error.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
	"github.com/qcloud-legacy/cvm/examples/internal/exampleenv"
)

func main() {
	log.SetFlags(0)
	env, err := exampleenv.New(cvmtest.WithInstances(3))
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// Embedding cvm.Envelope lets Do decode the answer in one pass.
	var out struct {
		cvm.Envelope
		TotalCount  int `json:"totalCount"`
		InstanceSet []struct {
			ID   string `json:"unInstanceId"`
			Name string `json:"instanceName"`
			LAN  string `json:"lanIp"`
		} `json:"instanceSet"`
	}
	params := struct {
		Simplify int `url:"simplify"`
		Limit    int `url:"limit"`
	}{1, 100}
	if err := env.Client.Do(ctx, "cvm", "DescribeInstances", params, &out); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d instances:\n", out.TotalCount)
	for _, in := range out.InstanceSet {
		fmt.Printf("  %s %-10s %s\n", in.ID, in.Name, in.LAN)
	}

	err = env.Client.Do(ctx, "cvm", "DescribeNoSuchThing", nil, nil)
	var apiErr *cvm.APIError
	if errors.As(err, &apiErr) {
		fmt.Printf("unknown action: code %d (%s), invalid parameter: %v\n", apiErr.Code, apiErr.CodeDesc, errors.Is(err, cvm.ErrInvalidParameter))
	}
}
