package job

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/tenant"
)

// ActiveByInput returns the oldest job of typ in scope that is still QUEUED, RUNNING or
// RETRYING and whose input holds value under inputKey (e.g. "sourceId"), with its status;
// uuid.Nil when none is. It is how another package asks whether work on one of its objects is
// already under way, without reading the jobs table itself.
func ActiveByInput(ctx context.Context, idb bun.IDB, scope tenant.Scope, typ Type, inputKey, value string) (uuid.UUID, Status, error) {
	var row struct {
		ID     uuid.UUID `bun:"id"`
		Status Status    `bun:"status"`
	}
	err := scope.Select(idb, (*Record)(nil)).Column("id", "status").
		Where("type = ?", typ).
		Where("status IN (?)", bun.List(Unfinished())).
		Where("input ->> ? = ?", inputKey, value).
		OrderExpr("queued_at, id").Limit(1).
		Scan(ctx, &row)
	if db.IsNoRows(err) {
		return uuid.Nil, "", nil
	}
	if err != nil {
		return uuid.Nil, "", fmt.Errorf("job: find active %s job: %w", typ, err)
	}
	return row.ID, row.Status, nil
}
