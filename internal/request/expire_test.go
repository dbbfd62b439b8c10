package request_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/request"
)

func TestExpiryAndReminder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	_, err := agency.UpdateSettings(ctx, b.db, b.svc, b.actor(t, "owner@demo.test"), agency.SettingsInput{AccessRequestExpiryHours: ptr(1)})
	require.NoError(t, err)
	r := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	require.WithinDuration(t, b.clock.Now().Add(time.Hour), r.ExpiresAt, time.Millisecond)

	// Half-way: nothing to do.
	b.clock.Advance(30 * time.Minute)
	expired, reminded, err := b.svc.ExpireDue(ctx, uuid.Nil)
	require.NoError(t, err)
	require.Zero(t, expired)
	require.Zero(t, reminded)
	n, err := b.svc.EnqueueExpiryJobs(ctx)
	require.NoError(t, err)
	require.Zero(t, n)

	// Within a tenth of the window (6 minutes) of expiry: the owner and the admin are reminded, once.
	b.clock.Advance(25 * time.Minute)
	n, err = b.svc.EnqueueExpiryJobs(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	n, err = b.svc.EnqueueExpiryJobs(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "a job for the agency is already queued")
	jobs, err := job.List(ctx, b.db, b.seed.Demo.ID, job.TypeExpireAccessRequests, 10)
	require.NoError(t, err)
	require.Len(t, jobs, 1)
	res, err := b.svc.ExpireJob(ctx, &jobs[0])
	require.NoError(t, err)
	require.Equal(t, request.ExpiryResult{Reminded: 1}, res)
	for _, email := range []string{"owner@demo.test", "admin@demo.test"} {
		ns := b.notes(t, b.user(t, email), request.NoteExpiring)
		require.Len(t, ns, 1, email)
		require.Equal(t, "Access request from Alice Acme expires soon", ns[0].Title)
	}
	require.Empty(t, b.notes(t, b.user(t, "member@demo.test"), request.NoteExpiring))
	_, reminded, err = b.svc.ExpireDue(ctx, b.seed.Demo.ID)
	require.NoError(t, err)
	require.Zero(t, reminded, "reminded once only")
	got, err := b.svc.Get(ctx, b.actor(t, "alice@acme.test"), r.ID)
	require.NoError(t, err)
	require.Equal(t, request.StatusPending, got.Status)

	// Past the window: EXPIRED, the requester is told, the row stays.
	b.clock.Advance(6 * time.Minute)
	expired, reminded, err = b.svc.ExpireDue(ctx, b.seed.Demo.ID)
	require.NoError(t, err)
	require.Equal(t, 1, expired)
	require.Zero(t, reminded)
	got, err = b.svc.Get(ctx, b.actor(t, "alice@acme.test"), r.ID)
	require.NoError(t, err)
	require.Equal(t, request.StatusExpired, got.Status)
	require.Nil(t, got.DecidedBy)
	ns := b.notes(t, b.user(t, "alice@acme.test"), request.NoteExpired)
	require.Len(t, ns, 1)
	require.Equal(t, "Your access request for Meta Ads expired", ns[0].Title)
	require.Contains(t, ns[0].Body, "You may submit a new request.")
	require.Equal(t, []string{"PENDING", "EXPIRED"}, requestStatuses(t, b.events, r.ID))
	require.Equal(t, 1, b.count(t, "audit_events", "kind = ? AND target_id = ?", request.KindExpired, r.ID))

	expired, _, err = b.svc.ExpireDue(ctx, uuid.Nil)
	require.NoError(t, err)
	require.Zero(t, expired, "idempotent")
	require.Equal(t, 1, b.count(t, "access_requests", "TRUE"), "history is kept")

	// Deciding an expired request is a conflict; the client may submit anew.
	_, err = b.svc.Approve(ctx, b.actor(t, "admin@demo.test"), r.ID, nil, nil)
	fe := requireFault(t, err, fault.CodeConflict, r.ID.String())
	require.Contains(t, fe.Message, "EXPIRED")
	again := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	require.Equal(t, request.StatusPending, again.Status)
}

func TestDecidingAfterExpiryBeforeTheJob(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	_, err := agency.UpdateSettings(ctx, b.db, b.svc, b.actor(t, "owner@demo.test"), agency.SettingsInput{AccessRequestExpiryHours: ptr(1)})
	require.NoError(t, err)
	r := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	b.clock.Advance(time.Hour + time.Second)

	_, err = b.svc.Approve(ctx, b.actor(t, "admin@demo.test"), r.ID, nil, &request.Credentials{Username: "u", Password: "p-123456"})
	fe := requireFault(t, err, fault.CodeConflict, r.ID.String())
	require.Contains(t, fe.Message, "expired")
	got, err := b.svc.Get(ctx, b.actor(t, "admin@demo.test"), r.ID)
	require.NoError(t, err)
	require.Equal(t, request.StatusExpired, got.Status)
	require.Equal(t, 0, b.count(t, "identities", "TRUE"))
	require.Len(t, b.notes(t, b.user(t, "alice@acme.test"), request.NoteExpired), 1)
	expired, _, err := b.svc.ExpireDue(ctx, uuid.Nil)
	require.NoError(t, err)
	require.Zero(t, expired)
}

func TestReminderWindowIsAtMost24Hours(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	// Default window: 168 hours, so a tenth (16.8 h) is the reminder window.
	b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	b.clock.Advance(150 * time.Hour) // 18 h left for alice's: not yet.
	_, reminded, err := b.svc.ExpireDue(ctx, uuid.Nil)
	require.NoError(t, err)
	require.Zero(t, reminded)
	b.clock.Advance(2 * time.Hour) // 16 h left.
	_, reminded, err = b.svc.ExpireDue(ctx, uuid.Nil)
	require.NoError(t, err)
	require.Equal(t, 1, reminded)
	b.clock.Advance(17 * time.Hour)
	expired, _, err := b.svc.ExpireDue(ctx, uuid.Nil)
	require.NoError(t, err)
	require.Equal(t, 1, expired, "alice's")

	// A window changed while nothing is pending applies to the next request.
	_, err = agency.UpdateSettings(ctx, b.db, b.svc, b.actor(t, "owner@demo.test"), agency.SettingsInput{AccessRequestExpiryHours: ptr(720)})
	require.NoError(t, err)
	b.submit(t, "bob@globex.test", "META_ADS", identity.TypeExternalLogin) // 30 days: reminded 24 h before.
	b.clock.Advance(720*time.Hour - 25*time.Hour)                          // 25 h left for bob's.
	expired, reminded, err = b.svc.ExpireDue(ctx, uuid.Nil)
	require.NoError(t, err)
	require.Zero(t, expired)
	require.Zero(t, reminded)
	b.clock.Advance(2 * time.Hour)
	_, reminded, err = b.svc.ExpireDue(ctx, uuid.Nil)
	require.NoError(t, err)
	require.Equal(t, 1, reminded, "bob's")
}

func TestNewWindowMovesPendingRequests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	r := b.submit(t, "alice@acme.test", "META_ADS", identity.TypeExternalLogin)
	b.clock.Advance(3 * time.Hour)
	_, err := agency.UpdateSettings(ctx, b.db, b.svc, b.actor(t, "owner@demo.test"), agency.SettingsInput{AccessRequestExpiryHours: ptr(2)})
	require.NoError(t, err)
	got, err := b.svc.Get(ctx, b.actor(t, "admin@demo.test"), r.ID)
	require.NoError(t, err)
	require.Equal(t, 2*time.Hour, got.ExpiresAt.Sub(got.CreatedAt))
	expired, _, err := b.svc.ExpireDue(ctx, uuid.Nil)
	require.NoError(t, err)
	require.Equal(t, 1, expired, "past due under the new window")
	require.Len(t, b.notes(t, b.user(t, "alice@acme.test"), request.NoteExpired), 1)
}
