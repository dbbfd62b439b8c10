package gws

import (
	"context"
	"encoding/json"
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
	"github.com/accesshive/accesshive/internal/vault"
)

// Statuses of the GWS_DIRECTORY provider row of a managed identity.
const (
	DirectoryPending      = "PENDING"
	DirectoryProvisioning = "PROVISIONING"
	DirectoryActive       = "ACTIVE"
	DirectoryFailed       = "FAILED"
	DirectoryRepairing    = "REPAIRING"
	DirectoryMissing      = "MISSING"
	DirectorySuspended    = "SUSPENDED"
	DirectoryDeleted      = "DELETED"
)

// platformReady is the platform provider's status once the directory user exists: AccessHive's
// side is done (the platforms' own APIs are out of its reach).
const platformReady = "CONFIGURED"

// ProvisionResult is what a provisioning job records: never the password.
type ProvisionResult struct {
	IdentityID      uuid.UUID `json:"identityId"`
	DirectoryUserID string    `json:"directoryUserId"`
	Email           string    `json:"email"`
	// Adopted is true when the user already existed (an earlier attempt created it).
	Adopted bool `json:"adopted"`
	// AlreadyProvisioned is true when the identity was PROVISIONED before this run.
	AlreadyProvisioned bool `json:"alreadyProvisioned,omitempty"`
	// Repaired is true for a repair run.
	Repaired bool `json:"repaired,omitempty"`
}

// agencyOf returns the agency of a job on an identity, refusing a job without one or without the
// identity's id.
func agencyOf(rec *job.Record, identityID uuid.UUID) (uuid.UUID, error) {
	if rec.AgencyID == nil || identityID == uuid.Nil {
		return uuid.Nil, job.Permanent(fmt.Errorf("gws: bad %s input", rec.Type))
	}
	return *rec.AgencyID, nil
}

// HandleProvision is the worker handler of PROVISION_IDENTITY.
func (s *Service) HandleProvision(ctx context.Context, rec *job.Record, in job.ProvisionArgs) (any, error) {
	agencyID, err := agencyOf(rec, in.IdentityID)
	if err != nil {
		return nil, err
	}
	res, err := s.Provision(ctx, agencyID, in, rec.Attempts >= rec.MaxAttempts)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Provision creates (or adopts) the directory user of a MANAGED_GWS identity and makes it
// PROVISIONED. It is idempotent and crash-safe:
//
//   - a PROVISIONED identity is done (unless in.Repair);
//   - the password is sealed in the vault, and committed, before the directory hears of it,
//     and only when none is sealed yet: a retry after a crash sets the same password, so the
//     vault and the directory never disagree;
//   - EnsureUser adopts a user an earlier attempt created, so no attempt duplicates it.
//
// A permanent error (Google refuses, the address belongs to someone else, the source is
// unusable) marks the identity FAILED with the reason and is returned as job.Permanent. A
// transient one is returned for a retry; the identity stays PROVISIONING with the reason as
// its last error, unless final (the job's last attempt), which marks it FAILED too.
func (s *Service) Provision(ctx context.Context, agencyID uuid.UUID, in job.ProvisionArgs, final bool) (*ProvisionResult, error) {
	start, err := s.startProvisioning(ctx, agencyID, in.IdentityID, in.Repair)
	if err != nil {
		return nil, err
	}
	ident := start.ident
	if start.done != nil {
		return start.done, nil
	}
	if start.moved {
		s.publish(ctx, agencyID, ident.ID)
	}
	user, adopted, err := s.ensureUser(ctx, ident, start.password)
	if err != nil {
		return nil, s.provisionFailed(ctx, ident, in.Repair, err, final, start.password)
	}
	orphaned, err := s.recordProvisioned(ctx, ident, user.ID)
	if err != nil {
		return nil, err
	}
	if orphaned != "" {
		// The identity was deleted while its user was being created, maybe after the
		// deprovisioning job looked for the user: suspend it here, so no live account is left
		// behind (suspending twice is harmless).
		serr := s.suspendOrphan(ctx, ident, user.ID)
		return nil, job.Permanent(fmt.Errorf("gws: identity %s became %s during provisioning; its directory user was suspended (%v)", ident.ID, orphaned, serr))
	}
	s.publish(ctx, agencyID, ident.ID)
	s.log.InfoContext(ctx, "gws: identity provisioned", "identity_id", ident.ID, "directory_user_id", user.ID, "adopted", adopted)
	return &ProvisionResult{IdentityID: ident.ID, DirectoryUserID: user.ID, Email: emailOf(ident), Adopted: adopted, Repaired: in.Repair}, nil
}

// provisionStart is what the first transaction of a provisioning decided.
type provisionStart struct {
	ident    *identity.Identity
	password string
	// done is the result of an identity PROVISIONED already: nothing more to do.
	done *ProvisionResult
	// moved reports that the identity moved to PROVISIONING, which is announced.
	moved bool
}

// startProvisioning locks the identity, checks it can be provisioned, moves it to PROVISIONING
// (a repair leaves it PROVISIONED, its directory status REPAIRING) and seals its password,
// committing all before the directory hears of it.
func (s *Service) startProvisioning(ctx context.Context, agencyID, identityID uuid.UUID, repair bool) (*provisionStart, error) {
	st := &provisionStart{}
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		ident, err := identity.Lock(ctx, tx, agencyID, identityID)
		if err != nil {
			return permanentFault(err)
		}
		if ident.Type != identity.TypeManagedGWS {
			return job.Permanent(fmt.Errorf("gws: identity %s is %s, not MANAGED_GWS", ident.ID, ident.Type))
		}
		st.ident = ident
		status, err := s.enterProvisioning(ctx, tx, st, repair)
		if err != nil || st.done != nil {
			return err
		}
		ident = st.ident
		if ident.Email == nil || *ident.Email == "" {
			return job.Permanent(fmt.Errorf("gws: identity %s has no managed address", ident.ID))
		}
		if st.password, err = s.passwordFor(ctx, tx, ident); err != nil {
			return err
		}
		return identity.SetProviderStatus(ctx, tx, agencyID, ident.ID, identity.ProviderGWSDirectory, status, ident.LastError, "")
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// enterProvisioning decides, from the state of st.ident (locked in tx), what this run does, and
// returns the directory status it runs under: a PROVISIONED identity is done (st.done) unless
// repaired, a PENDING or PROVISIONING one moves to PROVISIONING, any other is refused for good.
func (s *Service) enterProvisioning(ctx context.Context, tx bun.Tx, st *provisionStart, repair bool) (string, error) {
	ident := st.ident
	switch {
	case ident.State == identity.StateProvisioned && !repair:
		ext, err := identity.DirectoryUserID(ctx, tx, ident.AgencyID, ident.ID)
		if err != nil {
			return "", err
		}
		st.done = &ProvisionResult{IdentityID: ident.ID, DirectoryUserID: ext, Email: emailOf(ident), AlreadyProvisioned: true}
		return "", nil
	case ident.State == identity.StateProvisioned:
		return DirectoryRepairing, nil
	case ident.State == identity.StatePending || ident.State == identity.StateProvisioning:
		moved, err := s.identities.Transition(ctx, tx, ident.AgencyID, ident.ID, identity.StateProvisioning, ident.LastError)
		if err != nil {
			return "", permanentFault(err)
		}
		st.ident, st.moved = moved, true
		return DirectoryProvisioning, nil
	case ident.State == identity.StateFailed:
		return "", job.Permanent(fault.Conflict("the identity is FAILED: retry provisioning starts a new attempt", ident.ID.String()))
	default:
		return "", job.Permanent(fault.Conflict(fmt.Sprintf("an identity in state %s is not provisioned", ident.State), ident.ID.String()))
	}
}

// recordProvisioned makes the identity PROVISIONED with its directory user, whose id it records.
// An identity deleted meanwhile is left alone: its state is returned, and the caller suspends
// the user.
func (s *Service) recordProvisioned(ctx context.Context, ident *identity.Identity, userID string) (identity.State, error) {
	var orphaned identity.State
	agencyID := ident.AgencyID
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		cur, err := identity.Lock(ctx, tx, agencyID, ident.ID)
		if err != nil {
			return err
		}
		switch cur.State {
		case identity.StateProvisioning, identity.StateFailed:
			// FAILED: the watchdog gave up on this run, yet the user exists and is ours.
			if cur.State == identity.StateFailed {
				if _, err := s.identities.Transition(ctx, tx, agencyID, cur.ID, identity.StateProvisioning, ""); err != nil {
					return err
				}
			}
			if err := identity.SetProviderStatus(ctx, tx, agencyID, cur.ID, cur.Platform(), platformReady, "", ""); err != nil {
				return err
			}
			if _, err := s.identities.Transition(ctx, tx, agencyID, cur.ID, identity.StateProvisioned, ""); err != nil {
				return err
			}
		case identity.StateProvisioned:
		default:
			orphaned = cur.State
			return nil
		}
		return identity.SetProviderStatus(ctx, tx, agencyID, cur.ID, identity.ProviderGWSDirectory, DirectoryActive, "", userID)
	})
	return orphaned, err
}

// ensureUser dials the agency's source and makes sure the identity's user exists with password.
func (s *Service) ensureUser(ctx context.Context, ident *identity.Identity, password string) (User, bool, error) {
	c, err := s.agencyClient(ctx, ident.AgencyID)
	if err != nil {
		return User{}, false, err
	}
	given, family := SplitName(ident.DisplayName)
	user, adopted, err := c.EnsureUser(ctx, ManagedUser{
		IdentityID: ident.ID, PrimaryEmail: emailOf(ident), GivenName: given, FamilyName: family,
	}, password)
	if err == nil && s.afterDirectory != nil {
		err = s.afterDirectory(ctx, ident.ID)
	}
	return user, adopted, err
}

// suspendOrphan suspends a user created for an identity that was deleted meanwhile.
func (s *Service) suspendOrphan(ctx context.Context, ident *identity.Identity, userID string) error {
	c, err := s.agencyClient(ctx, ident.AgencyID)
	if err != nil {
		return err
	}
	if err := c.Suspend(ctx, userID); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// passwordFor returns the identity's managed password, generating and sealing one first when
// the vault holds none, within tx (which the caller commits before using it).
func (s *Service) passwordFor(ctx context.Context, tx bun.IDB, ident *identity.Identity) (string, error) {
	pt, err := s.vault.Get(ctx, tx, ident.AgencyID, ident.ID, vault.PurposeCredentials)
	switch {
	case err == nil:
		var c identity.Credentials
		if err := json.Unmarshal(pt, &c); err != nil {
			return "", fmt.Errorf("gws: decode stored credentials: %w", err)
		}
		if c.Password != "" {
			return c.Password, nil
		}
	case !errors.Is(err, vault.ErrNoSecret):
		return "", err
	}
	pw := GeneratePassword()
	creds := identity.Credentials{Username: emailOf(ident), Password: pw}
	if err := s.vault.Put(ctx, tx, ident.AgencyID, ident.ID, vault.PurposeCredentials, creds.Marshal()); err != nil {
		return "", err
	}
	return pw, nil
}

// provisionFailed records a failed provisioning attempt and returns the job's error: FAILED
// with the reason for a permanent error or the last attempt, the reason as last error
// otherwise. A repair leaves the identity PROVISIONED and marks its directory status MISSING.
func (s *Service) provisionFailed(ctx context.Context, ident *identity.Identity, repair bool, cause error, final bool, password string) error {
	if ctx.Err() != nil {
		// The worker is stopping or the attempt timed out: the task comes back as is.
		return cause
	}
	perm := permanent(cause)
	reason := reasonOf(cause, password)
	giveUp := perm || final
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		cur, err := identity.Lock(ctx, tx, ident.AgencyID, ident.ID)
		if err != nil {
			return err
		}
		status := DirectoryProvisioning
		switch {
		case cur.State == identity.StateProvisioning && giveUp:
			if _, err := s.identities.Transition(ctx, tx, cur.AgencyID, cur.ID, identity.StateFailed, reason); err != nil {
				return err
			}
			status = DirectoryFailed
		case cur.State == identity.StateProvisioning:
			if _, err := s.identities.Transition(ctx, tx, cur.AgencyID, cur.ID, identity.StateProvisioning, "retrying: "+reason); err != nil {
				return err
			}
		case cur.State == identity.StateProvisioned && repair:
			status = DirectoryRepairing
			if giveUp {
				status = DirectoryMissing
			}
		default:
			return nil
		}
		return identity.SetProviderStatus(ctx, tx, cur.AgencyID, cur.ID, identity.ProviderGWSDirectory, status, reason, "")
	})
	if err != nil {
		s.log.ErrorContext(ctx, "gws: record provisioning failure", "identity_id", ident.ID, "error", err)
	} else {
		s.publish(ctx, ident.AgencyID, ident.ID)
	}
	return permanentIf(perm, fmt.Errorf("gws: provision identity %s: %s", ident.ID, reason))
}

func emailOf(ident *identity.Identity) string {
	if ident.Email == nil {
		return ""
	}
	return *ident.Email
}

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
		if _, err := s.identities.Transition(ctx, tx, actor.AgencyID, ident.ID, identity.StateProvisioning, ""); err != nil {
			return err
		}
		if err := identity.SetProviderStatus(ctx, tx, actor.AgencyID, ident.ID, identity.ProviderGWSDirectory, DirectoryProvisioning, "", ""); err != nil {
			return err
		}
		if rec, err = job.Enqueue(ctx, tx, job.Spec{AgencyID: actor.AgencyID, Type: job.TypeProvisionIdentity,
			Input: job.ProvisionArgs{IdentityID: ident.ID}, CreatedBy: actor.UserID}); err != nil {
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
			if _, err := s.identities.Transition(ctx, tx, cur.AgencyID, cur.ID, identity.StateFailed, reason); err != nil {
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
