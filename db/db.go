// Package db opens AccessHive's PostgreSQL database through bun, runs its embedded migrations and
// offers the transaction helper every domain package uses.
package db

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// Options tune the connection pool.
type Options struct {
	// SearchPath, when set, pins every connection to that schema (tests use a schema each).
	SearchPath string
	// MaxOpenConns bounds the pool; 0 means 20.
	MaxOpenConns int
	// ConnectTimeout bounds opening one connection (TCP connect and PostgreSQL's startup
	// handshake), so that a frozen server fails a request instead of hanging it; 0 means 3s.
	ConnectTimeout time.Duration
	// StatementTimeout is PostgreSQL's statement_timeout on every connection: the server's own
	// bound on one statement, lock waits included; 0 means 30s.
	StatementTimeout time.Duration
}

// Open connects to PostgreSQL at dsn and checks that it answers.
func Open(ctx context.Context, dsn string, opts Options) (*bun.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("db: parse dsn: %w", err)
	}
	if opts.SearchPath != "" {
		cfg.RuntimeParams["search_path"] = opts.SearchPath
	}
	cfg.ConnectTimeout = cmp.Or(opts.ConnectTimeout, 3*time.Second)
	cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(cmp.Or(opts.StatementTimeout, 30*time.Second).Milliseconds(), 10)
	sqldb := stdlib.OpenDB(*cfg)
	maxOpen := opts.MaxOpenConns
	if maxOpen == 0 {
		maxOpen = 20
	}
	sqldb.SetMaxOpenConns(maxOpen)
	sqldb.SetMaxIdleConns(maxOpen)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	bdb := bun.NewDB(sqldb, pgdialect.New())
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := bdb.PingContext(pingCtx); err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("db: ping: %w", err)
	}
	return bdb, nil
}

// InTx runs fn in a transaction, committing when fn returns nil and rolling back otherwise;
// after the commit it runs what fn registered with AfterCommit.
func InTx(ctx context.Context, idb bun.IDB, fn func(ctx context.Context, tx bun.Tx) error) error {
	return inTxWithAfterCommit(ctx, idb, func(ctx context.Context) error {
		// bun hands a savepoint's fn the outer transaction's context: give it this one, which
		// carries the savepoint's own AfterCommit list.
		return idb.RunInTx(ctx, &sql.TxOptions{}, func(_ context.Context, tx bun.Tx) error { return fn(ctx, tx) })
	})
}

// PostgreSQL error codes the domain packages translate into domain errors.
const (
	CodeUniqueViolation     = "23505"
	CodeForeignKeyViolation = "23503"
	CodeCheckViolation      = "23514"
	CodeExclusionViolation  = "23P01"
)

// IsCode reports whether err is a PostgreSQL error with the given SQLSTATE code.
func IsCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}

// ConstraintName returns the name of the constraint err violated, or "".
func ConstraintName(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.ConstraintName
	}
	return ""
}

// IsNoRows reports whether err means a query found nothing.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
