package worker

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/job"
)

// A QUEUED job whose task asynq no longer holds (deleted from /ops/queues, or lost with Redis's
// data) is handed to the relay again by the sweeper, once, and then runs.
func TestSweeperRelaysAgainAJobWhoseTaskWasLost(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	w := b.worker(b.sweepingConfig())
	w.Handle(job.TypeSendNotification, func(context.Context, *job.Record) (any, error) { return "sent", nil })

	// Relayed: its task waits in the queue, and the sweep leaves it alone.
	rec := b.enqueue(t, job.TypeSendNotification, nil)
	payload, err := json.Marshal(job.Payload{JobID: rec.ID})
	require.NoError(t, err)
	client := asynq.NewClient(b.redisOpt)
	t.Cleanup(func() { _ = client.Close() })
	_, err = client.Enqueue(asynq.NewTask(string(rec.Type), payload), asynq.TaskID(rec.ID.String()), asynq.Queue(rec.Queue))
	require.NoError(t, err)
	_, err = b.db.NewUpdate().Model((*job.OutboxRow)(nil)).Set("relayed_at = now()").Where("job_id = ?", rec.ID).Exec(ctx)
	require.NoError(t, err)
	pending := func() int {
		n, err := b.db.NewSelect().Model((*job.OutboxRow)(nil)).Where("job_id = ?", rec.ID).Where("relayed_at IS NULL").Count(ctx)
		require.NoError(t, err)
		return int(n)
	}
	time.Sleep(5 * time.Millisecond) // older than SweepAfter
	require.NoError(t, w.sweep(ctx))
	require.Zero(t, pending(), "a task still in the queue is asynq's")

	// Its task deleted by hand: the next sweep writes one outbox row for it; a row waiting in
	// the outbox is the relay's, so a second sweep adds none.
	require.NoError(t, b.inspector(t).DeleteTask(rec.Queue, rec.ID.String()))
	require.NoError(t, w.sweep(ctx))
	got, err := job.Load(ctx, b.db, rec.ID)
	require.NoError(t, err)
	require.Equal(t, job.StatusQueued, got.Status)
	require.Equal(t, 1, pending())
	time.Sleep(5 * time.Millisecond)
	require.NoError(t, w.sweep(ctx))
	require.Equal(t, 1, pending())

	run(t, w)
	done := b.waitStatus(t, rec.ID, job.StatusSucceeded)
	require.Equal(t, 1, done.Attempts)
	require.JSONEq(t, `"sent"`, string(done.Result))
}

// Requeue changes a record only if it is still the one the sweeper read.
func TestRequeueLeavesAChangedRecordAlone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	seen := b.enqueue(t, job.TypeSendNotification, nil)
	_, err := job.Start(ctx, b.db, seen.ID, 1) // its task was delivered after all
	require.NoError(t, err)
	_, err = job.Requeue(ctx, b.db, seen)
	require.ErrorIs(t, err, job.ErrChanged)
}
