package server

import (
	"net"
	"net/http"
	"strings"

	"github.com/accesshive/accesshive/graph"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/logging"
	"log/slog"
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
				ctx = logging.With(ctx, slog.String("user_id", actor.UserID.String()), slog.String("agency_id", actor.AgencyID.String()))
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
