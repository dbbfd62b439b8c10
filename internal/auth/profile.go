package auth

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit/trail"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/tenant"
)

// Audit kinds of profile and deactivation actions.
const (
	KindProfileUpdated  = "user.profile_updated"
	KindUserDeactivated = "user.deactivated"
)

// ProfileInput changes the actor's own profile; nil fields stay as they are.
type ProfileInput struct {
	Name *string
	// Email is the address AccessHive's notifications go to, and the login. A change takes
	// effect only when the link sent to the new address is followed (ConfirmEmailChange).
	Email *string
}

// UpdateProfile changes the actor's own profile, in any role. A new name applies at once. A new
// email address (normalized: trimmed, lowercased) does not: a confirmation link goes to it, and
// the login moves only when that link is followed. The answer and the work are the same
// whether the address is free, used in this agency or used in another, so that nobody learns
// which addresses exist; the address is checked when the link is followed, by its owner.
// Profile changes are limited per user (and email changes more tightly, as each sends mail to
// an address the caller chose). Changes are audited as "user.profile_updated" and
// "user.email_change_requested".
func (s *Service) UpdateProfile(ctx context.Context, actor *Actor, in ProfileInput) (*User, error) {
	var name, email string
	var err error
	if in.Name != nil {
		if name, err = ValidateName("name", *in.Name, 200); err != nil {
			return nil, err
		}
	}
	if in.Email != nil {
		if email, err = NormalizeEmail("email", *in.Email); err != nil {
			return nil, err
		}
	}
	if in.Name == nil && in.Email == nil {
		return GetUser(ctx, s.db, actor, actor.UserID)
	}
	if err := s.allow(ctx, limProfilePerUser, actor.UserID.String()); err != nil {
		return nil, err
	}
	u := new(User)
	var token, oldEmail string
	err = db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		if err := lockUser(ctx, tx, actor.AgencyID, actor.UserID, u); err != nil {
			return err
		}
		if in.Email != nil && email != u.Email {
			if err := s.allow(ctx, limEmailChangePerUser, actor.UserID.String()); err != nil {
				return err
			}
			var err error
			if token, err = requestEmailChange(ctx, tx, actor, u, email); err != nil {
				return err
			}
			oldEmail = u.Email
		}
		if in.Name == nil || name == u.Name {
			return nil
		}
		if _, err := tenant.Agency(u.AgencyID).Update(tx, u).WherePK().Set("name = ?", name).Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("auth: update profile: %w", err)
		}
		return recordAudit(ctx, tx, actor, KindProfileUpdated, "user", u.ID, map[string]any{"fields": []string{"name"}})
	})
	if err != nil {
		return nil, err
	}
	if token != "" {
		s.mailEmailChange(ctx, oldEmail, email, token)
	}
	return u, nil
}

// DeactivateUser ends a user's access (owners and admins): it sets deactivated_at and revokes
// every session of the user in the same transaction, so that the person is logged out at once
// everywhere (open websockets close at their next session check). Nobody deactivates
// themselves, and only an owner deactivates an owner. Deactivating a deactivated user is a
// CONFLICT. The change is audited as "user.deactivated". What the person revealed is then in
// the reveal ledger (reveal.RotationOffer).
func DeactivateUser(ctx context.Context, idb bun.IDB, actor *Actor, userID uuid.UUID) (*User, error) {
	if err := actor.Require(ActionManage); err != nil {
		return nil, err
	}
	if userID == actor.UserID {
		return nil, fault.Forbidden("you cannot deactivate yourself")
	}
	u := new(User)
	err := db.InTx(ctx, idb, func(ctx context.Context, tx bun.Tx) error {
		if err := lockUser(ctx, tx, actor.AgencyID, userID, u); err != nil {
			return err
		}
		if u.Role == RoleOwner && actor.Role != RoleOwner {
			return fault.Forbidden("only an agency owner can deactivate an owner")
		}
		if u.DeactivatedAt != nil {
			return fault.Conflict("this user is already deactivated", u.ID.String())
		}
		if _, err := tenant.Agency(u.AgencyID).Update(tx, u).WherePK().Set("deactivated_at = now()").Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("auth: deactivate user: %w", err)
		}
		if err := RevokeUserSessions(ctx, tx, u.AgencyID, u.ID); err != nil {
			return err
		}
		if err := revokeTokens(ctx, tx, u.AgencyID, u.ID); err != nil {
			return err
		}
		return recordAudit(ctx, tx, actor, KindUserDeactivated, "user", u.ID, map[string]any{"role": u.Role})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// lockUser loads a user of the agency into u under a row lock, or NOT_FOUND.
func lockUser(ctx context.Context, tx bun.IDB, agencyID, userID uuid.UUID, u *User) error {
	err := tenant.Agency(agencyID).Select(tx, u).Where("id = ?", userID).For("UPDATE").Scan(ctx)
	if db.IsNoRows(err) {
		return fault.NotFound("user")
	}
	if err != nil {
		return fmt.Errorf("auth: lock user: %w", err)
	}
	return nil
}

// recordAudit records an account change of actor's in the audit trail (package audit imports
// auth, so auth writes through audit's leaf writer, trail). data must hold no secrets.
func recordAudit(ctx context.Context, idb bun.IDB, actor *Actor, kind, targetType string, targetID uuid.UUID, data any) error {
	return trail.Write(ctx, idb, actor.AuditEntry(kind, targetType, targetID, data))
}

// AuditEntry is the audit trail's entry for an action of a's on the target (data must hold no
// secrets): who, from where, in which agency.
func (a *Actor) AuditEntry(kind, targetType string, targetID uuid.UUID, data any) trail.Entry {
	return trail.Entry{
		AgencyID: a.AgencyID, ActorUserID: a.UserID, IP: a.IP, UserAgent: a.UserAgent,
		Kind: kind, TargetType: targetType, TargetID: targetID, Data: data,
	}
}

// HoldActive locks the acting user's row against deactivation until tx ends (FOR SHARE), and
// refuses with UNAUTHENTICATED when the user was deactivated since the request's session was
// checked. A change that must not be made by a deactivated user (a decision on an access
// request) calls it first: a concurrent DeactivateUser, which locks the row FOR UPDATE, then
// either waits for the change to commit or commits first and the change is refused — never a
// change committed after the deactivation.
func HoldActive(ctx context.Context, tx bun.IDB, actor *Actor) error {
	var n int
	err := tenant.Agency(actor.AgencyID).SelectTable(tx, "users", "").ColumnExpr("1").
		Where("id = ? AND deactivated_at IS NULL", actor.UserID).
		For("SHARE").Scan(ctx, &n)
	if db.IsNoRows(err) {
		return fault.Unauthenticated("your account has been deactivated")
	}
	if err != nil {
		return fmt.Errorf("auth: hold active user: %w", err)
	}
	return nil
}

// DeactivateClientUsersInTx deactivates every active user of a client of the actor's agency
// within the caller's transaction (offboarding): their sessions and open links end at once,
// and each is audited as "user.deactivated". It returns the users' ids.
func DeactivateClientUsersInTx(ctx context.Context, tx bun.IDB, actor *Actor, clientID uuid.UUID) ([]uuid.UUID, error) {
	if err := actor.Require(ActionManage); err != nil {
		return nil, err
	}
	var ids []uuid.UUID
	err := tenant.Agency(actor.AgencyID).UpdateTable(tx, "users").Set("deactivated_at = now()").
		Where("client_id = ? AND deactivated_at IS NULL", clientID).
		Returning("id").Scan(ctx, &ids)
	if err != nil && !db.IsNoRows(err) {
		return nil, fmt.Errorf("auth: deactivate client users: %w", err)
	}
	for _, id := range ids {
		if err := RevokeUserSessions(ctx, tx, actor.AgencyID, id); err != nil {
			return nil, err
		}
		if err := revokeTokens(ctx, tx, actor.AgencyID, id); err != nil {
			return nil, err
		}
		if err := recordAudit(ctx, tx, actor, KindUserDeactivated, "user", id, map[string]any{"role": RoleClientUser, "offboardedClientId": clientID}); err != nil {
			return nil, err
		}
	}
	return ids, nil
}
