// Package auth knows who is calling: users and their password hashes, login sessions, the
// Actor every domain function takes, and the one permission table of SPEC's role table.
package auth

import (
	"context"

	"github.com/google/uuid"

	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/tenant"
)

// Role is a user's one role within its agency.
type Role string

// The roles of SPEC "People, tenancy, sessions".
const (
	RoleOwner      Role = "AGENCY_OWNER"
	RoleAdmin      Role = "ADMIN"
	RoleMember     Role = "MEMBER"
	RoleClientUser Role = "CLIENT_USER"
)

// Valid reports whether r is one of the four roles: a staff role or the client user's.
func (r Role) Valid() bool { return r.Staff() || r == RoleClientUser }

// Staff reports whether r is an agency staff role (not a client user).
func (r Role) Staff() bool { return r == RoleOwner || r == RoleAdmin || r == RoleMember }

// Actor is the authenticated caller of a domain function.
type Actor struct {
	UserID    uuid.UUID
	AgencyID  uuid.UUID
	Role      Role
	ClientID  uuid.UUID // uuid.Nil unless Role is CLIENT_USER
	SessionID uuid.UUID
	Email     string
	Name      string
	IP        string
	UserAgent string
}

// Tenant returns the scope the actor's queries run in: its agency and, for a client user, its
// client. Every query a domain function runs for an actor starts from it.
func (a *Actor) Tenant() tenant.Scope {
	if a.Role == RoleClientUser {
		return tenant.Client(a.AgencyID, a.ClientID)
	}
	return tenant.Agency(a.AgencyID)
}

type actorKey struct{}

// WithActor returns ctx carrying the actor.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor ctx carries, if any.
func ActorFrom(ctx context.Context) (*Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(*Actor)
	return a, ok && a != nil
}

// RequireActor returns ctx's actor or UNAUTHENTICATED.
func RequireActor(ctx context.Context) (*Actor, error) {
	a, ok := ActorFrom(ctx)
	if !ok {
		return nil, fault.Unauthenticated("a login session is required")
	}
	return a, nil
}
