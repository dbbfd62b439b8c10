package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/accesshive/accesshive/graph"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/logging"
)

// cookieWriter sets and clears the session cookie on one response; the login and logout
// resolvers reach it through the request context.
type cookieWriter struct {
	w      http.ResponseWriter
	secure bool
	maxAge int
}

func (c *cookieWriter) Set(token string) {
	http.SetCookie(c.w, &http.Cookie{
		Name: CookieName, Value: token, Path: "/", HttpOnly: true, Secure: c.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: c.maxAge,
	})
}

func (c *cookieWriter) Clear() {
	http.SetCookie(c.w, &http.Cookie{
		Name: CookieName, Value: "", Path: "/", HttpOnly: true, Secure: c.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1,
	})
}

// clientIP is the peer's address. AccessHive does not trust X-Forwarded-For: a proxy in front
// of it should be configured to connect from a known address, which is then what is limited.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// withSession resolves the session cookie, when present and live, into the request's Actor,
// and gives resolvers the means to set and clear the cookie. Requests without a valid session
// go on without an Actor: every resolver but login and logout then answers UNAUTHENTICATED.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		secure := s.cfg.CookieSecure || r.TLS != nil
		ctx = graph.WithSessionCookie(ctx, &cookieWriter{w: w, secure: secure, maxAge: int(s.deps.Sessions.Config().AbsoluteTimeout.Seconds())})
		ip, ua := clientIP(r), r.UserAgent()
		ctx = graph.WithRequestMeta(ctx, graph.RequestMeta{IP: ip, UserAgent: ua})
		if c, err := r.Cookie(CookieName); err == nil && strings.TrimSpace(c.Value) != "" {
			actor, err := s.deps.Sessions.Authenticate(ctx, c.Value, ip, ua)
			if err == nil {
				ctx = auth.WithActor(ctx, actor)
				ctx = context.WithValue(ctx, sessionTokenKey{}, c.Value)
				ctx = logging.With(ctx, slog.String("user_id", actor.UserID.String()), slog.String("agency_id", actor.AgencyID.String()))
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// sessionTokenKey carries the request's session token, for watchSession.
type sessionTokenKey struct{}

// sessionCheckInterval is how often an open websocket's session is checked again.
const sessionCheckInterval = 5 * time.Second

// watchSession returns a context of the websocket connection that is cancelled, which closes
// the connection and ends its subscriptions, once the session that authenticated the upgrade
// has ended: logged out, its user deactivated, or timed out. A websocket is authenticated only
// once, at the upgrade, so without this a revoked session would go on receiving events. While
// the connection is open its checks keep the session's idle timeout sliding. A check that fails
// for another reason (the database briefly away) leaves the connection open.
func (s *Server) watchSession(ctx context.Context) context.Context {
	actor, ok := auth.ActorFrom(ctx)
	token, _ := ctx.Value(sessionTokenKey{}).(string)
	ctx, cancel := context.WithCancel(ctx)
	if !ok || token == "" {
		cancel()
		return ctx
	}
	go func() {
		defer cancel()
		tick := time.NewTicker(sessionCheckInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			_, err := s.deps.Sessions.Authenticate(ctx, token, actor.IP, actor.UserAgent)
			if errors.Is(err, fault.ErrUnauthenticated) {
				s.deps.Logger.InfoContext(ctx, "closing websocket: its session has ended", "session_id", actor.SessionID)
				return
			}
			if err != nil && ctx.Err() == nil {
				s.deps.Logger.WarnContext(ctx, "websocket session check failed", "error", err)
			}
		}
	}()
	return ctx
}
