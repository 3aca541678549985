package cvmotel_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/qcloud-legacy/cvm"
	"github.com/qcloud-legacy/cvm/cvmotel"
	"github.com/qcloud-legacy/cvm/cvmtest"
)

func setup(t *testing.T, mod func(*cvm.Config)) (*cvm.Client, *cvmtest.Server, *tracetest.SpanRecorder, *sdkmetric.ManualReader) {
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	srv := cvmtest.NewServer(cvmtest.WithoutQuotas())
	t.Cleanup(srv.Close)
	cfg := srv.Config()
	cfg.RateLimit.Disabled = true
	cfg.Retry = cvm.RetryPolicy{BaseDelay: 1, MaxDelay: 1}
	cfg.Hooks = []cvm.Hooks{cvmotel.Hooks(cvmotel.WithTracerProvider(tp), cvmotel.WithMeterProvider(mp))}
	if mod != nil {
		mod(&cfg)
	}
	c, err := cvm.NewClient(cfg)
	require.NoError(t, err)
	return c, srv, sr, reader
}

func attrs(kvs []attribute.KeyValue) map[string]attribute.Value {
	m := map[string]attribute.Value{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value
	}
	return m
}

// TestSpanAndMetricsForARetriedCall: one span for a call retried once,
// with the RPC attributes, the code, two attempt events, and the metrics.
func TestSpanAndMetricsForARetriedCall(t *testing.T) {
	c, srv, sr, reader := setup(t, nil)
	srv.InjectFault("DescribeAvailabilityZones", cvmtest.Fault{Code: 6200, Times: 1})
	_, _, err := c.Zones.List(context.Background())
	require.NoError(t, err)

	spans := sr.Ended()
	require.Len(t, spans, 1)
	s := spans[0]
	assert.Equal(t, "cvm.DescribeAvailabilityZones", s.Name())
	a := attrs(s.Attributes())
	assert.Equal(t, "tencentcloud", a["rpc.system"].AsString())
	assert.Equal(t, "cvm", a["rpc.service"].AsString())
	assert.Equal(t, "DescribeAvailabilityZones", a["rpc.method"].AsString())
	assert.Equal(t, int64(0), a["tencentcloud.api.code"].AsInt64())
	assert.Equal(t, int64(2), a["tencentcloud.api.attempts"].AsInt64())
	assert.NotEmpty(t, a["tencentcloud.api.request_id"].AsString())
	require.Len(t, s.Events(), 2)
	first := attrs(s.Events()[0].Attributes)
	assert.Equal(t, int64(6200), first["tencentcloud.api.code"].AsInt64())
	assert.Equal(t, "unavailable", first["tencentcloud.api.retry_reason"].AsString())
	for _, kv := range s.Attributes() {
		assert.NotContains(t, kv.Value.String(), srv.Config().SecretKey.Reveal())
	}

	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	got := map[string]metricdata.Aggregation{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			got[m.Name] = m.Data
		}
	}
	for _, name := range []string{"rpc.client.call.duration", "cvm.client.calls", "cvm.client.retries", "cvm.client.limiter.wait"} {
		assert.Contains(t, got, name)
	}
	retries := got["cvm.client.retries"].(metricdata.Sum[int64])
	require.Len(t, retries.DataPoints, 1)
	assert.Equal(t, int64(1), retries.DataPoints[0].Value)
	reason, _ := retries.DataPoints[0].Attributes.Value("tencentcloud.api.retry_reason")
	assert.Equal(t, "unavailable", reason.AsString())
	waits := got["cvm.client.limiter.wait"].(metricdata.Histogram[float64])
	assert.Equal(t, uint64(2), waits.DataPoints[0].Count, "one wait per attempt")
}

// TestSpanForACallRefusedByTheLimiter: an error status and no attempts.
func TestSpanForACallRefusedByTheLimiter(t *testing.T) {
	c, _, sr, reader := setup(t, func(cfg *cvm.Config) {
		cfg.Limiter = cvm.LimiterFunc(func(ctx context.Context, action string) error {
			return errors.New("the quota is spent")
		})
	})
	_, _, err := c.Zones.List(context.Background())
	require.Error(t, err)
	spans := sr.Ended()
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	assert.Empty(t, spans[0].Events())
	assert.Equal(t, int64(-1), attrs(spans[0].Attributes())["tencentcloud.api.code"].AsInt64())
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == "cvm.client.calls" {
				code, _ := m.Data.(metricdata.Sum[int64]).DataPoints[0].Attributes.Value("tencentcloud.api.code")
				assert.Equal(t, int64(-1), code.AsInt64())
			}
		}
	}
}

// TestSpanCarriesNoPrivateKey: a CreateKeyPair answer that cannot be
// decoded leaves no part of its private key in the span's status, events or
// attributes.
func TestSpanCarriesNoPrivateKey(t *testing.T) {
	c, srv, sr, _ := setup(t, nil)
	const key = "-----BEGIN RSA PRIVATE KEY-----MIIEsecretmaterial"
	srv.InjectFault("CreateKeyPair", cvmtest.Fault{HTTPStatus: 200, Times: 1,
		Body: `{"code":0,"message":"","codeDesc":"Success","data":{"keyId":"skey-1","secretkey":"` + key + `","keyName":{"x":1}}}`})
	_, _, err := c.KeyPairs.Create(context.Background(), "deploy")
	require.Error(t, err)
	spans := sr.Ended()
	require.Len(t, spans, 1)
	texts := []string{spans[0].Status().Description}
	for _, ev := range spans[0].Events() {
		texts = append(texts, ev.Name)
		for _, a := range ev.Attributes {
			texts = append(texts, a.Value.String())
		}
	}
	for _, a := range spans[0].Attributes() {
		texts = append(texts, a.Value.String())
	}
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	for _, text := range texts {
		assert.NotContains(t, text, "secretmaterial")
		assert.NotContains(t, text, "PRIVATE KEY")
	}
}
