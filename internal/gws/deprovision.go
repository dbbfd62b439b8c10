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

// What deprovisioning did to the directory user.
const (
	ActionSuspended = "SUSPENDED"
	ActionDeleted   = "DELETED"
	// ActionNotFound: the directory has no user for the identity (never created, or gone).
	ActionNotFound = "NOT_FOUND"
)

// DeprovisionResult is what a deprovisioning job records.
type DeprovisionResult struct {
	IdentityID      uuid.UUID      `json:"identityId"`
	State           identity.State `json:"state"`
	DirectoryUserID string         `json:"directoryUserId,omitempty"`
	DirectoryAction string         `json:"directoryAction,omitempty"`
}

// HandleDeprovision is the worker handler of DEPROVISION_IDENTITY for every identity type:
// MANAGED_GWS identities go through Deprovision, the others through identity.Service's.
func (s *Service) HandleDeprovision(ctx context.Context, rec *job.Record, in job.DeprovisionArgs) (any, error) {
	agencyID, err := agencyOf(rec, in.IdentityID)
	if err != nil {
		return nil, err
	}
	return s.Deprovision(ctx, agencyID, in.IdentityID)
}

// Deprovision ends a deleted identity: for a MANAGED_GWS one it suspends its directory user
// (or deletes it, with DeleteOnDeprovision; a user already gone is fine), records the
// directory status, forgets its credentials and moves it DEPROVISIONING → DELETED. Other types
// are handed to identity.Service.Deprovision. It is idempotent.
func (s *Service) Deprovision(ctx context.Context, agencyID, identityID uuid.UUID) (any, error) {
	ident, err := identity.Reload(ctx, s.db, agencyID, identityID)
	if err != nil {
		return nil, permanentFault(err)
	}
	if ident.Type != identity.TypeManagedGWS {
		res, err := s.identities.Deprovision(ctx, agencyID, identityID)
		if err != nil {
			return nil, err
		}
		if err := s.afterChange(ctx, agencyID, identityID); err != nil {
			return nil, err
		}
		return res, nil
	}
	res := &DeprovisionResult{IdentityID: ident.ID, State: identity.StateDeleted}
	switch ident.State {
	case identity.StateDeleted:
		if err := s.afterChange(ctx, agencyID, ident.ID); err != nil {
			return nil, err
		}
		return res, nil
	case identity.StateDeprovisioning:
	default:
		return nil, job.Permanent(fault.Conflict(fmt.Sprintf("an identity in state %s is not being deleted", ident.State), ident.ID.String()))
	}

	userKey, status, err := s.endDirectoryUser(ctx, ident)
	if err != nil {
		if ctx.Err() == nil {
			reason := reasonOf(err)
			if serr := identity.SetProviderStatus(ctx, s.db, agencyID, ident.ID, identity.ProviderGWSDirectory, DirectoryFailed, reason, ""); serr != nil {
				s.log.WarnContext(ctx, "gws: record deprovisioning failure", "identity_id", ident.ID, "error", serr)
			}
		}
		if permanent(err) {
			return nil, job.Permanent(err)
		}
		return nil, err
	}
	res.DirectoryUserID, res.DirectoryAction = userKey, status
	err = db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		cur, err := identity.Lock(ctx, tx, agencyID, ident.ID)
		if err != nil {
			return err
		}
		if cur.State == identity.StateDeleted {
			return nil
		}
		dirStatus := DirectorySuspended
		if status != ActionSuspended {
			dirStatus = DirectoryDeleted
		}
		if err := identity.SetProviderStatus(ctx, tx, agencyID, cur.ID, identity.ProviderGWSDirectory, dirStatus, "", ""); err != nil {
			return err
		}
		for _, purpose := range []string{vault.PurposeCredentials, PurposeRotation} {
			if err := s.vault.Delete(ctx, tx, agencyID, cur.ID, purpose); err != nil {
				return err
			}
		}
		if err := identity.SetPlatformStatuses(ctx, tx, agencyID, cur.ID, identity.ProviderStatusRemoved); err != nil {
			return err
		}
		_, err = identity.Transition(ctx, tx, agencyID, cur.ID, identity.StateDeleted, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	s.publish(ctx, agencyID, ident.ID)
	if err := s.afterChange(ctx, agencyID, ident.ID); err != nil {
		return nil, err
	}
	return res, nil
}

// endDirectoryUser suspends or deletes the identity's directory user and says which, with the
// user's key; ActionNotFound when there is none.
func (s *Service) endDirectoryUser(ctx context.Context, ident *identity.Identity) (string, string, error) {
	userKey := ""
	for _, ps := range ident.ProviderStatuses {
		if ps.Provider == identity.ProviderGWSDirectory {
			userKey = ps.ExternalID
		}
	}
	src, err := s.agencySource(ctx, ident.AgencyID)
	if err != nil {
		if userKey == "" && errors.Is(err, ErrSourceNotReady) {
			// No source, and no user was ever recorded: nothing can exist to end.
			return "", ActionNotFound, nil
		}
		return "", "", err
	}
	c, err := s.clientFor(ctx, src)
	if err != nil {
		return "", "", err
	}
	if userKey == "" {
		// A crash may have left a user created but unrecorded: look for it.
		found, err := c.lookup(ctx, ManagedUser{IdentityID: ident.ID, PrimaryEmail: emailOf(ident)}, false)
		switch {
		case errors.Is(err, ErrEmailTaken):
			return "", ActionNotFound, nil // the address belongs to someone else: not ours to end
		case err != nil:
			return "", "", err
		case found == nil:
			return "", ActionNotFound, nil
		}
		userKey = found.ID
	}
	if s.cfg.DeleteOnDeprovision {
		// Delete treats a user already gone as done.
		if err := c.Delete(ctx, userKey); err != nil {
			return "", "", err
		}
		return userKey, ActionDeleted, nil
	}
	switch err := c.Suspend(ctx, userKey); {
	case errors.Is(err, ErrNotFound):
		return userKey, ActionNotFound, nil
	case err != nil:
		return "", "", err
	}
	return userKey, ActionSuspended, nil
}

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
	err = s.setPassword(ctx, ident, userKey, password)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		perm := permanent(err)
		reason := reasonOf(err, password)
		if perm || final {
			if serr := identity.SetProviderStatus(ctx, s.db, agencyID, ident.ID, identity.ProviderGWSDirectory, DirectoryActive, "rotation failed: "+reason, ""); serr != nil {
				s.log.WarnContext(ctx, "gws: record rotation failure", "identity_id", ident.ID, "error", serr)
			} else {
				s.publish(ctx, agencyID, ident.ID)
			}
		}
		wrapped := fmt.Errorf("gws: rotate password of identity %s: %s", ident.ID, reason)
		if perm {
			return nil, job.Permanent(wrapped)
		}
		return nil, wrapped
	}

	res := &RotateResult{IdentityID: ident.ID, DirectoryUserID: userKey}
	err = db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
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
		if err := tx.NewSelect().Model((*identity.Identity)(nil)).Column("credentials_rotated_at").
			Where("id = ?", cur.ID).Scan(ctx, &res.RotatedAt); err != nil {
			return fmt.Errorf("gws: read rotation time: %w", err)
		}
		return audit.Record(ctx, tx, systemActor(agencyID), identity.KindCredentialsRotated, "identity", cur.ID,
			map[string]any{"secretChanged": true, "managed": true})
	})
	if err != nil {
		return nil, err
	}
	s.publish(ctx, agencyID, ident.ID)
	return res, nil
}

// setPassword sets a managed user's password through the agency's source.
func (s *Service) setPassword(ctx context.Context, ident *identity.Identity, userKey, password string) error {
	src, err := s.agencySource(ctx, ident.AgencyID)
	if err != nil {
		return err
	}
	c, err := s.clientFor(ctx, src)
	if err != nil {
		return err
	}
	return c.SetPassword(ctx, userKey, password)
}
