package gws

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// Limiter paces a Client's requests: Wait returns when the next one may go, or with ctx's
// error. *rate.Limiter (one process) and the limiters of RedisLimiters (every worker) are
// Limiters.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Limiters hands out one rate limiter per agency, shared by every Client of that agency, so
// that concurrent jobs of one agency share its quota while other agencies keep theirs. Built by
// NewRedisLimiters the quota is held in Redis and shared by every worker process; built by
// NewLimiters it is per process (tests, single-process runs). It is safe for concurrent use.
type Limiters struct {
	qpm int
	// redis, when set, holds the quotas (see NewRedisLimiters).
	redis  *redis_rate.Limiter
	prefix string

	mu sync.Mutex
	m  map[uuid.UUID]Limiter
}

// NewLimiters returns per-process Limiters allowing qpm queries a minute per agency; zero or
// less means DefaultQueriesPerMinute.
func NewLimiters(qpm int) *Limiters {
	return &Limiters{qpm: qpm, m: make(map[uuid.UUID]Limiter)}
}

// NewRedisLimiters returns Limiters whose quotas live in Redis under prefix, so that all the
// workers together stay within qpm queries a minute per agency (Google's quota is per admin,
// not per process). Zero or less qpm means DefaultQueriesPerMinute.
func NewRedisLimiters(rdb redis.UniversalClient, prefix string, qpm int) *Limiters {
	l := NewLimiters(qpm)
	l.redis, l.prefix = redis_rate.NewLimiter(rdb), prefix
	return l
}

// For returns the agency's limiter, creating it on first use.
func (l *Limiters) For(agencyID uuid.UUID) Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[agencyID]
	if !ok {
		if l.redis != nil {
			lim = &RedisLimiter{lim: l.redis, key: l.prefix + "gws:quota:" + agencyID.String(), limit: redisLimit(l.qpm)}
		} else {
			lim = newLimiter(l.qpm)
		}
		l.m[agencyID] = lim
	}
	return lim
}

// redisLimit is newLimiter's pace in redis_rate's terms: qpm a minute, a second's share at once.
func redisLimit(qpm int) redis_rate.Limit {
	if qpm <= 0 {
		qpm = DefaultQueriesPerMinute
	}
	return redis_rate.Limit{Rate: qpm, Period: time.Minute, Burst: max(1, qpm/60)}
}

// RedisLimiter is one agency's quota held in Redis (GCRA, github.com/go-redis/redis_rate).
type RedisLimiter struct {
	lim   *redis_rate.Limiter
	key   string
	limit redis_rate.Limit
}

// TryAcquire takes one query of the quota if one is free now, and says when to try again if
// not.
func (r *RedisLimiter) TryAcquire(ctx context.Context) (bool, time.Duration, error) {
	res, err := r.lim.Allow(ctx, r.key, r.limit)
	if err != nil {
		return false, 0, fmt.Errorf("gws: quota in redis: %w", err)
	}
	return res.Allowed > 0, res.RetryAfter, nil
}

// Wait takes one query of the quota, waiting until one is free.
func (r *RedisLimiter) Wait(ctx context.Context) error {
	for {
		ok, after, err := r.TryAcquire(ctx)
		if err != nil || ok {
			return err
		}
		if err := sleep(ctx, max(after, time.Millisecond)); err != nil {
			return err
		}
	}
}

// newLimiter spreads qpm evenly over the minute and allows a burst of one
// second's worth, so a quiet agency starts quickly without ever exceeding the
// per-minute quota by more than a second's share.
func newLimiter(qpm int) *rate.Limiter {
	if qpm <= 0 {
		qpm = DefaultQueriesPerMinute
	}
	return rate.NewLimiter(rate.Limit(float64(qpm)/60), max(1, qpm/60))
}
