package e2e_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
)

// TestMeCanAnswersTheRoleTable checks that `me { can }`, which the console uses to show or
// hide actions, answers each role from the API's own table, and that it agrees with what the
// API then does: a role told it may not manage or decide is refused, and one told it may is not.
func TestMeCanAnswersTheRoleTable(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	type caps struct {
		ReadAgency, ReadOps, Manage, DecideRequests, SubmitRequest             bool
		RevealAgencyIdentity, RevealClientIdentity, ChangeSettings, ViewQueues bool
	}
	want := map[string]caps{
		"owner@demo.test":  {true, true, true, true, false, true, true, true, true},
		"admin@demo.test":  {true, true, true, true, false, true, true, false, true},
		"member@demo.test": {true, true, false, false, false, true, false, false, false},
		"alice@acme.test":  {true, false, false, false, true, false, true, false, false},
		"owner@rival.test": {true, true, true, true, false, true, true, true, true},
	}
	for email, w := range want {
		c := sys.Login(email)
		var me struct{ Me struct{ Can caps } }
		c.Do(`{ me { can { readAgency readOps manage decideRequests submitRequest
			revealAgencyIdentity revealClientIdentity changeSettings viewQueues } } }`, nil).Decode(t, &me)
		require.Equal(t, w, me.Me.Can, email)

		// manage: creating a client succeeds exactly when `can.manage` says so.
		r := c.Do(`mutation($n: String!) { createClient(input: { name: $n }) { id } }`, map[string]any{"n": "Cap " + email})
		if w.Manage {
			require.Empty(t, r.Code(), "%s may manage: %v", email, r.Errors)
		} else {
			require.Equal(t, "FORBIDDEN", r.Code(), email)
		}
		// decideRequests: deciding an unknown request is NOT_FOUND for those who may decide,
		// FORBIDDEN for the others.
		r = c.Do(`mutation { rejectAccessRequest(id: "00000000-0000-0000-0000-000000000001") { id } }`, nil)
		if w.DecideRequests {
			require.Equal(t, "NOT_FOUND", r.Code(), email)
		} else {
			require.Equal(t, "FORBIDDEN", r.Code(), email)
		}
	}
}
