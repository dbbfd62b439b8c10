package server

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/accesshive/accesshive/internal/logging"
)

type metrics struct {
	reg     *prometheus.Registry
	http    *prometheus.HistogramVec
	graphql *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	m := &metrics{
		reg: reg,
		http: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "accesshive_http_request_duration_seconds",
			Help:    "HTTP request latency by route, method and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method", "code"}),
		graphql: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "accesshive_graphql_operation_duration_seconds",
			Help:    "GraphQL query and mutation latency by operation type and root field, and whether it had errors.",
			Buckets: prometheus.DefBuckets,
		}, []string{"type", "field", "errors"}),
	}
	for _, c := range []prometheus.Collector{m.http, m.graphql} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
}

// metricsAuth serves /metrics on the API's address only to a request carrying the configured
// bearer token: the metrics tell load, errors and tenants' activity to whoever reads them.
func (s *Server) metricsAuth(next http.Handler) http.Handler {
	want := []byte("Bearer " + s.cfg.MetricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics need the operators' bearer token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// knownMethods are the HTTP methods that get their own metric label; any other is counted as
// "OTHER", so that invented methods cannot create series without bound.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// methodLabel maps a request method to a label of bounded cardinality.
func methodLabel(m string) string {
	if knownMethods[m] {
		return m
	}
	return "OTHER"
}

// codeLabel maps a status code to a label of bounded cardinality.
func codeLabel(code int) string {
	if code < 100 || code > 599 {
		return "other"
	}
	return strconv.Itoa(code)
}

// route maps a path to a label of bounded cardinality.
func route(path string) string {
	for _, p := range []string{"/graphql", "/ops/queues", "/healthz", "/readyz", "/metrics"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return p
		}
	}
	if path == "/" {
		return "/"
	}
	return "other"
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController and the websocket library reach the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an id (echoed in X-Request-Id and on every log line), logs it
// and records its latency.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := uuid.NewString()
		w.Header().Set("X-Request-Id", id)
		ctx := logging.With(r.Context(), slog.String("request_id", id))
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(ctx))
		code := sw.code
		if code == 0 {
			code = http.StatusOK
		}
		rt := route(r.URL.Path)
		elapsed := time.Since(start)
		s.metrics.http.WithLabelValues(rt, methodLabel(r.Method), codeLabel(code)).Observe(elapsed.Seconds())
		if rt != "/healthz" && rt != "/metrics" {
			s.deps.Logger.InfoContext(ctx, "http request", "method", methodLabel(r.Method), "route", rt, "status", code, "duration_ms", elapsed.Milliseconds())
		}
	})
}

// graphqlExtension records each query's and mutation's latency by root field.
func (m *metrics) graphqlExtension() graphql.HandlerExtension { return gqlMetrics{m} }

type gqlMetrics struct{ m *metrics }

func (g gqlMetrics) ExtensionName() string                   { return "Metrics" }
func (g gqlMetrics) Validate(graphql.ExecutableSchema) error { return nil }

func (g gqlMetrics) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	resp := next(ctx)
	if !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return resp
	}
	field := "unknown"
	if len(oc.Operation.SelectionSet) > 0 {
		if f, ok := oc.Operation.SelectionSet[0].(*ast.Field); ok {
			field = f.Name
		}
	}
	hasErr := "false"
	if resp != nil && len(resp.Errors) > 0 {
		hasErr = "true"
	}
	g.m.graphql.WithLabelValues(string(oc.Operation.Operation), field, hasErr).Observe(time.Since(start).Seconds())
	return resp
}
