package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
)

// A request nearing expiry sends the agency's owner and admins one reminder, through a recorded
// EXPIRE_ACCESS_REQUESTS job, and changes nothing else.
func TestAccessRequestExpiryReminder(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	ctx := context.Background()
	alice := sys.Login("alice@acme.test")
	admin := sys.Login("admin@demo.test")
	var sub struct{ SubmitAccessRequest struct{ ID, Status string } }
	alice.Do(`mutation{ submitAccessRequest(input:{platform: META_ADS, identityType: EXTERNAL_LOGIN, justification: "Quarterly audit"}){ id status } }`, nil).Decode(t, &sub)
	id := sub.SubmitAccessRequest.ID

	// Nothing is near expiry yet: no job.
	n, err := sys.Apps[0].Requests.EnqueueExpiryJobs(ctx)
	require.NoError(t, err)
	require.Zero(t, n)

	// Age the request to an hour before the end of its seven-day window.
	_, err = sys.DB.NewUpdate().Table("access_requests").
		Set("created_at = ?", time.Now().Add(-7*24*time.Hour+time.Hour)).
		Set("expires_at = ?", time.Now().Add(time.Hour)).Where("id = ?", id).Exec(ctx)
	require.NoError(t, err)
	n, err = sys.Apps[0].Requests.EnqueueExpiryJobs(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	type job struct {
		Status string
		Result map[string]any
	}
	var jobs struct{ Jobs []job }
	e2e.Eventually(t, 15*time.Second, func() bool {
		admin.Do(`{ jobs(type: EXPIRE_ACCESS_REQUESTS) { status result } }`, nil).Decode(t, &jobs)
		return len(jobs.Jobs) == 1 && jobs.Jobs[0].Status == "SUCCEEDED"
	}, "expiry job succeeded")
	require.EqualValues(t, 0, jobs.Jobs[0].Result["expired"])
	require.EqualValues(t, 1, jobs.Jobs[0].Result["reminded"])

	type notes struct {
		Notifications struct {
			Nodes []struct{ Kind, Title string }
		}
	}
	for _, who := range []string{"admin@demo.test", "owner@demo.test"} {
		var ns notes
		sys.Login(who).Do(`{ notifications { nodes { kind title } } }`, nil).Decode(t, &ns)
		kinds := map[string]int{}
		for _, n := range ns.Notifications.Nodes {
			kinds[n.Kind]++
		}
		require.Equal(t, 1, kinds["ACCESS_REQUEST_EXPIRING"], "%s: %+v", who, ns)
	}
	var member notes
	sys.Login("member@demo.test").Do(`{ notifications { nodes { kind } } }`, nil).Decode(t, &member)
	require.Empty(t, member.Notifications.Nodes, "members decide nothing and get no reminder")

	// Still PENDING, and a second run sends no second reminder.
	var got struct{ AccessRequest struct{ Status string } }
	admin.Do(`query($id:ID!){ accessRequest(id:$id){ status } }`, map[string]any{"id": id}).Decode(t, &got)
	require.Equal(t, "PENDING", got.AccessRequest.Status)
	n, err = sys.Apps[0].Requests.EnqueueExpiryJobs(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}
