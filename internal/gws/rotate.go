package gws

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/vault"
)

// RotateResult is what a rotation job records: never the password.
type RotateResult struct {
	IdentityID      uuid.UUID `json:"identityId"`
	DirectoryUserID string    `json:"directoryUserId"`
	RotatedAt       time.Time `json:"rotatedAt"`
}

// HandleRotate is the worker handler of ROTATE_CREDENTIALS (only MANAGED_GWS identities get
// such jobs: identity.Service.RequestRotation refuses the others).
func (s *Service) HandleRotate(ctx context.Context, rec *job.Record, in job.RotateArgs) (any, error) {
	agencyID, err := agencyOf(rec, in.IdentityID)
	if err != nil {
		return nil, err
	}
	res, err := s.Rotate(ctx, agencyID, in.IdentityID, rec.Attempts >= rec.MaxAttempts)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Rotate gives a PROVISIONED MANAGED_GWS identity a new password, in an order that is safe to
// retry at any point: the new password is sealed under PurposeRotation first (unless one is
// pending from an earlier attempt, which is reused), then set in the directory, then moved to
// vault.PurposeCredentials with credentials_rotated_at stamped, in one transaction. Until that
// commit, reveals show the old password; a crash in between leaves the directory ahead of the
// vault only until the retry sets the pending password again.
func (s *Service) Rotate(ctx context.Context, agencyID, identityID uuid.UUID, final bool) (*RotateResult, error) {
	ident, password, err := s.pendingRotation(ctx, agencyID, identityID)
	if err != nil {
		return nil, err
	}
	userKey, err := identity.DirectoryUserID(ctx, s.db, agencyID, ident.ID)
	if err != nil {
		return nil, err
	}
	if userKey == "" {
		userKey = emailOf(ident)
	}
	if err := s.setPassword(ctx, ident, userKey, password); err != nil {
		return nil, s.rotationFailed(ctx, ident, err, final, password)
	}
	res := &RotateResult{IdentityID: ident.ID, DirectoryUserID: userKey}
	if res.RotatedAt, err = s.recordRotation(ctx, ident, password); err != nil {
		return nil, err
	}
	s.publish(ctx, agencyID, ident.ID)
	return res, nil
}

// pendingRotation locks the identity, checks it can be rotated, and returns it with the
// password to set: the one pending from an earlier attempt, or a new one sealed under
// PurposeRotation (and committed) before the directory hears of it.
func (s *Service) pendingRotation(ctx context.Context, agencyID, identityID uuid.UUID) (*identity.Identity, string, error) {
	var (
		ident    *identity.Identity
		password string
	)
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if ident, err = identity.Lock(ctx, tx, agencyID, identityID); err != nil {
			return permanentFault(err)
		}
		if ident.Type != identity.TypeManagedGWS {
			return job.Permanent(fault.Invalid("identityId", "only a MANAGED_GWS identity's password is rotated by a job"))
		}
		if ident.State != identity.StateProvisioned {
			return job.Permanent(fault.Conflict(fmt.Sprintf("an identity in state %s cannot be rotated", ident.State), ident.ID.String()))
		}
		pt, err := s.vault.Get(ctx, tx, agencyID, ident.ID, PurposeRotation)
		switch {
		case err == nil:
			password = string(pt)
			return nil
		case !errors.Is(err, vault.ErrNoSecret):
			return err
		}
		password = GeneratePassword()
		return s.vault.Put(ctx, tx, agencyID, ident.ID, PurposeRotation, []byte(password))
	})
	return ident, password, err
}

// rotationFailed returns the job's error for a password the directory did not take (permanent
// when no retry can help) and, when giving up, records the failure on the identity's directory
// status. The password is blanked from every text.
func (s *Service) rotationFailed(ctx context.Context, ident *identity.Identity, err error, final bool, password string) error {
	if ctx.Err() != nil {
		return err
	}
	perm := permanent(err)
	reason := reasonOf(err, password)
	if perm || final {
		if serr := identity.SetProviderStatus(ctx, s.db, ident.AgencyID, ident.ID, identity.ProviderGWSDirectory, DirectoryActive, "rotation failed: "+reason, ""); serr != nil {
			s.log.WarnContext(ctx, "gws: record rotation failure", "identity_id", ident.ID, "error", serr)
		} else {
			s.publish(ctx, ident.AgencyID, ident.ID)
		}
	}
	return permanentIf(perm, fmt.Errorf("gws: rotate password of identity %s: %s", ident.ID, reason))
}

// recordRotation moves the password the directory now has to vault.PurposeCredentials, stamps
// the rotation and records it, in one transaction, and returns when it was stamped; an identity
// deleted meanwhile only loses its pending password (zero time).
func (s *Service) recordRotation(ctx context.Context, ident *identity.Identity, password string) (time.Time, error) {
	var rotatedAt time.Time
	agencyID := ident.AgencyID
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		cur, err := identity.Lock(ctx, tx, agencyID, ident.ID)
		if err != nil {
			return err
		}
		if cur.State != identity.StateProvisioned {
			// Deleted meanwhile: its credentials are going away anyway.
			return s.vault.Delete(ctx, tx, agencyID, cur.ID, PurposeRotation)
		}
		creds := identity.Credentials{Username: emailOf(cur), Password: password}
		if err := s.vault.Put(ctx, tx, agencyID, cur.ID, vault.PurposeCredentials, creds.Marshal()); err != nil {
			return err
		}
		if err := s.vault.Delete(ctx, tx, agencyID, cur.ID, PurposeRotation); err != nil {
			return err
		}
		if err := identity.StampCredentialsRotated(ctx, tx, agencyID, cur.ID); err != nil {
			return err
		}
		if err := identity.SetProviderStatus(ctx, tx, agencyID, cur.ID, identity.ProviderGWSDirectory, DirectoryActive, "", ""); err != nil {
			return err
		}
		if rotatedAt, err = rotationTime(ctx, tx, agencyID, cur.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, systemActor(agencyID), identity.KindCredentialsRotated, "identity", cur.ID,
			map[string]any{"secretChanged": true, "managed": true})
	})
	return rotatedAt, err
}

// rotationTime reads the identity's credentials_rotated_at, as just stamped in tx.
func rotationTime(ctx context.Context, tx bun.Tx, agencyID, id uuid.UUID) (time.Time, error) {
	cur, err := identity.Reload(ctx, tx, agencyID, id)
	if err != nil {
		return time.Time{}, fmt.Errorf("gws: read rotation time: %w", err)
	}
	if cur.CredentialsRotatedAt == nil {
		return time.Time{}, errors.New("gws: read rotation time: not stamped")
	}
	return *cur.CredentialsRotatedAt, nil
}

// setPassword sets a managed user's password through the agency's source.
func (s *Service) setPassword(ctx context.Context, ident *identity.Identity, userKey, password string) error {
	c, err := s.agencyClient(ctx, ident.AgencyID)
	if err != nil {
		return err
	}
	return c.SetPassword(ctx, userKey, password)
}
