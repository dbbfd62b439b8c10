package gws_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/gws/fake"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
)

// progressLog records what a sync reports.
type progressLog struct {
	mu  sync.Mutex
	all []gws.SyncProgress
}

func (p *progressLog) report(_ context.Context, v any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.all = append(p.all, v.(gws.SyncProgress))
	return nil
}

// syncFixture is a directory with one mismatch of each kind, and what should not be one.
type syncFixture struct {
	ok, missing, suspended, drifted, pending, leaving *identity.Identity
	stranger                                          string
}

func arrangeSync(t *testing.T, e *env) syncFixture {
	t.Helper()
	ctx := t.Context()
	f := syncFixture{
		ok: e.createManaged("All Good"), missing: e.createManaged("Gone Missing"),
		suspended: e.createManaged("Suspended User"), drifted: e.createManaged("Drifted User"),
		pending: e.createManaged("Not Yet"), leaving: e.createManaged("On The Way Out"),
		stranger: "stranger@demo.test",
	}
	for _, ident := range []*identity.Identity{f.ok, f.missing, f.suspended, f.drifted, f.leaving} {
		e.provision(ident)
	}
	require.NoError(t, e.client.Delete(ctx, *f.missing.Email))
	require.NoError(t, e.client.Suspend(ctx, *f.suspended.Email))
	require.NoError(t, e.client.RestoreAttributes(ctx, *f.drifted.Email, "Renamed", "By Hand"))
	// Being deleted: its user's suspension is expected.
	_, err := e.ids.Delete(ctx, e.admin, f.leaving.ID)
	require.NoError(t, err)
	require.NoError(t, e.client.Suspend(ctx, *f.leaving.Email))
	require.NoError(t, e.fake.AddUsers(fake.User{
		PrimaryEmail: f.stranger, Name: fake.UserName{GivenName: "Who", FamilyName: "Knows"}, OrgUnitPath: managedOU,
	}))
	// Users outside the managed org unit are none of AccessHive's business.
	require.NoError(t, e.fake.SeedUsers(30, "", "/"))
	return f
}

func TestSyncReportsEachKind(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := arrangeSync(t, e)

	_, err := e.svc.RequestSync(t.Context(), e.member, e.sourceID)
	require.ErrorIs(t, err, fault.ErrForbidden)
	_, err = e.svc.RequestSync(t.Context(), e.rival, e.sourceID)
	require.ErrorIs(t, err, fault.ErrNotFound)
	queued, err := e.svc.RequestSync(t.Context(), e.admin, e.sourceID)
	require.NoError(t, err)
	require.Equal(t, job.QueueLow, queued.Queue)
	_, err = e.svc.RequestSync(t.Context(), e.admin, e.sourceID)
	require.ErrorIs(t, err, fault.ErrConflict, "one sync at a time")

	rec, err := job.Start(t.Context(), e.db, queued.ID, 1)
	require.NoError(t, err)
	var progress progressLog
	handler := job.Typed(e.svc.SyncHandler(progress.report))
	out, err := handler(t.Context(), rec)
	require.NoError(t, err)
	res := out.(*gws.SyncResult)
	require.Equal(t, 4, res.Mismatches)
	require.Equal(t, map[string]int{gws.MismatchMissing: 1, gws.MismatchUnknown: 1, gws.MismatchSuspended: 1, gws.MismatchDrift: 1}, res.Counts)
	require.Equal(t, 6, res.Expected)
	require.Equal(t, 5, res.UsersSeen, "ok, suspended, drifted, leaving and the stranger are in the managed OU")
	require.NotEmpty(t, progress.all)
	require.Equal(t, gws.SyncProgress{Pages: 1, UsersSeen: 5}, progress.all[len(progress.all)-1])

	// A second run of the same job replaces its report.
	_, err = handler(t.Context(), rec)
	require.NoError(t, err)

	reports, err := e.svc.ListReports(t.Context(), e.member, 0)
	require.NoError(t, err)
	require.Len(t, reports, 1)
	rep := reports[0]
	require.Equal(t, res.ReportID, rep.ID)
	require.Equal(t, queued.ID, *rep.JobID)
	require.False(t, rep.Truncated)
	require.Nil(t, rep.RepairedAt)
	byKind := map[string]gws.ReportMismatch{}
	for _, m := range rep.Mismatches {
		byKind[m.Kind] = m
	}
	require.Equal(t, *f.missing.Email, byKind[gws.MismatchMissing].Email)
	require.Equal(t, f.missing.ID, *byKind[gws.MismatchMissing].IdentityID)
	require.Equal(t, f.stranger, byKind[gws.MismatchUnknown].Email)
	require.Nil(t, byKind[gws.MismatchUnknown].IdentityID)
	require.Equal(t, f.suspended.ID, *byKind[gws.MismatchSuspended].IdentityID)
	require.Equal(t, f.drifted.ID, *byKind[gws.MismatchDrift].IdentityID)
	require.Contains(t, byKind[gws.MismatchDrift].Detail, "Renamed")

	src, err := e.svc.GetSource(t.Context(), e.admin, e.sourceID)
	require.NoError(t, err)
	require.NotNil(t, src.LastSyncAt)

	// Nothing was changed: the sync is a dry run.
	u, _ := e.fake.Get(f.stranger)
	require.False(t, u.Suspended)
	require.Equal(t, identity.StateProvisioned, e.reload(f.missing.ID).State)

	_, err = e.svc.ListReports(t.Context(), e.clientUser, 10)
	require.ErrorIs(t, err, fault.ErrForbidden)
	_, err = e.svc.ListReports(t.Context(), e.admin, 1000)
	require.ErrorIs(t, err, fault.ErrBadUserInput)
	none, err := e.svc.ListReports(t.Context(), e.rival, 10)
	require.NoError(t, err)
	require.Empty(t, none)
}

func TestRepair(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := arrangeSync(t, e)
	res, err := e.svc.Sync(t.Context(), e.agencyID, uuid.Nil, e.sourceID, nil)
	require.NoError(t, err)
	reportID := res.ReportID

	_, err = e.svc.Repair(t.Context(), e.member, reportID, nil)
	require.ErrorIs(t, err, fault.ErrForbidden)
	_, err = e.svc.Repair(t.Context(), e.admin, reportID, []string{"EVERYTHING"})
	require.ErrorIs(t, err, fault.ErrBadUserInput)
	_, err = e.svc.Repair(t.Context(), e.rival, reportID, nil)
	require.ErrorIs(t, err, fault.ErrNotFound)

	// Six live managed identities at 10%: one user may be touched at a time.
	_, err = e.svc.Repair(t.Context(), e.admin, reportID, nil)
	require.ErrorIs(t, err, fault.ErrConflict)
	require.Contains(t, err.Error(), "would touch 3 directory users")

	out, err := e.svc.Repair(t.Context(), e.admin, reportID, []string{gws.MismatchUnknown})
	require.NoError(t, err)
	require.Len(t, out.Actions, 1)
	require.Equal(t, gws.RepairSuspended, out.Actions[0].Action, out.Actions[0].Detail)
	u, ok := e.fake.Get(f.stranger)
	require.True(t, ok, "suspended, never deleted")
	require.True(t, u.Suspended)

	_, err = e.svc.Repair(t.Context(), e.admin, reportID, []string{gws.MismatchUnknown})
	require.ErrorIs(t, err, fault.ErrConflict, "a kind is repaired once per report")

	// With a larger share the rest goes through.
	wide := e.withConfig(gws.ServiceConfig{RepairMaxShare: 1})
	out, err = wide.Repair(t.Context(), e.admin, reportID, []string{gws.MismatchMissing, gws.MismatchDrift, gws.MismatchSuspended})
	require.NoError(t, err)
	actions := map[string]gws.RepairAction{}
	for _, a := range out.Actions {
		actions[a.Kind] = a
	}
	require.Equal(t, gws.RepairPatched, actions[gws.MismatchDrift].Action, actions[gws.MismatchDrift].Detail)
	require.Equal(t, gws.RepairReported, actions[gws.MismatchSuspended].Action)
	require.Equal(t, gws.RepairReprovisionQueued, actions[gws.MismatchMissing].Action, actions[gws.MismatchMissing].Detail)

	d, _ := e.fake.Get(*f.drifted.Email)
	require.Equal(t, "Drifted", d.Name.GivenName)
	require.Equal(t, "User", d.Name.FamilyName)
	s, _ := e.fake.Get(*f.suspended.Email)
	require.True(t, s.Suspended, "a suspended user is left as is")

	// The missing user comes back with the password the vault already has.
	require.Equal(t, gws.DirectoryRepairing, e.status(f.missing.ID, identity.ProviderGWSDirectory).Status)
	rec, err := job.Start(t.Context(), e.db, *actions[gws.MismatchMissing].JobID, 1)
	require.NoError(t, err)
	pr, err := job.Typed(e.svc.HandleProvision)(t.Context(), rec)
	require.NoError(t, err)
	require.True(t, pr.(*gws.ProvisionResult).Repaired)
	require.True(t, e.fake.PasswordMatches(*f.missing.Email, e.password(f.missing.ID)))
	require.Equal(t, identity.StateProvisioned, e.reload(f.missing.ID).State)
	require.Equal(t, gws.DirectoryActive, e.status(f.missing.ID, identity.ProviderGWSDirectory).Status)

	rep, err := e.svc.GetReport(t.Context(), e.admin, reportID)
	require.NoError(t, err)
	require.NotNil(t, rep.RepairedAt)
	require.ElementsMatch(t, []string{gws.MismatchUnknown, gws.MismatchMissing, gws.MismatchDrift, gws.MismatchSuspended}, rep.RepairedKinds)
	require.Len(t, rep.Repair, 4)

	// A fresh sync finds the users left as they are: the suspended managed user and the
	// (now suspended) stranger, which a repair would skip.
	res, err = e.svc.Sync(t.Context(), e.agencyID, uuid.Nil, e.sourceID, nil)
	require.NoError(t, err)
	require.Equal(t, map[string]int{gws.MismatchSuspended: 1, gws.MismatchUnknown: 1}, res.Counts)
}

// deleteManaged deletes a provisioned identity and runs its deprovisioning, which suspends its
// directory user.
func (e *env) deleteManaged(ident *identity.Identity) {
	e.tb.Helper()
	ctx := context.Background()
	_, err := e.ids.Delete(ctx, e.admin, ident.ID)
	require.NoError(e.tb, err)
	_, err = job.Typed(e.svc.HandleDeprovision)(ctx, e.startJob(job.TypeDeprovisionIdentity, "identityId", ident.ID.String()))
	require.NoError(e.tb, err)
	require.Equal(e.tb, identity.StateDeleted, e.reload(ident.ID).State)
	u, ok := e.fake.Get(*ident.Email)
	require.True(e.tb, ok)
	require.True(e.tb, u.Suspended)
}

func TestSyncDeletedIdentityUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	for _, name := range []string{"Still Here", "Also Here"} {
		e.provision(e.createManaged(name))
	}
	// gone's user stays suspended, as deprovisioning left it; revived's is unsuspended by hand.
	gone, revived := e.createManaged("Gone For Good"), e.createManaged("Back From Dead")
	for _, ident := range []*identity.Identity{gone, revived} {
		e.provision(ident)
		e.deleteManaged(ident)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, e.ts.URL+usersPath+"/"+*revived.Email,
		strings.NewReader(`{"suspended": false}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.ts.Client().Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)
	// A suspended user naming an identity AccessHive never had is still unknown.
	phantom := uuid.New()
	require.NoError(t, e.fake.AddUsers(fake.User{
		PrimaryEmail: "phantom@demo.test", Name: fake.UserName{GivenName: "Phan", FamilyName: "Tom"},
		OrgUnitPath: managedOU, Suspended: true, ExternalIDs: ourExternalID(phantom),
	}))

	res, err := e.svc.Sync(ctx, e.agencyID, uuid.Nil, e.sourceID, nil)
	require.NoError(t, err)
	require.Equal(t, 2, res.Expected)
	require.Equal(t, 5, res.UsersSeen, "the deleted identities' users are still read")
	require.Equal(t, map[string]int{gws.MismatchUnknown: 2}, res.Counts)
	rep, err := e.svc.GetReport(ctx, e.admin, res.ReportID)
	require.NoError(t, err)
	byEmail := map[string]gws.ReportMismatch{}
	for _, m := range rep.Mismatches {
		byEmail[m.Email] = m
	}
	require.NotContains(t, byEmail, *gone.Email, "a deleted identity's suspended user is expected")
	active := byEmail[*revived.Email]
	require.Equal(t, gws.MismatchUnknown, active.Kind)
	require.Nil(t, active.IdentityID)
	require.Contains(t, active.Detail, revived.ID.String())
	require.Contains(t, active.Detail, "was deleted, yet the user is active")
	require.Contains(t, byEmail["phantom@demo.test"].Detail, "not expected at this address")

	// The repair suspends the active user of the deleted identity; the suspended users do not
	// count toward the repair's share (two live identities at 100%: two users).
	wide := e.withConfig(gws.ServiceConfig{RepairMaxShare: 1})
	out, err := wide.Repair(ctx, e.admin, res.ReportID, []string{gws.MismatchUnknown})
	require.NoError(t, err)
	actions := map[string]gws.RepairAction{}
	for _, a := range out.Actions {
		actions[a.Email] = a
	}
	require.Equal(t, gws.RepairSuspended, actions[*revived.Email].Action, actions[*revived.Email].Detail)
	require.Equal(t, gws.RepairSkipped, actions["phantom@demo.test"].Action, "suspended already")
	u, _ := e.fake.Get(*revived.Email)
	require.True(t, u.Suspended)

	res, err = e.svc.Sync(ctx, e.agencyID, uuid.Nil, e.sourceID, nil)
	require.NoError(t, err)
	require.Equal(t, map[string]int{gws.MismatchUnknown: 1}, res.Counts, "only the phantom is left")
}
