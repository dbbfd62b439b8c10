package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// ErrFinished is returned when a run is started for a job whose record is already final, e.g. a
// task relayed twice after a crash: the worker then skips it.
var ErrFinished = errors.New("job: already finished")

// ErrTransition is returned for a status change the job lifecycle does not allow.
var ErrTransition = errors.New("job: illegal status transition")

// transitions is the job lifecycle: the one place that says which status may follow which.
// RUNNING → RUNNING happens when a worker died mid-run and asynq hands the task out again.
var transitions = map[Status][]Status{
	StatusQueued:   {StatusRunning, StatusFailed},
	StatusRetrying: {StatusRunning, StatusFailed},
	StatusRunning:  {StatusRunning, StatusSucceeded, StatusFailed, StatusRetrying},
}

// CanTransition reports whether a job may move from one status to another.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// move changes a record's status under a row lock, checking the transition, and applies set.
func move(ctx context.Context, idb bun.IDB, id uuid.UUID, to Status, set func(q *bun.UpdateQuery) *bun.UpdateQuery) (*Record, error) {
	var out *Record
	err := idb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		rec := new(Record)
		if err := tx.NewSelect().Model(rec).Where("id = ?", id).For("UPDATE").Scan(ctx); err != nil {
			return fmt.Errorf("job: lock record: %w", err)
		}
		if rec.Finished() {
			return ErrFinished
		}
		if !CanTransition(rec.Status, to) {
			return fmt.Errorf("%w: %s → %s", ErrTransition, rec.Status, to)
		}
		q := tx.NewUpdate().Model(rec).WherePK().Set("status = ?", to).Set("updated_at = now()")
		q = set(q)
		if _, err := q.Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("job: update record: %w", err)
		}
		out = rec
		return nil
	})
	return out, err
}

// Start records that attempt number attempt (1-based) of a job is running.
func Start(ctx context.Context, idb bun.IDB, id uuid.UUID, attempt int) (*Record, error) {
	return move(ctx, idb, id, StatusRunning, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("attempts = ?", attempt).Set("started_at = now()").Set("finished_at = NULL")
	})
}

// Succeed records a finished run and its result (which must hold no secrets).
func Succeed(ctx context.Context, idb bun.IDB, id uuid.UUID, result any) (*Record, error) {
	raw, err := marshalOrNull(result)
	if err != nil {
		return nil, err
	}
	return move(ctx, idb, id, StatusSucceeded, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("result = ?", raw).Set("error = ''").Set("finished_at = now()")
	})
}

// Fail records a failed run: RETRYING when another attempt will follow, FAILED otherwise.
// errMsg is shown to users and must hold no secrets; addresses and host names are removed here
// (PublicError), and the caller logs the full error.
func Fail(ctx context.Context, idb bun.IDB, id uuid.UUID, errMsg string, retrying bool, result any) (*Record, error) {
	errMsg = PublicError(errMsg)
	to := StatusFailed
	if retrying {
		to = StatusRetrying
	}
	raw, err := marshalOrNull(result)
	if err != nil {
		return nil, err
	}
	if len(errMsg) > 2000 {
		errMsg = errMsg[:2000]
	}
	return move(ctx, idb, id, to, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		q = q.Set("error = ?", errMsg).Set("result = ?", raw)
		if !retrying {
			q = q.Set("finished_at = now()")
		}
		return q
	})
}

// ReportProgress stores a running job's progress (e.g. pages and users seen by a sync).
func ReportProgress(ctx context.Context, idb bun.IDB, id uuid.UUID, progress any) (*Record, error) {
	raw, err := json.Marshal(progress)
	if err != nil {
		return nil, fmt.Errorf("job: marshal progress: %w", err)
	}
	rec := new(Record)
	_, err = idb.NewUpdate().Model(rec).Where("id = ?", id).Where("status = ?", StatusRunning).
		Set("progress = ?", json.RawMessage(raw)).Set("updated_at = ?", time.Now()).Returning("*").Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("job: report progress: %w", err)
	}
	return rec, nil
}

func marshalOrNull(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("job: marshal result: %w", err)
	}
	return raw, nil
}
