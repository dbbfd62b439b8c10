// Package agency holds the tenants themselves: agencies and their settings, clients, the
// platform catalog and each agency's platform connections.
package agency

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
)

// Agency is a tenant.
type Agency struct {
	bun.BaseModel `bun:"table:agencies,alias:ag"`

	ID                       uuid.UUID `bun:"id,pk,type:uuid,default:gen_random_uuid()"`
	Name                     string    `bun:"name,notnull"`
	AccessRequestExpiryHours int       `bun:"access_request_expiry_hours,notnull,default:168"`
	NamingTemplate           string    `bun:"naming_template,notnull,default:'{client}-{platform}@{domain}'"`
	CreatedAt                time.Time `bun:"created_at,notnull,default:now()"`
}

// Create makes a new agency (bootstrap only: the create-agency command and dev seeding).
func Create(ctx context.Context, idb bun.IDB, name string) (*Agency, error) {
	name, err := auth.ValidateName("name", name, 200)
	if err != nil {
		return nil, err
	}
	a := &Agency{Name: name}
	if _, err := idb.NewInsert().Model(a).ExcludeColumn("access_request_expiry_hours", "naming_template").Returning("*").Exec(ctx); err != nil {
		if db.IsCode(err, db.CodeUniqueViolation) {
			return nil, fault.Conflict("an agency with this name exists", name)
		}
		return nil, fmt.Errorf("agency: insert: %w", err)
	}
	return a, nil
}

// Get returns the actor's own agency.
func Get(ctx context.Context, idb bun.IDB, actor *auth.Actor) (*Agency, error) {
	return ByID(ctx, idb, actor.AgencyID)
}

// ByID returns an agency, for work done on its behalf (a job mailing its users).
func ByID(ctx context.Context, idb bun.IDB, agencyID uuid.UUID) (*Agency, error) {
	a := new(Agency)
	if err := idb.NewSelect().Model(a).Where("id = ?", agencyID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("agency: get: %w", err)
	}
	return a, nil
}

// FindByName returns an agency by name (dev seeding checks whether it already ran).
func FindByName(ctx context.Context, idb bun.IDB, name string) (*Agency, error) {
	a := new(Agency)
	err := idb.NewSelect().Model(a).Where("lower(name) = lower(?)", name).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound("agency")
	}
	if err != nil {
		return nil, fmt.Errorf("agency: find: %w", err)
	}
	return a, nil
}
