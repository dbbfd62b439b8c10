// Package testenv hands tests their own slice of the real PostgreSQL and Redis that
// `make test` starts (internal/devenv/cmd/withenv): a freshly migrated schema per test, a Redis
// database per test, and a unique prefix for pub/sub channels.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/tenant"
)

// Environment variables set by `make test`.
const (
	EnvDatabaseURL = "ACCESSHIVE_TEST_DATABASE_URL"
	EnvRedisAddr   = "ACCESSHIVE_TEST_REDIS_ADDR"
	// EnvTenantGuard chooses what the tenant guard does with an unscoped statement: "fail" (the
	// default) fails the test, "log:<path>" appends it to a file (for surveying a change), "off"
	// ignores it.
	EnvTenantGuard = "ACCESSHIVE_TENANT_GUARD"
)

// tenantGuardDefault is the guard's mode when EnvTenantGuard is unset.
const tenantGuardDefault = "fail"

// redisDatabases is how many Redis databases the test server has (devenv starts it with 1024);
// database 0 holds the allocation counter.
const redisDatabases = 1024

func mustEnv(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: run the tests with `make test`, which starts PostgreSQL and Redis", name)
	}
	return v
}

// DatabaseURL returns the test server's connection string.
func DatabaseURL(t testing.TB) string { return mustEnv(t, EnvDatabaseURL) }

// RandomName returns prefix followed by 12 random hex characters.
func RandomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Schema creates an empty schema, registers its removal, and returns its name.
func Schema(t testing.TB) string {
	t.Helper()
	return SchemaAt(t, DatabaseURL(t))
}

// SchemaAt is Schema in the database at url (a test's own PostgreSQL).
func SchemaAt(t testing.TB, url string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := db.Open(ctx, url, db.Options{MaxOpenConns: 1})
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	defer admin.Close()
	name := RandomName("t_")
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("testenv: create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := db.Open(context.Background(), url, db.Options{MaxOpenConns: 1})
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = c.ExecContext(context.Background(), "DROP SCHEMA "+name+" CASCADE")
	})
	return name
}

// DB returns a connection pool pinned to a fresh schema with every migration applied.
func DB(t testing.TB) *bun.DB {
	t.Helper()
	bdb, _ := DBWithSchema(t)
	return bdb
}

// DBWithSchema is DB that also returns the schema's name, for tests that open more pools on it
// (e.g. a second API server).
func DBWithSchema(t testing.TB) (*bun.DB, string) {
	t.Helper()
	return DBWithSchemaAt(t, DatabaseURL(t))
}

// DBWithSchemaAt is DBWithSchema in the database at url (a test's own PostgreSQL).
func DBWithSchemaAt(t testing.TB, url string) (*bun.DB, string) {
	t.Helper()
	schema := SchemaAt(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	bdb, err := db.Open(ctx, url, db.Options{SearchPath: schema, MaxOpenConns: 10, ConnectTimeout: 15 * time.Second})
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() { _ = bdb.Close() })
	if _, err := db.MigrateUp(ctx, bdb); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	GuardTenancy(t, bdb)
	return bdb, schema
}

// OpenSchema opens another pool on an existing test schema.
func OpenSchema(t testing.TB, schema string) *bun.DB {
	t.Helper()
	return OpenSchemaAt(t, DatabaseURL(t), schema)
}

// OpenSchemaAt is OpenSchema in the database at url.
func OpenSchemaAt(t testing.TB, url, schema string) *bun.DB {
	t.Helper()
	bdb, err := db.Open(context.Background(), url, db.Options{SearchPath: schema, MaxOpenConns: 10, ConnectTimeout: 15 * time.Second})
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() { _ = bdb.Close() })
	GuardTenancy(t, bdb)
	return bdb
}

// issuedByTest reports whether the statement being run was written in a _test.go file: a test's
// own checks of what was stored may look across agencies (that is often what they check), so
// the guard holds the product's code to the rule, not the tests'.
func issuedByTest() bool {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		switch {
		case strings.Contains(f.File, "/uptrace/bun"), strings.Contains(f.File, "/database/sql/"),
			strings.Contains(f.File, "/jackc/pgx"), strings.Contains(f.File, "/internal/tenant/"),
			strings.Contains(f.File, "/internal/testenv/"):
		default:
			return strings.HasSuffix(f.File, "_test.go")
		}
		if !more {
			return false
		}
	}
}

// GuardTenancy fails t when a statement on a tenant table runs on bdb without its agency
// condition (tenant.Guard), unless it is marked tenant.AllAgencies.
func GuardTenancy(t testing.TB, bdb *bun.DB) {
	mode := os.Getenv(EnvTenantGuard)
	if mode == "" {
		mode = tenantGuardDefault
	}
	report := func(query string) {
		if issuedByTest() {
			return
		}
		t.Errorf("tenant guard: a statement on a tenant table has no agency condition (start it from a tenant.Scope, or mark it tenant.AllAgencies): %s", query)
	}
	switch {
	case mode == "off":
		return
	case strings.HasPrefix(mode, "log:"):
		path := strings.TrimPrefix(mode, "log:")
		report = func(query string) {
			if issuedByTest() {
				return
			}
			f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				return
			}
			defer f.Close()
			fmt.Fprintf(f, "%s\t%s\n", t.Name(), strings.ReplaceAll(query, "\n", " "))
		}
	}
	bdb.AddQueryHook(tenant.Guard{Report: report})
}

// RedisAddr returns the test Redis server's address.
func RedisAddr(t testing.TB) string { return mustEnv(t, EnvRedisAddr) }

// RedisDB allocates a Redis database number no other running test uses, flushes it, and
// flushes it again when the test ends.
func RedisDB(t testing.TB) int {
	t.Helper()
	return RedisDBAt(t, RedisAddr(t))
}

// RedisDBAt is RedisDB on the Redis server at addr (a test's own).
func RedisDBAt(t testing.TB, addr string) int {
	t.Helper()
	ctx := context.Background()
	c0 := redis.NewClient(&redis.Options{Addr: addr})
	defer c0.Close()
	n, err := c0.Incr(ctx, "accesshive:test:redis-db-counter").Result()
	if err != nil {
		t.Fatalf("testenv: allocate redis db: %v", err)
	}
	dbn := int(n%(redisDatabases-1)) + 1
	c := redis.NewClient(&redis.Options{Addr: addr, DB: dbn})
	defer c.Close()
	if err := c.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("testenv: flush redis db %d: %v", dbn, err)
	}
	t.Cleanup(func() {
		c := redis.NewClient(&redis.Options{Addr: addr, DB: dbn})
		defer c.Close()
		_ = c.FlushDB(context.Background()).Err()
	})
	return dbn
}

// Redis returns a client on a Redis database of the test's own.
func Redis(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: RedisAddr(t), DB: RedisDB(t)})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Prefix returns a unique key and channel prefix for one test, since pub/sub channels are
// shared by every Redis database.
func Prefix(t testing.TB) string {
	t.Helper()
	return fmt.Sprintf("%s:", RandomName("test-"))
}
