package db

import (
	"context"
	"embed"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns AccessHive's numbered SQL migrations, embedded in the binary.
func Migrations() (*migrate.Migrations, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(migrationFiles); err != nil {
		return nil, fmt.Errorf("db: discover migrations: %w", err)
	}
	return ms, nil
}

// NewMigrator returns bun's migrator over the embedded migrations.
func NewMigrator(bdb *bun.DB) (*migrate.Migrator, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	return migrate.NewMigrator(bdb, ms), nil
}

// MigrateUp creates the migration tables when missing and applies every pending migration,
// holding bun's lock so that two processes never migrate at once. It returns the applied group.
func MigrateUp(ctx context.Context, bdb *bun.DB) (*migrate.MigrationGroup, error) {
	return locked(ctx, bdb, "up", func(m *migrate.Migrator) (*migrate.MigrationGroup, error) { return m.Migrate(ctx) })
}

// MigrateDown rolls back the last applied group of migrations.
func MigrateDown(ctx context.Context, bdb *bun.DB) (*migrate.MigrationGroup, error) {
	return locked(ctx, bdb, "down", func(m *migrate.Migrator) (*migrate.MigrationGroup, error) { return m.Rollback(ctx) })
}

// locked runs step (a migration in direction dir) with the migration tables created and bun's
// migration lock held.
func locked(ctx context.Context, bdb *bun.DB, dir string, step func(*migrate.Migrator) (*migrate.MigrationGroup, error)) (*migrate.MigrationGroup, error) {
	m, err := NewMigrator(bdb)
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("db: init migrations: %w", err)
	}
	if err := m.Lock(ctx); err != nil {
		return nil, fmt.Errorf("db: lock migrations: %w", err)
	}
	defer func() { _ = m.Unlock(context.WithoutCancel(ctx)) }()
	group, err := step(m)
	if err != nil {
		return nil, fmt.Errorf("db: migrate %s: %w", dir, err)
	}
	return group, nil
}
