package gws

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/tenant"
)

// ReportMismatch is one mismatch of a report.
type ReportMismatch struct {
	Kind       string     `json:"kind"`
	Email      string     `json:"email"`
	IdentityID *uuid.UUID `json:"identityId,omitempty"`
	Detail     string     `json:"detail"`
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

// collect adds mismatches to the report: counted by kind, and listed up to MaxReportMismatches.
// A mismatch of an identity in unsettled is left out unless it is news (reportable).
func (rep *Report) collect(mismatches []Mismatch, unsettled map[uuid.UUID]identity.State) {
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

// total is the number of mismatches the report counted.
func (rep *Report) total() int {
	total := 0
	for _, n := range rep.Counts {
		total += n
	}
	return total
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
	if err := actor.Tenant().Select(s.db, &out).
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
	return loadReport(ctx, s.db, actor.Tenant(), id)
}

// loadReport returns the scope's report by id, or NOT_FOUND.
func loadReport(ctx context.Context, idb bun.IDB, scope tenant.Scope, id uuid.UUID) (*Report, error) {
	return loadByID[Report](ctx, idb, scope, id, "directory sync report")
}

// loadByID returns the scope's row of T's table with id, or NOT_FOUND naming what.
func loadByID[T any](ctx context.Context, idb bun.IDB, scope tenant.Scope, id uuid.UUID, what string) (*T, error) {
	row := new(T)
	err := scope.Select(idb, row).Where("?TableAlias.id = ?", id).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound(what)
	}
	if err != nil {
		return nil, fmt.Errorf("gws: load %s: %w", what, err)
	}
	return row, nil
}
