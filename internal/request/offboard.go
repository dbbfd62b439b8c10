package request

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/notify"
	"github.com/accesshive/accesshive/internal/tenant"
)

// KindClosedByOffboarding is the audit kind of a request closed because its client was offboarded.
const KindClosedByOffboarding = "access_request.closed_by_offboarding"

// OffboardClient ends a client's relationship with the agency (owners and admins), in one
// transaction: the client is archived; its open (PENDING or APPROVED) requests are closed
// (REJECTED) with a reason the requester sees and is notified of; its users are deactivated,
// their sessions and links ending at once; and every live identity dedicated to it starts
// deprovisioning through the usual DEPROVISION_IDENTITY jobs. Nothing of other clients or of
// the agency's own identities is touched (the guide: "Revoking one client's access does not
// affect other clients or your agency's own accounts"). History stays: the client, its
// requests and identities are still readable by id, and lists show it with includeArchived.
//
// It lives here rather than in agency because it is the one workflow that spans clients,
// requests, users and identities; each step is its own package's function.
func (s *Service) OffboardClient(ctx context.Context, actor *auth.Actor, clientID uuid.UUID, reason *string) (*agency.Client, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	reason, err := checkReason(reason)
	if err != nil {
		return nil, err
	}
	var (
		c      *agency.Client
		idents []*identity.Identity
	)
	err = db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if c, err = agency.ArchiveClientInTx(ctx, tx, actor, clientID, reason); err != nil {
			return err
		}
		if err := s.closeForOffboarding(ctx, tx, actor, c, reason); err != nil {
			return err
		}
		if _, err := auth.DeactivateClientUsersInTx(ctx, tx, actor, clientID); err != nil {
			return err
		}
		idents, err = s.identities.DeprovisionClientInTx(ctx, tx, actor, clientID)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, ident := range idents {
		s.identities.PublishCurrent(ctx, ident.AgencyID, ident.ID)
	}
	return c, nil
}

// closeForOffboarding rejects every open request of the client with the offboarding reason.
func (s *Service) closeForOffboarding(ctx context.Context, tx bun.IDB, actor *auth.Actor, c *agency.Client, reason *string) error {
	var rs []*Request
	if err := tenant.Agency(c.AgencyID).Select(tx, &rs).Where("ar.client_id = ? AND ar.status IN (?)", c.ID, bun.List([]Status{StatusPending, StatusApproved})).
		OrderExpr("ar.created_at, ar.id").For("UPDATE").Scan(ctx); err != nil {
		return fmt.Errorf("request: open requests of client: %w", err)
	}
	text := "The agency ended its work with " + c.Name + "; open requests were closed."
	if reason != nil {
		text += " Reason: " + *reason
	}
	text = clip(text, MaxReason)
	now := s.now()
	for _, r := range rs {
		if _, err := s.apply(ctx, tx, r, step{
			to: StatusRejected, by: actor, kind: KindClosedByOffboarding,
			set: func(q *bun.UpdateQuery) *bun.UpdateQuery {
				return q.Set("decided_by = ?", actor.UserID).Set("decided_at = ?", now).Set("reason = ?", text)
			},
			data: map[string]any{"clientId": c.ID, "platform": r.PlatformKey},
			note: func(view *Request) notify.Notification {
				return notify.Notification{Kind: NoteRejected, Title: fmt.Sprintf("Your access request for %s was closed", view.PlatformName), Body: text}
			},
		}); err != nil {
			return err
		}
	}
	return nil
}

// clip cuts s to at most n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
