package suppliersim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Profile sets the simulated suppliers' speed and whether random faults are on by default.
type Profile string

// The profiles of the simulated world.
const (
	ProfileRealistic Profile = "realistic" // supplier speeds as in production, mild random faults
	ProfileDemo      Profile = "demo"      // the same shape about 5× faster, no random faults
	ProfileTest      Profile = "test"      // a few milliseconds, no random faults
)

// The supplier names, also the path prefixes of their dialects.
const (
	Ascenda = "ascenda"
	Bedcom  = "bedcom"
	WGL     = "wgl"
)

// Suppliers lists the simulated suppliers in a fixed order.
var Suppliers = []string{Ascenda, Bedcom, WGL}

// DefaultSeed is the seed of the world when none is configured.
const DefaultSeed uint64 = 20240611

// ErrConfig marks an invalid configuration value.
var ErrConfig = errors.New("invalid simulator configuration")

// Knobs are the fault and speed controls of one supplier. Rates are probabilities per request
// in [0,1]; zero values mean "never".
type Knobs struct {
	ErrorRate     float64 `json:"error_rate"`      // answer 503 with the dialect's error body
	TimeoutRate   float64 `json:"timeout_rate"`    // black hole: never answer until the client leaves
	MalformedRate float64 `json:"malformed_rate"`  // 200 with a truncated body that does not parse
	RateLimitRate float64 `json:"rate_limit_rate"` // 429 with Retry-After
	RetryAfter    int     `json:"retry_after_s"`   // seconds in Retry-After (default 1)
	PriceDrift    float64 `json:"price_drift"`     // fraction added to prices at re-check and booking (0.05 = +5%)
	SoldOutRate   float64 `json:"sold_out_rate"`   // bookings refused as sold out although rooms remain
	// LatencyMS overrides the profile's latency of availability, pricing and booking calls
	// (for ascenda also the time until a price search completes); nil keeps the profile's.
	LatencyMS *int `json:"latency_ms"`
}

// Config configures a simulator.
type Config struct {
	Seed    uint64
	Profile Profile
	// Admin enables the /_sim/ endpoints (knobs, stats, ground truth); 404 otherwise.
	Admin bool
	// PublicURL is the absolute base URL under which image links are given (e.g.
	// "http://127.0.0.1:8081"); empty means the scheme and host of each request.
	PublicURL string
	// Knobs per supplier name; a supplier missing here gets DefaultKnobs of the profile.
	Knobs map[string]Knobs
	// Places is the gazetteer of destinations; nil means the lobang/destinations package.
	Places Places
	// Now is the clock for search sessions, cancellation fees and date validation; nil = time.Now.
	Now func() time.Time
	// PayWebhookURL receives the payment provider's signed events; empty sends none.
	PayWebhookURL string
	// PaySecretKey is the bearer key of the provider's server-to-server API; empty means
	// DefaultPaySecretKey.
	PaySecretKey string
	// PayWebhookSecret signs the provider's events; empty means DefaultPayWebhookSecret.
	PayWebhookSecret string
}

// DefaultKnobs returns the knobs a supplier has in a profile: random faults only in realistic.
func DefaultKnobs(p Profile, supplier string) Knobs {
	k := Knobs{RetryAfter: 1}
	if p != ProfileRealistic {
		return k
	}
	k.ErrorRate, k.TimeoutRate, k.MalformedRate, k.RateLimitRate = 0.01, 0.002, 0.002, 0.01
	k.SoldOutRate, k.PriceDrift = 0.01, 0
	if supplier == WGL {
		k.ErrorRate, k.TimeoutRate = 0.04, 0.01
	}
	return k
}

func parseProfile(s string) (Profile, error) {
	switch p := Profile(strings.ToLower(strings.TrimSpace(s))); p {
	case ProfileRealistic, ProfileDemo, ProfileTest:
		return p, nil
	}
	return "", fmt.Errorf("%w: profile %q (want realistic, demo or test)", ErrConfig, s)
}

// ConfigFromEnv reads the LOBANG_SIM_* variables documented in the package comment. An
// invalid value is an error naming the variable.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{Seed: DefaultSeed, Profile: ProfileRealistic, PublicURL: getenv("LOBANG_SIM_PUBLIC_URL"),
		PayWebhookURL: getenv("LOBANG_SIM_PAY_WEBHOOK_URL"), PaySecretKey: getenv("LOBANG_SIM_PAY_SECRET_KEY"),
		PayWebhookSecret: getenv("LOBANG_SIM_PAY_WEBHOOK_SECRET")}
	if err := validWebhookURL(cfg.PayWebhookURL); err != nil {
		return Config{}, fmt.Errorf("%w: LOBANG_SIM_PAY_WEBHOOK_URL=%q: %w", ErrConfig, cfg.PayWebhookURL, err)
	}
	if v := getenv("LOBANG_SIM_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return Config{}, fmt.Errorf("%w: LOBANG_SIM_SEED=%q: %w", ErrConfig, v, err)
		}
		cfg.Seed = seed
	}
	if v := getenv("LOBANG_SIM_PROFILE"); v != "" {
		p, err := parseProfile(v)
		if err != nil {
			return Config{}, fmt.Errorf("LOBANG_SIM_PROFILE: %w", err)
		}
		cfg.Profile = p
	}
	if v := getenv("LOBANG_SIM_ADMIN"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("%w: LOBANG_SIM_ADMIN=%q: %w", ErrConfig, v, err)
		}
		cfg.Admin = b
	}
	faults := cfg.Profile == ProfileRealistic
	if v := getenv("LOBANG_SIM_FAULTS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("%w: LOBANG_SIM_FAULTS=%q: %w", ErrConfig, v, err)
		}
		faults = b
	}
	cfg.Knobs = map[string]Knobs{}
	for _, s := range Suppliers {
		k := DefaultKnobs(ProfileRealistic, s)
		if !faults {
			k = DefaultKnobs(ProfileTest, s)
		}
		if err := knobsFromEnv(getenv, s, &k); err != nil {
			return Config{}, err
		}
		cfg.Knobs[s] = k
	}
	return cfg, nil
}

func knobsFromEnv(getenv func(string) string, supplier string, k *Knobs) error {
	prefix := "LOBANG_SIM_" + strings.ToUpper(supplier) + "_"
	rates := []struct {
		name string
		dst  *float64
		max  float64
	}{
		{"ERROR_RATE", &k.ErrorRate, 1}, {"TIMEOUT_RATE", &k.TimeoutRate, 1},
		{"MALFORMED_RATE", &k.MalformedRate, 1}, {"RATE_LIMIT_RATE", &k.RateLimitRate, 1},
		{"SOLD_OUT_RATE", &k.SoldOutRate, 1}, {"PRICE_DRIFT", &k.PriceDrift, 10},
	}
	for _, r := range rates {
		v := getenv(prefix + r.name)
		if v == "" {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < -0.9 || f > r.max || (r.max == 1 && f < 0) {
			return fmt.Errorf("%w: %s%s=%q: want a number in range", ErrConfig, prefix, r.name, v)
		}
		*r.dst = f
	}
	for _, n := range []struct {
		name string
		set  func(int)
	}{
		{"RETRY_AFTER", func(i int) { k.RetryAfter = i }},
		{"LATENCY_MS", func(i int) { k.LatencyMS = &i }},
	} {
		v := getenv(prefix + n.name)
		if v == "" {
			continue
		}
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 {
			return fmt.Errorf("%w: %s%s=%q: want a non-negative integer", ErrConfig, prefix, n.name, v)
		}
		n.set(i)
	}
	return nil
}

// validate checks knob ranges (used for config and admin updates alike).
func (k Knobs) validate() error {
	for name, r := range map[string]float64{"error_rate": k.ErrorRate, "timeout_rate": k.TimeoutRate,
		"malformed_rate": k.MalformedRate, "rate_limit_rate": k.RateLimitRate, "sold_out_rate": k.SoldOutRate} {
		if r < 0 || r > 1 {
			return fmt.Errorf("%w: %s %v not in [0,1]", ErrConfig, name, r)
		}
	}
	if k.PriceDrift < -0.9 || k.PriceDrift > 10 {
		return fmt.Errorf("%w: price_drift %v out of range", ErrConfig, k.PriceDrift)
	}
	if k.RetryAfter < 0 || (k.LatencyMS != nil && *k.LatencyMS < 0) {
		return fmt.Errorf("%w: negative retry_after_s or latency_ms", ErrConfig)
	}
	return nil
}
