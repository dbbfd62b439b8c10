package graph

import (
	"context"

	"github.com/google/uuid"

	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/reveal"
)

// This file holds the steps every resolver is made of, so that a resolver reads as "parse the
// arguments, call the domain, map the result": asActor, onID and withInput start it, mapped and
// mappedSlice map the domain's answer, done answers a mutation that returns a bare success.

// asActor runs call as the caller, who must be logged in (UNAUTHENTICATED otherwise).
func asActor[T any](ctx context.Context, call func(actor *auth.Actor) (T, error)) (T, error) {
	actor, err := auth.RequireActor(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return call(actor)
}

// onID runs call as the logged-in caller on the object whose ID argument, named field in
// errors, is raw: a malformed ID is BAD_USER_INPUT before the domain is called.
func onID[T any](ctx context.Context, field, raw string, call func(actor *auth.Actor, id uuid.UUID) (T, error)) (T, error) {
	return withInput(ctx, raw, func(s string) (uuid.UUID, error) { return parseID(field, s) }, call)
}

// withInput runs call as the logged-in caller on what parse makes of the arguments (input): an
// argument parse refuses is BAD_USER_INPUT before the domain is called.
func withInput[I, A, T any](ctx context.Context, input I, parse func(I) (A, error), call func(actor *auth.Actor, in A) (T, error)) (T, error) {
	return asActor(ctx, func(actor *auth.Actor) (T, error) {
		in, err := parse(input)
		if err != nil {
			var zero T
			return zero, err
		}
		return call(actor, in)
	})
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

// done is the answer of a mutation whose GraphQL result is its success.
func done(err error) (bool, error) { return err == nil, err }

// revoked is done for a mutation that ended the sessions of the user userID of agencyID: on
// success it announces the revocation, so that the user's open websockets close.
func (r *Resolver) revoked(ctx context.Context, agencyID, userID uuid.UUID, err error) (bool, error) {
	if err == nil {
		r.announceRevocation(ctx, agencyID, userID)
	}
	return done(err)
}

// revealed maps a reveal with its seconds left counted from now.
func (r *Resolver) revealed(sh *reveal.Shown) *model.CredentialReveal {
	return toReveal(sh, r.Reveals.Now())
}
