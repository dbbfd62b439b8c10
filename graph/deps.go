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

// Deps is what the resolvers need; the composition root (internal/app) builds it once and
// hands it to NewHandler.
type Deps struct {
	DB              *bun.DB
	Sessions        *auth.Service
	Events          *event.Bus
	Logger          *slog.Logger
	IdentityService *identity.Service
	RevealService   *reveal.Service
	GWSService      *gws.Service
	RequestService  *request.Service
	Notifier        *notify.Notifier
}

// SessionCookie lets the login and logout resolvers set and clear the session cookie on the
// HTTP response; the server puts one in each request's context.
type SessionCookie interface {
	Set(token string)
	Clear()
}

type sessionCookieKey struct{}

// WithSessionCookie returns ctx carrying the request's cookie writer.
func WithSessionCookie(ctx context.Context, c SessionCookie) context.Context {
	return context.WithValue(ctx, sessionCookieKey{}, c)
}

func sessionCookieFrom(ctx context.Context) SessionCookie {
	c, _ := ctx.Value(sessionCookieKey{}).(SessionCookie)
	return c
}

// RequestMeta is the caller's address and user agent, which login records.
type RequestMeta struct {
	IP        string
	UserAgent string
}

type requestMetaKey struct{}

// WithRequestMeta returns ctx carrying the request's metadata.
func WithRequestMeta(ctx context.Context, m RequestMeta) context.Context {
	return context.WithValue(ctx, requestMetaKey{}, m)
}

func requestMetaFrom(ctx context.Context) RequestMeta {
	m, _ := ctx.Value(requestMetaKey{}).(RequestMeta)
	return m
}
