package worker

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/testenv"
)

func TestAgencyLimiter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := testenv.Redis(t)
	l := newAgencyLimiter(rdb, 2, time.Minute, testLogger())
	agency, other := uuid.New(), uuid.New()

	a, err := l.acquire(ctx, agency)
	require.NoError(t, err)
	require.NotNil(t, a)
	b, err := l.acquire(ctx, agency)
	require.NoError(t, err)
	require.NotNil(t, b)
	full, err := l.acquire(ctx, agency)
	require.NoError(t, err)
	require.Nil(t, full, "a third task of the agency must wait")

	o, err := l.acquire(ctx, other)
	require.NoError(t, err)
	require.NotNil(t, o, "another agency has slots of its own")
	o.release()

	a.release()
	c, err := l.acquire(ctx, agency)
	require.NoError(t, err)
	require.NotNil(t, c, "a released slot is free again")
	b.release()
	c.release()

	// A lease whose worker died (its score is in the past) no longer holds a slot.
	key := agencyKey(agency)
	past := float64(time.Now().Add(-time.Second).UnixMilli())
	require.NoError(t, rdb.ZAdd(ctx, key, redis.Z{Score: past, Member: "dead-1"}, redis.Z{Score: past, Member: "dead-2"}).Err())
	d, err := l.acquire(ctx, agency)
	require.NoError(t, err)
	require.NotNil(t, d)
	d.release()
}

func TestAgencyLimiterRenewsLeases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := testenv.Redis(t)
	l := newAgencyLimiter(rdb, 1, 150*time.Millisecond, testLogger())
	agency := uuid.New()

	held, err := l.acquire(ctx, agency)
	require.NoError(t, err)
	require.NotNil(t, held)
	time.Sleep(400 * time.Millisecond) // well past the TTL: only renewal keeps the slot
	busy, err := l.acquire(ctx, agency)
	require.NoError(t, err)
	require.Nil(t, busy)
	held.release()
	free, err := l.acquire(ctx, agency)
	require.NoError(t, err)
	require.NotNil(t, free)
	free.release()
}
