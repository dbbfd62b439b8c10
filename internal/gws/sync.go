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

// ReportMismatch is one mismatch of a report.
type ReportMismatch struct {
	Kind       string     `json:"kind"`
	Email      string     `json:"email"`
	IdentityID *uuid.UUID `json:"identityId,omitempty"`
	Detail     string     `json:"detail"`
}

// RepairAction is what a repair did (or declined to do) about one mismatch.
type RepairAction struct {
	Kind       string     `json:"kind"`
	Email      string     `json:"email"`
	IdentityID *uuid.UUID `json:"identityId,omitempty"`
	// Action is one of the Repair* constants.
	Action string `json:"action"`
	Detail string `json:"detail,omitempty"`
	// JobID is the provisioning job of a re-provisioning.
	JobID *uuid.UUID `json:"jobId,omitempty"`
}

// Report is a directory sync report: a dry run's mismatches between the managed org unit and
// AccessHive's managed identities, and the repairs made from it later.
type Report struct {
	bun.BaseModel `bun:"table:directory_sync_reports,alias:r"`

	ID            uuid.UUID        `bun:"id,pk,type:uuid,default:gen_random_uuid()"`
	AgencyID      uuid.UUID        `bun:"agency_id,type:uuid,notnull"`
	SourceID      uuid.UUID        `bun:"source_id,type:uuid,notnull"`
	JobID         *uuid.UUID       `bun:"job_id,type:uuid"`
	StartedAt     time.Time        `bun:"started_at,notnull"`
	FinishedAt    time.Time        `bun:"finished_at,notnull"`
	Pages         int              `bun:"pages,notnull"`
	UsersSeen     int              `bun:"users_seen,notnull"`
	Expected      int              `bun:"expected,notnull"`
	Counts        map[string]int   `bun:"mismatch_counts,type:jsonb,notnull"`
	Mismatches    []ReportMismatch `bun:"mismatches,type:jsonb,notnull"`
	Truncated     bool             `bun:"truncated,notnull"`
	RepairedAt    *time.Time       `bun:"repaired_at"`
	RepairedBy    *uuid.UUID       `bun:"repaired_by,type:uuid"`
	RepairedKinds []string         `bun:"repaired_kinds,array,notnull"`
	Repair        []RepairAction   `bun:"repair,type:jsonb"`
}

// RequestSync enqueues a SYNC_DIRECTORY job (low queue) for one of the agency's sources (owners
// and admins). A sync already queued or running for the agency is a CONFLICT naming its job.
func (s *Service) RequestSync(ctx context.Context, actor *auth.Actor, sourceID uuid.UUID) (*job.Record, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	var rec *job.Record
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		src := new(Source)
		err := tx.NewSelect().Model(src).Where("src.agency_id = ? AND src.id = ?", actor.AgencyID, sourceID).For("UPDATE").Scan(ctx)
		if db.IsNoRows(err) {
			return fault.NotFound("identity source")
		}
		if err != nil {
			return fmt.Errorf("gws: lock source: %w", err)
		}
		var running uuid.UUID
		err = tx.NewSelect().Model((*job.Record)(nil)).Column("id").
			Where("agency_id = ? AND type = ?", actor.AgencyID, job.TypeSyncDirectory).
			Where("status IN (?)", bun.In([]job.Status{job.StatusQueued, job.StatusRunning, job.StatusRetrying})).
			Where("input ->> 'sourceId' = ?", sourceID.String()).
			Limit(1).Scan(ctx, &running)
		switch {
		case err == nil:
			return fault.Conflict("a directory sync of this source is already queued or running", running.String())
		case !db.IsNoRows(err):
			return fmt.Errorf("gws: find running sync: %w", err)
		}
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
	src, err := s.loadSource(ctx, s.db, agencyID, sourceID)
	if err != nil {
		return nil, permanentFault(err)
	}
	c, err := s.clientFor(ctx, src)
	if err != nil {
		return nil, syncError(err)
	}

	expected := make(map[string]Expected)
	// Only identities that are not PROVISIONED are remembered with their state, so the
	// usual case costs nothing beyond the expected map.
	unsettled := make(map[uuid.UUID]identity.State)
	err = identity.EachManaged(ctx, s.db, agencyID, func(r identity.ManagedRef) error {
		email := strings.ToLower(strings.TrimSpace(r.Email))
		if email == "" {
			return nil
		}
		given, family := SplitName(r.DisplayName)
		expected[email] = Expected{IdentityID: r.ID, Email: email, GivenName: given, FamilyName: family}
		if r.State != identity.StateProvisioned {
			unsettled[r.ID] = r.State
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Deleted identities' users are suspended by deprovisioning (unless deleted outright) and
	// stay in the org unit: only their ids are kept, to recognise them.
	deleted := make(map[uuid.UUID]struct{})
	err = identity.EachDeletedManaged(ctx, s.db, agencyID, func(id uuid.UUID) error {
		deleted[id] = struct{}{}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var onPage func(pages, users int)
	if progress != nil {
		onPage = func(pages, users int) {
			if err := progress(ctx, SyncProgress{Pages: pages, UsersSeen: users}); err != nil {
				s.log.DebugContext(ctx, "gws: report sync progress", "error", err)
			}
		}
	}
	var pages, users int
	mismatches, err := Reconcile(ctx, c, expected, deleted, func(p, u int) {
		pages, users = p, u
		if onPage != nil {
			onPage(p, u)
		}
	})
	if err != nil {
		return nil, syncError(err)
	}

	rep := &Report{
		AgencyID: agencyID, SourceID: src.ID, StartedAt: started, Pages: pages, UsersSeen: users,
		Expected: len(expected), Counts: map[string]int{}, Mismatches: []ReportMismatch{}, RepairedKinds: []string{},
	}
	if jobID != uuid.Nil {
		rep.JobID = &jobID
	}
	for _, m := range mismatches {
		if state, ok := unsettled[m.IdentityID]; ok && !reportable(m.Kind, state) {
			continue
		}
		rep.Counts[m.Kind]++
		if len(rep.Mismatches) >= MaxReportMismatches {
			rep.Truncated = true
			continue
		}
		rm := ReportMismatch{Kind: m.Kind, Email: m.Email, Detail: m.Detail}
		if m.IdentityID != uuid.Nil {
			id := m.IdentityID
			rm.IdentityID = &id
		}
		rep.Mismatches = append(rep.Mismatches, rm)
	}
	mismatches = nil
	rep.FinishedAt = time.Now()

	err = db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
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
		if _, err := tx.NewUpdate().Model((*Source)(nil)).Where("id = ?", src.ID).
			Set("last_sync_at = ?", rep.FinishedAt).Exec(ctx); err != nil {
			return fmt.Errorf("gws: stamp last sync: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	total := 0
	for _, n := range rep.Counts {
		total += n
	}
	s.log.InfoContext(ctx, "gws: directory synced", "source_id", src.ID, "pages", pages, "users", users,
		"expected", len(expected), "mismatches", total)
	return &SyncResult{ReportID: rep.ID, Pages: pages, UsersSeen: users, Expected: len(expected), Mismatches: total, Counts: rep.Counts}, nil
}

// reportable says whether a mismatch of an identity that is not PROVISIONED is news: a user
// not created yet (PENDING, PROVISIONING, FAILED) is not missing, and the user of an identity
// being deleted is expected to be suspended.
func reportable(kind string, state identity.State) bool {
	switch kind {
	case MismatchMissing:
		return false
	case MismatchSuspended:
		return state != identity.StateDeprovisioning
	}
	return true
}

// syncError marks a directory error permanent when no retry can fix it.
func syncError(err error) error {
	if permanent(err) {
		return job.Permanent(err)
	}
	return err
}

// ListReports returns the agency's latest directory sync reports, newest first (staff only);
// limit 0 means 10.
func (s *Service) ListReports(ctx context.Context, actor *auth.Actor, limit int) ([]Report, error) {
	if err := actor.Require(auth.ActionReadOps); err != nil {
		return nil, err
	}
	if limit == 0 {
		limit = 10
	}
	if limit < 1 || limit > MaxReportsLimit {
		return nil, fault.Invalid("limit", fmt.Sprintf("must be between 1 and %d", MaxReportsLimit))
	}
	var out []Report
	if err := s.db.NewSelect().Model(&out).Where("r.agency_id = ?", actor.AgencyID).
		OrderExpr("r.started_at DESC, r.id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("gws: list reports: %w", err)
	}
	return out, nil
}

// GetReport returns one of the agency's reports (staff only), or NOT_FOUND.
func (s *Service) GetReport(ctx context.Context, actor *auth.Actor, id uuid.UUID) (*Report, error) {
	if err := actor.Require(auth.ActionReadOps); err != nil {
		return nil, err
	}
	return s.loadReport(ctx, s.db, actor.AgencyID, id)
}

func (s *Service) loadReport(ctx context.Context, idb bun.IDB, agencyID, id uuid.UUID) (*Report, error) {
	rep := new(Report)
	err := idb.NewSelect().Model(rep).Where("r.agency_id = ? AND r.id = ?", agencyID, id).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound("directory sync report")
	}
	if err != nil {
		return nil, fmt.Errorf("gws: load report: %w", err)
	}
	return rep, nil
}
