package e2e_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
	"github.com/accesshive/accesshive/internal/vault"
)

// Issue 8 items 4 (directory domains) and 5 (outbound calls go only to Google), issue 9 items 1
// (managed provisioning needs a CONNECTED source) and 4 (honest states).

// serviceAccountKey returns a service-account key file naming tokenURI ("" leaves it out).
func serviceAccountKey(t testing.TB, tokenURI string) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	m := map[string]string{
		"type": "service_account", "client_email": "accesshive@probe.iam.gserviceaccount.com", "client_id": "1",
		"private_key_id": "k1", "private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
	}
	if tokenURI != "" {
		m["token_uri"] = tokenURI
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return string(b)
}

type hdSource struct {
	ID, State, Domain string
	LastError         *string
}

const hdSourceFields = `id state domain lastError`

const hdConfigure = `mutation($in: ConfigureIdentitySourceInput!){ configureIdentitySource(input:$in){ ` + hdSourceFields + ` } }`

// hdSourceOf returns the caller's only identity source.
func hdSourceOf(t testing.TB, c *e2e.Client) hdSource {
	t.Helper()
	var out struct{ IdentitySources []hdSource }
	c.Do(`{ identitySources { `+hdSourceFields+` } }`, nil).Decode(t, &out)
	require.Len(t, out.IdentitySources, 1)
	return out.IdentitySources[0]
}

// hdWaitState waits until the caller's source leaves CHECKING and returns it.
func hdWaitState(t testing.TB, c *e2e.Client) hdSource {
	t.Helper()
	var src hdSource
	e2e.Eventually(t, 30*time.Second, func() bool {
		src = hdSourceOf(t, c)
		return src.State != "CHECKING"
	}, "the source's check ended")
	return src
}

const hdCreate = `mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ id email provisioningState } }`

func hdClient(t testing.TB, c *e2e.Client, name string) string {
	t.Helper()
	var out struct{ CreateClient struct{ ID string } }
	c.Do(`mutation($n:String!){ createClient(input:{name:$n}){ id } }`, map[string]any{"n": name}).Decode(t, &out)
	return out.CreateClient.ID
}

// TestHardenDomainSquatting replays the rival agency's attack: it configures a source for
// demo.test without proving anything, then asks createIdentity(MANAGED_GWS) for addresses Demo
// Agency uses or will use. Before the fix it was told that acme-meta-ads@demo.test exists and
// reserved initech-meta-ads@demo.test, which then blocked Demo Agency's own identity.
func TestHardenDomainSquatting(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	admin := sys.Login("admin@demo.test")
	rival := sys.Login("owner@rival.test")
	acme := sys.Seed.Acme.ID.String()

	var mine struct {
		CreateIdentity struct{ ID, Email string }
	}
	admin.Do(hdCreate, map[string]any{"in": map[string]any{"clientId": acme, "platform": "META_ADS", "type": "MANAGED_GWS", "displayName": "Acme Meta"}}).Decode(t, &mine)
	require.True(t, strings.HasSuffix(mine.CreateIdentity.Email, "@demo.test"))

	rivalAcme := hdClient(t, rival, "Acme")
	rivalInitech := hdClient(t, rival, "Initech")
	var cfg struct{ ConfigureIdentitySource hdSource }
	rival.Do(hdConfigure, map[string]any{"in": map[string]any{"domain": "demo.test", "customerId": "my_customer",
		"adminSubject": "owner@rival.test", "serviceAccountKey": serviceAccountKey(t, "")}}).Decode(t, &cfg)
	// Issue 9 item 4: configured and not yet checked reads CHECKING, not NOT_CONFIGURED.
	require.Equal(t, "CHECKING", cfg.ConfigureIdentitySource.State)

	squat := func() {
		t.Helper()
		for _, client := range []string{rivalAcme, rivalInitech} {
			r := rival.Do(hdCreate, map[string]any{"in": map[string]any{"clientId": client, "platform": "META_ADS", "type": "MANAGED_GWS", "displayName": "Squat"}})
			requireCode(t, r, "CONFLICT")
			require.Contains(t, r.Errors[0].Message, "demo.test is ")
			require.NotContains(t, r.Errors[0].Message, "@demo.test", "no address is named")
			require.NotContains(t, r.Errors[0].Message, "already used")
		}
	}
	squat()
	src := hdWaitState(t, rival)
	require.Equal(t, "ERROR", src.State, "a key Google never accepted proves nothing")
	squat()

	// Even a check that reaches a directory answering for demo.test (here: the fake) does not
	// give Rival a domain Demo Agency holds.
	_, err := sys.DB.NewUpdate().Table("identity_sources").Set("endpoint = ?", sys.DirectoryURL).
		Where("agency_id = ?", sys.Seed.Rival.ID).Exec(context.Background())
	require.NoError(t, err)
	rival.Do(hdConfigure, map[string]any{"in": map[string]any{"domain": "demo.test", "customerId": "C0demo",
		"adminSubject": "owner@rival.test"}}).Decode(t, &cfg)
	src = hdWaitState(t, rival)
	require.Equal(t, "ERROR", src.State)
	require.Contains(t, *src.LastError, "another AccessHive account")
	squat()
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM identities WHERE agency_id = ?`, sys.Seed.Rival.ID))

	// Demo Agency's own identity is not blocked.
	initech := hdClient(t, admin, "Initech")
	var theirs struct {
		CreateIdentity struct{ ID, Email string }
	}
	admin.Do(hdCreate, map[string]any{"in": map[string]any{"clientId": initech, "platform": "META_ADS", "type": "MANAGED_GWS", "displayName": "Initech Meta"}}).Decode(t, &theirs)
	require.True(t, strings.HasPrefix(theirs.CreateIdentity.Email, "initech"), theirs.CreateIdentity.Email)
}

// TestHardenTokenEndpointIsGoogles replays the tenant-chosen token endpoint: a key whose
// token_uri names a server of the tenant's choosing. Before the fix the worker POSTed the signed
// assertion there, followed its redirect, and reported what it answered.
func TestHardenTokenEndpointIsGoogles(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	trap := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Location", "http://127.0.0.1:1/internal")
		w.WriteHeader(http.StatusFound)
	}))
	t.Cleanup(trap.Close)
	sys := e2e.Start(t, e2e.Options{})
	rival := sys.Login("owner@rival.test")

	// A key naming another token endpoint is refused, and nothing is sent anywhere.
	r := rival.Do(hdConfigure, map[string]any{"in": map[string]any{"domain": "rival.test", "customerId": "my_customer",
		"adminSubject": "owner@rival.test", "serviceAccountKey": serviceAccountKey(t, trap.URL+"/token")}})
	requireInvalid(t, r, "serviceAccountKey")
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM identity_sources WHERE agency_id = ?`, sys.Seed.Rival.ID))

	// A key stored before that check (put in the vault directly) is used with Google's token
	// endpoint anyway: the trap hears nothing, the tenant sees a generic error.
	rival.Do(hdConfigure, map[string]any{"in": map[string]any{"domain": "rival.test", "customerId": "my_customer",
		"adminSubject": "owner@rival.test", "serviceAccountKey": serviceAccountKey(t, "")}}).Decode(t, &struct{}{})
	src := hdWaitState(t, rival)
	require.Equal(t, "ERROR", src.State)
	before := len(sys.Google.Hosts())
	require.NotZero(t, before)
	srcID := uuid.MustParse(src.ID)
	require.NoError(t, vault.NewStore(sys.Keys).Put(context.Background(), sys.DB, sys.Seed.Rival.ID, srcID,
		vault.PurposeServiceAccountKey, []byte(serviceAccountKey(t, trap.URL+"/token"))))
	var cfg struct{ ConfigureIdentitySource hdSource }
	rival.Do(hdConfigure, map[string]any{"in": map[string]any{"domain": "rival.test", "customerId": "my_customer",
		"adminSubject": "admin@rival.test"}}).Decode(t, &cfg)
	src = hdWaitState(t, rival)
	require.Equal(t, "ERROR", src.State)
	require.Zero(t, hits.Load(), "the key's token_uri received a request")
	hosts := sys.Google.Hosts()
	require.Greater(t, len(hosts), before)
	for _, h := range hosts {
		require.Equal(t, "oauth2.googleapis.com", h)
	}
	// Bounded: a check job's attempts (3) times a check's tries (2) at most, per configure.
	require.LessOrEqual(t, len(hosts)-before, 6)
	for _, leak := range []string{"127.0.0.1", "refused", "EOF", "googleapis", "no Internet"} {
		require.NotContains(t, *src.LastError, leak)
	}
	var jobs struct {
		Jobs []struct {
			Error *string
		}
	}
	rival.Do(`{ jobs(type: CHECK_IDENTITY_SOURCE) { error } }`, nil).Decode(t, &jobs)
	require.NotEmpty(t, jobs.Jobs)
	for _, j := range jobs.Jobs {
		if j.Error != nil {
			for _, leak := range []string{"127.0.0.1", "refused", "googleapis", "no Internet"} {
				require.NotContains(t, *j.Error, leak)
			}
		}
	}
}

// TestHardenManagedNeedsConnectedSource: while Demo Agency's source is not CONNECTED, a
// MANAGED_GWS request is accepted but its reviewer sees why approval would be refused, and
// approval and createIdentity are refused naming the source, its state and last error. After
// deleteIdentity the platform's provider status no longer says CONFIGURED.
func TestHardenManagedNeedsConnectedSource(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	admin := sys.Login("admin@demo.test")
	alice := sys.Login("alice@acme.test")
	rival := sys.Login("owner@rival.test")
	acme := sys.Seed.Acme.ID.String()

	// A wrong customer id: the fake directory refuses the check.
	var cfg struct{ ConfigureIdentitySource hdSource }
	admin.Do(hdConfigure, map[string]any{"in": map[string]any{"domain": "demo.test", "customerId": "C0wrong",
		"adminSubject": "admin@demo.test"}}).Decode(t, &cfg)
	require.Equal(t, "CHECKING", cfg.ConfigureIdentitySource.State)
	src := hdWaitState(t, admin)
	require.Equal(t, "ERROR", src.State)
	require.NotEmpty(t, *src.LastError)

	var sub struct {
		SubmitAccessRequest struct {
			ID            string
			SourceWarning *string
		}
	}
	alice.Do(`mutation{ submitAccessRequest(input:{platform:GA4, identityType:MANAGED_GWS, justification:"GA4 audit"}){ id sourceWarning } }`, nil).Decode(t, &sub)
	require.Nil(t, sub.SubmitAccessRequest.SourceWarning, "the client user is not told about the agency's directory")
	var seen struct {
		AccessRequest struct{ SourceWarning *string }
	}
	admin.Do(`query($id:ID!){ accessRequest(id:$id){ sourceWarning } }`, map[string]any{"id": sub.SubmitAccessRequest.ID}).Decode(t, &seen)
	require.NotNil(t, seen.AccessRequest.SourceWarning)
	require.Contains(t, *seen.AccessRequest.SourceWarning, "demo.test is ERROR")
	require.Contains(t, *seen.AccessRequest.SourceWarning, *src.LastError)
	requireCode(t, rival.Do(`query($id:ID!){ accessRequest(id:$id){ sourceWarning } }`, map[string]any{"id": sub.SubmitAccessRequest.ID}), "NOT_FOUND")

	r := admin.Do(`mutation($id:ID!){ approveAccessRequest(id:$id){ id status } }`, map[string]any{"id": sub.SubmitAccessRequest.ID})
	requireCode(t, r, "CONFLICT")
	require.Contains(t, r.Errors[0].Message, "demo.test is ERROR")
	require.Contains(t, r.Errors[0].Message, *src.LastError)
	r = admin.Do(hdCreate, map[string]any{"in": map[string]any{"clientId": acme, "platform": "META_ADS", "type": "MANAGED_GWS", "displayName": "Acme Meta"}})
	requireCode(t, r, "CONFLICT")
	require.Contains(t, r.Errors[0].Message, "demo.test is ERROR")
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM identities WHERE type = 'MANAGED_GWS'`))

	// Connected again, the same request is approved and the warning is gone.
	admin.Do(hdConfigure, map[string]any{"in": map[string]any{"domain": "demo.test", "customerId": "C0demo",
		"adminSubject": "admin@demo.test"}}).Decode(t, &cfg)
	require.Equal(t, "CONNECTED", hdWaitState(t, admin).State)
	admin.Do(`query($id:ID!){ accessRequest(id:$id){ sourceWarning } }`, map[string]any{"id": sub.SubmitAccessRequest.ID}).Decode(t, &seen)
	require.Nil(t, seen.AccessRequest.SourceWarning)
	var ok struct {
		ApproveAccessRequest struct{ Status string }
	}
	admin.Do(`mutation($id:ID!){ approveAccessRequest(id:$id){ status } }`, map[string]any{"id": sub.SubmitAccessRequest.ID}).Decode(t, &ok)
	require.Equal(t, "APPROVED", ok.ApproveAccessRequest.Status)

	// Issue 9 item 4: a deleted identity's platform status says it is gone.
	ext := vCreate(t, admin, map[string]any{"clientId": acme, "platform": "META_ADS", "type": "EXTERNAL_LOGIN", "username": "u", "password": "p-Pa55word"})
	const statuses = `query($id:ID!){ identity(id:$id){ provisioningState providerStatuses { provider status } } }`
	type st struct {
		Identity struct {
			ProvisioningState string
			ProviderStatuses  []struct{ Provider, Status string }
		}
	}
	admin.Do(`mutation($id:ID!){ deleteIdentity(id:$id){ id } }`, map[string]any{"id": ext.ID}).Decode(t, &struct{}{})
	var got st
	e2e.Eventually(t, 20*time.Second, func() bool {
		admin.Do(statuses, map[string]any{"id": ext.ID}).Decode(t, &got)
		return got.Identity.ProvisioningState == "DELETED"
	}, "identity deleted")
	require.Len(t, got.Identity.ProviderStatuses, 1)
	require.Equal(t, "REMOVED", got.Identity.ProviderStatuses[0].Status)
}
