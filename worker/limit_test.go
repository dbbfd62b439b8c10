package worker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/testenv"
)

func TestAgencyLimiter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := testenv.Redis(t)
	prefix := testenv.Prefix(t)
	l := newAgencyLimiter(rdb, prefix, 2, time.Minute, testLogger())
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
	key := agencyKey(prefix, agency)
	past := float64(time.Now().Add(-time.Second).UnixMilli())
	require.NoError(t, rdb.ZAdd(ctx, key, redis.Z{Score: past, Member: "dead-1"}, redis.Z{Score: past, Member: "dead-2"}).Err())
	d, err := l.acquire(ctx, agency)
	require.NoError(t, err)
	require.NotNil(t, d)
	d.release()
}

// TestAgencyLimiterRenewsLeases: a running task's lease is renewed, so it still holds its slot
// once Redis' clock has passed the lease's first expiry, and release frees it. The test waits
// on Redis' clock and on the renewals it sees, not on sleeps of its own; the limiter's only
// timing is its own design (a renewal every ttl/3 of a ttl-long lease).
func TestAgencyLimiterRenewsLeases(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := testenv.Redis(t)
	const ttl = 2 * time.Second
	l := newAgencyLimiter(rdb, testenv.Prefix(t), 1, ttl, testLogger())
	agency := uuid.New()

	held, err := l.acquire(ctx, agency)
	require.NoError(t, err)
	require.NotNil(t, held)
	expiry := func() float64 {
		score, err := rdb.ZScore(ctx, held.key, held.token).Result()
		require.NoError(t, err, "the lease is gone from its agency's set")
		return score
	}
	firstExpiry := expiry()
	renewals := 0
	for last := firstExpiry; ; time.Sleep(ttl / 20) {
		now, err := rdb.Time(ctx).Result()
		require.NoError(t, err)
		if float64(now.UnixMilli()) > firstExpiry {
			break
		}
		if e := expiry(); e > last {
			renewals, last = renewals+1, e
		}
	}
	require.Positive(t, renewals, "the lease was renewed before its first expiry")
	busy, err := l.acquire(ctx, agency)
	require.NoError(t, err)
	require.Nil(t, busy, "the renewed lease still holds the only slot")

	held.release()
	require.ErrorIs(t, rdb.ZScore(ctx, held.key, held.token).Err(), redis.Nil, "release removes the lease")
	free, err := l.acquire(ctx, agency)
	require.NoError(t, err)
	require.NotNil(t, free)
	free.release()
}

// Limiters with different key prefixes on one Redis database bound their agencies apart, and
// keep their leases under their own prefix.
func TestAgencyLimiterKeyPrefix(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb := testenv.Redis(t)
	prefixA, prefixB := testenv.Prefix(t), testenv.Prefix(t)
	a := newAgencyLimiter(rdb, prefixA, 1, time.Minute, testLogger())
	b := newAgencyLimiter(rdb, prefixB, 1, time.Minute, testLogger())
	agency := uuid.New()

	la, err := a.acquire(ctx, agency)
	require.NoError(t, err)
	require.NotNil(t, la)
	full, err := a.acquire(ctx, agency)
	require.NoError(t, err)
	require.Nil(t, full, "prefix A's only slot is taken")
	lb, err := b.acquire(ctx, agency)
	require.NoError(t, err)
	require.NotNil(t, lb, "prefix B has slots of its own")

	require.Equal(t, prefixA+"worker:agency:"+agency.String()+":running", la.key)
	keys, err := rdb.Keys(ctx, "*").Result()
	require.NoError(t, err)
	require.ElementsMatch(t, []string{agencyKey(prefixA, agency), agencyKey(prefixB, agency)}, keys)
	la.release()
	lb.release()
}

// A task handed back by asynq's recoverer because its worker died (ErrLeaseExpired) comes back
// after about BusyRetryDelay, like a requeue, not after a failed attempt's back-off: the job did
// not fail, and the recovery itself took a minute or more. A real failure keeps its back-off.
func TestRetryDelayAfterLostWorker(t *testing.T) {
	t.Parallel()
	w := &Worker{cfg: Config{
		BusyRetryDelay: 100 * time.Millisecond,
		RetryDelay:     func(int, error, *asynq.Task) time.Duration { return time.Hour },
	}}
	require.LessOrEqual(t, w.retryDelay(0, asynq.ErrLeaseExpired, nil), 200*time.Millisecond)
	require.LessOrEqual(t, w.retryDelay(3, requeue(errAgencyBusy), nil), 200*time.Millisecond)
	require.Equal(t, time.Hour, w.retryDelay(0, errors.New("directory answered 503"), nil))
	require.True(t, isFailure(asynq.ErrLeaseExpired), "a lost worker still spends an attempt")
}
