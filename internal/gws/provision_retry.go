package gws

import (
	"context"
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
)

// RetryAvailableAt is when RetryProvisioning starts accepting the identity by its state alone:
// the moment it became FAILED, or StuckAfter past the moment it became PROVISIONING. ok is false
// for any other state or type, which RetryProvisioning always refuses. The console enables its
// Retry Provisioning button from this time; an active provisioning job still makes the retry a
// CONFLICT then, which only the API can tell.
func (s *Service) RetryAvailableAt(typ identity.Type, state identity.State, stateChangedAt time.Time) (at time.Time, ok bool) {
	if typ != identity.TypeManagedGWS {
		return time.Time{}, false
	}
	switch state {
	case identity.StateFailed:
		return stateChangedAt, true
	case identity.StateProvisioning:
		return stateChangedAt.Add(s.cfg.StuckAfter), true
	}
	return time.Time{}, false
}

// RetryProvisioning re-runs provisioning for a FAILED identity, or one stuck PROVISIONING for
// longer than StuckAfter (owners and admins): it moves to PROVISIONING and a new
// PROVISION_IDENTITY job is enqueued in the same transaction. Any other state is a CONFLICT
// naming the identity; a stuck identity whose provisioning job is still QUEUED, RUNNING or
// RETRYING (identity.ActiveProvisioningJob) is a CONFLICT naming that job.
func (s *Service) RetryProvisioning(ctx context.Context, actor *auth.Actor, identityID uuid.UUID) (*identity.Identity, *job.Record, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, nil, err
	}
	var rec *job.Record
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		ident, err := identity.Lock(ctx, tx, actor.AgencyID, identityID)
		if err != nil {
			return err
		}
		if err := s.checkRetryable(ctx, tx, ident); err != nil {
			return err
		}
		from := ident.State
		if _, err := identity.Transition(ctx, tx, actor.AgencyID, ident.ID, identity.StateProvisioning, ""); err != nil {
			return err
		}
		if err := identity.SetProviderStatus(ctx, tx, actor.AgencyID, ident.ID, identity.ProviderGWSDirectory, DirectoryProvisioning, "", ""); err != nil {
			return err
		}
		if rec, err = job.Enqueue(ctx, tx, job.Spec{AgencyID: actor.AgencyID, Type: job.TypeProvisionIdentity,
			Input: ProvisionInput{IdentityID: ident.ID}, CreatedBy: actor.UserID}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, identity.KindProvisioningRetried, "identity", ident.ID, map[string]any{
			"from": from, "jobId": rec.ID,
		})
	})
	if err != nil {
		return nil, nil, err
	}
	ident, err := identity.Reload(ctx, s.db, actor.AgencyID, identityID)
	if err != nil {
		return nil, nil, err
	}
	if s.identities != nil {
		s.identities.Published(ctx, ident)
	}
	return ident, rec, nil
}

// checkRetryable refuses to retry the identity (locked in tx) unless it is a MANAGED_GWS one that
// is FAILED, or stuck PROVISIONING with no provisioning job still at work on it.
func (s *Service) checkRetryable(ctx context.Context, tx bun.Tx, ident *identity.Identity) error {
	if ident.Type != identity.TypeManagedGWS {
		return fault.Invalid("identityId", fmt.Sprintf("only MANAGED_GWS identities are provisioned by AccessHive; this one is %s", ident.Type))
	}
	switch ident.State {
	case identity.StateFailed:
		return nil
	case identity.StateProvisioning:
	default:
		return fault.Conflict(fmt.Sprintf("an identity in state %s cannot be retried: only FAILED or stuck PROVISIONING identities can", ident.State), ident.ID.String())
	}
	stuck, err := identity.StuckSince(ctx, tx, ident, s.cfg.StuckAfter)
	if err != nil {
		return err
	}
	if !stuck {
		return fault.Conflict(fmt.Sprintf("the identity is PROVISIONING and not stuck yet: retry is possible once it has been provisioning for more than %s", s.cfg.StuckAfter), ident.ID.String())
	}
	// Stuck yet still in the hands of a job (e.g. one backing off between attempts): a
	// second job would only race it.
	active, status, err := identity.ActiveProvisioningJob(ctx, tx, ident.AgencyID, ident.ID)
	if err != nil {
		return err
	}
	if active != uuid.Nil {
		return fault.Conflict(fmt.Sprintf("the identity's provisioning job is still %s: wait for it to finish (or fail) before retrying", status), active.String())
	}
	return nil
}

// markStuckBatch bounds how many identities one MarkStuck pass examines.
const markStuckBatch = 500

// MarkStuck fails every MANAGED_GWS identity, of any agency, that has been PROVISIONING for
// longer than StuckAfter with no provisioning job still queued, running or retrying (its job
// was lost or gave up without saying so), recording why. It returns how many it failed. Run it
// periodically (see the package's wiring notes); it is safe on several replicas at once.
func (s *Service) MarkStuck(ctx context.Context) (int, error) {
	refs, err := identity.StuckProvisioning(ctx, s.db, s.cfg.StuckAfter, markStuckBatch)
	if err != nil {
		return 0, err
	}
	reason := fmt.Sprintf("provisioning stuck for more than %s with no provisioning job running; retry provisioning to try again", s.cfg.StuckAfter)
	n := 0
	for _, ref := range refs {
		marked := false
		err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
			cur, err := identity.Lock(ctx, tx, ref.AgencyID, ref.ID)
			if err != nil || cur.State != identity.StateProvisioning {
				return err
			}
			// Checked again under the lock: a retry may have started meanwhile.
			if stuck, err := identity.StuckSince(ctx, tx, cur, s.cfg.StuckAfter); err != nil || !stuck {
				return err
			}
			if active, _, err := identity.ActiveProvisioningJob(ctx, tx, cur.AgencyID, cur.ID); err != nil || active != uuid.Nil {
				return err
			}
			if _, err := identity.Transition(ctx, tx, cur.AgencyID, cur.ID, identity.StateFailed, reason); err != nil {
				return err
			}
			marked = true
			return identity.SetProviderStatus(ctx, tx, cur.AgencyID, cur.ID, identity.ProviderGWSDirectory, DirectoryFailed, reason, "")
		})
		if err != nil {
			if ctx.Err() != nil {
				return n, err
			}
			s.log.WarnContext(ctx, "gws: mark stuck identity", "identity_id", ref.ID, "error", err)
			continue
		}
		if marked {
			n++
			s.publish(ctx, ref.AgencyID, ref.ID)
			s.log.InfoContext(ctx, "gws: stuck provisioning marked FAILED", "identity_id", ref.ID)
		}
	}
	return n, nil
}
