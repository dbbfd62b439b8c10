package vault

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/job"
)

// RewrapJob is the REWRAP_VAULT handler: it resumes from the progress the last attempt
// reported and reports its own through report (the worker's ReportProgress), so that a retry
// does not start over.
func RewrapJob(idb bun.IDB, store *Store, report func(context.Context, any) error, logger *slog.Logger) func(context.Context, *job.Record, job.RewrapArgs) (any, error) {
	return func(ctx context.Context, rec *job.Record, _ job.RewrapArgs) (any, error) {
		var from RewrapProgress
		if len(rec.Progress) > 0 {
			_ = json.Unmarshal(rec.Progress, &from) // resume where the last attempt stopped
		}
		return RunRewrap(ctx, idb, store, from, DefaultRewrapBatch, func(p RewrapProgress) {
			if err := report(ctx, p); err != nil {
				logger.WarnContext(ctx, "rewrap progress", "error", err)
			}
		})
	}
}

// EnqueueRewrapIfNeeded enqueues one system-wide REWRAP_VAULT job when secrets are sealed under
// an older master key than keys' newest and no rewrap is already queued or running.
func EnqueueRewrapIfNeeded(ctx context.Context, idb bun.IDB, keys *Keyring) error {
	need, err := NeedsRewrap(ctx, idb, keys)
	if err != nil || !need {
		return err
	}
	active, err := job.CountUnfinished(ctx, idb, job.TypeRewrapVault)
	if err != nil || active > 0 {
		return err
	}
	_, err = job.Enqueue(ctx, idb, job.Spec{Input: job.RewrapArgs{ToKey: keys.CurrentID()}})
	return err
}
