package e2e_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
	"github.com/accesshive/accesshive/internal/event"
)

// TestJobUpdatedAcrossProtocolsAndReplicas runs two API replicas on one Redis: subscribers on
// both replicas, over both websocket protocols, receive the events the worker raises for a job
// that a mutation sent to replica 0 enqueued; a subscriber to another job type receives none.
func TestJobUpdatedAcrossProtocolsAndReplicas(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{Replicas: 2})
	require.Len(t, sys.APIs, 2)
	admin0 := sys.LoginOn(0, "admin@demo.test")
	owner1 := sys.LoginOn(1, "owner@demo.test")
	member1 := sys.LoginOn(1, "member@demo.test")

	const byType = `subscription($t: JobType) { jobUpdated(type: $t) { id type status attempts maxAttempts queuedAt startedAt finishedAt input result error } }`
	check := map[string]any{"t": "CHECK_PLATFORM_CONNECTION"}
	subs := map[string]*e2e.Sub{
		"replica 1, graphql-transport-ws": owner1.Subscribe(e2e.ProtoTransportWS, byType, check),
		"replica 1, graphql-ws":           member1.Subscribe(e2e.ProtoGraphQLWS, byType, check),
		"replica 1, no type filter":       owner1.Subscribe(e2e.ProtoGraphQLWS, byType, nil),
		"replica 0, graphql-ws":           admin0.Subscribe(e2e.ProtoGraphQLWS, byType, check),
	}
	other := owner1.Subscribe(e2e.ProtoTransportWS, byType, map[string]any{"t": "PROVISION_IDENTITY"})

	var res struct {
		ConnectPlatform struct{ Key string }
	}
	admin0.Do(`mutation { connectPlatform(input:{platform: LINKEDIN_ADS, state: OPERATIONAL}) { key } }`, nil).Decode(t, &res)
	var jobID string
	require.NoError(t, sys.DB.QueryRowContext(t.Context(), `SELECT id::text FROM jobs`).Scan(&jobID))

	type fullJob struct {
		ID, Type, Status      string
		Attempts, MaxAttempts int
		QueuedAt              time.Time
		StartedAt, FinishedAt *time.Time
		Input, Result         map[string]any
		Error                 *string
	}
	lastOf := map[string]fullJob{}
	for name, sub := range subs {
		t.Run(name, func(t *testing.T) {
			var statuses []string
			var last fullJob
			for len(statuses) == 0 || statuses[len(statuses)-1] != "SUCCEEDED" {
				var ev struct{ JobUpdated fullJob }
				sub.Expect(15*time.Second, &ev)
				require.Equal(t, jobID, ev.JobUpdated.ID)
				require.Equal(t, "CHECK_PLATFORM_CONNECTION", ev.JobUpdated.Type)
				statuses = append(statuses, ev.JobUpdated.Status)
				last = ev.JobUpdated
			}
			require.Equal(t, []string{"RUNNING", "SUCCEEDED"}, statuses)
			require.Equal(t, 1, last.Attempts)
			require.NotNil(t, last.StartedAt)
			require.NotNil(t, last.FinishedAt)
			require.Equal(t, "LINKEDIN_ADS", last.Input["platform"])
			require.Equal(t, "LINKEDIN_ADS", last.Result["platform"])
			// A succeeded job has no error, in the event as in the jobs query.
			require.Nil(t, last.Error)
			lastOf[name] = last
		})
	}

	t.Run("events agree with the jobs query", func(t *testing.T) {
		var q struct{ Jobs []fullJob }
		admin0.Do(`{ jobs { id type status attempts maxAttempts queuedAt startedAt finishedAt input result error } }`, nil).Decode(t, &q)
		require.Len(t, q.Jobs, 1)
		rec := q.Jobs[0]
		require.Equal(t, 3, rec.MaxAttempts)
		for name, ev := range lastOf {
			require.Equal(t, rec.ID, ev.ID, name)
			require.Equal(t, rec.Status, ev.Status, name)
			require.Equal(t, rec.Attempts, ev.Attempts, name)
			require.True(t, rec.QueuedAt.Equal(ev.QueuedAt), name)
			require.Equal(t, rec.Result, ev.Result, name)
		}
		for name, ev := range lastOf {
			require.Equal(t, rec.MaxAttempts, ev.MaxAttempts, name)
		}
	})

	t.Run("type filter", func(t *testing.T) {
		// Sentinel: an event of the subscribed type published after the check job finished.
		// One Redis channel carries every event in order, so had the check job's events been
		// let through, they would arrive before it.
		data, err := json.Marshal(map[string]any{
			"id": "00000000-0000-4000-8000-00000000beef", "type": "PROVISION_IDENTITY", "status": "QUEUED",
			"attempts": 0, "maxAttempts": 8, "queuedAt": time.Now().UTC(),
		})
		require.NoError(t, err)
		require.NoError(t, sys.Apps[0].Bus.Publish(t.Context(), event.Event{
			Topic: event.TopicJobUpdated, AgencyID: sys.Seed.Demo.ID, Key: "PROVISION_IDENTITY", Data: data,
		}))
		var ev struct{ JobUpdated jobEvent }
		other.Expect(15*time.Second, &ev)
		require.Equal(t, "PROVISION_IDENTITY", ev.JobUpdated.Type, "a PROVISION_IDENTITY subscriber got another type's event")
		require.Equal(t, "00000000-0000-4000-8000-00000000beef", ev.JobUpdated.ID)
	})
}
