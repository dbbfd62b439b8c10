package job

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/tenant"
)

// CountUnfinished counts the jobs of typ, in every agency, that are queued, running or waiting
// for a retry: the periodic enqueuer of a system-wide job asks it before adding another.
func CountUnfinished(ctx context.Context, idb bun.IDB, typ Type) (int, error) {
	// Scanned as a column: bun's Count would drop the comment that marks the span.
	var n int
	err := idb.NewSelect().Model((*Record)(nil)).ColumnExpr("count(*)").
		Where("type = ?", typ).
		Where("status IN (?)", bun.List([]Status{StatusQueued, StatusRunning, StatusRetrying})).
		Comment(tenant.AllAgencies("a system-wide job type is counted across agencies")).
		Scan(ctx, &n)
	if err != nil {
		return 0, fmt.Errorf("job: count unfinished %s: %w", typ, err)
	}
	return n, nil
}
