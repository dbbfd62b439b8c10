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

// apply adds the filter's conditions to a query started from the actor's tenant scope.
func (f Filter) apply(q *bun.SelectQuery) *bun.SelectQuery {
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
	q, first, err := page.ApplyDesc(f.apply(actor.Tenant().Select(idb, &items)), "ae", args)
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
	total, err := f.apply(actor.Tenant().Select(idb, (*Event)(nil))).Count(ctx)
	if err != nil {
		return page.Result[Event]{}, fmt.Errorf("audit: count: %w", err)
	}
	return page.Build(items, first, int(total), func(e Event) page.Cursor { return page.Cursor{At: e.CreatedAt, ID: e.ID} }), nil
}
