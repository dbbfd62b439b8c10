package graph

import (
	"context"

	"github.com/google/uuid"

	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
)

// loginUser is the user a login returns. The login request itself carries no session (or
// another user's), so the fields resolved under it (agency, client) act as the user who just
// logged in, through the actor it carries.
func loginUser(u *auth.User) *model.User {
	m := toUser(u)
	m.LoginActor = &auth.Actor{UserID: u.ID, AgencyID: u.AgencyID, Role: u.Role, Email: u.Email, Name: u.Name}
	if u.ClientID != nil {
		m.LoginActor.ClientID = *u.ClientID
	}
	return m
}

// userActor is whom a user's fields are resolved for: the user itself when a login returned it,
// otherwise the caller.
func userActor(ctx context.Context, u *model.User) (*auth.Actor, error) {
	if u.LoginActor != nil {
		return u.LoginActor, nil
	}
	return auth.RequireActor(ctx)
}

// loginClient resolves the client of the user a login returned, as that user.
func (r *userResolver) loginClient(ctx context.Context, u *model.User) (*model.Client, error) {
	id, err := uuid.Parse(u.ClientID)
	if err != nil {
		return nil, err
	}
	cs, err := agency.ClientsByIDs(ctx, r.DB, u.LoginActor.AgencyID, []uuid.UUID{id})
	if err != nil {
		return nil, err
	}
	if len(cs) != 1 || !u.LoginActor.CanSeeClient(cs[0].ID) {
		return nil, fault.NotFound("client")
	}
	return toClient(&cs[0]), nil
}

// announceRevocation tells every replica that sessions of the user ended, so that its open
// websockets close now; a failure is logged, as the sockets re-check the session store anyway.
func (r *Resolver) announceRevocation(ctx context.Context, agencyID, userID uuid.UUID) {
	if r.Bus == nil {
		return
	}
	if err := auth.AnnounceRevocation(ctx, r.Bus, agencyID, userID); err != nil {
		r.Logger.WarnContext(ctx, "announce session revocation", "user_id", userID, "error", err)
	}
}
