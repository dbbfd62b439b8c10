package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql/handler"
)

// NewHandler returns the GraphQL endpoint over deps: the schema's executor with what every
// operation needs beside the resolvers — fresh dataloaders, the error presenter (the one
// boundary where domain errors become extensions.code) and recovery from a resolver's panic.
// It has no transport yet: the server adds the HTTP and websocket transports and its guards,
// and serves it at /graphql.
func NewHandler(deps Deps) *handler.Server {
	h := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Deps: deps}}))
	h.Use(Loaders{DB: deps.DB})
	h.SetErrorPresenter(ErrorPresenter(deps.Logger))
	h.SetRecoverFunc(func(ctx context.Context, err any) error {
		deps.Logger.ErrorContext(ctx, "resolver panic", "panic", fmt.Sprint(err))
		return fmt.Errorf("internal panic")
	})
	return h
}
