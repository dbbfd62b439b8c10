package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/tenant"
)

// ErrFinished is returned when a run is started for a job whose record is already final, e.g. a
// task relayed twice after a crash: the worker then skips it.
var ErrFinished = errors.New("job: already finished")

// ErrTransition is returned for a status change the job lifecycle does not allow.
var ErrTransition = errors.New("job: illegal status transition")

// transitions is the job lifecycle: the one place that says which status may follow which.
// RUNNING → RUNNING happens when a worker died mid-run and asynq hands the task out again;
// QUEUED → QUEUED and RETRYING → RETRYING when the sweeper hands a job whose task asynq lost
// back to the relay (Requeue).
var transitions = map[Status][]Status{
	StatusQueued:   {StatusRunning, StatusFailed, StatusQueued},
	StatusRetrying: {StatusRunning, StatusFailed, StatusRetrying},
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

// change is one status change of a record, applied by move.
type change struct {
	to Status
	// check, when set, may refuse the change after the record is locked (before the
	// transition is checked: a record that moved on is reported as such).
	check func(rec *Record) error
	// set adds the change's columns to the UPDATE.
	set func(q *bun.UpdateQuery) *bun.UpdateQuery
	// then, when set, runs in the same transaction after the update.
	then func(ctx context.Context, tx bun.Tx, rec *Record) error
}

// move changes a record's status under a row lock, checking the transition, and applies c.
func move(ctx context.Context, idb bun.IDB, id uuid.UUID, c change) (*Record, error) {
	var out *Record
	err := idb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		rec := new(Record)
		err := tx.NewSelect().Model(rec).Where("id = ?", id).For("UPDATE").
			Comment(tenant.AllAgencies("the worker changes the job record its task names, by id")).Scan(ctx)
		if err != nil {
			return fmt.Errorf("job: lock record: %w", err)
		}
		if rec.Finished() {
			return ErrFinished
		}
		if c.check != nil {
			if err := c.check(rec); err != nil {
				return err
			}
		}
		if !CanTransition(rec.Status, c.to) {
			return fmt.Errorf("%w: %s → %s", ErrTransition, rec.Status, c.to)
		}
		q := c.set(update(tx, rec).Set("status = ?", c.to).Set("updated_at = now()"))
		if _, err := q.Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("job: update record: %w", err)
		}
		if c.then != nil {
			if err := c.then(ctx, tx, rec); err != nil {
				return err
			}
		}
		out = rec
		return nil
	})
	return out, err
}

// update starts the UPDATE of a record read by id: in its agency, or marked as a system job's.
func update(idb bun.IDB, rec *Record) *bun.UpdateQuery {
	if rec.AgencyID == nil {
		return idb.NewUpdate().Model(rec).WherePK().Comment(tenant.AllAgencies("a system job's record has no agency"))
	}
	return tenant.Agency(*rec.AgencyID).Update(idb, rec).WherePK()
}

// Start records that attempt number attempt (1-based) of a job is running.
func Start(ctx context.Context, idb bun.IDB, id uuid.UUID, attempt int) (*Record, error) {
	return move(ctx, idb, id, change{to: StatusRunning, set: func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("attempts = ?", attempt).Set("started_at = now()").Set("finished_at = NULL")
	}})
}

// Succeed records a finished run and its result (which must hold no secrets).
func Succeed(ctx context.Context, idb bun.IDB, id uuid.UUID, result any) (*Record, error) {
	raw, err := marshalOrNull(result)
	if err != nil {
		return nil, err
	}
	return move(ctx, idb, id, change{to: StatusSucceeded, set: func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("result = ?", raw).Set("error = ''").Set("finished_at = now()")
	}})
}

// Fail records a failed run: RETRYING when another attempt will follow, FAILED otherwise.
// errMsg is shown to users and must hold no secrets; addresses and host names are removed here
// (PublicError), and the caller logs the full error.
func Fail(ctx context.Context, idb bun.IDB, id uuid.UUID, errMsg string, retrying bool, result any) (*Record, error) {
	raw, err := marshalOrNull(result)
	if err != nil {
		return nil, err
	}
	return move(ctx, idb, id, failure(errMsg, retrying, raw))
}

// failure is the change of a failed run.
func failure(errMsg string, retrying bool, result json.RawMessage) change {
	errMsg = PublicError(errMsg)
	if len(errMsg) > 2000 {
		errMsg = errMsg[:2000]
	}
	c := change{to: StatusFailed}
	if retrying {
		c.to = StatusRetrying
	}
	c.set = func(q *bun.UpdateQuery) *bun.UpdateQuery {
		q = q.Set("error = ?", errMsg).Set("result = ?", result)
		if !retrying {
			q = q.Set("finished_at = now()")
		}
		return q
	}
	return c
}

// ErrChanged is returned by Abandon when the record moved on since the caller read it.
var ErrChanged = errors.New("job: record changed meanwhile")

// Running returns the RUNNING records of every agency not updated since before, oldest first,
// at most limit: the runs a sweeper checks for a lost worker.
func Running(ctx context.Context, idb bun.IDB, before time.Time, limit int) ([]Record, error) {
	var recs []Record
	err := idb.NewSelect().Model(&recs).Where("status = ?", StatusRunning).Where("updated_at < ?", before).
		OrderExpr("updated_at, id").Limit(int64(limit)).
		Comment(tenant.AllAgencies("the sweeper looks for lost runs in every agency")).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("job: list running: %w", err)
	}
	return recs, nil
}

// Stalled returns the QUEUED and RETRYING records of every agency not updated since before
// whose outbox rows have all been relayed, oldest first, at most limit: the jobs asynq should
// hold a task of, which a sweeper checks for a task lost (deleted by hand, or gone with Redis's
// data). A job whose row waits in the outbox (the relay is behind, or it is scheduled) is not
// one of them.
func Stalled(ctx context.Context, idb bun.IDB, before time.Time, limit int) ([]Record, error) {
	var recs []Record
	err := idb.NewSelect().Model(&recs).
		Where("status IN (?)", bun.List([]Status{StatusQueued, StatusRetrying})).Where("updated_at < ?", before).
		Where("NOT EXISTS (SELECT 1 FROM outbox AS o WHERE o.job_id = ?TableAlias.id AND o.relayed_at IS NULL)").
		OrderExpr("updated_at, id").Limit(int64(limit)).
		Comment(tenant.AllAgencies("the sweeper looks for lost tasks in every agency")).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("job: list stalled: %w", err)
	}
	return recs, nil
}

// Abandon closes a run whose worker was lost and whose task will not be delivered again: the
// record, still RUNNING and unchanged since the caller read it (seen), becomes RETRYING with a
// new outbox row when attempts remain, FAILED otherwise, with errMsg (no secrets) as its error.
// A record that changed since (its run went on after all) is left alone: ErrChanged.
func Abandon(ctx context.Context, idb bun.IDB, seen *Record, errMsg string) (*Record, error) {
	retrying := seen.Attempts < seen.MaxAttempts
	c := failure(errMsg, retrying, nil)
	c.check = unchangedSince(seen)
	if retrying {
		c.then = relayAgain
	}
	return move(ctx, idb, seen.ID, c)
}

// Requeue hands a job whose task asynq no longer holds (deleted by hand, or lost with Redis's
// data) back to the relay: the record, still QUEUED or RETRYING and unchanged since the caller
// read it (seen), keeps its status and gets a new outbox row. A record that changed since (its
// task was delivered after all) is left alone: ErrChanged.
func Requeue(ctx context.Context, idb bun.IDB, seen *Record) (*Record, error) {
	return move(ctx, idb, seen.ID, change{
		to:    seen.Status,
		check: unchangedSince(seen),
		set:   func(q *bun.UpdateQuery) *bun.UpdateQuery { return q },
		then:  relayAgain,
	})
}

// unchangedSince refuses a change to a record that moved on since the caller read it (seen).
func unchangedSince(seen *Record) func(rec *Record) error {
	return func(rec *Record) error {
		if rec.Status != seen.Status || rec.Attempts != seen.Attempts || !rec.UpdatedAt.Equal(seen.UpdatedAt) {
			return ErrChanged
		}
		return nil
	}
}

// relayAgain writes a new outbox row for rec in tx, so that the relay hands it to asynq again.
func relayAgain(ctx context.Context, tx bun.Tx, rec *Record) error {
	row, err := outboxRow(rec, time.Time{})
	if err != nil {
		return err
	}
	if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
		return fmt.Errorf("job: insert outbox row: %w", err)
	}
	return nil
}

// ReportProgress stores a running job's progress (e.g. pages and users seen by a sync).
func ReportProgress(ctx context.Context, idb bun.IDB, id uuid.UUID, progress any) (*Record, error) {
	raw, err := json.Marshal(progress)
	if err != nil {
		return nil, fmt.Errorf("job: marshal progress: %w", err)
	}
	rec := new(Record)
	_, err = idb.NewUpdate().Model(rec).Where("id = ?", id).Where("status = ?", StatusRunning).
		Comment(tenant.AllAgencies("the worker reports the progress of the job its task names, by id")).
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
