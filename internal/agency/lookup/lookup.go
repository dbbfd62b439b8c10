// Package lookup answers what internal/auth must know of an agency and its clients: the
// agency's name (for the emails it sends) and whether a client takes new users. It is agency's
// own reader of its tables, kept in a leaf package that imports nothing of the domain, because
// agency imports auth and auth cannot import agency.
package lookup

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/tenant"
)

// AgencyName is the name of the agency.
func AgencyName(ctx context.Context, idb bun.IDB, agencyID uuid.UUID) (string, error) {
	var name string
	if err := idb.NewSelect().Table("agencies").Column("name").Where("id = ?", agencyID).Scan(ctx, &name); err != nil {
		return "", fmt.Errorf("agency: name: %w", err)
	}
	return name, nil
}

// ClientActive reports whether the agency has the client and has not archived (offboarded) it.
func ClientActive(ctx context.Context, idb bun.IDB, agencyID, clientID uuid.UUID) (bool, error) {
	var n int
	err := tenant.Agency(agencyID).SelectTable(idb, "clients", "").ColumnExpr("count(*)").
		Where("id = ? AND archived_at IS NULL", clientID).Scan(ctx, &n)
	if err != nil {
		return false, fmt.Errorf("agency: check client: %w", err)
	}
	return n > 0, nil
}
