package chaos

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/gws/fake"
	"github.com/accesshive/accesshive/internal/testenv"
	"github.com/accesshive/accesshive/internal/vault"
)

// Origin is the browser origin the child API processes allow.
const Origin = "http://chaos.accesshive.test"

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binary builds cmd/accesshive once per test run, into a temporary folder (not bin/, which a
// developer's `make build` may be writing at the same time), and returns its path.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "accesshive-chaos-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "accesshive")
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/accesshive/accesshive/cmd/accesshive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// Env is one test's slice of PostgreSQL and Redis, seeded with the demo data, with the fake
// directory and an SMTP sink running in the test process, from which API and worker processes
// are started.
type Env struct {
	t       testing.TB
	DB      *bun.DB
	Schema  string
	Redis   *redis.Client
	RedisDB int
	Prefix  string
	Seed    *demo.Seeded
	// Directory is the fake Google Directory API Demo Agency's identity source points at.
	Directory *fake.Server
	// Mail receives every e-mail the workers send.
	Mail *SMTPSink
	// Dir holds the processes' logs.
	Dir string

	mu    sync.Mutex
	procs []*Proc
}

// NewEnv prepares an Env; it starts no process.
func NewEnv(t testing.TB) *Env {
	t.Helper()
	binary(t)
	bdb, schema := testenv.DBWithSchema(t)
	rdbNum := testenv.RedisDB(t)
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(t), DB: rdbNum})
	t.Cleanup(func() { _ = rdb.Close() })
	seed, err := demo.Seed(context.Background(), bdb)
	require.NoError(t, err)
	e := &Env{t: t, DB: bdb, Schema: schema, Redis: rdb, RedisDB: rdbNum, Prefix: testenv.Prefix(t), Seed: seed, Dir: t.TempDir()}
	e.Directory = fake.New(fake.Options{Domains: []string{"demo.test"}})
	dirSrv := httptest.NewServer(e.Directory)
	t.Cleanup(dirSrv.Close)
	_, err = bdb.NewUpdate().Table("identity_sources").Set("endpoint = ?", dirSrv.URL).Where("agency_id = ?", seed.Demo.ID).Exec(context.Background())
	require.NoError(t, err)
	// The seeded source is CHECKING until a check proves it; these suites are about crashes, so
	// they record the successful check directly (managed approvals need a CONNECTED source).
	require.NoError(t, seed.ConnectSource(context.Background(), bdb))
	e.Mail = StartSMTPSink(t)
	// Processes still running when the test ends are killed (before the schema is dropped,
	// as cleanups run last-registered first).
	t.Cleanup(e.stopAll)
	return e
}

// Keys generates master keys with the given ids.
func Keys(t testing.TB, ids ...string) []vault.MasterKey {
	t.Helper()
	out := make([]vault.MasterKey, 0, len(ids))
	for _, id := range ids {
		k, err := vault.GenerateMasterKey(id)
		require.NoError(t, err)
		out = append(out, k)
	}
	return out
}

// KeySpec is the ACCESSHIVE_MASTER_KEYS value of keys, in the given order (the last seals).
func KeySpec(keys ...vault.MasterKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.Encode()
	}
	return strings.Join(parts, ",")
}

// databaseURL is the test server's URL pinned to the test's schema.
func (e *Env) databaseURL() string {
	u := testenv.DatabaseURL(e.t)
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "search_path=" + url.QueryEscape(e.Schema)
}

// MetricsToken is the bearer token the API processes want on /metrics.
const MetricsToken = "chaos-metrics-token"

// baseEnv is the environment every child process gets.
func (e *Env) baseEnv(keys string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"DATABASE_URL=" + e.databaseURL(),
		"REDIS_ADDR=" + testenv.RedisAddr(e.t),
		fmt.Sprintf("REDIS_DB=%d", e.RedisDB),
		"ACCESSHIVE_REDIS_PREFIX=" + e.Prefix,
		"ACCESSHIVE_MASTER_KEYS=" + keys,
		"ACCESSHIVE_ALLOWED_ORIGINS=" + Origin,
		"ACCESSHIVE_ALLOW_DIRECTORY_ENDPOINT=true",
		"ACCESSHIVE_SMTP_ADDR=" + e.Mail.Addr(),
		// The sink speaks plain SMTP on loopback; production requires STARTTLS.
		"ACCESSHIVE_SMTP_TLS=none",
		"ACCESSHIVE_LOG_FORMAT=json",
		// The API serves /metrics only with the operators' token (the worker on its own address).
		"ACCESSHIVE_METRICS_TOKEN=" + MetricsToken,
		// Generous deadlines: these suites inject crashes, not slowness, and run on a loaded
		// machine, sometimes under -race.
		"ACCESSHIVE_REQUEST_TIMEOUT=30s",
		"ACCESSHIVE_DB_CONNECT_TIMEOUT=15s",
		"ACCESSHIVE_REDIS_DIAL_TIMEOUT=10s",
		"ACCESSHIVE_REDIS_READ_TIMEOUT=10s",
		"ACCESSHIVE_REDIS_WRITE_TIMEOUT=10s",
		"ACCESSHIVE_PUBLISH_TIMEOUT=5s",
	}
	if lvl := os.Getenv("CHAOS_LOG_LEVEL"); lvl != "" {
		env = append(env, "ACCESSHIVE_LOG_LEVEL="+lvl)
	}
	return env
}

// freeAddr returns a loopback address with a port nobody listens on right now.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// StartAPI starts an `accesshive serve` process with the keyring spec and waits until it
// answers /healthz.
func (e *Env) StartAPI(name, keys string, extra ...string) *Proc {
	e.t.Helper()
	addr := freeAddr(e.t)
	p := e.newProc(name, "serve", addr, append(e.baseEnv(keys), append([]string{"ACCESSHIVE_HTTP_ADDR=" + addr}, extra...)...))
	p.Start()
	return p
}

// StartWorker starts an `accesshive worker` process and waits until its /metrics answers.
func (e *Env) StartWorker(name, keys string, extra ...string) *Proc {
	e.t.Helper()
	addr := freeAddr(e.t)
	p := e.newProc(name, "worker", addr, append(e.baseEnv(keys), append([]string{"ACCESSHIVE_WORKER_METRICS_ADDR=" + addr}, extra...)...))
	p.Start()
	return p
}

func (e *Env) newProc(name, cmd, addr string, env []string) *Proc {
	p := &Proc{t: e.t, Name: name, cmd: cmd, Addr: addr, env: env, logPath: filepath.Join(e.Dir, name+".log")}
	e.mu.Lock()
	e.procs = append(e.procs, p)
	e.mu.Unlock()
	return p
}

func (e *Env) stopAll() {
	e.mu.Lock()
	procs := append([]*Proc(nil), e.procs...)
	e.mu.Unlock()
	for _, p := range procs {
		p.Kill()
	}
	if e.t.Failed() {
		for _, p := range procs {
			e.t.Logf("--- last lines of %s ---\n%s", p.Name, tail(p.logPath, 40))
		}
	}
}

// Proc is one child process of the binary; it can be killed and started again with the same
// address and environment.
type Proc struct {
	t       testing.TB
	Name    string
	cmd     string
	Addr    string
	env     []string
	logPath string

	mu     sync.Mutex
	c      *exec.Cmd
	exited chan struct{}
	// Starts counts the process's starts.
	Starts int
}

// Start starts the process and waits until it answers on its address.
func (p *Proc) Start() {
	p.t.Helper()
	p.mu.Lock()
	logf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	require.NoError(p.t, err)
	c := exec.Command(binPath, p.cmd)
	c.Env = p.env
	c.Stdout, c.Stderr = logf, logf
	// Own process group, and SIGKILL when the test process dies, so that no child outlives it.
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	require.NoError(p.t, c.Start())
	exited := make(chan struct{})
	go func() { _ = c.Wait(); _ = logf.Close(); close(exited) }()
	p.c, p.exited = c, exited
	p.Starts++
	p.mu.Unlock()

	deadline := time.Now().Add(30 * time.Second)
	path := "/healthz"
	if p.cmd == "worker" {
		path = "/metrics"
	}
	for {
		select {
		case <-exited:
			p.t.Fatalf("%s exited during start:\n%s", p.Name, tail(p.logPath, 30))
		default:
		}
		resp, err := http.Get("http://" + p.Addr + path)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s did not answer %s within 30s:\n%s", p.Name, path, tail(p.logPath, 30))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Pid is the running process's id (0 when none runs).
func (p *Proc) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.c == nil || p.c.Process == nil {
		return 0
	}
	select {
	case <-p.exited:
		return 0
	default:
		return p.c.Process.Pid
	}
}

// Kill sends SIGKILL and waits until the process is gone.
func (p *Proc) Kill() { p.signal(syscall.SIGKILL) }

// Stop sends SIGTERM (a graceful stop) and waits until the process is gone.
func (p *Proc) Stop() { p.signal(syscall.SIGTERM) }

func (p *Proc) signal(sig syscall.Signal) {
	p.mu.Lock()
	c, exited := p.c, p.exited
	p.mu.Unlock()
	if c == nil {
		return
	}
	_ = c.Process.Signal(sig)
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		_ = c.Process.Signal(syscall.SIGKILL)
		<-exited
	}
}

// Restart kills the process (SIGKILL) and starts it again.
func (p *Proc) Restart() {
	p.t.Helper()
	p.Kill()
	p.Start()
}

// SetEnv replaces (or adds) one variable of the process's environment for its next start.
func (p *Proc) SetEnv(name, value string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, kv := range p.env {
		if strings.HasPrefix(kv, name+"=") {
			p.env[i] = name + "=" + value
			return
		}
	}
	p.env = append(p.env, name+"="+value)
}

// URL is the process's base URL.
func (p *Proc) URL() string { return "http://" + p.Addr }

// Log returns the process's log so far (every start).
func (p *Proc) Log() string {
	b, _ := os.ReadFile(p.logPath)
	return string(b)
}

func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}

// Client is one browser session; it may talk to any API replica, since sessions live in
// PostgreSQL. Unlike the e2e client it returns transport errors instead of failing the test,
// because the replica it talks to may have just been killed.
type Client struct {
	Base string
	HTTP *http.Client
	// ForwardedFor, when set, is sent as X-Forwarded-For: the soak gives each virtual user its
	// own address (the API processes trust loopback as a proxy), as real users behind a load
	// balancer have, so that the per-IP login limit counts them apart.
	ForwardedFor string
	cookie       string
}

// NewClient returns a client without a session against base.
func NewClient(base string) *Client {
	return &Client{Base: base, HTTP: &http.Client{Timeout: 30 * time.Second}}
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

// Err is nil for an answer without errors, and describes the errors otherwise.
func (r Response) Err() error {
	if len(r.Errors) == 0 {
		return nil
	}
	return fmt.Errorf("graphql %s: %s", r.Code(), r.Errors[0].Message)
}

// Decode unmarshals data into v, failing on GraphQL errors.
func (r Response) Decode(v any) error {
	if err := r.Err(); err != nil {
		return err
	}
	return json.Unmarshal(r.Data, v)
}

// Do posts a GraphQL operation.
func (c *Client) Do(ctx context.Context, query string, vars map[string]any) (Response, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return Response{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return Response{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", Origin)
	if c.cookie != "" {
		req.Header.Set("Cookie", "accesshive_session="+c.cookie)
	}
	if c.ForwardedFor != "" {
		req.Header.Set("X-Forwarded-For", c.ForwardedFor)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return Response{}, err
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "accesshive_session" {
			c.cookie = ck.Value
		}
	}
	r := Response{Status: resp.StatusCode}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("status %d, body %q: %w", resp.StatusCode, raw, err)
	}
	return r, nil
}

// Login signs the client in as a demo-password user.
func (c *Client) Login(ctx context.Context, email string) error {
	r, err := c.Do(ctx, `mutation($e:String!,$p:String!){ login(email:$e, password:$p){ id } }`, map[string]any{"e": email, "p": demo.Password})
	if err != nil {
		return err
	}
	if err := r.Err(); err != nil {
		return err
	}
	if c.cookie == "" {
		return errors.New("login set no session cookie")
	}
	return nil
}

// Session returns a copy of the client (same session) against another base URL.
func (c *Client) Session(base string) *Client {
	return &Client{Base: base, HTTP: c.HTTP, cookie: c.cookie, ForwardedFor: c.ForwardedFor}
}

// MustLogin logs a new client in against base or fails the test.
func MustLogin(t testing.TB, base, email string) *Client {
	t.Helper()
	c := NewClient(base)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, c.Login(ctx, email))
	return c
}

// Poll calls cond until it returns nil or the deadline passes, and then fails the test with
// cond's last error.
func Poll(t testing.TB, timeout time.Duration, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached after %s: %v", what, timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
