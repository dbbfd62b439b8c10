package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
)

// Relay moves outbox rows, committed with the state changes that need them, to asynq. Nothing is
// lost while Redis is away: a row leaves the outbox (relayed_at is set) only once asynq has the
// task. Nothing runs twice either: rows are claimed with FOR UPDATE SKIP LOCKED, so concurrent
// relays (one per worker replica) take disjoint rows, and the task id is the job id, so a row
// relayed again after a crash between enqueue and commit meets asynq.ErrTaskIDConflict, which
// counts as done. (Should the first task have finished and left Redis already, the second one
// finds the job record final and runs no handler.)
type Relay struct {
	db     *bun.DB
	client *asynq.Client
	log    *slog.Logger
	batch  int
}

// NewRelay returns a relay that moves outbox rows of bdb to client, at most DefaultRelayBatch
// rows a pass. A nil logger means slog.Default().
func NewRelay(bdb *bun.DB, client *asynq.Client, logger *slog.Logger) *Relay {
	if logger == nil {
		logger = slog.Default()
	}
	return &Relay{db: bdb, client: client, log: logger.With(slog.String("component", "relay")), batch: DefaultRelayBatch}
}

// RunOnce relays one batch of due outbox rows and returns how many it relayed. Rows due within
// the next second are relayed too, with asynq.ProcessAt; rows due later wait in Postgres. When
// an enqueue fails, the row's attempts and last_error record why, the row stays for the next
// pass, and RunOnce returns the rows relayed so far with the error; when Redis does not answer a
// ping after the failure, the rest of the batch waits too.
func (r *Relay) RunOnce(ctx context.Context) (int, error) {
	var relayed int
	var enqueueErr error
	err := db.InTx(ctx, r.db, func(ctx context.Context, tx bun.Tx) error {
		relayed, enqueueErr = 0, nil
		var rows []job.OutboxRow
		err := tx.NewSelect().Model(&rows).
			Comment(tenant.AllAgencies("the outbox relay moves every agency's jobs to asynq")).
			Where("relayed_at IS NULL").
			Where("(process_at IS NULL OR process_at <= now() + interval '1 second')").
			OrderExpr("id").Limit(int64(r.batch)).
			For("UPDATE SKIP LOCKED").
			Scan(ctx)
		if err != nil {
			return fmt.Errorf("worker: claim outbox rows: %w", err)
		}
		done := make([]int64, 0, len(rows))
		for i := range rows {
			row := &rows[i]
			if err := r.enqueue(ctx, row); err != nil {
				enqueueErr = errors.Join(enqueueErr, fmt.Errorf("worker: relay outbox row %d (job %s): %w", row.ID, row.JobID, err))
				_, uerr := tx.NewUpdate().Model((*job.OutboxRow)(nil)).
					Set("attempts = attempts + 1").Set("last_error = ?", truncate(err.Error(), 1000)).
					Where("id = ?", row.ID).Exec(ctx)
				if uerr != nil {
					return fmt.Errorf("worker: record outbox failure: %w", uerr)
				}
				if perr := r.client.Ping(); perr != nil {
					break // Redis is away: the rest of the batch waits for the next pass.
				}
				continue // a problem of this row alone
			}
			done = append(done, row.ID)
		}
		if len(done) > 0 {
			_, err := tx.NewUpdate().Model((*job.OutboxRow)(nil)).
				Set("relayed_at = now()").
				Where("id IN (?)", bun.List(done)).Exec(ctx)
			if err != nil {
				return fmt.Errorf("worker: mark outbox rows relayed: %w", err)
			}
		}
		relayed = len(done)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return relayed, enqueueErr
}

// enqueue hands one outbox row to asynq. An existing task with the job's id means an earlier
// pass enqueued it already.
func (r *Relay) enqueue(ctx context.Context, row *job.OutboxRow) error {
	kind, ok := job.Kinds[job.Type(row.TaskType)]
	if !ok {
		return fmt.Errorf("%w: %q", job.ErrUnknownType, row.TaskType)
	}
	opts := []asynq.Option{
		asynq.TaskID(row.JobID.String()),
		asynq.Queue(row.Queue),
		// One spare retry beyond the job's budget: see Worker.process.
		asynq.MaxRetry(kind.MaxAttempts),
		asynq.Timeout(kind.Timeout),
	}
	if row.ProcessAt != nil {
		opts = append(opts, asynq.ProcessAt(*row.ProcessAt))
	}
	ectx, cancel := context.WithTimeout(ctx, relayEnqueueTimeout)
	defer cancel()
	_, err := r.client.EnqueueContext(ectx, asynq.NewTask(row.TaskType, row.Payload), opts...)
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return err
	}
	return nil
}

// Run relays every interval until ctx is done. A full batch is followed at once by another pass;
// failures are logged and back off up to a few seconds.
func (r *Relay) Run(ctx context.Context, every time.Duration) {
	wait := every
	for {
		pctx, cancel := context.WithTimeout(ctx, relayPassTimeout)
		n, err := r.RunOnce(pctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			r.log.Warn("worker: relay pass failed", slog.Int("relayed", n), slog.Any("error", err))
			wait = min(max(wait*2, every), max(relayMaxBackoff, every))
		case n >= r.batch:
			wait = 0
		default:
			wait = every
		}
		if n > 0 {
			r.log.Debug("worker: relayed outbox rows", slog.Int("count", n))
		}
		if wait == 0 {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
