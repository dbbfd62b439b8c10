package request

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/notify"
	"github.com/accesshive/accesshive/internal/tenant"
)

// step is one move of a request's lifecycle: the status it moves to and what else the update
// sets, the audit record of it, and the note its requester gets.
type step struct {
	to  Status
	set func(*bun.UpdateQuery) *bun.UpdateQuery
	// by made the move (the audit trail's actor); nil for the system (expiry, provisioning).
	by   *auth.Actor
	kind string
	data map[string]any
	// note builds the requester's notification from the request as it reads after the move.
	note func(view *Request) notify.Notification
	// announced is set when an earlier step of the same transaction already announces the
	// request (its announcement reads the request after commit, so once is enough).
	announced bool
}

// apply makes one step of a locked request within tx: it moves the status (the state machine,
// conditional on the status read under the lock), records it, re-reads the request with its
// names, notifies the requester, and announces the request and the notification once tx
// commits. It returns the re-read request.
func (s *Service) apply(ctx context.Context, tx bun.IDB, r *Request, st step) (*Request, error) {
	if err := s.move(ctx, tx, r, st.to, st.set); err != nil {
		return nil, err
	}
	by := st.by
	if by == nil {
		by = systemActor(r.AgencyID)
	}
	if err := audit.Record(ctx, tx, by, st.kind, "access_request", r.ID, st.data); err != nil {
		return nil, err
	}
	view, err := load(ctx, tx, r.AgencyID, r.ID)
	if err != nil {
		return nil, err
	}
	n, err := s.notifyRequester(ctx, tx, view, st.note(view))
	if err != nil {
		return nil, err
	}
	db.AfterCommit(ctx, func(ctx context.Context) {
		s.notifier.Published(ctx, n)
		if !st.announced {
			s.publish(ctx, r)
		}
	})
	return view, nil
}

// move changes a locked request's status through the state machine (CheckTransition) and
// applies set to the update. The update is also conditional on the status read under the lock.
func (s *Service) move(ctx context.Context, tx bun.IDB, r *Request, to Status, set func(*bun.UpdateQuery) *bun.UpdateQuery) error {
	if err := CheckTransition(r.ID.String(), r.Status, to); err != nil {
		return err
	}
	from := r.Status
	q := tenant.Agency(r.AgencyID).Update(tx, r).WherePK().Where("status = ?", from).
		Set("status = ?", to).Set("updated_at = ?", s.now())
	if set != nil {
		q = set(q)
	}
	if _, err := q.Returning("*").Exec(ctx); err != nil {
		return fmt.Errorf("request: move %s → %s: %w", from, to, err)
	}
	if r.Status != to {
		return fault.Conflict(fmt.Sprintf("the access request changed while it was being moved from %s", from), r.ID.String())
	}
	return nil
}
