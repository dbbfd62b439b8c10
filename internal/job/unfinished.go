package job

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/tenant"
)

// Unfinished returns the statuses of a job still at work (QUEUED, RUNNING, RETRYING), the one
// list every "is a job already under way" question uses; it is also the predicate of 0003's
// jobs_active_identity_idx, whose key is (agency_id, type, input ->> 'identityId'). A job in
// any other status has finished (Record.Finished).
func Unfinished() []Status {
	return []Status{StatusQueued, StatusRunning, StatusRetrying}
}

// CountUnfinished counts the jobs of typ, in every agency, that are queued, running or waiting
// for a retry: the periodic enqueuer of a system-wide job asks it before adding another.
func CountUnfinished(ctx context.Context, idb bun.IDB, typ Type) (int, error) {
	// Scanned as a column: bun's Count would drop the comment that marks the span.
	var n int
	err := idb.NewSelect().Model((*Record)(nil)).ColumnExpr("count(*)").
		Where("type = ?", typ).
		Where("status IN (?)", bun.List(Unfinished())).
		Comment(tenant.AllAgencies("a system-wide job type is counted across agencies")).
		Scan(ctx, &n)
	if err != nil {
		return 0, fmt.Errorf("job: count unfinished %s: %w", typ, err)
	}
	return n, nil
}
