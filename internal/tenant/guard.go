package tenant

import (
	"context"
	"regexp"
	"strings"

	"github.com/uptrace/bun"
)

// Tables lists every table whose rows carry agency_id: the tables a Scope is for and the Guard
// watches. A migration adding a tenant table adds it here (TestTablesMatchSchema checks).
var Tables = []string{
	"access_requests", "account_tokens", "audit_events", "clients", "directory_domains",
	"directory_sync_reports", "identities", "identity_provider_statuses", "identity_sources",
	"jobs", "notifications", "platform_connections", "reveals", "role_templates", "secrets",
	"sessions", "users",
}

// allMarker is the comment that marks a statement spanning agencies on purpose.
const allMarker = "tenant:all-agencies"

// AllAgencies returns the comment for a statement that deliberately spans agencies, with the
// reason a reader (and a reviewer) needs: add it with the query's Comment method, e.g.
// db.NewSelect().Model(&rows).Comment(tenant.AllAgencies("outbox relay")).
func AllAgencies(why string) string { return allMarker + ": " + strings.ReplaceAll(why, "*/", "") }

var (
	// tenantRef finds a tenant table where a statement reads, changes or deletes rows of it.
	tenantRef = regexp.MustCompile(`(?i)\b(FROM|UPDATE|DELETE\s+FROM)\s+"?(` + strings.Join(Tables, "|") + `)"?(\s|$|,|\))`)
	// agencyCond finds a condition fixing agency_id to a value (bun inlines arguments, so the
	// value is a quoted literal or a list), as opposed to a join's column = column.
	agencyCond = regexp.MustCompile(`(?i)agency_id"?\s*(=\s*'|IN\s*\(\s*')`)
)

// Unscoped reports whether query (as bun sends it, arguments inlined) reads, changes or deletes
// rows of a tenant table without fixing the agency once per table it starts from, and is not
// marked with AllAgencies. INSERTs are not checked: agency_id is NOT NULL on every tenant table,
// so an insert without it fails on its own. Nor are migrations, which change the schema of every
// agency at once: only statements that start with SELECT, UPDATE, DELETE or WITH are.
func Unscoped(query string) bool {
	if strings.Contains(query, allMarker) {
		return false
	}
	switch strings.ToUpper(firstWord(query)) {
	case "SELECT", "UPDATE", "DELETE", "WITH":
	default: // INSERT, and schema changes (migrations: CREATE, ALTER, DROP, DO, a -- comment)
		return false
	}
	refs := len(tenantRef.FindAllStringIndex(query, -1))
	if refs == 0 {
		return false
	}
	return len(agencyCond.FindAllStringIndex(query, -1)) < refs
}

func firstWord(q string) string {
	q = strings.TrimSpace(q)
	for strings.HasPrefix(q, "/*") {
		end := strings.Index(q, "*/")
		if end < 0 {
			return ""
		}
		q = strings.TrimSpace(q[end+2:])
	}
	if i := strings.IndexFunc(q, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '(' }); i >= 0 {
		return q[:i]
	}
	return q
}

// Guard is a bun query hook that calls Report with every Unscoped statement. Tests install it on
// their databases (internal/testenv), so a query that forgets its tenant fails the test that runs it.
type Guard struct {
	Report func(query string)
}

var _ bun.QueryHook = Guard{}

// BeforeQuery reports query if it is unscoped.
func (g Guard) BeforeQuery(ctx context.Context, ev *bun.QueryEvent) context.Context {
	if g.Report != nil && Unscoped(ev.Query) {
		g.Report(ev.Query)
	}
	return ctx
}

// AfterQuery does nothing.
func (Guard) AfterQuery(context.Context, *bun.QueryEvent) {}
