package auth

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/tenant"
)

// ActiveUsersIn returns the ids of the agency's active (not deactivated) users holding one of
// roles, oldest first: e.g. the owners and admins who decide access requests.
func ActiveUsersIn(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, roles ...Role) ([]uuid.UUID, error) {
	var ids []uuid.UUID
	err := tenant.Agency(agencyID).SelectTable(idb, "users", "").Column("id").
		Where("role IN (?) AND deactivated_at IS NULL", bun.List(roles)).
		OrderExpr("created_at, id").Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("auth: active users by role: %w", err)
	}
	return ids, nil
}
