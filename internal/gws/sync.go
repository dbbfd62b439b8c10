package gws

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
)

// MaxReportMismatches bounds the mismatches a report keeps; the counts per kind are always
// complete, and Truncated says when the list is not.
const MaxReportMismatches = 10000

// MaxReportsLimit bounds ListReports' limit.
const MaxReportsLimit = 100

// SyncInput is the input of a SYNC_DIRECTORY job.
type SyncInput struct {
	SourceID uuid.UUID `json:"sourceId"`
}

// JobType is SYNC_DIRECTORY.
func (SyncInput) JobType() job.Type { return job.TypeSyncDirectory }

// SyncProgress is what a running sync reports after each page.
type SyncProgress struct {
	Pages     int `json:"pages"`
	UsersSeen int `json:"usersSeen"`
}

// SyncResult is what a SYNC_DIRECTORY job records.
type SyncResult struct {
	ReportID   uuid.UUID      `json:"reportId"`
	Pages      int            `json:"pages"`
	UsersSeen  int            `json:"usersSeen"`
	Expected   int            `json:"expected"`
	Mismatches int            `json:"mismatches"`
	Counts     map[string]int `json:"counts"`
}

// RequestSync enqueues a SYNC_DIRECTORY job (low queue) for one of the agency's sources (owners
// and admins). A sync already queued or running for the agency is a CONFLICT naming its job.
func (s *Service) RequestSync(ctx context.Context, actor *auth.Actor, sourceID uuid.UUID) (*job.Record, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	var rec *job.Record
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		if err := lockSourceForSync(ctx, tx, actor.Tenant(), sourceID); err != nil {
			return err
		}
		var err error
		if rec, err = job.Enqueue(ctx, tx, job.Spec{AgencyID: actor.AgencyID, Type: job.TypeSyncDirectory,
			Input: SyncInput{SourceID: sourceID}, CreatedBy: actor.UserID}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, KindSyncRequested, "identity_source", sourceID, map[string]any{"jobId": rec.ID})
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// lockSourceForSync locks the scope's source and refuses a second sync of it while one is
// queued or running.
func lockSourceForSync(ctx context.Context, tx bun.Tx, scope tenant.Scope, sourceID uuid.UUID) error {
	err := scope.Select(tx, (*Source)(nil)).Column("id").Where("src.id = ?", sourceID).For("UPDATE").Scan(ctx, new(uuid.UUID))
	if db.IsNoRows(err) {
		return fault.NotFound("identity source")
	}
	if err != nil {
		return fmt.Errorf("gws: lock source: %w", err)
	}
	running, _, err := job.ActiveByInput(ctx, tx, scope, job.TypeSyncDirectory, "sourceId", sourceID.String())
	if err != nil {
		return fmt.Errorf("gws: find running sync: %w", err)
	}
	if running != uuid.Nil {
		return fault.Conflict("a directory sync of this source is already queued or running", running.String())
	}
	return nil
}

// SyncHandler returns the worker handler of SYNC_DIRECTORY; progress receives a SyncProgress
// after each page (the worker passes worker.ReportProgress).
func (s *Service) SyncHandler(progress func(context.Context, any) error) func(context.Context, *job.Record, SyncInput) (any, error) {
	return func(ctx context.Context, rec *job.Record, in SyncInput) (any, error) {
		if rec.AgencyID == nil || in.SourceID == uuid.Nil {
			return nil, job.Permanent(errors.New("gws: bad SYNC_DIRECTORY input"))
		}
		res, err := s.Sync(ctx, *rec.AgencyID, rec.ID, in.SourceID, progress)
		if err != nil {
			return nil, err
		}
		return res, nil
	}
}

// Sync reconciles the source's managed org unit with the agency's live MANAGED_GWS identities
// and stores a report of the mismatches; it changes nothing but the report and the source's
// last_sync_at. Memory is bounded by one directory page, the expected addresses, the ids of
// deleted managed identities and the mismatches: identities are streamed a row at a time, and
// only their id, email and display name (of a deleted one, its id) are kept.
//
// What is reported: a PROVISIONED identity whose user is missing; a user of the managed org
// unit that no live identity expects, including an active (not suspended) user of a DELETED
// identity; a suspended user of an identity that is not being deleted; a user whose name or
// org unit drifted. Users of identities still being provisioned or deleted are neither missing
// nor unknown, and neither is the suspended user of a DELETED identity (deprovisioning leaves
// it so). jobID (may be uuid.Nil) ties the report to its
// job: a retried job replaces its report.
func (s *Service) Sync(ctx context.Context, agencyID, jobID, sourceID uuid.UUID, progress func(context.Context, any) error) (*SyncResult, error) {
	started := time.Now()
	src, err := s.loadSource(ctx, s.db, tenant.Agency(agencyID), sourceID)
	if err != nil {
		return nil, permanentFault(err)
	}
	c, err := s.clientFor(ctx, src)
	if err != nil {
		return nil, directoryFailure(err)
	}
	want, err := s.loadExpected(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	onPage := s.progressReporter(ctx, progress)
	var pages, users int
	mismatches, err := Reconcile(ctx, c, want.byEmail, want.deleted, func(p, u int) {
		pages, users = p, u
		onPage(p, u)
	})
	if err != nil {
		return nil, directoryFailure(err)
	}
	rep := &Report{
		AgencyID: agencyID, SourceID: src.ID, StartedAt: started, Pages: pages, UsersSeen: users,
		Expected: len(want.byEmail), Counts: map[string]int{}, Mismatches: []ReportMismatch{}, RepairedKinds: []string{},
	}
	if jobID != uuid.Nil {
		rep.JobID = &jobID
	}
	rep.collect(mismatches, want.unsettled)
	mismatches = nil
	rep.FinishedAt = time.Now()
	if err := s.storeReport(ctx, rep); err != nil {
		return nil, err
	}
	total := rep.total()
	s.log.InfoContext(ctx, "gws: directory synced", "source_id", src.ID, "pages", pages, "users", users,
		"expected", len(want.byEmail), "mismatches", total)
	return &SyncResult{ReportID: rep.ID, Pages: pages, UsersSeen: users, Expected: len(want.byEmail), Mismatches: total, Counts: rep.Counts}, nil
}

// expectation is what AccessHive's records say the managed org unit should hold.
type expectation struct {
	// byEmail are the live managed identities' users, by lowercased address.
	byEmail map[string]Expected
	// unsettled holds the state of the live identities that are not PROVISIONED; the usual
	// case costs nothing beyond byEmail.
	unsettled map[uuid.UUID]identity.State
	// deleted holds the ids of DELETED managed identities, whose users deprovisioning suspended
	// (unless it deleted them outright) and left in the org unit: only their ids are kept, to
	// recognise them.
	deleted map[uuid.UUID]struct{}
}

// loadExpected streams the agency's managed identities into an expectation.
func (s *Service) loadExpected(ctx context.Context, agencyID uuid.UUID) (*expectation, error) {
	want := &expectation{
		byEmail: make(map[string]Expected), unsettled: make(map[uuid.UUID]identity.State),
		deleted: make(map[uuid.UUID]struct{}),
	}
	err := identity.EachManaged(ctx, s.db, agencyID, func(r identity.ManagedRef) error {
		email := strings.ToLower(strings.TrimSpace(r.Email))
		if email == "" {
			return nil
		}
		given, family := SplitName(r.DisplayName)
		want.byEmail[email] = Expected{IdentityID: r.ID, Email: email, GivenName: given, FamilyName: family}
		if r.State != identity.StateProvisioned {
			want.unsettled[r.ID] = r.State
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = identity.EachDeletedManaged(ctx, s.db, agencyID, func(id uuid.UUID) error {
		want.deleted[id] = struct{}{}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return want, nil
}

// progressReporter returns the per-page callback of a sync, which passes a SyncProgress to
// progress (nil: none); a failed report is logged, never fatal.
func (s *Service) progressReporter(ctx context.Context, progress func(context.Context, any) error) func(pages, users int) {
	return func(pages, users int) {
		if progress == nil {
			return
		}
		if err := progress(ctx, SyncProgress{Pages: pages, UsersSeen: users}); err != nil {
			s.log.DebugContext(ctx, "gws: report sync progress", "error", err)
		}
	}
}

// storeReport stores rep (replacing the report of a retried job) and stamps its source's
// last_sync_at.
func (s *Service) storeReport(ctx context.Context, rep *Report) error {
	return db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewInsert().Model(rep).ExcludeColumn("repaired_at", "repaired_by", "repair")
		if rep.JobID != nil {
			q = q.On("CONFLICT (job_id) WHERE job_id IS NOT NULL DO UPDATE").
				Set("started_at = EXCLUDED.started_at").Set("finished_at = EXCLUDED.finished_at").
				Set("pages = EXCLUDED.pages").Set("users_seen = EXCLUDED.users_seen").
				Set("expected = EXCLUDED.expected").Set("mismatch_counts = EXCLUDED.mismatch_counts").
				Set("mismatches = EXCLUDED.mismatches").Set("truncated = EXCLUDED.truncated")
		}
		if _, err := q.Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("gws: store sync report: %w", err)
		}
		if _, err := tenant.Agency(rep.AgencyID).Update(tx, (*Source)(nil)).Where("src.id = ?", rep.SourceID).
			Set("last_sync_at = ?", rep.FinishedAt).Exec(ctx); err != nil {
			return fmt.Errorf("gws: stamp last sync: %w", err)
		}
		return nil
	})
}
