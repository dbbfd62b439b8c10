package auth

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/fault"
)

// Audit kinds of profile and deactivation actions.
const (
	KindProfileUpdated  = "user.profile_updated"
	KindUserDeactivated = "user.deactivated"
)

// ProfileInput changes the actor's own profile; nil fields stay as they are.
type ProfileInput struct {
	Name *string
	// Email is the address AccessHive's notifications go to, and the login.
	Email *string
}

// UpdateProfile changes the actor's own name and email, in any role. The email is normalized
// (trimmed, lowercased) and must be unused by any other user (logins are by email alone),
// else BAD_USER_INPUT on field "email". The change is audited as "user.profile_updated".
func UpdateProfile(ctx context.Context, idb bun.IDB, actor *Actor, in ProfileInput) (*User, error) {
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
	u := new(User)
	err = db.InTx(ctx, idb, func(ctx context.Context, tx bun.Tx) error {
		if err := lockUser(ctx, tx, actor.AgencyID, actor.UserID, u); err != nil {
			return err
		}
		var changed []string
		q := tx.NewUpdate().Model(u).WherePK()
		if in.Name != nil && name != u.Name {
			q = q.Set("name = ?", name)
			changed = append(changed, "name")
		}
		if in.Email != nil && email != u.Email {
			n, err := tx.NewSelect().Model((*User)(nil)).Where("lower(email) = ? AND id <> ?", email, u.ID).Count(ctx)
			if err != nil {
				return fmt.Errorf("auth: check email: %w", err)
			}
			if n > 0 {
				return errEmailTaken
			}
			q = q.Set("email = ?", email)
			changed = append(changed, "email")
		}
		if len(changed) == 0 {
			return nil
		}
		if _, err := q.Returning("*").Exec(ctx); err != nil {
			// Two users claiming one address at once: the unique index decides.
			if db.IsCode(err, db.CodeUniqueViolation) {
				return errEmailTaken
			}
			return fmt.Errorf("auth: update profile: %w", err)
		}
		return recordAudit(ctx, tx, actor, KindProfileUpdated, "user", u.ID, map[string]any{"fields": changed})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

var errEmailTaken = fault.Invalid("email", "is already used by another user")

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
		if _, err := tx.NewUpdate().Model(u).WherePK().Set("deactivated_at = now()").Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("auth: deactivate user: %w", err)
		}
		if err := RevokeUserSessions(ctx, tx, u.AgencyID, u.ID); err != nil {
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
	err := tx.NewSelect().Model(u).Where("id = ? AND agency_id = ?", userID, agencyID).For("UPDATE").Scan(ctx)
	if db.IsNoRows(err) {
		return fault.NotFound("user")
	}
	if err != nil {
		return fmt.Errorf("auth: lock user: %w", err)
	}
	return nil
}

// recordAudit writes one audit_events row, as audit.Record does: package audit imports auth,
// so auth cannot call it and inserts the row itself. data must hold no secrets.
func recordAudit(ctx context.Context, idb bun.IDB, actor *Actor, kind, targetType string, targetID uuid.UUID, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("auth: audit data: %w", err)
	}
	row := map[string]any{
		"agency_id": actor.AgencyID, "kind": kind, "target_type": targetType, "target_id": targetID,
		"ip": actor.IP, "user_agent": actor.UserAgent, "data": string(raw),
	}
	if actor.UserID != uuid.Nil {
		row["actor_user_id"] = actor.UserID
	}
	if _, err := idb.NewInsert().Table("audit_events").Model(&row).Exec(ctx); err != nil {
		return fmt.Errorf("auth: audit: %w", err)
	}
	return nil
}

// HoldActive locks the acting user's row against deactivation until tx ends (FOR SHARE), and
// refuses with UNAUTHENTICATED when the user was deactivated since the request's session was
// checked. A change that must not be made by a deactivated user (a decision on an access
// request) calls it first: a concurrent DeactivateUser, which locks the row FOR UPDATE, then
// either waits for the change to commit or commits first and the change is refused — never a
// change committed after the deactivation.
func HoldActive(ctx context.Context, tx bun.IDB, actor *Actor) error {
	var n int
	err := tx.NewSelect().Table("users").ColumnExpr("1").
		Where("id = ? AND agency_id = ? AND deactivated_at IS NULL", actor.UserID, actor.AgencyID).
		For("SHARE").Scan(ctx, &n)
	if db.IsNoRows(err) {
		return fault.Unauthenticated("your account has been deactivated")
	}
	if err != nil {
		return fmt.Errorf("auth: hold active user: %w", err)
	}
	return nil
}
