package suppliersim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigFromEnvDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := ConfigFromEnv(envOf(nil))
	require.NoError(t, err)
	assert.Equal(t, DefaultSeed, cfg.Seed)
	assert.Equal(t, ProfileRealistic, cfg.Profile)
	assert.False(t, cfg.Admin)
	assert.Positive(t, cfg.Knobs[WGL].ErrorRate, "realistic has mild random faults")

	cfg, err = ConfigFromEnv(envOf(map[string]string{"LOBANG_SIM_PROFILE": "demo", "LOBANG_SIM_ADMIN": "true",
		"LOBANG_SIM_SEED": "12", "LOBANG_SIM_WGL_LATENCY_MS": "300", "LOBANG_SIM_BEDCOM_PRICE_DRIFT": "0.05",
		"LOBANG_SIM_ASCENDA_RATE_LIMIT_RATE": "0.5", "LOBANG_SIM_ASCENDA_RETRY_AFTER": "3"}))
	require.NoError(t, err)
	assert.Equal(t, ProfileDemo, cfg.Profile)
	assert.True(t, cfg.Admin)
	assert.Equal(t, uint64(12), cfg.Seed)
	assert.Zero(t, cfg.Knobs[WGL].ErrorRate, "no random faults in demo")
	require.NotNil(t, cfg.Knobs[WGL].LatencyMS)
	assert.Equal(t, 300, *cfg.Knobs[WGL].LatencyMS)
	assert.Equal(t, 0.05, cfg.Knobs[Bedcom].PriceDrift)
	assert.Equal(t, 0.5, cfg.Knobs[Ascenda].RateLimitRate)
	assert.Equal(t, 3, cfg.Knobs[Ascenda].RetryAfter)
}

func TestConfigFromEnvNamesTheBadVariable(t *testing.T) {
	t.Parallel()
	for name, val := range map[string]string{
		"LOBANG_SIM_SEED": "-1", "LOBANG_SIM_PROFILE": "fast", "LOBANG_SIM_ADMIN": "perhaps",
		"LOBANG_SIM_FAULTS": "x", "LOBANG_SIM_WGL_ERROR_RATE": "1.5", "LOBANG_SIM_BEDCOM_LATENCY_MS": "-3",
		"LOBANG_SIM_ASCENDA_TIMEOUT_RATE": "abc",
	} {
		_, err := ConfigFromEnv(envOf(map[string]string{name: val}))
		require.Error(t, err, name)
		assert.ErrorIs(t, err, ErrConfig, name)
		assert.Contains(t, err.Error(), name)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	_, err := New(Config{Profile: "warp"})
	assert.ErrorIs(t, err, ErrConfig)
	_, err = New(Config{Profile: ProfileTest, Knobs: map[string]Knobs{WGL: {ErrorRate: 3}}})
	assert.ErrorIs(t, err, ErrConfig)
}
