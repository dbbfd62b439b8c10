// Package app wires AccessHive's parts into the processes the CLI runs (API, worker, both in
// dev) and the end-to-end tests start: one place that builds them, so that tests run exactly
// what production runs.
package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/config"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/reveal"
	"github.com/accesshive/accesshive/internal/vault"
	"github.com/accesshive/accesshive/server"
	"github.com/accesshive/accesshive/worker"
)

// App holds the shared services of one process.
type App struct {
	Config   config.Config
	DB       *bun.DB
	Redis    *redis.Client
	Bus      *event.Bus
	Sessions *auth.Service
	Logger   *slog.Logger
	Registry *prometheus.Registry
	// Vault keeps sealed secrets; Identities and Reveals are the identity and reveal services.
	Vault      *vault.Store
	Identities *identity.Service
	Reveals    *reveal.Service
}

// New builds the services over an open database and Redis client.
func New(cfg config.Config, keys *vault.Keyring, bdb *bun.DB, rdb *redis.Client, logger *slog.Logger) *App {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	bus := event.New(rdb, event.Options{Prefix: cfg.KeyPrefix, Logger: logger})
	reg.MustRegister(bus.Collectors()...)
	limiter := auth.NewLimiter(rdb, cfg.KeyPrefix)
	store := vault.NewStore(keys)
	return &App{
		Config:     cfg,
		DB:         bdb,
		Redis:      rdb,
		Bus:        bus,
		Sessions:   auth.NewService(bdb, limiter, auth.Config{IdleTimeout: cfg.SessionIdle, AbsoluteTimeout: cfg.SessionAbsolute}, logger),
		Logger:     logger,
		Registry:   reg,
		Vault:      store,
		Identities: identity.NewService(bdb, store, bus, logger),
		Reveals:    reveal.NewService(bdb, store, limiter),
	}
}

// RedisOpt is asynq's view of the configured Redis.
func (a *App) RedisOpt() asynq.RedisClientOpt {
	o := a.Redis.Options()
	return asynq.RedisClientOpt{Addr: o.Addr, Password: o.Password, DB: o.DB}
}

// API builds an API replica's HTTP handler. The caller must also run the event bus (RunBus)
// so that subscriptions receive events.
func (a *App) API() (*server.Server, error) {
	return server.New(server.Config{
		AllowedOrigins: a.Config.AllowedOrigins,
		CookieSecure:   a.Config.CookieSecure,
		Playground:     a.Config.Playground,
		OpsAgencies:    a.Config.OpsAgencies,
		AsynqRedis:     a.RedisOpt(),
	}, server.Deps{
		DB: a.DB, Redis: a.Redis, Sessions: a.Sessions, Events: a.Bus, Logger: a.Logger, Registry: a.Registry,
		Identities: a.Identities, Reveals: a.Reveals,
	})
}

// RunBus runs the event bus's Redis subscription until ctx is done.
func (a *App) RunBus(ctx context.Context) error { return a.Bus.Run(ctx) }

// Worker builds a worker with every job type's handler registered.
func (a *App) Worker(tune func(*worker.Config)) *worker.Worker {
	cfg := worker.Config{
		RedisOpt:             a.RedisOpt(),
		Concurrency:          a.Config.WorkerConcurrency,
		PerAgencyConcurrency: a.Config.WorkerPerAgency,
	}
	if tune != nil {
		tune(&cfg)
	}
	w := worker.New(cfg, worker.Deps{DB: a.DB, Events: a.Bus, Logger: a.Logger, Metrics: a.Registry})
	w.Handle(job.TypeCheckPlatformConnection, func(ctx context.Context, rec *job.Record) (any, error) {
		var in agency.CheckInput
		if err := json.Unmarshal(rec.Input, &in); err != nil {
			return nil, job.Permanent(fmt.Errorf("decode input: %w", err))
		}
		if rec.AgencyID == nil {
			return nil, job.Permanent(fmt.Errorf("connection check without an agency"))
		}
		return agency.CheckConnection(ctx, a.DB, *rec.AgencyID, in)
	})
	w.Handle(job.TypeDeprovisionIdentity, func(ctx context.Context, rec *job.Record) (any, error) {
		var in identity.ProvisionInput
		if err := json.Unmarshal(rec.Input, &in); err != nil || rec.AgencyID == nil {
			return nil, job.Permanent(fmt.Errorf("decode input: bad deprovision job"))
		}
		return a.Identities.Deprovision(ctx, *rec.AgencyID, in.IdentityID)
	})
	return w
}

// WaitBusReady waits until the bus's Redis subscription is live, or the timeout passes.
func (a *App) WaitBusReady(timeout time.Duration) error {
	select {
	case <-a.Bus.Ready():
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("app: event bus not ready after %s", timeout)
	}
}
