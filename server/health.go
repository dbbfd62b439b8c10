package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"
)

// HealthHandler serves /healthz, /readyz and /metrics for a process that is not an API replica
// (the worker, on its own address): the same answers as an API replica's.
func HealthHandler(bdb *bun.DB, rdb redis.UniversalClient, reg *prometheus.Registry, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.Handle("GET /readyz", readiness{db: bdb, redis: rdb, logger: logger})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux
}

// healthz answers that the process is up.
func healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyzTimeout bounds each of readyz's checks.
const readyzTimeout = 2 * time.Second

// readiness is /readyz: 200 when PostgreSQL and Redis both answer, and 503 naming the one that
// does not ("unreachable") otherwise. The two are checked at once, each with its own deadline,
// so a frozen one neither delays nor masks the other.
type readiness struct {
	db     *bun.DB
	redis  redis.UniversalClient
	logger *slog.Logger
}

func (rd readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	checks := map[string]func(context.Context) error{
		"postgres": rd.db.PingContext,
		"redis":    func(ctx context.Context) error { return rd.redis.Ping(ctx).Err() },
	}
	type result struct {
		name string
		err  error
	}
	results := make(chan result, len(checks))
	for name, check := range checks {
		go func() {
			ctx, cancel := context.WithTimeout(r.Context(), readyzTimeout)
			defer cancel()
			results <- result{name, check(ctx)}
		}()
	}
	out := map[string]string{}
	code := http.StatusOK
	for range checks {
		res := <-results
		out[res.name] = "ok"
		if res.err != nil {
			out[res.name] = "unreachable"
			code = http.StatusServiceUnavailable
			rd.logger.WarnContext(r.Context(), "readiness check failed", "dependency", res.name, "error", res.err)
		}
	}
	writeJSON(w, code, out)
}
