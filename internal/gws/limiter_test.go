package gws_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/testenv"
)

// TestRedisLimitersShareTheQuotaAcrossWorkers: two workers (two Limiters on one Redis) draw
// from one quota per agency. Before, each process had its own limiter, so N workers sent N times
// Google's per-admin quota.
func TestRedisLimitersShareTheQuotaAcrossWorkers(t *testing.T) {
	t.Parallel()
	rdb := testenv.Redis(t)
	prefix := testenv.Prefix(t)
	// One query a minute: the first worker's query uses it up for both.
	w1 := gws.NewRedisLimiters(rdb, prefix, 1)
	w2 := gws.NewRedisLimiters(rdb, prefix, 1)
	agency, other := uuid.New(), uuid.New()

	ok, _, err := w1.For(agency).(*gws.RedisLimiter).TryAcquire(t.Context())
	require.NoError(t, err)
	require.True(t, ok)
	ok, after, err := w2.For(agency).(*gws.RedisLimiter).TryAcquire(t.Context())
	require.NoError(t, err)
	require.False(t, ok, "the second worker shares the first one's quota")
	require.Positive(t, after)
	// Another agency keeps its own quota.
	ok, _, err = w2.For(other).(*gws.RedisLimiter).TryAcquire(t.Context())
	require.NoError(t, err)
	require.True(t, ok)
}
