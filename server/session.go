package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/accesshive/accesshive/graph"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/event"
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

// clientIP is the address of the client that sent r: what the per-IP login limit counts and
// the session and audit trail record.
//
// It is the TCP peer's address, unless the peer is one of the trusted proxies. Then
// X-Forwarded-For (every such header, in order, as one list) is read from the right, the end
// that the proxies nearest to AccessHive appended, past the addresses of trusted proxies; the
// first address that is not trusted is the client. Entries further left were written by the
// client or by untrusted hops and are never believed. An entry may carry a port
// ("192.0.2.1:4711", "[2001:db8::1]:443"); empty entries are skipped. A malformed entry ends the
// walk: everything left of it came through a hop that did not say who its peer was, so the
// answer is then the peer, as it is when the header is missing or holds only trusted addresses.
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	peer, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		peer = r.RemoteAddr
	}
	if len(trusted) == 0 {
		return peer
	}
	if addr, ok := parseIP(peer); !ok || !isTrusted(addr, trusted) {
		return peer
	}
	values := r.Header.Values("X-Forwarded-For")
	for i := len(values) - 1; i >= 0; i-- {
		entries := strings.Split(values[i], ",")
		for j := len(entries) - 1; j >= 0; j-- {
			entry := strings.TrimSpace(entries[j])
			if entry == "" {
				continue
			}
			addr, ok := parseIP(entry)
			if !ok {
				return peer
			}
			if !isTrusted(addr, trusted) {
				return addr.String()
			}
		}
	}
	return peer
}

// parseIP parses an address as it appears in RemoteAddr's host or in X-Forwarded-For: a bare
// IPv4 or IPv6 address, an IPv6 address in brackets, either with a port. Zones are dropped and
// IPv4-mapped IPv6 addresses become IPv4, so that they match the trusted prefixes.
func parseIP(s string) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(s)
	if err != nil {
		if ap, perr := netip.ParseAddrPort(s); perr == nil {
			addr, err = ap.Addr(), nil
		} else if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			addr, err = netip.ParseAddr(s[1 : len(s)-1])
		}
	}
	if err != nil {
		return netip.Addr{}, false
	}
	return addr.WithZone("").Unmap(), true
}

func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// withSession resolves the session cookie, when present and live, into the request's Actor,
// and gives resolvers the means to set and clear the cookie. Requests without a valid session
// go on without an Actor: every resolver but login and logout then answers UNAUTHENTICATED.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		secure := s.cfg.CookieSecure || r.TLS != nil
		ctx = graph.WithSessionCookie(ctx, &cookieWriter{w: w, secure: secure, maxAge: int(s.deps.Sessions.Config().AbsoluteTimeout.Seconds())})
		ip, ua := clientIP(r, s.cfg.TrustedProxies), r.UserAgent()
		ctx = graph.WithRequestMeta(ctx, graph.RequestMeta{IP: ip, UserAgent: ua})
		if c, err := r.Cookie(CookieName); err == nil && strings.TrimSpace(c.Value) != "" {
			// A websocket upgrade has no request deadline (see withDeadline); its session check
			// gets one of its own.
			actx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
			actor, err := s.deps.Sessions.Authenticate(actx, c.Value, ip, ua)
			cancel()
			if err != nil && !errors.Is(err, fault.ErrUnauthenticated) {
				// The session could not be checked (the database did not answer): say so,
				// rather than answer UNAUTHENTICATED and make the app drop a live session.
				s.deps.Logger.WarnContext(ctx, "session check failed", "error", err)
				writeGraphQLError(w, http.StatusServiceUnavailable, string(fault.CodeUnavailable), fault.UnavailableMessage)
				return
			}
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

// socketKey carries, in a websocket connection's context, what its per-operation session check
// needs: the token that authenticated the upgrade and the means to close the connection.
type socketKey struct{}

type socketSession struct {
	token string
	close context.CancelFunc
}

// sessionCheckInterval is how often an open websocket's session is checked again, beside the
// check before each of its operations and the one a revocation event triggers.
const sessionCheckInterval = 5 * time.Second

// watchSession returns a context of the websocket connection that is cancelled, which closes
// the connection and ends its subscriptions, once the session that authenticated the upgrade
// has ended: logged out, its user deactivated, or timed out. A websocket is authenticated only
// once, at the upgrade, so without this a revoked session would go on receiving events. The
// session is checked again at once when any replica announces a revocation of the user's
// sessions (auth.AnnounceRevocation), every sessionCheckInterval, and before each operation
// (socketCheck). While the connection is open its checks keep the session's idle timeout
// sliding. A check that fails for another reason (the database briefly away) leaves the
// connection open.
func (s *Server) watchSession(ctx context.Context) context.Context {
	actor, ok := auth.ActorFrom(ctx)
	token, _ := ctx.Value(sessionTokenKey{}).(string)
	ctx, cancel := context.WithCancel(ctx)
	if !ok || token == "" {
		cancel()
		return ctx
	}
	ctx = context.WithValue(ctx, socketKey{}, &socketSession{token: token, close: cancel})
	var revoked <-chan event.Event
	if s.deps.Bus != nil {
		sub := s.deps.Bus.Subscribe(event.Filter{Topic: event.TopicSessionRevoked, AgencyID: actor.AgencyID, Key: actor.UserID.String()})
		revoked = sub.C()
		context.AfterFunc(ctx, sub.Close)
	}
	go func() {
		defer cancel()
		tick := time.NewTicker(sessionCheckInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-revoked:
				if !ok {
					revoked = nil // the bus stopped; the ticker still checks
					continue
				}
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

// socketCheck is the gqlgen extension that checks a websocket's session against the session
// store before each of its operations: the connection was authenticated once, at the upgrade,
// and a revocation must stop the very next operation, whatever the periodic check's timing or
// a lost revocation event. An operation over a socket whose session ended is refused with
// UNAUTHENTICATED and the connection is closed. HTTP requests are authenticated per request by
// withSession and pass untouched.
type socketCheck struct{ s *Server }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = socketCheck{}

func (socketCheck) ExtensionName() string                   { return "SocketSessionCheck" }
func (socketCheck) Validate(graphql.ExecutableSchema) error { return nil }

func (c socketCheck) MutateOperationContext(ctx context.Context, _ *graphql.OperationContext) *gqlerror.Error {
	sock, ok := ctx.Value(socketKey{}).(*socketSession)
	if !ok {
		return nil
	}
	actor, _ := auth.ActorFrom(ctx)
	ip, ua := "", ""
	if actor != nil {
		ip, ua = actor.IP, actor.UserAgent
	}
	_, err := c.s.deps.Sessions.Authenticate(ctx, sock.token, ip, ua)
	if err == nil {
		return nil
	}
	if errors.Is(err, fault.ErrUnauthenticated) {
		c.s.deps.Logger.InfoContext(ctx, "refusing a websocket operation and closing the socket: its session has ended")
		// Close after the refusal has been sent.
		time.AfterFunc(100*time.Millisecond, sock.close)
		return guardError(string(fault.CodeUnauthenticated), "the session has ended; log in again")
	}
	if ctx.Err() != nil {
		// The socket closed while the check ran: its session watch found the session ended (or
		// the client left), which is what this operation is refused for.
		return guardError(string(fault.CodeUnauthenticated), "the session has ended; log in again")
	}
	c.s.deps.Logger.WarnContext(ctx, "websocket session check failed", "error", err)
	return guardError(string(fault.CodeInternal), "the session could not be checked; try again")
}
