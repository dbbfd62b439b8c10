// Package server is AccessHive's HTTP side: routes, the session cookie, Origin checks, the
// GraphQL endpoint over HTTP and websocket, health and readiness, Prometheus metrics, and
// asynqmon mounted for operators.
package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/event"
)

// Config is the HTTP side's configuration.
type Config struct {
	// AllowedOrigins are the browser origins (scheme://host[:port]) whose mutations and
	// websocket upgrades are accepted.
	AllowedOrigins []string
	// CookieSecure marks the session cookie Secure (set when served over TLS).
	CookieSecure bool
	// Playground serves the GraphQL playground (GraphiQL, bundled with the console) at /playground.
	Playground bool
	// Console is the built web console (web.Dist()), served at / ; nil serves none.
	Console fs.FS
	// MaxBodyBytes bounds a request body; 0 means 1 MiB.
	MaxBodyBytes int64
	// MaxComplexity and MaxDepth bound a GraphQL operation; 0 means 500 and 12. MaxComplexity
	// overrides Limits.MaxComplexity when set.
	MaxComplexity int
	MaxDepth      int
	// Limits are the guard's limits of one operation (introspection, aliases, root fields,
	// response size, execution time); zero fields take DefaultGuardLimits' values.
	Limits GuardLimits
	// MetricsToken, when set, serves /metrics on the API's own address to requests carrying
	// "Authorization: Bearer <token>"; without it the API does not serve /metrics at all, and
	// operators scrape the separate metrics listener (config ACCESSHIVE_METRICS_ADDR).
	MetricsToken string
	// OpsAgencies names the agencies (by name or id) whose owners and admins may open
	// asynqmon: the queues are shared by every tenant, so only the operator's staff see them.
	OpsAgencies []string
	// OpsQueuesWritable lets asynqmon delete, run and archive tasks; by default it is read-only,
	// because a task deleted there leaves its job record behind forever.
	OpsQueuesWritable bool
	// AsynqRedis is where asynqmon finds the queues.
	AsynqRedis asynq.RedisConnOpt
	// TrustedProxies are the proxies whose X-Forwarded-For is believed when one of them is the
	// connection's peer (see clientIP); none means the peer is always the client.
	TrustedProxies []netip.Prefix
	// RequestTimeout bounds a GraphQL request over HTTP, and the session check of a websocket
	// upgrade; 0 means 5s.
	RequestTimeout time.Duration
}

// Deps are what the HTTP side uses.
type Deps struct {
	// DB and Redis are checked by /readyz; DB also finds the caller's agency for /ops/queues.
	DB    *bun.DB
	Redis redis.UniversalClient
	// Sessions turns the session cookie into the caller; Bus tells an open websocket that
	// its session was revoked.
	Sessions *auth.Service
	Bus      *event.Bus
	Logger   *slog.Logger
	// GraphQL is the endpoint served at /graphql (graph.NewHandler); the server adds its
	// transports and guards. Nil serves no /graphql.
	GraphQL *handler.Server
	// Registry receives the HTTP and GraphQL metrics and is served at /metrics.
	Registry *prometheus.Registry
}

// CookieName is the session cookie's name.
const CookieName = "accesshive_session"

// Server is the HTTP handler of an API replica.
type Server struct {
	cfg     Config
	deps    Deps
	metrics *metrics
	mux     *http.ServeMux
	origins map[string]bool
}

// New builds the API's HTTP handler.
func New(cfg Config, deps Deps) (*Server, error) {
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxComplexity != 0 {
		cfg.Limits.MaxComplexity = cfg.MaxComplexity
	}
	cfg.Limits = cfg.Limits.withDefaults()
	cfg.MaxComplexity = cfg.Limits.MaxComplexity
	if cfg.MaxDepth == 0 {
		cfg.MaxDepth = 12
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 5 * time.Second
	}
	s := &Server{cfg: cfg, deps: deps, mux: http.NewServeMux(), origins: map[string]bool{}}
	for _, o := range cfg.AllowedOrigins {
		s.origins[strings.TrimRight(strings.ToLower(o), "/")] = true
	}
	var err error
	if s.metrics, err = newMetrics(deps.Registry); err != nil {
		return nil, err
	}
	if deps.GraphQL != nil {
		gql := s.graphqlHandler()
		s.mux.Handle("/graphql", withSocketDeadlines(noStore(s.withDeadline(s.withSession(s.limitBody(gqlMethod(gql)))))))
	}
	s.mux.HandleFunc("GET /healthz", healthz)
	s.mux.Handle("GET /readyz", readiness{db: deps.DB, redis: deps.Redis, logger: deps.Logger})
	if cfg.MetricsToken != "" {
		s.mux.Handle("GET /metrics", s.metricsAuth(s.metricsHandler()))
	}
	ops := s.opsHandler()
	s.mux.Handle("/ops/queues", s.withSession(ops))
	s.mux.Handle("/ops/queues/", s.withSession(ops))
	if cfg.Console != nil {
		// Every method: the handler answers 405 itself ("GET /" would conflict with /ops/queues/).
		s.mux.Handle("/", consoleHandler(cfg.Console, cfg.Playground))
	}
	return s, nil
}

// ServeHTTP serves a request through request ids, access logs, metrics and the Origin check.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.observe(s.checkOrigin(s.mux)).ServeHTTP(w, r)
}

// withDeadline bounds a GraphQL request over HTTP, every call it makes to PostgreSQL and Redis
// included, so that a frozen dependency makes it answer UNAVAILABLE instead of hanging. A
// websocket upgrade is left unbounded: its context is the connection's, which lives as long
// as its subscriptions.
func (s *Server) withDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// writeGraphQLError answers in GraphQL's error shape, for requests refused before gqlgen.
func writeGraphQLError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}},
	})
}

// checkOrigin refuses a state-changing request or websocket upgrade whose Origin is not
// allowed, so a cross-site page cannot ride the session cookie. Requests without an Origin
// header (non-browser clients) carry no ambient cookie risk from a browser and pass.
func (s *Server) checkOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upgrade := strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
		safe := (r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions) && !upgrade
		origin := r.Header.Get("Origin")
		if !safe && origin != "" && !s.originAllowed(origin) {
			s.deps.Logger.WarnContext(r.Context(), "refused cross-origin request", "origin", origin, "path", r.URL.Path)
			writeGraphQLError(w, http.StatusForbidden, "FORBIDDEN", "origin not allowed")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) originAllowed(origin string) bool {
	o, ok := parseOrigin(origin)
	return ok && s.origins[o]
}

// parseOrigin parses an Origin header strictly, as RFC 6454 serializes one: "scheme://host" or
// "scheme://host:port", http or https, and nothing else — no user info ("http://allowed@evil"),
// path, query, fragment or stray characters. It returns the lower-cased origin.
func parseOrigin(origin string) (string, bool) {
	u, err := url.Parse(origin)
	if err != nil || u.Opaque != "" || u.User != nil || u.Host == "" || u.Path != "" ||
		u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || strings.ContainsAny(origin, "@\\ \t") {
		return "", false
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", false
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", false
		}
	}
	o := strings.ToLower(u.Scheme + "://" + u.Host)
	if o != strings.ToLower(origin) {
		return "", false
	}
	return o, true
}

// originHosts returns the allowed origins' hosts, for the websocket library's own check.
func (s *Server) originHosts() []string {
	var hosts []string
	for o := range s.origins {
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			hosts = append(hosts, u.Host)
		}
	}
	return hosts
}

// limitBody refuses bodies over the configured size with a clear GraphQL error.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.cfg.MaxBodyBytes {
			writeGraphQLError(w, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", "request body too large")
			return
		}
		if r.ContentLength < 0 {
			// A body of unknown length (chunked) is read here, up to the limit: past it, gqlgen
			// would only see a read error and answer INTERNAL instead of 413.
			b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
			if err != nil {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					writeGraphQLError(w, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", "request body too large")
					return
				}
				writeGraphQLError(w, http.StatusBadRequest, "BAD_USER_INPUT", "the request body could not be read")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			r.ContentLength = int64(len(b))
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// noStore marks every GraphQL answer Cache-Control: no-store: answers carry credentials,
// profile data and audit trails that no browser or proxy cache may keep.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
		next.ServeHTTP(w, r)
	})
}

// gqlMethod lets the guard know which requests came over GET (no mutations, no secrets there).
func gqlMethod(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, markGET(r))
	})
}

// Timeouts bound the HTTP connections of an API replica; zero fields take DefaultTimeouts'.
type Timeouts struct {
	// Read bounds reading a whole request, body included, so that a client trickling its body
	// cannot hold a connection; ReadHeader bounds the headers alone.
	Read, ReadHeader time.Duration
	// Write bounds writing an answer; Idle bounds a keep-alive connection between requests.
	Write, Idle time.Duration
}

// DefaultTimeouts are the timeouts used for zero fields.
var DefaultTimeouts = Timeouts{Read: 30 * time.Second, ReadHeader: 10 * time.Second, Write: 60 * time.Second, Idle: 120 * time.Second}

// ApplyTimeouts sets t on hs. A websocket is exempt once upgraded (withSocketDeadlines clears
// its deadlines) and kept alive by the GraphQL transport's own pings.
func ApplyTimeouts(hs *http.Server, t Timeouts) {
	d := DefaultTimeouts
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	hs.ReadTimeout = pick(t.Read, d.Read)
	hs.ReadHeaderTimeout = pick(t.ReadHeader, d.ReadHeader)
	hs.WriteTimeout = pick(t.Write, d.Write)
	hs.IdleTimeout = pick(t.Idle, d.Idle)
}

// withSocketDeadlines clears the server's read and write deadlines on a websocket upgrade: a
// hijacked connection keeps them otherwise, and a socket lives for hours.
func withSocketDeadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Time{})
			_ = rc.SetWriteDeadline(time.Time{})
		}
		next.ServeHTTP(w, r)
	})
}
