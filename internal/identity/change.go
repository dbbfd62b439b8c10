package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/vault"
)

// lockForUpdate loads an identity of the agency under a row lock.
func lockForUpdate(ctx context.Context, tx bun.IDB, agencyID, id uuid.UUID) (*Identity, error) {
	ident := new(Identity)
	err := tx.NewSelect().Model(ident).Where("i.agency_id = ? AND i.id = ?", agencyID, id).For("UPDATE").Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound("identity")
	}
	if err != nil {
		return nil, fmt.Errorf("identity: lock: %w", err)
	}
	return ident, nil
}

// Transition moves an identity to a new state through the state machine, recording lastError
// (empty clears it), within tx. Workers and resolvers both come through here.
func Transition(ctx context.Context, tx bun.IDB, agencyID, id uuid.UUID, to State, lastError string) (*Identity, error) {
	ident, err := lockForUpdate(ctx, tx, agencyID, id)
	if err != nil {
		return nil, err
	}
	if err := CheckTransition(ident.State, to); err != nil {
		return nil, err
	}
	_, err = tx.NewUpdate().Model(ident).WherePK().
		Set("provisioning_state = ?", to).Set("last_error = ?", lastError).
		Set("state_changed_at = clock_timestamp()").Set("updated_at = clock_timestamp()").
		Returning("*").Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("identity: transition: %w", err)
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
	_, err := tx.NewUpdate().Model((*ProviderStatus)(nil)).
		Where("agency_id = ? AND identity_id = ? AND provider <> ?", agencyID, identityID, ProviderGWSDirectory).
		Set("status = ?", status).Set("last_error = ''").Set("updated_at = clock_timestamp()").Exec(ctx)
	if err != nil {
		return fmt.Errorf("identity: set platform statuses: %w", err)
	}
	return nil
}

// Reload returns an identity with its provider statuses, by id within its agency (workers).
func Reload(ctx context.Context, idb bun.IDB, agencyID, id uuid.UUID) (*Identity, error) {
	ident := new(Identity)
	err := idb.NewSelect().Model(ident).Relation("ProviderStatuses").Where("i.agency_id = ? AND i.id = ?", agencyID, id).Scan(ctx)
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
		if ident, err = Transition(ctx, tx, actor.AgencyID, id, StateDeprovisioning, ""); err != nil {
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
	if err := tx.NewSelect().Table("identities").Column("id").
		Where("agency_id = ? AND client_id = ? AND provisioning_state NOT IN (?)", actor.AgencyID, clientID, bun.In([]State{StateDeleted, StateDeprovisioning})).
		OrderExpr("created_at, id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("identity: client identities: %w", err)
	}
	out := make([]*Identity, 0, len(ids))
	for _, id := range ids {
		ident, err := Transition(ctx, tx, actor.AgencyID, id, StateDeprovisioning, "")
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
		_, err = Transition(ctx, tx, agencyID, id, StateDeleted, "")
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
	for _, f := range []struct {
		field string
		v     *string
		max   int
	}{{"username", in.Username, 254}, {"password", in.Password, 1024}, {"token", in.Token, 8192}, {"totpSecret", in.TOTPSecret, 256}} {
		if f.v != nil {
			if err := checkLen(f.field, *f.v, f.max); err != nil {
				return nil, err
			}
		}
	}
	var agencyID = actor.AgencyID
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		ident, err := lockForUpdate(ctx, tx, agencyID, id)
		if err != nil {
			return err
		}
		if ident.Type == TypeManagedGWS {
			return fault.Invalid("identityId", "a MANAGED_GWS identity's password is generated: use rotateCredentials")
		}
		if !ident.State.Live() || ident.State == StateDeprovisioning {
			return fault.Conflict(fmt.Sprintf("an identity in state %s cannot take new credentials", ident.State), ident.ID.String())
		}
		var creds Credentials
		hadSecret := false
		if pt, err := s.vault.Get(ctx, tx, agencyID, id, vault.PurposeCredentials); err == nil {
			if err := json.Unmarshal(pt, &creds); err != nil {
				return fmt.Errorf("identity: decode credentials: %w", err)
			}
			hadSecret = true
		} else if !errors.Is(err, vault.ErrNoSecret) {
			return err
		}
		old := creds
		changedSecret := false
		switch ident.Type {
		case TypeExternalLogin:
			if in.Token != nil {
				return fault.Invalid("token", "does not apply to an EXTERNAL_LOGIN identity")
			}
			if in.Username != nil {
				if *in.Username == "" {
					return fault.Invalid("username", "must not be empty")
				}
				creds.Username = *in.Username
			}
			if in.Password != nil {
				if *in.Password == "" {
					return fault.Invalid("password", "must not be empty")
				}
				changedSecret = changedSecret || !vault.Equal(creds.Password, *in.Password)
				creds.Password = *in.Password
			}
			if in.TOTPSecret != nil {
				// The same normal form as at creation, so that the same secret compares equal.
				totp := strings.ToUpper(strings.ReplaceAll(*in.TOTPSecret, " ", ""))
				in.TOTPSecret = &totp
				if *in.TOTPSecret != "" {
					if err := vault.ValidateTOTPSecret(*in.TOTPSecret); err != nil {
						return fault.Invalid("totpSecret", "must be a base32 secret of at least 80 bits")
					}
				}
				// A TOTP secret is a second factor, not the password: changing it (or giving
				// the same one again) is no rotation and leaves the ledger as it is.
				creds.TOTPSecret = *in.TOTPSecret
			}
			if creds.Username == "" {
				return fault.Invalid("username", "is required for this identity type")
			}
			if creds.Password == "" {
				return fault.Invalid("password", "is required for this identity type")
			}
		case TypeAPIToken:
			for _, f := range []struct {
				field string
				v     *string
			}{{"username", in.Username}, {"password", in.Password}, {"totpSecret", in.TOTPSecret}} {
				if f.v != nil {
					return fault.Invalid(f.field, "does not apply to an API_TOKEN identity: only a token does")
				}
			}
			if in.Token == nil || *in.Token == "" {
				return fault.Invalid("token", "is required for this identity type")
			}
			changedSecret = !vault.Equal(creds.Token, *in.Token)
			creds.Token = *in.Token
		}
		if rotation && !changedSecret {
			return fault.Invalid("password", "a rotation needs a new password or token")
		}
		// Only a real change is stored: the same credentials again keep the vault's version, so
		// that open reveals of them stay readable.
		if next := creds.Marshal(); !vault.Equal(string(next), string(old.Marshal())) || !hadSecret {
			if err := s.vault.Put(ctx, tx, agencyID, id, vault.PurposeCredentials, next); err != nil {
				return err
			}
		}
		q := tx.NewUpdate().Model((*Identity)(nil)).Where("id = ?", id).Set("updated_at = clock_timestamp()")
		if changedSecret {
			q = q.Set("credentials_rotated_at = clock_timestamp()")
		}
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("identity: stamp credentials: %w", err)
		}
		if ident.State == StatePending || ident.State == StateFailed {
			if _, err := Transition(ctx, tx, agencyID, id, StateProvisioning, ""); err != nil {
				return err
			}
			if _, err := Transition(ctx, tx, agencyID, id, StateProvisioned, ""); err != nil {
				return err
			}
			if err := SetProviderStatus(ctx, tx, agencyID, id, providerOf(ident), "CONFIGURED", "", ""); err != nil {
				return err
			}
		}
		kind := KindCredentialsUpdated
		if rotation {
			kind = KindCredentialsRotated
		}
		return audit.Record(ctx, tx, actor, kind, "identity", id, map[string]any{"secretChanged": changedSecret})
	})
	if err != nil {
		return nil, err
	}
	return s.reloadAndPublish(ctx, agencyID, id)
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
