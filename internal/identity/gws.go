package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
)

// This file holds the identity queries the Google Workspace side (internal/gws) needs for its
// jobs: they run without an Actor, by agency and id, like Transition and Reload.

// Lock loads an identity of the agency under a row lock within tx, or NOT_FOUND.
func Lock(ctx context.Context, tx bun.IDB, agencyID, id uuid.UUID) (*Identity, error) {
	return lockForUpdate(ctx, tx, agencyID, id)
}

// ManagedRef is what directory sync reads of a MANAGED_GWS identity: nothing else is loaded.
type ManagedRef struct {
	ID          uuid.UUID
	Email       string
	DisplayName string
	State       State
}

// EachManaged streams the agency's live (not DELETED) MANAGED_GWS identities to fn, one row at
// a time, reading only their id, email, display name and state. An error from fn stops the
// stream and is returned as is.
func EachManaged(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, fn func(ManagedRef) error) error {
	rows, err := tenant.Agency(agencyID).SelectTable(idb, "identities", "").
		Column("id", "email", "display_name", "provisioning_state").
		Where("type = ?", TypeManagedGWS).
		Where("provisioning_state <> ?", StateDeleted).
		Rows(ctx)
	if err != nil {
		return fmt.Errorf("identity: stream managed: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r     ManagedRef
			email *string
			state string
		)
		if err := rows.Scan(&r.ID, &email, &r.DisplayName, &state); err != nil {
			return fmt.Errorf("identity: scan managed: %w", err)
		}
		if email != nil {
			r.Email = *email
		}
		r.State = State(state)
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("identity: stream managed: %w", err)
	}
	return nil
}

// EachDeletedManaged streams the ids of the agency's DELETED MANAGED_GWS identities to fn, one
// row at a time, reading nothing else. An error from fn stops the stream and is returned as is.
func EachDeletedManaged(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, fn func(uuid.UUID) error) error {
	rows, err := tenant.Agency(agencyID).SelectTable(idb, "identities", "").
		Column("id").
		Where("type = ?", TypeManagedGWS).
		Where("provisioning_state = ?", StateDeleted).
		Rows(ctx)
	if err != nil {
		return fmt.Errorf("identity: stream deleted managed: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("identity: scan deleted managed: %w", err)
		}
		if err := fn(id); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("identity: stream deleted managed: %w", err)
	}
	return nil
}

// CountManaged returns how many live MANAGED_GWS identities the agency has.
func CountManaged(ctx context.Context, idb bun.IDB, agencyID uuid.UUID) (int, error) {
	n, err := tenant.Agency(agencyID).SelectTable(idb, "identities", "").
		Where("type = ?", TypeManagedGWS).
		Where("provisioning_state <> ?", StateDeleted).
		Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("identity: count managed: %w", err)
	}
	return int(n), nil
}

// LiveByEmail returns the agency's live identity with this address (case-insensitive), or nil.
func LiveByEmail(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, email string) (*Identity, error) {
	ident := new(Identity)
	err := tenant.Agency(agencyID).Select(idb, ident).
		Where("lower(i.email) = lower(?)", email).
		Where("i.provisioning_state <> ?", StateDeleted).
		Limit(1).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("identity: find by email: %w", err)
	}
	return ident, nil
}

// Ref names an identity of an agency.
type Ref struct {
	AgencyID uuid.UUID `bun:"agency_id"`
	ID       uuid.UUID `bun:"id"`
}

// StuckProvisioning returns up to limit MANAGED_GWS identities, of any agency, that have been
// PROVISIONING for longer than olderThan (by the database's clock) and that no provisioning job
// is still working on (none QUEUED, RUNNING or RETRYING: see ActiveProvisioningJob), oldest
// first.
func StuckProvisioning(ctx context.Context, idb bun.IDB, olderThan time.Duration, limit int) ([]Ref, error) {
	var refs []Ref
	err := idb.NewSelect().Table("identities").
		Comment(tenant.AllAgencies("sweeper: identities stuck in PROVISIONING in every agency")).
		Column("agency_id", "id").
		Where("provisioning_state = ?", StateProvisioning).
		Where("type = ?", TypeManagedGWS).
		Where("state_changed_at < clock_timestamp() - ? * interval '1 microsecond'", olderThan.Microseconds()).
		Where("NOT EXISTS (?)", job.ActiveForEachIdentity(idb, job.TypeProvisionIdentity, "identities.agency_id", "identities.id")).
		OrderExpr("state_changed_at").
		Limit(int64(limit)).
		Scan(ctx, &refs)
	if err != nil {
		return nil, fmt.Errorf("identity: find stuck provisioning: %w", err)
	}
	return refs, nil
}

// ActiveProvisioningJob returns the oldest PROVISION_IDENTITY job of the identity that is still
// QUEUED, RUNNING or RETRYING, with its status, or uuid.Nil when none is (asked of internal/job,
// which owns the jobs).
func ActiveProvisioningJob(ctx context.Context, idb bun.IDB, agencyID, identityID uuid.UUID) (uuid.UUID, job.Status, error) {
	return job.ActiveForIdentity(ctx, idb, agencyID, job.TypeProvisionIdentity, identityID)
}

// StuckSince reports whether the identity, locked by the caller, has been in its state for
// longer than d by the database's clock.
func StuckSince(ctx context.Context, tx bun.IDB, ident *Identity, d time.Duration) (bool, error) {
	var stuck bool
	err := tx.NewRaw("SELECT ?::timestamptz < clock_timestamp() - ? * interval '1 microsecond'",
		ident.StateChangedAt, d.Microseconds()).Scan(ctx, &stuck)
	if err != nil {
		return false, fmt.Errorf("identity: check stuck: %w", err)
	}
	return stuck, nil
}

// StampCredentialsRotated records that the identity's secret changed just now (the reveal
// ledger counts from it).
func StampCredentialsRotated(ctx context.Context, tx bun.IDB, agencyID, id uuid.UUID) error {
	_, err := tenant.Agency(agencyID).Update(tx, (*Identity)(nil)).
		Where("id = ?", id).
		Set("credentials_rotated_at = clock_timestamp()").
		Set("updated_at = clock_timestamp()").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("identity: stamp rotation: %w", err)
	}
	return nil
}

// DirectoryUserID returns the external id recorded for the identity's GWS_DIRECTORY provider
// status (Google's user id), or "".
func DirectoryUserID(ctx context.Context, idb bun.IDB, agencyID, id uuid.UUID) (string, error) {
	var ext string
	err := tenant.Agency(agencyID).Select(idb, (*ProviderStatus)(nil)).Column("external_id").
		Where("identity_id = ? AND provider = ?", id, ProviderGWSDirectory).
		Scan(ctx, &ext)
	if db.IsNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("identity: directory user id: %w", err)
	}
	return ext, nil
}
