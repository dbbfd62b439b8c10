package job

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/tenant"
)

// activeFor narrows q (on jobs AS j) to the jobs of type typ still at work on the identity
// identityID (its id as text, or a column reference) names: the one definition of "an active
// job of an identity" that ActiveForIdentity and ActiveForEachIdentity share.
func activeFor(q *bun.SelectQuery, typ Type, identityID any) *bun.SelectQuery {
	return q.Column("j.id", "j.status").
		Where("j.type = ?", typ).
		Where("j.input ->> 'identityId' = ?", identityID).
		Where("j.status IN (?)", bun.List(Unfinished()))
}

// ActiveForIdentity returns the oldest job of type typ of the agency that is still QUEUED,
// RUNNING or RETRYING for the identity, with its status, or uuid.Nil when none is.
func ActiveForIdentity(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, typ Type, identityID uuid.UUID) (uuid.UUID, Status, error) {
	var row struct {
		ID     uuid.UUID `bun:"id"`
		Status Status    `bun:"status"`
	}
	q := activeFor(tenant.Agency(agencyID).SelectTable(idb, "jobs", "j"), typ, identityID.String())
	err := q.OrderExpr("j.queued_at, j.id").Limit(1).Scan(ctx, &row)
	if db.IsNoRows(err) {
		return uuid.Nil, "", nil
	}
	if err != nil {
		return uuid.Nil, "", fmt.Errorf("job: find active job of identity: %w", err)
	}
	return row.ID, row.Status, nil
}

// ActiveForEachIdentity returns a subquery selecting the jobs of type typ still at work on the
// identity of each row of an enclosing query, whose agency and identity id are the columns
// agencyCol and identityCol (trusted names, not input), e.g. for "NOT EXISTS (?)" in a sweeper
// that spans agencies (and says so with tenant.AllAgencies).
func ActiveForEachIdentity(idb bun.IDB, typ Type, agencyCol, identityCol string) *bun.SelectQuery {
	q := idb.NewSelect().TableExpr("jobs AS j").Where("j.agency_id = ?", bun.Safe(agencyCol))
	return activeFor(q, typ, bun.Safe(identityCol+"::text"))
}

// ActiveOfEachAgency returns a subquery selecting the jobs of type typ still QUEUED, RUNNING
// or RETRYING of the agency of each row of an enclosing query, whose agency id is the column
// agencyCol (a trusted name, not input), e.g. for "NOT EXISTS (?)" in a scheduler that spans
// agencies (and says so with tenant.AllAgencies).
func ActiveOfEachAgency(idb bun.IDB, typ Type, agencyCol string) *bun.SelectQuery {
	return idb.NewSelect().TableExpr("jobs AS j").ColumnExpr("1").
		Where("j.agency_id = ?", bun.Safe(agencyCol)).
		Where("j.type = ?", typ).
		Where("j.status IN (?)", bun.List(Unfinished()))
}

// ActiveForIdentities maps each of the agency's identities that has a job of type typ still
// QUEUED, RUNNING or RETRYING to that job (the most recently queued, should there be several).
func ActiveForIdentities(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, typ Type, identityIDs []uuid.UUID) (map[uuid.UUID]uuid.UUID, error) {
	out := map[uuid.UUID]uuid.UUID{}
	if len(identityIDs) == 0 {
		return out, nil
	}
	ids := make([]string, len(identityIDs))
	for i, id := range identityIDs {
		ids[i] = id.String()
	}
	var rows []struct {
		ID         uuid.UUID `bun:"id"`
		IdentityID uuid.UUID `bun:"identity_id"`
	}
	err := tenant.Agency(agencyID).SelectTable(idb, "jobs", "j").
		ColumnExpr("j.id, (j.input->>'identityId')::uuid AS identity_id").
		Where("j.type = ?", typ).
		Where("j.status IN (?)", bun.List(Unfinished())).
		Where("j.input->>'identityId' IN (?)", bun.List(ids)).
		OrderExpr("j.queued_at").
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("job: active jobs of identities: %w", err)
	}
	for _, r := range rows {
		out[r.IdentityID] = r.ID
	}
	return out, nil
}
