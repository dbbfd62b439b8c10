// Package config reads AccessHive's configuration from environment variables; every variable
// has a documented default suited to a local run (README "Configuration").
package config

import (
	"fmt"
	"net/netip"
	"net/url"
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
	// WorkerSweepInterval and WorkerSweepAfter tune the sweeper that closes runs whose worker
	// was lost and relays jobs whose task was lost again: how often it looks, and how long an
	// unfinished record stays unchanged before it is checked (ACCESSHIVE_WORKER_SWEEP_INTERVAL, ACCESSHIVE_WORKER_SWEEP_AFTER; zero: the
	// worker's defaults, 1m each).
	WorkerSweepInterval time.Duration
	WorkerSweepAfter    time.Duration
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
	// Deadlines bound every call to PostgreSQL, Redis and the Directory API (README
	// "Deadlines"). Zero fields take their defaults (DefaultDeadlines).
	Deadlines Deadlines
	// SMTPTLS is how mail is encrypted (ACCESSHIVE_SMTP_TLS): "starttls" (default) requires the
	// server to offer STARTTLS and refuses to send otherwise; "implicit" speaks TLS from the
	// first byte (SMTPS, port 465); "none" sends in the clear (a relay on the same host only).
	SMTPTLS string
	// PublicURL is the console's address as people reach it, e.g. https://access.example.com
	// (ACCESSHIVE_PUBLIC_URL, default http://127.0.0.1:8080): the base of every link AccessHive
	// mails (invitations, password resets, email confirmations) and the only link notification
	// e-mails carry.
	PublicURL string
	// OpsQueuesWritable lets /ops/queues (asynqmon) delete, run and archive tasks
	// (ACCESSHIVE_OPS_QUEUES_WRITABLE, default false: read-only, because a task deleted there
	// does not cancel its job: the worker's sweeper finds its record still QUEUED and relays it
	// again).
	OpsQueuesWritable bool
	// DirectoryQPM is each agency's Google Directory API quota in queries a minute, shared by
	// every worker through Redis (ACCESSHIVE_GWS_QUERIES_PER_MINUTE, default 2400).
	DirectoryQPM int
	// LogLevel and LogFormat shape the logs (ACCESSHIVE_LOG_LEVEL default info; ACCESSHIVE_LOG_FORMAT json|text, default json).
	LogLevel  string
	LogFormat string
}

// Load reads the configuration from the environment.
func Load() (Config, error) {
	c := loadStrings()
	if err := c.loadSecretFiles(); err != nil {
		return c, err
	}
	if err := c.checkStrings(); err != nil {
		return c, err
	}
	if err := c.loadTyped(); err != nil {
		return c, err
	}
	var err error
	if c.Deadlines, err = loadDeadlines(); err != nil {
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

// loadStrings reads the variables that are plain strings (or lists of them).
func loadStrings() Config {
	return Config{
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
		SMTPTLS:           strings.ToLower(env("ACCESSHIVE_SMTP_TLS", "starttls")),
		PublicURL:         strings.TrimRight(env("ACCESSHIVE_PUBLIC_URL", "http://127.0.0.1:8080"), "/"),
	}
}

// loadSecretFiles reads the secrets that may come from files (Docker secrets): NAME_FILE names
// the file holding NAME.
func (c *Config) loadSecretFiles() error {
	for _, sec := range []struct {
		name string
		dst  *string
	}{
		{"DATABASE_URL", &c.DatabaseURL}, {"REDIS_PASSWORD", &c.RedisPassword},
		{"ACCESSHIVE_MASTER_KEYS", &c.MasterKeys}, {"ACCESSHIVE_SMTP_USER", &c.SMTPUser},
		{"ACCESSHIVE_SMTP_PASSWORD", &c.SMTPPassword},
	} {
		v, ok, err := fromFile(sec.name)
		if err != nil {
			return err
		}
		if ok {
			*sec.dst = v
		}
	}
	return nil
}

// checkStrings refuses an SMTP TLS mode or a public URL that cannot work.
func (c *Config) checkStrings() error {
	switch c.SMTPTLS {
	case "starttls", "implicit", "none":
	default:
		return fmt.Errorf("config: ACCESSHIVE_SMTP_TLS: one of starttls, implicit, none")
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("config: ACCESSHIVE_PUBLIC_URL: an absolute http(s) URL such as https://access.example.com")
		}
	}
	return nil
}

// loadTyped reads the booleans, numbers, durations and proxies, in order, stopping at the
// first malformed one.
func (c *Config) loadTyped() error {
	r := &envReader{}
	r.bool(&c.OpsQueuesWritable, "ACCESSHIVE_OPS_QUEUES_WRITABLE", false)
	r.int(&c.DirectoryQPM, "ACCESSHIVE_GWS_QUERIES_PER_MINUTE", 2400)
	if r.err == nil && c.DirectoryQPM <= 0 {
		return fmt.Errorf("config: ACCESSHIVE_GWS_QUERIES_PER_MINUTE: a positive integer")
	}
	r.int(&c.RedisDB, "REDIS_DB", 0)
	r.bool(&c.CookieSecure, "ACCESSHIVE_COOKIE_SECURE", false)
	if r.err == nil {
		c.TrustedProxies, r.err = ParseTrustedProxies(env("ACCESSHIVE_TRUSTED_PROXIES", ""))
	}
	r.bool(&c.Playground, "ACCESSHIVE_PLAYGROUND", false)
	r.bool(&c.Introspection, "ACCESSHIVE_INTROSPECTION", false)
	r.dur(&c.HTTPReadTimeout, "ACCESSHIVE_HTTP_READ_TIMEOUT", 30*time.Second)
	r.dur(&c.HTTPWriteTimeout, "ACCESSHIVE_HTTP_WRITE_TIMEOUT", 60*time.Second)
	r.dur(&c.HTTPIdleTimeout, "ACCESSHIVE_HTTP_IDLE_TIMEOUT", 120*time.Second)
	r.dur(&c.SessionIdle, "ACCESSHIVE_SESSION_IDLE", 2*time.Hour)
	r.dur(&c.SessionAbsolute, "ACCESSHIVE_SESSION_ABSOLUTE", 24*time.Hour)
	r.int(&c.WorkerConcurrency, "ACCESSHIVE_WORKER_CONCURRENCY", 10)
	r.int(&c.WorkerPerAgency, "ACCESSHIVE_WORKER_PER_AGENCY", 4)
	r.dur(&c.WorkerSweepInterval, "ACCESSHIVE_WORKER_SWEEP_INTERVAL", 0)
	r.dur(&c.WorkerSweepAfter, "ACCESSHIVE_WORKER_SWEEP_AFTER", 0)
	r.bool(&c.AllowDirectoryEndpoint, "ACCESSHIVE_ALLOW_DIRECTORY_ENDPOINT", false)
	r.dur(&c.ProvisionStuckAfter, "ACCESSHIVE_PROVISION_STUCK_AFTER", time.Minute)
	r.bool(&c.DeleteOnDeprovision, "ACCESSHIVE_GWS_DELETE_ON_DEPROVISION", false)
	return r.err
}

// envReader reads typed variables and keeps the first error: once one is malformed, the
// others are not read, so a list of reads stops where Load used to return.
type envReader struct{ err error }

func (r *envReader) bool(dst *bool, name string, def bool) {
	if r.err == nil {
		*dst, r.err = boolEnv(name, def)
	}
}

func (r *envReader) int(dst *int, name string, def int) {
	if r.err == nil {
		*dst, r.err = intEnv(name, def)
	}
}

func (r *envReader) dur(dst *time.Duration, name string, def time.Duration) {
	if r.err == nil {
		*dst, r.err = durEnv(name, def)
	}
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// fromFile reads NAME from the file NAME_FILE names, if it is set, without its trailing line
// break. Setting both NAME and NAME_FILE is an error, so that nobody wonders which one counts.
func fromFile(name string) (string, bool, error) {
	path := os.Getenv(name + "_FILE")
	if path == "" {
		return "", false, nil
	}
	if os.Getenv(name) != "" {
		return "", false, fmt.Errorf("config: set %s or %s_FILE, not both", name, name)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", false, fmt.Errorf("config: %s_FILE: %w", name, err)
	}
	return strings.TrimRight(string(b), "\r\n"), true, nil
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
