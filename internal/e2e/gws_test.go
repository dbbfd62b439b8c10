package e2e_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/gws/fake"
	"github.com/accesshive/accesshive/internal/identity"
)

// End-to-end tests of SPEC "Google Workspace": the identity source and its check job,
// provisioning of MANAGED_GWS identities through the fake Directory API (faults included),
// retries, directory sync and repair, deprovisioning and rotation, the job records of all of
// it, and who may do what. Everything goes through GraphQL over HTTP and websocket with real
// session cookies; the fake directory is only driven from the side, the way Google's admin
// console or an outage would change it.

// gwsUsersPath is the Directory API's users collection on the fake.
const gwsUsersPath = "/admin/directory/v1/users"

type gwsSource struct {
	ID, Kind, State, Domain, CustomerID, AdminSubject, ManagedOu string
	ServiceAccountEmail                                          *string
	KeyConfigured                                                bool
	LastCheckAt, LastSyncAt                                      *time.Time
	LastError                                                    *string
}

const gwsSourceFields = `id kind state domain customerId adminSubject managedOu serviceAccountEmail keyConfigured lastCheckAt lastSyncAt lastError`

type gwsProvider struct {
	Provider, Status string
	LastError        *string
}

type gwsIdentity struct {
	ID, Type, DisplayName, ProvisioningState string
	Email                                    *string
	LastError                                *string
	CredentialsRotatedAt                     *time.Time
	ProviderStatuses                         []gwsProvider
}

const gwsIdentityFields = `id type displayName email provisioningState lastError credentialsRotatedAt providerStatuses { provider status lastError }`

// provider returns the identity's status row for provider (zero when it has none).
func (i gwsIdentity) provider(name string) gwsProvider {
	for _, p := range i.ProviderStatuses {
		if p.Provider == name {
			return p
		}
	}
	return gwsProvider{}
}

type gwsJob struct {
	ID, Type, Status        string
	Attempts, MaxAttempts   int
	QueuedAt                time.Time
	StartedAt, FinishedAt   *time.Time
	Input, Result, Progress map[string]any
	Error                   *string
}

const gwsJobFields = `id type status attempts maxAttempts queuedAt startedAt finishedAt input result progress error`

func (j gwsJob) finished() bool { return j.Status == "SUCCEEDED" || j.Status == "FAILED" }

type gwsMismatch struct {
	Kind, Email string
	IdentityID  *string
	Detail      string
}

type gwsRepair struct {
	Kind, Email string
	IdentityID  *string
	Action      string
	Detail      *string
	JobID       *string
}

type gwsReport struct {
	ID, SourceID               string
	JobID                      *string
	StartedAt, FinishedAt      time.Time
	Pages, UsersSeen, Expected int
	Truncated                  bool
	Mismatches                 []gwsMismatch
	RepairedAt                 *time.Time
	Repairs                    []gwsRepair
}

const gwsReportFields = `id sourceId jobId startedAt finishedAt pages usersSeen expected truncated
	mismatches { kind email identityId detail } repairedAt repairs { kind email identityId action detail jobId }`

// byKind groups a report's mismatches by kind, as emails.
func (r gwsReport) byKind() map[string][]string {
	out := map[string][]string{}
	for _, m := range r.Mismatches {
		out[m.Kind] = append(out[m.Kind], m.Email)
	}
	for _, v := range out {
		slices.Sort(v)
	}
	return out
}

// mismatch returns the report's mismatch of kind for email.
func (r gwsReport) mismatch(t testing.TB, kind, email string) gwsMismatch {
	t.Helper()
	for _, m := range r.Mismatches {
		if m.Kind == kind && m.Email == email {
			return m
		}
	}
	t.Fatalf("no %s mismatch for %s in %+v", kind, email, r.Mismatches)
	return gwsMismatch{}
}

func gwsSources(t testing.TB, c *e2e.Client) []gwsSource {
	t.Helper()
	var out struct{ IdentitySources []gwsSource }
	c.Do(`{ identitySources { `+gwsSourceFields+` } }`, nil).Decode(t, &out)
	return out.IdentitySources
}

func gwsConfigure(c *e2e.Client, in map[string]any) e2e.Response {
	return c.Do(`mutation($in: ConfigureIdentitySourceInput!){ configureIdentitySource(input:$in){ `+gwsSourceFields+` } }`, map[string]any{"in": in})
}

func gwsCreateManaged(t testing.TB, c *e2e.Client, clientID, platform, displayName string) gwsIdentity {
	t.Helper()
	in := map[string]any{"platform": platform, "type": "MANAGED_GWS", "displayName": displayName}
	if clientID != "" {
		in["clientId"] = clientID
	}
	var out struct{ CreateIdentity gwsIdentity }
	c.Do(`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ `+gwsIdentityFields+` } }`, map[string]any{"in": in}).Decode(t, &out)
	return out.CreateIdentity
}

func gwsGetIdentity(t testing.TB, c *e2e.Client, id string) gwsIdentity {
	t.Helper()
	var out struct{ Identity gwsIdentity }
	c.Do(`query($id:ID!){ identity(id:$id){ `+gwsIdentityFields+` } }`, map[string]any{"id": id}).Decode(t, &out)
	return out.Identity
}

// gwsAwaitState polls the identity until it is in state.
func gwsAwaitState(t testing.TB, c *e2e.Client, id, state string) gwsIdentity {
	t.Helper()
	var got gwsIdentity
	e2e.Eventually(t, 20*time.Second, func() bool {
		got = gwsGetIdentity(t, c, id)
		return got.ProvisioningState == state
	}, "identity %s %s (last seen %s: %v)", id, state, got.ProvisioningState, got.LastError)
	return got
}

// gwsReveal reveals an identity's credentials and returns the password.
func gwsReveal(t testing.TB, c *e2e.Client, id string) string {
	t.Helper()
	var out struct {
		RevealCredentials struct {
			Fields []struct{ Name, Value string }
		}
	}
	c.Do(`mutation($id:ID!){ revealCredentials(identityId:$id){ fields { name value } } }`, map[string]any{"id": id}).Decode(t, &out)
	for _, f := range out.RevealCredentials.Fields {
		if f.Name == "password" {
			require.NotEmpty(t, f.Value)
			return f.Value
		}
	}
	t.Fatalf("no password among the revealed fields of %s", id)
	return ""
}

func gwsRetry(c *e2e.Client, id string) e2e.Response {
	return c.Do(`mutation($id:ID!){ retryProvisioning(identityId:$id){ `+gwsIdentityFields+` } }`, map[string]any{"id": id})
}

func gwsSync(c *e2e.Client, sourceID string) e2e.Response {
	return c.Do(`mutation($id:ID!){ syncDirectory(sourceId:$id){ `+gwsJobFields+` } }`, map[string]any{"id": sourceID})
}

func gwsRepairReport(c *e2e.Client, reportID string, kinds ...string) e2e.Response {
	vars := map[string]any{"id": reportID}
	if kinds != nil {
		vars["kinds"] = kinds
	}
	return c.Do(`mutation($id:ID!, $kinds:[MismatchKind!]){ repairDirectory(reportId:$id, kinds:$kinds){ `+gwsReportFields+` } }`, vars)
}

func gwsReports(t testing.TB, c *e2e.Client, limit int) []gwsReport {
	t.Helper()
	var out struct{ DirectorySyncReports []gwsReport }
	c.Do(`query($n:Int){ directorySyncReports(limit:$n){ `+gwsReportFields+` } }`, map[string]any{"n": limit}).Decode(t, &out)
	return out.DirectorySyncReports
}

func gwsJobs(t testing.TB, c *e2e.Client, typ string, limit int) []gwsJob {
	t.Helper()
	vars := map[string]any{"n": limit}
	if typ != "" {
		vars["t"] = typ
	}
	var out struct{ Jobs []gwsJob }
	c.Do(`query($t:JobType, $n:Int){ jobs(type:$t, limit:$n){ `+gwsJobFields+` } }`, vars).Decode(t, &out)
	return out.Jobs
}

// gwsJobsOf returns the jobs of typ whose input names the identity, newest first.
func gwsJobsOf(t testing.TB, c *e2e.Client, typ, identityID string) []gwsJob {
	t.Helper()
	var out []gwsJob
	for _, j := range gwsJobs(t, c, typ, 100) {
		if j.Input["identityId"] == identityID {
			out = append(out, j)
		}
	}
	return out
}

// gwsAwaitJob polls the jobs list until the job of typ with id has finished.
func gwsAwaitJob(t testing.TB, c *e2e.Client, typ, id string) gwsJob {
	t.Helper()
	var got gwsJob
	e2e.Eventually(t, 20*time.Second, func() bool {
		for _, j := range gwsJobs(t, c, typ, 100) {
			if j.ID == id {
				got = j
				return j.finished()
			}
		}
		return false
	}, "job %s %s finished (last seen %s)", typ, id, got.Status)
	return got
}

// identityWatch is an identityUpdated subscription known to be live, with every state it saw.
type identityWatch struct {
	t      testing.TB
	sub    *e2e.Sub
	states []string
	last   gwsIdentity
}

// gwsWatchIdentity subscribes to identityUpdated and returns once the subscription is live: it
// announces the identity as it stands (identity.Service.Published) until one event comes back.
// Every event of the subscription carries the identity as it stood when it was published, so
// the first one is a snapshot and later ones are the transitions that follow it, in order.
func gwsWatchIdentity(t testing.TB, sys *e2e.System, c *e2e.Client, id string) *identityWatch {
	t.Helper()
	w := &identityWatch{t: t}
	w.sub = c.Subscribe(e2e.ProtoTransportWS, `subscription($id:ID!){ identityUpdated(identityId:$id){ `+gwsIdentityFields+` } }`, map[string]any{"id": id})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		sys.Apps[0].Identities.Published(t.Context(), &identity.Identity{ID: uuid.MustParse(id), AgencyID: sys.Seed.Demo.ID})
		if ev, ok := w.sub.Next(25 * time.Millisecond); ok {
			w.record(ev)
			return w
		}
	}
	t.Fatalf("identityUpdated subscription for %s never became live", id)
	return nil
}

func (w *identityWatch) record(ev e2e.Event) {
	w.t.Helper()
	require.Empty(w.t, ev.Errors)
	require.False(w.t, ev.Complete, "identityUpdated completed")
	var out struct{ IdentityUpdated gwsIdentity }
	require.NoError(w.t, json.Unmarshal(ev.Data, &out))
	w.last = out.IdentityUpdated
	if n := len(w.states); n == 0 || w.states[n-1] != w.last.ProvisioningState {
		w.states = append(w.states, w.last.ProvisioningState)
	}
}

// until reads events until the identity is in state and returns it.
func (w *identityWatch) until(state string) gwsIdentity {
	w.t.Helper()
	for w.last.ProvisioningState != state {
		ev, ok := w.sub.Next(20 * time.Second)
		require.True(w.t, ok, "identityUpdated: no %s within the timeout; states seen %v", state, w.states)
		w.record(ev)
	}
	return w.last
}

// jobWatch is a jobUpdated subscription known to be live.
type jobWatch struct {
	t        testing.TB
	sub      *e2e.Sub
	sentinel string
	buf      []gwsJob
}

// gwsWatchJobs subscribes to jobUpdated(type) and returns once the subscription is live, proven
// by a sentinel job event it publishes on the bus (and then skips).
func gwsWatchJobs(t testing.TB, sys *e2e.System, c *e2e.Client, typ string) *jobWatch {
	t.Helper()
	w := &jobWatch{t: t, sentinel: uuid.NewString()}
	w.sub = c.Subscribe(e2e.ProtoGraphQLWS, `subscription($t:JobType){ jobUpdated(type:$t){ `+gwsJobFields+` } }`, map[string]any{"t": typ})
	data, err := json.Marshal(map[string]any{"id": w.sentinel, "type": typ, "status": "QUEUED", "attempts": 0, "maxAttempts": 1, "queuedAt": time.Now().UTC()})
	require.NoError(t, err)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		require.NoError(t, sys.Apps[0].Bus.Publish(t.Context(), event.Event{
			Topic: event.TopicJobUpdated, AgencyID: sys.Seed.Demo.ID, Key: typ, Data: data,
		}))
		for {
			j, ok := w.read(25 * time.Millisecond)
			if !ok {
				break
			}
			if j.ID == w.sentinel {
				return w
			}
			w.buf = append(w.buf, j)
		}
	}
	t.Fatalf("jobUpdated(%s) subscription never became live", typ)
	return nil
}

func (w *jobWatch) read(timeout time.Duration) (gwsJob, bool) {
	w.t.Helper()
	ev, ok := w.sub.Next(timeout)
	if !ok {
		return gwsJob{}, false
	}
	require.Empty(w.t, ev.Errors)
	require.False(w.t, ev.Complete, "jobUpdated completed")
	var out struct{ JobUpdated gwsJob }
	require.NoError(w.t, json.Unmarshal(ev.Data, &out))
	return out.JobUpdated, true
}

// next returns the next real (non-sentinel) job event.
func (w *jobWatch) next() gwsJob {
	w.t.Helper()
	if len(w.buf) > 0 {
		j := w.buf[0]
		w.buf = w.buf[1:]
		return j
	}
	for {
		j, ok := w.read(20 * time.Second)
		require.True(w.t, ok, "no jobUpdated event within the timeout")
		if j.ID != w.sentinel {
			return j
		}
	}
}

// untilFinished returns every event of one job (the first one seen when id is empty) up to and
// including the one that finishes it; events of other jobs are skipped.
func (w *jobWatch) untilFinished(id string) []gwsJob {
	w.t.Helper()
	var evs []gwsJob
	for {
		j := w.next()
		if id == "" {
			id = j.ID
		}
		if j.ID != id {
			continue
		}
		evs = append(evs, j)
		if j.finished() {
			return evs
		}
	}
}

// gwsDirectory sends a request for one user to the fake directory's HTTP API, as Google's admin
// console would, and returns the status.
func gwsDirectory(t testing.TB, sys *e2e.System, method, email string, body any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, sys.DirectoryURL+gwsUsersPath+"/"+url.PathEscape(email), rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func gwsFakeUser(t testing.TB, sys *e2e.System, email string) fake.User {
	t.Helper()
	u, ok := sys.Directory.Get(email)
	require.True(t, ok, "%s in the directory", email)
	return u
}

// gwsExternalID returns the AccessHive identity id a directory user carries, or "".
func gwsExternalID(u fake.User) string {
	for _, e := range u.ExternalIDs {
		if e.Type == "custom" && e.CustomType == "accesshive-identity" {
			return e.Value
		}
	}
	return ""
}

// gwsServiceAccountKey returns a Google service-account key file with a fresh RSA key, and a
// piece of its private key to search for.
func gwsServiceAccountKey(t testing.TB, email string) (keyJSON, privateBits string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	raw, err := json.Marshal(map[string]string{
		"type": "service_account", "project_id": "accesshive-e2e", "private_key_id": "0123456789abcdef0123456789abcdef01234567",
		"private_key": pemKey, "client_email": email, "client_id": "100000000000000000001",
		"auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
	})
	require.NoError(t, err)
	lines := strings.Split(pemKey, "\n")
	return string(raw), lines[2] // a full line of the key's base64 body
}

// gwsRequireNoSecrets fails if any secret, as is or JSON- or URL-escaped, is in the logs, in
// Redis (asynq's tasks, the event bus, sessions), or in any table that holds job, outbox, audit,
// notification, identity, source, report, reveal or request data (every table but the vault's
// ciphertext that could).
func gwsRequireNoSecrets(t testing.TB, sys *e2e.System, secrets []string) {
	t.Helper()
	logs := sys.Logs.String()
	redisDump := e2e.DumpRedis(t, sys.Redis)
	tables := []string{"jobs", "outbox", "audit_events", "notifications", "identities", "identity_provider_statuses",
		"identity_sources", "directory_sync_reports", "reveals", "access_requests"}
	for _, s := range secrets {
		require.NotEmpty(t, s)
		escaped, _ := json.Marshal(s)
		forms := []string{s, strings.Trim(string(escaped), `"`), url.QueryEscape(s), url.PathEscape(s)}
		for _, f := range slices.Compact(forms) {
			require.False(t, strings.Contains(logs, f), "a secret reached the logs")
			require.False(t, strings.Contains(redisDump, f), "a secret reached Redis")
			for _, tbl := range tables {
				n := countRows(t, sys, `SELECT count(*) FROM `+tbl+` t WHERE strpos(t::text, ?) > 0`, f)
				require.Zero(t, n, "a secret reached table %s", tbl)
			}
		}
	}
}

// TestGWSIdentitySourceAndProvisioning covers the identity source (validation, roles, the check
// job's ERROR and CONNECTED outcomes, the key never returned) and the provisioning of managed
// identities: the state sequence on identityUpdated, the generated password matching the
// directory's, Google's rate limits retried with backoff, a permanent failure recorded on the
// identity and its job, retryProvisioning's conflicts and roles, and a retry whose insert is
// answered 409 adopting the user that is there.
func TestGWSIdentitySourceAndProvisioning(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	admin := sys.Login("admin@demo.test")
	member := sys.Login("member@demo.test")
	alice := sys.Login("alice@acme.test")
	rival := sys.Login("owner@rival.test")
	acme, globex := sys.Seed.Acme.ID.String(), sys.Seed.Globex.ID.String()
	var secrets []string

	// The seeded source: checked against the fake directory by the harness (as dev's first check
	// job does), no key, the defaults.
	srcs := gwsSources(t, admin)
	require.Len(t, srcs, 1)
	src := srcs[0]
	require.Equal(t, "GWS", src.Kind)
	require.Equal(t, "CONNECTED", src.State)
	require.Equal(t, "demo.test", src.Domain)
	require.Equal(t, "C0demo", src.CustomerID)
	require.Equal(t, "/AccessHive", src.ManagedOu)
	require.False(t, src.KeyConfigured)
	require.NotNil(t, src.LastCheckAt)
	require.Nil(t, src.ServiceAccountEmail)
	require.Len(t, gwsSources(t, member), 1, "staff read the sources")
	requireCode(t, alice.Do(`{ identitySources { id } }`, nil), "FORBIDDEN")
	require.Empty(t, gwsSources(t, rival), "another agency sees none of Demo's sources")

	good := map[string]any{"domain": "demo.test", "customerId": "C0demo", "adminSubject": "admin@demo.test"}
	with := func(k string, v any) map[string]any {
		in := map[string]any{}
		for kk, vv := range good {
			in[kk] = vv
		}
		in[k] = v
		return in
	}

	t.Run("configure: validation and roles write nothing", func(t *testing.T) {
		for _, tc := range []struct {
			in    map[string]any
			field string
		}{
			{with("domain", "not a domain"), "domain"},
			{with("customerId", "12345"), "customerId"},
			{with("adminSubject", "nobody"), "adminSubject"},
			{with("managedOu", "/"), "managedOu"},
			{with("managedOu", "AccessHive"), "managedOu"},
			{with("serviceAccountKey", "not json"), "serviceAccountKey"},
			{with("serviceAccountKey", `{"type":"authorized_user","client_email":"x@demo.test"}`), "serviceAccountKey"},
		} {
			requireInvalid(t, gwsConfigure(admin, tc.in), tc.field)
		}
		requireCode(t, gwsConfigure(member, good), "FORBIDDEN")
		requireCode(t, gwsConfigure(alice, good), "FORBIDDEN")
		// Rival has no source of its own (and no directory endpoint): a key is required.
		requireInvalid(t, gwsConfigure(rival, good), "serviceAccountKey")
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM jobs WHERE type = 'CHECK_IDENTITY_SOURCE'`))
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM identity_sources WHERE agency_id = ?`, sys.Seed.Rival.ID))
		require.Equal(t, src, gwsSources(t, admin)[0], "unchanged")
	})

	t.Run("configure: a customer the directory refuses ends in ERROR", func(t *testing.T) {
		w := gwsWatchJobs(t, sys, admin, "CHECK_IDENTITY_SOURCE")
		var out struct{ ConfigureIdentitySource gwsSource }
		gwsConfigure(admin, with("customerId", "C0wrong")).Decode(t, &out)
		require.Equal(t, "CHECKING", out.ConfigureIdentitySource.State, "until its check has run")
		require.Equal(t, src.ID, out.ConfigureIdentitySource.ID, "the agency's one source is updated")
		evs := w.untilFinished("")
		last := evs[len(evs)-1]
		require.Equal(t, "FAILED", last.Status)
		require.Equal(t, 1, last.Attempts, "a refusal is permanent: no retry")
		require.Equal(t, src.ID, last.Input["sourceId"])
		require.NotNil(t, last.Error)
		require.Contains(t, *last.Error, "403")

		got := gwsSources(t, admin)[0]
		require.Equal(t, "ERROR", got.State)
		require.Equal(t, "C0wrong", got.CustomerID)
		require.NotNil(t, got.LastCheckAt)
		require.NotNil(t, got.LastError)
		require.Contains(t, *got.LastError, "403")
	})

	t.Run("configure: the right customer and a key end CONNECTED; the key never comes back", func(t *testing.T) {
		key, private := gwsServiceAccountKey(t, "accesshive@accesshive-e2e.iam.gserviceaccount.com")
		secrets = append(secrets, private)
		before := gwsSources(t, admin)[0]
		w := gwsWatchJobs(t, sys, admin, "CHECK_IDENTITY_SOURCE")
		r := gwsConfigure(admin, with("serviceAccountKey", key))
		require.NotContains(t, string(r.Data), private)
		var out struct{ ConfigureIdentitySource gwsSource }
		r.Decode(t, &out)
		cfg := out.ConfigureIdentitySource
		require.Equal(t, "CHECKING", cfg.State)
		require.Nil(t, cfg.LastError, "a new configuration clears the old error")
		require.True(t, cfg.KeyConfigured)
		require.Equal(t, "accesshive@accesshive-e2e.iam.gserviceaccount.com", *cfg.ServiceAccountEmail)

		evs := w.untilFinished("")
		last := evs[len(evs)-1]
		require.Equal(t, "SUCCEEDED", last.Status)
		require.Equal(t, "CONNECTED", last.Result["state"])
		require.Nil(t, last.Error)

		got := gwsSources(t, admin)[0]
		require.Equal(t, "CONNECTED", got.State)
		require.Equal(t, "C0demo", got.CustomerID)
		require.Nil(t, got.LastError)
		require.True(t, got.LastCheckAt.After(*before.LastCheckAt))
		require.True(t, got.KeyConfigured)

		// Reconfiguring without a key keeps the stored one.
		var again struct{ ConfigureIdentitySource gwsSource }
		gwsConfigure(admin, with("managedOu", "/AccessHive/")).Decode(t, &again)
		require.True(t, again.ConfigureIdentitySource.KeyConfigured)
		require.Equal(t, "/AccessHive", again.ConfigureIdentitySource.ManagedOu, "normalised")
		w.untilFinished("")
		require.Equal(t, "CONNECTED", gwsSources(t, admin)[0].State)

		// No answer of the API holds the key.
		raw := admin.Do(`{ identitySources { `+gwsSourceFields+` } jobs(limit: 100) { `+gwsJobFields+` } auditEvents(first: 100) { nodes { kind data } } }`, nil)
		require.Empty(t, raw.Errors)
		require.NotContains(t, string(raw.Data), private)
		require.NotContains(t, string(raw.Data), "PRIVATE KEY")

		checks := gwsJobs(t, admin, "CHECK_IDENTITY_SOURCE", 10)
		require.Len(t, checks, 3)
		require.Equal(t, []string{"SUCCEEDED", "SUCCEEDED", "FAILED"}, []string{checks[0].Status, checks[1].Status, checks[2].Status}, "newest first")
		for _, j := range checks {
			require.Equal(t, "CHECK_IDENTITY_SOURCE", j.Type)
			require.Equal(t, src.ID, j.Input["sourceId"])
			require.Equal(t, 3, j.MaxAttempts)
			require.NotNil(t, j.FinishedAt)
		}
	})

	var acmeGA4 gwsIdentity
	t.Run("provision: PENDING → PROVISIONING → PROVISIONED; the revealed password is the directory's", func(t *testing.T) {
		// Slow directory answers keep the identity PROVISIONING long enough to be seen.
		sys.Directory.SetLatency(300 * time.Millisecond)
		created := gwsCreateManaged(t, admin, acme, "GA4", "Acme Analytics")
		require.Equal(t, "PENDING", created.ProvisioningState)
		require.Equal(t, "acme-ga4@demo.test", *created.Email)
		require.Equal(t, "PENDING", created.provider("GWS_DIRECTORY").Status)
		w := gwsWatchIdentity(t, sys, admin, created.ID)
		acmeGA4 = w.until("PROVISIONED")
		sys.Directory.SetLatency(0)
		t.Logf("identityUpdated states: %v", w.states)
		require.Contains(t, [][]string{{"PENDING", "PROVISIONING", "PROVISIONED"}, {"PROVISIONING", "PROVISIONED"}}, w.states)
		require.Nil(t, acmeGA4.LastError)
		require.Equal(t, "ACTIVE", acmeGA4.provider("GWS_DIRECTORY").Status)
		require.Equal(t, "CONFIGURED", acmeGA4.provider("GA4").Status)

		u := gwsFakeUser(t, sys, "acme-ga4@demo.test")
		require.Equal(t, "/AccessHive", u.OrgUnitPath)
		require.Equal(t, "Acme", u.Name.GivenName)
		require.Equal(t, "Analytics", u.Name.FamilyName)
		require.Equal(t, acmeGA4.ID, gwsExternalID(u))
		require.False(t, u.Suspended)

		pw := gwsReveal(t, admin, acmeGA4.ID)
		secrets = append(secrets, pw)
		require.True(t, sys.Directory.PasswordMatches("acme-ga4@demo.test", pw), "the revealed password is the directory user's")

		jobs := gwsJobsOf(t, admin, "PROVISION_IDENTITY", acmeGA4.ID)
		require.Len(t, jobs, 1)
		j := gwsAwaitJob(t, admin, "PROVISION_IDENTITY", jobs[0].ID)
		require.Equal(t, "SUCCEEDED", j.Status)
		require.Equal(t, 1, j.Attempts)
		require.Equal(t, 8, j.MaxAttempts)
		require.Equal(t, u.ID, j.Result["directoryUserId"])
		require.Equal(t, false, j.Result["adopted"])
		require.Equal(t, "acme-ga4@demo.test", j.Result["email"])
		require.Nil(t, j.Error)
	})

	t.Run("provision: 403 rate limits are retried with backoff", func(t *testing.T) {
		before := sys.Directory.Calls()
		sys.Directory.FailNextOn(http.MethodPost, gwsUsersPath, 2, http.StatusForbidden, "userRateLimitExceeded")
		start := time.Now()
		created := gwsCreateManaged(t, admin, acme, "META_ADS", "Acme Meta")
		got := gwsAwaitState(t, admin, created.ID, "PROVISIONED")
		require.Less(t, time.Since(start), 5*time.Second, "two backoffs of at most 0.5 s and 1 s")
		require.Nil(t, got.LastError)
		after := sys.Directory.Calls()
		require.Equal(t, before[fake.CallInsert]+3, after[fake.CallInsert], "two 403s, then the insert that worked")
		// A refused insert created nothing: no reads to find a user it might have made, which
		// would spend more of the exhausted quota (one search and one get before the insert).
		require.Equal(t, before[fake.CallList]+1, after[fake.CallList])
		require.Equal(t, before[fake.CallGet]+1, after[fake.CallGet])
		pw := gwsReveal(t, admin, created.ID)
		secrets = append(secrets, pw)
		require.True(t, sys.Directory.PasswordMatches("acme-meta-ads@demo.test", pw))
		jobs := gwsJobsOf(t, admin, "PROVISION_IDENTITY", created.ID)
		require.Len(t, jobs, 1)
		j := gwsAwaitJob(t, admin, "PROVISION_IDENTITY", jobs[0].ID)
		require.Equal(t, "SUCCEEDED", j.Status)
		require.Equal(t, 1, j.Attempts, "the client's backoff absorbed the rate limits")
	})

	var globexGA4 gwsIdentity
	t.Run("provision: a permanent failure marks the identity and its job FAILED with the reason", func(t *testing.T) {
		// The address belongs to a user AccessHive did not create.
		require.NoError(t, sys.Directory.AddUsers(fake.User{
			PrimaryEmail: "globex-ga4@demo.test", Name: fake.UserName{GivenName: "Someone", FamilyName: "Else"}, OrgUnitPath: "/",
		}))
		created := gwsCreateManaged(t, admin, globex, "GA4", "Globex Analytics")
		w := gwsWatchIdentity(t, sys, admin, created.ID)
		globexGA4 = w.until("FAILED")
		require.NotNil(t, globexGA4.LastError)
		require.Contains(t, *globexGA4.LastError, "taken")
		dir := globexGA4.provider("GWS_DIRECTORY")
		require.Equal(t, "FAILED", dir.Status)
		require.NotNil(t, dir.LastError)
		require.Contains(t, *dir.LastError, "taken")

		jobs := gwsJobsOf(t, admin, "PROVISION_IDENTITY", created.ID)
		require.Len(t, jobs, 1)
		e2e.Eventually(t, 10*time.Second, func() bool {
			jobs = gwsJobsOf(t, admin, "PROVISION_IDENTITY", created.ID)
			return jobs[0].finished()
		}, "job recorded")
		require.Equal(t, "FAILED", jobs[0].Status)
		require.Equal(t, 1, jobs[0].Attempts, "permanent: no retry")
		require.NotNil(t, jobs[0].Error)
		require.Contains(t, *jobs[0].Error, "taken")
		require.Nil(t, jobs[0].Result)

		u := gwsFakeUser(t, sys, "globex-ga4@demo.test")
		require.Equal(t, "Someone", u.Name.GivenName, "the other user is left alone")
		require.Empty(t, gwsExternalID(u))
	})

	t.Run("retryProvisioning: roles, tenancy and illegal states", func(t *testing.T) {
		requireCode(t, gwsRetry(member, globexGA4.ID), "FORBIDDEN")
		requireCode(t, gwsRetry(alice, globexGA4.ID), "FORBIDDEN")
		requireCode(t, gwsRetry(rival, globexGA4.ID), "NOT_FOUND")
		r := gwsRetry(admin, acmeGA4.ID)
		requireCode(t, r, "CONFLICT")
		require.Contains(t, r.Errors[0].Message, "PROVISIONED")
		require.Equal(t, "FAILED", gwsGetIdentity(t, admin, globexGA4.ID).ProvisioningState)
		require.Len(t, gwsJobsOf(t, admin, "PROVISION_IDENTITY", globexGA4.ID), 1, "no job was enqueued")
	})

	t.Run("retryProvisioningAfter: the failure time when FAILED, null when there is nothing to retry", func(t *testing.T) {
		// The console enables its Retry Provisioning button from this time (SPEC "Web console").
		var out struct {
			Failed, Done struct {
				ProvisioningState      string
				StateChangedAt         time.Time
				RetryProvisioningAfter *time.Time
			}
		}
		const f = `{ provisioningState stateChangedAt retryProvisioningAfter }`
		admin.Do(`query($f:ID!,$d:ID!){ failed: identity(id:$f)`+f+` done: identity(id:$d)`+f+` }`,
			map[string]any{"f": globexGA4.ID, "d": acmeGA4.ID}).Decode(t, &out)
		require.Equal(t, "FAILED", out.Failed.ProvisioningState)
		require.NotNil(t, out.Failed.RetryProvisioningAfter)
		require.True(t, out.Failed.RetryProvisioningAfter.Equal(out.Failed.StateChangedAt), "a FAILED identity may be retried at once")
		require.Equal(t, "PROVISIONED", out.Done.ProvisioningState)
		require.Nil(t, out.Done.RetryProvisioningAfter)
	})

	t.Run("retryProvisioning: an insert answered 409 adopts the user that is there", func(t *testing.T) {
		// Someone fixed the directory: the foreign user is gone and ours is there, moved out of
		// the managed org unit (so the external-id search misses it) and not yet visible to
		// the first read, as just after a create. The insert then answers 409, and the job
		// checks the real state instead of trusting it.
		require.Equal(t, http.StatusNoContent, gwsDirectory(t, sys, http.MethodDelete, "globex-ga4@demo.test", nil))
		require.NoError(t, sys.Directory.AddUsers(fake.User{
			PrimaryEmail: "globex-ga4@demo.test", Name: fake.UserName{GivenName: "Globex", FamilyName: "Analytics"},
			OrgUnitPath: "/Elsewhere",
			ExternalIDs: []fake.ExternalID{{Type: "custom", CustomType: "accesshive-identity", Value: globexGA4.ID}},
		}))
		sys.Directory.FailNextOn(http.MethodGet, gwsUsersPath+"/globex-ga4@demo.test", 1, http.StatusNotFound, "notFound")
		inserts, users := sys.Directory.Calls()[fake.CallInsert], sys.Directory.Count()

		w := gwsWatchIdentity(t, sys, admin, globexGA4.ID)
		var out struct{ RetryProvisioning gwsIdentity }
		gwsRetry(admin, globexGA4.ID).Decode(t, &out)
		require.Equal(t, "PROVISIONING", out.RetryProvisioning.ProvisioningState)
		require.Nil(t, out.RetryProvisioning.LastError, "the retry clears the old reason")
		got := w.until("PROVISIONED")
		require.Equal(t, "FAILED", w.states[0])
		require.NotContains(t, w.states[1:], "FAILED")
		require.Nil(t, got.LastError)
		require.Equal(t, "ACTIVE", got.provider("GWS_DIRECTORY").Status)

		require.Equal(t, inserts+1, sys.Directory.Calls()[fake.CallInsert], "one insert, answered 409")
		require.Equal(t, users, sys.Directory.Count(), "no duplicate user")
		u := gwsFakeUser(t, sys, "globex-ga4@demo.test")
		pw := gwsReveal(t, admin, globexGA4.ID)
		secrets = append(secrets, pw)
		require.True(t, sys.Directory.PasswordMatches(u.ID, pw), "the adopted user got the vault's password")

		jobs := gwsJobsOf(t, admin, "PROVISION_IDENTITY", globexGA4.ID)
		require.Len(t, jobs, 2)
		retried := gwsAwaitJob(t, admin, "PROVISION_IDENTITY", jobs[0].ID)
		require.Equal(t, "SUCCEEDED", retried.Status)
		require.Equal(t, true, retried.Result["adopted"])
		require.Equal(t, u.ID, retried.Result["directoryUserId"])
		require.Equal(t, "FAILED", jobs[1].Status, "the first run's record is kept")
	})

	t.Run("jobs, lists of another agency, and no secret anywhere", func(t *testing.T) {
		prov := gwsJobs(t, admin, "PROVISION_IDENTITY", 10)
		require.Len(t, prov, 4)
		statuses := map[string]int{}
		for _, j := range prov {
			require.Equal(t, "PROVISION_IDENTITY", j.Type)
			require.NotEmpty(t, j.Input["identityId"])
			statuses[j.Status]++
		}
		require.Equal(t, map[string]int{"SUCCEEDED": 3, "FAILED": 1}, statuses)
		requireCode(t, alice.Do(`{ jobs { id } }`, nil), "FORBIDDEN")
		for _, typ := range []string{"", "PROVISION_IDENTITY", "CHECK_IDENTITY_SOURCE"} {
			require.Empty(t, gwsJobs(t, rival, typ, 100), "rival sees no Demo job (%q)", typ)
		}
		var ag struct {
			AgencyIdentities struct{ TotalCount int }
		}
		rival.Do(`{ agencyIdentities { totalCount } }`, nil).Decode(t, &ag)
		require.Zero(t, ag.AgencyIdentities.TotalCount)
		require.Equal(t, "NOT_FOUND", rival.Do(`query($id:ID!){ identity(id:$id){ id } }`, map[string]any{"id": acmeGA4.ID}).Code())

		require.Len(t, secrets, 4)
		gwsRequireNoSecrets(t, sys, secrets)
	})
}

// TestGWSSyncRepairDeleteRotate covers directory sync (every mismatch kind, progress on
// jobUpdated and in the record, paging), repair (roles, tenancy, the share limit, suspending
// unknown users, re-creating a missing one with the vault's password, restoring drifted names),
// deleting a managed identity (its user suspended), rotating its password through a job, the
// job history of all of it, and that no password leaks.
func TestGWSSyncRepairDeleteRotate(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	admin := sys.Login("admin@demo.test")
	member := sys.Login("member@demo.test")
	alice := sys.Login("alice@acme.test")
	rival := sys.Login("owner@rival.test")
	acme, globex := sys.Seed.Acme.ID.String(), sys.Seed.Globex.ID.String()
	srcID := gwsSources(t, admin)[0].ID
	var secrets []string

	// Six managed identities, provisioned.
	ids := map[string]string{} // email → identity id
	for _, c := range []struct{ client, platform, name string }{
		{acme, "GA4", "Acme Analytics"}, {acme, "META_ADS", "Acme Meta"}, {acme, "GOOGLE_ADS", "Acme Ads"},
		{globex, "GA4", "Globex Analytics"}, {globex, "META_ADS", "Globex Meta"}, {globex, "GOOGLE_ADS", "Globex Ads"},
	} {
		created := gwsCreateManaged(t, admin, c.client, c.platform, c.name)
		ids[*created.Email] = created.ID
	}
	for email, id := range ids {
		gwsAwaitState(t, admin, id, "PROVISIONED")
		require.Equal(t, id, gwsExternalID(gwsFakeUser(t, sys, email)))
	}
	require.Equal(t, 6, sys.Directory.Count())

	// The directory changes behind AccessHive's back.
	acmeGA4Password := gwsReveal(t, admin, ids["acme-ga4@demo.test"])
	secrets = append(secrets, acmeGA4Password)
	require.Equal(t, http.StatusNoContent, gwsDirectory(t, sys, http.MethodDelete, "acme-ga4@demo.test", nil))
	require.Equal(t, http.StatusOK, gwsDirectory(t, sys, http.MethodPatch, "acme-meta-ads@demo.test", map[string]any{"suspended": true}))
	require.Equal(t, http.StatusOK, gwsDirectory(t, sys, http.MethodPatch, "globex-ga4@demo.test",
		map[string]any{"name": map[string]string{"givenName": "Renamed", "familyName": "Person"}}))
	require.NoError(t, sys.Directory.AddUsers(
		fake.User{PrimaryEmail: "stranger1@demo.test", Name: fake.UserName{GivenName: "Stranger", FamilyName: "One"}, OrgUnitPath: "/AccessHive"},
		fake.User{PrimaryEmail: "stranger2@demo.test", Name: fake.UserName{GivenName: "Stranger", FamilyName: "Two"}, OrgUnitPath: "/AccessHive"},
		fake.User{PrimaryEmail: "outsider@demo.test", Name: fake.UserName{GivenName: "Out", FamilyName: "Sider"}, OrgUnitPath: "/"},
	))

	t.Run("syncDirectory: roles and tenancy", func(t *testing.T) {
		requireCode(t, gwsSync(member, srcID), "FORBIDDEN")
		requireCode(t, gwsSync(alice, srcID), "FORBIDDEN")
		requireCode(t, gwsSync(rival, srcID), "NOT_FOUND")
		requireInvalid(t, gwsSync(admin, "not-an-id"), "sourceId")
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM jobs WHERE type = 'SYNC_DIRECTORY'`))
	})

	var report gwsReport
	t.Run("syncDirectory: a report of every mismatch kind, progress on jobUpdated and in the record", func(t *testing.T) {
		w := gwsWatchJobs(t, sys, admin, "SYNC_DIRECTORY")
		sys.Directory.SetLatency(200 * time.Millisecond) // the sync is still queued or running below
		var out struct{ SyncDirectory gwsJob }
		gwsSync(admin, srcID).Decode(t, &out)
		queued := out.SyncDirectory
		require.Equal(t, "SYNC_DIRECTORY", queued.Type)
		require.Equal(t, "QUEUED", queued.Status)
		require.Equal(t, srcID, queued.Input["sourceId"])
		r := gwsSync(admin, srcID)
		requireCode(t, r, "CONFLICT")
		require.Equal(t, queued.ID, r.Errors[0].Extensions["object"], "the conflict names the running sync")

		evs := w.untilFinished(queued.ID)
		sys.Directory.SetLatency(0)
		last := evs[len(evs)-1]
		require.Equal(t, "SUCCEEDED", last.Status, "error: %v", last.Error)
		var progressed bool
		for _, e := range evs[:len(evs)-1] {
			require.Equal(t, "RUNNING", e.Status)
			if e.Progress != nil {
				progressed = true
				require.EqualValues(t, 1, e.Progress["pages"])
				require.EqualValues(t, 7, e.Progress["usersSeen"])
			}
		}
		require.True(t, progressed, "a RUNNING event carried the progress: %+v", evs)
		require.EqualValues(t, 5, last.Result["mismatches"])
		require.EqualValues(t, 6, last.Result["expected"])
		require.EqualValues(t, 7, last.Result["usersSeen"])
		require.Equal(t, map[string]any{"MISSING_IN_DIRECTORY": 1.0, "UNKNOWN_IN_DIRECTORY": 2.0, "SUSPENDED_IN_DIRECTORY": 1.0, "ATTRIBUTE_DRIFT": 1.0}, last.Result["counts"])

		rec := gwsAwaitJob(t, admin, "SYNC_DIRECTORY", queued.ID)
		require.Equal(t, last.Result, rec.Result, "the record agrees with the event")
		require.Equal(t, map[string]any{"pages": 1.0, "usersSeen": 7.0}, rec.Progress)
		require.Equal(t, 1, rec.Attempts)

		reps := gwsReports(t, admin, 5)
		require.Len(t, reps, 1)
		report = reps[0]
		require.Equal(t, rec.Result["reportId"], report.ID)
		require.Equal(t, srcID, report.SourceID)
		require.Equal(t, queued.ID, *report.JobID)
		require.Equal(t, 1, report.Pages)
		require.Equal(t, 7, report.UsersSeen)
		require.Equal(t, 6, report.Expected)
		require.False(t, report.Truncated)
		require.Nil(t, report.RepairedAt)
		require.Empty(t, report.Repairs)
		require.False(t, report.FinishedAt.Before(report.StartedAt))
		require.Equal(t, map[string][]string{
			"MISSING_IN_DIRECTORY":   {"acme-ga4@demo.test"},
			"UNKNOWN_IN_DIRECTORY":   {"stranger1@demo.test", "stranger2@demo.test"},
			"SUSPENDED_IN_DIRECTORY": {"acme-meta-ads@demo.test"},
			"ATTRIBUTE_DRIFT":        {"globex-ga4@demo.test"},
		}, report.byKind(), "the user outside the managed org unit is not reported")
		require.Equal(t, ids["acme-ga4@demo.test"], *report.mismatch(t, "MISSING_IN_DIRECTORY", "acme-ga4@demo.test").IdentityID)
		require.Equal(t, ids["acme-meta-ads@demo.test"], *report.mismatch(t, "SUSPENDED_IN_DIRECTORY", "acme-meta-ads@demo.test").IdentityID)
		drift := report.mismatch(t, "ATTRIBUTE_DRIFT", "globex-ga4@demo.test")
		require.Equal(t, ids["globex-ga4@demo.test"], *drift.IdentityID)
		require.Contains(t, drift.Detail, `givenName "Renamed", expected "Globex"`)
		require.Nil(t, report.mismatch(t, "UNKNOWN_IN_DIRECTORY", "stranger1@demo.test").IdentityID)

		srcNow := gwsSources(t, admin)[0]
		require.NotNil(t, srcNow.LastSyncAt)
		require.False(t, srcNow.LastSyncAt.Before(report.FinishedAt.Add(-time.Second)))

		// A sync changes nothing.
		require.False(t, gwsFakeUser(t, sys, "stranger1@demo.test").Suspended)
		_, ok := sys.Directory.Get("acme-ga4@demo.test")
		require.False(t, ok)
		require.Equal(t, "PROVISIONED", gwsGetIdentity(t, admin, ids["acme-ga4@demo.test"]).ProvisioningState)
	})

	t.Run("reports and repair: roles and tenancy", func(t *testing.T) {
		require.Len(t, gwsReports(t, member, 10), 1, "staff read reports")
		requireCode(t, alice.Do(`{ directorySyncReports { id } }`, nil), "FORBIDDEN")
		require.Empty(t, gwsReports(t, rival, 10), "another agency sees none of Demo's reports")
		requireCode(t, gwsRepairReport(member, report.ID), "FORBIDDEN")
		requireCode(t, gwsRepairReport(alice, report.ID), "FORBIDDEN")
		requireCode(t, gwsRepairReport(rival, report.ID), "NOT_FOUND")
		requireCode(t, gwsRepairReport(admin, uuid.NewString()), "NOT_FOUND")
		require.Nil(t, gwsReports(t, admin, 1)[0].RepairedAt)
	})

	t.Run("repairDirectory: refused above the share, then kind by kind", func(t *testing.T) {
		// All kinds would touch 4 users (missing, drift, two unknown) of 6 managed identities;
		// the harness allows 50%, i.e. 3.
		r := gwsRepairReport(admin, report.ID)
		requireCode(t, r, "CONFLICT")
		require.Contains(t, r.Errors[0].Message, "50%")
		require.False(t, gwsFakeUser(t, sys, "stranger1@demo.test").Suspended, "a refused repair does nothing")
		require.Nil(t, gwsReports(t, admin, 1)[0].RepairedAt)

		// Unknown users are suspended, never deleted.
		var out struct{ RepairDirectory gwsReport }
		gwsRepairReport(admin, report.ID, "UNKNOWN_IN_DIRECTORY").Decode(t, &out)
		require.NotNil(t, out.RepairDirectory.RepairedAt)
		require.Len(t, out.RepairDirectory.Repairs, 2)
		for _, a := range out.RepairDirectory.Repairs {
			require.Equal(t, "UNKNOWN_IN_DIRECTORY", a.Kind)
			require.Equal(t, "SUSPENDED", a.Action, "%s: %v", a.Email, a.Detail)
		}
		for _, email := range []string{"stranger1@demo.test", "stranger2@demo.test"} {
			require.True(t, gwsFakeUser(t, sys, email).Suspended, email)
		}
		requireCode(t, gwsRepairReport(admin, report.ID, "UNKNOWN_IN_DIRECTORY"), "CONFLICT")

		// The missing user is created again with the vault's password; the drifted name is restored.
		gwsRepairReport(admin, report.ID, "MISSING_IN_DIRECTORY", "ATTRIBUTE_DRIFT").Decode(t, &out)
		require.Len(t, out.RepairDirectory.Repairs, 4)
		actions := map[string]gwsRepair{}
		for _, a := range out.RepairDirectory.Repairs[2:] {
			actions[a.Kind] = a
		}
		require.Equal(t, "PATCHED", actions["ATTRIBUTE_DRIFT"].Action)
		missing := actions["MISSING_IN_DIRECTORY"]
		require.Equal(t, "REPROVISION_QUEUED", missing.Action)
		require.NotNil(t, missing.JobID)
		require.Equal(t, "PROVISIONED", gwsGetIdentity(t, admin, ids["acme-ga4@demo.test"]).ProvisioningState, "a repair keeps the identity PROVISIONED")
		job := gwsAwaitJob(t, admin, "PROVISION_IDENTITY", *missing.JobID)
		require.Equal(t, "SUCCEEDED", job.Status, "error: %v", job.Error)
		require.Equal(t, true, job.Input["repair"])
		require.Equal(t, true, job.Result["repaired"])
		u := gwsFakeUser(t, sys, "acme-ga4@demo.test")
		require.Equal(t, ids["acme-ga4@demo.test"], gwsExternalID(u))
		require.True(t, sys.Directory.PasswordMatches("acme-ga4@demo.test", acmeGA4Password), "re-created with the password already revealed")
		require.Equal(t, acmeGA4Password, gwsReveal(t, admin, ids["acme-ga4@demo.test"]))
		e2e.Eventually(t, 10*time.Second, func() bool {
			return gwsGetIdentity(t, admin, ids["acme-ga4@demo.test"]).provider("GWS_DIRECTORY").Status == "ACTIVE"
		}, "directory status back to ACTIVE")
		g := gwsFakeUser(t, sys, "globex-ga4@demo.test")
		require.Equal(t, "Globex", g.Name.GivenName)
		require.Equal(t, "Analytics", g.Name.FamilyName)

		// A managed user someone suspended is only reported.
		gwsRepairReport(admin, report.ID, "SUSPENDED_IN_DIRECTORY").Decode(t, &out)
		require.Len(t, out.RepairDirectory.Repairs, 5)
		require.Equal(t, "REPORTED", out.RepairDirectory.Repairs[4].Action)
		require.True(t, gwsFakeUser(t, sys, "acme-meta-ads@demo.test").Suspended)
	})

	t.Run("deleteIdentity: the managed user is suspended and the identity ends DELETED", func(t *testing.T) {
		id := ids["globex-meta-ads@demo.test"]
		w := gwsWatchIdentity(t, sys, admin, id)
		var out struct{ DeleteIdentity gwsIdentity }
		admin.Do(`mutation($id:ID!){ deleteIdentity(id:$id){ `+gwsIdentityFields+` } }`, map[string]any{"id": id}).Decode(t, &out)
		require.Equal(t, "DEPROVISIONING", out.DeleteIdentity.ProvisioningState)
		got := w.until("DELETED")
		require.Contains(t, [][]string{{"PROVISIONED", "DEPROVISIONING", "DELETED"}, {"PROVISIONED", "DELETED"}}, w.states)
		require.Equal(t, "SUSPENDED", got.provider("GWS_DIRECTORY").Status)
		u := gwsFakeUser(t, sys, "globex-meta-ads@demo.test")
		require.True(t, u.Suspended, "suspended, not deleted")
		requireCode(t, admin.Do(`mutation($id:ID!){ revealCredentials(identityId:$id){ id } }`, map[string]any{"id": id}), "CONFLICT")
		requireCode(t, gwsRetry(admin, id), "CONFLICT")

		jobs := gwsJobsOf(t, admin, "DEPROVISION_IDENTITY", id)
		require.Len(t, jobs, 1)
		j := gwsAwaitJob(t, admin, "DEPROVISION_IDENTITY", jobs[0].ID)
		require.Equal(t, "SUCCEEDED", j.Status)
		require.Equal(t, "SUSPENDED", j.Result["directoryAction"])
		require.Equal(t, u.ID, j.Result["directoryUserId"])
		require.Equal(t, "DELETED", j.Result["state"])
	})

	t.Run("rotateCredentials: a job sets a new password in the directory and the vault", func(t *testing.T) {
		id := ids["acme-google-ads@demo.test"]
		old := gwsReveal(t, admin, id)
		secrets = append(secrets, old)
		require.True(t, sys.Directory.PasswordMatches("acme-google-ads@demo.test", old))
		requireCode(t, member.Do(`mutation($id:ID!){ rotateCredentials(identityId:$id){ id } }`, map[string]any{"id": id}), "FORBIDDEN")
		requireCode(t, admin.Do(`mutation($id:ID!){ rotateCredentials(identityId:$id){ id } }`, map[string]any{"id": ids["globex-meta-ads@demo.test"]}), "CONFLICT")

		w := gwsWatchJobs(t, sys, admin, "ROTATE_CREDENTIALS")
		var out struct{ RotateCredentials gwsIdentity }
		admin.Do(`mutation($id:ID!){ rotateCredentials(identityId:$id){ `+gwsIdentityFields+` } }`, map[string]any{"id": id}).Decode(t, &out)
		require.Equal(t, "PROVISIONED", out.RotateCredentials.ProvisioningState)
		evs := w.untilFinished("")
		last := evs[len(evs)-1]
		require.Equal(t, "SUCCEEDED", last.Status, "error: %v", last.Error)
		require.Equal(t, id, last.Input["identityId"])
		require.Equal(t, id, last.Result["identityId"])
		require.NotEmpty(t, last.Result["rotatedAt"])

		fresh := gwsReveal(t, admin, id)
		secrets = append(secrets, fresh)
		require.NotEqual(t, old, fresh)
		require.True(t, sys.Directory.PasswordMatches("acme-google-ads@demo.test", fresh), "the directory has the new password")
		require.False(t, sys.Directory.PasswordMatches("acme-google-ads@demo.test", old))
		got := gwsGetIdentity(t, admin, id)
		require.NotNil(t, got.CredentialsRotatedAt)
		require.Equal(t, "ACTIVE", got.provider("GWS_DIRECTORY").Status)
		jobs := gwsJobs(t, admin, "ROTATE_CREDENTIALS", 10)
		require.Len(t, jobs, 1)
		require.Equal(t, last.ID, jobs[0].ID)
		require.Equal(t, last.Result, jobs[0].Result)
	})

	t.Run("syncDirectory: a directory of several pages", func(t *testing.T) {
		require.NoError(t, sys.Directory.SeedUsers(1100, "demo.test", "/AccessHive/Bulk"))
		w := gwsWatchJobs(t, sys, admin, "SYNC_DIRECTORY")
		// Slow pages let the progress throttle (about two writes a second) pass more than once.
		sys.Directory.SetLatency(250 * time.Millisecond)
		var out struct{ SyncDirectory gwsJob }
		gwsSync(admin, srcID).Decode(t, &out)
		evs := w.untilFinished(out.SyncDirectory.ID)
		sys.Directory.SetLatency(0)
		last := evs[len(evs)-1]
		require.Equal(t, "SUCCEEDED", last.Status, "error: %v", last.Error)
		pages := []float64{}
		for _, e := range evs {
			if p, ok := e.Progress["pages"].(float64); ok && (len(pages) == 0 || pages[len(pages)-1] != p) {
				pages = append(pages, p)
			}
		}
		t.Logf("progress pages on jobUpdated: %v", pages)
		require.True(t, slices.IsSorted(pages), "progress only grows: %v", pages)
		require.Equal(t, 1.0, pages[0], "the first page is reported at once")
		require.Equal(t, 3.0, pages[len(pages)-1])
		// 5 managed users (acme-ga4 re-created), 2 strangers, the deleted identity's suspended
		// user and 1100 bulk users in a child org unit: 1108 users, 500 a page.
		rec := gwsAwaitJob(t, admin, "SYNC_DIRECTORY", out.SyncDirectory.ID)
		require.Equal(t, map[string]any{"pages": 3.0, "usersSeen": 1108.0}, rec.Progress)

		reps := gwsReports(t, admin, 1)
		require.Len(t, reps, 1)
		rep := reps[0]
		require.Equal(t, rec.Result["reportId"], rep.ID)
		require.Equal(t, 3, rep.Pages)
		require.Equal(t, 1108, rep.UsersSeen)
		require.Equal(t, 5, rep.Expected)
		kinds := rep.byKind()
		require.Empty(t, kinds["MISSING_IN_DIRECTORY"], "the repair re-created the missing user")
		require.Empty(t, kinds["ATTRIBUTE_DRIFT"], "the repair restored the name")
		require.Equal(t, []string{"acme-meta-ads@demo.test"}, kinds["SUSPENDED_IN_DIRECTORY"])
		// Not the deleted identity's user, which deprovisioning suspended as expected: unknown
		// are only the two strangers and the bulk users.
		for _, m := range rep.Mismatches {
			require.NotEqual(t, "globex-meta-ads@demo.test", m.Email, "the deleted identity's suspended user: %+v", m)
			require.NotContains(t, m.Detail, ids["globex-meta-ads@demo.test"])
		}
		require.Len(t, kinds["UNKNOWN_IN_DIRECTORY"], 1102)
		require.Contains(t, kinds["UNKNOWN_IN_DIRECTORY"], "user000001@demo.test")
		require.Len(t, gwsReports(t, admin, 10), 2)

		r := gwsRepairReport(admin, rep.ID, "UNKNOWN_IN_DIRECTORY")
		requireCode(t, r, "CONFLICT")
		require.Contains(t, r.Errors[0].Message, "50%")
		require.False(t, gwsFakeUser(t, sys, "user000001@demo.test").Suspended)
	})

	t.Run("jobs by type, lists of another agency, and no password anywhere", func(t *testing.T) {
		want := map[string]int{"PROVISION_IDENTITY": 7, "DEPROVISION_IDENTITY": 1, "ROTATE_CREDENTIALS": 1, "SYNC_DIRECTORY": 2}
		for typ, n := range want {
			jobs := gwsJobs(t, admin, typ, 10)
			require.Len(t, jobs, n, typ)
			for i, j := range jobs {
				require.Equal(t, typ, j.Type)
				require.Equal(t, "SUCCEEDED", j.Status, "%s: %v", typ, j.Error)
				require.NotNil(t, j.Input)
				require.NotNil(t, j.Result)
				require.Nil(t, j.Error)
				require.NotNil(t, j.StartedAt)
				require.NotNil(t, j.FinishedAt)
				if i > 0 {
					require.False(t, j.QueuedAt.After(jobs[i-1].QueuedAt), "newest first")
				}
			}
			require.Empty(t, gwsJobs(t, rival, typ, 10), "rival sees no Demo %s job", typ)
		}
		require.Len(t, gwsJobs(t, admin, "", 100), 11)
		require.Empty(t, gwsSources(t, rival))
		require.Empty(t, gwsReports(t, rival, 10))

		gwsRequireNoSecrets(t, sys, secrets)
	})

	t.Run("a managed address taken in another agency is refused without naming its identity", func(t *testing.T) {
		// Rival points its source at the same Workspace domain: configureIdentitySource does not
		// prove ownership of a domain. (The row is written here, at the fake directory, so that
		// no check job of this test talks to Google.)
		_, err := sys.DB.NewInsert().Table("identity_sources").Model(&map[string]any{
			"agency_id": sys.Seed.Rival.ID, "domain": "demo.test", "customer_id": "C0demo",
			"admin_subject": "owner@rival.test", "endpoint": sys.DirectoryURL,
		}).Exec(t.Context())
		require.NoError(t, err)
		demo := gwsCreateManaged(t, admin, "", "META_ADS", "Demo Meta")
		require.Equal(t, "agency-meta-ads@demo.test", *demo.Email)

		r := rival.Do(`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ id } }`, map[string]any{"in": map[string]any{
			"platform": "META_ADS", "type": "MANAGED_GWS", "displayName": "Rival Meta"}})
		requireCode(t, r, "CONFLICT")
		// Refused because Rival's source is not CONNECTED (and could not hold demo.test): the
		// error names Rival's own source, never Demo's identity or address.
		require.NotEqual(t, demo.ID, r.Errors[0].Extensions["object"])
		require.NotContains(t, r.Errors[0].Message, "agency-meta-ads")
		raw, err := json.Marshal(r.Errors)
		require.NoError(t, err)
		require.NotContains(t, string(raw), demo.ID, "the error names another agency's identity")
		var ag struct {
			AgencyIdentities struct{ TotalCount int }
		}
		rival.Do(`{ agencyIdentities { totalCount } }`, nil).Decode(t, &ag)
		require.Zero(t, ag.AgencyIdentities.TotalCount)
		// Within the agency the clash still names the identity that holds the address.
		r = admin.Do(`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ id } }`, map[string]any{"in": map[string]any{
			"platform": "META_ADS", "type": "MANAGED_GWS", "displayName": "Demo Meta Two"}})
		requireCode(t, r, "CONFLICT")
		require.Equal(t, demo.ID, r.Errors[0].Extensions["object"])
		gwsAwaitState(t, admin, demo.ID, "PROVISIONED")
	})
}
