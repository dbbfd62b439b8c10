package fake_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/gws/fake"
)

// An outage answers with its disruptions in turn, then ends on its own.
func TestDisruptFor(t *testing.T) {
	srv := fake.New(fake.Options{})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	get := func() (int, time.Duration) {
		begin := time.Now()
		resp, err := http.Get(ts.URL + "/admin/directory/v1/users?customer=my_customer")
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode, time.Since(begin)
	}

	srv.DisruptFor(time.Hour, fake.RateLimited, fake.BackendError, fake.Slow(200*time.Millisecond))
	var codes []int
	for range 4 {
		code, took := get()
		codes = append(codes, code)
		if len(codes) == 3 {
			require.GreaterOrEqual(t, took, 200*time.Millisecond, "the slow answer waits")
		}
	}
	require.Equal(t, []int{403, 503, 200, 403}, codes)

	srv.DisruptFor(0)
	code, _ := get()
	require.Equal(t, 200, code, "the outage is over")

	srv.DisruptFor(50*time.Millisecond, fake.BackendError)
	code, _ = get()
	require.Equal(t, 503, code)
	time.Sleep(60 * time.Millisecond)
	code, _ = get()
	require.Equal(t, 200, code, "the outage ended when its time was up")
}
