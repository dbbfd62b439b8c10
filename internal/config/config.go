// Package config reads AccessHive's configuration from environment variables; every variable
// has a documented default suited to a local run (README "Configuration").
package config

import (
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the whole process configuration.
type Config struct {
	// HTTPAddr is where the API listens (ACCESSHIVE_HTTP_ADDR, default 127.0.0.1:8080).
	HTTPAddr string
	// DatabaseURL is the PostgreSQL connection string (DATABASE_URL).
	DatabaseURL string
	// RedisAddr, RedisPassword and RedisDB locate Redis (REDIS_ADDR default 127.0.0.1:6379,
	// REDIS_PASSWORD, REDIS_DB default 0).
	RedisAddr     string
	RedisPassword string
	RedisDB       int
	// KeyPrefix prefixes AccessHive's own Redis keys and channels (ACCESSHIVE_REDIS_PREFIX,
	// default "accesshive:").
	KeyPrefix string
	// MasterKeys is the vault keyring, "id:base64key,…" newest last (ACCESSHIVE_MASTER_KEYS).
	MasterKeys string
	// AllowedOrigins are the browser origins allowed to send mutations and open websockets
	// (ACCESSHIVE_ALLOWED_ORIGINS, comma-separated, default http://127.0.0.1:8080,http://localhost:8080).
	AllowedOrigins []string
	// CookieSecure forces the Secure flag on the session cookie (ACCESSHIVE_COOKIE_SECURE).
	CookieSecure bool
	// TrustedProxies are the proxies whose X-Forwarded-For is believed when they are the
	// connection's peer (ACCESSHIVE_TRUSTED_PROXIES, comma-separated CIDRs or IP addresses,
	// default none: the peer is always the client).
	TrustedProxies []netip.Prefix
	// SessionIdle and SessionAbsolute are the session timeouts (ACCESSHIVE_SESSION_IDLE
	// default 2h, ACCESSHIVE_SESSION_ABSOLUTE default 24h).
	SessionIdle     time.Duration
	SessionAbsolute time.Duration
	// Playground serves the GraphQL playground at /playground (ACCESSHIVE_PLAYGROUND, default false; dev: true).
	Playground bool
	// Introspection answers __schema and __type to callers with a session
	// (ACCESSHIVE_INTROSPECTION, default false; dev: true). Callers without one never get it.
	Introspection bool
	// MetricsAddr is where the API serves /metrics on a listener of its own, for operators only
	// (ACCESSHIVE_METRICS_ADDR, e.g. 127.0.0.1:9090; default none).
	MetricsAddr string
	// MetricsToken, when set, also serves /metrics on the API's address to requests with
	// "Authorization: Bearer <token>" (ACCESSHIVE_METRICS_TOKEN, default none: not served there).
	MetricsToken string
	// HTTPReadTimeout, HTTPWriteTimeout and HTTPIdleTimeout bound a request's reading, its
	// answer's writing and an idle keep-alive connection (ACCESSHIVE_HTTP_READ_TIMEOUT default
	// 30s, ACCESSHIVE_HTTP_WRITE_TIMEOUT default 60s, ACCESSHIVE_HTTP_IDLE_TIMEOUT default 120s);
	// websockets are exempt once upgraded and kept alive by their own pings.
	HTTPReadTimeout  time.Duration
	HTTPWriteTimeout time.Duration
	HTTPIdleTimeout  time.Duration
	// OpsAgencies are the agencies, by name or id, whose owners and admins may open
	// /ops/queues (ACCESSHIVE_OPS_AGENCIES, comma-separated; dev: Demo Agency).
	OpsAgencies []string
	// WorkerConcurrency is the number of jobs a worker runs at once (ACCESSHIVE_WORKER_CONCURRENCY, default 10).
	WorkerConcurrency int
	// WorkerPerAgency bounds one agency's running jobs across all workers (ACCESSHIVE_WORKER_PER_AGENCY, default 4).
	WorkerPerAgency int
	// WorkerMetricsAddr is where a standalone worker serves /metrics (ACCESSHIVE_WORKER_METRICS_ADDR, default 127.0.0.1:9091).
	WorkerMetricsAddr string
	// AllowDirectoryEndpoint lets identity sources point at a Directory API endpoint other than
	// Google's: the built-in fake (ACCESSHIVE_ALLOW_DIRECTORY_ENDPOINT, default false; dev: true).
	AllowDirectoryEndpoint bool
	// ProvisionStuckAfter is how long an identity may stay PROVISIONING before it counts as stuck
	// (ACCESSHIVE_PROVISION_STUCK_AFTER, default 1m).
	ProvisionStuckAfter time.Duration
	// RepairMaxShare is the largest share of an agency's managed users one directory repair may
	// touch (ACCESSHIVE_REPAIR_MAX_SHARE, default 0.1).
	RepairMaxShare float64
	// DeleteOnDeprovision deletes directory users instead of suspending them
	// (ACCESSHIVE_GWS_DELETE_ON_DEPROVISION, default false).
	DeleteOnDeprovision bool
	// SMTPAddr, SMTPFrom, SMTPUser and SMTPPassword configure email (ACCESSHIVE_SMTP_ADDR host:port,
	// ACCESSHIVE_SMTP_FROM, ACCESSHIVE_SMTP_USER, ACCESSHIVE_SMTP_PASSWORD); without an address,
	// emails are captured and logged (dev and tests), never sent.
	SMTPAddr     string
	SMTPFrom     string
	SMTPUser     string
	SMTPPassword string
	// LogLevel and LogFormat shape the logs (ACCESSHIVE_LOG_LEVEL default info; ACCESSHIVE_LOG_FORMAT json|text, default json).
	LogLevel  string
	LogFormat string
}

// Load reads the configuration from the environment.
func Load() (Config, error) {
	c := Config{
		HTTPAddr:          env("ACCESSHIVE_HTTP_ADDR", "127.0.0.1:8080"),
		DatabaseURL:       env("DATABASE_URL", ""),
		RedisAddr:         env("REDIS_ADDR", "127.0.0.1:6379"),
		RedisPassword:     env("REDIS_PASSWORD", ""),
		KeyPrefix:         env("ACCESSHIVE_REDIS_PREFIX", "accesshive:"),
		MasterKeys:        env("ACCESSHIVE_MASTER_KEYS", ""),
		AllowedOrigins:    list(env("ACCESSHIVE_ALLOWED_ORIGINS", "http://127.0.0.1:8080,http://localhost:8080")),
		OpsAgencies:       list(env("ACCESSHIVE_OPS_AGENCIES", "")),
		WorkerMetricsAddr: env("ACCESSHIVE_WORKER_METRICS_ADDR", "127.0.0.1:9091"),
		MetricsAddr:       env("ACCESSHIVE_METRICS_ADDR", ""),
		MetricsToken:      env("ACCESSHIVE_METRICS_TOKEN", ""),
		LogLevel:          env("ACCESSHIVE_LOG_LEVEL", "info"),
		SMTPAddr:          env("ACCESSHIVE_SMTP_ADDR", ""),
		SMTPFrom:          env("ACCESSHIVE_SMTP_FROM", "AccessHive <no-reply@accesshive.local>"),
		SMTPUser:          env("ACCESSHIVE_SMTP_USER", ""),
		SMTPPassword:      env("ACCESSHIVE_SMTP_PASSWORD", ""),
		LogFormat:         env("ACCESSHIVE_LOG_FORMAT", "json"),
	}
	var err error
	if c.RedisDB, err = intEnv("REDIS_DB", 0); err != nil {
		return c, err
	}
	if c.CookieSecure, err = boolEnv("ACCESSHIVE_COOKIE_SECURE", false); err != nil {
		return c, err
	}
	if c.TrustedProxies, err = ParseTrustedProxies(env("ACCESSHIVE_TRUSTED_PROXIES", "")); err != nil {
		return c, err
	}
	if c.Playground, err = boolEnv("ACCESSHIVE_PLAYGROUND", false); err != nil {
		return c, err
	}
	if c.Introspection, err = boolEnv("ACCESSHIVE_INTROSPECTION", false); err != nil {
		return c, err
	}
	if c.HTTPReadTimeout, err = durEnv("ACCESSHIVE_HTTP_READ_TIMEOUT", 30*time.Second); err != nil {
		return c, err
	}
	if c.HTTPWriteTimeout, err = durEnv("ACCESSHIVE_HTTP_WRITE_TIMEOUT", 60*time.Second); err != nil {
		return c, err
	}
	if c.HTTPIdleTimeout, err = durEnv("ACCESSHIVE_HTTP_IDLE_TIMEOUT", 120*time.Second); err != nil {
		return c, err
	}
	if c.SessionIdle, err = durEnv("ACCESSHIVE_SESSION_IDLE", 2*time.Hour); err != nil {
		return c, err
	}
	if c.SessionAbsolute, err = durEnv("ACCESSHIVE_SESSION_ABSOLUTE", 24*time.Hour); err != nil {
		return c, err
	}
	if c.WorkerConcurrency, err = intEnv("ACCESSHIVE_WORKER_CONCURRENCY", 10); err != nil {
		return c, err
	}
	if c.WorkerPerAgency, err = intEnv("ACCESSHIVE_WORKER_PER_AGENCY", 4); err != nil {
		return c, err
	}
	if c.AllowDirectoryEndpoint, err = boolEnv("ACCESSHIVE_ALLOW_DIRECTORY_ENDPOINT", false); err != nil {
		return c, err
	}
	if c.ProvisionStuckAfter, err = durEnv("ACCESSHIVE_PROVISION_STUCK_AFTER", time.Minute); err != nil {
		return c, err
	}
	if c.DeleteOnDeprovision, err = boolEnv("ACCESSHIVE_GWS_DELETE_ON_DEPROVISION", false); err != nil {
		return c, err
	}
	c.RepairMaxShare = 0.1
	if v := env("ACCESSHIVE_REPAIR_MAX_SHARE", ""); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || f > 1 {
			return c, fmt.Errorf("config: ACCESSHIVE_REPAIR_MAX_SHARE: a number in (0, 1]")
		}
		c.RepairMaxShare = f
	}
	return c, nil
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseTrustedProxies parses ACCESSHIVE_TRUSTED_PROXIES: comma-separated CIDRs ("10.0.0.0/8",
// "2001:db8::/32") or single addresses ("10.1.2.3", a /32 or /128). Empty means none. A CIDR's
// host bits are dropped, and IPv4-mapped IPv6 forms ("::ffff:10.0.0.0/104") become IPv4, as do
// the addresses they are matched against.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range list(s) {
		var (
			p   netip.Prefix
			err error
		)
		if strings.Contains(v, "/") {
			p, err = netip.ParsePrefix(v)
		} else {
			var a netip.Addr
			if a, err = netip.ParseAddr(v); err == nil {
				if a.Zone() != "" {
					err = fmt.Errorf("zone not allowed")
				}
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil {
			return nil, fmt.Errorf("config: ACCESSHIVE_TRUSTED_PROXIES: %q is neither a CIDR nor an IP address", v)
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func intEnv(name string, def int) (int, error) {
	v := env(name, "")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("config: %s: not an integer", name)
	}
	return n, nil
}

func boolEnv(name string, def bool) (bool, error) {
	v := env(name, "")
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("config: %s: not a boolean", name)
	}
	return b, nil
}

func durEnv(name string, def time.Duration) (time.Duration, error) {
	v := env(name, "")
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("config: %s: not a positive duration like 30m", name)
	}
	return d, nil
}
