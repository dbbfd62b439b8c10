package e2e_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
)

// The demo logins of each role, in SPEC's role-table order.
var roleLogins = []struct{ role, email string }{
	{"AGENCY_OWNER", "owner@demo.test"},
	{"ADMIN", "admin@demo.test"},
	{"MEMBER", "member@demo.test"},
	{"CLIENT_USER", "alice@acme.test"},
}

// allowed is the expectation "the role may do this" in the role table.
const allowed = ""

// TestRoleTable walks SPEC's role table row by row for the foundation's operations: every role
// sends every operation, and what a role may not do is FORBIDDEN (or, for another client's
// data, NOT_FOUND) and writes nothing.
func TestRoleTable(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	acme, globex := sys.Seed.Acme.ID.String(), sys.Seed.Globex.ID.String()
	clients := map[string]*e2e.Client{}
	for _, rl := range roleLogins {
		clients[rl.role] = sys.Login(rl.email)
	}
	slug := func(role string) string { return strings.ToLower(strings.ReplaceAll(role, "_", "-")) }
	userCount := func(email string) int {
		return countRows(t, sys, `SELECT count(*) FROM users WHERE email = ?`, email)
	}

	// jobUpdated: staff subscribe; a client user is refused.
	const jobSub = `subscription { jobUpdated(type: CHECK_PLATFORM_CONNECTION) { id type status } }`
	subs := map[string]*e2e.Sub{}
	for _, rl := range roleLogins {
		sub := clients[rl.role].Subscribe(e2e.ProtoTransportWS, jobSub, nil)
		if rl.role == "CLIENT_USER" {
			ev, ok := sub.Next(10 * time.Second)
			require.True(t, ok, "the refused subscription must answer")
			require.NotEmpty(t, ev.Errors, "CLIENT_USER must not subscribe to jobUpdated; got %s", ev.Data)
			c, _ := ev.Errors[0].Extensions["code"].(string)
			require.Equal(t, "FORBIDDEN", c, "errors: %+v", ev.Errors)
			continue
		}
		subs[rl.role] = sub
	}

	type row = roleCase
	staffOnly := func(code string) map[string]string {
		return map[string]string{"AGENCY_OWNER": allowed, "ADMIN": allowed, "MEMBER": allowed, "CLIENT_USER": code}
	}
	everyone := staffOnly(allowed)
	managers := map[string]string{"AGENCY_OWNER": allowed, "ADMIN": allowed, "MEMBER": "FORBIDDEN", "CLIENT_USER": "FORBIDDEN"}
	platformFor := map[string][2]string{
		"AGENCY_OWNER": {"GA4", "DEGRADED"}, "ADMIN": {"TIKTOK_ADS", "OPERATIONAL"},
		"MEMBER": {"LINKEDIN_ADS", "OPERATIONAL"}, "CLIENT_USER": {"LINKEDIN_ADS", "DISCONNECTED"},
	}

	rows := []row{
		{
			op: "clients", query: `{ clients { totalCount nodes { id name } } }`, want: everyone,
			check: func(t *testing.T, role string, r e2e.Response) {
				var out struct {
					Clients struct {
						TotalCount int
						Nodes      []struct{ ID, Name string }
					}
				}
				r.Decode(t, &out)
				if role == "CLIENT_USER" {
					require.Equal(t, 1, out.Clients.TotalCount)
					require.Len(t, out.Clients.Nodes, 1)
					require.Equal(t, acme, out.Clients.Nodes[0].ID)
					require.Equal(t, "Acme", out.Clients.Nodes[0].Name)
					return
				}
				require.Equal(t, 2, out.Clients.TotalCount)
				require.Len(t, out.Clients.Nodes, 2)
			},
		},
		{
			op: "client(own)", query: `query($id:ID!){ client(id:$id) { id name } }`,
			vars: func(string) map[string]any { return map[string]any{"id": acme} }, want: everyone,
			check: func(t *testing.T, _ string, r e2e.Response) {
				var out struct{ Client struct{ ID, Name string } }
				r.Decode(t, &out)
				require.Equal(t, "Acme", out.Client.Name)
			},
		},
		{
			op: "client(other client)", query: `query($id:ID!){ client(id:$id) { id name } }`,
			vars: func(string) map[string]any { return map[string]any{"id": globex} }, want: staffOnly("NOT_FOUND"),
			check: func(t *testing.T, _ string, r e2e.Response) {
				var out struct{ Client struct{ ID, Name string } }
				r.Decode(t, &out)
				require.Equal(t, "Globex", out.Client.Name)
			},
		},
		{
			op: "platforms", query: `{ platforms { key connection { state } } }`, want: everyone,
			check: func(t *testing.T, _ string, r e2e.Response) {
				var out struct{ Platforms []struct{ Key string } }
				r.Decode(t, &out)
				require.Len(t, out.Platforms, 5)
			},
		},
		{op: "jobs", query: `{ jobs { id type status } }`, want: staffOnly("FORBIDDEN")},
		{
			op: "createClient", query: `mutation($n:String!){ createClient(input:{name:$n}) { id name } }`,
			vars: func(role string) map[string]any { return map[string]any{"n": "Made by " + role} },
			want: managers,
			written: func(role string) int {
				return countRows(t, sys, `SELECT count(*) FROM clients WHERE name = ?`, "Made by "+role)
			},
		},
		{
			op:    "createUser(MEMBER)",
			query: `mutation($e:String!){ createUser(input:{email:$e, name:"New Member", password:"long-enough-password", role:MEMBER}) { id email role client { id } } }`,
			vars:  func(role string) map[string]any { return map[string]any{"e": "member-by-" + slug(role) + "@demo.test"} },
			want:  managers,
			check: func(t *testing.T, _ string, r e2e.Response) {
				var out struct {
					CreateUser struct {
						Role   string
						Client *struct{ ID string }
					}
				}
				r.Decode(t, &out)
				require.Equal(t, "MEMBER", out.CreateUser.Role)
				require.Nil(t, out.CreateUser.Client)
			},
			written: func(role string) int { return userCount("member-by-" + slug(role) + "@demo.test") },
		},
		{
			op:    "createUser(CLIENT_USER)",
			query: `mutation($e:String!,$c:ID!){ createUser(input:{email:$e, name:"New Client User", password:"long-enough-password", role:CLIENT_USER, clientId:$c}) { id role client { id } } }`,
			vars: func(role string) map[string]any {
				return map[string]any{"e": "client-by-" + slug(role) + "@acme.test", "c": acme}
			},
			want: managers,
			check: func(t *testing.T, _ string, r e2e.Response) {
				var out struct {
					CreateUser struct {
						Role   string
						Client struct{ ID string }
					}
				}
				r.Decode(t, &out)
				require.Equal(t, "CLIENT_USER", out.CreateUser.Role)
				require.Equal(t, acme, out.CreateUser.Client.ID)
			},
			written: func(role string) int { return userCount("client-by-" + slug(role) + "@acme.test") },
		},
		{
			op:      "createUser(AGENCY_OWNER)",
			query:   `mutation($e:String!){ createUser(input:{email:$e, name:"New Owner", password:"long-enough-password", role:AGENCY_OWNER}) { id role } }`,
			vars:    func(role string) map[string]any { return map[string]any{"e": "owner-by-" + slug(role) + "@demo.test"} },
			want:    map[string]string{"AGENCY_OWNER": allowed, "ADMIN": "FORBIDDEN", "MEMBER": "FORBIDDEN", "CLIENT_USER": "FORBIDDEN"},
			written: func(role string) int { return userCount("owner-by-" + slug(role) + "@demo.test") },
		},
		{
			op:    "connectPlatform",
			query: `mutation($p:PlatformKey!,$s:ConnectionState!){ connectPlatform(input:{platform:$p, state:$s}) { key connection { state } } }`,
			vars: func(role string) map[string]any {
				return map[string]any{"p": platformFor[role][0], "s": platformFor[role][1]}
			},
			want: managers,
			check: func(t *testing.T, role string, r e2e.Response) {
				var out struct {
					ConnectPlatform struct {
						Key        string
						Connection struct{ State string }
					}
				}
				r.Decode(t, &out)
				require.Equal(t, platformFor[role][0], out.ConnectPlatform.Key)
				require.Equal(t, platformFor[role][1], out.ConnectPlatform.Connection.State)
			},
			written: func(role string) int {
				var email string
				for _, rl := range roleLogins {
					if rl.role == role {
						email = rl.email
					}
				}
				return countRows(t, sys, `SELECT count(*) FROM jobs WHERE created_by = ?`, sys.Seed.UsersByEmail[email].ID)
			},
		},
	}

	runRoleTable(t, clients, rows)

	// Refused connectPlatform calls left the connections as they were.
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM platform_connections WHERE platform_key = 'LINKEDIN_ADS'`))

	// Every staff subscriber sees both allowed connectPlatform jobs finish.
	var want []string
	rowsQ, err := sys.DB.QueryContext(context.Background(), `SELECT id FROM jobs WHERE type = 'CHECK_PLATFORM_CONNECTION'`)
	require.NoError(t, err)
	defer rowsQ.Close()
	for rowsQ.Next() {
		var id uuid.UUID
		require.NoError(t, rowsQ.Scan(&id))
		want = append(want, id.String())
	}
	require.NoError(t, rowsQ.Err())
	require.Len(t, want, 2)
	for role, sub := range subs {
		t.Run("jobUpdated/"+role, func(t *testing.T) {
			require.ElementsMatch(t, want, awaitSucceeded(t, sub, len(want)))
		})
	}

	t.Run("jobs/staff see the jobs", func(t *testing.T) {
		var out struct{ Jobs []struct{ ID, Status string } }
		clients["MEMBER"].Do(`{ jobs(type: CHECK_PLATFORM_CONNECTION) { id status } }`, nil).Decode(t, &out)
		var got []string
		for _, j := range out.Jobs {
			got = append(got, j.ID)
		}
		require.ElementsMatch(t, want, got)
	})
}

// jobEvent is the part of a jobUpdated event the tests look at.
type jobEvent struct {
	ID, Type, Status string
}

// awaitSucceeded reads jobUpdated events until n distinct jobs have SUCCEEDED and returns
// their ids.
func awaitSucceeded(t testing.TB, sub *e2e.Sub, n int) []string {
	t.Helper()
	done := map[string]bool{}
	for len(done) < n {
		ev, ok := sub.Next(15 * time.Second)
		require.True(t, ok, "only %d of %d jobs finished within the timeout", len(done), n)
		require.Empty(t, ev.Errors)
		require.False(t, ev.Complete)
		var out struct{ JobUpdated jobEvent }
		require.NoError(t, json.Unmarshal(ev.Data, &out))
		if out.JobUpdated.Status == "SUCCEEDED" {
			done[out.JobUpdated.ID] = true
		}
	}
	ids := make([]string, 0, len(done))
	for id := range done {
		ids = append(ids, id)
	}
	return ids
}
