package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
)

// TestInputValidation sends bad input of every kind and checks that each is refused with a code
// (BAD_USER_INPUT naming the field where the domain judges it) and writes nothing.
func TestInputValidation(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	admin := sys.Login("admin@demo.test")
	clientCount := func() int { return countRows(t, sys, `SELECT count(*) FROM clients`) }
	userCount := func() int { return countRows(t, sys, `SELECT count(*) FROM users`) }

	// Pagination first, while the only other clients are the seeded two.
	t.Run("pagination", func(t *testing.T) {
		created := map[string]bool{}
		for i := range 25 {
			var out struct{ CreateClient struct{ ID string } }
			admin.Do(`mutation($n:String!){ createClient(input:{name:$n}) { id } }`, map[string]any{"n": fmt.Sprintf("Paged %02d", i)}).Decode(t, &out)
			created[out.CreateClient.ID] = true
		}
		type pageOut struct {
			Clients struct {
				Edges []struct {
					Cursor string
					Node   struct{ ID, Name string }
				}
				Nodes    []struct{ ID string }
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
				TotalCount int
			}
		}
		seen := map[string]bool{}
		var after any
		pages := 0
		for {
			var p pageOut
			admin.Do(`query($a:String){ clients(first: 10, after: $a) { edges { cursor node { id name } } nodes { id } pageInfo { hasNextPage endCursor } totalCount } }`,
				map[string]any{"a": after}).Decode(t, &p)
			pages++
			require.Equal(t, 27, p.Clients.TotalCount)
			require.NotEmpty(t, p.Clients.Edges)
			require.Len(t, p.Clients.Nodes, len(p.Clients.Edges))
			for i, e := range p.Clients.Edges {
				require.False(t, seen[e.Node.ID], "client %s on two pages", e.Node.Name)
				seen[e.Node.ID] = true
				require.Equal(t, e.Node.ID, p.Clients.Nodes[i].ID, "nodes and edges agree")
			}
			require.NotNil(t, p.Clients.PageInfo.EndCursor)
			require.Equal(t, p.Clients.Edges[len(p.Clients.Edges)-1].Cursor, *p.Clients.PageInfo.EndCursor)
			if !p.Clients.PageInfo.HasNextPage {
				require.Len(t, p.Clients.Edges, 7)
				break
			}
			require.Len(t, p.Clients.Edges, 10)
			require.Less(t, pages, 3, "more pages than there are clients")
			after = *p.Clients.PageInfo.EndCursor
		}
		require.Equal(t, 3, pages)
		require.Len(t, seen, 27)
		for id := range created {
			require.True(t, seen[id])
		}
		require.True(t, seen[sys.Seed.Acme.ID.String()])
		require.True(t, seen[sys.Seed.Globex.ID.String()])
	})

	t.Run("createClient name", func(t *testing.T) {
		before := clientCount()
		for name, value := range map[string]any{
			"empty":      "",
			"blank":      "   ",
			"201 chars":  strings.Repeat("n", 201),
			"201 runes":  strings.Repeat("é", 201),
			"null value": nil,
		} {
			t.Run(name, func(t *testing.T) {
				r := admin.Do(`mutation($in:CreateClientInput!){ createClient(input:$in) { id } }`, map[string]any{"in": map[string]any{"name": value}})
				if value == nil {
					// A null for a String! is refused by GraphQL coercion, before the domain.
					require.NotEmpty(t, r.Code(), "errors: %+v", r.Errors)
					return
				}
				requireInvalid(t, r, "name")
			})
		}
		require.Equal(t, before, clientCount(), "no client written")
		// 200 characters is within bounds.
		var out struct{ CreateClient struct{ Name string } }
		admin.Do(`mutation($n:String!){ createClient(input:{name:$n}) { name } }`, map[string]any{"n": strings.Repeat("é", 200)}).Decode(t, &out)
		require.Equal(t, strings.Repeat("é", 200), out.CreateClient.Name)
	})

	t.Run("createClient without a name", func(t *testing.T) {
		before := clientCount()
		rs := []e2e.Response{
			admin.Do(`mutation { createClient(input:{}) { id } }`, nil),
			admin.Do(`mutation($in:CreateClientInput!){ createClient(input:$in) { id } }`, map[string]any{"in": map[string]any{}}),
		}
		require.Equal(t, before, clientCount(), "no client written")
		for _, r := range rs {
			require.NotEmpty(t, r.Code(), "errors: %+v", r.Errors)
			require.Empty(t, string(r.Data), "a request error carries no data entry")
		}
		for _, r := range rs {
			require.Equal(t, "BAD_USER_INPUT", r.Code(), "errors: %+v", r.Errors)
			require.Equal(t, "name", r.Field(), "errors: %+v", r.Errors)
		}
	})

	t.Run("duplicate client name", func(t *testing.T) {
		before := clientCount()
		for _, name := range []string{"Acme", "acme", "  ACME "} {
			r := admin.Do(`mutation($n:String!){ createClient(input:{name:$n}) { id } }`, map[string]any{"n": name})
			requireCode(t, r, "CONFLICT")
			require.Equal(t, sys.Seed.Acme.ID.String(), r.Errors[0].Extensions["object"], "CONFLICT names the existing client")
		}
		require.Equal(t, before, clientCount())
	})

	t.Run("createUser", func(t *testing.T) {
		before := userCount()
		acme := sys.Seed.Acme.ID.String()
		for _, c := range []struct {
			name, field string
			in          map[string]any
		}{
			{"bad email", "email", map[string]any{"email": "not an email", "role": "MEMBER"}},
			{"email with display name", "email", map[string]any{"email": "Eve <eve@demo.test>", "role": "MEMBER"}},
			{"empty email", "email", map[string]any{"email": "", "role": "MEMBER"}},
			{"taken email", "email", map[string]any{"email": "Alice@Acme.test", "role": "MEMBER"}},
			{"short password", "password", map[string]any{"password": "short", "role": "MEMBER"}},
			{"empty name", "name", map[string]any{"name": " ", "role": "MEMBER"}},
			{"client user without clientId", "clientId", map[string]any{"role": "CLIENT_USER"}},
			{"staff with clientId", "clientId", map[string]any{"role": "MEMBER", "clientId": acme}},
			{"malformed clientId", "clientId", map[string]any{"role": "CLIENT_USER", "clientId": "not-a-uuid"}},
			{"unknown clientId", "clientId", map[string]any{"role": "CLIENT_USER", "clientId": "00000000-0000-4000-8000-000000000000"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				in := map[string]any{"email": "valid@demo.test", "name": "Valid Name", "password": "long-enough-password"}
				for k, v := range c.in {
					in[k] = v
				}
				r := admin.Do(`mutation($in:CreateUserInput!){ createUser(input:$in) { id } }`, map[string]any{"in": in})
				requireInvalid(t, r, c.field)
			})
		}
		require.Equal(t, before, userCount(), "no user written")
	})

	t.Run("client(id) malformed", func(t *testing.T) {
		for _, id := range []string{"123", "not-a-uuid", sys.Seed.Acme.ID.String() + "0"} {
			requireInvalid(t, admin.Do(`query($id:ID!){ client(id:$id) { id } }`, map[string]any{"id": id}), "id")
		}
	})

	t.Run("wrong types", func(t *testing.T) {
		before := clientCount()
		for _, r := range []e2e.Response{
			admin.Do(`mutation { createClient(input:{name: 5}) { id } }`, nil),
			admin.Do(`{ jobs(limit: "ten") { id } }`, nil),
			admin.Do(`query($l:Int){ jobs(limit: $l) { id } }`, map[string]any{"l": "ten"}),
			admin.Do(`{ jobs(type: NOT_A_TYPE) { id } }`, nil),
			admin.Do(`{ clients(first: 1.5) { totalCount } }`, nil),
			admin.Do(`{ nosuchfield }`, nil),
		} {
			require.NotEmpty(t, r.Errors, "data: %s", r.Data)
			require.NotEmpty(t, r.Code(), "every error carries a code: %d %+v", r.Status, r.Errors)
			require.NotEqual(t, "INTERNAL", r.Code(), "errors: %+v", r.Errors)
			// GraphQL over HTTP: for application/json, a request that does not validate or
			// coerce is answered 200, without a data entry.
			require.Equal(t, 200, r.Status)
			require.Empty(t, string(r.Data), "a request error carries no data entry")
		}
		require.Equal(t, before, clientCount())
	})

	t.Run("a number for a String variable", func(t *testing.T) {
		before := clientCount()
		r := admin.Do(`mutation($in:CreateClientInput!){ createClient(input:$in) { id name } }`, map[string]any{"in": map[string]any{"name": 5}})
		require.NotEmpty(t, r.Errors, "data: %s", r.Data)
		require.Equal(t, "BAD_USER_INPUT", r.Code(), "errors: %+v", r.Errors)
		require.Equal(t, "name", r.Field(), "errors: %+v", r.Errors)
		require.Equal(t, before, clientCount())
	})

	t.Run("malformed body", func(t *testing.T) {
		var codes []string
		for _, body := range []string{`{"query": "{ me { id } }"`, `not json at all`, `{"query": 5}`} {
			r := admin.Raw("application/json", []byte(body))
			require.GreaterOrEqual(t, r.Status, 400, "body %q", body)
			require.Less(t, r.Status, 500, "body %q", body)
			require.NotEmpty(t, r.Errors)
			require.Empty(t, string(r.Data), "a request error carries no data entry")
			codes = append(codes, r.Code())
		}
		require.Equal(t, []string{"BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT"}, codes)
	})

	t.Run("body over 1 MiB", func(t *testing.T) {
		before := clientCount()
		body, err := json.Marshal(map[string]any{
			"query":     `mutation($n:String!){ createClient(input:{name:$n}) { id } }`,
			"variables": map[string]any{"n": "Big", "pad": strings.Repeat("x", 1<<20)},
		})
		require.NoError(t, err)
		r := admin.Raw("application/json", body)
		require.Equal(t, http.StatusRequestEntityTooLarge, r.Status)
		requireCode(t, r, "BAD_USER_INPUT")

		// The same body without a Content-Length (chunked) is refused alike.
		req, err := http.NewRequest(http.MethodPost, admin.Base+"/graphql", io.MultiReader(bytes.NewReader(body)))
		require.NoError(t, err)
		req.ContentLength = -1
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", e2e.Origin)
		resp, err := admin.HTTP.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "body: %s", raw)
		var chunked e2e.Response
		require.NoError(t, json.Unmarshal(raw, &chunked))
		requireCode(t, chunked, "BAD_USER_INPUT")
		require.Equal(t, before, clientCount())
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM clients WHERE name = 'Big'`))

		// A chunked body within the limit still works.
		small, err := json.Marshal(map[string]any{"query": `{ me { email } }`})
		require.NoError(t, err)
		req, err = http.NewRequest(http.MethodPost, admin.Base+"/graphql", io.MultiReader(bytes.NewReader(small)))
		require.NoError(t, err)
		req.ContentLength = -1
		req.Header.Set("Content-Type", "application/json")
		resp2, err := admin.HTTP.Do(req)
		require.NoError(t, err)
		defer resp2.Body.Close()
		raw, err = io.ReadAll(resp2.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp2.StatusCode, "body: %s", raw)
		require.JSONEq(t, `{"data":{"me":{"email":"admin@demo.test"}}}`, string(raw))
	})

	t.Run("jobs limit", func(t *testing.T) {
		for _, limit := range []int{0, -1, 101} {
			requireInvalid(t, admin.Do(`query($l:Int){ jobs(limit:$l) { id } }`, map[string]any{"l": limit}), "limit")
		}
		require.Empty(t, admin.Do(`{ jobs(limit: 100) { id } }`, nil).Errors)
		require.Empty(t, admin.Do(`{ jobs(limit: 1) { id } }`, nil).Errors)
	})

	t.Run("clients paging arguments", func(t *testing.T) {
		requireInvalid(t, admin.Do(`{ clients(first: 101) { totalCount } }`, nil), "first")
		requireInvalid(t, admin.Do(`{ clients(first: -1) { totalCount } }`, nil), "first")
		requireInvalid(t, admin.Do(`{ clients(after: "garbage") { totalCount } }`, nil), "after")
		requireInvalid(t, admin.Do(`{ clients(after: "Zm9vfGJhcg") { totalCount } }`, nil), "after") // "foo|bar"
		r := admin.Do(`{ clients(first: 0) { totalCount nodes { id } } }`, nil)
		requireInvalid(t, r, "first")
	})
}
