package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/testenv"
	"github.com/accesshive/accesshive/internal/vault"
)

const (
	revealOp = `mutation($id:ID!){ revealCredentials(identityId:$id){ fields { name value } } }`
	updateOp = `mutation($in: UpdateCredentialsInput!){ updateCredentials(input:$in){ id } }`
)

// secretOf is the password of version v of identity i; readers parse both numbers back.
func secretOf(i, v int) string { return fmt.Sprintf("pw-%05d-v%06d", i, v) }

func parseSecret(s string) (i, v int, ok bool) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 || parts[0] != "pw" || !strings.HasPrefix(parts[2], "v") {
		return 0, 0, false
	}
	i, err1 := strconv.Atoi(parts[1])
	v, err2 := strconv.Atoi(parts[2][1:])
	return i, v, err1 == nil && err2 == nil
}

// TestMasterKeyRotationUnderLoad rotates the vault's master key the documented way while
// members reveal and an admin updates credentials without pause through two API replicas,
// and a reader in the test opens every secret straight from the database in a loop:
//
//  1. every process runs with k1;
//  2. k2 is added as a known but not yet sealing key ("k2,k1"), replica by replica;
//  3. k2 becomes the sealing key ("k1,k2"), replica by replica, worker too;
//  4. a REWRAP_VAULT job moves every secret to k2; the worker is SIGKILLed in the middle of it
//     and started again, and the job resumes from its recorded progress and completes;
//  5. k1 is dropped ("k2") everywhere.
//
// Throughout, every reveal must answer the identity's own password at a version no older than
// the last update confirmed before the reveal began, and every secret in the database must
// open with the keys that some running process holds. At the end every secret is under k2 and
// every identity reveals its last password with k2 alone.
func TestMasterKeyRotationUnderLoad(t *testing.T) {
	t.Parallel()
	nIdent := envInt("CHAOS_KEY_IDENTITIES", 2000)
	e := NewEnv(t)
	ks := Keys(t, "k1", "k2")
	k1, k2 := ks[0], ks[1]
	only1, known2, seal2, only2 := KeySpec(k1), KeySpec(k2, k1), KeySpec(k1, k2), KeySpec(k2)
	apiA := e.StartAPI("api-a", only1)
	apiB := e.StartAPI("api-b", only1)
	worker := e.StartWorker("worker", only1)
	ctx := context.Background()

	// Identities sealed under k1, created in the test process (the setup is not under test).
	ring1, err := vault.NewKeyring([]vault.MasterKey{k1})
	require.NoError(t, err)
	owner := e.Seed.UsersByEmail["owner@demo.test"]
	svc := identity.NewService(e.DB, vault.NewStore(ring1), &testenv.Events{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ids := make([]uuid.UUID, nIdent)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 6)
	for i := range ids {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ident, err := svc.Create(ctx, testenv.ActorOf(owner), identity.CreateInput{
				Platform: "META_ADS", Type: identity.TypeExternalLogin, DisplayName: fmt.Sprintf("Rotation %05d", i),
				Username: fmt.Sprintf("user-%05d@example.test", i), Password: secretOf(i, 0),
			})
			if err != nil {
				t.Errorf("create identity %d: %v", i, err)
				return
			}
			ids[i] = ident.ID
		}()
	}
	wg.Wait()
	require.False(t, t.Failed())

	// Reveals are limited to 30 a minute per user: readers are many members.
	const readers = 12
	var members []string
	require.NoError(t, e.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for r := 0; r < readers; r++ {
			email := fmt.Sprintf("reader%02d@demo.test", r)
			if _, err := auth.CreateSeedUser(ctx, tx, e.Seed.Demo.ID, auth.NewUser{Email: email, Name: email, Password: demo.Password, Role: auth.RoleMember}); err != nil {
				return err
			}
			members = append(members, email)
		}
		return nil
	}))

	// confirmed[i] is the newest version of identity i whose update was answered.
	hot := 40 // identities that are updated; readers favour them
	confirmed := make([]atomic.Int64, nIdent)
	apis := []*Proc{apiA, apiB}
	stop := make(chan struct{})
	var reveals, updates, transportErrs, dbReads atomic.Int64
	var loadWG sync.WaitGroup
	failf := func(format string, args ...any) { t.Errorf(format, args...) }

	// Every session is opened before the first restart.
	readerSessions := make([]*Client, len(members))
	for r, email := range members {
		readerSessions[r] = MustLogin(t, apis[r%2].URL(), email)
	}
	updaterSessions := []*Client{MustLogin(t, apiA.URL(), "admin@demo.test"), MustLogin(t, apiB.URL(), "admin@demo.test")}
	for r := range members {
		loadWG.Add(1)
		go func() {
			defer loadWG.Done()
			c := readerSessions[r]
			tick := time.NewTicker(2100 * time.Millisecond) // under 30 a minute
			defer tick.Stop()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				i := rand.IntN(hot)
				if n%3 == 0 {
					i = rand.IntN(nIdent)
				}
				floor := confirmed[i].Load()
				res, err := c.Session(apis[(r+n)%2].URL()).Do(ctx, revealOp, map[string]any{"id": ids[i]})
				if err != nil {
					transportErrs.Add(1) // a replica restarting
					continue
				}
				var out struct {
					RevealCredentials struct {
						Fields []struct{ Name, Value string }
					}
				}
				if err := res.Decode(&out); err != nil {
					failf("reveal of identity %d failed: %v", i, err)
					continue
				}
				var pw string
				for _, f := range out.RevealCredentials.Fields {
					if f.Name == "password" {
						pw = f.Value
					}
				}
				gi, gv, ok := parseSecret(pw)
				switch {
				case !ok || gi != i:
					failf("reveal of identity %d answered %q", i, pw)
				case int64(gv) < floor:
					failf("reveal of identity %d answered version %d, older than the confirmed %d", i, gv, floor)
				}
				reveals.Add(1)
			}
		}()
	}
	for u := 0; u < 2; u++ {
		loadWG.Add(1)
		go func() {
			defer loadWG.Done()
			c := updaterSessions[u]
			for n := 1; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				i := u + 2*rand.IntN(hot/2) // each updater owns half the hot identities
				v := int(confirmed[i].Load()) + 1
				res, err := c.Session(apis[n%2].URL()).Do(ctx, updateOp, map[string]any{"in": map[string]any{"identityId": ids[i], "password": secretOf(i, v)}})
				if err != nil {
					transportErrs.Add(1)
					// Unknown outcome: the version may or may not have committed. Readers accept
					// any version at or above the confirmed one, so nothing changes here.
					time.Sleep(50 * time.Millisecond)
					continue
				}
				if err := res.Err(); err != nil {
					failf("update of identity %d: %v", i, err)
					continue
				}
				confirmed[i].Store(int64(v))
				updates.Add(1)
				time.Sleep(time.Duration(20+rand.IntN(60)) * time.Millisecond)
			}
		}()
	}
	// The database reader holds every key: it proves that no row is ever torn (a wrap that
	// matches no key, a ciphertext that no longer opens) whatever the API processes know.
	ringAll, err := vault.NewKeyring([]vault.MasterKey{k1, k2})
	require.NoError(t, err)
	loadWG.Add(1)
	go func() {
		defer loadWG.Done()
		store := vault.NewStore(ringAll)
		for {
			select {
			case <-stop:
				return
			default:
			}
			i := rand.IntN(nIdent)
			pt, err := store.Get(ctx, e.DB, e.Seed.Demo.ID, ids[i], vault.PurposeCredentials)
			if err != nil {
				failf("open identity %d from the database: %v", i, err)
				continue
			}
			var creds identity.Credentials
			if err := json.Unmarshal(pt, &creds); err != nil {
				failf("identity %d credentials: %v", i, err)
				continue
			}
			if gi, _, ok := parseSecret(creds.Password); !ok || gi != i {
				failf("identity %d holds %q", i, creds.Password)
			}
			dbReads.Add(1)
			time.Sleep(2 * time.Millisecond)
		}
	}()

	roll := func(keys string) {
		for _, p := range []*Proc{apiA, apiB, worker} {
			p.SetEnv("ACCESSHIVE_MASTER_KEYS", keys)
			p.Restart() // SIGKILL: the harshest way to go
		}
	}
	time.Sleep(2 * time.Second)
	roll(known2) // 2. k2 known everywhere, k1 still seals
	time.Sleep(2 * time.Second)
	roll(seal2) // 3. k2 seals
	time.Sleep(2 * time.Second)

	// 4. The rewrap (the worker's periodic "rewrap-vault" enqueues the same job every 10 minutes).
	rec, err := job.Enqueue(ctx, e.DB, job.Spec{Type: job.TypeRewrapVault, Input: map[string]string{"toKey": "k2"}})
	require.NoError(t, err)
	// Watch the job closely (progress lands about twice a second) and kill the worker once
	// part of the secrets moved.
	var halfway vault.RewrapProgress
	deadline := time.Now().Add(2 * time.Minute)
	for {
		got, err := job.Load(ctx, e.DB, rec.ID)
		require.NoError(t, err)
		require.False(t, got.Finished(), "the rewrap finished before it could be killed: raise CHAOS_KEY_IDENTITIES (%s)", got.Progress)
		if len(got.Progress) > 0 && json.Unmarshal(got.Progress, &halfway) == nil && halfway.Rewrapped > 0 {
			break
		}
		require.True(t, time.Now().Before(deadline), "the rewrap made no progress in 2 minutes")
		time.Sleep(5 * time.Millisecond)
	}
	worker.Kill()
	left := count(t, e, "secrets", "key_id = 'k1'")
	t.Logf("worker SIGKILLed mid-rewrap: progress %+v, %d secrets still under k1", halfway, left)
	require.Positive(t, left, "killed halfway")
	worker.Start()
	Poll(t, settleTimeout, "the rewrap resumed and completed", func() error {
		got, err := job.Load(ctx, e.DB, rec.ID)
		if err != nil {
			return err
		}
		if got.Status != job.StatusSucceeded {
			return fmt.Errorf("rewrap job %s (attempts %d, progress %s, error %q)", got.Status, got.Attempts, got.Progress, got.Error)
		}
		return nil
	})
	done, err := job.Load(ctx, e.DB, rec.ID)
	require.NoError(t, err)
	var final vault.RewrapProgress
	require.NoError(t, json.Unmarshal(done.Result, &final))
	t.Logf("rewrap done after %d attempts: %+v", done.Attempts, final)
	require.GreaterOrEqual(t, done.Attempts, 2, "the killed attempt and the one that resumed")
	require.Zero(t, final.Remaining)
	require.Zero(t, count(t, e, "secrets", "key_id <> 'k2'"), "every secret under k2")

	// 5. k1 retired.
	roll(only2)
	time.Sleep(3 * time.Second)
	close(stop)
	loadWG.Wait()
	t.Logf("during rotation: %d reveals, %d updates, %d database reads, %d requests cut off by restarts", reveals.Load(), updates.Load(), dbReads.Load(), transportErrs.Load())
	require.Positive(t, reveals.Load())
	require.Positive(t, updates.Load())

	// Every identity still holds its password at the last confirmed version (or the one after,
	// when the answer of an update was lost to a restart), readable with k2 alone.
	ring2, err := vault.NewKeyring([]vault.MasterKey{k2})
	require.NoError(t, err)
	store2 := vault.NewStore(ring2)
	for i, id := range ids {
		pt, err := store2.Get(ctx, e.DB, e.Seed.Demo.ID, id, vault.PurposeCredentials)
		require.NoError(t, err, "identity %d with k2 alone", i)
		var creds identity.Credentials
		require.NoError(t, json.Unmarshal(pt, &creds))
		gi, gv, ok := parseSecret(creds.Password)
		require.True(t, ok && gi == i, "identity %d holds %q", i, creds.Password)
		require.GreaterOrEqual(t, int64(gv), confirmed[i].Load(), "identity %d lost an update", i)
	}
	// And through the API with k2 alone.
	c := MustLogin(t, apiA.URL(), "owner@demo.test")
	for i := 0; i < hot && i < 20; i++ {
		res, err := c.Do(ctx, revealOp, map[string]any{"id": ids[i]})
		require.NoError(t, err)
		require.NoError(t, res.Err())
	}
}
