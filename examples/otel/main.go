// Command otel runs a few calls on the embedded emulator, one of them
// retried and one refused by the client-side quota, and prints the
// OpenTelemetry spans and metrics package cvmotel makes of them, with the
// stdout exporters. It is a module of its own, like cvmotel, so that the
// SDK does not depend on OpenTelemetry:
//
//	cd examples/otel && go run .
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmotel"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

func main() {
	log.SetFlags(0)
	ctx := context.Background()
	spans, err := stdouttrace.New(stdouttrace.WithPrettyPrint(), stdouttrace.WithWriter(os.Stdout))
	if err != nil {
		log.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	metrics, err := stdoutmetric.New(stdoutmetric.WithPrettyPrint(), stdoutmetric.WithWriter(os.Stdout))
	if err != nil {
		log.Fatal(err)
	}
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))

	// TENCENTCLOUD_* settings (a running cvm-emulator through
	// TENCENTCLOUD_API_ENDPOINT, say) are honoured; without them, an
	// in-process emulator, which can also inject a fault to show a retry.
	cfg, err := cvm.ConfigFromEnv()
	var srv *cvmtest.Server
	switch {
	case errors.Is(err, cvm.ErrNoCredentials):
		srv = cvmtest.NewServer(cvmtest.WithInstances(3))
		defer srv.Close()
		cfg = srv.Config()
	case err != nil:
		log.Fatal(err)
	case cfg.Region == "":
		cfg.Region = "gz"
	}
	cfg.Hooks = []cvm.Hooks{cvmotel.Hooks(cvmotel.WithTracerProvider(tp), cvmotel.WithMeterProvider(mp))}
	// A tight quota for this program's own limiter: the third zone listing
	// would wait a minute, so the 1-second deadline refuses it at once.
	cfg.RateLimit = cvm.RateLimit{PerAction: 2, Window: time.Minute}
	cfg.Retry = cvm.RetryPolicy{BaseDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond}
	client, err := cvm.NewClient(cfg)
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println("== A call that succeeds")
	if _, _, err := client.Instances.List(ctx, nil); err != nil {
		log.Fatal(err)
	}
	if srv != nil {
		fmt.Println("== A call the emulator answers 6200 once, then 0: retried")
		srv.InjectFault("DescribeAvailabilityZones", cvmtest.Fault{Code: 6200, Times: 1})
	} else {
		// Two calls, as the retried one makes two attempts.
		fmt.Println("== Two more calls")
		if _, _, err := client.Zones.List(ctx); err != nil {
			log.Fatal(err)
		}
	}
	if _, _, err := client.Zones.List(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("== A call the client-side quota refuses")
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	_, _, err = client.Zones.List(short)
	fmt.Printf("   error: %v\n", err)

	fmt.Println("== Metrics")
	var rm = new(metricdataResource)
	if err := reader.Collect(ctx, &rm.ResourceMetrics); err != nil {
		log.Fatal(err)
	}
	if err := metrics.Export(ctx, &rm.ResourceMetrics); err != nil {
		log.Fatal(err)
	}
	_ = tp.Shutdown(ctx)
}
