package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/accesshive/accesshive/internal/job"
)

// delivery is one delivery of a task by asynq, as the middleware chain passes it along. The
// steps fill it in as they go: loadRecord sets rec, recordRun replaces it with the started
// record, measure sets elapsed.
type delivery struct {
	jobID uuid.UUID
	typ   job.Type
	// retried is how many failed deliveries asynq counted before this one.
	retried int
	// last says that asynq will not deliver the task again once this delivery fails: its
	// retries are spent (see process for why that is one more than the job's budget).
	last bool
	// attempt is this run's number, 1-based; set by loadRecord.
	attempt int
	rec     *job.Record
	log     *slog.Logger
	elapsed time.Duration
}

// step handles a delivery. The innermost step (dispatch) runs the job's handler and returns its
// result; each step around it may end the delivery early or translate what the inner steps
// return. The outermost step's error is what asynq gets.
type step func(ctx context.Context, d *delivery) (result any, err error)

// middleware wraps a step in another, like asynq's MiddlewareFunc and river's middleware.
type middleware func(next step) step

// chain composes the middlewares around h; the first one is the outermost.
func chain(h step, mws ...middleware) step {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// pipeline is the chain every task runs through: load its record, take the agency's slot,
// record the run, time it, recover from a panic, call the handler.
func (w *Worker) pipeline() step {
	return chain(w.dispatch, w.loadRecord, w.takeSlot, w.recordRun, w.measure, recoverPanic)
}

// process is the asynq handler of every task: it reads the delivery from the task and its
// context and runs it through the pipeline.
//
// Attempts. The relay gives a task asynq.MaxRetry(kind.MaxAttempts), one more than the job's
// retry budget, and recordRun itself decides when an attempt is the last, from the record's
// MaxAttempts. The spare asynq retry is headroom, never a run: it keeps a requeue (agency busy,
// database away) on the last attempt from being archived by asynq, and it lets a run that asynq
// ended itself (deadline, lost worker) be delivered once more, which closes the record or finds
// it closed. A worker killed during that very last delivery leaves the record RUNNING with its
// task archived: the sweeper (sweep.go) closes it.
func (w *Worker) process(ctx context.Context, task *asynq.Task) error {
	d, err := w.newDelivery(ctx, task)
	if err != nil {
		return err
	}
	_, err = w.pipeline()(ctx, d)
	return err
}

// newDelivery reads the job id from the task's payload and the retry counts from ctx.
func (w *Worker) newDelivery(ctx context.Context, task *asynq.Task) (*delivery, error) {
	typ := job.Type(task.Type())
	var p job.Payload
	if err := json.Unmarshal(task.Payload(), &p); err != nil || p.JobID == uuid.Nil {
		w.log.Error("worker: task without a job id", slog.String("type", string(typ)), slog.Any("error", err))
		return nil, fmt.Errorf("worker: %s task without a job id: %w", typ, asynq.SkipRetry)
	}
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	log := w.log.With(slog.String("job_id", p.JobID.String()), slog.String("type", string(typ)))
	return &delivery{jobID: p.JobID, typ: typ, retried: retried, last: retried >= maxRetry, log: log}, nil
}

// loadRecord loads the job's record and ends the delivery when there is nothing to run: the
// record is gone (its agency was deleted) or already final (a task relayed or delivered twice).
// A database error hands the task back without spending an attempt.
func (w *Worker) loadRecord(next step) step {
	return func(ctx context.Context, d *delivery) (any, error) {
		rec, err := job.Load(ctx, w.db, d.jobID)
		switch {
		case errors.Is(err, job.ErrNotFound):
			d.log.Warn("worker: task for a missing job record; dropped")
			return nil, nil
		case err != nil:
			d.log.Warn("worker: load job record; requeued", slog.Any("error", err))
			return nil, requeue(err)
		case rec.Finished():
			d.log.Info("worker: job already finished; task skipped", slog.String("status", string(rec.Status)))
			return nil, nil
		}
		d.rec = rec
		// The record counts attempts too: a job the sweeper requeued comes back as a new task
		// whose asynq retry count starts again at zero.
		d.attempt = max(d.retried, rec.Attempts) + 1
		d.log = d.log.With(slog.Int("attempt", d.attempt))
		return next(ctx, d)
	}
}

// takeSlot holds one of the agency's running slots while the inner steps run; when none is free
// the task is handed back without spending an attempt. Jobs without an agency are not bounded.
func (w *Worker) takeSlot(next step) step {
	return func(ctx context.Context, d *delivery) (any, error) {
		if d.rec.AgencyID == nil {
			return next(ctx, d)
		}
		lease, err := w.acquireSlot(ctx, *d.rec.AgencyID, d.last)
		if err != nil {
			if errors.Is(err, errAgencyBusy) {
				d.log.Debug("worker: agency at its concurrency bound; requeued")
			} else {
				d.log.Warn("worker: agency slot; requeued", slog.Any("error", err))
			}
			return nil, requeue(err)
		}
		defer lease.release()
		return next(ctx, d)
	}
}

// measure times the inner steps and observes the duration by job type.
func (w *Worker) measure(next step) step {
	return func(ctx context.Context, d *delivery) (any, error) {
		began := time.Now()
		result, err := next(ctx, d)
		d.elapsed = time.Since(began)
		w.metrics.duration.WithLabelValues(string(d.typ)).Observe(d.elapsed.Seconds())
		return result, err
	}
}

// recoverPanic turns a panic of the inner steps into an error, so that the run is recorded as a
// failed attempt instead of taking the process down.
func recoverPanic(next step) step {
	return func(ctx context.Context, d *delivery) (result any, err error) {
		defer func() {
			if r := recover(); r != nil {
				d.log.Error("worker: handler panicked", slog.Any("panic", r), slog.String("stack", string(debug.Stack())))
				result, err = nil, fmt.Errorf("worker: handler panicked: %v", r)
			}
		}()
		return next(ctx, d)
	}
}

// dispatch calls the handler registered for the record's job type.
func (w *Worker) dispatch(ctx context.Context, d *delivery) (any, error) {
	h := w.handler(d.rec.Type)
	if h == nil {
		return nil, fmt.Errorf("worker: no handler for job type %s", d.rec.Type)
	}
	return h(ctx, d.rec)
}
