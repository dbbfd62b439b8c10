package chaos

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/demo"
)

// pairKind is how the suites ask for one platform: the identity type of the request and the
// credentials its approval carries (none for a MANAGED_GWS identity, which the worker
// provisions in the fake directory).
type pairKind struct {
	Platform, Type string
	Creds          func(client int) map[string]any
}

// kinds covers every platform once per client: two managed identities and three external ones.
var kinds = []pairKind{
	{Platform: "GA4", Type: "MANAGED_GWS"},
	{Platform: "META_ADS", Type: "EXTERNAL_LOGIN", Creds: func(i int) map[string]any {
		return map[string]any{"username": fmt.Sprintf("meta-%03d@client.example", i), "password": fmt.Sprintf("Meta-secret-%03d!", i)}
	}},
	{Platform: "GOOGLE_ADS", Type: "MANAGED_GWS"},
	{Platform: "TIKTOK_ADS", Type: "API_TOKEN", Creds: func(i int) map[string]any {
		return map[string]any{"token": fmt.Sprintf("tiktok-token-%03d-0123456789", i)}
	}},
	{Platform: "LINKEDIN_ADS", Type: "EXTERNAL_LOGIN", Creds: func(i int) map[string]any {
		return map[string]any{"username": fmt.Sprintf("li-%03d@client.example", i), "password": fmt.Sprintf("Linked-secret-%03d!", i)}
	}},
}

// Pair is one client + platform an access request is made for.
type Pair struct {
	Client int
	Kind   pairKind
	// Requester is the client user's email.
	Requester string
}

// fixture creates clients, one client user each (password demo.Password), and makes every
// platform of Demo Agency OPERATIONAL, so that n distinct client + platform pairs exist. It
// writes straight to the database: the setup is not what the suites test.
func fixture(t testing.TB, e *Env, n int) []Pair {
	t.Helper()
	ctx := context.Background()
	clients := (n + len(kinds) - 1) / len(kinds)
	var pairs []Pair
	err := e.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, p := range kinds {
			if err := agency.SeedConnection(ctx, tx, e.Seed.Demo.ID, p.Platform, agency.StateOperational); err != nil {
				return err
			}
		}
		for i := 1; i <= clients; i++ {
			cl := &agency.Client{AgencyID: e.Seed.Demo.ID, Name: clientName(i)}
			if _, err := tx.NewInsert().Model(cl).Returning("*").Exec(ctx); err != nil {
				return err
			}
			email := fmt.Sprintf("crash%03d@client.test", i)
			if _, err := auth.CreateSeedUser(ctx, tx, e.Seed.Demo.ID, auth.NewUser{
				Email: email, Name: fmt.Sprintf("Client User %03d", i), Password: demo.Password, Role: auth.RoleClientUser, ClientID: cl.ID,
			}); err != nil {
				return err
			}
			for _, k := range kinds {
				if len(pairs) < n {
					pairs = append(pairs, Pair{Client: i, Kind: k, Requester: email})
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	return pairs
}

// clientName is the name of the fixture's client number i.
func clientName(i int) string { return fmt.Sprintf("Crash %03d", i) }

// errorf is fmt.Errorf, short for Poll conditions.
var errorf = fmt.Errorf

// envInt reads a positive integer from the environment, or def.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// envDuration reads a duration from the environment, or def.
func envDuration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

const (
	submitOp  = `mutation($in: SubmitAccessRequestInput!){ submitAccessRequest(input:$in){ id status } }`
	approveOp = `mutation($id:ID!, $c:ApprovalCredentialsInput){ approveAccessRequest(id:$id, reason:"chaos", credentials:$c){ id status identity { id } } }`
)

// submit submits the pair's request as its client user and returns the request id.
func submit(ctx context.Context, c *Client, p Pair) (uuid.UUID, error) {
	r, err := c.Do(ctx, submitOp, map[string]any{"in": map[string]any{
		"platform": p.Kind.Platform, "identityType": p.Kind.Type, "justification": "Chaos suite: " + p.Kind.Platform,
	}})
	if err != nil {
		return uuid.Nil, err
	}
	var out struct {
		SubmitAccessRequest struct{ ID uuid.UUID }
	}
	if err := r.Decode(&out); err != nil {
		return uuid.Nil, err
	}
	return out.SubmitAccessRequest.ID, nil
}

// approve approves a request with the pair's credentials.
func approve(ctx context.Context, c *Client, id uuid.UUID, p Pair) (Response, error) {
	vars := map[string]any{"id": id}
	if p.Kind.Creds != nil {
		vars["c"] = p.Kind.Creds(p.Client)
	}
	return c.Do(ctx, approveOp, vars)
}

// count runs SELECT count(*) with a WHERE clause.
func count(t testing.TB, e *Env, table, where string, args ...any) int {
	t.Helper()
	n, err := e.DB.NewSelect().TableExpr(table).Where(where, args...).Count(context.Background())
	require.NoError(t, err)
	return int(n)
}
