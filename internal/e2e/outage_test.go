package e2e_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/config"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/e2e"
	"github.com/accesshive/accesshive/internal/gws/fake"
)

// Dependency outages (issue 11, item 2). Each test runs a whole system over a PostgreSQL and
// Redis of its own, freezes one of them with SIGSTOP — what a hung server or a network partition
// looks like to a client: connections stay open and nothing answers — and checks that requests
// answer promptly with a clear error or their result, that nothing committed is lost, and that
// everything recovers once the dependency is back. The bounds are generous integration bounds
// (an answer within 10 s when the request deadline is 3 s), not micro-timings.

// outageDeadline is the request deadline the outage tests configure.
const outageDeadline = 3 * time.Second

// outageBound is how long a request may take while a dependency is frozen.
const outageBound = 10 * time.Second

// startOutageSystem starts a system with the production deadlines (but a 3 s request deadline)
// over a PostgreSQL and Redis of the test's own.
func startOutageSystem(t *testing.T) (*e2e.System, interface {
	FreezeRedis() error
	ThawRedis() error
	FreezePostgres() error
	ThawPostgres() error
	RestartPostgres(context.Context) error
}) {
	env := e2e.StartEnv(t)
	sys := e2e.Start(t, e2e.Options{Env: env, TuneConfig: func(c *config.Config) {
		c.Deadlines = config.Deadlines{Request: outageDeadline}
	}})
	return sys, env
}

// login logs in as email, trying again while a loaded machine makes the production deadlines
// of an outage system fail before any outage began.
func login(t *testing.T, sys *e2e.System, email string) *e2e.Client {
	t.Helper()
	var c *e2e.Client
	e2e.Eventually(t, 60*time.Second, func() bool {
		c = sys.NewClient(0)
		r := c.Do(`mutation($e:String!,$p:String!){ login(email:$e, password:$p){ id } }`, map[string]any{"e": email, "p": demo.Password})
		return len(r.Errors) == 0
	}, "login %s", email)
	return c
}

// timed runs f and fails the test when it took longer than outageBound.
func timed(t *testing.T, what string, f func() e2e.Response) e2e.Response {
	t.Helper()
	begin := time.Now()
	r := f()
	took := time.Since(begin)
	require.Less(t, took, outageBound, "%s answered after %s", what, took)
	t.Logf("%s answered in %s", what, took.Round(time.Millisecond))
	return r
}

// readyz fetches /readyz and decodes its checks.
func readyz(t *testing.T, c *e2e.Client) (int, map[string]string) {
	t.Helper()
	code, body := c.Get("/readyz")
	var checks map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &checks), body)
	return code, checks
}

// requireNoInfrastructure fails when an error message shows a detail of the infrastructure.
func requireNoInfrastructure(t *testing.T, r e2e.Response, sys *e2e.System) {
	t.Helper()
	for _, e := range r.Errors {
		for _, leak := range []string{"127.0.0.1", "redis", "postgres", "dial", "i/o timeout", "pgx", "sql"} {
			require.NotContains(t, strings.ToLower(e.Message), leak, "the error names the infrastructure")
		}
	}
}

func TestRedisFrozen(t *testing.T) {
	sys, env := startOutageSystem(t)
	admin := login(t, sys, "admin@demo.test")
	alice := login(t, sys, "alice@acme.test")
	acme := sys.Seed.Acme.ID.String()

	// A live subscription, opened before the outage, that must carry events after it.
	base := sys.Apps[0].Bus.Subscribers()
	updates := admin.Subscribe(e2e.ProtoTransportWS, arUpdatedSub, map[string]any{"c": acme})
	arArmed(t, sys, 0, base+1)
	req := arSubmit(t, alice, "GA4", "MANAGED_GWS", "Dashboards while Redis is away.")
	arAwait(t, updates, req.ID, "PENDING")

	require.NoError(t, env.FreezeRedis())
	thawed := false
	defer func() {
		if !thawed {
			_ = env.ThawRedis()
		}
	}()

	// The approval commits and answers; its provisioning job waits in the outbox.
	r := timed(t, "approveAccessRequest", func() e2e.Response { return arApprove(admin, req.ID, arStr("ok"), nil) })
	require.Empty(t, r.Errors)
	approved := arOne(t, r)
	require.Equal(t, "APPROVED", approved.Status)
	require.NotNil(t, approved.Identity)

	// Queries keep answering.
	r = timed(t, "accessRequest", func() e2e.Response { return admin.Do(arGetOp, map[string]any{"id": req.ID}) })
	require.Empty(t, r.Errors)
	r = timed(t, "me", func() e2e.Response { return alice.Do(`{ me { id } }`, nil) })
	require.Empty(t, r.Errors)

	// /readyz says what is down.
	begin := time.Now()
	code, checks := readyz(t, admin)
	require.Less(t, time.Since(begin), outageBound)
	require.Equal(t, 503, code)
	require.Equal(t, map[string]string{"postgres": "ok", "redis": "unreachable"}, checks)

	// The login limiter fails closed: without its counter no password is tried (README).
	r = timed(t, "login", func() e2e.Response {
		return sys.NewClient(0).Do(`mutation($e:String!,$p:String!){ login(email:$e, password:$p){ id } }`, map[string]any{"e": "owner@demo.test", "p": demo.Password})
	})
	requireCode(t, r, "UNAVAILABLE")
	requireNoInfrastructure(t, r, sys)
	// So does the reveal limiter.
	r = timed(t, "revealCredentials", func() e2e.Response { return admin.Do(arRevealOp, map[string]any{"id": approved.Identity.ID}) })
	requireCode(t, r, "UNAVAILABLE")
	requireNoInfrastructure(t, r, sys)

	require.NoError(t, env.ThawRedis())
	thawed = true

	// The job runs once Redis is back: the subscription, still open, hears the request reach
	// PROVISIONED; the directory holds exactly one user for it.
	final, _ := arAwait(t, updates, req.ID, "PROVISIONED")
	require.NotNil(t, final.Identity)
	require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM jobs WHERE type = 'PROVISION_IDENTITY' AND input->>'identityId' = ?`, final.Identity.ID))
	e2e.Eventually(t, 10*time.Second, func() bool {
		return countRows(t, sys, `SELECT count(*) FROM jobs WHERE type = 'PROVISION_IDENTITY' AND input->>'identityId' = ? AND status = 'SUCCEEDED'`, final.Identity.ID) == 1
	}, "the provisioning job is recorded SUCCEEDED")
	e2e.Eventually(t, 15*time.Second, func() bool {
		return countRows(t, sys, `SELECT count(*) FROM outbox WHERE relayed_at IS NULL AND (process_at IS NULL OR process_at <= now())`) == 0
	}, "the outbox is relayed")
	require.Equal(t, 1, sys.Directory.Count(), "one directory user")
	e2e.Eventually(t, 10*time.Second, func() bool { code, _ := readyz(t, admin); return code == 200 }, "readyz back to 200")
	login(t, sys, "owner@demo.test")
}

func TestPostgresFrozenAndRestarted(t *testing.T) {
	sys, env := startOutageSystem(t)
	alice := login(t, sys, "alice@acme.test")
	admin := login(t, sys, "admin@demo.test")

	require.NoError(t, env.FreezePostgres())
	thawed := false
	defer func() {
		if !thawed {
			_ = env.ThawPostgres()
		}
	}()

	// `{ me { id } }` answers promptly with a clear error that names nothing of the
	// infrastructure, and does not end the session.
	r := timed(t, "me", func() e2e.Response { return alice.Do(`{ me { id } }`, nil) })
	requireCode(t, r, "UNAVAILABLE")
	requireNoInfrastructure(t, r, sys)
	r = timed(t, "me again", func() e2e.Response { return alice.Do(`{ me { id } }`, nil) })
	requireCode(t, r, "UNAVAILABLE")

	begin := time.Now()
	code, checks := readyz(t, alice)
	require.Less(t, time.Since(begin), outageBound)
	require.Equal(t, 503, code)
	require.Equal(t, map[string]string{"postgres": "unreachable", "redis": "ok"}, checks)

	require.NoError(t, env.ThawPostgres())
	thawed = true
	e2e.Eventually(t, 20*time.Second, func() bool { return len(alice.Do(`{ me { id } }`, nil).Errors) == 0 }, "the API answers after the thaw")

	// A restart closes every connection; the API and the worker reconnect on their own.
	require.NoError(t, env.RestartPostgres(context.Background()))
	e2e.Eventually(t, 20*time.Second, func() bool { return len(alice.Do(`{ me { id } }`, nil).Errors) == 0 }, "the API answers after the restart")
	req := arSubmit(t, alice, "GA4", "MANAGED_GWS", "After the restart.")
	var approved e2e.Response
	e2e.Eventually(t, 20*time.Second, func() bool {
		approved = arApprove(admin, req.ID, nil, nil)
		return len(approved.Errors) == 0 || approved.Code() == "CONFLICT"
	}, "approve after the restart")
	e2e.Eventually(t, 30*time.Second, func() bool { return arGet(t, admin, req.ID).Status == "PROVISIONED" }, "the worker provisions after the restart")
	code, _ = readyz(t, alice)
	require.Equal(t, 200, code)
}

// directoryOutage approves three MANAGED_GWS requests while the fake directory answers rate
// limits, backend errors and answers slower than the directory deadline for d: every
// provisioning job backs off and finishes once the directory is back, none is marked FAILED
// for the transient errors, and each identity has exactly one directory user.
func directoryOutage(t *testing.T, d time.Duration) {
	sys := e2e.Start(t, e2e.Options{TuneConfig: func(c *config.Config) {
		c.Deadlines.Directory = time.Second
	}})
	admin := sys.Login("admin@demo.test")
	alice := sys.Login("alice@acme.test")
	bob := sys.Login("bob@globex.test")
	var reqs []arView
	for _, r := range []struct {
		c        *e2e.Client
		platform string
	}{{alice, "GA4"}, {bob, "GA4"}, {alice, "GOOGLE_ADS"}} {
		reqs = append(reqs, arSubmit(t, r.c, r.platform, "MANAGED_GWS", "During a directory outage."))
	}

	sys.Directory.DisruptFor(d, fake.RateLimited, fake.BackendError, fake.Slow(1500*time.Millisecond))
	outageEnds := time.Now().Add(d)
	for _, r := range reqs {
		require.Empty(t, arApprove(admin, r.ID, nil, nil).Errors)
	}
	for _, r := range reqs {
		e2e.Eventually(t, d+90*time.Second, func() bool { return arGet(t, admin, r.ID).Status == "PROVISIONED" }, "request %s provisioned", r.ID)
	}
	t.Logf("all provisioned %s after the outage ended", time.Since(outageEnds).Round(time.Millisecond))
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM jobs WHERE status = 'FAILED'`), "no job failed for a transient error")
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM identities WHERE provisioning_state = 'FAILED'`))
	require.Equal(t, 3, sys.Directory.Count(), "one directory user per identity")
	calls := sys.Directory.Calls()
	require.Greater(t, calls[fake.CallInsert]+calls[fake.CallGet]+calls[fake.CallList], 3, "the outage was met and retried")
}

func TestDirectoryOutage(t *testing.T) { directoryOutage(t, 5*time.Second) }
