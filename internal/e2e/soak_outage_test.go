package e2e_test

import (
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
)

// The long outage runs of `make soak` (ACCESSHIVE_SOAK=1); `make test` runs their short
// versions (TestRedisFrozen, TestDirectoryOutage).

func requireSoak(t *testing.T) {
	if os.Getenv("ACCESSHIVE_SOAK") == "" {
		t.Skip("a soak run: make soak")
	}
}

// The directory answers rate limits, 5xx and slow answers for a whole minute.
func TestSoakDirectoryOutage(t *testing.T) {
	requireSoak(t)
	directoryOutage(t, time.Minute)
}

// Redis is frozen for 30 s while clients keep querying and approving: every query answers
// within the bound, every approval commits, and every provisioning job runs once Redis is back.
func TestSoakRedisAway(t *testing.T) {
	requireSoak(t)
	sys, env := startOutageSystem(t)
	admin := login(t, sys, "admin@demo.test")
	alice := login(t, sys, "alice@acme.test")
	bob := login(t, sys, "bob@globex.test")
	var reqs []arView
	for _, r := range []struct {
		c        *e2e.Client
		platform string
	}{{alice, "GA4"}, {bob, "GA4"}, {alice, "GOOGLE_ADS"}, {bob, "GOOGLE_ADS"}} {
		reqs = append(reqs, arSubmit(t, r.c, r.platform, "MANAGED_GWS", "While Redis is away."))
	}

	stop := make(chan struct{})
	var queries, slow atomic.Int64
	var wg sync.WaitGroup
	for _, c := range []*e2e.Client{admin, alice, bob} {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				begin := time.Now()
				r := c.Do(`{ me { id } accessRequests { totalCount } }`, nil)
				if time.Since(begin) > outageBound || len(r.Errors) > 0 {
					slow.Add(1)
				}
				queries.Add(1)
				time.Sleep(100 * time.Millisecond)
			}
		})
	}

	require.NoError(t, env.FreezeRedis())
	frozenAt := time.Now()
	for _, r := range reqs {
		require.Empty(t, timed(t, "approve", func() e2e.Response { return arApprove(admin, r.ID, nil, nil) }).Errors)
	}
	time.Sleep(30*time.Second - time.Since(frozenAt))
	require.NoError(t, env.ThawRedis())
	close(stop)
	wg.Wait()
	t.Logf("%d queries while Redis was away, %d slow or failed", queries.Load(), slow.Load())
	require.Zero(t, slow.Load())

	for _, r := range reqs {
		e2e.Eventually(t, time.Minute, func() bool { return arGet(t, admin, r.ID).Status == "PROVISIONED" }, "request %s provisioned", r.ID)
	}
	require.Equal(t, len(reqs), sys.Directory.Count())
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM jobs WHERE status = 'FAILED'`))
}
