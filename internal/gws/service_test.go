package gws_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/gws/fake"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/testenv"
	"github.com/accesshive/accesshive/internal/vault"
)

// identityStates returns the provisioning states published for an identity, in order.
func identityStates(events *testenv.Events, id uuid.UUID) []identity.State {
	var out []identity.State
	for _, e := range events.Of(event.TopicIdentityUpdated) {
		if e.Key != id.String() {
			continue
		}
		if ident, err := event.Decode[identity.Identity](e); err == nil {
			out = append(out, ident.State)
		}
	}
	return out
}

// payloads returns every published payload as one string, for secret searches.
func payloads(events *testenv.Events) string {
	var b strings.Builder
	for _, e := range events.All() {
		b.Write(e.Data)
	}
	return b.String()
}

// The demo data is seeded once per test binary, in a template schema, and copied into each
// test's own freshly migrated schema: demo.Seed hashes six passwords with argon2id, which
// costs about a second per test (several under -race).
var template struct {
	once   sync.Once
	schema string
	seed   *demo.Seeded
	err    error
}

// seededTables are the tables demo.Seed writes, in foreign-key order.
var seededTables = []string{"agencies", "clients", "users", "platform_connections", "identity_sources"}

// seededCopy copies the template's demo data into bdb's schema and returns what was seeded.
func seededCopy(tb testing.TB, bdb *bun.DB) *demo.Seeded {
	tb.Helper()
	template.once.Do(func() {
		ctx := context.Background()
		template.schema = testenv.RandomName("t_tmpl_")
		admin, err := db.Open(ctx, testenv.DatabaseURL(tb), db.Options{MaxOpenConns: 1})
		if err != nil {
			template.err = err
			return
		}
		defer admin.Close()
		if _, template.err = admin.ExecContext(ctx, "CREATE SCHEMA "+template.schema); template.err != nil {
			return
		}
		tdb, err := db.Open(ctx, testenv.DatabaseURL(tb), db.Options{SearchPath: template.schema, MaxOpenConns: 2})
		if err != nil {
			template.err = err
			return
		}
		defer tdb.Close()
		if _, template.err = db.MigrateUp(ctx, tdb); template.err != nil {
			return
		}
		if template.seed, template.err = demo.Seed(ctx, tdb); template.err != nil {
			return
		}
		// Every table demo.Seed writes must be copied.
		var tables []string
		if template.err = tdb.NewSelect().Table("information_schema.tables").Column("table_name").
			Where("table_schema = ?", template.schema).Where("table_name NOT LIKE 'bun_%'").
			Scan(ctx, &tables); template.err != nil {
			return
		}
		for _, table := range tables {
			if slices.Contains(seededTables, table) || table == "platforms" { // platforms: the migrations' catalog
				continue
			}
			n, err := tdb.NewSelect().Table(table).Count(ctx)
			if err == nil && n > 0 {
				err = fmt.Errorf("demo.Seed wrote %d rows to %s, which seededTables lacks", n, table)
			}
			if err != nil {
				template.err = err
				return
			}
		}
	})
	require.NoError(tb, template.err)
	for _, table := range seededTables {
		_, err := bdb.ExecContext(context.Background(), "INSERT INTO "+table+" SELECT * FROM "+template.schema+"."+table)
		require.NoError(tb, err, "copy %s", table)
	}
	return template.seed
}

// TestMain drops the template schema once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if template.schema != "" {
		if admin, err := db.Open(context.Background(), os.Getenv(testenv.EnvDatabaseURL), db.Options{MaxOpenConns: 1}); err == nil {
			_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+template.schema+" CASCADE")
			_ = admin.Close()
		}
	}
	os.Exit(code)
}

// env is one test's AccessHive: its own schema with the demo data, a fake directory that Demo
// Agency's source points at, a real vault keyring, and the services.
type env struct {
	tb       testing.TB
	db       *bun.DB
	seed     *demo.Seeded
	fake     *fake.Server
	ts       *httptest.Server
	vault    *vault.Store
	ids      *identity.Service
	svc      *gws.Service
	deps     gws.Deps
	events   *testenv.Events
	agencyID uuid.UUID
	sourceID uuid.UUID
	// client talks to the fake directly, for arranging directory state.
	client *gws.Client

	owner, admin, member, clientUser, rival *auth.Actor
}

// newEnv builds an env; edit may adjust the service's configuration.
func newEnv(tb testing.TB, edit ...func(*gws.ServiceConfig)) *env {
	tb.Helper()
	ctx := context.Background()
	bdb := testenv.DB(tb)
	seed := seededCopy(tb, bdb)

	srv := fake.New(fake.Options{})
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	// Managed addresses come from the display name, so a test can create many identities.
	_, err := bdb.NewUpdate().Table("agencies").Set("naming_template = '{name}@{domain}'").Where("id = ?", seed.Demo.ID).Exec(ctx)
	require.NoError(tb, err)
	var sourceID uuid.UUID
	err = bdb.NewUpdate().Table("identity_sources").Set("endpoint = ?", ts.URL).
		Where("agency_id = ?", seed.Demo.ID).Returning("id").Scan(ctx, &sourceID)
	require.NoError(tb, err)
	require.NoError(tb, seed.ConnectSource(ctx, bdb))

	mk, err := vault.GenerateMasterKey("test-1")
	require.NoError(tb, err)
	keys, err := vault.NewKeyring([]vault.MasterKey{mk})
	require.NoError(tb, err)
	store := vault.NewStore(keys)
	rec := &testenv.Events{}
	logger := slog.New(slog.DiscardHandler)
	ids := identity.NewService(bdb, store, rec, logger)
	ids.ProvisionManaged = true

	limiters := gws.NewLimiters(1_000_000)
	deps := gws.Deps{
		DB: bdb, Vault: store, Identities: ids, Limiters: limiters, Logger: logger,
		Dial: gws.Dialer(limiters, gws.Config{HTTPClient: ts.Client(), BaseBackoff: time.Millisecond, MaxRetries: 3}, true),
	}
	var cfg gws.ServiceConfig
	for _, e := range edit {
		e(&cfg)
	}
	direct, err := gws.New(ctx, gws.Config{Domain: fake.DefaultDomain, CustomerID: fake.DefaultCustomerID, ManagedOU: managedOU,
		Endpoint: ts.URL, HTTPClient: ts.Client(), BaseBackoff: time.Millisecond}, nil)
	require.NoError(tb, err)

	actor := func(email string) *auth.Actor {
		u := seed.UsersByEmail[email]
		a := &auth.Actor{UserID: u.ID, AgencyID: u.AgencyID, Role: u.Role, Email: u.Email, Name: u.Name, IP: "192.0.2.1"}
		if u.ClientID != nil {
			a.ClientID = *u.ClientID
		}
		return a
	}
	return &env{
		tb: tb, db: bdb, seed: seed, fake: srv, ts: ts, vault: store, ids: ids, events: rec,
		svc: gws.NewService(deps, cfg), deps: deps, agencyID: seed.Demo.ID, sourceID: sourceID, client: direct,
		owner: actor("owner@demo.test"), admin: actor("admin@demo.test"), member: actor("member@demo.test"),
		clientUser: actor("alice@acme.test"), rival: actor("owner@rival.test"),
	}
}

// withConfig returns another Service over the same env with a different configuration.
func (e *env) withConfig(cfg gws.ServiceConfig) *gws.Service {
	return gws.NewService(e.deps, cfg)
}

// createManaged creates a MANAGED_GWS identity named name (its address is the name's slug
// @demo.test) for META_ADS, dedicated to a client of its own (an agency has one live identity
// per platform, a client one per platform); a PROVISION_IDENTITY job is queued for it.
func (e *env) createManaged(name string) *identity.Identity {
	e.tb.Helper()
	c, err := agency.CreateClient(context.Background(), e.db, e.admin, "Client of "+name)
	require.NoError(e.tb, err)
	ident, err := e.ids.Create(context.Background(), e.admin, identity.CreateInput{
		ClientID: &c.ID, Platform: "META_ADS", Type: identity.TypeManagedGWS, DisplayName: name,
	})
	require.NoError(e.tb, err)
	require.Equal(e.tb, identity.StatePending, ident.State)
	return ident
}

// anyAgency marks a test's query that finds rows by id or input, whatever their agency.
var anyAgency = tenant.AllAgencies("test: rows found by id or input, whatever their agency")

// startJob returns the newest job of typ whose input's key is value, started as attempt 1 the
// way the worker starts it.
func (e *env) startJob(typ job.Type, key, value string) *job.Record {
	e.tb.Helper()
	ctx := context.Background()
	var id uuid.UUID
	err := e.db.NewSelect().Model((*job.Record)(nil)).Column("id").Where("type = ?", typ).Comment(anyAgency).
		Where("input ->> ? = ?", key, value).OrderExpr("queued_at DESC, id DESC").Limit(1).Scan(ctx, &id)
	require.NoError(e.tb, err, "no %s job for %s", typ, value)
	rec, err := job.Start(ctx, e.db, id, 1)
	require.NoError(e.tb, err)
	return rec
}

// provisionJob starts the newest provisioning job of an identity.
func (e *env) provisionJob(id uuid.UUID) *job.Record {
	return e.startJob(job.TypeProvisionIdentity, "identityId", id.String())
}

// provision runs an identity's newest provisioning job to success.
func (e *env) provision(ident *identity.Identity) *gws.ProvisionResult {
	e.tb.Helper()
	rec := e.provisionJob(ident.ID)
	res, err := job.Typed(e.svc.HandleProvision)(context.Background(), rec)
	require.NoError(e.tb, err)
	// Recorded the way the worker records it.
	_, err = job.Succeed(context.Background(), e.db, rec.ID, res)
	require.NoError(e.tb, err)
	return res.(*gws.ProvisionResult)
}

func (e *env) reload(id uuid.UUID) *identity.Identity {
	e.tb.Helper()
	ident, err := identity.Reload(context.Background(), e.db, e.agencyID, id)
	require.NoError(e.tb, err)
	return ident
}

// status returns an identity's provider status for provider.
func (e *env) status(id uuid.UUID, provider string) identity.ProviderStatus {
	e.tb.Helper()
	for _, ps := range e.reload(id).ProviderStatuses {
		if ps.Provider == provider {
			return ps
		}
	}
	e.tb.Fatalf("identity %s has no %s status", id, provider)
	return identity.ProviderStatus{}
}

// password returns the managed password sealed for an identity.
func (e *env) password(id uuid.UUID) string {
	e.tb.Helper()
	pt, err := e.vault.Get(context.Background(), e.db, e.agencyID, id, vault.PurposeCredentials)
	require.NoError(e.tb, err)
	var c identity.Credentials
	require.NoError(e.tb, json.Unmarshal(pt, &c))
	return c.Password
}

// ageState makes an identity look as if it had been in its state for d.
func (e *env) ageState(id uuid.UUID, d time.Duration) {
	e.tb.Helper()
	_, err := e.db.NewUpdate().Table("identities").Comment(anyAgency).
		Set("state_changed_at = clock_timestamp() - ? * interval '1 second'", int(d.Seconds())).
		Where("id = ?", id).Exec(context.Background())
	require.NoError(e.tb, err)
}

// setState moves an identity through the state machine.
func (e *env) setState(id uuid.UUID, to identity.State) {
	e.tb.Helper()
	_, err := e.ids.Transition(context.Background(), e.db, e.agencyID, id, to, "")
	require.NoError(e.tb, err)
}

// serviceAccountJSON returns a syntactically real service-account key file and its PEM key.
func serviceAccountJSON(tb testing.TB, tokenURI string) (string, string) {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(tb, err)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(tb, err)
	privatePEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	fields := map[string]string{
		"type":           "service_account",
		"project_id":     "accesshive-test",
		"private_key_id": "k1",
		"private_key":    privatePEM,
		"client_email":   "provisioner@accesshive-test.iam.gserviceaccount.com",
		"client_id":      "1234567890",
	}
	if tokenURI != "" {
		fields["token_uri"] = tokenURI
	}
	raw, err := json.Marshal(fields)
	require.NoError(tb, err)
	return string(raw), privatePEM
}

// googleAt is a transport that sends every request, whatever its host, to srv, and records the
// hosts asked for: tests answer "Google's" token endpoint themselves without the Internet.
type googleAt struct {
	srv   *httptest.Server
	mu    sync.Mutex
	hosts []string
}

func (g *googleAt) RoundTrip(r *http.Request) (*http.Response, error) {
	g.mu.Lock()
	g.hosts = append(g.hosts, r.URL.Host)
	g.mu.Unlock()
	u, err := url.Parse(g.srv.URL)
	if err != nil {
		return nil, err
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme, r2.URL.Host, r2.Host = u.Scheme, u.Host, u.Host
	return http.DefaultTransport.RoundTrip(r2)
}

// Hosts returns the hosts requested so far.
func (g *googleAt) Hosts() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.hosts...)
}

// pemBody is the base64 middle of a PEM block: what must never leak.
func pemBody(privatePEM string) string {
	lines := strings.Split(strings.TrimSpace(privatePEM), "\n")
	return strings.Join(lines[1:len(lines)-1], "")[:64]
}

// hasClasses reports whether a password mixes lower, upper, digit and symbol characters.
func hasClasses(pw string) bool {
	return strings.ContainsAny(pw, "abcdefghijklmnopqrstuvwxyz") && strings.ContainsAny(pw, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
		strings.ContainsAny(pw, "0123456789") && strings.ContainsAny(pw, "!#$%&*+-=?@^_~")
}
