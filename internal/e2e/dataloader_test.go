package e2e_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/e2e"
)

// queryCounter counts the SQL statements a bun.DB runs.
type queryCounter struct{ n atomic.Int64 }

func (q *queryCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}
func (q *queryCounter) AfterQuery(context.Context, *bun.QueryEvent) { q.n.Add(1) }

// A page of identities with each one's client, platform and provider statuses costs the same
// number of SQL statements whether it holds one identity or twenty.
func TestIdentityListCostsConstantQueries(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	counter := &queryCounter{}
	sys.DB.AddQueryHook(counter)
	admin := sys.Login("admin@demo.test")
	const list = `query($c:ID!){ identities(clientId:$c, first: 50) { totalCount nodes { id client { name } platform { key connection { state } } providerStatuses { provider status } } } }`
	cost := func(clientID string) (int64, int) {
		before := counter.n.Load()
		var out struct {
			Identities struct{ TotalCount int }
		}
		admin.Do(list, map[string]any{"c": clientID}).Decode(t, &out)
		return counter.n.Load() - before, out.Identities.TotalCount
	}
	acme, globex := sys.Seed.Acme.ID.String(), sys.Seed.Globex.ID.String()
	createExternal(t, admin, globex, "META_ADS", "one-Pa55word!")
	oneCost, n := cost(globex)
	require.Equal(t, 1, n)
	// One live identity per client and platform: connect every platform to give Acme five.
	for _, p := range []string{"TIKTOK_ADS", "LINKEDIN_ADS"} {
		admin.Do(fmt.Sprintf(`mutation{ connectPlatform(input:{platform: %s, state: OPERATIONAL}){ key } }`, p), nil)
	}
	for _, p := range []string{"META_ADS", "GOOGLE_ADS", "GA4", "TIKTOK_ADS", "LINKEDIN_ADS"} {
		createExternal(t, admin, acme, p, "many-Pa55word!")
	}
	// One live agency identity per platform: five platforms, five agency identities.
	for i, p := range []string{"META_ADS", "GOOGLE_ADS", "GA4", "TIKTOK_ADS", "LINKEDIN_ADS"} {
		require.Empty(t, admin.Do(fmt.Sprintf(`mutation{ createIdentity(input:{type: API_TOKEN, platform: %s, token: "t-%d"}){ id } }`, p, i), nil).Errors)
	}
	fiveCost, n := cost(acme)
	require.Equal(t, 5, n)
	require.Equal(t, oneCost, fiveCost, "SQL statements for a page of 1 vs 5 identities")

	const agencyList = `{ agencyIdentities(first: 50) { totalCount nodes { id platform { key } providerStatuses { status } } } }`
	before := counter.n.Load()
	var out struct{ AgencyIdentities struct{ TotalCount int } }
	admin.Do(agencyList, nil).Decode(t, &out)
	require.Equal(t, 5, out.AgencyIdentities.TotalCount)
	require.LessOrEqual(t, counter.n.Load()-before, oneCost+1, "five agency identities cost no more than one client identity")
}
