package gws_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/gws/fake"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/vault"
)

func TestProvisionCreatesUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ident := e.createManaged("Ada Lovelace")
	require.Equal(t, "ada-lovelace@demo.test", *ident.Email)

	rec := e.provisionJob(ident.ID)
	out, err := job.Typed(e.svc.HandleProvision)(t.Context(), rec)
	require.NoError(t, err)
	res := out.(*gws.ProvisionResult)
	require.False(t, res.Adopted)
	require.Equal(t, ident.ID, res.IdentityID)

	got := e.reload(ident.ID)
	require.Equal(t, identity.StateProvisioned, got.State)
	require.Empty(t, got.LastError)
	dir := e.status(ident.ID, identity.ProviderGWSDirectory)
	require.Equal(t, gws.DirectoryActive, dir.Status)
	require.Equal(t, res.DirectoryUserID, dir.ExternalID)
	require.Equal(t, "CONFIGURED", e.status(ident.ID, "META_ADS").Status)

	users := e.fake.Users()
	require.Len(t, users, 1)
	u := users[0]
	require.Equal(t, "ada-lovelace@demo.test", u.PrimaryEmail)
	require.Equal(t, managedOU, u.OrgUnitPath)
	require.Equal(t, ourExternalID(ident.ID), u.ExternalIDs)
	require.Equal(t, "Ada", u.Name.GivenName)
	require.Equal(t, "Lovelace", u.Name.FamilyName)
	require.Equal(t, res.DirectoryUserID, u.ID)

	pw := e.password(ident.ID)
	require.GreaterOrEqual(t, len(pw), 24)
	require.True(t, hasClasses(pw), "password mixes character classes")
	require.True(t, e.fake.PasswordMatches(u.PrimaryEmail, pw), "the directory has the vault's password")

	raw, err := json.Marshal(out)
	require.NoError(t, err)
	require.NotContains(t, string(raw), pw, "the job result holds no password")
	require.NotContains(t, payloads(e.events), pw, "events hold no password")
	require.Equal(t, []identity.State{identity.StatePending, identity.StateProvisioning, identity.StateProvisioned}, identityStates(e.events, ident.ID))

	// A second delivery of the job finds the work done.
	again, err := e.svc.Provision(t.Context(), e.agencyID, job.ProvisionArgs{IdentityID: ident.ID}, false)
	require.NoError(t, err)
	require.True(t, again.AlreadyProvisioned)
	require.Equal(t, res.DirectoryUserID, again.DirectoryUserID)
	require.Equal(t, 1, e.fake.Calls()[fake.CallInsert])
	require.Equal(t, 1, e.fake.Count())
}

func TestProvisionAdoptsExistingUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	t.Run("created earlier with our external id", func(t *testing.T) {
		ident := e.createManaged("Grace Hopper")
		require.NoError(t, e.fake.AddUsers(fake.User{
			PrimaryEmail: *ident.Email, Name: fake.UserName{GivenName: "Grace", FamilyName: "Hopper"},
			OrgUnitPath: managedOU, ExternalIDs: ourExternalID(ident.ID),
		}))
		res := e.provision(ident)
		require.True(t, res.Adopted)
		require.Equal(t, identity.StateProvisioned, e.reload(ident.ID).State)
		require.Zero(t, e.fake.Calls()[fake.CallInsert], "an adopted user is not inserted again")
		require.True(t, e.fake.PasswordMatches(*ident.Email, e.password(ident.ID)))
	})

	t.Run("insert answered 5xx after creating the user", func(t *testing.T) {
		ident := e.createManaged("Alan Turing")
		e.fake.CreateThenFail(1, 503)
		res := e.provision(ident)
		require.True(t, res.Adopted)
		u, ok := e.fake.Get(*ident.Email)
		require.True(t, ok)
		require.Equal(t, res.DirectoryUserID, u.ID)
		require.True(t, e.fake.PasswordMatches(*ident.Email, e.password(ident.ID)))
	})

	t.Run("address held by a user that is not ours", func(t *testing.T) {
		ident := e.createManaged("Taken Address")
		require.NoError(t, e.fake.AddUsers(fake.User{
			PrimaryEmail: *ident.Email, Name: fake.UserName{GivenName: "Someone", FamilyName: "Else"}, OrgUnitPath: "/",
		}))
		_, err := job.Typed(e.svc.HandleProvision)(t.Context(), e.provisionJob(ident.ID))
		require.ErrorIs(t, err, job.ErrPermanent)
		got := e.reload(ident.ID)
		require.Equal(t, identity.StateFailed, got.State)
		require.Contains(t, got.LastError, "taken")
	})
	require.Equal(t, 3, e.fake.Count())
}

func TestProvisionRetriesRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ident := e.createManaged("Rate Limited")
	e.fake.FailNextOn("POST", usersPath, 2, 403, "userRateLimitExceeded")
	res := e.provision(ident)
	require.False(t, res.Adopted)
	require.Equal(t, 3, e.fake.Calls()[fake.CallInsert], "two 403 rate limits, then the insert")
	require.Equal(t, identity.StateProvisioned, e.reload(ident.ID).State)
	require.Equal(t, 1, e.fake.Count())
}

func TestProvisionPermanentFailureThenRetry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ident := e.createManaged("Permanent Failure")
	e.fake.FailNextOn("POST", usersPath, 1, 400, "invalid")

	_, err := job.Typed(e.svc.HandleProvision)(t.Context(), e.provisionJob(ident.ID))
	require.ErrorIs(t, err, job.ErrPermanent)
	got := e.reload(ident.ID)
	require.Equal(t, identity.StateFailed, got.State)
	require.Contains(t, got.LastError, "400 invalid")
	dir := e.status(ident.ID, identity.ProviderGWSDirectory)
	require.Equal(t, gws.DirectoryFailed, dir.Status)
	require.Contains(t, dir.LastError, "400")
	pw := e.password(ident.ID)
	require.NotContains(t, err.Error(), pw)
	require.Zero(t, e.fake.Count())

	// Members may not retry.
	_, _, err = e.svc.RetryProvisioning(t.Context(), e.member, ident.ID)
	require.ErrorIs(t, err, fault.ErrForbidden)

	retried, rec, err := e.svc.RetryProvisioning(t.Context(), e.admin, ident.ID)
	require.NoError(t, err)
	require.Equal(t, identity.StateProvisioning, retried.State)
	require.Empty(t, retried.LastError)
	require.Equal(t, job.TypeProvisionIdentity, rec.Type)
	require.Equal(t, job.QueueCritical, rec.Queue)

	res := e.provision(ident)
	require.False(t, res.Adopted)
	require.Equal(t, identity.StateProvisioned, e.reload(ident.ID).State)
	require.Equal(t, pw, e.password(ident.ID), "the retry keeps the sealed password")
	require.True(t, e.fake.PasswordMatches(*ident.Email, pw))
	require.Equal(t, []identity.State{identity.StatePending, identity.StateProvisioning, identity.StateFailed, identity.StateProvisioning, identity.StateProvisioned},
		dedupe(identityStates(e.events, ident.ID)))
}

func TestRetryProvisioningRefusesOtherStates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ident := e.createManaged("Retry Refused")

	_, _, err := e.svc.RetryProvisioning(t.Context(), e.admin, ident.ID)
	require.ErrorIs(t, err, fault.ErrConflict)
	require.Contains(t, err.Error(), "PENDING")

	// PROVISIONING but not stuck yet: refused; stuck: accepted.
	e.setState(ident.ID, identity.StateProvisioning)
	_, _, err = e.svc.RetryProvisioning(t.Context(), e.admin, ident.ID)
	require.ErrorIs(t, err, fault.ErrConflict)
	require.Contains(t, err.Error(), "not stuck")
	e.ageState(ident.ID, 2*time.Minute)
	// Its job was lost (see TestRetryProvisioningWhileJobActive for one still at work).
	e.setJobStatus(e.provisionJobID(ident.ID), job.StatusFailed)
	_, rec, err := e.svc.RetryProvisioning(t.Context(), e.admin, ident.ID)
	require.NoError(t, err)
	require.NotNil(t, rec)

	e.provision(ident)
	_, _, err = e.svc.RetryProvisioning(t.Context(), e.admin, ident.ID)
	require.ErrorIs(t, err, fault.ErrConflict)
	require.Contains(t, err.Error(), "PROVISIONED")

	_, _, err = e.svc.RetryProvisioning(t.Context(), e.admin, uuid.New())
	require.ErrorIs(t, err, fault.ErrNotFound)
	_, _, err = e.svc.RetryProvisioning(t.Context(), e.rival, ident.ID)
	require.ErrorIs(t, err, fault.ErrNotFound, "another agency's identity does not exist for the caller")
}

// provisionJobID returns the id of an identity's newest provisioning job, as it is.
func (e *env) provisionJobID(id uuid.UUID) uuid.UUID {
	e.tb.Helper()
	var jobID uuid.UUID
	err := e.db.NewSelect().Model((*job.Record)(nil)).Column("id").Where("type = ?", job.TypeProvisionIdentity).Comment(anyAgency).
		Where("input ->> 'identityId' = ?", id.String()).OrderExpr("queued_at DESC, id DESC").Limit(1).
		Scan(context.Background(), &jobID)
	require.NoError(e.tb, err)
	return jobID
}

// setJobStatus puts a job in status, as if the worker had moved it there.
func (e *env) setJobStatus(id uuid.UUID, status job.Status) {
	e.tb.Helper()
	_, err := e.db.NewUpdate().Model((*job.Record)(nil)).Set("status = ?", status).Where("id = ?", id).Comment(anyAgency).
		Exec(context.Background())
	require.NoError(e.tb, err)
}

func TestRetryProvisioningWhileJobActive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	ident := e.createManaged("Slow Job")
	first := e.provisionJobID(ident.ID)
	// Another identity's queued job is none of ident's business.
	e.createManaged("Someone Else")
	e.setState(ident.ID, identity.StateProvisioning)
	e.ageState(ident.ID, 2*time.Minute)

	for _, status := range []job.Status{job.StatusQueued, job.StatusRunning, job.StatusRetrying} {
		e.setJobStatus(first, status)
		_, rec, err := e.svc.RetryProvisioning(ctx, e.admin, ident.ID)
		require.ErrorIs(t, err, fault.ErrConflict, status)
		require.Nil(t, rec)
		f, ok := fault.As(err)
		require.True(t, ok)
		require.Equal(t, first.String(), f.Object, "the conflict names the active job (%s)", status)
		require.Contains(t, f.Message, string(status))

		// MarkStuck leaves it alone for the same reason.
		n, err := e.svc.MarkStuck(ctx)
		require.NoError(t, err)
		require.Zero(t, n, status)
		require.Equal(t, identity.StateProvisioning, e.reload(ident.ID).State)
	}
	jobs, err := tenant.Agency(e.agencyID).Select(e.db, (*job.Record)(nil)).
		Where("input ->> 'identityId' = ?", ident.ID.String()).Count(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1, jobs, "no job was enqueued")

	// Once the job has finished without provisioning, the stuck identity can be retried.
	e.setJobStatus(first, job.StatusSucceeded)
	_, rec, err := e.svc.RetryProvisioning(ctx, e.admin, ident.ID)
	require.NoError(t, err)
	require.NotEqual(t, first, rec.ID)
	require.Equal(t, identity.StateProvisioning, e.reload(ident.ID).State)

	// Stuck again with the retry's job still queued: that job is named.
	e.ageState(ident.ID, 2*time.Minute)
	_, _, err = e.svc.RetryProvisioning(ctx, e.admin, ident.ID)
	require.ErrorIs(t, err, fault.ErrConflict)
	f, _ := fault.As(err)
	require.Equal(t, rec.ID.String(), f.Object)

	// A FAILED job is not active either.
	e.setJobStatus(rec.ID, job.StatusFailed)
	_, again, err := e.svc.RetryProvisioning(ctx, e.admin, ident.ID)
	require.NoError(t, err)
	e.provision(ident)
	require.Equal(t, identity.StateProvisioned, e.reload(ident.ID).State)
	require.Equal(t, again.ID, e.provisionJobID(ident.ID))
}

func TestProvisionCrashBetweenDirectoryAndCommit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ident := e.createManaged("Crash Test")
	var crashes atomic.Int32
	gws.SetAfterDirectoryHook(e.svc, func(context.Context, uuid.UUID) error {
		if crashes.Add(1) == 1 {
			return errors.New("worker killed")
		}
		return nil
	})

	rec := e.provisionJob(ident.ID)
	_, err := job.Typed(e.svc.HandleProvision)(t.Context(), rec)
	require.Error(t, err)
	require.NotErrorIs(t, err, job.ErrPermanent, "a crash is retried")
	mid := e.reload(ident.ID)
	require.Equal(t, identity.StateProvisioning, mid.State)
	require.Contains(t, mid.LastError, "worker killed")
	pw := e.password(ident.ID)
	require.Equal(t, 1, e.fake.Count(), "the directory user was created before the crash")
	require.True(t, e.fake.PasswordMatches(*ident.Email, pw), "with the sealed password")

	rec.Attempts = 2
	out, err := job.Typed(e.svc.HandleProvision)(t.Context(), rec)
	require.NoError(t, err)
	require.True(t, out.(*gws.ProvisionResult).Adopted)
	require.Equal(t, 1, e.fake.Count(), "exactly one directory user")
	require.Equal(t, 1, e.fake.Calls()[fake.CallInsert])
	got := e.reload(ident.ID)
	require.Equal(t, identity.StateProvisioned, got.State)
	require.Empty(t, got.LastError)
	require.Equal(t, pw, e.password(ident.ID))
	require.True(t, e.fake.PasswordMatches(*ident.Email, pw), "vault and directory agree")
}

func TestProvisionTransientFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ident := e.createManaged("Flaky Directory")
	rec := e.provisionJob(ident.ID)

	e.fake.FailNext(100, 503, "backendError")
	_, err := job.Typed(e.svc.HandleProvision)(t.Context(), rec)
	require.Error(t, err)
	require.NotErrorIs(t, err, job.ErrPermanent)
	got := e.reload(ident.ID)
	require.Equal(t, identity.StateProvisioning, got.State, "a transient failure is retried")
	require.Contains(t, got.LastError, "retrying")
	require.Contains(t, got.LastError, "503")

	rec.Attempts = rec.MaxAttempts
	_, err = job.Typed(e.svc.HandleProvision)(t.Context(), rec)
	require.Error(t, err)
	got = e.reload(ident.ID)
	require.Equal(t, identity.StateFailed, got.State, "the last attempt marks the identity FAILED")
	require.Contains(t, got.LastError, "503")
	require.NotContains(t, got.LastError, "retrying")
}

func TestProvisionRefusesWrongIdentities(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ext, err := e.ids.Create(t.Context(), e.admin, identity.CreateInput{
		Platform: "META_ADS", Type: identity.TypeExternalLogin, Username: "x@example.com", Password: "hunter2hunter2",
	})
	require.NoError(t, err)
	_, err = e.svc.Provision(t.Context(), e.agencyID, job.ProvisionArgs{IdentityID: ext.ID}, false)
	require.ErrorIs(t, err, job.ErrPermanent)
	_, err = e.svc.Provision(t.Context(), e.agencyID, job.ProvisionArgs{IdentityID: uuid.New()}, false)
	require.ErrorIs(t, err, job.ErrPermanent)
	_, err = job.Typed(e.svc.HandleProvision)(t.Context(), &job.Record{Type: job.TypeProvisionIdentity, Input: json.RawMessage(`{}`)})
	require.ErrorIs(t, err, job.ErrPermanent)
}

func TestMarkStuck(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lost := e.createManaged("Lost Job")
	busy := e.createManaged("Busy Job")
	fresh := e.createManaged("Fresh Job")
	for _, id := range []uuid.UUID{lost.ID, busy.ID, fresh.ID} {
		e.setState(id, identity.StateProvisioning)
	}
	e.ageState(lost.ID, 5*time.Minute)
	e.ageState(busy.ID, 5*time.Minute)
	// lost's job gave up without a word; busy's is still queued; fresh is too recent.
	_, err := e.db.NewUpdate().Model((*job.Record)(nil)).Set("status = ?", job.StatusFailed).Comment(anyAgency).
		Where("input ->> 'identityId' IN (?, ?)", lost.ID.String(), fresh.ID.String()).Exec(t.Context())
	require.NoError(t, err)

	n, err := e.svc.MarkStuck(t.Context())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got := e.reload(lost.ID)
	require.Equal(t, identity.StateFailed, got.State)
	require.Contains(t, got.LastError, "provisioning stuck for more than 1m0s")
	require.Equal(t, gws.DirectoryFailed, e.status(lost.ID, identity.ProviderGWSDirectory).Status)
	require.Equal(t, identity.StateProvisioning, e.reload(busy.ID).State)
	require.Equal(t, identity.StateProvisioning, e.reload(fresh.ID).State)

	n, err = e.svc.MarkStuck(t.Context())
	require.NoError(t, err)
	require.Zero(t, n)

	// The failed identity can be retried and provisioned.
	_, _, err = e.svc.RetryProvisioning(t.Context(), e.admin, lost.ID)
	require.NoError(t, err)
	e.provision(lost)
	require.Equal(t, identity.StateProvisioned, e.reload(lost.ID).State)
}

func TestDeprovision(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	t.Run("suspends the managed user", func(t *testing.T) {
		ident := e.createManaged("Leaving Soon")
		res := e.provision(ident)
		_, err := e.ids.Delete(t.Context(), e.admin, ident.ID)
		require.NoError(t, err)
		rec := e.startJob(job.TypeDeprovisionIdentity, "identityId", ident.ID.String())
		out, err := job.Typed(e.svc.HandleDeprovision)(t.Context(), rec)
		require.NoError(t, err)
		dr := out.(*gws.DeprovisionResult)
		require.Equal(t, gws.ActionSuspended, dr.DirectoryAction)
		require.Equal(t, res.DirectoryUserID, dr.DirectoryUserID)

		u, ok := e.fake.Get(*ident.Email)
		require.True(t, ok, "suspended, not deleted")
		require.True(t, u.Suspended)
		got := e.reload(ident.ID)
		require.Equal(t, identity.StateDeleted, got.State)
		require.Equal(t, gws.DirectorySuspended, e.status(ident.ID, identity.ProviderGWSDirectory).Status)
		_, err = e.vault.Get(t.Context(), e.db, e.agencyID, ident.ID, vault.PurposeCredentials)
		require.ErrorIs(t, err, vault.ErrNoSecret)

		// Idempotent.
		_, err = job.Typed(e.svc.HandleDeprovision)(t.Context(), rec)
		require.NoError(t, err)
		require.Equal(t, identity.StateDeleted, e.reload(ident.ID).State)
	})

	t.Run("finds a user a crash left unrecorded", func(t *testing.T) {
		ident := e.createManaged("Crashed Then Deleted")
		gws.SetAfterDirectoryHook(e.svc, func(context.Context, uuid.UUID) error { return errors.New("crash") })
		_, err := job.Typed(e.svc.HandleProvision)(t.Context(), e.provisionJob(ident.ID))
		gws.SetAfterDirectoryHook(e.svc, nil)
		require.Error(t, err)
		require.Empty(t, e.status(ident.ID, identity.ProviderGWSDirectory).ExternalID)
		_, err = e.ids.Delete(t.Context(), e.admin, ident.ID)
		require.NoError(t, err)
		out, err := e.svc.Deprovision(t.Context(), e.agencyID, ident.ID)
		require.NoError(t, err)
		require.Equal(t, gws.ActionSuspended, out.(*gws.DeprovisionResult).DirectoryAction)
		u, _ := e.fake.Get(*ident.Email)
		require.True(t, u.Suspended)
	})

	t.Run("never provisioned", func(t *testing.T) {
		ident := e.createManaged("Never Made")
		_, err := e.ids.Delete(t.Context(), e.admin, ident.ID)
		require.NoError(t, err)
		out, err := e.svc.Deprovision(t.Context(), e.agencyID, ident.ID)
		require.NoError(t, err)
		require.Equal(t, gws.ActionNotFound, out.(*gws.DeprovisionResult).DirectoryAction)
		require.Equal(t, identity.StateDeleted, e.reload(ident.ID).State)
	})

	t.Run("other identity types", func(t *testing.T) {
		ext, err := e.ids.Create(t.Context(), e.admin, identity.CreateInput{
			Platform: "GA4", Type: identity.TypeAPIToken, Token: "tok-123456",
		})
		require.NoError(t, err)
		_, err = e.ids.Delete(t.Context(), e.admin, ext.ID)
		require.NoError(t, err)
		_, err = e.svc.Deprovision(t.Context(), e.agencyID, ext.ID)
		require.NoError(t, err)
		require.Equal(t, identity.StateDeleted, e.reload(ext.ID).State)
	})
}

func TestDeprovisionDeletesWhenConfigured(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *gws.ServiceConfig) { c.DeleteOnDeprovision = true })
	ident := e.createManaged("Delete Me")
	e.provision(ident)
	_, err := e.ids.Delete(t.Context(), e.admin, ident.ID)
	require.NoError(t, err)
	out, err := e.svc.Deprovision(t.Context(), e.agencyID, ident.ID)
	require.NoError(t, err)
	require.Equal(t, gws.ActionDeleted, out.(*gws.DeprovisionResult).DirectoryAction)
	_, ok := e.fake.Get(*ident.Email)
	require.False(t, ok)
	require.Equal(t, gws.DirectoryDeleted, e.status(ident.ID, identity.ProviderGWSDirectory).Status)
}

func TestProvisionOfDeletedIdentitySuspendsOrphan(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ident := e.createManaged("Deleted Midway")
	gws.SetAfterDirectoryHook(e.svc, func(ctx context.Context, id uuid.UUID) error {
		// The admin deletes the identity while its user is being created.
		_, err := e.ids.Delete(ctx, e.admin, id)
		return err
	})
	_, err := job.Typed(e.svc.HandleProvision)(t.Context(), e.provisionJob(ident.ID))
	require.ErrorIs(t, err, job.ErrPermanent)
	u, ok := e.fake.Get(*ident.Email)
	require.True(t, ok)
	require.True(t, u.Suspended, "no live account is left behind")
}

func TestRotateCredentials(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ident := e.createManaged("Rotate Me")
	e.provision(ident)
	old := e.password(ident.ID)

	rec, err := e.ids.RequestRotation(t.Context(), e.admin, ident.ID)
	require.NoError(t, err)
	rec, err = job.Start(t.Context(), e.db, rec.ID, 1)
	require.NoError(t, err)

	// The directory refuses the first attempt after the new password was sealed as pending.
	e.fake.FailNextOn("PATCH", usersPath+"/", 1, 400, "invalid")
	_, rerr := job.Typed(e.svc.HandleRotate)(t.Context(), rec)
	require.ErrorIs(t, rerr, job.ErrPermanent)
	pending, err := e.vault.Get(t.Context(), e.db, e.agencyID, ident.ID, gws.PurposeRotation)
	require.NoError(t, err)
	require.NotContains(t, rerr.Error(), string(pending))
	require.Equal(t, old, e.password(ident.ID), "reveals still show the password the directory has")
	require.True(t, e.fake.PasswordMatches(*ident.Email, old))

	out, err := job.Typed(e.svc.HandleRotate)(t.Context(), rec)
	require.NoError(t, err)
	raw, _ := json.Marshal(out)
	require.NotContains(t, string(raw), string(pending))
	nw := e.password(ident.ID)
	require.Equal(t, string(pending), nw, "the retry set the pending password")
	require.NotEqual(t, old, nw)
	require.GreaterOrEqual(t, len(nw), 24)
	require.True(t, e.fake.PasswordMatches(*ident.Email, nw))
	require.False(t, e.fake.PasswordMatches(*ident.Email, old))
	_, err = e.vault.Get(t.Context(), e.db, e.agencyID, ident.ID, gws.PurposeRotation)
	require.ErrorIs(t, err, vault.ErrNoSecret)
	got := e.reload(ident.ID)
	require.NotNil(t, got.CredentialsRotatedAt)
	require.Equal(t, identity.StateProvisioned, got.State)
}

func TestGeneratePasswordAndSplitName(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 200 {
		pw := gws.GeneratePassword()
		require.Len(t, pw, gws.PasswordLength)
		require.True(t, hasClasses(pw), pw)
		require.False(t, seen[pw])
		seen[pw] = true
	}
	for _, tc := range []struct{ in, given, family string }{
		{"Ada Lovelace", "Ada", "Lovelace"},
		{"  Acme   Meta  Ads ", "Acme", "Meta Ads"},
		{"Solo", "Solo", "AccessHive"},
		{"", "Managed", "AccessHive"},
		{strings.Repeat("x", 70) + " y", strings.Repeat("x", 60), "y"},
	} {
		g, f := gws.SplitName(tc.in)
		require.Equal(t, tc.given, g, tc.in)
		require.Equal(t, tc.family, f, tc.in)
	}
}

// dedupe drops consecutive repeats (a retry republishes PROVISIONING).
func dedupe(states []identity.State) []identity.State {
	var out []identity.State
	for _, s := range states {
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}

// TestRetryAvailableAt: the time the console enables Retry Provisioning follows the same rule
// as RetryProvisioning (FAILED at once, PROVISIONING after StuckAfter, nothing else).
func TestRetryAvailableAt(t *testing.T) {
	svc := gws.NewService(gws.Deps{}, gws.ServiceConfig{StuckAfter: 90 * time.Second})
	changed := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
	at, ok := svc.RetryAvailableAt(identity.TypeManagedGWS, identity.StateFailed, changed)
	require.True(t, ok)
	require.Equal(t, changed, at)
	at, ok = svc.RetryAvailableAt(identity.TypeManagedGWS, identity.StateProvisioning, changed)
	require.True(t, ok)
	require.Equal(t, changed.Add(90*time.Second), at)
	for _, st := range []identity.State{identity.StatePending, identity.StateProvisioned, identity.StateDeprovisioning, identity.StateDeleted} {
		_, ok = svc.RetryAvailableAt(identity.TypeManagedGWS, st, changed)
		require.False(t, ok, st)
	}
	_, ok = svc.RetryAvailableAt(identity.TypeExternalLogin, identity.StateFailed, changed)
	require.False(t, ok, "only managed identities are provisioned by AccessHive")
}
