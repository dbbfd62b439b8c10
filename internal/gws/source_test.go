package gws_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/vault"
)

func TestConfigureSourceValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key, privatePEM := serviceAccountJSON(t, "")
	secret := pemBody(privatePEM)
	valid := func() gws.SourceInput {
		return gws.SourceInput{Domain: "rival.test", CustomerID: "C0rival", AdminSubject: "admin@rival.test",
			ServiceAccountKeyJSON: key, ManagedOU: "/AccessHive"}
	}
	wrongType := func() string {
		var m map[string]string
		require.NoError(t, json.Unmarshal([]byte(key), &m))
		m["type"] = "authorized_user"
		raw, _ := json.Marshal(m)
		return string(raw)
	}
	noPrivate := func() string {
		var m map[string]string
		require.NoError(t, json.Unmarshal([]byte(key), &m))
		m["private_key"] = "not a pem " + secret
		raw, _ := json.Marshal(m)
		return string(raw)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*gws.SourceInput)
		field string
	}{
		{"no domain", func(in *gws.SourceInput) { in.Domain = " " }, "domain"},
		{"bad domain", func(in *gws.SourceInput) { in.Domain = "not a domain" }, "domain"},
		{"single label domain", func(in *gws.SourceInput) { in.Domain = "localhost" }, "domain"},
		{"no customer", func(in *gws.SourceInput) { in.CustomerID = "" }, "customerId"},
		{"bad customer", func(in *gws.SourceInput) { in.CustomerID = "x'; DROP" }, "customerId"},
		{"no admin", func(in *gws.SourceInput) { in.AdminSubject = "" }, "adminSubject"},
		{"bad admin", func(in *gws.SourceInput) { in.AdminSubject = "admin at rival" }, "adminSubject"},
		{"relative ou", func(in *gws.SourceInput) { in.ManagedOU = "AccessHive" }, "managedOu"},
		{"root ou", func(in *gws.SourceInput) { in.ManagedOU = "/" }, "managedOu"},
		{"empty segment", func(in *gws.SourceInput) { in.ManagedOU = "/a//b" }, "managedOu"},
		{"no key", func(in *gws.SourceInput) { in.ServiceAccountKeyJSON = "" }, "serviceAccountKey"},
		{"key not json", func(in *gws.SourceInput) { in.ServiceAccountKeyJSON = "{" + secret }, "serviceAccountKey"},
		{"key of a user", func(in *gws.SourceInput) { in.ServiceAccountKeyJSON = wrongType() }, "serviceAccountKey"},
		{"key naming another token endpoint", func(in *gws.SourceInput) {
			in.ServiceAccountKeyJSON, _ = serviceAccountJSON(t, "http://127.0.0.1:9/token")
		}, "serviceAccountKey"},
		{"key without pem", func(in *gws.SourceInput) { in.ServiceAccountKeyJSON = noPrivate() }, "serviceAccountKey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := valid()
			tc.edit(&in)
			_, err := e.svc.ConfigureSource(t.Context(), e.rival, in)
			fe, ok := fault.As(err)
			require.True(t, ok, "%v", err)
			require.Equal(t, fault.CodeBadUserInput, fe.Code)
			require.Equal(t, tc.field, fe.Field, fe.Message)
			require.NotContains(t, err.Error(), secret, "an error quotes the key")
		})
	}

	_, err := e.svc.ConfigureSource(t.Context(), e.member, valid())
	require.ErrorIs(t, err, fault.ErrForbidden)

	// The default OU, and a trailing slash trimmed.
	in := valid()
	in.ManagedOU = ""
	src, err := e.svc.ConfigureSource(t.Context(), e.rival, in)
	require.NoError(t, err)
	require.Equal(t, gws.DefaultManagedOU, src.ManagedOU)
	in.ManagedOU = "/Managed/Clients/"
	in.ServiceAccountKeyJSON = "" // kept
	src, err = e.svc.ConfigureSource(t.Context(), e.rival, in)
	require.NoError(t, err)
	require.Equal(t, "/Managed/Clients", src.ManagedOU)
	require.True(t, src.KeyConfigured)
}

func TestConfigureSourceKeepsKeySecret(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key, privatePEM := serviceAccountJSON(t, "")
	secret := pemBody(privatePEM)

	src, err := e.svc.ConfigureSource(t.Context(), e.rival, gws.SourceInput{
		Domain: "Rival.Test", CustomerID: "C0rival", AdminSubject: "Admin@Rival.test", ServiceAccountKeyJSON: key,
	})
	require.NoError(t, err)
	require.Equal(t, "rival.test", src.Domain)
	require.Equal(t, "admin@rival.test", src.AdminSubject)
	require.Equal(t, gws.SourceChecking, src.State)
	require.True(t, src.KeyConfigured)
	require.Equal(t, "provisioner@accesshive-test.iam.gserviceaccount.com", src.ServiceAccountEmail)
	require.Empty(t, src.Endpoint)

	sealed, err := e.vault.Get(t.Context(), e.db, e.rival.AgencyID, src.ID, vault.PurposeServiceAccountKey)
	require.NoError(t, err)
	require.Equal(t, key, string(sealed))
	var raw []string
	require.NoError(t, e.db.NewSelect().Table("secrets").ColumnExpr("encode(ciphertext, 'escape')").
		Comment(tenant.AllAgencies("test: the key is in no secret of any agency")).Scan(t.Context(), &raw))
	for _, r := range raw {
		require.NotContains(t, r, secret, "the key is stored sealed")
	}

	list, err := e.svc.ListSources(t.Context(), e.rival)
	require.NoError(t, err)
	require.Len(t, list, 1)
	out, err := json.Marshal(list)
	require.NoError(t, err)
	require.NotContains(t, string(out), secret)
	require.NotContains(t, string(out), "PRIVATE KEY")

	var events []audit.Event
	require.NoError(t, e.db.NewSelect().Model(&events).Where("kind = ?", gws.KindSourceConfigured).
		Comment(tenant.AllAgencies("test: every event of the kind")).Scan(t.Context()))
	require.Len(t, events, 1)
	require.NotContains(t, string(events[0].Data), secret)

	// A check job was enqueued with the configuration, carrying ids only.
	recs, err := job.List(t.Context(), e.db, e.rival.AgencyID, job.TypeCheckIdentitySource, 10)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.JSONEq(t, `{"sourceId":"`+src.ID.String()+`"}`, string(recs[0].Input))

	// Client users see no sources; members do.
	_, err = e.svc.ListSources(t.Context(), e.clientUser)
	require.ErrorIs(t, err, fault.ErrForbidden)
	mine, err := e.svc.ListSources(t.Context(), e.member)
	require.NoError(t, err)
	require.Len(t, mine, 1)
	require.Equal(t, "demo.test", mine[0].Domain)
	require.False(t, mine[0].KeyConfigured)
	_, err = e.svc.GetSource(t.Context(), e.member, src.ID)
	require.ErrorIs(t, err, fault.ErrNotFound, "another agency's source")

	// The check: the token endpoint refuses the key; the reason is stored, the key is not.
	tokenServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"unauthorized_client","error_description":"Client is unauthorized"}`))
	}))
	t.Cleanup(tokenServer.Close)
	key2, privatePEM2 := serviceAccountJSON(t, "")
	_, err = e.svc.ConfigureSource(t.Context(), e.rival, gws.SourceInput{
		Domain: "rival.test", CustomerID: "C0rival", AdminSubject: "admin@rival.test", ServiceAccountKeyJSON: key2,
	})
	require.NoError(t, err)
	recs, err = job.List(t.Context(), e.db, e.rival.AgencyID, job.TypeCheckIdentitySource, 10)
	require.NoError(t, err)
	rec, err := job.Start(t.Context(), e.db, recs[0].ID, 1)
	require.NoError(t, err)
	deps := e.deps
	deps.Dial = gws.Dialer(nil, gws.Config{HTTPClient: &http.Client{Transport: &googleAt{srv: tokenServer}}}, true)
	_, err = job.Typed(gws.NewService(deps, gws.ServiceConfig{}).HandleCheckSource)(t.Context(), rec)
	require.ErrorIs(t, err, job.ErrPermanent)
	require.NotContains(t, err.Error(), pemBody(privatePEM2))
	require.NotContains(t, err.Error(), "unauthorized", "the token endpoint's words are not the tenant's to read")
	got, err := e.svc.GetSource(t.Context(), e.rival, src.ID)
	require.NoError(t, err)
	require.Equal(t, gws.SourceError, got.State)
	require.Contains(t, got.LastError, "Google refused the service account's credentials")
	require.NotContains(t, got.LastError, "unauthorized")
	require.NotContains(t, got.LastError, pemBody(privatePEM2))
	require.NotNil(t, got.LastCheckAt)
}

func TestCheckSource(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Demo Agency's source points at the fake: no key is needed.
	src, err := e.svc.ConfigureSource(t.Context(), e.admin, gws.SourceInput{
		Domain: "demo.test", CustomerID: "C0demo", AdminSubject: "admin@demo.test",
	})
	require.NoError(t, err)
	require.Equal(t, e.sourceID, src.ID)
	require.Equal(t, e.ts.URL, src.Endpoint, "configuring never changes the endpoint")
	require.Equal(t, gws.SourceChecking, src.State)

	res, err := e.svc.CheckSource(t.Context(), e.agencyID, src.ID, false)
	require.NoError(t, err)
	require.Equal(t, gws.SourceConnected, res.State)
	got, err := e.svc.GetSource(t.Context(), e.admin, src.ID)
	require.NoError(t, err)
	require.Equal(t, gws.SourceConnected, got.State)
	require.Empty(t, got.LastError)
	require.NotNil(t, got.LastCheckAt)

	e.fake.FailNext(1, 403, "forbidden")
	_, err = e.svc.CheckSource(t.Context(), e.agencyID, src.ID, false)
	require.ErrorIs(t, err, job.ErrPermanent)
	got, err = e.svc.GetSource(t.Context(), e.admin, src.ID)
	require.NoError(t, err)
	require.Equal(t, gws.SourceError, got.State)
	require.Contains(t, got.LastError, "refused access (HTTP 403)")
	require.NotContains(t, got.LastError, "forbidden", "the directory's own words go to the logs only")

	// A transient failure changes nothing until the last attempt.
	e.fake.FailNext(100, 503, "backendError")
	_, err = e.svc.CheckSource(t.Context(), e.agencyID, src.ID, false)
	require.Error(t, err)
	require.NotErrorIs(t, err, job.ErrPermanent)
	e.fake.Reset()
	_, err = e.svc.CheckSource(t.Context(), e.agencyID, src.ID, false)
	require.NoError(t, err)

	// The domain cannot change under live managed identities.
	e.createManaged("Domain Holder")
	_, err = e.svc.ConfigureSource(t.Context(), e.admin, gws.SourceInput{
		Domain: "other.test", CustomerID: "C0demo", AdminSubject: "admin@demo.test",
	})
	fe, ok := fault.As(err)
	require.True(t, ok, "%v", err)
	require.Equal(t, "domain", fe.Field)
}
