// Package page implements the opaque cursors of AccessHive's cursor-paginated lists: a cursor
// is the (created_at, id) of the last row seen, and lists are ordered by that pair.
package page

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/fault"
)

// Limits of a page.
const (
	DefaultFirst = 20
	MaxFirst     = 100
)

// Cursor is a position in a list ordered by (created_at, id).
type Cursor struct {
	At time.Time
	ID uuid.UUID
}

// Encode returns the cursor's opaque string.
func (c Cursor) Encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.At.UTC().Format(time.RFC3339Nano) + "|" + c.ID.String()))
}

// Decode parses an opaque cursor; a malformed one is BAD_USER_INPUT on field "after".
func Decode(s string) (Cursor, error) {
	bad := fault.Invalid("after", "malformed cursor")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	at, id, ok := strings.Cut(string(raw), "|")
	if !ok {
		return Cursor{}, bad
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	// A year the database cannot hold (year 0) would fail there as an internal error.
	if err != nil || t.Year() < 1 || t.Year() > 9999 {
		return Cursor{}, bad
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return Cursor{}, bad
	}
	return Cursor{At: t, ID: u}, nil
}

// Args are a list's paging arguments.
type Args struct {
	First int
	After string
}

// Result is one page of items.
type Result[T any] struct {
	Items       []T
	Cursors     []string
	HasNextPage bool
	TotalCount  int
}

// Apply validates args and adds the cursor condition (strictly after the cursor), the oldest
// first order and the limit (first+1, to learn whether a next page exists) to q, whose table is
// aliased alias.
func Apply(q *bun.SelectQuery, alias string, args Args) (*bun.SelectQuery, int, error) {
	return apply(q, alias, args, ">", "ASC")
}

// ApplyDesc is Apply for a list ordered newest first: the next page holds rows strictly older
// than the cursor. The cursor format is the same, so cursors stay opaque and alike in shape.
func ApplyDesc(q *bun.SelectQuery, alias string, args Args) (*bun.SelectQuery, int, error) {
	return apply(q, alias, args, "<", "DESC")
}

// apply is Apply and ApplyDesc: cmp compares a row with the cursor, dir orders the rows; both
// are constants of this file, never input.
func apply(q *bun.SelectQuery, alias string, args Args, cmp, dir string) (*bun.SelectQuery, int, error) {
	first := args.First
	if first == 0 {
		first = DefaultFirst
	}
	if first < 1 || first > MaxFirst {
		return nil, 0, fault.Invalid("first", fmt.Sprintf("must be between 1 and %d", MaxFirst))
	}
	if args.After != "" {
		c, err := Decode(args.After)
		if err != nil {
			return nil, 0, err
		}
		q = q.Where("(?.created_at, ?.id) "+cmp+" (?, ?)", bun.Ident(alias), bun.Ident(alias), c.At, c.ID)
	}
	q = q.OrderExpr("?.created_at "+dir+", ?.id "+dir, bun.Ident(alias), bun.Ident(alias)).Limit(int64(first + 1))
	return q, first, nil
}

// Build trims the extra row Apply asked for and computes cursors with key.
func Build[T any](items []T, first, total int, key func(T) Cursor) Result[T] {
	r := Result[T]{TotalCount: total}
	if len(items) > first {
		items = items[:first]
		r.HasNextPage = true
	}
	r.Items = items
	r.Cursors = make([]string, len(items))
	for i, it := range items {
		r.Cursors[i] = key(it).Encode()
	}
	return r
}
