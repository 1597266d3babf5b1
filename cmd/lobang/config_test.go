package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(func(string) string { return "" })
	require.NoError(t, err)
	assert.Equal(t, ":8080", cfg.Addr)
	assert.True(t, cfg.Embedded())
	assert.Equal(t, "http://localhost:8080", cfg.BaseURL.String())
	assert.Equal(t, "demo", cfg.SimProfile)
}

func TestConfigValid(t *testing.T) {
	env := map[string]string{
		"LOBANG_ADDR":            ":9000",
		"LOBANG_BASE_URL":        "https://www.lobang.example",
		"LOBANG_MYSQL_DSN":       "lobang:s3cret@tcp(db:3306)/lobang",
		"LOBANG_REDIS_URL":       "redis://cache:6379/0",
		"LOBANG_SESSION_KEYS":    strings.Repeat("ab", 32) + "," + strings.Repeat("cd", 32),
		"LOBANG_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7/32",
		"LOBANG_SUPPLIERS":       "ascenda=http://sim:8081/ascenda,bedcom=http://sim:8081/bedcom",
		"LOBANG_FX_URL":          "http://sim:8081/fx",
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.False(t, cfg.Embedded())
	assert.Len(t, cfg.SessionKeys, 2)
	assert.Len(t, cfg.SessionKeys[0], 32)
	assert.Len(t, cfg.TrustedProxies, 2)
	require.Len(t, cfg.Suppliers, 2)
	assert.Equal(t, "bedcom", cfg.Suppliers[1].Name)
	assert.NotContains(t, cfg.String(), "s3cret", "the description never holds secrets")
}

func TestConfigInvalid(t *testing.T) {
	real := map[string]string{
		"LOBANG_MYSQL_DSN":    "lobang:s3cret@tcp(db:3306)/lobang",
		"LOBANG_REDIS_URL":    "redis://cache:6379/0",
		"LOBANG_SESSION_KEYS": strings.Repeat("ab", 32),
	}
	cases := []struct {
		name, variable string
		env            map[string]string
	}{
		{"bad dsn", "LOBANG_MYSQL_DSN", map[string]string{"LOBANG_MYSQL_DSN": "lobang:topsecretpw@db:3306/lobang"}},
		{"dsn without redis", "LOBANG_REDIS_URL", map[string]string{"LOBANG_REDIS_URL": ""}},
		{"bad redis url", "LOBANG_REDIS_URL", map[string]string{"LOBANG_REDIS_URL": "http://cache"}},
		{"bad port", "LOBANG_ADDR", map[string]string{"LOBANG_ADDR": ":99999"}},
		{"no port", "LOBANG_ADDR", map[string]string{"LOBANG_ADDR": "localhost"}},
		{"short session key", "LOBANG_SESSION_KEYS", map[string]string{"LOBANG_SESSION_KEYS": "tooshort-secret-value"}},
		{"missing session keys", "LOBANG_SESSION_KEYS", map[string]string{"LOBANG_SESSION_KEYS": ""}},
		{"bad proxy cidr", "LOBANG_TRUSTED_PROXIES", map[string]string{"LOBANG_TRUSTED_PROXIES": "10.0.0.0/8,not-a-cidr"}},
		{"bad base url", "LOBANG_BASE_URL", map[string]string{"LOBANG_BASE_URL": "ftp://example.com/x"}},
		{"bad profile", "LOBANG_SIM_PROFILE", map[string]string{"LOBANG_SIM_PROFILE": "fast"}},
		{"bad suppliers", "LOBANG_SUPPLIERS", map[string]string{"LOBANG_SUPPLIERS": "ascenda"}},
		{"bad log format", "LOBANG_LOG_FORMAT", map[string]string{"LOBANG_LOG_FORMAT": "xml"}},
		{"bad duration", "LOBANG_SHUTDOWN_TIMEOUT", map[string]string{"LOBANG_SHUTDOWN_TIMEOUT": "forever"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range real {
				env[k] = v
			}
			for k, v := range tc.env {
				env[k] = v
			}
			var stderr strings.Builder
			err := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, io.Discard, &stderr)
			require.Error(t, err)
			msg := err.Error()
			assert.Contains(t, msg, tc.variable)
			assert.NotContains(t, msg, "s3cret")
			assert.NotContains(t, msg, "topsecretpw")
			assert.NotContains(t, msg, "tooshort-secret-value")
			for line := range strings.SplitSeq(msg, "\n") {
				assert.Contains(t, line, "LOBANG_", "every line names its variable")
			}
		})
	}
}

func TestUnknownCommand(t *testing.T) {
	err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, io.Discard, io.Discard)
	require.ErrorContains(t, err, "unknown command")
}
