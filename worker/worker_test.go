package worker

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/testenv"
)

// jobViews returns the records the events published for one job carry, in order.
func jobViews(t *testing.T, events *testenv.Events, id uuid.UUID) []job.Record {
	t.Helper()
	var out []job.Record
	for _, e := range events.All() {
		v, err := event.Decode[job.Record](e)
		require.NoError(t, err)
		if v.ID == id {
			out = append(out, v)
		}
	}
	return out
}

func statuses(views []job.Record) []job.Status {
	out := make([]job.Status, len(views))
	for i, v := range views {
		out[i] = v.Status
	}
	return out
}

type bundle struct {
	db       *bun.DB
	redisOpt asynq.RedisClientOpt
	// prefix is the test's own KeyPrefix, shared by every Config the bundle builds.
	prefix   string
	events   *testenv.Events
	agencyID uuid.UUID
	metrics  *prometheus.Registry
}

func setup(t *testing.T) *bundle {
	t.Helper()
	b := &bundle{
		db:       testenv.DB(t),
		redisOpt: asynq.RedisClientOpt{Addr: testenv.RedisAddr(t), DB: testenv.RedisDB(t)},
		prefix:   testenv.Prefix(t),
		events:   &testenv.Events{},
		metrics:  prometheus.NewRegistry(),
	}
	b.agencyID = b.newAgency(t)
	return b
}

func (b *bundle) newAgency(t *testing.T) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	err := b.db.NewRaw("INSERT INTO agencies (name) VALUES (?) RETURNING id", testenv.RandomName("agency-")).
		Scan(context.Background(), &id)
	require.NoError(t, err)
	return id
}

// config is a Config with intervals short enough for tests and the bundle's key prefix.
func (b *bundle) config() Config {
	return Config{
		RedisOpt:                 b.redisOpt,
		KeyPrefix:                b.prefix,
		Concurrency:              4,
		RelayInterval:            20 * time.Millisecond,
		ShutdownTimeout:          2 * time.Second,
		RetryDelay:               func(int, error, *asynq.Task) time.Duration { return 0 },
		BusyRetryDelay:           10 * time.Millisecond,
		TaskCheckInterval:        20 * time.Millisecond,
		DelayedTaskCheckInterval: 50 * time.Millisecond,
	}
}

func testLogger() *slog.Logger {
	if os.Getenv("ACCESSHIVE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func (b *bundle) worker(cfg Config) *Worker {
	return New(cfg, Deps{DB: b.db, Events: b.events, Logger: testLogger(), Metrics: b.metrics})
}

// run runs w until the test ends, and checks that it then shuts down cleanly.
func run(t *testing.T, w *Worker) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after its context ended")
		}
	})
}

// enqueue commits a recorded job for the bundle's agency.
func (b *bundle) enqueue(t *testing.T, typ job.Type, input any) *job.Record {
	t.Helper()
	var rec *job.Record
	err := db.InTx(context.Background(), b.db, func(ctx context.Context, tx bun.Tx) error {
		var err error
		rec, err = job.Enqueue(ctx, tx, job.Spec{AgencyID: b.agencyID, Type: typ, Input: input})
		return err
	})
	require.NoError(t, err)
	return rec
}

// waitFor polls cond until it holds, failing the test after a while: a bound on a hang, not a
// speed check, so it is generous for a loaded machine.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitStatus waits until the job's record has the status and returns the record.
func (b *bundle) waitStatus(t *testing.T, id uuid.UUID, status job.Status) *job.Record {
	t.Helper()
	var rec *job.Record
	waitFor(t, "job "+string(status), func() bool {
		var err error
		rec, err = job.Load(context.Background(), b.db, id)
		require.NoError(t, err)
		return rec.Status == status
	})
	return rec
}

// waitEvent waits until the last event published for the job carries status, and returns the
// record. The worker publishes after it has committed the record and counted it in its
// metrics, so from then on the record, the metrics and the events agree; waitStatus alone can
// return between the commit and the publication.
func (b *bundle) waitEvent(t *testing.T, id uuid.UUID, status job.Status) *job.Record {
	t.Helper()
	waitFor(t, "job "+string(status)+" event", func() bool {
		views := jobViews(t, b.events, id)
		return len(views) > 0 && views[len(views)-1].Status == status
	})
	rec, err := job.Load(context.Background(), b.db, id)
	require.NoError(t, err)
	return rec
}

func (b *bundle) inspector(t *testing.T) *asynq.Inspector {
	t.Helper()
	in := asynq.NewInspector(b.redisOpt)
	t.Cleanup(func() { _ = in.Close() })
	return in
}

// counter reads accesshive_jobs_total for a type and status from the bundle's registry.
func (b *bundle) counter(t *testing.T, typ job.Type, status job.Status) float64 {
	t.Helper()
	families, err := b.metrics.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != "accesshive_jobs_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["type"] == string(typ) && labels["status"] == string(status) {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func TestWorkerRunsRecordedJob(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.worker(b.config())
	var calls atomic.Int32
	w.Handle(job.TypeSendNotification, func(ctx context.Context, rec *job.Record) (any, error) {
		calls.Add(1)
		var in struct{ To string }
		if err := json.Unmarshal(rec.Input, &in); err != nil {
			return nil, job.Permanent(err)
		}
		assert.Equal(t, job.StatusRunning, rec.Status)
		assert.NotNil(t, Logger(ctx))
		return map[string]string{"sentTo": in.To}, nil
	})
	run(t, w)

	queued := b.enqueue(t, job.TypeSendNotification, map[string]string{"to": "alice@acme.test"})
	rec := b.waitEvent(t, queued.ID, job.StatusSucceeded)
	require.Equal(t, job.StatusSucceeded, rec.Status)

	require.JSONEq(t, `{"sentTo":"alice@acme.test"}`, string(rec.Result))
	require.Equal(t, 1, rec.Attempts)
	require.Empty(t, rec.Error)
	require.NotNil(t, rec.StartedAt)
	require.NotNil(t, rec.FinishedAt)
	require.False(t, rec.FinishedAt.Before(*rec.StartedAt))
	require.EqualValues(t, 1, calls.Load())

	views := jobViews(t, b.events, rec.ID)
	require.Equal(t, []job.Status{job.StatusRunning, job.StatusSucceeded}, statuses(views))
	require.JSONEq(t, `{"sentTo":"alice@acme.test"}`, string(views[1].Result))

	evs := b.events.All()
	e := evs[len(evs)-1]
	require.Equal(t, event.TopicJobUpdated, e.Topic)
	require.Equal(t, b.agencyID, e.AgencyID)
	require.Equal(t, string(job.TypeSendNotification), e.Key)
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(e.Data, &fields))
	for _, k := range []string{"id", "type", "status", "attempts", "maxAttempts", "queuedAt", "startedAt", "finishedAt", "input", "result", "progress"} {
		require.Contains(t, fields, k)
	}
	require.NotContains(t, fields, "error", "a succeeded job carries no error")
	require.Equal(t, 1.0, b.counter(t, job.TypeSendNotification, job.StatusSucceeded))
}

func TestWorkerRetriesThenSucceeds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.worker(b.config())
	var calls atomic.Int32
	w.Handle(job.TypeSendNotification, func(ctx context.Context, rec *job.Record) (any, error) {
		calls.Add(1)
		if rec.Attempts < 3 {
			return nil, errors.New("smtp: connection refused")
		}
		return "sent", nil
	})
	run(t, w)

	queued := b.enqueue(t, job.TypeSendNotification, nil)
	rec := b.waitEvent(t, queued.ID, job.StatusSucceeded)
	require.Equal(t, job.StatusSucceeded, rec.Status)
	require.Equal(t, 3, rec.Attempts)
	require.Empty(t, rec.Error)
	require.JSONEq(t, `"sent"`, string(rec.Result))
	require.EqualValues(t, 3, calls.Load())

	views := jobViews(t, b.events, rec.ID)
	require.Equal(t, []job.Status{
		job.StatusRunning, job.StatusRetrying,
		job.StatusRunning, job.StatusRetrying,
		job.StatusRunning, job.StatusSucceeded,
	}, statuses(views))
	require.Equal(t, "smtp: connection refused", views[1].Error)
	require.Equal(t, 2.0, b.counter(t, job.TypeSendNotification, job.StatusRetrying))
}

func TestWorkerPermanentErrorFailsAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.worker(b.config())
	var calls atomic.Int32
	w.Handle(job.TypeSendNotification, func(ctx context.Context, rec *job.Record) (any, error) {
		calls.Add(1)
		return nil, job.Permanent(errors.New("no such recipient"))
	})
	run(t, w)

	queued := b.enqueue(t, job.TypeSendNotification, nil)
	rec := b.waitStatus(t, queued.ID, job.StatusFailed)
	require.Equal(t, 1, rec.Attempts)
	require.Equal(t, "no such recipient", rec.Error)
	require.NotNil(t, rec.FinishedAt)

	// asynq archives the task instead of retrying it.
	in := b.inspector(t)
	waitFor(t, "archived task", func() bool {
		info, err := in.GetTaskInfo(job.QueueDefault, queued.ID.String())
		return err == nil && info.State == asynq.TaskStateArchived
	})
	require.EqualValues(t, 1, calls.Load())
	require.Equal(t, []job.Status{job.StatusRunning, job.StatusFailed}, statuses(jobViews(t, b.events, rec.ID)))
}

func TestWorkerPanicsSpendEveryAttempt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.worker(b.config())
	var calls atomic.Int32
	w.Handle(job.TypeCheckIdentitySource, func(ctx context.Context, rec *job.Record) (any, error) {
		calls.Add(1)
		panic("directory client is nil")
	})
	run(t, w)

	queued := b.enqueue(t, job.TypeCheckIdentitySource, nil)
	maxAttempts := job.Kinds[job.TypeCheckIdentitySource].MaxAttempts
	rec := b.waitStatus(t, queued.ID, job.StatusFailed)
	require.Equal(t, maxAttempts, rec.Attempts)
	require.Contains(t, rec.Error, "panicked")

	in := b.inspector(t)
	waitFor(t, "archived task", func() bool {
		info, err := in.GetTaskInfo(job.QueueDefault, queued.ID.String())
		return err == nil && info.State == asynq.TaskStateArchived
	})
	// The spare asynq retry is never used for a run.
	require.EqualValues(t, maxAttempts, calls.Load())
}

func TestWorkerSkipsFinishedJob(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	queued := b.enqueue(t, job.TypeSendNotification, nil)
	// Another delivery already ran the job to the end.
	_, err := job.Start(ctx, b.db, queued.ID, 1)
	require.NoError(t, err)
	_, err = job.Succeed(ctx, b.db, queued.ID, "done before")
	require.NoError(t, err)

	w := b.worker(b.config())
	var calls atomic.Int32
	w.Handle(job.TypeSendNotification, func(ctx context.Context, rec *job.Record) (any, error) {
		calls.Add(1)
		return "done again", nil
	})
	run(t, w)

	waitFor(t, "outbox row relayed", func() bool {
		n, err := b.db.NewSelect().Model((*job.OutboxRow)(nil)).
			Where("job_id = ?", queued.ID).Where("relayed_at IS NOT NULL").Count(ctx)
		require.NoError(t, err)
		return n == 1
	})
	in := b.inspector(t)
	waitFor(t, "task processed", func() bool {
		_, err := in.GetTaskInfo(job.QueueDefault, queued.ID.String())
		return errors.Is(err, asynq.ErrTaskNotFound)
	})
	require.Zero(t, calls.Load())
	rec, err := job.Load(ctx, b.db, queued.ID)
	require.NoError(t, err)
	require.Equal(t, job.StatusSucceeded, rec.Status)
	require.Equal(t, 1, rec.Attempts)
	require.JSONEq(t, `"done before"`, string(rec.Result))
	require.Empty(t, jobViews(t, b.events, queued.ID))
}

func TestReportProgress(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.worker(b.config())
	proceed := make(chan struct{})
	w.Handle(job.TypeSyncDirectory, func(ctx context.Context, rec *job.Record) (any, error) {
		if err := ReportProgress(ctx, map[string]int{"users": 1}); err != nil {
			return nil, err
		}
		<-proceed
		// A burst: the throttle lets at most one through, and the last one still lands.
		for i := 2; i <= 20; i++ {
			if err := ReportProgress(ctx, map[string]int{"users": i}); err != nil {
				return nil, err
			}
		}
		return map[string]int{"users": 20}, nil
	})
	run(t, w)

	queued := b.enqueue(t, job.TypeSyncDirectory, nil)
	waitFor(t, "first progress", func() bool {
		rec, err := job.Load(context.Background(), b.db, queued.ID)
		require.NoError(t, err)
		return rec.Status == job.StatusRunning && rec.Progress != nil
	})
	rec, err := job.Load(context.Background(), b.db, queued.ID)
	require.NoError(t, err)
	require.JSONEq(t, `{"users":1}`, string(rec.Progress))
	close(proceed)

	rec = b.waitStatus(t, queued.ID, job.StatusSucceeded)
	require.JSONEq(t, `{"users":20}`, string(rec.Progress))

	var progressEvents int
	for _, v := range jobViews(t, b.events, queued.ID) {
		if v.Status == job.StatusRunning && v.Progress != nil {
			progressEvents++
		}
	}
	require.GreaterOrEqual(t, progressEvents, 2) // the first report and the flushed last one
	require.LessOrEqual(t, progressEvents, 3)

	require.ErrorIs(t, ReportProgress(context.Background(), 1), ErrNoJob)
}

func TestWorkerBoundsAgencyConcurrency(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cfg := b.config()
	cfg.Concurrency = 8
	cfg.PerAgencyConcurrency = 2
	w := b.worker(cfg)
	var running, peak atomic.Int32
	w.Handle(job.TypeProvisionIdentity, func(ctx context.Context, rec *job.Record) (any, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(150 * time.Millisecond)
		return nil, nil
	})
	run(t, w)

	var ids []uuid.UUID
	for range 6 {
		ids = append(ids, b.enqueue(t, job.TypeProvisionIdentity, nil).ID)
	}
	for _, id := range ids {
		rec := b.waitStatus(t, id, job.StatusSucceeded)
		// Waiting for a slot is not an attempt.
		require.Equal(t, 1, rec.Attempts)
	}
	require.EqualValues(t, 2, peak.Load())
}

func TestConfigDefaultKeyPrefix(t *testing.T) {
	t.Parallel()
	require.Equal(t, "accesshive:", Config{}.withDefaults().KeyPrefix)
	require.Equal(t, "other:", Config{KeyPrefix: "other:"}.withDefaults().KeyPrefix)
}

func TestHandleRefusesUnknownType(t *testing.T) {
	t.Parallel()
	w := New(Config{}, Deps{})
	require.Panics(t, func() { w.Handle("NOPE", func(context.Context, *job.Record) (any, error) { return nil, nil }) })
	h := func(context.Context, *job.Record) (any, error) { return nil, nil }
	w.Handle(job.TypeRewrapVault, h)
	require.Panics(t, func() { w.Handle(job.TypeRewrapVault, h) })
}

// sendArgs are test arguments of SEND_NOTIFICATION.
type sendArgs struct {
	To string `json:"to"`
}

func (sendArgs) JobType() job.Type { return job.TypeSendNotification }

func TestHandleDecodesTypedArguments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w := b.worker(b.config())
	var calls atomic.Int32
	Handle(w, func(ctx context.Context, rec *job.Record, args sendArgs) (any, error) {
		calls.Add(1)
		return map[string]string{"sentTo": args.To}, nil
	})
	run(t, w)

	// The job type comes from the arguments.
	ok := b.enqueue(t, "", sendArgs{To: "alice@acme.test"})
	require.Equal(t, job.TypeSendNotification, ok.Type)
	rec := b.waitStatus(t, ok.ID, job.StatusSucceeded)
	require.JSONEq(t, `{"sentTo":"alice@acme.test"}`, string(rec.Result))

	// An input that does not decode fails at once, without calling the handler.
	bad := b.enqueue(t, job.TypeSendNotification, map[string]int{"to": 7})
	rec = b.waitStatus(t, bad.ID, job.StatusFailed)
	require.Equal(t, 1, rec.Attempts)
	require.Contains(t, rec.Error, "decode SEND_NOTIFICATION input")
	require.EqualValues(t, 1, calls.Load())
}
