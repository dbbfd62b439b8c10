package vault

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/tenant"
)

// DefaultRewrapBatch is how many secrets one RewrapBatch transaction moves when RunRewrap is
// given no batch size: small enough that each transaction holds its row locks briefly.
const DefaultRewrapBatch = 100

// ErrRewrapBusy is returned by RunRewrap when secrets still need the newest key but every one
// of them stayed locked by others (another rewrap run, a credentials update) through several
// waits. Nothing is wrong; a later attempt finishes the work.
var ErrRewrapBusy = errors.New("vault: rewrap: remaining secrets are locked by another run")

// rewrapWaits bounds the waits for locked secrets before RunRewrap gives up with
// ErrRewrapBusy; the wait doubles from rewrapFirstWait each time.
const (
	rewrapWaits     = 8
	rewrapFirstWait = 25 * time.Millisecond
)

// RunRewrap is the body of the REWRAP_VAULT job: it moves every secret to the newest master
// key of store's keyring, one RewrapBatch transaction of batch secrets after another, and
// returns the totals. from is where an earlier attempt stopped (its last reported progress;
// the zero value starts afresh): the run continues after from.After and adds to its counts.
// progress, when not nil, is called after every batch with the running totals, to be stored
// in the job record so that a retried job resumes there.
//
// The run ends when no secret is left under an older key (Remaining == 0). Secrets behind the
// starting point — left by an earlier attempt, or sealed meanwhile under an older key by a
// process that does not know the newest key yet — are picked up by starting again from the
// lowest id. Runs may overlap safely: RewrapBatch locks the rows it moves and skips rows
// locked by others, each secret's change commits once, and a secret already under the newest
// key is left alone. If only locked secrets remain, RunRewrap waits a little for them and
// returns ErrRewrapBusy when they stay locked. It stops between batches when ctx is done.
func RunRewrap(ctx context.Context, idb bun.IDB, store *Store, from RewrapProgress, batch int, progress func(RewrapProgress)) (RewrapProgress, error) {
	if batch <= 0 {
		batch = DefaultRewrapBatch
	}
	total := from
	// passFromStart says whether the current pass began at the lowest id; passExamined counts
	// what it has moved so far.
	passFromStart, passExamined := from.After == uuid.Nil, 0
	waits, wait := 0, rewrapFirstWait
	for {
		if err := ctx.Err(); err != nil {
			return total, fmt.Errorf("vault: rewrap: %w", err)
		}
		p, err := store.RewrapBatch(ctx, idb, total.After, batch)
		if err != nil {
			return total, err
		}
		total.After = p.After
		total.Examined += p.Examined
		total.Rewrapped += p.Rewrapped
		total.Remaining = p.Remaining
		passExamined += p.Examined
		if progress != nil {
			progress(total)
		}
		if total.Remaining == 0 {
			return total, nil
		}
		if p.Examined == batch {
			continue
		}
		// The pass reached the end of the ids with secrets left: they lie behind it, or
		// another transaction holds them. A whole pass that found nothing means the latter.
		if passFromStart && passExamined == 0 {
			if waits == rewrapWaits {
				return total, ErrRewrapBusy
			}
			waits++
			select {
			case <-ctx.Done():
				return total, fmt.Errorf("vault: rewrap: %w", ctx.Err())
			case <-time.After(wait):
			}
			wait *= 2
		} else if passExamined > 0 {
			waits, wait = 0, rewrapFirstWait
		}
		total.After, passFromStart, passExamined = uuid.Nil, true, 0
	}
}

// NeedsRewrap reports whether any secret is wrapped by a master key other than keys' newest:
// true after a new key was configured, until a rewrap run has finished.
func NeedsRewrap(ctx context.Context, idb bun.IDB, keys *Keyring) (bool, error) {
	current := keys.CurrentID()
	// Two range conditions instead of "<>" let secrets_key_id_idx (key_id, id) answer
	// without reading every row that is already current.
	// Exists() would drop the comment: EXISTS is selected as a column instead.
	old := idb.NewSelect().Model((*secretRow)(nil)).ColumnExpr("1").Where("key_id < ? OR key_id > ?", current, current)
	var exists bool
	err := idb.NewSelect().ColumnExpr("EXISTS (?)", old).Comment(tenant.AllAgencies("key rotation: any agency's secret under an old key")).Scan(ctx, &exists)
	if err != nil {
		return false, fmt.Errorf("vault: needs rewrap: %w", err)
	}
	return exists, nil
}
