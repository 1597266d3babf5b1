package main

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"lobang/db"
	"lobang/suppliersim"
)

// Config is Lobang's whole configuration, read from LOBANG_* variables and
// validated once at start.
type Config struct {
	Addr             string         // LOBANG_ADDR: listen address
	BaseURL          *url.URL       // LOBANG_BASE_URL: public origin
	MySQLDSN         string         // LOBANG_MYSQL_DSN: empty starts the embedded stack
	RedisURL         string         // LOBANG_REDIS_URL: empty starts the embedded stack
	RedisPrefix      string         // LOBANG_REDIS_PREFIX: prepended to every key
	SessionKeys      [][]byte       // LOBANG_SESSION_KEYS: newest first, each ≥ 32 bytes
	SimProfile       string         // LOBANG_SIM_PROFILE: realistic|demo|test
	SimAddr          string         // LOBANG_SIM_ADDR: where `lobang suppliersim` listens
	Suppliers        []Supplier     // LOBANG_SUPPLIERS: name=baseURL,…; empty runs the simulator in-process
	FXURL            string         // LOBANG_FX_URL: exchange rates feed; defaults to the simulator's /fx
	SupplierDeadline time.Duration  // LOBANG_SUPPLIER_DEADLINE: how long a search waits for one supplier
	SearchRateLimit  int            // LOBANG_SEARCH_RATE_LIMIT: new searches per client IP per minute (0 = off)
	LogFormat        string         // LOBANG_LOG_FORMAT: json|text
	LogLevel         string         // LOBANG_LOG_LEVEL: debug|info|warn|error
	TrustedProxies   []netip.Prefix // LOBANG_TRUSTED_PROXIES: CIDRs
	MetricsToken     string         // LOBANG_METRICS_TOKEN
	DrainDelay       time.Duration  // LOBANG_DRAIN_DELAY: wait after readiness turns false
	ShutdownTimeout  time.Duration  // LOBANG_SHUTDOWN_TIMEOUT: in-flight requests' grace
	WorkerHealthAddr string         // LOBANG_WORKER_HEALTH_ADDR: where `lobang worker` answers /healthz and /metrics; empty: nowhere

	// Payments: Stripe when its key is set, else the simulated provider at
	// PayURL (the in-process simulator's /pay when suppliers are simulated).
	PayURL              string // LOBANG_PAY_URL: the simulated provider's base URL
	PaySecretKey        string // LOBANG_PAY_SECRET_KEY
	PayWebhookSecret    string // LOBANG_PAY_WEBHOOK_SECRET
	StripeSecretKey     string // LOBANG_STRIPE_SECRET_KEY
	StripeWebhookSecret string // LOBANG_STRIPE_WEBHOOK_SECRET
	// Email: SMTP when SMTPURL is set, else .eml files in MailDir.
	SMTPURL  string // LOBANG_SMTP_URL: smtp://user:pass@host:587 or smtps://…
	MailDir  string // LOBANG_MAIL_DIR: where the dev stack writes emails (var/mail)
	MailFrom string // LOBANG_MAIL_FROM

	baseURLDefault bool // BaseURL was derived from Addr, so it follows the bound port
}

// Supplier is one configured supplier API.
type Supplier struct {
	Name    string
	BaseURL *url.URL
}

// Embedded reports whether the configuration asks for the embedded stack.
func (c Config) Embedded() bool { return c.MySQLDSN == "" && c.RedisURL == "" }

// String describes the configuration without any secret.
func (c Config) String() string {
	return fmt.Sprintf("addr=%s base_url=%s embedded=%t suppliers=%d log=%s/%s trusted_proxies=%d",
		c.Addr, c.BaseURL, c.Embedded(), len(c.Suppliers), c.LogFormat, c.LogLevel, len(c.TrustedProxies))
}

// LogValue keeps secrets out of structured logs.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// configError names the variable that is wrong.
type configError struct {
	name string
	msg  string
}

func (e *configError) Error() string { return e.name + ": " + e.msg }

func bad(name, format string, args ...any) error {
	return &configError{name: name, msg: fmt.Sprintf(format, args...)}
}

// loadConfig reads and validates the configuration. Every error names the
// variable at fault and never echoes a secret value.
func loadConfig(getenv func(string) string) (Config, error) {
	var errs []error
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Addr:         get("LOBANG_ADDR", ":8080"),
		MySQLDSN:     get("LOBANG_MYSQL_DSN", ""),
		RedisURL:     get("LOBANG_REDIS_URL", ""),
		RedisPrefix:  get("LOBANG_REDIS_PREFIX", ""),
		SimAddr:      get("LOBANG_SIM_ADDR", ":8081"),
		MetricsToken: get("LOBANG_METRICS_TOKEN", ""),

		WorkerHealthAddr: get("LOBANG_WORKER_HEALTH_ADDR", ""),
	}

	if err := checkAddr(c.Addr); err != nil {
		errs = append(errs, bad("LOBANG_ADDR", "%v", err))
	}
	if err := checkAddr(c.SimAddr); err != nil {
		errs = append(errs, bad("LOBANG_SIM_ADDR", "%v", err))
	}
	if err := checkAddr(c.WorkerHealthAddr); c.WorkerHealthAddr != "" && err != nil {
		errs = append(errs, bad("LOBANG_WORKER_HEALTH_ADDR", "%v", err))
	}

	base := get("LOBANG_BASE_URL", "")
	if base == "" {
		base = "http://" + localHost(c.Addr)
		c.baseURLDefault = true
	}
	u, err := url.Parse(base)
	switch {
	case err != nil:
		errs = append(errs, bad("LOBANG_BASE_URL", "not a URL"))
	case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "":
		errs = append(errs, bad("LOBANG_BASE_URL", "must be an origin such as https://www.example.com (scheme and host, no path)"))
	default:
		u.Path = ""
		c.BaseURL = u
	}

	if (c.MySQLDSN == "") != (c.RedisURL == "") {
		if c.MySQLDSN == "" {
			errs = append(errs, bad("LOBANG_MYSQL_DSN", "must be set together with LOBANG_REDIS_URL (leave both empty for the embedded dev stack)"))
		} else {
			errs = append(errs, bad("LOBANG_REDIS_URL", "must be set together with LOBANG_MYSQL_DSN (leave both empty for the embedded dev stack)"))
		}
	}
	if c.MySQLDSN != "" {
		if _, err := db.ParseDSN(c.MySQLDSN); err != nil {
			errs = append(errs, bad("LOBANG_MYSQL_DSN", "not a valid DSN such as user:password@tcp(host:3306)/lobang"))
		}
	}
	if c.RedisURL != "" {
		if _, err := redis.ParseURL(c.RedisURL); err != nil {
			errs = append(errs, bad("LOBANG_REDIS_URL", "not a valid URL such as redis://host:6379/0"))
		}
	}

	keys, err := parseSessionKeys(getenv("LOBANG_SESSION_KEYS"))
	if err != nil {
		errs = append(errs, bad("LOBANG_SESSION_KEYS", "%v", err))
	}
	c.SessionKeys = keys
	if len(keys) == 0 && !c.Embedded() && err == nil {
		errs = append(errs, bad("LOBANG_SESSION_KEYS", "required with real servers: one or more comma-separated keys of at least 32 bytes"))
	}

	c.SimProfile = get("LOBANG_SIM_PROFILE", "demo")
	if c.SimProfile != "realistic" && c.SimProfile != "demo" && c.SimProfile != "test" {
		errs = append(errs, bad("LOBANG_SIM_PROFILE", "must be realistic, demo or test"))
	}

	c.Suppliers, err = parseSuppliers(getenv("LOBANG_SUPPLIERS"))
	if err != nil {
		errs = append(errs, bad("LOBANG_SUPPLIERS", "%v", err))
	}

	c.FXURL = get("LOBANG_FX_URL", "")
	if c.FXURL != "" {
		if u, err := url.Parse(c.FXURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, bad("LOBANG_FX_URL", "not an http(s) URL"))
		}
	} else if len(c.Suppliers) > 0 {
		errs = append(errs, bad("LOBANG_FX_URL", "required when LOBANG_SUPPLIERS is set"))
	}

	c.PayURL = get("LOBANG_PAY_URL", "")
	if c.PayURL != "" {
		if u, err := url.Parse(c.PayURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, bad("LOBANG_PAY_URL", "not an http(s) URL"))
		}
	}
	c.PaySecretKey = get("LOBANG_PAY_SECRET_KEY", suppliersim.DefaultPaySecretKey)
	c.PayWebhookSecret = get("LOBANG_PAY_WEBHOOK_SECRET", suppliersim.DefaultPayWebhookSecret)
	c.StripeSecretKey = get("LOBANG_STRIPE_SECRET_KEY", "")
	c.StripeWebhookSecret = get("LOBANG_STRIPE_WEBHOOK_SECRET", "")
	if c.StripeSecretKey != "" && c.StripeWebhookSecret == "" {
		errs = append(errs, bad("LOBANG_STRIPE_WEBHOOK_SECRET", "required with LOBANG_STRIPE_SECRET_KEY"))
	}
	c.SMTPURL = get("LOBANG_SMTP_URL", "")
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			errs = append(errs, bad("LOBANG_SMTP_URL", "not an smtp:// or smtps:// URL"))
		}
	}
	c.MailDir = get("LOBANG_MAIL_DIR", "var/mail")
	c.MailFrom = get("LOBANG_MAIL_FROM", "Lobang <bookings@lobang.example>")
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		errs = append(errs, bad("LOBANG_MAIL_FROM", "not an email address: %v", err))
	}

	c.LogFormat = get("LOBANG_LOG_FORMAT", "json")
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, bad("LOBANG_LOG_FORMAT", "must be json or text"))
	}
	c.LogLevel = get("LOBANG_LOG_LEVEL", "info")
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, bad("LOBANG_LOG_LEVEL", "must be debug, info, warn or error"))
	}

	for cidr := range strings.SplitSeq(getenv("LOBANG_TRUSTED_PROXIES"), ",") {
		cidr = strings.TrimSpace(cidr)
		if cidr == "" {
			continue
		}
		p, err := netip.ParsePrefix(cidr)
		if err != nil {
			errs = append(errs, bad("LOBANG_TRUSTED_PROXIES", "%q is not a CIDR such as 10.0.0.0/8", cidr))
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, p.Masked())
	}

	c.SupplierDeadline, err = parseDuration(get("LOBANG_SUPPLIER_DEADLINE", "30s"), time.Second, 5*time.Minute)
	if err != nil {
		errs = append(errs, bad("LOBANG_SUPPLIER_DEADLINE", "%v", err))
	}
	c.SearchRateLimit, err = strconv.Atoi(get("LOBANG_SEARCH_RATE_LIMIT", "30"))
	if err != nil || c.SearchRateLimit < 0 {
		errs = append(errs, bad("LOBANG_SEARCH_RATE_LIMIT", "must be a whole number ≥ 0"))
	}

	c.DrainDelay, err = parseDuration(get("LOBANG_DRAIN_DELAY", "0s"), 0, 5*time.Minute)
	if err != nil {
		errs = append(errs, bad("LOBANG_DRAIN_DELAY", "%v", err))
	}
	c.ShutdownTimeout, err = parseDuration(get("LOBANG_SHUTDOWN_TIMEOUT", "25s"), time.Second, 10*time.Minute)
	if err != nil {
		errs = append(errs, bad("LOBANG_SHUTDOWN_TIMEOUT", "%v", err))
	}
	return c, errors.Join(errs...)
}

func checkAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port (for example :8080)", addr)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q has no valid port (0-65535)", addr)
	}
	if host != "" && net.ParseIP(host) == nil && strings.ContainsAny(host, " /") {
		return fmt.Errorf("%q has an invalid host", addr)
	}
	return nil
}

func localHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "localhost:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// parseSessionKeys reads comma-separated keys given as hex, base64 or raw
// text; each must hold at least 32 bytes. The values are never echoed.
func parseSessionKeys(v string) ([][]byte, error) {
	var keys [][]byte
	for i, raw := range strings.Split(v, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		key := []byte(raw)
		if b, err := hex.DecodeString(raw); err == nil {
			key = b
		} else if b, err := base64.StdEncoding.DecodeString(raw); err == nil {
			key = b
		}
		if len(key) < 32 {
			return nil, fmt.Errorf("key %d is %d bytes; each key needs at least 32 (for example 64 hex characters)", i+1, len(key))
		}
		keys = append(keys, key)
	}
	return keys, nil
}

func parseSuppliers(v string) ([]Supplier, error) {
	var out []Supplier
	seen := map[string]bool{}
	for pair := range strings.SplitSeq(v, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		name, raw, ok := strings.Cut(pair, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("%q is not name=baseURL", pair)
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("supplier %s: %q is not an http(s) URL", name, raw)
		}
		if seen[name] {
			return nil, fmt.Errorf("supplier %s listed twice", name)
		}
		seen[name] = true
		out = append(out, Supplier{Name: name, BaseURL: u})
	}
	return out, nil
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(fmt.Sprintf("url %q: %v", s, err))
	}
	return u
}

func parseDuration(v string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 5s", v)
	}
	if d < lo || d > hi {
		return 0, fmt.Errorf("%s is outside %s–%s", d, lo, hi)
	}
	return d, nil
}
