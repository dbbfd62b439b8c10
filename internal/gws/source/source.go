// Package source answers, for the packages that create and provision managed identities
// (identity, request), what they need to know of an agency's Google Workspace identity source:
// its state and whether the agency holds its domain. The identity_sources and
// directory_domains tables belong to the Google Workspace side (internal/gws); this small
// package is its read side for the others. It imports nothing of gws, so that identity,
// which gws imports, can ask it.
package source

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/tenant"
)

// Managed is what managed provisioning reads of an agency's Google Workspace identity
// source: its state and last error, and whether the agency holds its domain (a check against
// the directory for that domain and customer succeeded).
type Managed struct {
	ID        uuid.UUID `bun:"id"`
	Domain    string    `bun:"domain"`
	State     string    `bun:"state"`
	LastError string    `bun:"last_error"`
	Holds     bool      `bun:"holds"`
}

// Ready reports whether managed identities may be created and provisioned in the source.
func (m *Managed) Ready() bool { return m.State == "CONNECTED" && m.Holds }

// Problem says, naming the source, its state and its last error, why managed provisioning
// cannot use it; "" when it can.
func (m *Managed) Problem() string {
	if m.Ready() {
		return ""
	}
	msg := fmt.Sprintf("the Google Workspace identity source %s is %s", m.Domain, m.State)
	switch {
	case m.State == "CHECKING":
		msg += " (its configuration is being checked against the directory)"
	case m.State == "CONNECTED":
		msg += " but its check did not establish the domain for this agency"
	case m.LastError != "":
		msg += " (last error: " + m.LastError + ")"
	}
	return msg + "; managed provisioning needs it CONNECTED"
}

// LoadManaged returns the agency's Google Workspace source, or nil when it has none. The
// agency alone holds its domain (directory_domains): another agency's rows are never read.
func LoadManaged(ctx context.Context, idb bun.IDB, agencyID uuid.UUID) (*Managed, error) {
	src := new(Managed)
	sc := tenant.Agency(agencyID)
	holds := sc.SelectTable(idb, "directory_domains", "d").ColumnExpr("1").Where("d.domain = src.domain")
	err := sc.SelectTable(idb, "identity_sources", "src").
		ColumnExpr("src.id, src.domain, src.state, src.last_error").
		ColumnExpr("EXISTS (?) AS holds", holds).
		Where("src.kind = 'GWS'").Scan(ctx, src)
	if db.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("source: load identity source: %w", err)
	}
	return src, nil
}
