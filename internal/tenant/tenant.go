// Package tenant is the one place a query on a tenant table gets its tenancy: every query a
// domain package runs for a caller starts from a Scope, which already carries the caller's agency
// (and, for a client user, its client), so that no query depends on remembering the condition.
// Model: miniflux's storage query builders, which begin every query with the user.
//
// A query that must cross agencies (the outbox relay, a sweeper, a login looking a session up by
// its token) says so with AllAgencies, which tags it with a comment the Guard recognises; the
// Guard, installed on every test database, reports any other statement on a tenant table that
// lacks the agency condition.
package tenant

import (
	"context"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// Scope is the tenancy a query runs in: one agency and, for a client user, one of its clients.
type Scope struct {
	// AgencyID is the agency every row must belong to.
	AgencyID uuid.UUID
	// ClientID narrows tables that belong to a client (see clientColumn) to that client;
	// uuid.Nil for agency staff and for work done on the agency's behalf.
	ClientID uuid.UUID
}

// Agency returns the scope of work done for a whole agency (staff, jobs, the worker).
func Agency(agencyID uuid.UUID) Scope { return Scope{AgencyID: agencyID} }

// Client returns the scope of a client user: its agency, narrowed to its client.
func Client(agencyID, clientID uuid.UUID) Scope {
	return Scope{AgencyID: agencyID, ClientID: clientID}
}

// clientColumn names, for each tenant table that belongs to a client, the column holding that
// client's id; a client scope narrows these tables by it. Tables not listed here are narrowed by
// the agency alone, and the domain decides (by role) whether a client user may read them.
var clientColumn = map[string]string{
	"clients":         "id",
	"identities":      "client_id",
	"access_requests": "client_id",
}

// Select starts a SELECT of model (a struct or slice pointer of a tenant table) in s.
func (s Scope) Select(idb bun.IDB, model any) *bun.SelectQuery {
	q := idb.NewSelect().Model(model)
	return s.whereSelect(q, q.GetTableName())
}

// SelectTable starts a SELECT from table (with alias, which may be empty) in s, for queries
// that scan into something other than the table's model.
func (s Scope) SelectTable(idb bun.IDB, table, alias string) *bun.SelectQuery {
	q := idb.NewSelect()
	if alias == "" {
		q = q.Table(table)
	} else {
		q = q.TableExpr("? AS ?", bun.Ident(table), bun.Ident(alias))
	}
	return s.where(q, table, alias)
}

// Update starts an UPDATE of model's table in s.
func (s Scope) Update(idb bun.IDB, model any) *bun.UpdateQuery {
	q := idb.NewUpdate().Model(model)
	return scoped(s, q, q.GetTableName(), "?TableAlias.")
}

// UpdateTable starts an UPDATE of table in s, for updates without a model.
func (s Scope) UpdateTable(idb bun.IDB, table string) *bun.UpdateQuery {
	return scoped(s, idb.NewUpdate().Table(table), table, "")
}

// Delete starts a DELETE from model's table in s.
func (s Scope) Delete(idb bun.IDB, model any) *bun.DeleteQuery {
	q := idb.NewDelete().Model(model)
	return scoped(s, q, q.GetTableName(), "?TableAlias.")
}

// DeleteTable starts a DELETE from table in s, for deletes without a model.
func (s Scope) DeleteTable(idb bun.IDB, table string) *bun.DeleteQuery {
	return scoped(s, idb.NewDelete().Table(table), table, "")
}

// ByIDs maps each of ids that is a row of T's table in s to it, in one statement: the batch
// lookup a package owning a table offers the others (one query per list, never one per row).
// key gives a row's id; narrow, unless nil, adjusts the query (e.g. leaves a column out).
func ByIDs[T any](ctx context.Context, idb bun.IDB, s Scope, ids []uuid.UUID, key func(*T) uuid.UUID, narrow func(*bun.SelectQuery) *bun.SelectQuery) (map[uuid.UUID]*T, error) {
	out := make(map[uuid.UUID]*T, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []*T
	q := s.Select(idb, &rows).Where("?TableAlias.id IN (?)", bun.List(ids))
	if narrow != nil {
		q = narrow(q)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[key(r)] = r
	}
	return out, nil
}

// Raw runs a hand-written statement in s: query must hold the agency condition as its first
// placeholder, e.g. "SELECT … FROM jobs WHERE agency_id = ? AND …"; s.AgencyID is passed as the
// first argument. Prefer Select; this is for statements bun's builder cannot express.
func (s Scope) Raw(idb bun.IDB, query string, args ...any) *bun.RawQuery {
	return idb.NewRaw(query, append([]any{s.AgencyID}, args...)...)
}

// Narrowed reports whether s is a client user's scope.
func (s Scope) Narrowed() bool { return s.ClientID != uuid.Nil }

func (s Scope) clientColumn(table string) (string, bool) {
	if s.ClientID == uuid.Nil {
		return "", false
	}
	col, ok := clientColumn[table]
	return col, ok
}

func (s Scope) whereSelect(q *bun.SelectQuery, table string) *bun.SelectQuery {
	return scoped(s, q, table, "?TableAlias.")
}

func (s Scope) where(q *bun.SelectQuery, table, alias string) *bun.SelectQuery {
	prefix := table
	if alias != "" {
		prefix = alias
	}
	return scoped(s, q, table, "?.", bun.Ident(prefix))
}

// scoped adds s's conditions on table to q, a SELECT, UPDATE or DELETE: the agency and, in a
// client scope, the client. qual qualifies the columns ("?TableAlias.", "?." with its argument
// in qualArgs, or "" for an unaliased table).
func scoped[Q interface{ Where(string, ...any) Q }](s Scope, q Q, table, qual string, qualArgs ...any) Q {
	with := func(args ...any) []any { return append(append([]any{}, qualArgs...), args...) }
	q = q.Where(qual+"agency_id = ?", with(s.AgencyID)...)
	if col, ok := s.clientColumn(table); ok {
		q = q.Where(qual+"? = ?", with(bun.Ident(col), s.ClientID)...)
	}
	return q
}
