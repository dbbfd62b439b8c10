// Package worker runs AccessHive's background jobs: an asynq server with a registry of handlers
// per job type, the middleware that keeps every run's job record (RUNNING → SUCCEEDED / FAILED /
// RETRYING) and publishes it, a per-agency concurrency bound, the outbox relay that moves jobs
// committed in Postgres to asynq, and periodic functions that run on one replica per tick.
//
// A job travels like this: a domain package calls job.Enqueue in the transaction of the state
// change that needs it (a jobs row and an outbox row), the Relay moves the outbox row to asynq
// with the job id as the task id, and the asynq server hands the task to the job-recording
// middleware, which records the run and calls the Handler registered for the job type.
//
// Attempts. The job record is the truth: the middleware decides that an attempt is the last from
// the record's MaxAttempts (or at once for a job.Permanent error), records FAILED and tells asynq
// not to retry (asynq.SkipRetry). Tasks get asynq.MaxRetry(MaxAttempts), one retry more than the
// budget, as headroom only: a requeue (below) on the last attempt is then not archived by asynq,
// and a run that asynq itself ended on the last attempt (deadline, lost worker) is delivered once
// more, which closes the record or finds it closed. A task whose record is already final runs no
// handler, so a task relayed or delivered twice runs once. A worker killed during that very last
// delivery leaves its record RUNNING with the task archived: the sweeper (sweep.go), a periodic
// function of every worker, closes such runs, and relays again a QUEUED or RETRYING job whose
// task asynq lost.
//
// Each delivery runs through a middleware chain (chain.go): load the record, take the agency's
// slot, record the run, time it, recover from a panic, call the handler.
//
// Per-agency bound. At most Config.PerAgencyConcurrency tasks of one agency run at once across
// every worker process: before a run starts, the middleware takes a slot in a Redis counting
// semaphore (a sorted set of leases per agency under Config.KeyPrefix, each renewed while its
// task runs and expiring 10s after its worker dies). When none is free the task is requeued:
// handed back to asynq with an error that its IsFailure option calls no failure, so asynq's
// retry counter stays, and that its RetryDelayFunc brings back after about
// Config.BusyRetryDelay; the job record is not touched and stays QUEUED or RETRYING. A database
// error before the run starts is requeued the same way. Jobs without an agency are not bounded.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/job"
)

// Handler runs one attempt of a job. rec is the job's record as it stands once the run has
// started (status RUNNING, Attempts = this attempt's number, Input as enqueued). The result is
// stored as JSON in the record and shown to users, so it must hold no secrets; so must the
// error's text. Wrap an error with job.Permanent when no retry can fix it.
//
// Handlers must be idempotent: a retry after a crash, or a second delivery, may find the work
// done and must then succeed without doing it again.
type Handler func(ctx context.Context, rec *job.Record) (result any, err error)

// Config tunes the worker. The zero value of every field but RedisOpt means its default.
type Config struct {
	// RedisOpt says where asynq's Redis is; the per-agency bound and the periodic locks use the
	// same database.
	RedisOpt asynq.RedisClientOpt
	// KeyPrefix starts the Redis keys of the per-agency bound and of the periodic locks
	// (default "accesshive:", ACCESSHIVE_REDIS_PREFIX). Workers with different prefixes share no
	// slots and no locks. asynq's own keys ("asynq:…") cannot be prefixed: workers of separate
	// deployments need separate Redis databases as well.
	KeyPrefix string
	// Concurrency is how many tasks this process runs at once (default 10).
	Concurrency int
	// Queues maps queue names to weights (default critical:6, default:3, low:1). Priority is
	// never strict, so a busy critical queue slows the low queue down but never starves it.
	Queues map[string]int
	// RelayInterval is how often the outbox relay looks for new rows (default 250ms).
	RelayInterval time.Duration
	// RelayBatch is how many outbox rows one relay pass moves at most (default 100).
	RelayBatch int
	// PerAgencyConcurrency bounds the tasks of one agency running at once across every worker
	// process (default 4).
	PerAgencyConcurrency int
	// ShutdownTimeout is how long Run waits for running tasks once its context is done
	// (default 8s, asynq's); tasks still running then are handed back to the queue.
	ShutdownTimeout time.Duration
	// RetryDelay computes the delay before the next attempt of a failed job; nil means asynq's
	// exponential back-off (asynq.DefaultRetryDelayFunc). n is the number of failed attempts so
	// far.
	RetryDelay asynq.RetryDelayFunc
	// BusyRetryDelay is how long a task waits before it is tried again when its agency is at its
	// concurrency bound (default 1s, plus up to as much again of jitter).
	BusyRetryDelay time.Duration
	// TaskCheckInterval is how long asynq sleeps when every queue is empty (default 1s).
	TaskCheckInterval time.Duration
	// DelayedTaskCheckInterval is how often asynq moves due scheduled and retried tasks to
	// their queue (default 5s).
	DelayedTaskCheckInterval time.Duration
	// SweepInterval is how often the sweeper looks for runs whose worker was lost with no
	// delivery left, and for jobs whose task was lost (default DefaultSweepInterval; see
	// Worker.sweep).
	SweepInterval time.Duration
	// SweepAfter is how long an unfinished record stays unchanged before the sweeper checks its
	// task (default DefaultSweepAfter).
	SweepAfter time.Duration
}

// Defaults of Config.
const (
	DefaultConcurrency          = 10
	DefaultRelayInterval        = 250 * time.Millisecond
	DefaultRelayBatch           = 100
	DefaultPerAgencyConcurrency = 4
	DefaultBusyRetryDelay       = time.Second
	DefaultKeyPrefix            = "accesshive:"
)

// DefaultQueues returns the default queue weights: provisioning before notifications before
// sync and rewrap, none of them starved.
func DefaultQueues() map[string]int {
	return map[string]int{job.QueueCritical: 6, job.QueueDefault: 3, job.QueueLow: 1}
}

func (c Config) withDefaults() Config {
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency
	}
	if len(c.Queues) == 0 {
		c.Queues = DefaultQueues()
	}
	if c.RelayInterval <= 0 {
		c.RelayInterval = DefaultRelayInterval
	}
	if c.RelayBatch <= 0 {
		c.RelayBatch = DefaultRelayBatch
	}
	if c.PerAgencyConcurrency <= 0 {
		c.PerAgencyConcurrency = DefaultPerAgencyConcurrency
	}
	if c.RetryDelay == nil {
		c.RetryDelay = asynq.DefaultRetryDelayFunc
	}
	if c.BusyRetryDelay <= 0 {
		c.BusyRetryDelay = DefaultBusyRetryDelay
	}
	if c.KeyPrefix == "" {
		c.KeyPrefix = DefaultKeyPrefix
	}
	if c.SweepInterval <= 0 {
		c.SweepInterval = DefaultSweepInterval
	}
	if c.SweepAfter <= 0 {
		c.SweepAfter = DefaultSweepAfter
	}
	return c
}

// Deps are the worker's collaborators.
type Deps struct {
	// DB holds the jobs and outbox tables.
	DB *bun.DB
	// Events receives a TopicJobUpdated event for every change of an agency's job record;
	// nil publishes nothing.
	Events event.Publisher
	// Logger receives the worker's logs; nil means slog.Default().
	Logger *slog.Logger
	// Metrics, when not nil, gets the worker's collectors registered (see Collectors).
	Metrics prometheus.Registerer
}

// Worker is one worker process: the asynq server with its handlers, the outbox relay and the
// periodic functions. Register handlers and periodic functions before calling Run.
type Worker struct {
	cfg     Config
	db      *bun.DB
	events  event.Publisher
	log     *slog.Logger
	metrics *metrics
	rdb     redis.UniversalClient
	limiter *agencyLimiter
	// inspector reads and deletes tasks for the sweeper; it shares rdb.
	inspector *asynq.Inspector

	mu        sync.RWMutex
	handlers  map[job.Type]Handler
	periodics []periodic
	running   bool
}

// New returns a Worker; it connects to nothing until Run.
func New(cfg Config, deps Deps) *Worker {
	cfg = cfg.withDefaults()
	logger := deps.Logger
	if logger == nil {
		logger = slog.Default()
	}
	rdb, ok := cfg.RedisOpt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		panic("worker: asynq.RedisClientOpt did not make a go-redis client")
	}
	w := &Worker{
		cfg:       cfg,
		db:        deps.DB,
		events:    deps.Events,
		log:       logger,
		metrics:   newMetrics(),
		rdb:       rdb,
		limiter:   newAgencyLimiter(rdb, cfg.KeyPrefix, cfg.PerAgencyConcurrency, defaultLeaseTTL, logger),
		inspector: asynq.NewInspectorFromRedisClient(rdb),
		handlers:  make(map[job.Type]Handler),
	}
	if deps.Metrics != nil {
		w.metrics.register(deps.Metrics, logger)
	}
	return w
}

// Handle registers a handler of the record alone for a job type. Every job type of the product
// has typed arguments and is registered with the Handle function, which calls this one. It
// panics on an unknown type, a nil handler, a second handler for the same type, or a call after
// Run: all are programming errors.
func (w *Worker) Handle(t job.Type, h Handler) {
	if !t.Valid() {
		panic(fmt.Sprintf("worker: Handle: unknown job type %q", t))
	}
	if h == nil {
		panic(fmt.Sprintf("worker: Handle: nil handler for %s", t))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running {
		panic("worker: Handle called after Run")
	}
	if _, dup := w.handlers[t]; dup {
		panic(fmt.Sprintf("worker: Handle: a handler for %s is already registered", t))
	}
	w.handlers[t] = h
}

// Handle registers fn as the handler of the job type its argument type names (A's JobType), as
// river's Worker[T JobArgs]: the worker decodes each record's input into an A once, before fn
// runs, and a record whose input does not decode fails at once (job.Permanent). It panics like
// the Handle method.
func Handle[A job.Args](w *Worker, fn func(ctx context.Context, rec *job.Record, args A) (any, error)) {
	var zero A
	if fn == nil {
		panic(fmt.Sprintf("worker: Handle: nil handler for %s", zero.JobType()))
	}
	w.Handle(zero.JobType(), job.Typed(fn))
}

func (w *Worker) handler(t job.Type) Handler {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.handlers[t]
}

// Run starts the asynq server, the outbox relay and the periodic functions, and blocks until
// ctx is done; it then stops taking tasks, waits up to Config.ShutdownTimeout for running ones,
// and returns nil. It returns an error only when the server cannot start. Run may be called once.
func (w *Worker) Run(ctx context.Context) error {
	w.mu.Lock()
	if w.running {
		w.mu.Unlock()
		return errors.New("worker: Run called twice")
	}
	w.running = true
	periodics := append([]periodic{w.sweeper()}, w.periodics...)
	w.mu.Unlock()
	defer w.rdb.Close()

	srv := asynq.NewServerFromRedisClient(w.rdb, asynq.Config{
		Concurrency:              w.cfg.Concurrency,
		Queues:                   w.cfg.Queues,
		StrictPriority:           false,
		RetryDelayFunc:           w.retryDelay,
		IsFailure:                isFailure,
		ShutdownTimeout:          w.cfg.ShutdownTimeout,
		TaskCheckInterval:        w.cfg.TaskCheckInterval,
		DelayedTaskCheckInterval: w.cfg.DelayedTaskCheckInterval,
		Logger:                   asynqLogger{w.log.With(slog.String("component", "asynq"))},
		LogLevel:                 asynq.InfoLevel,
		HealthCheckFunc: func(err error) {
			if err != nil {
				w.log.Warn("worker: redis health check failed", slog.Any("error", err))
			}
		},
	})
	if err := srv.Start(asynq.HandlerFunc(w.process)); err != nil {
		return fmt.Errorf("worker: start asynq server: %w", err)
	}

	client := asynq.NewClientFromRedisClient(w.rdb)
	relay := NewRelay(w.db, client, w.log)
	relay.batch = w.cfg.RelayBatch

	var wg sync.WaitGroup
	wg.Go(func() { relay.Run(ctx, w.cfg.RelayInterval) })
	for _, p := range periodics {
		wg.Go(func() { w.runPeriodic(ctx, p) })
	}
	w.log.Info("worker: running", slog.Int("concurrency", w.cfg.Concurrency),
		slog.Int("per_agency_concurrency", w.cfg.PerAgencyConcurrency), slog.Int("periodic", len(periodics)))

	<-ctx.Done()
	wg.Wait()
	srv.Shutdown()
	_ = client.Close()
	w.log.Info("worker: stopped")
	return nil
}

// asynqLogger sends asynq's logs to slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }

// Fatal honours asynq.Logger's contract: log, then exit.
func (a asynqLogger) Fatal(args ...any) {
	a.l.Error(fmt.Sprint(args...))
	os.Exit(1)
}
