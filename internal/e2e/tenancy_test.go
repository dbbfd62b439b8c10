package e2e_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
)

// TestAgenciesAreIsolated has Rival Agency's owner name Demo Agency's objects and read its own
// lists: it gets NOT_FOUND or FORBIDDEN, never Demo's data, and its subscription never carries
// Demo's events.
func TestAgenciesAreIsolated(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	rival := sys.Login("owner@rival.test")
	admin := sys.Login("admin@demo.test")
	acme, globex := sys.Seed.Acme.ID.String(), sys.Seed.Globex.ID.String()
	refused := func(t *testing.T, r e2e.Response) {
		t.Helper()
		require.NotEmpty(t, r.Errors, "Rival got Demo's data: %s", r.Data)
		require.Contains(t, []string{"NOT_FOUND", "FORBIDDEN"}, r.Code(), "errors: %+v", r.Errors)
		require.Equal(t, "null", string(r.Data))
		for _, e := range r.Errors {
			require.NotContains(t, e.Message, "Acme")
			require.NotContains(t, e.Message, "Globex")
		}
	}

	// Both agencies subscribe to job events before anything happens.
	const jobSub = `subscription { jobUpdated { id type status } }`
	rivalSub := rival.Subscribe(e2e.ProtoTransportWS, jobSub, nil)
	demoSub := admin.Subscribe(e2e.ProtoGraphQLWS, jobSub, nil)

	t.Run("me is Rival's", func(t *testing.T) {
		var out struct {
			Me struct{ Agency struct{ Name string } }
		}
		rival.Do(`{ me { agency { name } } }`, nil).Decode(t, &out)
		require.Equal(t, "Rival Agency", out.Me.Agency.Name)
	})

	t.Run("client(id) of Demo's clients", func(t *testing.T) {
		for _, id := range []string{acme, globex} {
			refused(t, rival.Do(`query($id:ID!){ client(id:$id) { id name } }`, map[string]any{"id": id}))
		}
	})

	t.Run("createUser bound to Demo's client", func(t *testing.T) {
		r := rival.Do(`mutation($c:ID!){ createUser(input:{email:"mole@rival.test", name:"Mole", password:"long-enough-password", role:CLIENT_USER, clientId:$c}) { id client { id name } } }`,
			map[string]any{"c": acme})
		require.NotEmpty(t, r.Errors)
		require.Contains(t, []string{"NOT_FOUND", "FORBIDDEN", "BAD_USER_INPUT"}, r.Code(), "errors: %+v", r.Errors)
		require.Equal(t, "null", string(r.Data))
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM users WHERE email = 'mole@rival.test'`))
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM users WHERE client_id = ? AND agency_id = ?`, sys.Seed.Acme.ID, sys.Seed.Rival.ID))
	})

	t.Run("Demo's cursor in Rival's list", func(t *testing.T) {
		var demo struct {
			Clients struct{ Edges []struct{ Cursor string } }
		}
		admin.Do(`{ clients(first: 1) { edges { cursor } } }`, nil).Decode(t, &demo)
		require.Len(t, demo.Clients.Edges, 1)
		var out struct {
			Clients struct {
				TotalCount int
				Nodes      []struct{ ID string }
			}
		}
		rival.Do(`query($a:String){ clients(after:$a) { totalCount nodes { id } } }`, map[string]any{"a": demo.Clients.Edges[0].Cursor}).Decode(t, &out)
		require.Zero(t, out.Clients.TotalCount)
		require.Empty(t, out.Clients.Nodes)
	})

	t.Run("a client name taken in Demo is free in Rival", func(t *testing.T) {
		// A CONFLICT here would tell Rival that another agency has a client called Acme.
		var out struct{ CreateClient struct{ ID, Name string } }
		rival.Do(`mutation { createClient(input:{name:"Acme"}) { id name } }`, nil).Decode(t, &out)
		require.NotEqual(t, acme, out.CreateClient.ID)
		var list struct {
			Clients struct {
				TotalCount int
				Nodes      []struct{ ID string }
			}
		}
		rival.Do(`{ clients { totalCount nodes { id } } }`, nil).Decode(t, &list)
		require.Equal(t, 1, list.Clients.TotalCount)
		require.Equal(t, out.CreateClient.ID, list.Clients.Nodes[0].ID)
		// And Demo's list is unchanged.
		admin.Do(`{ clients { totalCount nodes { id } } }`, nil).Decode(t, &list)
		require.Equal(t, 2, list.Clients.TotalCount)
	})

	// Demo runs a job; its subscriber sees it through.
	var demoJob struct {
		ConnectPlatform struct{ Key string }
	}
	admin.Do(`mutation { connectPlatform(input:{platform: LINKEDIN_ADS, state: OPERATIONAL}) { key } }`, nil).Decode(t, &demoJob)
	demoIDs := awaitSucceeded(t, demoSub, 1)

	t.Run("Rival's lists hold nothing of Demo's", func(t *testing.T) {
		var pl struct {
			Platforms []struct {
				Key        string
				Connection *struct{ State string }
			}
		}
		rival.Do(`{ platforms { key connection { state } } }`, nil).Decode(t, &pl)
		states := map[string]string{}
		for _, p := range pl.Platforms {
			if p.Connection != nil {
				states[p.Key] = p.Connection.State
			}
		}
		require.Equal(t, map[string]string{"META_ADS": "OPERATIONAL"}, states, "Rival sees only its own connections")

		var jobs struct{ Jobs []struct{ ID string } }
		rival.Do(`{ jobs(limit: 100) { id } }`, nil).Decode(t, &jobs)
		require.Empty(t, jobs.Jobs, "Rival has run no job")
		rival.Do(`{ jobs(type: CHECK_PLATFORM_CONNECTION) { id } }`, nil).Decode(t, &jobs)
		require.Empty(t, jobs.Jobs)
	})

	// Sentinel: Rival now runs a job of its own. Events reach a replica in the order they were
	// published, so once Rival's subscriber has Rival's job, it would already have had Demo's.
	var rivalJob struct {
		ConnectPlatform struct{ Key string }
	}
	rival.Do(`mutation { connectPlatform(input:{platform: META_ADS, state: DEGRADED}) { key } }`, nil).Decode(t, &rivalJob)
	var rivalJobID string
	require.NoError(t, sys.DB.QueryRowContext(t.Context(), `SELECT id::text FROM jobs WHERE agency_id = ?`, sys.Seed.Rival.ID).Scan(&rivalJobID))
	require.NotContains(t, demoIDs, rivalJobID)
	for {
		ev, ok := rivalSub.Next(15 * time.Second)
		require.True(t, ok, "Rival's subscriber never saw Rival's own job")
		require.Empty(t, ev.Errors)
		var out struct{ JobUpdated jobEvent }
		require.NoError(t, json.Unmarshal(ev.Data, &out))
		require.Equal(t, rivalJobID, out.JobUpdated.ID, "Rival's subscriber received another agency's job event")
		if out.JobUpdated.Status == "SUCCEEDED" {
			break
		}
	}

	// Demo's subscriber, for its part, never sees Rival's job: Demo's next own job is next.
	admin.Do(`mutation { connectPlatform(input:{platform: LINKEDIN_ADS, state: DEGRADED}) { key } }`, nil).Decode(t, &demoJob)
	ev, ok := demoSub.Next(15 * time.Second)
	require.True(t, ok)
	var out struct{ JobUpdated jobEvent }
	require.NoError(t, json.Unmarshal(ev.Data, &out))
	require.NotEqual(t, rivalJobID, out.JobUpdated.ID)
	require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM jobs WHERE id = ? AND agency_id = ?`, out.JobUpdated.ID, sys.Seed.Demo.ID))

	t.Run("Demo's job list holds nothing of Rival's", func(t *testing.T) {
		var jobs struct{ Jobs []struct{ ID string } }
		admin.Do(`{ jobs(limit: 100) { id } }`, nil).Decode(t, &jobs)
		require.NotEmpty(t, jobs.Jobs)
		for _, j := range jobs.Jobs {
			require.NotEqual(t, rivalJobID, j.ID)
		}
	})
}
