package gws

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
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
		return s.deprovisionUnmanaged(ctx, agencyID, identityID)
	}
	res := &DeprovisionResult{IdentityID: ident.ID, State: identity.StateDeleted}
	switch ident.State {
	case identity.StateDeleted:
		return res, nil
	case identity.StateDeprovisioning:
	default:
		return nil, job.Permanent(fault.Conflict(fmt.Sprintf("an identity in state %s is not being deleted", ident.State), ident.ID.String()))
	}
	userKey, action, err := s.endDirectoryUser(ctx, ident)
	if err != nil {
		return nil, s.deprovisionFailed(ctx, ident, err)
	}
	res.DirectoryUserID, res.DirectoryAction = userKey, action
	if err := s.recordDeleted(ctx, ident, action); err != nil {
		return nil, err
	}
	s.publish(ctx, agencyID, ident.ID)
	return res, nil
}

// deprovisionUnmanaged hands an identity AccessHive keeps no directory user for to
// identity.Service.Deprovision.
func (s *Service) deprovisionUnmanaged(ctx context.Context, agencyID, identityID uuid.UUID) (any, error) {
	return s.identities.Deprovision(ctx, agencyID, identityID)
}

// deprovisionFailed records why the directory user could not be ended (unless the job is
// stopping) and returns the job's error, permanent when no retry can help.
func (s *Service) deprovisionFailed(ctx context.Context, ident *identity.Identity, err error) error {
	if ctx.Err() == nil {
		reason := reasonOf(err)
		if serr := identity.SetProviderStatus(ctx, s.db, ident.AgencyID, ident.ID, identity.ProviderGWSDirectory, DirectoryFailed, reason, ""); serr != nil {
			s.log.WarnContext(ctx, "gws: record deprovisioning failure", "identity_id", ident.ID, "error", serr)
		}
	}
	return directoryFailure(err)
}

// recordDeleted records what became of the directory user, forgets the identity's credentials
// and moves it to DELETED, in one transaction; an identity already DELETED is left as is.
func (s *Service) recordDeleted(ctx context.Context, ident *identity.Identity, action string) error {
	agencyID := ident.AgencyID
	return db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		cur, err := identity.Lock(ctx, tx, agencyID, ident.ID)
		if err != nil {
			return err
		}
		if cur.State == identity.StateDeleted {
			return nil
		}
		dirStatus := DirectorySuspended
		if action != ActionSuspended {
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
		_, err = s.identities.Transition(ctx, tx, agencyID, cur.ID, identity.StateDeleted, "")
		return err
	})
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
