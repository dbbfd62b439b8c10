package chaos

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// settleTimeout bounds the wait for the system to finish its work after the last fault. A task
// of a SIGKILLed worker comes back only once asynq's lease on it has expired (30 s after its
// worker's last heartbeat) and asynq's recoverer, which runs every minute and allows 30 s of
// clock skew, has found it: up to about two minutes after the kill.
const settleTimeout = 4 * time.Minute

// submitAll submits every pair's request, 8 at a time, and returns the ids in pair order.
func submitAll(t testing.TB, base string, pairs []Pair) []uuid.UUID {
	t.Helper()
	ctx := context.Background()
	sessions := map[string]*Client{}
	for _, p := range pairs {
		if sessions[p.Requester] == nil {
			sessions[p.Requester] = MustLogin(t, base, p.Requester)
		}
	}
	ids := make([]uuid.UUID, len(pairs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	errs := make(chan error, len(pairs))
	for i, p := range pairs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			id, err := submit(ctx, sessions[p.Requester], p)
			ids[i] = id
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	return ids
}

// TestWorkerKilledWhileApproving approves access requests for distinct client + platform pairs
// (managed Google Workspace identities provisioned by the worker, external logins and API
// tokens approved with their credentials) while the worker process is SIGKILLed at random
// moments and started again. Afterwards every request is PROVISIONED, the directory holds one
// user per managed identity, every job succeeded, the outbox is empty and no notification was
// stored or e-mailed twice. CHAOS_REQUESTS and CHAOS_KILLS size it (make test: 40 and 5;
// make soak: 200 and 20).
func TestWorkerKilledWhileApproving(t *testing.T) {
	t.Parallel()
	n, kills := envInt("CHAOS_REQUESTS", 40), envInt("CHAOS_KILLS", 5)
	e := NewEnv(t)
	keys := KeySpec(Keys(t, "k1")...)
	api := e.StartAPI("api", keys)
	worker := e.StartWorker("worker", keys)
	pairs := fixture(t, e, n)
	ids := submitAll(t, api.URL(), pairs)

	admin := MustLogin(t, api.URL(), "admin@demo.test")
	ctx := context.Background()
	// Approvals are spread over the kills so that the worker dies while it provisions, sends
	// mail and relays the outbox, not only once everything is done.
	var approved atomic.Int32
	killerDone := make(chan struct{})
	go func() {
		defer close(killerDone)
		for k := 0; k < kills; k++ {
			time.Sleep(time.Duration(300+rand.IntN(1700)) * time.Millisecond)
			worker.Kill()
			time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
			worker.Start()
		}
	}()
	gap := time.Duration(kills) * time.Second / time.Duration(n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, p := range pairs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r, err := approve(ctx, admin, ids[i], p)
			if err == nil {
				err = r.Err()
			}
			if err != nil {
				t.Errorf("approve %s (%s %s): %v", ids[i], p.Kind.Platform, p.Kind.Type, err)
				return
			}
			approved.Add(1)
		}()
		time.Sleep(gap)
	}
	wg.Wait()
	<-killerDone
	require.EqualValues(t, n, approved.Load())
	t.Logf("worker started %d times (%d SIGKILLs)", worker.Starts, kills)

	settle(t, e, settleTimeout)
	Poll(t, time.Minute, "every request PROVISIONED", func() error {
		if left := count(t, e, "access_requests", "status <> 'PROVISIONED'"); left > 0 {
			return errorf("%d requests not PROVISIONED", left)
		}
		return nil
	})
	rep := checkInvariants(t, e, true)
	require.Equal(t, n, rep.Requests)
	t.Logf("after %d worker SIGKILLs: %s", kills, rep)
}

// TestAPIKilledMidMutation SIGKILLs an API replica while submissions and approvals are in flight
// on it, several times, and checks that every mutation committed whole or not at all: each
// request is either PENDING with no identity, approval audit or approval notification, or
// approved with exactly one of each (checkInvariants). The requests left PENDING are then
// approved on the other replica, and everything ends PROVISIONED.
func TestAPIKilledMidMutation(t *testing.T) {
	t.Parallel()
	n, kills := envInt("CHAOS_API_REQUESTS", 40), envInt("CHAOS_API_KILLS", 3)
	e := NewEnv(t)
	keys := KeySpec(Keys(t, "k1")...)
	victim := e.StartAPI("api-victim", keys)
	steady := e.StartAPI("api-steady", keys)
	e.StartWorker("worker", keys)
	pairs := fixture(t, e, n)
	ctx := context.Background()

	// Log everyone in on the steady replica; sessions are valid on both.
	sessions := map[string]*Client{}
	for _, p := range pairs {
		if sessions[p.Requester] == nil {
			sessions[p.Requester] = MustLogin(t, steady.URL(), p.Requester)
		}
	}
	admin := MustLogin(t, steady.URL(), "admin@demo.test")

	// Half the requests are submitted beforehand and approved on the victim; the other half are
	// submitted on the victim. Both streams run while the victim is killed.
	half := n / 2
	pre := submitAll(t, steady.URL(), pairs[:half])
	var mu sync.Mutex
	ids := map[int]uuid.UUID{}
	for i, id := range pre {
		ids[i] = id
	}
	// Four streams of mutations on the victim. A refused connection (the victim is down) sent
	// nothing and is tried again; a request cut off by the kill has an unknown outcome, which is
	// what the invariants then judge.
	var answered, cutOff atomic.Int32
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 4 {
				p := pairs[i]
				for {
					var err error
					if i < half {
						var r Response
						r, err = approve(ctx, admin.Session(victim.URL()), ids[i], p)
						if err == nil && r.Err() != nil {
							t.Errorf("approve on the victim: %v", r.Err())
						}
					} else {
						var id uuid.UUID
						id, err = submit(ctx, sessions[p.Requester].Session(victim.URL()), p)
						if err == nil {
							mu.Lock()
							ids[i] = id
							mu.Unlock()
						}
					}
					if errors.Is(err, syscall.ECONNREFUSED) {
						time.Sleep(50 * time.Millisecond)
						continue
					}
					if err != nil {
						cutOff.Add(1)
					} else {
						answered.Add(1)
					}
					break
				}
				time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
			}
		}()
	}
	streamsDone := make(chan struct{})
	go func() { wg.Wait(); close(streamsDone) }()
	// Kill while mutations flow: each time some were answered since the last start.
	for k := 0; k < kills; k++ {
		base := answered.Load()
		for answered.Load() < base+2 {
			select {
			case <-streamsDone:
			case <-time.After(10 * time.Millisecond):
				continue
			}
			break
		}
		time.Sleep(time.Duration(rand.IntN(100)) * time.Millisecond)
		victim.Kill()
		victim.Start()
	}
	<-streamsDone
	t.Logf("victim started %d times; %d mutations answered, %d cut off by a kill", victim.Starts, answered.Load(), cutOff.Load())
	require.Positive(t, cutOff.Load(), "some mutations were in flight when the victim died")

	// Nothing half-done, whatever was cut off.
	settle(t, e, settleTimeout)
	checkInvariants(t, e, false)

	// Finish the work on the surviving replica: submit what never got submitted, approve the rest.
	for i, p := range pairs {
		if i >= half {
			if _, ok := ids[i]; !ok || count(t, e, "access_requests", "id = ?", ids[i]) == 0 {
				var found []uuid.UUID
				require.NoError(t, e.DB.NewSelect().Table("access_requests").Column("access_requests.id").
					Join("JOIN clients AS c ON c.id = access_requests.client_id").
					Where("c.name = ? AND platform_key = ?", clientName(p.Client), p.Kind.Platform).Scan(ctx, &found))
				if len(found) == 1 {
					ids[i] = found[0] // committed, but the answer was lost with the replica
				} else {
					id, err := submit(ctx, sessions[p.Requester], p)
					require.NoError(t, err)
					ids[i] = id
				}
			}
		}
		if count(t, e, "access_requests", "id = ? AND status = 'PENDING'", ids[i]) == 1 {
			r, err := approve(ctx, admin, ids[i], p)
			require.NoError(t, err)
			require.NoError(t, r.Err())
		}
	}
	settle(t, e, settleTimeout)
	rep := checkInvariants(t, e, true)
	require.Equal(t, n, rep.Requests)
	t.Logf("after %d API SIGKILLs: %s", kills, rep)
}
