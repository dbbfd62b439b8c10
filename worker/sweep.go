package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/accesshive/accesshive/internal/job"
)

// The sweeper's defaults and bounds.
const (
	// DefaultSweepInterval is how often the sweeper looks for lost runs.
	DefaultSweepInterval = time.Minute
	// DefaultSweepAfter is how long an unfinished record must have stayed unchanged before the
	// sweeper asks asynq about its task.
	DefaultSweepAfter = time.Minute
	// sweepBatch bounds the records one sweep checks.
	sweepBatch = 100
	// sweeperName is the sweeper's periodic lock name.
	sweeperName = "sweep-lost-runs"
)

// sweeper returns the periodic function that closes lost runs and relays lost tasks again,
// registered by Run.
func (w *Worker) sweeper() periodic {
	return periodic{name: sweeperName, every: w.cfg.SweepInterval, fn: w.sweep}
}

// sweep closes the runs whose worker was lost with no delivery left (issue 11). A worker killed
// during a task's last delivery leaves the job's record RUNNING: asynq's recoverer archives the
// task once its lease expires (its retries are spent), so no run will ever close the record.
// The same holds when the task left Redis (deleted by hand, Redis lost its data), or when the
// last attempt's outcome could not be written. sweep finds RUNNING records unchanged for
// Config.SweepAfter whose task is archived or gone, and closes each with job.Abandon: FAILED
// with an error that says so, or RETRYING with a fresh task when attempts remain. A task still
// pending, scheduled, retrying or active is left to asynq (its recoverer hands an active task
// whose lease expired back to the queue, or archives it, and the next sweep sees that).
//
// It also finds QUEUED and RETRYING records unchanged for Config.SweepAfter, all of whose
// outbox rows were relayed, whose task is archived or gone (deleted from /ops/queues, or lost
// with Redis's data), and hands each to the relay again with job.Requeue.
//
// No work is done twice: an archived or missing task is never delivered again, and Abandon and
// Requeue change the record only if it is still the one the sweep read.
func (w *Worker) sweep(ctx context.Context) error {
	before := time.Now().Add(-w.cfg.SweepAfter)
	recs, err := job.Running(ctx, w.db, before, sweepBatch)
	if err != nil {
		return err
	}
	stalled, err := job.Stalled(ctx, w.db, before, sweepBatch)
	if err != nil {
		return err
	}
	var errs error
	for _, rec := range append(recs, stalled...) {
		errs = errors.Join(errs, w.sweepOne(ctx, &rec))
	}
	return errs
}

// sweepOne acts on rec if its task is lost: a RUNNING record's run is closed, a QUEUED or
// RETRYING record is handed to the relay again. A record that moved on meanwhile is left alone.
func (w *Worker) sweepOne(ctx context.Context, rec *job.Record) error {
	why, lost, err := w.lostTask(rec)
	if err != nil || !lost {
		return err
	}
	log := w.log.With(slog.String("job_id", rec.ID.String()), slog.String("type", string(rec.Type)), slog.Int("attempt", rec.Attempts))
	if rec.Status == job.StatusRunning {
		err = w.closeLostRun(ctx, rec, why, log)
	} else {
		_, err = job.Requeue(ctx, w.db, rec)
		if err == nil {
			log.Warn("worker: lost task relayed again", slog.String("status", string(rec.Status)), slog.String("reason", why))
		}
	}
	switch {
	case errors.Is(err, job.ErrChanged), errors.Is(err, job.ErrFinished):
		return nil
	case err != nil:
		return fmt.Errorf("worker: sweep job %s: %w", rec.ID, err)
	}
	return nil
}

// closeLostRun closes the run of a RUNNING record whose task is lost (job.Abandon), counts and
// announces it.
func (w *Worker) closeLostRun(ctx context.Context, rec *job.Record, why string, log *slog.Logger) error {
	msg := fmt.Sprintf("the worker running attempt %d was lost (%s)", rec.Attempts, why)
	closed, err := job.Abandon(ctx, w.db, rec, msg)
	if err != nil {
		return err
	}
	w.metrics.total.WithLabelValues(string(rec.Type), string(closed.Status)).Inc()
	w.publish(ctx, closed, log)
	log.Warn("worker: lost run closed", slog.String("status", string(closed.Status)), slog.String("reason", why))
	return nil
}

// lostTask reports whether rec's asynq task will never be delivered again, and why. An archived
// task is deleted when the job still has attempts left, so that the relay can enqueue the job
// again under the same task id.
func (w *Worker) lostTask(rec *job.Record) (why string, lost bool, err error) {
	info, err := w.inspector.GetTaskInfo(rec.Queue, rec.ID.String())
	switch {
	case errors.Is(err, asynq.ErrTaskNotFound), errors.Is(err, asynq.ErrQueueNotFound):
		return "its task left the queue", true, nil
	case err != nil:
		return "", false, fmt.Errorf("worker: sweep: task of job %s: %w", rec.ID, err)
	case info.State != asynq.TaskStateArchived:
		return "", false, nil
	}
	why = "its task was archived"
	if info.LastErr != "" {
		why += ": " + info.LastErr
	}
	if rec.Attempts < rec.MaxAttempts {
		if err := w.inspector.DeleteTask(rec.Queue, rec.ID.String()); err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
			return "", false, fmt.Errorf("worker: sweep: delete archived task of job %s: %w", rec.ID, err)
		}
	}
	return why, true, nil
}
