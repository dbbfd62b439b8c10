package db

import (
	"context"

	"github.com/uptrace/bun"
)

// afterCommitKey carries, in the context of a transaction InTx runs, the work to do once it
// commits.
type afterCommitKey struct{}

// afterCommit is the work one transaction has left for after its commit, in the order it was
// registered.
type afterCommit struct{ fns []func(context.Context) }

// AfterCommit runs fn once the transaction whose context ctx is (one InTx started) commits, and
// never if it rolls back: announcements (events, notifications on the bus) of a change made
// inside a transaction, wherever in the call chain the change was made. Work registered inside
// a nested InTx (a savepoint) waits for the outermost commit. Outside any InTx, fn runs at once:
// the change it announces is already committed.
func AfterCommit(ctx context.Context, fn func(context.Context)) {
	if ac, ok := ctx.Value(afterCommitKey{}).(*afterCommit); ok {
		ac.fns = append(ac.fns, fn)
		return
	}
	fn(ctx)
}

// inTxWithAfterCommit runs fn like InTx and then hands what fn registered with AfterCommit to
// the enclosing transaction (a savepoint's work waits for the real commit) or runs it.
func inTxWithAfterCommit(ctx context.Context, idb bun.IDB, run func(context.Context) error) error {
	ac := &afterCommit{}
	if err := run(context.WithValue(ctx, afterCommitKey{}, ac)); err != nil {
		return err
	}
	if parent, ok := ctx.Value(afterCommitKey{}).(*afterCommit); ok {
		switch idb.(type) {
		case bun.Tx, *bun.Tx:
			parent.fns = append(parent.fns, ac.fns...)
			return nil
		}
	}
	// The caller's context, as when it announced after commit itself: an operation's deadline
	// bounds its announcements too.
	for _, fn := range ac.fns {
		fn(ctx)
	}
	return nil
}
