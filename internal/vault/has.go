package vault

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/tenant"
)

// Has reports whether a secret of (agency, owner, purpose) is stored, without opening it: for
// showing that a key is configured, where the plaintext is not needed.
func Has(ctx context.Context, idb bun.IDB, agencyID, ownerID uuid.UUID, purpose string) (bool, error) {
	ok, err := tenant.Agency(agencyID).Select(idb, (*secretRow)(nil)).
		Where("owner_id = ? AND purpose = ?", ownerID, purpose).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("vault: look for secret: %w", err)
	}
	return ok, nil
}
