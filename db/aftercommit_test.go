package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/testenv"
)

// TestAfterCommit: work registered inside a transaction runs after its commit, never after a
// rollback, and a savepoint's work waits for the outermost commit.
func TestAfterCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bdb := testenv.DB(t)
	var ran []string
	mark := func(name string) func(context.Context) {
		return func(context.Context) { ran = append(ran, name) }
	}

	require.NoError(t, db.InTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
		db.AfterCommit(ctx, mark("outer"))
		err := db.InTx(ctx, tx, func(ctx context.Context, _ bun.Tx) error {
			db.AfterCommit(ctx, mark("savepoint"))
			return nil
		})
		require.Empty(t, ran, "a savepoint's work waits for the commit")
		return err
	}))
	require.Equal(t, []string{"outer", "savepoint"}, ran)

	ran = nil
	boom := errors.New("boom")
	err := db.InTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
		db.AfterCommit(ctx, mark("rolled back"))
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.NoError(t, db.InTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
		_ = db.InTx(ctx, tx, func(ctx context.Context, _ bun.Tx) error {
			db.AfterCommit(ctx, mark("failed savepoint"))
			return boom
		})
		return nil
	}))
	require.Empty(t, ran, "nothing runs for work that did not commit")

	db.AfterCommit(ctx, mark("no transaction"))
	require.Equal(t, []string{"no transaction"}, ran)
}
