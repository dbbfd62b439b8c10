package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/job"
)

// errRequeue marks an error that hands the task back to asynq without spending an attempt:
// asynq's IsFailure says no, so its retry counter stays, and the job record was not started.
var errRequeue = errors.New("worker: requeued")

// errAgencyBusy means the task's agency already runs PerAgencyConcurrency tasks.
var errAgencyBusy = errors.New("worker: agency at its concurrency bound")

type requeueError struct{ err error }

func (e requeueError) Error() string   { return e.err.Error() }
func (e requeueError) Unwrap() []error { return []error{e.err, errRequeue} }

// requeue wraps err so that the task is tried again soon without counting as a failed attempt.
func requeue(err error) error { return requeueError{err: err} }

// isFailure is asynq's IsFailure: a requeue is not a failure.
func isFailure(err error) bool { return err != nil && !errors.Is(err, errRequeue) }

// retryDelay is asynq's RetryDelayFunc: a requeue comes back after about BusyRetryDelay, a failed
// attempt after Config.RetryDelay. A task whose worker died under it (asynq's recoverer hands
// it back with ErrLeaseExpired, a minute or two after the crash) comes back as soon as a
// requeue: the job did not fail, its process did, and it has waited long enough already. It
// still counts as an attempt, so a task that kills every worker that runs it is not retried
// forever: asynq archives it once its retries are spent.
func (w *Worker) retryDelay(n int, err error, t *asynq.Task) time.Duration {
	if errors.Is(err, errRequeue) || errors.Is(err, asynq.ErrLeaseExpired) {
		d := w.cfg.BusyRetryDelay
		return d + rand.N(d+1)
	}
	return w.cfg.RetryDelay(n, err, t)
}

// recordRun is the job-recording middleware: it records the run as started (RUNNING, with its
// attempt number) and publishes it, runs the inner steps with the run's state in their context
// (for ReportProgress and Logger), then records and publishes how the run ended. It answers
// asynq: nil once the job is done or skipped, an error for asynq to retry, or one wrapping
// asynq.SkipRetry when the attempt was the last.
func (w *Worker) recordRun(next step) step {
	return func(ctx context.Context, d *delivery) (any, error) {
		if run, err := w.start(ctx, d); !run {
			return nil, err
		}
		st := &runState{w: w, rec: d.rec, log: d.log}
		result, runErr := next(context.WithValue(ctx, runKey{}, st), d)
		st.flush(ctx)
		if runErr == nil {
			return nil, w.succeed(ctx, d, result)
		}
		return nil, w.fail(ctx, d, runErr)
	}
}

// start records the run as started. It reports false when the run must not go on, with the
// error for asynq (nil when the job turned out to be finished already).
func (w *Worker) start(ctx context.Context, d *delivery) (bool, error) {
	wctx, cancel := recordContext(ctx)
	rec, err := job.Start(wctx, w.db, d.jobID, d.attempt)
	cancel()
	switch {
	case errors.Is(err, job.ErrFinished):
		d.log.Info("worker: job already finished; task skipped")
		return false, nil
	case errors.Is(err, job.ErrTransition):
		d.log.Error("worker: cannot start job", slog.Any("error", err))
		return false, fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	case err != nil:
		d.log.Warn("worker: start job record; requeued", slog.Any("error", err))
		return false, requeue(err)
	}
	d.rec = rec
	w.publish(ctx, rec, d.log)
	d.log.Info("worker: job running")
	return true, nil
}

// succeed records a successful run and its result.
func (w *Worker) succeed(ctx context.Context, d *delivery, result any) error {
	wctx, cancel := recordContext(ctx)
	done, err := job.Succeed(wctx, w.db, d.rec.ID, result)
	cancel()
	if err != nil {
		if errors.Is(err, job.ErrFinished) {
			return nil
		}
		// The work is done but not recorded: let asynq retry, the idempotent handler will
		// find the work done.
		d.log.Error("worker: record success", slog.Any("error", err))
		return fmt.Errorf("worker: record success of %s: %w", d.rec.ID, err)
	}
	w.metrics.total.WithLabelValues(string(d.typ), string(job.StatusSucceeded)).Inc()
	w.publish(ctx, done, d.log)
	d.log.Info("worker: job succeeded", slog.Duration("elapsed", d.elapsed))
	return nil
}

// fail records a failed run: FAILED when it was the last attempt (a job.Permanent error, the
// record's budget spent, or asynq's), RETRYING otherwise, and tells asynq whether to retry.
func (w *Worker) fail(ctx context.Context, d *delivery, runErr error) error {
	final := errors.Is(runErr, job.ErrPermanent) || d.attempt >= d.rec.MaxAttempts || d.last
	msg := runErr.Error()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && errors.Is(runErr, context.DeadlineExceeded) {
		msg = fmt.Sprintf("timed out after %s", d.elapsed.Round(time.Millisecond))
	}
	wctx, cancel := recordContext(ctx)
	failed, err := job.Fail(wctx, w.db, d.rec.ID, msg, !final, nil)
	cancel()
	switch {
	case errors.Is(err, job.ErrFinished):
		return nil
	case err != nil:
		d.log.Error("worker: record failure", slog.Any("error", err))
	default:
		w.metrics.total.WithLabelValues(string(d.typ), string(failed.Status)).Inc()
		w.publish(ctx, failed, d.log)
	}
	if final {
		d.log.Warn("worker: job failed", slog.Any("error", runErr), slog.Duration("elapsed", d.elapsed))
		return fmt.Errorf("%w: %w", runErr, asynq.SkipRetry)
	}
	d.log.Warn("worker: job attempt failed; will retry", slog.Any("error", runErr), slog.Duration("elapsed", d.elapsed))
	return runErr
}

// acquireSlot takes one of the agency's running slots. On the last delivery asynq allows
// (lastDelivery), a busy agency is waited for instead of answered with errAgencyBusy, because
// asynq archives a task whose retries are spent whatever IsFailure says.
func (w *Worker) acquireSlot(ctx context.Context, agencyID uuid.UUID, lastDelivery bool) (*lease, error) {
	for {
		l, err := w.limiter.acquire(ctx, agencyID)
		if err != nil || l != nil {
			return l, err
		}
		if !lastDelivery {
			return nil, errAgencyBusy
		}
		select {
		case <-ctx.Done():
			return nil, errAgencyBusy
		case <-time.After(busyPoll):
		}
	}
}

func recordContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
}

// publish sends rec as a TopicJobUpdated event. Jobs without an agency are not published: no
// tenant may see them. A failed publication is logged; the record is the truth.
func (w *Worker) publish(ctx context.Context, rec *job.Record, log *slog.Logger) {
	if w.events == nil || rec == nil || rec.AgencyID == nil {
		return
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	if err := event.Publish(pctx, w.events, *rec.AgencyID, string(rec.Type), *rec); err != nil {
		log.Warn("worker: publish job event", slog.Any("error", err))
	}
}

// runKey is the context key of the running job's runState.
type runKey struct{}

// runState is what a running handler's context carries: the job, its logger and the progress
// throttle.
type runState struct {
	w   *Worker
	rec *job.Record
	log *slog.Logger

	mu         sync.Mutex
	lastWrite  time.Time
	pending    json.RawMessage
	hasPending bool

	// writeMu keeps progress writes in the order they were decided.
	writeMu sync.Mutex
}

func runFrom(ctx context.Context) *runState {
	st, _ := ctx.Value(runKey{}).(*runState)
	return st
}

// ErrNoJob is returned by ReportProgress when ctx is not a job handler's context.
var ErrNoJob = errors.New("worker: not in a job run")

// ReportProgress stores a running job's progress (e.g. pages and users seen by a sync) in its
// record and publishes the record, at most about twice a second per job: a call that comes
// sooner is kept and written by the next call that is allowed through, or when the handler
// returns, so the latest progress always lands. progress is marshalled to JSON at once and must
// hold no secrets. ctx must be (derived from) the handler's context.
func ReportProgress(ctx context.Context, progress any) error {
	st := runFrom(ctx)
	if st == nil {
		return ErrNoJob
	}
	raw, err := json.Marshal(progress)
	if err != nil {
		return fmt.Errorf("worker: marshal progress: %w", err)
	}
	st.mu.Lock()
	if time.Since(st.lastWrite) < progressInterval {
		st.pending, st.hasPending = raw, true
		st.mu.Unlock()
		return nil
	}
	st.lastWrite = time.Now()
	st.pending, st.hasPending = nil, false
	st.writeMu.Lock()
	st.mu.Unlock()
	defer st.writeMu.Unlock()
	return st.write(ctx, raw)
}

// flush writes progress kept back by the throttle.
func (st *runState) flush(ctx context.Context) {
	st.mu.Lock()
	if !st.hasPending {
		st.mu.Unlock()
		return
	}
	raw := st.pending
	st.pending, st.hasPending = nil, false
	st.lastWrite = time.Now()
	st.writeMu.Lock()
	st.mu.Unlock()
	defer st.writeMu.Unlock()
	if err := st.write(ctx, raw); err != nil {
		st.log.Warn("worker: write progress", slog.Any("error", err))
	}
}

func (st *runState) write(ctx context.Context, raw json.RawMessage) error {
	wctx, cancel := recordContext(ctx)
	defer cancel()
	rec, err := job.ReportProgress(wctx, st.w.db, st.rec.ID, raw)
	if err != nil {
		return err
	}
	if rec.ID != uuid.Nil { // no row means the job is no longer running: nothing to publish
		st.w.publish(ctx, rec, st.log)
	}
	return nil
}

// Logger returns the logger of the job a handler runs (with job_id, type and attempt), or
// slog.Default() outside a job.
func Logger(ctx context.Context) *slog.Logger {
	if st := runFrom(ctx); st != nil {
		return st.log
	}
	return slog.Default()
}
