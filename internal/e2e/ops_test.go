package e2e_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
)

// TestOpsEndpoints covers what operators and probes use: health, readiness, metrics, asynqmon
// behind its guard, and no playground outside dev.
func TestOpsEndpoints(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	anon := sys.NewClient(0)

	t.Run("healthz", func(t *testing.T) {
		code, body := anon.Get("/healthz")
		require.Equal(t, http.StatusOK, code)
		require.JSONEq(t, `{"status":"ok"}`, body)
	})

	t.Run("readyz", func(t *testing.T) {
		code, body := anon.Get("/readyz")
		require.Equal(t, http.StatusOK, code, body)
		var checks map[string]string
		require.NoError(t, json.Unmarshal([]byte(body), &checks))
		require.Equal(t, "ok", checks["postgres"])
		require.Equal(t, "ok", checks["redis"])
	})

	t.Run("playground is off", func(t *testing.T) {
		// /playground is then only a console route: the console (or its "not built" page), never GraphiQL.
		_, body := anon.Get("/playground")
		require.NotContains(t, body, "GraphQL playground")
	})

	t.Run("ops queues guard", func(t *testing.T) {
		for _, c := range []struct {
			who  string
			want int
		}{
			{"", http.StatusUnauthorized},
			{"member@demo.test", http.StatusForbidden},
			{"alice@acme.test", http.StatusForbidden},
			{"owner@rival.test", http.StatusForbidden},
			{"owner@demo.test", http.StatusOK},
			{"admin@demo.test", http.StatusOK},
		} {
			name := c.who
			if name == "" {
				name = "no session"
			}
			t.Run(name, func(t *testing.T) {
				cl := anon
				if c.who != "" {
					cl = sys.Login(c.who)
				}
				for _, path := range []string{"/ops/queues", "/ops/queues/", "/ops/queues/api/queues"} {
					code, body := cl.Get(path)
					require.Equal(t, c.want, code, "GET %s as %s: %s", path, name, body)
					if c.want != http.StatusOK {
						require.NotContains(t, body, "critical", "a refused caller sees nothing of the queues")
					}
				}
			})
		}
		t.Run("asynqmon API answers the operator", func(t *testing.T) {
			code, body := sys.Login("owner@demo.test").Get("/ops/queues/api/queues")
			require.Equal(t, http.StatusOK, code)
			require.True(t, json.Valid([]byte(body)), "asynqmon's API answers JSON: %s", body)
		})
		t.Run("a cross-site request to asynqmon is refused", func(t *testing.T) {
			owner := sys.Login("owner@demo.test")
			req, err := http.NewRequest(http.MethodDelete, owner.Base+"/ops/queues/api/queues/default", nil)
			require.NoError(t, err)
			req.Header.Set("Origin", foreignOrigin)
			resp, err := owner.HTTP.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusForbidden, resp.StatusCode)
		})
	})

	t.Run("metrics", func(t *testing.T) {
		admin := sys.Login("admin@demo.test")
		sub := admin.Subscribe(e2e.ProtoTransportWS, `subscription { jobUpdated(type: CHECK_PLATFORM_CONNECTION) { id status } }`, nil)
		admin.Do(`mutation { connectPlatform(input:{platform: LINKEDIN_ADS, state: OPERATIONAL}) { key } }`, nil).Decode(t, &struct{}{})
		awaitSucceeded(t, sub, 1)
		require.Empty(t, admin.Do(`{ clients { totalCount } }`, nil).Errors)

		code, body := anon.Metrics()
		require.Equal(t, http.StatusOK, code)
		for _, want := range []string{
			`accesshive_http_request_duration_seconds_bucket{code="200",method="POST",route="/graphql"`,
			`accesshive_graphql_operation_duration_seconds_bucket{errors="false",field="clients",type="query"`,
			`accesshive_graphql_operation_duration_seconds_bucket{errors="false",field="connectPlatform",type="mutation"`,
		} {
			require.Contains(t, body, want)
		}
		// The worker counts the attempt after it published the event, so the count is polled.
		succeeded := regexp.MustCompile(`(?m)^accesshive_jobs_total\{status="SUCCEEDED",type="CHECK_PLATFORM_CONNECTION"\} ([0-9.e+]+)$`)
		e2e.Eventually(t, 10*time.Second, func() bool {
			_, body = anon.Metrics()
			m := succeeded.FindStringSubmatch(body)
			return m != nil && m[1] == "1"
		}, "accesshive_jobs_total{CHECK_PLATFORM_CONNECTION, SUCCEEDED} is not 1")
		// Metrics hold no session tokens or emails.
		require.NotContains(t, body, admin.Cookie())
		require.NotContains(t, body, "@demo.test")
	})
}
