// Package e2e starts whole AccessHive systems for end-to-end tests — API replicas on real
// HTTP servers, a worker, the event bus — over the test's own PostgreSQL schema and Redis
// database, with the demo data seeded, and drives them the way the single-page app does:
// GraphQL over HTTP and websocket with a real session cookie.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/app"
	"github.com/accesshive/accesshive/internal/config"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/devenv"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/gws/fake"
	"github.com/accesshive/accesshive/internal/logging"
	"github.com/accesshive/accesshive/internal/notify"
	"github.com/accesshive/accesshive/internal/testenv"
	"github.com/accesshive/accesshive/internal/vault"
	"github.com/accesshive/accesshive/server"
	"github.com/accesshive/accesshive/worker"
)

// Origin is the browser origin the harness's API servers allow.
const Origin = "http://app.accesshive.test"

// MetricsToken is the bearer token the harness's API servers want on /metrics.
const MetricsToken = "e2e-metrics-token"

// System is a running AccessHive for one test.
type System struct {
	t      testing.TB
	DB     *bun.DB
	Schema string
	Redis  *redis.Client
	Config config.Config
	Seed   *demo.Seeded
	// Logs captures every log line of every part, for tests that search them for secrets.
	Logs *SyncBuffer
	// APIs are the API replicas' base URLs.
	APIs []string
	// Apps are the per-replica services (the first also runs the worker when started).
	Apps []*app.App
	// Keys is the vault keyring every part shares.
	Keys *vault.Keyring
	// Directory is the fake Google Directory API that Demo Agency's identity source points at.
	Directory *fake.Server
	// DirectoryURL is its base URL.
	DirectoryURL string
	// Mail captures every email the system sends.
	Mail *notify.CaptureSender
	// Google records the requests that would have left for Google (any *.googleapis.com or
	// *.google.com host), which are refused instead: tests never reach the Internet.
	Google *GoogleRecorder
	// replicas are what the clients of each API replica know of it, in the order of APIs.
	replicas []*replica
}

// replica is what a Client knows of the API replica it speaks to: its event bus, on which
// Subscribe sees its subscription registered, and the gate that keeps the harness's websocket
// set-ups on the replica one at a time, so that the registration a Subscribe sees is its own.
type replica struct {
	bus  *event.Bus
	gate sync.Mutex
}

// GoogleRecorder is the transport of the Directory clients in tests: requests to Google's hosts
// are recorded and refused, all others (the fake directory) go through.
type GoogleRecorder struct {
	mu    sync.Mutex
	hosts []string
}

// RoundTrip records and refuses a request to Google, and sends any other.
func (g *GoogleRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h := r.URL.Hostname()
	if h == "google.com" || h == "googleapis.com" || strings.HasSuffix(h, ".google.com") || strings.HasSuffix(h, ".googleapis.com") {
		g.mu.Lock()
		g.hosts = append(g.hosts, h)
		g.mu.Unlock()
		return nil, fmt.Errorf("e2e: no Internet in tests (request to %s refused)", h)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// Hosts returns the Google hosts requested so far, in order.
func (g *GoogleRecorder) Hosts() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.hosts...)
}

// Options shape a System.
type Options struct {
	// Replicas is the number of API servers (default 1).
	Replicas int
	// NoWorker leaves the worker out.
	NoWorker bool
	// TuneWorker adjusts the worker's configuration.
	TuneWorker func(*worker.Config)
	// TuneConfig adjusts the process configuration before anything is built from it.
	TuneConfig func(*config.Config)
	// RevealWindow shortens the 30-second reveal window (countdown tests).
	RevealWindow time.Duration
	// Timeouts are the API servers' HTTP timeouts (zero fields: production's defaults).
	Timeouts server.Timeouts
	// Keys is the vault keyring's master keys, oldest first (the last one seals); none means
	// one generated key. Rewrap tests configure an older key beside the newest.
	Keys []vault.MasterKey
	// Env, when set, is a PostgreSQL and Redis of the test's own (see StartEnv) instead of the
	// servers every test shares: outage tests freeze and restart it.
	Env *devenv.Env
}

// SyncBuffer is a goroutine-safe bytes.Buffer.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Start brings up a System and stops it when the test ends.
func Start(t testing.TB, opts Options) *System {
	t.Helper()
	if opts.Replicas == 0 {
		opts.Replicas = 1
	}
	dbURL, redisAddr := "", ""
	if opts.Env != nil {
		dbURL, redisAddr = opts.Env.DatabaseURL, opts.Env.RedisAddr
	} else {
		dbURL, redisAddr = testenv.DatabaseURL(t), testenv.RedisAddr(t)
	}
	bdb, schema := testenv.DBWithSchemaAt(t, dbURL)
	cfg := systemConfig(dbURL, redisAddr, testenv.RedisDBAt(t, redisAddr), testenv.Prefix(t))
	if opts.TuneConfig != nil {
		opts.TuneConfig(&cfg)
	}
	s := &System{t: t, DB: bdb, Schema: schema, Config: cfg, Logs: &SyncBuffer{}}
	logger := logging.New(io.MultiWriter(s.Logs), "debug", "json")
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	s.Directory = fake.New(fake.Options{Domains: []string{"demo.test"}})
	dirSrv := httptest.NewServer(s.Directory)
	t.Cleanup(dirSrv.Close)
	s.DirectoryURL = dirSrv.URL
	seed, err := demo.SeedWith(context.Background(), bdb, dirSrv.URL)
	require.NoError(t, err)
	s.Seed = seed
	s.Mail = notify.NewCaptureSender(logger)
	s.Google = &GoogleRecorder{}
	s.Keys = testKeyring(t, opts.Keys)
	for i := 0; i < opts.Replicas; i++ {
		pool := bdb
		if i > 0 {
			pool = testenv.OpenSchemaAt(t, dbURL, schema)
		}
		s.startReplica(ctx, &wg, i, pool, logger, opts)
	}
	// Demo Agency's source is CHECKING as seeded: check it against the fake directory, as the
	// job its configuration enqueues would, so that it is CONNECTED and holds demo.test.
	checked, err := s.Apps[0].GWS.CheckSource(ctx, seed.Demo.ID, seed.SourceID, true)
	require.NoError(t, err)
	require.Equal(t, gws.SourceConnected, checked.State)
	if !opts.NoWorker {
		s.startWorker(ctx, &wg, opts.TuneWorker)
	}
	return s
}

// systemConfig is the configuration of a System over the given PostgreSQL and Redis database.
func systemConfig(dbURL, redisAddr string, redisDB int, prefix string) config.Config {
	return config.Config{
		DatabaseURL:       dbURL,
		RedisAddr:         redisAddr,
		RedisDB:           redisDB,
		KeyPrefix:         prefix,
		AllowedOrigins:    []string{Origin},
		SessionIdle:       time.Hour,
		SessionAbsolute:   2 * time.Hour,
		OpsAgencies:       []string{"Demo Agency"},
		WorkerConcurrency: 4,
		WorkerPerAgency:   4,
		// The fake directory is an endpoint other than Google's.
		AllowDirectoryEndpoint: true,
		ProvisionStuckAfter:    time.Minute,
		RepairMaxShare:         0.5,
		PublicURL:              Origin,
		// /metrics is served on the API's address only with this bearer token (MetricsGet).
		MetricsToken: MetricsToken,
		// Generous on a loaded CI machine under -race; outage tests set production ones.
		Deadlines: config.Deadlines{
			Request: 30 * time.Second, DBConnect: 15 * time.Second,
			RedisDial: 10 * time.Second, RedisRead: 10 * time.Second, RedisWrite: 10 * time.Second,
			Publish: 5 * time.Second,
		},
	}
}

// testKeyring is the vault keyring of the master keys, oldest first; none means one generated key.
func testKeyring(t testing.TB, masterKeys []vault.MasterKey) *vault.Keyring {
	if len(masterKeys) == 0 {
		mk, err := vault.GenerateMasterKey("test-1")
		require.NoError(t, err)
		masterKeys = []vault.MasterKey{mk}
	}
	keys, err := vault.NewKeyring(masterKeys)
	require.NoError(t, err)
	return keys
}

// startReplica starts API replica i over pool on a real HTTP server with its event bus running.
func (s *System) startReplica(ctx context.Context, wg *sync.WaitGroup, i int, pool *bun.DB, logger *slog.Logger, opts Options) {
	t := s.t
	rdb := app.OpenRedis(s.Config)
	t.Cleanup(func() { _ = rdb.Close() })
	// Every replica's emails land in one capture the test reads.
	a := app.New(s.Config, s.Keys, pool, rdb, logger.With("replica", i), app.WithSender(s.Mail),
		app.WithDirectoryHTTPClient(&http.Client{Transport: s.Google}))
	if i == 0 {
		s.Redis = rdb
	}
	if opts.RevealWindow > 0 {
		a.Reveals = a.Reveals.WithWindow(opts.RevealWindow)
	}
	srv, err := a.API()
	require.NoError(t, err)
	// The replica's http.Server gets production's timeouts (opts.Timeouts shortens them).
	hs := httptest.NewUnstartedServer(srv)
	server.ApplyTimeouts(hs.Config, opts.Timeouts)
	hs.Start()
	t.Cleanup(hs.Close)
	wg.Add(1)
	go func() { defer wg.Done(); _ = a.RunBus(ctx) }()
	require.NoError(t, a.WaitBusReady(10*time.Second))
	s.APIs = append(s.APIs, hs.URL)
	s.Apps = append(s.Apps, a)
	s.replicas = append(s.replicas, &replica{bus: a.Bus})
}

// startWorker runs the first replica's worker, polling fast, with tune's changes.
func (s *System) startWorker(ctx context.Context, wg *sync.WaitGroup, tune func(*worker.Config)) {
	w := s.Apps[0].Worker(func(c *worker.Config) {
		c.RelayInterval = 50 * time.Millisecond
		c.TaskCheckInterval = 50 * time.Millisecond
		c.DelayedTaskCheckInterval = 200 * time.Millisecond
		c.RetryDelay = func(int, error, *asynq.Task) time.Duration { return 100 * time.Millisecond }
		if tune != nil {
			tune(c)
		}
	})
	wg.Add(1)
	go func() { defer wg.Done(); _ = w.Run(ctx) }()
}

// StartEnv starts a PostgreSQL and Redis of the test's own, which it may freeze and restart
// without disturbing other tests, and stops them when the test ends.
func StartEnv(t testing.TB) *devenv.Env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env, err := devenv.Start(ctx, devenv.Options{RedisDatabases: 16})
	require.NoError(t, err)
	t.Cleanup(func() { _ = env.Stop() })
	return env
}

// Client is one browser session against one API replica.
type Client struct {
	t    testing.TB
	Base string
	HTTP *http.Client
	// Origin is sent on every request (empty: none).
	Origin string
	// Header is added to every GraphQL request (e.g. X-Forwarded-For).
	Header http.Header
	// replica is the API replica at Base.
	replica *replica
}

// NewClient returns a client without a session against replica i.
func (s *System) NewClient(i int) *Client {
	jar, err := cookiejar.New(nil)
	require.NoError(s.t, err)
	return &Client{t: s.t, Base: s.APIs[i], HTTP: &http.Client{Jar: jar, Timeout: 30 * time.Second}, Origin: Origin, replica: s.replicas[i]}
}

// Login returns a client logged in as email (a demo user) against replica 0.
func (s *System) Login(email string) *Client {
	return s.LoginOn(0, email)
}

// LoginOn returns a client logged in as email against replica i.
func (s *System) LoginOn(i int, email string) *Client {
	s.t.Helper()
	c := s.NewClient(i)
	r := c.Do(`mutation($e:String!,$p:String!){ login(email:$e, password:$p){ id } }`, map[string]any{"e": email, "p": demo.Password})
	require.Empty(s.t, r.Errors, "login %s", email)
	return c
}

// Response is a GraphQL response.
type Response struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []GQLError      `json:"errors"`
}

// GQLError is one GraphQL error.
type GQLError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code returns the first error's extensions.code, or "".
func (r Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// Field returns the first error's extensions.field, or "".
func (r Response) Field() string {
	if len(r.Errors) == 0 {
		return ""
	}
	f, _ := r.Errors[0].Extensions["field"].(string)
	return f
}

// Decode unmarshals data into v.
func (r Response) Decode(t testing.TB, v any) {
	t.Helper()
	require.Empty(t, r.Errors, "unexpected errors")
	require.NoError(t, json.Unmarshal(r.Data, v))
}

// Do posts a GraphQL operation.
func (c *Client) Do(query string, vars map[string]any) Response {
	c.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(c.t, err)
	return c.Raw("application/json", body)
}

// Raw posts a body as is.
func (c *Client) Raw(contentType string, body []byte) Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.Base+"/graphql", bytes.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", contentType)
	for k, vs := range c.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if c.Origin != "" {
		req.Header.Set("Origin", c.Origin)
	}
	resp, err := c.HTTP.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	r := Response{Status: resp.StatusCode}
	require.NoError(c.t, json.Unmarshal(raw, &r), "body: %s", raw)
	return r
}

// Cookie returns the session cookie's value, or "".
func (c *Client) Cookie() string {
	u, _ := url.Parse(c.Base)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "accesshive_session" {
			return ck.Value
		}
	}
	return ""
}

// Get fetches a path with the session cookie.
func (c *Client) Get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.HTTP.Get(c.Base + path)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Metrics fetches /metrics with the operators' bearer token.
func (c *Client) Metrics() (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.Base+"/metrics", nil)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+MetricsToken)
	resp, err := c.HTTP.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Eventually polls cond until it holds or the timeout passes.
func Eventually(t testing.TB, timeout time.Duration, cond func() bool, msg string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("timed out after %s: "+msg, append([]any{timeout}, args...)...)
}

// DumpRedis returns every key of the client's database with its value (strings, hashes, lists,
// sets and sorted sets), for tests that search Redis for secrets.
func DumpRedis(t testing.TB, rdb *redis.Client) string {
	t.Helper()
	ctx := context.Background()
	var b bytes.Buffer
	iter := rdb.Scan(ctx, 0, "*", 500).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		b.WriteString(k + "=")
		typ, err := rdb.Type(ctx, k).Result()
		require.NoError(t, err)
		var v any
		switch typ {
		case "string":
			v, err = rdb.Get(ctx, k).Result()
		case "hash":
			v, err = rdb.HGetAll(ctx, k).Result()
		case "list":
			v, err = rdb.LRange(ctx, k, 0, -1).Result()
		case "set":
			v, err = rdb.SMembers(ctx, k).Result()
		case "zset":
			v, err = rdb.ZRangeWithScores(ctx, k, 0, -1).Result()
		}
		if err != nil && err != redis.Nil {
			require.NoError(t, err)
		}
		fmt.Fprintf(&b, "%v\n", v)
	}
	require.NoError(t, iter.Err())
	return b.String()
}
