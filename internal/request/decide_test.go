package request_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/page"
	"github.com/accesshive/accesshive/internal/request"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/vault"
)

func TestApproveWithCredentials(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	r := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	admin := b.actor(t, "admin@demo.test")

	got, err := b.svc.Approve(ctx, admin, r.ID, ptr("  Welcome aboard  "), &request.Credentials{Username: "acme-meta", Password: "s3cret-pw!"})
	require.NoError(t, err)
	require.Equal(t, request.StatusProvisioned, got.Status)
	require.Equal(t, "Welcome aboard", *got.Reason)
	require.Equal(t, admin.UserID, *got.DecidedBy)
	require.NotNil(t, got.DecidedAt)
	require.NotNil(t, got.IdentityID)
	require.Equal(t, identity.StateProvisioned, *got.IdentityState)

	ident, err := b.idents.Get(ctx, admin, *got.IdentityID)
	require.NoError(t, err)
	require.Equal(t, "ACCESS_REQUEST", ident.Origin)
	require.Equal(t, r.ID, *ident.OriginRequestID)
	require.Equal(t, identity.ScopeClient, ident.Scope)
	require.Equal(t, b.seed.Acme.ID, *ident.ClientID)
	require.Equal(t, "META_ADS", ident.Platform())
	require.Equal(t, identity.TypeExternalLogin, ident.Type)
	require.Equal(t, identity.StateProvisioned, ident.State)
	require.Equal(t, "Acme Meta Ads", ident.DisplayName)
	pt, err := b.idents.Vault().Get(ctx, b.db, b.seed.Demo.ID, ident.ID, vault.PurposeCredentials)
	require.NoError(t, err)
	var creds identity.Credentials
	require.NoError(t, json.Unmarshal(pt, &creds))
	require.Equal(t, "acme-meta", creds.Username)

	alice := b.user(t, "alice@acme.test")
	approved := b.notes(t, alice, request.NoteApproved)
	require.Len(t, approved, 1)
	require.Equal(t, "Your access request for Meta Ads was approved", approved[0].Title)
	require.Contains(t, approved[0].Body, "> Welcome aboard")
	require.Contains(t, approved[0].Body, "Adam Admin")
	ready := b.notes(t, alice, request.NoteProvisioned)
	require.Len(t, ready, 1)
	require.Contains(t, ready[0].Title, "access is ready")

	require.Equal(t, []string{"PENDING", "PROVISIONED"}, requestStatuses(t, b.events, r.ID))
	require.Equal(t, 1, b.count(t, "audit_events", "kind = ? AND target_id = ?", request.KindApproved, r.ID))
	for _, e := range b.events.Of(event.TopicAccessRequestUpdated) {
		require.NotContains(t, string(e.Data), "s3cret-pw!")
	}
	var auditData []string
	require.NoError(t, b.db.NewSelect().Table("audit_events").Comment(tenant.AllAgencies("test inspects rows")).Column("data").Scan(ctx, &auditData))
	for _, d := range auditData {
		require.NotContains(t, d, "s3cret-pw!")
	}

	// Deciding again is a conflict naming the status.
	_, err = b.svc.Approve(ctx, admin, r.ID, nil, nil)
	fe := requireFault(t, err, fault.CodeConflict, r.ID.String())
	require.Contains(t, fe.Message, "PROVISIONED")
	_, err = b.svc.Reject(ctx, admin, r.ID, nil)
	requireFault(t, err, fault.CodeConflict, r.ID.String())
}

func TestApproveBadCredentialsChangesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	r := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	admin := b.actor(t, "admin@demo.test")
	_, err := b.svc.Approve(ctx, admin, r.ID, nil, &request.Credentials{Username: "only-a-username"})
	requireFault(t, err, fault.CodeBadUserInput, "password")
	_, err = b.svc.Approve(ctx, admin, r.ID, ptr(strings.Repeat("r", 1001)), nil)
	requireFault(t, err, fault.CodeBadUserInput, "reason")

	m := b.submit(t, "alice@acme.test", "GA4", identity.TypeManagedGWS)
	_, err = b.svc.Approve(ctx, admin, m.ID, nil, &request.Credentials{Password: "x"})
	requireFault(t, err, fault.CodeBadUserInput, "credentials")

	for _, id := range []uuid.UUID{r.ID, m.ID} {
		got, err := b.svc.Get(ctx, admin, id)
		require.NoError(t, err)
		require.Equal(t, request.StatusPending, got.Status)
	}
	require.Equal(t, 0, b.count(t, "identities", "TRUE"))
	require.Empty(t, b.notes(t, b.user(t, "alice@acme.test"), request.NoteApproved))
}

func TestApproveWhenAnIdentityAppeared(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	r := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	admin := b.actor(t, "admin@demo.test")
	// Meanwhile an admin creates Acme's Meta Ads identity by hand.
	ident, err := b.idents.Create(ctx, admin, identity.CreateInput{ClientID: &b.seed.Acme.ID, Platform: "META_ADS", Type: identity.TypeExternalLogin, Username: "u", Password: "p-123456"})
	require.NoError(t, err)

	_, err = b.svc.Approve(ctx, admin, r.ID, nil, &request.Credentials{Username: "u2", Password: "p-654321"})
	requireFault(t, err, fault.CodeConflict, ident.ID.String())
	got, err := b.svc.Get(ctx, admin, r.ID)
	require.NoError(t, err)
	require.Equal(t, request.StatusPending, got.Status, "the admin can still reject it")
	require.Equal(t, 1, b.count(t, "identities", "TRUE"))
	_, err = b.svc.Reject(ctx, admin, r.ID, ptr("Acme already has a Meta Ads login."))
	require.NoError(t, err)
}

func TestApproveWithoutCredentialsWaitsForThem(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	r := b.submit(t, "alice@acme.test", "GOOGLE_ADS", identity.TypeAPIToken)
	admin := b.actor(t, "admin@demo.test")

	got, err := b.svc.Approve(ctx, admin, r.ID, nil, nil)
	require.NoError(t, err)
	require.Equal(t, request.StatusApproved, got.Status)
	require.Equal(t, identity.StatePending, *got.IdentityState)
	approved := b.notes(t, b.user(t, "alice@acme.test"), request.NoteApproved)
	require.Len(t, approved, 1)
	require.Contains(t, approved[0].Body, "No reason was given.")
	require.Contains(t, approved[0].Body, "you will be notified when access is ready")

	ident, err := b.idents.Get(ctx, admin, *got.IdentityID)
	require.NoError(t, err)
	require.Equal(t, identity.StatePending, ident.State)
	require.Equal(t, "ACCESS_REQUEST", ident.Origin)
	_, err = b.idents.Vault().Get(ctx, b.db, b.seed.Demo.ID, ident.ID, vault.PurposeCredentials)
	require.ErrorIs(t, err, vault.ErrNoSecret)

	// Nothing to follow yet.
	synced, err := b.svc.Get(ctx, admin, r.ID)
	require.NoError(t, err)
	require.Equal(t, request.StatusApproved, synced.Status)

	// The admin gives the token later: the request follows its identity in the same transaction.
	_, err = b.idents.UpdateCredentials(ctx, admin, ident.ID, identity.CredentialsInput{Token: ptr("tok-123")}, false)
	require.NoError(t, err)
	synced, err = b.svc.Get(ctx, admin, r.ID)
	require.NoError(t, err)
	require.Equal(t, request.StatusProvisioned, synced.Status)
	require.Len(t, b.notes(t, b.user(t, "alice@acme.test"), request.NoteProvisioned), 1)
}

func TestApproveManagedGWSThenProvisioned(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	r := b.submit(t, "alice@acme.test", "GA4", identity.TypeManagedGWS)
	owner := b.actor(t, "owner@demo.test")

	got, err := b.svc.Approve(ctx, owner, r.ID, nil, nil)
	require.NoError(t, err)
	require.Equal(t, request.StatusApproved, got.Status)
	require.Equal(t, identity.StatePending, *got.IdentityState)
	identID := *got.IdentityID
	ident, err := b.idents.Get(ctx, owner, identID)
	require.NoError(t, err)
	require.Equal(t, "acme-ga4@demo.test", *ident.Email)
	require.Equal(t, "ACCESS_REQUEST", ident.Origin)

	// The GWS provisioning job was enqueued in the approval's transaction.
	jobs, err := job.List(ctx, b.db, b.seed.Demo.ID, job.TypeProvisionIdentity, 10)
	require.NoError(t, err)
	require.Len(t, jobs, 1)
	require.JSONEq(t, `{"identityId":"`+identID.String()+`"}`, string(jobs[0].Input))
	require.Empty(t, b.notes(t, b.user(t, "alice@acme.test"), request.NoteProvisioned))

	// The provisioning handler moves the identity on; the request follows in its transaction.
	require.NoError(t, db.InTx(ctx, b.db, func(ctx context.Context, tx bun.Tx) error {
		if _, err := b.idents.Transition(ctx, tx, b.seed.Demo.ID, identID, identity.StateProvisioning, ""); err != nil {
			return err
		}
		_, err := b.idents.Transition(ctx, tx, b.seed.Demo.ID, identID, identity.StateProvisioned, "")
		return err
	}))
	synced, err := b.svc.Get(ctx, owner, r.ID)
	require.NoError(t, err)
	require.Equal(t, request.StatusProvisioned, synced.Status)
	require.Equal(t, identity.StateProvisioned, *synced.IdentityState)
	ready := b.notes(t, b.user(t, "alice@acme.test"), request.NoteProvisioned)
	require.Len(t, ready, 1)
	require.Equal(t, "Your Google Analytics 4 access is ready", ready[0].Title)

	// Following the identity again (a retried job) changes and sends nothing.
	ident, err = b.idents.Get(ctx, owner, identID)
	require.NoError(t, err)
	require.NoError(t, b.svc.FollowIdentity(ctx, b.db, ident))
	synced, err = b.svc.Get(ctx, owner, r.ID)
	require.NoError(t, err)
	require.Equal(t, request.StatusProvisioned, synced.Status)
	require.Len(t, b.notes(t, b.user(t, "alice@acme.test"), request.NoteProvisioned), 1)
	require.Equal(t, []string{"PENDING", "APPROVED", "PROVISIONED"}, requestStatuses(t, b.events, r.ID))

	// An identity no request created is not an error.
	ident.ID = uuid.New()
	require.NoError(t, b.svc.FollowIdentity(ctx, b.db, ident))
}

func TestProvisioningFailureShowsOnRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	r := b.submit(t, "alice@acme.test", "GA4", identity.TypeManagedGWS)
	got, err := b.svc.Approve(ctx, b.actor(t, "admin@demo.test"), r.ID, nil, nil)
	require.NoError(t, err)
	identID := *got.IdentityID
	require.NoError(t, db.InTx(ctx, b.db, func(ctx context.Context, tx bun.Tx) error {
		if _, err := b.idents.Transition(ctx, tx, b.seed.Demo.ID, identID, identity.StateProvisioning, ""); err != nil {
			return err
		}
		_, err := b.idents.Transition(ctx, tx, b.seed.Demo.ID, identID, identity.StateFailed, "directory said no")
		return err
	}))
	synced, err := b.svc.Get(ctx, b.actor(t, "admin@demo.test"), r.ID)
	require.NoError(t, err)
	require.Equal(t, request.StatusApproved, synced.Status)

	seen, err := b.svc.Get(ctx, b.actor(t, "alice@acme.test"), r.ID)
	require.NoError(t, err)
	require.Equal(t, request.StatusApproved, seen.Status)
	require.Equal(t, identID, *seen.IdentityID)
	require.Equal(t, identity.StateFailed, *seen.IdentityState)
	require.Equal(t, "directory said no", seen.IdentityLastError)
	require.Empty(t, b.notes(t, b.user(t, "alice@acme.test"), request.NoteProvisioned))
}

func TestIdentityDeletedBeforeProvisioningWithdrawsRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	admin := b.actor(t, "admin@demo.test")
	r := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	got, err := b.svc.Approve(ctx, admin, r.ID, nil, nil)
	require.NoError(t, err)
	require.Equal(t, request.StatusApproved, got.Status)

	_, err = b.idents.Delete(ctx, admin, *got.IdentityID)
	require.NoError(t, err)
	synced, err := b.svc.Get(ctx, admin, r.ID)
	require.NoError(t, err)
	require.Equal(t, request.StatusRejected, synced.Status)
	require.Contains(t, *synced.Reason, "deleted before it was provisioned")
	require.Len(t, b.notes(t, b.user(t, "alice@acme.test"), request.NoteRejected), 1)

	// While the identity is being removed it still blocks; once DELETED the client may ask again.
	_, err = b.svc.Submit(ctx, b.actor(t, "alice@acme.test"), request.SubmitInput{Platform: "META_ADS", IdentityType: identity.TypeExternalLogin, Justification: "x"})
	requireFault(t, err, fault.CodeConflict, got.IdentityID.String())
	_, err = b.idents.Deprovision(ctx, b.seed.Demo.ID, *got.IdentityID)
	require.NoError(t, err)
	b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
}

func TestReject(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	r := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	owner := b.actor(t, "owner@demo.test")

	got, err := b.svc.Reject(ctx, owner, r.ID, ptr("Use the agency login instead."))
	require.NoError(t, err)
	require.Equal(t, request.StatusRejected, got.Status)
	require.Equal(t, "Use the agency login instead.", *got.Reason)
	require.Equal(t, owner.UserID, *got.DecidedBy)
	require.Nil(t, got.IdentityID)
	ns := b.notes(t, b.user(t, "alice@acme.test"), request.NoteRejected)
	require.Len(t, ns, 1)
	require.Equal(t, "Your access request for Meta Ads was rejected", ns[0].Title)
	require.Contains(t, ns[0].Body, "> Use the agency login instead.")
	require.Equal(t, 0, b.count(t, "identities", "TRUE"))
	require.Equal(t, 1, b.count(t, "audit_events", "kind = ? AND target_id = ?", request.KindRejected, r.ID))
	require.Equal(t, []string{"PENDING", "REJECTED"}, requestStatuses(t, b.events, r.ID))

	_, err = b.svc.Approve(ctx, owner, r.ID, nil, &request.Credentials{Username: "u", Password: "p"})
	fe := requireFault(t, err, fault.CodeConflict, r.ID.String())
	require.Contains(t, fe.Message, "REJECTED")
	_, err = b.svc.Reject(ctx, owner, r.ID, nil)
	requireFault(t, err, fault.CodeConflict, r.ID.String())
	_, err = b.svc.Reject(ctx, owner, uuid.New(), nil)
	requireFault(t, err, fault.CodeNotFound, "")
}

func TestConcurrentApprovalsOneWins(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, typ := range []identity.Type{identity.TypeExternalLogin, identity.TypeManagedGWS} {
		platform := map[identity.Type]string{identity.TypeExternalLogin: "META_ADS", identity.TypeManagedGWS: "GA4"}[typ]
		r := b.submit(t, "alice@acme.test", platform, typ)
		var creds *request.Credentials
		if typ == identity.TypeExternalLogin {
			creds = &request.Credentials{Username: "u", Password: "p-123456"}
		}
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			wins int
			errs []error
		)
		start := make(chan struct{})
		for _, email := range []string{"owner@demo.test", "admin@demo.test"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := b.svc.Approve(context.Background(), b.actor(t, email), r.ID, nil, creds)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					wins++
				} else {
					errs = append(errs, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		require.Equal(t, 1, wins, typ)
		require.Len(t, errs, 1)
		requireFault(t, errs[0], fault.CodeConflict, r.ID.String())
		require.Equal(t, 1, b.count(t, "identities", "origin_request_id = ?", r.ID))
		require.Len(t, b.notes(t, b.user(t, "alice@acme.test"), request.NoteApproved), map[identity.Type]int{identity.TypeExternalLogin: 1, identity.TypeManagedGWS: 2}[typ])
	}
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	r := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	for _, email := range []string{"owner@demo.test", "admin@demo.test", "member@demo.test", "owner@rival.test"} {
		_, err := b.svc.Submit(ctx, b.actor(t, email), request.SubmitInput{Platform: "GA4", IdentityType: identity.TypeManagedGWS, Justification: "x"})
		requireFault(t, err, fault.CodeForbidden, "")
	}
	for _, email := range []string{"member@demo.test", "alice@acme.test", "bob@globex.test"} {
		_, err := b.svc.Approve(ctx, b.actor(t, email), r.ID, nil, nil)
		requireFault(t, err, fault.CodeForbidden, "")
		_, err = b.svc.Reject(ctx, b.actor(t, email), r.ID, nil)
		requireFault(t, err, fault.CodeForbidden, "")
	}
	got, err := b.svc.Get(ctx, b.actor(t, "member@demo.test"), r.ID)
	require.NoError(t, err, "members read requests")
	require.Equal(t, request.StatusPending, got.Status)
}

func TestTenancy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	r := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	rival := b.actor(t, "owner@rival.test")
	bob := b.actor(t, "bob@globex.test")

	for _, a := range []struct {
		email string
	}{{"owner@rival.test"}, {"bob@globex.test"}} {
		_, err := b.svc.Get(ctx, b.actor(t, a.email), r.ID)
		requireFault(t, err, fault.CodeNotFound, "")
		_, err = b.svc.List(ctx, b.actor(t, a.email), &b.seed.Acme.ID, nil, page.Args{})
		requireFault(t, err, fault.CodeNotFound, "")
		all, err := b.svc.List(ctx, b.actor(t, a.email), nil, nil, page.Args{})
		require.NoError(t, err)
		require.Empty(t, all.Items)
		require.Zero(t, all.TotalCount)
	}
	_, err := b.svc.Approve(ctx, rival, r.ID, nil, &request.Credentials{Username: "u", Password: "p"})
	requireFault(t, err, fault.CodeNotFound, "")
	_, err = b.svc.Reject(ctx, rival, r.ID, ptr("mine now"))
	requireFault(t, err, fault.CodeNotFound, "")
	// Bob is a client user: deciding is refused by role before any lookup.
	_, err = b.svc.Approve(ctx, bob, r.ID, nil, nil)
	requireFault(t, err, fault.CodeForbidden, "")

	got, err := b.svc.Get(ctx, b.actor(t, "alice@acme.test"), r.ID)
	require.NoError(t, err)
	require.Equal(t, request.StatusPending, got.Status)
	// Rival's templates and settings are its own.
	_, err = b.svc.CreateRoleTemplate(ctx, b.actor(t, "admin@demo.test"), request.RoleTemplateInput{Name: "Meta", Platform: "META_ADS", IdentityType: identity.TypeExternalLogin})
	require.NoError(t, err)
	ts, err := b.svc.RoleTemplates(ctx, rival)
	require.NoError(t, err)
	require.Empty(t, ts)
}
