package request_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/notify"
	"github.com/accesshive/accesshive/internal/page"
	"github.com/accesshive/accesshive/internal/request"
	"github.com/accesshive/accesshive/internal/tenant"
)

func TestSubmitNotifiesOwnerAndAdmin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice := b.actor(t, "alice@acme.test")

	r, err := b.svc.Submit(ctx, alice, request.SubmitInput{Platform: "META_ADS", IdentityType: identity.TypeExternalLogin, Justification: "  We run Acme's Q3 campaigns.  "})
	require.NoError(t, err)
	require.Equal(t, request.StatusPending, r.Status)
	require.Equal(t, b.seed.Acme.ID, r.ClientID)
	require.Equal(t, alice.UserID, r.RequesterID)
	require.Equal(t, "Alice Acme", r.RequesterName)
	require.Equal(t, "Meta Ads", r.PlatformName)
	require.Equal(t, "We run Acme's Q3 campaigns.", r.Justification)
	require.WithinDuration(t, b.clock.Now().Add(168*time.Hour), r.ExpiresAt, time.Millisecond)
	require.Nil(t, r.IdentityID)
	require.Nil(t, r.DecidedAt)

	for _, email := range []string{"owner@demo.test", "admin@demo.test"} {
		ns := b.notes(t, b.user(t, email), request.NoteSubmitted)
		require.Len(t, ns, 1, email)
		require.Equal(t, "New access request from Alice Acme", ns[0].Title)
		require.Contains(t, ns[0].Body, "We run Acme's Q3 campaigns.")
		require.Equal(t, r.ID.String(), ns[0].Data["accessRequestId"])
	}
	require.Empty(t, b.notes(t, b.user(t, "member@demo.test"), request.NoteSubmitted), "members do not decide")
	require.Empty(t, b.notes(t, b.user(t, "owner@rival.test"), request.NoteSubmitted))

	// One SEND_NOTIFICATION job per notification, committed with it, holding only the id.
	jobs, err := job.List(ctx, b.db, b.seed.Demo.ID, job.TypeSendNotification, 10)
	require.NoError(t, err)
	require.Len(t, jobs, 2)
	var noteIDs []uuid.UUID
	require.NoError(t, b.db.NewSelect().Table("notifications").Comment(tenant.AllAgencies("test inspects rows")).Column("id").Where("kind = ?", request.NoteSubmitted).Scan(ctx, &noteIDs))
	for _, j := range jobs {
		require.Equal(t, job.StatusQueued, j.Status)
		var in notify.SendInput
		require.NoError(t, json.Unmarshal(j.Input, &in))
		require.Contains(t, noteIDs, in.NotificationID)
		require.NotContains(t, string(j.Input), "campaigns")
	}
	require.Equal(t, 2, b.count(t, "outbox", "task_type = ?", job.TypeSendNotification))

	// Published after commit: the request on its client's key, the notifications on the users'.
	evs := b.events.Of(event.TopicAccessRequestUpdated)
	require.Len(t, evs, 1)
	require.Equal(t, b.seed.Acme.ID.String(), evs[0].Key)
	require.Equal(t, b.seed.Demo.ID, evs[0].AgencyID)
	require.Equal(t, []string{"PENDING"}, requestStatuses(t, b.events, r.ID))
	var keys []string
	for _, e := range b.events.Of(event.TopicNotificationAdded) {
		keys = append(keys, e.Key)
	}
	require.ElementsMatch(t, []string{b.user(t, "owner@demo.test").String(), b.user(t, "admin@demo.test").String()}, keys)

	require.Equal(t, 1, b.count(t, "audit_events", "kind = ? AND target_id = ?", request.KindSubmitted, r.ID))
}

func TestSubmitValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	owner := b.actor(t, "owner@demo.test")
	tpl, err := b.svc.CreateRoleTemplate(ctx, owner, request.RoleTemplateInput{Name: "GA4 read", Platform: "GA4", IdentityType: identity.TypeManagedGWS})
	require.NoError(t, err)

	for _, tt := range []struct {
		name  string
		in    request.SubmitInput
		field string
	}{
		{"no platform", request.SubmitInput{IdentityType: identity.TypeExternalLogin, Justification: "x"}, "platform"},
		{"no type", request.SubmitInput{Platform: "META_ADS", Justification: "x"}, "identityType"},
		{"unknown type", request.SubmitInput{Platform: "META_ADS", IdentityType: "ROOT", Justification: "x"}, "identityType"},
		{"no justification", request.SubmitInput{Platform: "META_ADS", IdentityType: identity.TypeExternalLogin, Justification: "   "}, "justification"},
		{"long justification", request.SubmitInput{Platform: "META_ADS", IdentityType: identity.TypeExternalLogin, Justification: strings.Repeat("é", 2001)}, "justification"},
		{"unknown platform", request.SubmitInput{Platform: "MYSPACE", IdentityType: identity.TypeExternalLogin, Justification: "x"}, "platform"},
		{"unknown template", request.SubmitInput{RoleTemplateID: ptr(uuid.New()), Justification: "x"}, "roleTemplateId"},
		{"template platform mismatch", request.SubmitInput{RoleTemplateID: &tpl.ID, Platform: "META_ADS", Justification: "x"}, "platform"},
		{"template type mismatch", request.SubmitInput{RoleTemplateID: &tpl.ID, IdentityType: identity.TypeAPIToken, Justification: "x"}, "identityType"},
		{"template without justification", request.SubmitInput{RoleTemplateID: &tpl.ID}, "justification"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.svc.Submit(ctx, b.actor(t, "alice@acme.test"), tt.in)
			requireFault(t, err, fault.CodeBadUserInput, tt.field)
		})
	}
	// Exactly 2000 characters is fine.
	_, err = b.svc.Submit(ctx, b.actor(t, "alice@acme.test"), request.SubmitInput{Platform: "META_ADS", IdentityType: identity.TypeExternalLogin, Justification: strings.Repeat("é", 2000)})
	require.NoError(t, err)
	require.Equal(t, 1, b.count(t, "access_requests", "TRUE"))
}

func TestSubmitNeedsOperationalPlatform(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	for _, p := range []string{"TIKTOK_ADS", "LINKEDIN_ADS"} { // PENDING; not connected
		_, err := b.svc.Submit(ctx, b.actor(t, "alice@acme.test"), request.SubmitInput{Platform: p, IdentityType: identity.TypeExternalLogin, Justification: "x"})
		fe := requireFault(t, err, fault.CodeBadUserInput, "platform")
		require.Contains(t, fe.Message, "OPERATIONAL")
	}
	require.Equal(t, 0, b.count(t, "access_requests", "TRUE"))
}

func TestSubmitConflicts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	first := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)

	// An open request for the same client + platform, whatever the type.
	_, err := b.svc.Submit(ctx, b.actor(t, "alice@acme.test"), request.SubmitInput{Platform: "META_ADS", IdentityType: identity.TypeAPIToken, Justification: "again"})
	fe := requireFault(t, err, fault.CodeConflict, first.ID.String())
	require.Contains(t, fe.Message, "PENDING")
	// Another platform, or another client on the same platform, is fine.
	b.submit(t, "alice@acme.test", "GOOGLE_ADS", identity.TypeExternalLogin)
	b.submit(t, "bob@globex.test", "META_ADS", identity.TypeExternalLogin)

	// A decided request no longer blocks.
	_, err = b.svc.Reject(ctx, b.actor(t, "admin@demo.test"), first.ID, nil)
	require.NoError(t, err)
	again := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	require.NotEqual(t, first.ID, again.ID)

	// A live client-dedicated identity blocks, named in the error.
	ident, err := b.idents.Create(ctx, b.actor(t, "admin@demo.test"), identity.CreateInput{
		ClientID: &b.seed.Globex.ID, Platform: "GA4", Type: identity.TypeExternalLogin, Username: "globex-ga4", Password: "pw-123456",
	})
	require.NoError(t, err)
	_, err = b.svc.Submit(ctx, b.actor(t, "bob@globex.test"), request.SubmitInput{Platform: "GA4", IdentityType: identity.TypeExternalLogin, Justification: "x"})
	fe = requireFault(t, err, fault.CodeConflict, ident.ID.String())
	require.Contains(t, fe.Message, "live GA4 identity")
}

func TestSubmitConcurrentOneWins(t *testing.T) {
	t.Parallel()
	b := setup(t)
	alice := b.actor(t, "alice@acme.test")
	const n = 6
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		ok   []*request.Request
		errs []error
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := b.svc.Submit(context.Background(), alice, request.SubmitInput{Platform: "GA4", IdentityType: identity.TypeManagedGWS, Justification: "x"})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			ok = append(ok, r)
		}()
	}
	wg.Wait()
	require.Len(t, ok, 1)
	require.Len(t, errs, n-1)
	for _, err := range errs {
		requireFault(t, err, fault.CodeConflict, ok[0].ID.String())
	}
	require.Equal(t, 1, b.count(t, "access_requests", "TRUE"))
}

func TestListAndGet(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	a1 := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	b.clock.Advance(time.Second)
	a2 := b.submit(t, "alice@acme.test", "GOOGLE_ADS", identity.TypeAPIToken)
	b.clock.Advance(time.Second)
	a3 := b.submit(t, "alice@acme.test", "GA4", identity.TypeManagedGWS)
	b.clock.Advance(time.Second)
	g1 := b.submit(t, "bob@globex.test", "META_ADS", identity.TypeExternalLogin)
	_, err := b.svc.Reject(ctx, b.actor(t, "owner@demo.test"), a2.ID, ptr("not now"))
	require.NoError(t, err)

	ids := func(res page.Result[request.Request]) []uuid.UUID {
		var out []uuid.UUID
		for _, r := range res.Items {
			out = append(out, r.ID)
		}
		return out
	}
	member := b.actor(t, "member@demo.test")
	all, err := b.svc.List(ctx, member, nil, nil, page.Args{})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{a1.ID, a2.ID, a3.ID, g1.ID}, ids(all))
	require.Equal(t, 4, all.TotalCount)
	require.Equal(t, "Bob Globex", all.Items[3].RequesterName)
	require.Equal(t, "Globex", all.Items[3].ClientName)

	acme, err := b.svc.List(ctx, member, &b.seed.Acme.ID, nil, page.Args{})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{a1.ID, a2.ID, a3.ID}, ids(acme))

	pending, err := b.svc.List(ctx, member, &b.seed.Acme.ID, ptr(request.StatusPending), page.Args{})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{a1.ID, a3.ID}, ids(pending))

	p1, err := b.svc.List(ctx, member, nil, nil, page.Args{First: 2})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{a1.ID, a2.ID}, ids(p1))
	require.True(t, p1.HasNextPage)
	p2, err := b.svc.List(ctx, member, nil, nil, page.Args{First: 2, After: p1.Cursors[1]})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{a3.ID, g1.ID}, ids(p2))
	require.False(t, p2.HasNextPage)

	_, err = b.svc.List(ctx, member, nil, ptr(request.Status("BOGUS")), page.Args{})
	requireFault(t, err, fault.CodeBadUserInput, "status")

	// A client user sees its own client's requests only.
	bobList, err := b.svc.List(ctx, b.actor(t, "bob@globex.test"), nil, nil, page.Args{})
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{g1.ID}, ids(bobList))

	got, err := b.svc.Get(ctx, b.actor(t, "alice@acme.test"), a2.ID)
	require.NoError(t, err)
	require.Equal(t, request.StatusRejected, got.Status)
	require.Equal(t, "not now", *got.Reason)
	require.Equal(t, "Alice Acme", got.RequesterName)
	require.Equal(t, "GOOGLE_ADS", got.PlatformKey)
	require.Equal(t, identity.TypeAPIToken, got.IdentityType)
	require.Equal(t, "we run the campaigns", got.Justification)
	require.NotNil(t, got.DecidedAt)
	require.Equal(t, b.user(t, "owner@demo.test"), *got.DecidedBy)
}
