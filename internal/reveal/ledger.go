package reveal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
)

// KindRotationNeeded is the audit kind written for an identity a departed person revealed
// whose credentials only a person can replace (EXTERNAL_LOGIN, API_TOKEN), so that the
// admins see it in the audit trail.
const KindRotationNeeded = "credentials.rotation_needed"

// LedgerEntry is one person who has revealed an identity's credentials since its last
// rotation.
type LedgerEntry struct {
	UserID        uuid.UUID  `bun:"user_id"`
	Name          string     `bun:"name"`
	Email         string     `bun:"email"`
	Role          auth.Role  `bun:"role"`
	DeactivatedAt *time.Time `bun:"deactivated_at"`
	// Count is how many times the person revealed the credentials since the last rotation.
	Count         int       `bun:"count"`
	FirstRevealAt time.Time `bun:"first_reveal_at"`
	LastRevealAt  time.Time `bun:"last_reveal_at"`
}

// SeenSinceRotation answers "who has seen this identity's credentials since its last
// rotation": one entry per person who revealed them after credentials_rotated_at (or, for
// credentials never rotated, since the identity was created), most recent reveal first.
// Agency staff read it (auth.ActionReadOps); an identity of another agency is NOT_FOUND.
func SeenSinceRotation(ctx context.Context, idb bun.IDB, actor *auth.Actor, identityID uuid.UUID) ([]LedgerEntry, error) {
	if err := actor.Require(auth.ActionReadOps); err != nil {
		return nil, err
	}
	ident, err := identity.Find(ctx, idb, actor.Tenant(), identityID, "")
	if err != nil {
		return nil, err
	}
	since := ident.CreatedAt
	if ident.CredentialsRotatedAt != nil {
		since = *ident.CredentialsRotatedAt
	}
	entries := []LedgerEntry{}
	// reveals_identity_idx (agency_id, identity_id, created_at DESC) serves the range.
	err = actor.Tenant().SelectTable(idb, "reveals", "r").
		ColumnExpr("r.user_id").
		ColumnExpr("count(*) AS count, min(r.created_at) AS first_reveal_at, max(r.created_at) AS last_reveal_at").
		Where("r.identity_id = ?", identityID).
		Where("r.created_at >= ?", since).
		GroupExpr("r.user_id").
		OrderExpr("last_reveal_at DESC, r.user_id").
		Scan(ctx, &entries)
	if err != nil {
		return nil, fmt.Errorf("reveal: ledger: %w", err)
	}
	return withPeople(ctx, idb, actor.Tenant(), entries)
}

// withPeople fills in who each entry's person is, asking auth (which owns users) once for
// the whole ledger.
func withPeople(ctx context.Context, idb bun.IDB, sc tenant.Scope, entries []LedgerEntry) ([]LedgerEntry, error) {
	return fill(entries, func(e *LedgerEntry) uuid.UUID { return e.UserID },
		func(ids []uuid.UUID) (map[uuid.UUID]*auth.User, error) { return auth.UsersByIDs(ctx, idb, sc, ids) },
		func(e *LedgerEntry, u *auth.User) {
			e.Name, e.Email, e.Role, e.DeactivatedAt = u.Name, u.Email, u.Role, u.DeactivatedAt
		})
}

// fill completes entries from what their owner knows: one lookup for the ids of all entries
// (id gives an entry's), set copies a record into its entry, and an entry whose record the
// owner does not know is left out, as an inner join would.
func fill[E, R any](entries []E, id func(*E) uuid.UUID, lookup func([]uuid.UUID) (map[uuid.UUID]*R, error), set func(*E, *R)) ([]E, error) {
	ids := make([]uuid.UUID, len(entries))
	for i := range entries {
		ids[i] = id(&entries[i])
	}
	records, err := lookup(ids)
	if err != nil {
		return nil, fmt.Errorf("reveal: ledger owners: %w", err)
	}
	out := entries[:0]
	for _, e := range entries {
		if r := records[id(&e)]; r != nil {
			set(&e, r)
			out = append(out, e)
		}
	}
	return out, nil
}

// SeenEntry is one identity whose credentials a person has revealed.
type SeenEntry struct {
	IdentityID  uuid.UUID      `bun:"identity_id"`
	DisplayName string         `bun:"display_name"`
	Type        identity.Type  `bun:"type"`
	State       identity.State `bun:"provisioning_state"`
	PlatformKey *string        `bun:"platform_key"`
	ClientID    *uuid.UUID     `bun:"client_id"`
	// Count is how many times the person revealed the credentials, ever.
	Count         int       `bun:"count"`
	FirstRevealAt time.Time `bun:"first_reveal_at"`
	LastRevealAt  time.Time `bun:"last_reveal_at"`
	// RotatedAt is when the credentials last changed, if ever.
	RotatedAt *time.Time `bun:"credentials_rotated_at"`
	// RotatedSince reports whether the credentials changed after the person's last reveal,
	// i.e. what the person saw no longer works.
	RotatedSince bool `bun:"rotated_since"`
}

// seenBy lists what userID revealed, for an already authorised actor.
func seenBy(ctx context.Context, idb bun.IDB, agencyID, userID uuid.UUID) ([]SeenEntry, error) {
	entries := []SeenEntry{}
	sc := tenant.Agency(agencyID)
	// reveals_user_idx (agency_id, user_id, created_at DESC) serves the person's reveals.
	err := sc.SelectTable(idb, "reveals", "r").
		ColumnExpr("r.identity_id").
		ColumnExpr("count(*) AS count, min(r.created_at) AS first_reveal_at, max(r.created_at) AS last_reveal_at").
		Where("r.user_id = ?", userID).
		GroupExpr("r.identity_id").
		OrderExpr("last_reveal_at DESC, r.identity_id").
		Scan(ctx, &entries)
	if err != nil {
		return nil, fmt.Errorf("reveal: seen by: %w", err)
	}
	return withIdentities(ctx, idb, sc, entries)
}

// withIdentities fills in what each entry's identity is now, asking identity (which owns
// identities) once for the whole list, and whether its credentials changed after the
// person's last reveal.
func withIdentities(ctx context.Context, idb bun.IDB, sc tenant.Scope, entries []SeenEntry) ([]SeenEntry, error) {
	return fill(entries, func(e *SeenEntry) uuid.UUID { return e.IdentityID },
		func(ids []uuid.UUID) (map[uuid.UUID]*identity.Identity, error) {
			return identity.ByIDs(ctx, idb, sc, ids)
		},
		func(e *SeenEntry, i *identity.Identity) {
			e.DisplayName, e.Type, e.State, e.PlatformKey, e.ClientID = i.DisplayName, i.Type, i.State, i.PlatformKey, i.ClientID
			e.RotatedAt = i.CredentialsRotatedAt
			e.RotatedSince = i.CredentialsRotatedAt != nil && i.CredentialsRotatedAt.After(e.LastRevealAt)
		})
}

// requireUser checks that userID is a user of the actor's agency.
func requireUser(ctx context.Context, idb bun.IDB, actor *auth.Actor, userID uuid.UUID) error {
	_, err := auth.GetUser(ctx, idb, actor, userID)
	return err
}

// SeenBy answers "which credentials has this person seen": per identity the person revealed,
// how often, when last, and whether the credentials were rotated since; most recent first.
// Agency staff read it (auth.ActionReadOps); a user of another agency is NOT_FOUND.
func SeenBy(ctx context.Context, idb bun.IDB, actor *auth.Actor, userID uuid.UUID) ([]SeenEntry, error) {
	if err := actor.Require(auth.ActionReadOps); err != nil {
		return nil, err
	}
	if err := requireUser(ctx, idb, actor, userID); err != nil {
		return nil, err
	}
	return seenBy(ctx, idb, actor.AgencyID, userID)
}

// OfferItem is one identity whose credentials should be rotated because a person saw them.
type OfferItem struct {
	SeenEntry
	// Automatic is true when AccessHive rotates the credentials itself (MANAGED_GWS: a new
	// password set in the directory by a ROTATE_CREDENTIALS job); false when a person must
	// give the new password or token (EXTERNAL_LOGIN, API_TOKEN).
	Automatic bool
	// PendingJobID is the identity's ROTATE_CREDENTIALS job not finished yet, if any.
	PendingJobID *uuid.UUID
}

// RotationOffer lists the identities a person revealed that are still live (PROVISIONED) and
// whose credentials have not changed since the person's last reveal: what to rotate when the
// person leaves (deactivated or not). Owners and admins (auth.ActionManage) ask for it.
func RotationOffer(ctx context.Context, idb bun.IDB, actor *auth.Actor, userID uuid.UUID) ([]OfferItem, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	if err := requireUser(ctx, idb, actor, userID); err != nil {
		return nil, err
	}
	seen, err := seenBy(ctx, idb, actor.AgencyID, userID)
	if err != nil {
		return nil, err
	}
	items := []OfferItem{}
	var automatic []uuid.UUID
	for _, s := range seen {
		if s.State != identity.StateProvisioned || s.RotatedSince {
			continue
		}
		it := OfferItem{SeenEntry: s, Automatic: s.Type == identity.TypeManagedGWS}
		if it.Automatic {
			automatic = append(automatic, s.IdentityID)
		}
		items = append(items, it)
	}
	pending, err := pendingRotations(ctx, idb, actor.AgencyID, automatic)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if j, ok := pending[items[i].IdentityID]; ok {
			items[i].PendingJobID = &j
		}
	}
	return items, nil
}

// pendingRotations maps each of the identities with an unfinished ROTATE_CREDENTIALS job to
// that job (0003's jobs_active_identity_idx keeps this off the job history).
func pendingRotations(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, identityIDs []uuid.UUID) (map[uuid.UUID]uuid.UUID, error) {
	return job.ActiveForIdentities(ctx, idb, agencyID, job.TypeRotateCredentials, identityIDs)
}

// RotateRevealedBy runs the rotation offer for a person (owners and admins only): each
// MANAGED_GWS identity gets a ROTATE_CREDENTIALS job through ids.RequestRotation, unless one
// is already queued or running (its id is returned instead, so asking twice does not rotate
// twice); each EXTERNAL_LOGIN or API_TOKEN identity, which needs a new value from a person,
// is returned in manual and gets a "credentials.rotation_needed" audit event naming the
// person, so that the admins see it. An identity that stopped being rotatable meanwhile
// (deleted, NOT_FOUND or CONFLICT from RequestRotation) is skipped.
func RotateRevealedBy(ctx context.Context, idb bun.IDB, actor *auth.Actor, ids *identity.Service, userID uuid.UUID) (jobs []uuid.UUID, manual []uuid.UUID, err error) {
	items, err := RotationOffer(ctx, idb, actor, userID)
	if err != nil {
		return nil, nil, err
	}
	jobs, manual = []uuid.UUID{}, []uuid.UUID{}
	var manualItems []OfferItem
	for _, it := range items {
		if !it.Automatic {
			manualItems = append(manualItems, it)
			manual = append(manual, it.IdentityID)
		}
	}
	if len(manualItems) > 0 {
		err := db.InTx(ctx, idb, func(ctx context.Context, tx bun.Tx) error {
			for _, it := range manualItems {
				if err := audit.Record(ctx, tx, actor, KindRotationNeeded, "identity", it.IdentityID, map[string]any{
					"revealedBy": userID, "lastRevealAt": it.LastRevealAt, "type": it.Type, "displayName": it.DisplayName,
				}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	for _, it := range items {
		if !it.Automatic {
			continue
		}
		if it.PendingJobID != nil {
			jobs = append(jobs, *it.PendingJobID)
			continue
		}
		rec, err := ids.RequestRotation(ctx, actor, it.IdentityID)
		if errors.Is(err, fault.ErrNotFound) || errors.Is(err, fault.ErrConflict) {
			continue
		}
		if err != nil {
			return jobs, manual, err
		}
		jobs = append(jobs, rec.ID)
	}
	return jobs, manual, nil
}
