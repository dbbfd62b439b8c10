package e2e_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
	"github.com/accesshive/accesshive/internal/reveal"
)

// Races (issue 11, item 3): operations that contend for one object, fired at the same moment
// over HTTP, on two API replicas. Where the spec allows one winner there is exactly one; the
// others get a clear error (CONFLICT naming the winner, RATE_LIMITED, UNAUTHENTICATED); nothing
// deadlocks (every answer comes within raceBound); and the database holds the invariants at
// the end.

// raceBound is how long any contended request may take: a deadlock would exceed it.
const raceBound = 20 * time.Second

// fire runs every f at the same moment and returns their answers in order, failing the test
// when one took longer than raceBound.
func fire(t *testing.T, fs ...func() e2e.Response) []e2e.Response {
	t.Helper()
	out := make([]e2e.Response, len(fs))
	took := make([]time.Duration, len(fs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			begin := time.Now()
			out[i] = f()
			took[i] = time.Since(begin)
		}()
	}
	close(start)
	wg.Wait()
	for i, d := range took {
		require.Less(t, d, raceBound, "request %d answered after %s", i, d)
	}
	return out
}

// winners splits answers into the successful ones and the rest.
func winners(rs []e2e.Response) (ok, failed []e2e.Response) {
	for _, r := range rs {
		if len(r.Errors) == 0 {
			ok = append(ok, r)
		} else {
			failed = append(failed, r)
		}
	}
	return ok, failed
}

func TestRaces(t *testing.T) {
	sys := e2e.Start(t, e2e.Options{Replicas: 2})
	owner := sys.LoginOn(0, "owner@demo.test")
	admin := sys.LoginOn(0, "admin@demo.test")
	admin1 := sys.LoginOn(1, "admin@demo.test")
	owner1 := sys.LoginOn(1, "owner@demo.test")
	alice := sys.LoginOn(0, "alice@acme.test")
	alice1 := sys.LoginOn(1, "alice@acme.test")
	bob := sys.LoginOn(0, "bob@globex.test")
	acme := sys.Seed.Acme.ID.String()
	var bobGA4 string // the request filed below, decided during a deactivation further down

	t.Run("two admins approve one request on two replicas: one wins, one directory user", func(t *testing.T) {
		req := arSubmit(t, alice, "GA4", "MANAGED_GWS", "Race to approve.")
		rs := fire(t,
			func() e2e.Response { return arApprove(owner, req.ID, arStr("owner"), nil) },
			func() e2e.Response { return arApprove(admin1, req.ID, arStr("admin"), nil) },
		)
		ok, failed := winners(rs)
		require.Len(t, ok, 1, "exactly one approval: %+v", rs)
		requireCode(t, failed[0], "CONFLICT")
		require.Equal(t, req.ID, failed[0].Errors[0].Extensions["object"])
		e2e.Eventually(t, arTimeout, func() bool { return arGet(t, admin, req.ID).Status == "PROVISIONED" }, "provisioned")
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM identities WHERE origin_request_id = ?`, req.ID))
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM audit_events WHERE kind = 'access_request.approved' AND target_id = ?`, req.ID))
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM jobs j JOIN identities i ON j.input->>'identityId' = i.id::text WHERE j.type = 'PROVISION_IDENTITY' AND i.origin_request_id = ?`, req.ID))
		require.Equal(t, 1, sys.Directory.Count(), "one directory user")
	})

	t.Run("a client user submits one request five times at once: one is filed", func(t *testing.T) {
		in := map[string]any{"platform": "GA4", "identityType": "MANAGED_GWS", "justification": "Five tabs."}
		var fs []func() e2e.Response
		for i := range 5 {
			c := []*e2e.Client{bob, bob}[i%2]
			fs = append(fs, func() e2e.Response { return arSubmitIn(c, in) })
		}
		ok, failed := winners(fire(t, fs...))
		require.Len(t, ok, 1)
		filed := arOne(t, ok[0])
		bobGA4 = filed.ID
		for _, r := range failed {
			requireCode(t, r, "CONFLICT")
			require.Equal(t, filed.ID, r.Errors[0].Extensions["object"])
		}
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM access_requests WHERE client_id = ? AND platform_key = 'GA4'`, sys.Seed.Globex.ID))
	})

	t.Run("50 reveals of one identity at once: the per-user limit holds exactly, every reveal is in the ledger", func(t *testing.T) {
		ident := createExternal(t, admin, acme, "META_ADS", "first-Pa55word")
		var fs []func() e2e.Response
		for i := range 50 {
			c := []*e2e.Client{admin, admin1}[i%2]
			fs = append(fs, func() e2e.Response { return c.Do(arRevealOp, map[string]any{"id": ident.ID}) })
		}
		ok, failed := winners(fire(t, fs...))
		require.Len(t, ok, reveal.PerUserLimit, "exactly the per-user limit is revealed")
		for _, r := range failed {
			requireCode(t, r, "RATE_LIMITED")
		}
		for _, r := range ok {
			require.Contains(t, string(r.Data), "first-Pa55word")
		}
		require.Equal(t, reveal.PerUserLimit, countRows(t, sys, `SELECT count(*) FROM reveals WHERE identity_id = ?`, ident.ID))
	})

	t.Run("a rotation during reveals: each reveal shows the old or the new password whole", func(t *testing.T) {
		ident := createExternal(t, admin, sys.Seed.Globex.ID.String(), "META_ADS", "old-Pa55word-1")
		const rotate = `mutation($id:ID!, $in:RotateCredentialsInput){ rotateCredentials(identityId:$id, input:$in){ id } }`
		fs := []func() e2e.Response{func() e2e.Response {
			return admin1.Do(rotate, map[string]any{"id": ident.ID, "in": map[string]any{"password": "new-Pa55word-2"}})
		}}
		for i := range 20 {
			c := []*e2e.Client{owner, owner1}[i%2]
			fs = append(fs, func() e2e.Response { return c.Do(arRevealOp, map[string]any{"id": ident.ID}) })
		}
		rs := fire(t, fs...)
		require.Empty(t, rs[0].Errors, "the rotation")
		for _, r := range rs[1:] {
			require.Empty(t, r.Errors)
			old, neu := contains(r, "old-Pa55word-1"), contains(r, "new-Pa55word-2")
			require.True(t, old != neu, "a reveal shows exactly one of the passwords: %s", r.Data)
		}
		after := owner.Do(arRevealOp, map[string]any{"id": ident.ID})
		require.True(t, contains(after, "new-Pa55word-2"), "after the rotation the new password")
		require.Equal(t, 21, countRows(t, sys, `SELECT count(*) FROM reveals WHERE identity_id = ?`, ident.ID))
	})

	t.Run("two syncDirectory at once: one job, the other names it", func(t *testing.T) {
		src := gwsSources(t, owner)[0]
		rs := fire(t,
			func() e2e.Response { return gwsSync(owner, src.ID) },
			func() e2e.Response { return gwsSync(admin1, src.ID) },
		)
		ok, failed := winners(rs)
		require.Len(t, ok, 1, "%+v", rs)
		var job struct{ SyncDirectory struct{ ID string } }
		ok[0].Decode(t, &job)
		requireCode(t, failed[0], "CONFLICT")
		require.Equal(t, job.SyncDirectory.ID, failed[0].Errors[0].Extensions["object"])
		e2e.Eventually(t, arTimeout, func() bool {
			return countRows(t, sys, `SELECT count(*) FROM jobs WHERE type = 'SYNC_DIRECTORY' AND status = 'SUCCEEDED'`) == 1
		}, "the sync job succeeds")
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM jobs WHERE type = 'SYNC_DIRECTORY'`))
	})

	t.Run("deactivation during an approval: the approval commits before it or not at all", func(t *testing.T) {
		requests := []struct {
			c        *e2e.Client
			platform string
		}{{alice1, "GOOGLE_ADS"}, {bob, "GOOGLE_ADS"}, {nil, ""}}
		for i, rq := range requests {
			email := fmt.Sprintf("decider-%d@demo.test", i)
			var u struct{ CreateUser struct{ ID string } }
			owner.Do(`mutation($in: CreateUserInput!){ createUser(input:$in){ id } }`, map[string]any{"in": map[string]any{
				"email": email, "name": "Decider", "password": "long-enough-password", "role": "ADMIN"}}).Decode(t, &u)
			decider := sys.NewClient(i % 2)
			require.Empty(t, decider.Do(`mutation($e:String!,$p:String!){ login(email:$e, password:$p){ id } }`, map[string]any{"e": email, "p": "long-enough-password"}).Errors)
			req := arView{ID: bobGA4}
			if rq.c != nil {
				req = arSubmit(t, rq.c, rq.platform, "MANAGED_GWS", "Decided while deactivated.")
			}

			rs := fire(t,
				func() e2e.Response { return arApprove(decider, req.ID, nil, nil) },
				func() e2e.Response {
					return owner1.Do(`mutation($id:ID!){ deactivateUser(id:$id){ user { id } } }`, map[string]any{"id": u.CreateUser.ID})
				},
			)
			require.Empty(t, rs[1].Errors, "the deactivation")
			idents := countRows(t, sys, `SELECT count(*) FROM identities WHERE origin_request_id = ?`, req.ID)
			if len(rs[0].Errors) == 0 {
				require.Equal(t, 1, idents)
				require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM audit_events WHERE kind = 'access_request.approved' AND target_id = ?`, req.ID))
			} else {
				requireCode(t, rs[0], "UNAUTHENTICATED")
				require.Zero(t, idents)
				require.Equal(t, "PENDING", arGet(t, admin, req.ID).Status)
			}
			require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM users WHERE id = ? AND deactivated_at IS NOT NULL`, u.CreateUser.ID))
			requireCode(t, decider.Do(`{ me { id } }`, nil), "UNAUTHENTICATED")
		}
	})

	// Invariants over everything above: one live identity per client and platform, one
	// directory user per live managed identity, no job left unfinished.
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM (SELECT client_id, platform_key FROM identities WHERE client_id IS NOT NULL AND provisioning_state <> 'DELETED' GROUP BY 1, 2 HAVING count(*) > 1) d`))
	e2e.Eventually(t, arTimeout, func() bool {
		return countRows(t, sys, `SELECT count(*) FROM jobs WHERE status NOT IN ('SUCCEEDED', 'FAILED')`) == 0
	}, "every job is final")
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM jobs WHERE status = 'FAILED'`))
	require.Equal(t, countRows(t, sys, `SELECT count(*) FROM identities WHERE type = 'MANAGED_GWS' AND provisioning_state = 'PROVISIONED'`), sys.Directory.Count())
}

// contains reports whether an answer's data holds s.
func contains(r e2e.Response, s string) bool {
	return len(r.Errors) == 0 && strings.Contains(string(r.Data), s)
}
