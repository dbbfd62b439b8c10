package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/vault"
)

// lockForUpdate loads an identity of the agency under a row lock.
func lockForUpdate(ctx context.Context, tx bun.IDB, agencyID, id uuid.UUID) (*Identity, error) {
	return Find(ctx, tx, tenant.Agency(agencyID), id, "UPDATE")
}

// Find returns an identity of sc (without its provider statuses), or NOT_FOUND; lock, unless
// empty, is the row lock to take ("UPDATE", "SHARE").
func Find(ctx context.Context, idb bun.IDB, sc tenant.Scope, id uuid.UUID, lock string) (*Identity, error) {
	ident := new(Identity)
	q := sc.Select(idb, ident).Where("i.id = ?", id)
	if lock != "" {
		q = q.For(lock)
	}
	err := q.Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound("identity")
	}
	if err != nil {
		return nil, fmt.Errorf("identity: find: %w", err)
	}
	return ident, nil
}

// Transition moves an identity to a new state through the state machine, recording lastError
// (empty clears it), within tx, and tells the service's Follower in the same transaction.
// Workers and resolvers both come through here.
func (s *Service) Transition(ctx context.Context, tx bun.IDB, agencyID, id uuid.UUID, to State, lastError string) (*Identity, error) {
	ident, err := lockForUpdate(ctx, tx, agencyID, id)
	if err != nil {
		return nil, err
	}
	if err := CheckTransition(ident.State, to); err != nil {
		return nil, err
	}
	_, err = tenant.Agency(agencyID).Update(tx, ident).WherePK().
		Set("provisioning_state = ?", to).Set("last_error = ?", lastError).
		Set("state_changed_at = clock_timestamp()").Set("updated_at = clock_timestamp()").
		Returning("*").Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("identity: transition: %w", err)
	}
	if err := s.followed(ctx, tx, ident); err != nil {
		return nil, err
	}
	return ident, nil
}

// SetProviderStatus records an identity's standing with one provider.
func SetProviderStatus(ctx context.Context, tx bun.IDB, agencyID, identityID uuid.UUID, provider, status, lastError, externalID string) error {
	ps := &ProviderStatus{IdentityID: identityID, AgencyID: agencyID, Provider: provider, Status: status, LastError: lastError, ExternalID: externalID}
	q := tx.NewInsert().Model(ps).On("CONFLICT (identity_id, provider) DO UPDATE").
		Set("status = EXCLUDED.status").Set("last_error = EXCLUDED.last_error").Set("updated_at = clock_timestamp()")
	if externalID != "" {
		q = q.Set("external_id = EXCLUDED.external_id")
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("identity: set provider status: %w", err)
	}
	return nil
}

// Platform provider statuses while and after an identity is deleted (besides the directory's
// own, which says what became of the directory user).
const (
	ProviderStatusRemoving = "REMOVING"
	ProviderStatusRemoved  = "REMOVED"
)

// SetPlatformStatuses records status on every provider status of the identity but the
// directory's: deleting an identity must not leave its platform saying CONFIGURED.
func SetPlatformStatuses(ctx context.Context, tx bun.IDB, agencyID, identityID uuid.UUID, status string) error {
	_, err := tenant.Agency(agencyID).Update(tx, (*ProviderStatus)(nil)).
		Where("identity_id = ? AND provider <> ?", identityID, ProviderGWSDirectory).
		Set("status = ?", status).Set("last_error = ''").Set("updated_at = clock_timestamp()").Exec(ctx)
	if err != nil {
		return fmt.Errorf("identity: set platform statuses: %w", err)
	}
	return nil
}

// Reload returns an identity with its provider statuses, by id within its agency (workers).
func Reload(ctx context.Context, idb bun.IDB, agencyID, id uuid.UUID) (*Identity, error) {
	ident := new(Identity)
	sc := tenant.Agency(agencyID)
	err := sc.Select(idb, ident).Relation("ProviderStatuses", statusesIn(sc)).Where("i.id = ?", id).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound("identity")
	}
	if err != nil {
		return nil, fmt.Errorf("identity: reload: %w", err)
	}
	return ident, nil
}

// Delete starts removing an identity: it moves to DEPROVISIONING and a deprovision job, in the
// same transaction, takes it to DELETED. Its credentials can no longer be revealed from now on.
func (s *Service) Delete(ctx context.Context, actor *auth.Actor, id uuid.UUID) (*Identity, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	var ident *Identity
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if ident, err = s.Transition(ctx, tx, actor.AgencyID, id, StateDeprovisioning, ""); err != nil {
			return err
		}
		if err := SetPlatformStatuses(ctx, tx, actor.AgencyID, id, ProviderStatusRemoving); err != nil {
			return err
		}
		if _, err := job.Enqueue(ctx, tx, job.Spec{AgencyID: actor.AgencyID, Type: job.TypeDeprovisionIdentity, Input: job.DeprovisionArgs{IdentityID: id}, CreatedBy: actor.UserID}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, KindDeleted, "identity", id, map[string]any{"type": ident.Type, "platform": ident.Platform()})
	})
	if err != nil {
		return nil, err
	}
	return s.reloadAndPublish(ctx, ident.AgencyID, id)
}

// DeprovisionClientInTx starts removing every live identity of a client within the caller's
// transaction (offboarding): each moves to DEPROVISIONING with its deprovision job in the
// outbox, exactly as Delete does, and is audited as "identity.deleted". Identities already
// being deprovisioned are left to their job. The caller publishes the returned identities
// after commit (Published).
func (s *Service) DeprovisionClientInTx(ctx context.Context, tx bun.IDB, actor *auth.Actor, clientID uuid.UUID) ([]*Identity, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	var ids []uuid.UUID
	if err := actor.Tenant().SelectTable(tx, "identities", "").Column("id").
		Where("client_id = ? AND provisioning_state NOT IN (?)", clientID, bun.List([]State{StateDeleted, StateDeprovisioning})).
		OrderExpr("created_at, id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("identity: client identities: %w", err)
	}
	out := make([]*Identity, 0, len(ids))
	for _, id := range ids {
		ident, err := s.Transition(ctx, tx, actor.AgencyID, id, StateDeprovisioning, "")
		if err != nil {
			return nil, err
		}
		if _, err := job.Enqueue(ctx, tx, job.Spec{AgencyID: actor.AgencyID, Type: job.TypeDeprovisionIdentity, Input: job.DeprovisionArgs{IdentityID: id}, CreatedBy: actor.UserID}); err != nil {
			return nil, err
		}
		if err := audit.Record(ctx, tx, actor, KindDeleted, "identity", id, map[string]any{"type": ident.Type, "platform": ident.Platform(), "offboardedClientId": clientID}); err != nil {
			return nil, err
		}
		out = append(out, ident)
	}
	return out, nil
}

func (s *Service) reloadAndPublish(ctx context.Context, agencyID, id uuid.UUID) (*Identity, error) {
	ident, err := Reload(ctx, s.db, agencyID, id)
	if err != nil {
		return nil, err
	}
	s.Published(ctx, ident)
	return ident, nil
}

// Deprovision runs a DEPROVISION_IDENTITY job for identities without a directory user:
// it forgets the credentials and moves the identity to DELETED. It is idempotent.
// (MANAGED_GWS identities are suspended in the directory by the GWS side first.)
func (s *Service) Deprovision(ctx context.Context, agencyID, id uuid.UUID) (map[string]any, error) {
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		ident, err := lockForUpdate(ctx, tx, agencyID, id)
		if err != nil {
			return job.Permanent(err)
		}
		if ident.State == StateDeleted {
			return nil
		}
		if err := s.vault.Delete(ctx, tx, agencyID, id, vault.PurposeCredentials); err != nil {
			return err
		}
		if err := SetPlatformStatuses(ctx, tx, agencyID, id, ProviderStatusRemoved); err != nil {
			return err
		}
		_, err = s.Transition(ctx, tx, agencyID, id, StateDeleted, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	if _, err := s.reloadAndPublish(ctx, agencyID, id); err != nil {
		return nil, err
	}
	return map[string]any{"identityId": id, "state": StateDeleted}, nil
}

// CredentialsInput changes some of an identity's credentials; nil fields stay as they are.
type CredentialsInput struct {
	Username   *string
	Password   *string
	Token      *string
	TOTPSecret *string
}

// ErrManaged is returned when credentials of a MANAGED_GWS identity are set by hand.
var ErrManaged = errors.New("identity: managed credentials")

// UpdateCredentials sets new credentials for an EXTERNAL_LOGIN or API_TOKEN identity. A
// PENDING identity (approved without credentials) becomes PROVISIONED. rotation marks the
// change as a rotation (rotateCredentials), which the reveal ledger counts from.
func (s *Service) UpdateCredentials(ctx context.Context, actor *auth.Actor, id uuid.UUID, in CredentialsInput, rotation bool) (*Identity, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	if err := checkCredentialLengths(in); err != nil {
		return nil, err
	}
	agencyID := actor.AgencyID
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		ident, err := lockForUpdate(ctx, tx, agencyID, id)
		if err != nil {
			return err
		}
		if err := mayTakeCredentials(ident); err != nil {
			return err
		}
		changed, err := s.storeCredentials(ctx, tx, ident, in, rotation)
		if err != nil {
			return err
		}
		if err := s.stampCredentials(ctx, tx, ident, changed); err != nil {
			return err
		}
		kind := KindCredentialsUpdated
		if rotation {
			kind = KindCredentialsRotated
		}
		return audit.Record(ctx, tx, actor, kind, "identity", id, map[string]any{"secretChanged": changed})
	})
	if err != nil {
		return nil, err
	}
	return s.reloadAndPublish(ctx, agencyID, id)
}

// mayTakeCredentials refuses credentials set by hand on a managed identity, or on one being
// deleted.
func mayTakeCredentials(ident *Identity) error {
	if ident.Type == TypeManagedGWS {
		return fault.Invalid("identityId", "a MANAGED_GWS identity's password is generated: use rotateCredentials")
	}
	if !ident.State.Live() || ident.State == StateDeprovisioning {
		return fault.Conflict(fmt.Sprintf("an identity in state %s cannot take new credentials", ident.State), ident.ID.String())
	}
	return nil
}

// storeCredentials applies in to the identity's stored credentials under the type's rules
// (ValidateCredentials) and stores the result, and reports whether the secret changed. Only a
// real change is stored: the same credentials again keep the vault's version, so that open
// reveals of them stay readable. A rotation must change the secret.
func (s *Service) storeCredentials(ctx context.Context, tx bun.IDB, ident *Identity, in CredentialsInput, rotation bool) (bool, error) {
	cur, had, err := s.credentials(ctx, tx, ident)
	if err != nil {
		return false, err
	}
	next, changed := applyCredentials(cur, in)
	if err := ValidateCredentials(ident.Type, in, next); err != nil {
		return false, err
	}
	if rotation && !changed {
		return false, fault.Invalid("password", "a rotation needs a new password or token")
	}
	if had && vault.Equal(string(next.Marshal()), string(cur.Marshal())) {
		return changed, nil
	}
	return changed, s.vault.Put(ctx, tx, ident.AgencyID, ident.ID, vault.PurposeCredentials, next.Marshal())
}

// credentials opens an identity's stored credentials, and reports whether it has any.
func (s *Service) credentials(ctx context.Context, tx bun.IDB, ident *Identity) (Credentials, bool, error) {
	var creds Credentials
	pt, err := s.vault.Get(ctx, tx, ident.AgencyID, ident.ID, vault.PurposeCredentials)
	if errors.Is(err, vault.ErrNoSecret) {
		return creds, false, nil
	}
	if err != nil {
		return creds, false, err
	}
	if err := json.Unmarshal(pt, &creds); err != nil {
		return creds, false, fmt.Errorf("identity: decode credentials: %w", err)
	}
	return creds, true, nil
}

// stampCredentials records a credentials change on the identity (and, when the secret
// changed, the rotation the reveal ledger counts from); an identity that was waiting for its
// credentials (PENDING, or FAILED) becomes PROVISIONED with its platform CONFIGURED.
func (s *Service) stampCredentials(ctx context.Context, tx bun.IDB, ident *Identity, changed bool) error {
	q := tenant.Agency(ident.AgencyID).Update(tx, (*Identity)(nil)).Where("id = ?", ident.ID).Set("updated_at = clock_timestamp()")
	if changed {
		q = q.Set("credentials_rotated_at = clock_timestamp()")
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("identity: stamp credentials: %w", err)
	}
	if ident.State != StatePending && ident.State != StateFailed {
		return nil
	}
	for _, to := range []State{StateProvisioning, StateProvisioned} {
		if _, err := s.Transition(ctx, tx, ident.AgencyID, ident.ID, to, ""); err != nil {
			return err
		}
	}
	return SetProviderStatus(ctx, tx, ident.AgencyID, ident.ID, providerOf(ident), "CONFIGURED", "", "")
}

func providerOf(ident *Identity) string {
	if ident.PlatformKey == nil {
		return "AGENCY_WIDE"
	}
	return *ident.PlatformKey
}

// RequestRotation rotates a MANAGED_GWS identity's password through a ROTATE_CREDENTIALS job
// (the GWS side sets a new password in the directory, then in the vault).
func (s *Service) RequestRotation(ctx context.Context, actor *auth.Actor, id uuid.UUID) (*job.Record, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	var rec *job.Record
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		ident, err := lockForUpdate(ctx, tx, actor.AgencyID, id)
		if err != nil {
			return err
		}
		if ident.Type != TypeManagedGWS {
			return fault.Invalid("input", "give the new password or token to rotate this identity")
		}
		if ident.State != StateProvisioned {
			return fault.Conflict(fmt.Sprintf("an identity in state %s cannot be rotated", ident.State), ident.ID.String())
		}
		if rec, err = job.Enqueue(ctx, tx, job.Spec{AgencyID: actor.AgencyID, Type: job.TypeRotateCredentials, Input: job.RotateArgs{IdentityID: id}, CreatedBy: actor.UserID}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, KindRotationRequested, "identity", id, map[string]any{"jobId": rec.ID})
	})
	return rec, err
}

// PublishCurrent re-reads an identity after commit and announces it on identityUpdated; a
// failure is logged (the change is committed either way).
func (s *Service) PublishCurrent(ctx context.Context, agencyID, id uuid.UUID) {
	if _, err := s.reloadAndPublish(ctx, agencyID, id); err != nil {
		s.log.WarnContext(ctx, "publish identity update", "identity_id", id, "error", err)
	}
}

// statusesIn narrows the ProviderStatuses relation of an identities query to sc's agency: bun
// loads a relation with a query of its own, which the identities query's scope does not reach.
func statusesIn(sc tenant.Scope) func(*bun.SelectQuery) *bun.SelectQuery {
	return func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("?TableAlias.agency_id = ?", sc.AgencyID) }
}

// ByIDs maps each of ids that is an identity of sc to it (without its provider statuses), in
// one statement: what other packages' lists (requests, the reveal ledger) show of the
// identities they point at, without reading this package's table themselves.
func ByIDs(ctx context.Context, idb bun.IDB, sc tenant.Scope, ids []uuid.UUID) (map[uuid.UUID]*Identity, error) {
	m, err := tenant.ByIDs(ctx, idb, sc, ids, func(i *Identity) uuid.UUID { return i.ID }, nil)
	if err != nil {
		return nil, fmt.Errorf("identity: by ids: %w", err)
	}
	return m, nil
}
