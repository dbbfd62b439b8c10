package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/vikstrous/dataloadgen"

	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
)

// loaders batch the foreign-key fields of one operation, so that a list costs a constant
// number of SQL statements whatever its length.
type loaders struct {
	client   *dataloadgen.Loader[uuid.UUID, *agency.Client]
	platform *dataloadgen.Loader[string, *agency.Platform]
}

func newLoaders(idb bun.IDB, actor *auth.Actor) *loaders {
	return &loaders{
		client: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*agency.Client, error) {
			cs, err := agency.ClientsByIDs(ctx, idb, actor.AgencyID, ids)
			if err != nil {
				return nil, err
			}
			out := make(map[uuid.UUID]*agency.Client, len(cs))
			errs := dataloadgen.MappedFetchError[uuid.UUID]{}
			for i := range cs {
				if actor.CanSeeClient(cs[i].ID) {
					out[cs[i].ID] = &cs[i]
				}
			}
			for _, id := range ids {
				if out[id] == nil {
					errs[id] = fault.NotFound("client")
				}
			}
			if len(errs) > 0 {
				return out, errs
			}
			return out, nil
		}),
		platform: dataloadgen.NewMappedLoader(func(ctx context.Context, keys []string) (map[string]*agency.Platform, error) {
			ps, err := agency.ListPlatforms(ctx, idb, actor)
			if err != nil {
				return nil, err
			}
			out := make(map[string]*agency.Platform, len(ps))
			for i := range ps {
				out[ps[i].Key] = &ps[i]
			}
			return out, nil
		}),
	}
}

type loadersKey struct{}

// Loaders is the gqlgen extension that gives every operation fresh per-request loaders.
type Loaders struct{ DB bun.IDB }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = Loaders{}

// ExtensionName names the extension.
func (Loaders) ExtensionName() string { return "Loaders" }

// Validate accepts any schema.
func (Loaders) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation adds the loaders of the caller to the operation's context.
func (l Loaders) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if actor, ok := auth.ActorFrom(ctx); ok {
		ctx = context.WithValue(ctx, loadersKey{}, newLoaders(l.DB, actor))
	}
	return next(ctx)
}

func loadersFrom(ctx context.Context) *loaders {
	l, _ := ctx.Value(loadersKey{}).(*loaders)
	return l
}

// loadClient loads a client through the operation's loader.
func loadClient(ctx context.Context, id uuid.UUID) (*agency.Client, error) {
	l := loadersFrom(ctx)
	if l == nil {
		return nil, fault.Unauthenticated("a login session is required")
	}
	return l.client.Load(ctx, id)
}

// loadPlatform loads a platform with this agency's connection through the operation's loader.
func loadPlatform(ctx context.Context, key string) (*agency.Platform, error) {
	l := loadersFrom(ctx)
	if l == nil {
		return nil, fault.Unauthenticated("a login session is required")
	}
	p, err := l.platform.Load(ctx, key)
	if err == nil && p == nil {
		return nil, fault.NotFound("platform")
	}
	return p, err
}
