package db_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/testenv"
)

// TestMigrationsGoDownAndUpAgain rolls every migration back over seeded data and applies them
// again, so that each down file undoes its up file.
func TestMigrationsGoDownAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bdb := testenv.DB(t)
	_, err := demo.Seed(ctx, bdb)
	require.NoError(t, err)
	group, err := db.MigrateDown(ctx, bdb)
	require.NoError(t, err)
	require.NotEmpty(t, group.Migrations)
	var tables int
	require.NoError(t, bdb.NewSelect().TableExpr("information_schema.tables").
		Where("table_schema = current_schema()").Where("table_name NOT LIKE 'bun_%'").ColumnExpr("count(*)").Scan(ctx, &tables))
	require.Zero(t, tables, "every table is dropped")
	_, err = db.MigrateUp(ctx, bdb)
	require.NoError(t, err)
	_, err = demo.Seed(ctx, bdb)
	require.NoError(t, err)
}
