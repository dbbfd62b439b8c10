package graph

import (
	"context"
	"log/slog"

	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/notify"
	"github.com/accesshive/accesshive/internal/request"
	"github.com/accesshive/accesshive/internal/reveal"
)

// Deps are the services the resolvers call. The composition root (internal/app) builds them
// once, holds them as its own (app.App embeds Deps) and hands them to NewHandler.
type Deps struct {
	DB       *bun.DB
	Sessions *auth.Service
	// Bus carries the events the subscriptions hear and the session revocations they announce.
	Bus    *event.Bus
	Logger *slog.Logger
	// Identities and Reveals are the identity and reveal services.
	Identities *identity.Service
	Reveals    *reveal.Service
	// GWS provisions managed identities and syncs directories; Requests runs access requests;
	// Notifier stores and emails notifications.
	GWS      *gws.Service
	Requests *request.Service
	Notifier *notify.Notifier
}

// SessionCookie lets the login and logout resolvers set and clear the session cookie on the
// HTTP response; the server puts one in each request's context.
type SessionCookie interface {
	Set(token string)
	Clear()
}

// RequestMeta is the caller's address and user agent, which login records.
type RequestMeta struct {
	IP        string
	UserAgent string
}

// ctxKey is the context key of the request's value of type T.
type ctxKey[T any] struct{}

// withValue returns ctx carrying v, found again by valueFrom[T].
func withValue[T any](ctx context.Context, v T) context.Context {
	return context.WithValue(ctx, ctxKey[T]{}, v)
}

// valueFrom is the T ctx carries, or T's zero value.
func valueFrom[T any](ctx context.Context) T {
	v, _ := ctx.Value(ctxKey[T]{}).(T)
	return v
}

// WithSessionCookie returns ctx carrying the request's cookie writer.
func WithSessionCookie(ctx context.Context, c SessionCookie) context.Context {
	return withValue(ctx, c)
}

// WithRequestMeta returns ctx carrying the request's metadata.
func WithRequestMeta(ctx context.Context, m RequestMeta) context.Context {
	return withValue(ctx, m)
}
