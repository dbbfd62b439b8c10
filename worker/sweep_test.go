package worker

import (
	"context"
	"encoding/json"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
)

// lostLastDelivery runs a job's last asynq delivery on a worker that then dies, as issue 11
// describes: worker A reaches Redis through a proxy, its handler starts the job (the record is
// RUNNING) and the proxy is cut, so that A can neither extend the task's lease nor ever answer
// for it, like a killed process. The lease is then made to look long expired, so that the next
// worker's asynq recoverer archives the task at once instead of a minute later. maxAttempts is
// the job record's budget. It returns the job's record as A started it.
func (b *bundle) lostLastDelivery(t *testing.T, maxAttempts int) *job.Record {
	t.Helper()
	ctx := context.Background()
	rec := b.enqueue(t, job.TypeCheckIdentitySource, nil)
	_, err := b.db.NewUpdate().Model((*job.Record)(nil)).Set("max_attempts = ?", maxAttempts).
		Where("id = ?", rec.ID).Comment(tenant.AllAgencies("test fixture")).Exec(ctx)
	require.NoError(t, err)
	// The test hands the task to asynq itself, with no retry left: its first delivery is its
	// last, as the spare delivery of a job whose runs were all lost is.
	_, err = b.db.NewUpdate().Model((*job.OutboxRow)(nil)).Set("relayed_at = now()").Where("job_id = ?", rec.ID).Exec(ctx)
	require.NoError(t, err)
	payload, err := json.Marshal(job.Payload{JobID: rec.ID})
	require.NoError(t, err)
	client := asynq.NewClient(b.redisOpt)
	_, err = client.Enqueue(asynq.NewTask(string(rec.Type), payload), asynq.TaskID(rec.ID.String()),
		asynq.Queue(rec.Queue), asynq.MaxRetry(0))
	require.NoError(t, err)
	require.NoError(t, client.Close())

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	cut := proxy(t, addr, b.redisOpt.Addr)
	cfg := b.config()
	cfg.RedisOpt.Addr = addr
	a := b.worker(cfg)
	started, release := make(chan struct{}), make(chan struct{})
	a.Handle(job.TypeCheckIdentitySource, func(ctx context.Context, rec *job.Record) (any, error) {
		close(started)
		select { // the dead process never gets further
		case <-release:
		case <-ctx.Done():
		}
		return "late", nil
	})
	run(t, a)
	t.Cleanup(func() { close(release) }) // before A's shutdown, which runs first
	<-started
	cut()

	rdb := redis.NewClient(&redis.Options{Addr: b.redisOpt.Addr, DB: b.redisOpt.DB})
	defer rdb.Close()
	leaseKey := "asynq:{" + rec.Queue + "}:lease"
	expired := float64(time.Now().Add(-time.Hour).Unix())
	require.NoError(t, rdb.ZAdd(ctx, leaseKey, redis.Z{Score: expired, Member: rec.ID.String()}).Err())

	running, err := job.Load(ctx, b.db, rec.ID)
	require.NoError(t, err)
	require.Equal(t, job.StatusRunning, running.Status)
	return running
}

// sweepingConfig is the bundle's config with a sweeper that acts at once.
func (b *bundle) sweepingConfig() Config {
	cfg := b.config()
	cfg.SweepInterval = 50 * time.Millisecond
	cfg.SweepAfter = time.Millisecond
	return cfg
}

func TestSweeperFailsAJobWhoseLastDeliveryWasKilled(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lost := b.lostLastDelivery(t, 1)

	w := b.worker(b.sweepingConfig())
	var calls atomic.Int32
	w.Handle(job.TypeCheckIdentitySource, func(context.Context, *job.Record) (any, error) {
		calls.Add(1)
		return nil, nil
	})
	run(t, w)

	rec := b.waitStatus(t, lost.ID, job.StatusFailed)
	require.Equal(t, 1, rec.Attempts)
	require.NotNil(t, rec.FinishedAt)
	require.Contains(t, rec.Error, "the worker running attempt 1 was lost")
	require.Contains(t, rec.Error, "task lease expired")
	require.Zero(t, calls.Load(), "a lost run with no attempt left is not run again")
	// Events are published after their commit: wait for the last one.
	waitFor(t, "the FAILED event", func() bool { return len(jobViews(t, b.events, lost.ID)) == 2 })
	require.Equal(t, []job.Status{job.StatusRunning, job.StatusFailed}, statuses(jobViews(t, b.events, lost.ID)))
	require.Equal(t, 1.0, b.counter(t, job.TypeCheckIdentitySource, job.StatusFailed))

	info, err := b.inspector(t).GetTaskInfo(lost.Queue, lost.ID.String())
	require.NoError(t, err)
	require.Equal(t, asynq.TaskStateArchived, info.State)
}

func TestSweeperRetriesALostRunWithAttemptsLeft(t *testing.T) {
	t.Parallel()
	b := setup(t)
	lost := b.lostLastDelivery(t, 3)

	w := b.worker(b.sweepingConfig())
	var calls atomic.Int32
	w.Handle(job.TypeCheckIdentitySource, func(_ context.Context, rec *job.Record) (any, error) {
		calls.Add(1)
		return map[string]int{"attempt": rec.Attempts}, nil
	})
	run(t, w)

	rec := b.waitStatus(t, lost.ID, job.StatusSucceeded)
	require.Equal(t, 2, rec.Attempts, "the lost run counts as an attempt")
	require.JSONEq(t, `{"attempt":2}`, string(rec.Result))
	require.EqualValues(t, 1, calls.Load())
	// Events are published after their commit, by the sweeper and by the run it requeued, so
	// only their set is certain.
	waitFor(t, "every event", func() bool { return len(jobViews(t, b.events, lost.ID)) == 4 })
	require.ElementsMatch(t, []job.Status{job.StatusRunning, job.StatusRetrying, job.StatusRunning, job.StatusSucceeded}, statuses(jobViews(t, b.events, lost.ID)))
}

func TestSweeperLeavesLiveRunsAlone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	w := b.worker(b.sweepingConfig())
	t.Cleanup(func() { _ = w.rdb.Close() })

	// A RUNNING record whose task is still in the queue (a retry is due, or it is active).
	rec := b.enqueue(t, job.TypeSendNotification, nil)
	payload, err := json.Marshal(job.Payload{JobID: rec.ID})
	require.NoError(t, err)
	client := asynq.NewClient(b.redisOpt)
	t.Cleanup(func() { _ = client.Close() })
	_, err = client.Enqueue(asynq.NewTask(string(rec.Type), payload), asynq.TaskID(rec.ID.String()), asynq.Queue(rec.Queue))
	require.NoError(t, err)
	_, err = job.Start(ctx, b.db, rec.ID, 1)
	require.NoError(t, err)
	time.Sleep(5 * time.Millisecond) // older than SweepAfter

	require.NoError(t, w.sweep(ctx))
	got, err := job.Load(ctx, b.db, rec.ID)
	require.NoError(t, err)
	require.Equal(t, job.StatusRunning, got.Status)

	// Once its task is gone, the same record is closed; a second sweep finds nothing to do.
	require.NoError(t, b.inspector(t).DeleteTask(rec.Queue, rec.ID.String()))
	require.NoError(t, w.sweep(ctx))
	got, err = job.Load(ctx, b.db, rec.ID)
	require.NoError(t, err)
	require.Equal(t, job.StatusRetrying, got.Status)
	require.Contains(t, got.Error, "its task left the queue")
	require.NoError(t, w.sweep(ctx))
	var rows int64
	rows, err = b.db.NewSelect().Model((*job.OutboxRow)(nil)).Where("job_id = ?", rec.ID).Where("relayed_at IS NULL").Count(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 2, rows, "the enqueue's row (never relayed here) and one row for the retry")
}

// Abandon changes a record only if it is still the one the sweeper read.
func TestAbandonLeavesAChangedRecordAlone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	rec := b.enqueue(t, job.TypeSendNotification, nil)
	seen, err := job.Start(ctx, b.db, rec.ID, 1)
	require.NoError(t, err)
	_, err = job.Start(ctx, b.db, rec.ID, 2) // the run went on meanwhile
	require.NoError(t, err)
	_, err = job.Abandon(ctx, b.db, seen, "lost")
	require.ErrorIs(t, err, job.ErrChanged)
}
