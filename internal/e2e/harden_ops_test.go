package e2e_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/app"
	"github.com/accesshive/accesshive/internal/e2e"
)

// TestHardenWorkerHealthAndReadOnlyQueues: a worker answers /healthz and /readyz (and /metrics)
// on its own address, /readyz fails when Redis does not answer; asynqmon refuses changes unless
// configured, so that nobody deletes a task and leaves its job record QUEUED forever.
func TestHardenWorkerHealthAndReadOnlyQueues(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	ws := httptest.NewServer(sys.Apps[0].WorkerHTTP())
	t.Cleanup(ws.Close)
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		res, err := http.Get(ws.URL + p)
		require.NoError(t, err)
		require.NoError(t, res.Body.Close())
		require.Equal(t, http.StatusOK, res.StatusCode, p)
	}
	gone := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	t.Cleanup(func() { _ = gone.Close() })
	down := httptest.NewServer(app.HealthHandler(sys.DB, gone, prometheus.NewRegistry()))
	t.Cleanup(down.Close)
	res, err := http.Get(down.URL + "/readyz")
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)

	owner := sys.Login("owner@demo.test")
	get, err := http.NewRequest(http.MethodGet, owner.Base+"/ops/queues/api/queues", nil)
	require.NoError(t, err)
	res, err = owner.HTTP.Do(get)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	require.Equal(t, http.StatusOK, res.StatusCode, "operators read the queues")
	del, err := http.NewRequest(http.MethodDelete, owner.Base+"/ops/queues/api/queues/default", nil)
	require.NoError(t, err)
	del.Header.Set("Origin", e2e.Origin)
	res, err = owner.HTTP.Do(del)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode, "asynqmon is read-only unless configured")
}
