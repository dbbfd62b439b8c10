package audit

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/page"
)

// MaxKindLen bounds Filter.Kind; every kind AccessHive writes is far shorter.
const MaxKindLen = 100

// Filter narrows List. Zero fields do not filter.
type Filter struct {
	// IdentityID keeps the events whose target is this identity (created, revealed, rotated, …).
	IdentityID *uuid.UUID
	// UserID keeps the events this user caused (the actor), e.g. everything a person did.
	UserID *uuid.UUID
	// Kind keeps one kind of event, e.g. "credentials.revealed".
	Kind string
	// Since keeps events at or after this time.
	Since *time.Time
	// Until keeps events strictly before this time.
	Until *time.Time
}

func (f Filter) validate() error {
	if utf8.RuneCountInString(f.Kind) > MaxKindLen {
		return fault.Invalid("kind", fmt.Sprintf("must be at most %d characters", MaxKindLen))
	}
	if f.Since != nil && f.Until != nil && !f.Until.After(*f.Since) {
		return fault.Invalid("until", "must be after since")
	}
	return nil
}

// apply adds the filter's conditions; the actor's agency is always one of them, so that no
// caller can forget it.
func (f Filter) apply(q *bun.SelectQuery, agencyID uuid.UUID) *bun.SelectQuery {
	q = q.Where("ae.agency_id = ?", agencyID)
	if f.IdentityID != nil {
		q = q.Where("ae.target_id = ?", *f.IdentityID).Where("ae.target_type = 'identity'")
	}
	if f.UserID != nil {
		q = q.Where("ae.actor_user_id = ?", *f.UserID)
	}
	if f.Kind != "" {
		q = q.Where("ae.kind = ?", f.Kind)
	}
	if f.Since != nil {
		q = q.Where("ae.created_at >= ?", *f.Since)
	}
	if f.Until != nil {
		q = q.Where("ae.created_at < ?", *f.Until)
	}
	return q
}

// Cursor is the event's position in List.
func (e *Event) Cursor() page.Cursor { return page.Cursor{At: e.CreatedAt, ID: e.ID} }

// List pages through the actor's agency's audit trail, newest first. Agency staff read it
// (auth.ActionReadOps); client users are FORBIDDEN. The after cursor is one of a previous
// page's cursors; the next page holds older events. Since is inclusive, Until exclusive;
// IdentityID matches the events whose target is that identity, UserID those the person caused.
// Each filter is one range scan of an index on (agency_id, [kind | target_id | actor_user_id,]
// created_at DESC, id DESC) (migrations 0001 and 0005).
func List(ctx context.Context, idb bun.IDB, actor *auth.Actor, f Filter, args page.Args) (page.Result[Event], error) {
	if err := actor.Require(auth.ActionReadOps); err != nil {
		return page.Result[Event]{}, err
	}
	if err := f.validate(); err != nil {
		return page.Result[Event]{}, err
	}
	var items []Event
	q, first, err := applyDesc(f.apply(idb.NewSelect().Model(&items), actor.AgencyID), "ae", args)
	if err != nil {
		return page.Result[Event]{}, err
	}
	if err := q.Scan(ctx); err != nil {
		return page.Result[Event]{}, fmt.Errorf("audit: list: %w", err)
	}
	if !actor.Can(auth.ActionReadStaff) {
		// Members see what happened, not where from: addresses and browsers are personal data
		// of their colleagues, for owners and admins only.
		for i := range items {
			items[i].IP, items[i].UserAgent = "", ""
		}
	}
	total, err := f.apply(idb.NewSelect().Model((*Event)(nil)), actor.AgencyID).Count(ctx)
	if err != nil {
		return page.Result[Event]{}, fmt.Errorf("audit: count: %w", err)
	}
	return page.Build(items, first, int(total), func(e Event) page.Cursor { return e.Cursor() }), nil
}

// applyDesc is page.Apply for a list ordered newest first: it validates args and adds the
// cursor condition (strictly older than the cursor), the descending order and the limit
// (first+1, to learn whether a next page exists). The cursor format is page's, so cursors
// stay opaque and interchangeable in shape.
func applyDesc(q *bun.SelectQuery, alias string, args page.Args) (*bun.SelectQuery, int, error) {
	first := args.First
	if first == 0 {
		first = page.DefaultFirst
	}
	if first < 1 || first > page.MaxFirst {
		return nil, 0, fault.Invalid("first", fmt.Sprintf("must be between 1 and %d", page.MaxFirst))
	}
	if args.After != "" {
		c, err := page.Decode(args.After)
		if err != nil {
			return nil, 0, err
		}
		q = q.Where("(?.created_at, ?.id) < (?, ?)", bun.Ident(alias), bun.Ident(alias), c.At, c.ID)
	}
	q = q.OrderExpr("?.created_at DESC, ?.id DESC", bun.Ident(alias), bun.Ident(alias)).Limit(int64(first + 1))
	return q, first, nil
}
