package graph

import (
	"context"

	"github.com/google/uuid"

	"github.com/accesshive/accesshive/internal/auth"
)

// actorAndID is how a resolver acting on one object starts: the caller must be logged in, and
// the id argument (named field in errors) must be an ID.
func actorAndID(ctx context.Context, field, raw string) (*auth.Actor, uuid.UUID, error) {
	actor, err := auth.RequireActor(ctx)
	if err != nil {
		return nil, uuid.Nil, err
	}
	id, err := parseID(field, raw)
	if err != nil {
		return nil, uuid.Nil, err
	}
	return actor, id, nil
}

// mapped maps a domain call's answer to the GraphQL model with conv, unless the call failed:
// return mapped(toClient)(agency.GetClient(ctx, r.DB, actor, id)).
func mapped[T, M any](conv func(T) M) func(T, error) (M, error) {
	return func(v T, err error) (M, error) {
		if err != nil {
			var zero M
			return zero, err
		}
		return conv(v), nil
	}
}

// mappedSlice is mapped for a call answering a slice, each item mapped by conv.
func mappedSlice[T, M any](conv func(*T) M) func([]T, error) ([]M, error) {
	return func(items []T, err error) ([]M, error) {
		if err != nil {
			return nil, err
		}
		return mapSlice(items, conv), nil
	}
}
