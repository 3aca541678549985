package cvm_test

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/qcloud-legacy/cvm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSecretsInEveryEncoding: neither a Config nor Credentials shows a
// secret through fmt (every verb, nested in an unexported field, in a
// slice or map), JSON, gob, slog's text and JSON handlers, or text
// marshalling.
func TestSecretsInEveryEncoding(t *testing.T) {
	t.Parallel()
	const key, tok = "KEY-must-not-leak-123", "TOKEN-must-not-leak-456"
	cfg := cvm.Config{SecretID: "AKIDvisible", SecretKey: cvm.NewSecret(key), Token: cvm.NewSecret(tok), Region: "gz"}
	creds := cvm.Credentials{SecretID: "AKIDvisible", SecretKey: cvm.NewSecret(key), Token: cvm.NewSecret(tok), Expires: time.Unix(1e9, 0)}
	type holder struct {
		name string
		cfg  cvm.Config
		cr   cvm.Credentials
		p    *cvm.Config
		sec  cvm.Secret
	}
	type exported struct {
		Config cvm.Config
		Creds  cvm.Credentials
	}
	h := holder{"h", cfg, creds, &cfg, cfg.SecretKey}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%p", "%d", "%T"} {
		for _, v := range []any{cfg, &cfg, creds, &creds, h, &h, []any{cfg, creds}, map[string]any{"c": cfg, "r": creds},
			exported{cfg, creds}, cfg.SecretKey, cfg.Token} {
			outs = append(outs, fmt.Sprintf(verb, v))
		}
	}
	for _, v := range []any{cfg, creds, exported{cfg, creds}, cfg.SecretKey} {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		outs = append(outs, string(b))
		var gb bytes.Buffer
		if err := gob.NewEncoder(&gb).Encode(v); err == nil {
			outs = append(outs, gb.String())
		}
	}
	var logs bytes.Buffer
	for _, hd := range []slog.Handler{slog.NewJSONHandler(&logs, nil), slog.NewTextHandler(&logs, nil)} {
		l := slog.New(hd)
		l.Info("config", "cfg", cfg, "creds", creds, "key", cfg.SecretKey, "holder", exported{cfg, creds})
		l.Info("any", slog.Any("cfg", &cfg), slog.Any("creds", &creds))
	}
	outs = append(outs, logs.String())
	text, err := creds.MarshalText()
	require.NoError(t, err)
	outs = append(outs, string(text))
	for _, out := range outs {
		assert.NotContains(t, out, key)
		assert.NotContains(t, out, tok)
	}
	assert.Contains(t, fmt.Sprint(cfg), "AKIDvisible")
	assert.Contains(t, logs.String(), "AKIDvisible")
	assert.Equal(t, key, cfg.SecretKey.Reveal())
}
