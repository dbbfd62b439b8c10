package gws

import (
	"context"

	"github.com/google/uuid"
)

// SetAfterDirectoryHook makes fn run after each provisioning's directory call and before its
// commit; an error from fn stands for a crash at that point.
func SetAfterDirectoryHook(s *Service, fn func(ctx context.Context, identityID uuid.UUID) error) {
	s.afterDirectory = fn
}
