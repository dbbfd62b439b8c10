package vault_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/testenv"
	"github.com/accesshive/accesshive/internal/vault"
)

// rewrapBundle is a database holding n secrets sealed under k1, and stores for the keyrings
// [k1, k2] (the rotation in progress) and [k2] (once the old key is gone).
type rewrapBundle struct {
	db       *bun.DB
	agencyID uuid.UUID
	// owners are the secrets' owners in secret-id order.
	owners   []uuid.UUID
	both     *vault.Store
	onlyNew  *vault.Store
	bothKeys *vault.Keyring
	oldKeys  *vault.Keyring
}

func rewrapSetup(t *testing.T, n int) rewrapBundle {
	t.Helper()
	ctx := context.Background()
	bdb := testenv.DB(t)
	ag, err := agency.Create(ctx, bdb, "Vault Agency")
	require.NoError(t, err)
	k1, k2 := newKey(t, "k1"), newKey(t, "k2")
	b := rewrapBundle{
		db: bdb, agencyID: ag.ID,
		oldKeys: newKeyring(t, k1), bothKeys: newKeyring(t, k1, k2),
	}
	b.both, b.onlyNew = vault.NewStore(b.bothKeys), vault.NewStore(newKeyring(t, k2))
	old := vault.NewStore(b.oldKeys)
	for range n {
		owner := uuid.New()
		require.NoError(t, old.Put(ctx, bdb, ag.ID, owner, vault.PurposeCredentials, plaintextOf(owner)))
	}
	require.NoError(t, bdb.NewSelect().Table("secrets").Comment(tenant.AllAgencies("test inspects rows")).Column("owner_id").OrderExpr("id").Scan(ctx, &b.owners))
	require.Len(t, b.owners, n)
	return b
}

func plaintextOf(owner uuid.UUID) []byte {
	return []byte(`{"password":"secret-of-` + owner.String() + `"}`)
}

func (b rewrapBundle) secretIDs(t *testing.T) []uuid.UUID {
	t.Helper()
	var ids []uuid.UUID
	require.NoError(t, b.db.NewSelect().Table("secrets").Comment(tenant.AllAgencies("test inspects rows")).Column("id").OrderExpr("id").Scan(context.Background(), &ids))
	return ids
}

func (b rewrapBundle) keyCounts(t *testing.T) map[string]int {
	t.Helper()
	var rows []struct {
		KeyID string `bun:"key_id"`
		N     int    `bun:"n"`
	}
	require.NoError(t, b.db.NewSelect().Table("secrets").Comment(tenant.AllAgencies("test inspects rows")).ColumnExpr("key_id, count(*) AS n").GroupExpr("key_id").Scan(context.Background(), &rows))
	out := map[string]int{}
	for _, r := range rows {
		out[r.KeyID] = r.N
	}
	return out
}

// requireAllOpenWithNewKeyOnly checks that every secret is under k2 and opens, intact, with a
// keyring that no longer holds k1.
func (b rewrapBundle) requireAllOpenWithNewKeyOnly(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	require.Equal(t, map[string]int{"k2": len(b.owners)}, b.keyCounts(t))
	for _, owner := range b.owners {
		pt, err := b.onlyNew.Get(ctx, b.db, b.agencyID, owner, vault.PurposeCredentials)
		require.NoError(t, err)
		require.Equal(t, plaintextOf(owner), pt)
	}
	need, err := vault.NeedsRewrap(ctx, b.db, b.bothKeys)
	require.NoError(t, err)
	require.False(t, need)
}

func TestRunRewrapInBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := rewrapSetup(t, 5)

	need, err := vault.NeedsRewrap(ctx, b.db, b.oldKeys)
	require.NoError(t, err)
	require.False(t, need, "every secret is under the old keyring's newest key")
	need, err = vault.NeedsRewrap(ctx, b.db, b.bothKeys)
	require.NoError(t, err)
	require.True(t, need)

	var reports []vault.RewrapProgress
	got, err := vault.RunRewrap(ctx, b.db, b.both, vault.RewrapProgress{}, 2, func(p vault.RewrapProgress) { reports = append(reports, p) })
	require.NoError(t, err)
	require.Len(t, reports, 3)
	for i, want := range []struct{ examined, remaining int }{{2, 3}, {4, 1}, {5, 0}} {
		require.Equal(t, want.examined, reports[i].Examined, "report %d", i)
		require.Equal(t, want.examined, reports[i].Rewrapped, "report %d", i)
		require.Equal(t, want.remaining, reports[i].Remaining, "report %d", i)
	}
	ids := b.secretIDs(t)
	require.Equal(t, ids[1], reports[0].After)
	require.Equal(t, ids[3], reports[1].After)
	require.Equal(t, reports[2], got)
	b.requireAllOpenWithNewKeyOnly(t)

	// A second run finds nothing to do.
	reports = nil
	got, err = vault.RunRewrap(ctx, b.db, b.both, vault.RewrapProgress{}, 2, func(p vault.RewrapProgress) { reports = append(reports, p) })
	require.NoError(t, err)
	require.Zero(t, got.Rewrapped)
	require.Zero(t, got.Remaining)
	require.Len(t, reports, 1)
}

func TestRunRewrapResumes(t *testing.T) {
	t.Parallel()
	b := rewrapSetup(t, 7)

	// The first attempt stops after two batches (the job's context ends).
	ctx, cancel := context.WithCancel(context.Background())
	var last vault.RewrapProgress
	batches := 0
	stopped, err := vault.RunRewrap(ctx, b.db, b.both, vault.RewrapProgress{}, 2, func(p vault.RewrapProgress) {
		last = p
		if batches++; batches == 2 {
			cancel()
		}
	})
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, last, stopped)
	require.Equal(t, 4, stopped.Examined)
	require.Equal(t, 3, stopped.Remaining)
	require.Equal(t, b.secretIDs(t)[3], stopped.After)
	require.Equal(t, map[string]int{"k1": 3, "k2": 4}, b.keyCounts(t))

	// The retry continues after the midpoint and adds to the counts.
	var reports []vault.RewrapProgress
	done, err := vault.RunRewrap(context.Background(), b.db, b.both, stopped, 2, func(p vault.RewrapProgress) { reports = append(reports, p) })
	require.NoError(t, err)
	require.Len(t, reports, 2)
	require.Equal(t, 6, reports[0].Examined)
	require.Equal(t, 7, done.Examined)
	require.Equal(t, 7, done.Rewrapped)
	require.Zero(t, done.Remaining)
	b.requireAllOpenWithNewKeyOnly(t)
}

func TestRunRewrapFromMidwayPicksUpEarlierSecrets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := rewrapSetup(t, 6)
	// Resuming after the third secret when nothing was moved yet (e.g. secrets sealed under
	// the old key after an earlier attempt passed them): the run starts over for those.
	from := vault.RewrapProgress{After: b.secretIDs(t)[2]}
	var reports []vault.RewrapProgress
	done, err := vault.RunRewrap(ctx, b.db, b.both, from, 2, func(p vault.RewrapProgress) { reports = append(reports, p) })
	require.NoError(t, err)
	require.Equal(t, 6, done.Rewrapped)
	require.Zero(t, done.Remaining)
	require.Equal(t, 3, reports[len(reports)-3].Remaining, "after the first pass the three earlier secrets remain")
	b.requireAllOpenWithNewKeyOnly(t)
}

func TestRunRewrapConcurrentRuns(t *testing.T) {
	t.Parallel()
	b := rewrapSetup(t, 40)
	const runs = 4
	var wg sync.WaitGroup
	results := make([]vault.RewrapProgress, runs)
	errs := make([]error, runs)
	for i := range runs {
		wg.Go(func() {
			results[i], errs[i] = vault.RunRewrap(context.Background(), b.db, b.both, vault.RewrapProgress{}, 1+i%3, nil)
		})
	}
	wg.Wait()
	total := 0
	for i := range runs {
		require.NoError(t, errs[i], "run %d", i)
		require.Zero(t, results[i].Remaining)
		total += results[i].Rewrapped
	}
	// Each secret was moved by exactly one run.
	require.Equal(t, 40, total)
	b.requireAllOpenWithNewKeyOnly(t)
}

func TestRunRewrapWhileCredentialsChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := rewrapSetup(t, 20)
	// Credentials updated during the rewrap (sealed with the newest key by Put) stay intact.
	var wg sync.WaitGroup
	updated := map[uuid.UUID][]byte{}
	var putErr error
	wg.Go(func() {
		for i, owner := range b.owners {
			if i%2 == 0 {
				continue
			}
			pt := []byte(fmt.Sprintf(`{"password":"updated-%d"}`, i))
			if putErr = b.both.Put(ctx, b.db, b.agencyID, owner, vault.PurposeCredentials, pt); putErr != nil {
				return
			}
			updated[owner] = pt
		}
	})
	_, err := vault.RunRewrap(ctx, b.db, b.both, vault.RewrapProgress{}, 3, nil)
	wg.Wait()
	require.NoError(t, err)
	require.NoError(t, putErr)
	require.Equal(t, map[string]int{"k2": 20}, b.keyCounts(t))
	for _, owner := range b.owners {
		pt, err := b.onlyNew.Get(ctx, b.db, b.agencyID, owner, vault.PurposeCredentials)
		require.NoError(t, err)
		want, ok := updated[owner]
		if !ok {
			want = plaintextOf(owner)
		}
		require.Equal(t, want, pt)
	}
}

func TestRunRewrapUnknownKeyFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := rewrapSetup(t, 3)
	// A secret under a key the keyring does not hold cannot be moved: the run fails and says
	// so without touching the others' data.
	_, err := b.db.NewUpdate().Table("secrets").Comment(tenant.AllAgencies("test inspects rows")).Set("key_id = 'k0'").Where("id = ?", b.secretIDs(t)[1]).Exec(ctx)
	require.NoError(t, err)
	_, err = vault.RunRewrap(ctx, b.db, b.both, vault.RewrapProgress{}, 10, nil)
	require.ErrorIs(t, err, vault.ErrUnknownKey)
	require.False(t, errors.Is(err, vault.ErrRewrapBusy))
	// The failing batch rolled back as a whole.
	require.Equal(t, map[string]int{"k0": 1, "k1": 2}, b.keyCounts(t))
}
