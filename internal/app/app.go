// Package app wires AccessHive's parts into the processes the CLI runs (API, worker, both in
// dev) and the end-to-end tests start: one place that builds them, so that tests run exactly
// what production runs.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/graph"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/config"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/notify"
	"github.com/accesshive/accesshive/internal/request"
	"github.com/accesshive/accesshive/internal/reveal"
	"github.com/accesshive/accesshive/internal/vault"
	"github.com/accesshive/accesshive/server"
	"github.com/accesshive/accesshive/web"
	"github.com/accesshive/accesshive/worker"
)

// App holds the shared services of one process. The services the API's resolvers call are its
// embedded graph.Deps (a.DB, a.Bus, a.Identities, a.Requests, …): one set, handed to the API as
// it is.
type App struct {
	graph.Deps
	Config   config.Config
	Redis    *redis.Client
	Registry *prometheus.Registry
	// Vault keeps sealed secrets; Sender sends the notifier's emails and the account links.
	Vault  *vault.Store
	Sender notify.Sender
}

// Option adjusts how New builds the services.
type Option func(*options)

type options struct {
	sender        notify.Sender
	directoryHTTP *http.Client
}

// WithDirectoryHTTPClient makes the Google Directory clients (and their token requests) go
// through c: tests record what would leave for Google instead of sending it.
func WithDirectoryHTTPClient(c *http.Client) Option {
	return func(o *options) { o.directoryHTTP = c }
}

// WithSender makes every notification email go through sender (tests capture them).
func WithSender(sender notify.Sender) Option { return func(o *options) { o.sender = sender } }

// New builds the services over an open database and Redis client.
func New(cfg config.Config, keys *vault.Keyring, bdb *bun.DB, rdb *redis.Client, logger *slog.Logger, opts ...Option) *App {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	deadlines := cfg.Deadlines.WithDefaults()
	bus := event.New(rdb, event.Options{Prefix: cfg.KeyPrefix, Logger: logger, PublishTimeout: deadlines.Publish})
	reg.MustRegister(bus.Collectors()...)
	limiter := auth.NewLimiter(rdb, cfg.KeyPrefix)
	store := vault.NewStore(keys)
	a := &App{
		Deps: graph.Deps{
			DB:         bdb,
			Bus:        bus,
			Sessions:   auth.NewService(bdb, limiter, auth.Config{IdleTimeout: cfg.SessionIdle, AbsoluteTimeout: cfg.SessionAbsolute}, logger),
			Logger:     logger,
			Identities: identity.NewService(bdb, store, bus, logger),
			Reveals:    reveal.NewService(bdb, store, limiter),
		},
		Config:   cfg,
		Redis:    rdb,
		Registry: reg,
		Vault:    store,
	}
	a.Identities.ProvisionManaged = true
	a.Sender = o.sender
	if a.Sender == nil {
		a.Sender = newSender(cfg, logger)
	}
	a.Notifier = notify.New(bdb, bus, a.Sender, logger).WithPublicURL(cfg.PublicURL)
	// Account links (invitations, resets, email confirmations) go out at once through the same
	// sender: their token must not sit in a job record.
	a.Sessions.WithMail(func(ctx context.Context, to, subject, body string) error {
		return a.Sender.Send(ctx, notify.Email{To: to, Subject: subject, Body: body})
	}, cfg.PublicURL)
	a.Requests = request.NewService(bdb, a.Identities, a.Notifier, bus, logger)
	// The access request an identity was created for follows the identity's state in the same
	// transaction, whoever changes it.
	a.Identities.Follow(a.Requests)
	// The Directory quota is Google's per agency admin, whichever worker calls: it lives in Redis.
	limiters := gws.NewRedisLimiters(rdb, cfg.KeyPrefix, cfg.DirectoryQPM)
	a.GWS = gws.NewService(gws.Deps{
		DB: bdb, Vault: store, Identities: a.Identities, Limiters: limiters, Logger: logger,
		Dial: gws.Dialer(limiters, gws.Config{
			// The client's own timeout backs up the per-attempt context deadline, for the token
			// requests that run outside it.
			HTTPClient:     directoryHTTPClient(o.directoryHTTP, deadlines.Directory),
			AttemptTimeout: deadlines.Directory,
		}, cfg.AllowDirectoryEndpoint),
	}, gws.ServiceConfig{StuckAfter: cfg.ProvisionStuckAfter, RepairMaxShare: cfg.RepairMaxShare, DeleteOnDeprovision: cfg.DeleteOnDeprovision})
	return a
}

// newSender is SMTP when configured, otherwise the capturing sender that logs each message.
func newSender(cfg config.Config, logger *slog.Logger) notify.Sender {
	if cfg.SMTPAddr == "" {
		return notify.NewCaptureSender(logger)
	}
	s, err := notify.NewSMTPSender(notify.SMTPConfig{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, User: cfg.SMTPUser, Password: cfg.SMTPPassword, TLS: cfg.SMTPTLS})
	if err != nil {
		logger.Error("smtp sender misconfigured; capturing emails instead", "error", err)
		return notify.NewCaptureSender(logger)
	}
	return s
}

// RedisOpt is asynq's view of the configured Redis.
func (a *App) RedisOpt() asynq.RedisClientOpt {
	o := a.Redis.Options()
	return asynq.RedisClientOpt{
		Addr: o.Addr, Password: o.Password, DB: o.DB,
		DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
	}
}

// API builds an API replica's HTTP handler. The caller must also run the event bus (RunBus)
// so that subscriptions receive events.
func (a *App) API() (*server.Server, error) {
	return server.New(server.Config{
		AllowedOrigins:    a.Config.AllowedOrigins,
		CookieSecure:      a.Config.CookieSecure,
		Playground:        a.Config.Playground,
		Console:           web.Dist(),
		OpsAgencies:       a.Config.OpsAgencies,
		AsynqRedis:        a.RedisOpt(),
		TrustedProxies:    a.Config.TrustedProxies,
		Limits:            server.GuardLimits{Introspection: a.Config.Introspection},
		MetricsToken:      a.Config.MetricsToken,
		RequestTimeout:    a.Config.Deadlines.WithDefaults().Request,
		OpsQueuesWritable: a.Config.OpsQueuesWritable,
	}, server.Deps{
		DB: a.DB, Redis: a.Redis, Sessions: a.Sessions, Bus: a.Bus, Logger: a.Logger, Registry: a.Registry,
		GraphQL: graph.NewHandler(a.Deps),
	})
}

// WorkerHTTP is what a worker serves on its own address (ACCESSHIVE_WORKER_METRICS_ADDR):
// /healthz (the process answers), /readyz (PostgreSQL and Redis answer within 2 s) and /metrics.
func (a *App) WorkerHTTP() http.Handler {
	return server.HealthHandler(a.DB, a.Redis, a.Registry, a.Logger)
}

// HealthHandler serves /healthz, /readyz and /metrics for a process holding bdb and rdb
// (server.HealthHandler, logging to slog's default logger).
func HealthHandler(bdb *bun.DB, rdb *redis.Client, reg *prometheus.Registry) http.Handler {
	return server.HealthHandler(bdb, rdb, reg, slog.Default())
}

// RunBus runs the event bus's Redis subscription until ctx is done.
func (a *App) RunBus(ctx context.Context) error { return a.Bus.Run(ctx) }

// Worker builds a worker with every job type's handler registered.
func (a *App) Worker(tune func(*worker.Config)) *worker.Worker {
	cfg := worker.Config{
		RedisOpt:             a.RedisOpt(),
		KeyPrefix:            a.Config.KeyPrefix,
		Concurrency:          a.Config.WorkerConcurrency,
		PerAgencyConcurrency: a.Config.WorkerPerAgency,
		SweepInterval:        a.Config.WorkerSweepInterval,
		SweepAfter:           a.Config.WorkerSweepAfter,
	}
	if tune != nil {
		tune(&cfg)
	}
	w := worker.New(cfg, worker.Deps{DB: a.DB, Events: a.Bus, Logger: a.Logger, Metrics: a.Registry})
	worker.Handle(w, agency.CheckConnectionJob(a.DB))
	worker.Handle(w, a.GWS.HandleProvision)
	worker.Handle(w, a.GWS.HandleDeprovision)
	worker.Handle(w, a.GWS.HandleRotate)
	worker.Handle(w, a.GWS.HandleCheckSource)
	worker.Handle(w, a.GWS.SyncHandler(worker.ReportProgress))
	worker.Handle(w, a.Notifier.SendJob)
	worker.Handle(w, a.Requests.HandleExpire)
	worker.Handle(w, vault.RewrapJob(a.DB, a.Vault, worker.ReportProgress, a.Logger))
	w.Periodic("gws-mark-stuck", 30*time.Second, func(ctx context.Context) error {
		_, err := a.GWS.MarkStuck(ctx)
		return err
	})
	w.Periodic("expire-access-requests", time.Minute, func(ctx context.Context) error {
		_, err := a.Requests.EnqueueExpiryJobs(ctx)
		return err
	})
	w.Periodic("rewrap-vault", 10*time.Minute, func(ctx context.Context) error {
		return a.EnqueueRewrapIfNeeded(ctx)
	})
	return w
}

// EnqueueRewrapIfNeeded enqueues one system-wide REWRAP_VAULT job when secrets are sealed under
// an older master key and no rewrap is already queued or running.
func (a *App) EnqueueRewrapIfNeeded(ctx context.Context) error {
	return vault.EnqueueRewrapIfNeeded(ctx, a.DB, a.Vault.Keyring())
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

// directoryHTTPClient is the client the Directory API and its token requests go through: c (tests
// record what would leave for Google) or a plain one, bounded by timeout in either case.
func directoryHTTPClient(c *http.Client, timeout time.Duration) *http.Client {
	var hc http.Client
	if c != nil {
		hc = *c
	}
	hc.Timeout = timeout
	return &hc
}
