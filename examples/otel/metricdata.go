package main

import "go.opentelemetry.io/otel/sdk/metric/metricdata"

type metricdataResource struct{ ResourceMetrics metricdata.ResourceMetrics }
