package e2e_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
	"github.com/accesshive/accesshive/worker"
)

func TestLoginMeClientsPlatforms(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	owner := sys.Login("owner@demo.test")
	require.NotEmpty(t, owner.Cookie())

	var me struct {
		Me struct {
			Email  string
			Role   string
			Client *struct{ ID string }
			Agency struct{ Name string }
		}
	}
	owner.Do(`{ me { email role client { id } agency { name } } }`, nil).Decode(t, &me)
	require.Equal(t, "owner@demo.test", me.Me.Email)
	require.Equal(t, "AGENCY_OWNER", me.Me.Role)
	require.Nil(t, me.Me.Client)
	require.Equal(t, "Demo Agency", me.Me.Agency.Name)

	var cl struct {
		Clients struct {
			Nodes      []struct{ ID, Name string }
			TotalCount int
		}
	}
	owner.Do(`{ clients { nodes { id name } totalCount } }`, nil).Decode(t, &cl)
	require.Equal(t, 2, cl.Clients.TotalCount)
	require.ElementsMatch(t, []string{"Acme", "Globex"}, []string{cl.Clients.Nodes[0].Name, cl.Clients.Nodes[1].Name})

	var pl struct {
		Platforms []struct {
			Key        string
			Connection *struct{ State string }
		}
	}
	owner.Do(`{ platforms { key connection { state } } }`, nil).Decode(t, &pl)
	states := map[string]string{}
	for _, p := range pl.Platforms {
		s := "NONE"
		if p.Connection != nil {
			s = p.Connection.State
		}
		states[p.Key] = s
	}
	require.Equal(t, map[string]string{"GA4": "OPERATIONAL", "GOOGLE_ADS": "OPERATIONAL", "META_ADS": "OPERATIONAL", "TIKTOK_ADS": "PENDING", "LINKEDIN_ADS": "NONE"}, states)
}

func TestConnectPlatformRunsRecordedJob(t *testing.T) {
	t.Parallel()
	var workerCfg worker.Config
	sys := e2e.Start(t, e2e.Options{TuneWorker: func(c *worker.Config) { workerCfg = *c }})
	// The worker's coordination keys live under the deployment's ACCESSHIVE_REDIS_PREFIX.
	require.Equal(t, sys.Config.KeyPrefix, workerCfg.KeyPrefix)
	admin := sys.Login("admin@demo.test")
	sub := admin.Subscribe(e2e.ProtoTransportWS, `subscription { jobUpdated(type: CHECK_PLATFORM_CONNECTION) { id type status attempts result } }`, nil)

	var res struct {
		ConnectPlatform struct {
			Key        string
			Connection struct{ State string }
		}
	}
	admin.Do(`mutation { connectPlatform(input:{platform: TIKTOK_ADS, state: OPERATIONAL}) { key connection { state } } }`, nil).Decode(t, &res)
	require.Equal(t, "OPERATIONAL", res.ConnectPlatform.Connection.State)

	type job struct {
		ID, Type, Status string
		Attempts         int
		Result           map[string]any
	}
	var ev struct{ JobUpdated job }
	sub.Expect(10*time.Second, &ev)
	require.Equal(t, "RUNNING", ev.JobUpdated.Status)
	sub.Expect(10*time.Second, &ev)
	require.Equal(t, "SUCCEEDED", ev.JobUpdated.Status)
	require.Equal(t, "TIKTOK_ADS", ev.JobUpdated.Result["platform"])

	var jobs struct{ Jobs []job }
	admin.Do(`{ jobs(type: CHECK_PLATFORM_CONNECTION) { id type status attempts result } }`, nil).Decode(t, &jobs)
	require.Len(t, jobs.Jobs, 1)
	require.Equal(t, "SUCCEEDED", jobs.Jobs[0].Status)
	require.Equal(t, 1, jobs.Jobs[0].Attempts)
	require.Equal(t, ev.JobUpdated.ID, jobs.Jobs[0].ID)
}
