package cvmtest_test

import (
	"context"
	"fmt"
	"log"
	"testing"
	"testing/synctest"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

func ExampleNewServer() {
	srv := cvmtest.NewServer(cvmtest.WithInstances(3), cvmtest.WithTransition(-1))
	defer srv.Close()
	client, err := cvm.NewClient(srv.Config())
	if err != nil {
		log.Fatal(err)
	}
	list, _, err := client.Instances.List(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(list), list[0].Status)
	// Output:
	// 3 running
}

// A test in a testing/synctest bubble, with a server that listens on no
// port: time is fake, so waits, backoff and the emulator's transitions
// finish at once, however long they last.
func ExampleWithoutNetwork() {
	testInstantWait := func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv := cvmtest.NewServer(cvmtest.WithoutNetwork(), cvmtest.WithTransition(time.Minute))
			defer srv.Close()
			client, err := cvm.NewClient(srv.Config())
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			ids, _, err := client.Instances.Create(ctx, &cvm.InstanceCreateRequest{
				ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph"})
			if err != nil {
				t.Fatal(err)
			}
			// A minute of creation, waited for in no time.
			if err := client.Instances.WaitStatus(ctx, cvm.InstanceRunning, ids...); err != nil {
				t.Fatal(err)
			}
		})
	}
	_ = testInstantWait // func TestCreate(t *testing.T) { testInstantWait(t) }
}

// TestWithoutNetworkUnderSynctest runs ExampleWithoutNetwork's pattern: a
// minute of creation and a WaitStatus take no wall-clock time.
func TestWithoutNetworkUnderSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := cvmtest.NewServer(cvmtest.WithoutNetwork(), cvmtest.WithTransition(time.Minute))
		defer srv.Close()
		client, err := cvm.NewClient(srv.Config())
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		start := time.Now()
		ids, _, err := client.Instances.Create(ctx, &cvm.InstanceCreateRequest{ZoneID: 100003, CPU: 1, MemoryGB: 1, ImageID: "img-31tjrtph"})
		if err != nil {
			t.Fatal(err)
		}
		if err := client.Instances.WaitStatus(ctx, cvm.InstanceRunning, ids...); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited < time.Minute {
			t.Fatalf("fake time moved %v, less than the transition", waited)
		}
		srv.InjectFault("DescribeInstances", cvmtest.Fault{Drop: true, Times: 1})
		if _, _, err := client.Instances.List(ctx, nil); err != nil {
			t.Fatalf("a dropped answer to a read is retried: %v", err)
		}
	})
}
