package identity

import (
	"context"

	"github.com/uptrace/bun"
)

// Follower is what depends on an identity's provisioning state: the access request an identity
// was created for follows it to PROVISIONED, or is withdrawn when the identity is deleted
// first. Transition tells it of every change, inside the transaction that makes the change, so
// that both commit together or not at all, whoever moves the identity (a resolver, a job, a
// retry). It announces what it changed with db.AfterCommit. Declared here, by its caller;
// internal/request implements it and internal/app wires it (Service.Follow).
type Follower interface {
	FollowIdentity(ctx context.Context, tx bun.IDB, ident *Identity) error
}

// Follow makes f follow every identity state change the service makes. It is set once, when
// the application is put together.
func (s *Service) Follow(f Follower) { s.follower = f }

// followed tells the follower, if any, that ident's state changed within tx.
func (s *Service) followed(ctx context.Context, tx bun.IDB, ident *Identity) error {
	if s == nil || s.follower == nil {
		return nil
	}
	return s.follower.FollowIdentity(ctx, tx, ident)
}
