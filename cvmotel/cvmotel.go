// Package cvmotel traces and measures the calls of a cvm.Client with
// OpenTelemetry, through the client's hooks:
//
//	cfg.Hooks = append(cfg.Hooks, cvmotel.Hooks())
//
// Each call is a client span named <module>.<Action> (cvm.DescribeInstances)
// with the RPC semantic conventions' attributes (rpc.system "tencentcloud",
// rpc.service the module, rpc.method the action), the API's code, the
// number of attempts and the request id; each attempt is an event on it,
// with its HTTP status, code, limiter wait and retry reason. The span's
// context is the call's, so an instrumented HTTP transport (otelhttp) nests
// its spans under it. Metrics, per action:
//
//   - rpc.client.call.duration (histogram, s): the whole call's duration;
//   - cvm.client.calls (counter): calls, by API code;
//   - cvm.client.retries (counter): retries, by reason;
//   - cvm.client.limiter.wait (histogram, s): time waited for the
//     client-side quota, per attempt.
//
// Secrets never become attributes: the hooks see no credentials and no
// parameters. The package is a module of its own, so that the SDK never
// depends on OpenTelemetry.
package cvmotel

import (
	"context"
	"strconv"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"

	"github.com/qcloud-legacy/cvm"
)

// ScopeName is the instrumentation scope of the spans and metrics.
const ScopeName = "github.com/qcloud-legacy/cvm/cvmotel"

// Attribute keys beyond the RPC conventions.
const (
	AttrCode      = attribute.Key("tencentcloud.api.code")
	AttrAttempts  = attribute.Key("tencentcloud.api.attempts")
	AttrRequestID = attribute.Key("tencentcloud.api.request_id")
	AttrReason    = attribute.Key("tencentcloud.api.retry_reason")
	AttrRegion    = attribute.Key("cloud.region")
)

type config struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// Option configures the hooks.
type Option func(*config)

// WithTracerProvider sets the tracer provider; the default is the global
// one.
func WithTracerProvider(tp trace.TracerProvider) Option { return func(c *config) { c.tp = tp } }

// WithMeterProvider sets the meter provider; the default is the global one.
func WithMeterProvider(mp metric.MeterProvider) Option { return func(c *config) { c.mp = mp } }

type instruments struct {
	tracer   trace.Tracer
	duration metric.Float64Histogram
	calls    metric.Int64Counter
	retries  metric.Int64Counter
	wait     metric.Float64Histogram
}

// Hooks returns the hooks that trace and measure calls. Add them to
// cvm.Config.Hooks, or to one call's cvm.CallOptions.
func Hooks(opts ...Option) cvm.Hooks {
	c := config{tp: otel.GetTracerProvider(), mp: otel.GetMeterProvider()}
	for _, o := range opts {
		o(&c)
	}
	meter := c.mp.Meter(ScopeName, metric.WithInstrumentationVersion(cvm.Version))
	in := instruments{tracer: c.tp.Tracer(ScopeName, trace.WithInstrumentationVersion(cvm.Version))}
	// Instrument errors only come from invalid names, which these are not;
	// a provider that fails anyway gets no-op instruments.
	var err error
	noopMeter := noop.NewMeterProvider().Meter(ScopeName)
	in.duration, err = meter.Float64Histogram("rpc.client.call.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of legacy API calls, limiter waits and retries included"))
	if err != nil {
		in.duration, _ = noopMeter.Float64Histogram("d")
	}
	in.calls, err = meter.Int64Counter("cvm.client.calls", metric.WithUnit("{call}"),
		metric.WithDescription("Legacy API calls, by API code"))
	if err != nil {
		in.calls, _ = noopMeter.Int64Counter("c")
	}
	in.retries, err = meter.Int64Counter("cvm.client.retries", metric.WithUnit("{retry}"),
		metric.WithDescription("Retries of legacy API calls, by reason"))
	if err != nil {
		in.retries, _ = noopMeter.Int64Counter("r")
	}
	in.wait, err = meter.Float64Histogram("cvm.client.limiter.wait", metric.WithUnit("s"),
		metric.WithDescription("Time waited for the client-side quota, per attempt"))
	if err != nil {
		in.wait, _ = noopMeter.Float64Histogram("w")
	}
	return cvm.Hooks{Call: in.call, Attempt: in.attempt}
}

func baseAttrs(info cvm.CallInfo) []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("rpc.system", "tencentcloud"),
		attribute.String("rpc.service", info.Module),
		attribute.String("rpc.method", info.Action),
	}
}

func (in instruments) call(ctx context.Context, info cvm.CallInfo) (context.Context, func(cvm.CallResult)) {
	attrs := append(baseAttrs(info), AttrRegion.String(info.Region))
	ctx, span := in.tracer.Start(ctx, info.Module+"."+info.Action, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attrs...))
	return ctx, func(res cvm.CallResult) {
		span.SetAttributes(AttrCode.Int(res.Code), AttrAttempts.Int(res.Attempts))
		if res.RequestID != "" {
			span.SetAttributes(AttrRequestID.String(res.RequestID))
		}
		if res.Err != nil {
			span.SetStatus(codes.Error, res.Err.Error()) // error texts carry no secrets
		}
		span.End()
		m := metric.WithAttributes(append(baseAttrs(info), AttrCode.Int(res.Code))...)
		in.duration.Record(context.WithoutCancel(ctx), res.Duration.Seconds(), m)
		in.calls.Add(context.WithoutCancel(ctx), 1, m)
	}
}

func (in instruments) attempt(ctx context.Context, info cvm.AttemptInfo) {
	base := baseAttrs(info.CallInfo)
	ev := []attribute.KeyValue{attribute.Int("attempt", info.Attempt), AttrCode.Int(info.Code),
		attribute.Float64("limiter_wait_s", info.LimiterWait.Seconds()), attribute.Float64("duration_s", info.Duration.Seconds())}
	if info.HTTPStatus != 0 {
		ev = append(ev, attribute.Int("http.response.status_code", info.HTTPStatus))
	}
	if info.RetryReason != "" {
		ev = append(ev, AttrReason.String(info.RetryReason))
		in.retries.Add(ctx, 1, metric.WithAttributes(append(base, AttrReason.String(info.RetryReason))...))
	}
	if info.RequestID != "" {
		ev = append(ev, AttrRequestID.String(info.RequestID))
	}
	trace.SpanFromContext(ctx).AddEvent("attempt "+strconv.Itoa(info.Attempt), trace.WithAttributes(ev...))
	in.wait.Record(ctx, info.LimiterWait.Seconds(), metric.WithAttributes(base...))
}
