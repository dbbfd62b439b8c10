package tenant_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/testenv"
)

func TestUnscoped(t *testing.T) {
	t.Parallel()
	const a = "'0b6f5f8e-1c1d-4e55-9f0f-0d1f3f0c2a11'"
	tests := []struct {
		name  string
		query string
		want  bool
	}{
		{"select by id alone", `SELECT "i"."id" FROM "identities" AS "i" WHERE (i.id = ` + a + `)`, true},
		{"select with agency", `SELECT "i"."id" FROM "identities" AS "i" WHERE ("i"."agency_id" = ` + a + `) AND (i.id = ` + a + `)`, false},
		{"join condition is not an agency condition", `SELECT * FROM "access_requests" AS "ar" JOIN users AS u ON u.agency_id = ar.agency_id WHERE ar.id = ` + a, true},
		{"update without agency", `UPDATE "jobs" AS "j" SET "state" = 'FAILED' WHERE (j.id = ` + a + `)`, true},
		{"update with agency", `UPDATE "jobs" AS "j" SET "state" = 'FAILED' WHERE (j.agency_id = ` + a + `) AND (j.id = ` + a + `)`, false},
		{"delete without agency", `DELETE FROM "reveals" AS "r" WHERE (r.id = ` + a + `)`, true},
		{"delete with agency list", `DELETE FROM directory_domains WHERE agency_id IN ('x', 'y')`, false},
		{"subquery needs its own", `SELECT * FROM identities WHERE agency_id = ` + a + ` AND id IN (SELECT identity_id FROM access_requests WHERE id = ` + a + `)`, true},
		{"subquery with its own", `SELECT * FROM identities WHERE agency_id = ` + a + ` AND id IN (SELECT identity_id FROM access_requests WHERE agency_id = ` + a + `)`, false},
		{"marked all agencies", `/* ` + tenant.AllAgencies("outbox relay") + ` */ SELECT * FROM jobs WHERE state = 'RUNNING'`, false},
		{"insert is not checked", `INSERT INTO "jobs" ("id", "agency_id") VALUES (` + a + `, ` + a + `)`, false},
		{"a migration", `-- backfill` + "\n" + `ALTER TABLE jobs ADD COLUMN x int; UPDATE jobs SET x = 1`, false},
		{"a CTE", `WITH x AS (SELECT id FROM jobs WHERE state = 'RUNNING') SELECT * FROM x`, true},
		{"not a tenant table", `SELECT * FROM platforms WHERE key = 'ga4'`, false},
		{"a table whose name starts like one", `SELECT * FROM users_archive WHERE id = 1`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tenant.Unscoped(tt.query), tt.query)
		})
	}
}

// row is a tenant table's model for the tests below.
type row struct {
	bun.BaseModel `bun:"table:identities,alias:i"`
	ID            uuid.UUID `bun:"id,pk"`
	AgencyID      uuid.UUID `bun:"agency_id"`
	ClientID      uuid.UUID `bun:"client_id"`
}

// recorder collects what the guard reports.
type recorder struct {
	mu      sync.Mutex
	queries []string
}

func (r *recorder) report(q string) { r.mu.Lock(); r.queries = append(r.queries, q); r.mu.Unlock() }
func (r *recorder) all() []string   { r.mu.Lock(); defer r.mu.Unlock(); return slices.Clone(r.queries) }

// TestGuardReportsAnUnscopedQuery runs queries against the real database: the ones a Scope starts
// pass the guard, one that selects a tenant table by id alone is reported.
func TestGuardReportsAnUnscopedQuery(t *testing.T) {
	t.Setenv(testenv.EnvTenantGuard, "off") // this test installs its own guard (so it is not parallel)
	bdb := testenv.DB(t)
	rec := &recorder{}
	bdb.AddQueryHook(tenant.Guard{Report: rec.report})
	ctx := context.Background()
	agency, client := uuid.New(), uuid.New()

	var rows []row
	require.NoError(t, tenant.Agency(agency).Select(bdb, &rows).Scan(ctx))
	require.NoError(t, tenant.Client(agency, client).Select(bdb, &rows).Where("i.id = ?", uuid.New()).Scan(ctx))
	var n int
	require.NoError(t, tenant.Agency(agency).SelectTable(bdb, "access_requests", "ar").ColumnExpr("count(*)").Scan(ctx, &n))
	_, err := tenant.Agency(agency).UpdateTable(bdb, "jobs").Set("attempts = attempts").Where("id = ?", uuid.New()).Exec(ctx)
	require.NoError(t, err)
	_, err = tenant.Agency(agency).DeleteTable(bdb, "directory_domains").Exec(ctx)
	require.NoError(t, err)
	require.NoError(t, bdb.NewSelect().Model(&rows).Comment(tenant.AllAgencies("a sweeper")).Scan(ctx))
	require.Empty(t, rec.all(), "scoped and marked statements pass the guard")

	require.NoError(t, bdb.NewSelect().Model(&rows).Where("i.id = ?", uuid.New()).Scan(ctx))
	got := rec.all()
	require.Len(t, got, 1, "the guard reports the statement without an agency condition")
	require.Contains(t, got[0], `FROM "identities"`)
}

// TestClientScopeNarrows checks against the real database that a client user's scope sees only
// its client's rows of a client table, and an agency scope sees its agency's.
func TestClientScopeNarrows(t *testing.T) {
	t.Parallel()
	bdb := testenv.DB(t)
	ctx := context.Background()
	q := tenant.Client(uuid.New(), uuid.New()).Select(bdb, &[]row{})
	sql := q.String()
	require.Contains(t, sql, `"i".agency_id = `)
	require.Contains(t, sql, `"i"."client_id" = `)
	sql = tenant.Agency(uuid.New()).Select(bdb, &[]row{}).String()
	require.Contains(t, sql, `"i".agency_id = `)
	require.NotContains(t, sql, `"client_id" = `)
	require.NoError(t, q.Scan(ctx))
}

// TestTablesMatchSchema fails when a migration adds a table with agency_id that Tables (and so
// the guard) does not know, or Tables names one without it.
func TestTablesMatchSchema(t *testing.T) {
	t.Parallel()
	bdb := testenv.DB(t)
	var got []string
	err := bdb.NewSelect().TableExpr("information_schema.columns").ColumnExpr("table_name").
		Where("table_schema = current_schema() AND column_name = 'agency_id'").
		Order("table_name").Scan(context.Background(), &got)
	require.NoError(t, err)
	want := slices.Clone(tenant.Tables)
	slices.Sort(want)
	require.Equal(t, want, got)
}
