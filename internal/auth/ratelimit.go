package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limiter counts attempts in fixed windows shared by every API replica through Redis.
type Limiter struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewLimiter returns a limiter whose keys start with prefix.
func NewLimiter(rdb redis.UniversalClient, prefix string) *Limiter {
	return &Limiter{rdb: rdb, prefix: prefix}
}

// Allow counts one attempt under key and reports whether it is within limit per window, and
// if not, how long until the window ends.
func (l *Limiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	k := l.prefix + "ratelimit:" + key
	pipe := l.rdb.TxPipeline()
	incr := pipe.Incr(ctx, k)
	pipe.ExpireNX(ctx, k, window)
	ttl := pipe.PTTL(ctx, k)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, 0, fmt.Errorf("auth: rate limit: %w", err)
	}
	if incr.Val() > int64(limit) {
		return false, ttl.Val(), nil
	}
	return true, 0, nil
}

// Reset forgets the attempts counted under key (after a successful login).
func (l *Limiter) Reset(ctx context.Context, key string) error {
	return l.rdb.Del(ctx, l.prefix+"ratelimit:"+key).Err()
}

// BackoffWindow is the window of key's next count: base doubled for each strike key has
// collected (Strike), up to max.
func (l *Limiter) BackoffWindow(ctx context.Context, key string, base, max time.Duration) (time.Duration, error) {
	n, err := l.rdb.Get(ctx, l.prefix+"strikes:"+key).Int()
	if err != nil && err != redis.Nil {
		return 0, fmt.Errorf("auth: rate limit strikes: %w", err)
	}
	w := base
	for i := 0; i < n && w < max; i++ {
		w *= 2
	}
	if w > max {
		w = max
	}
	return w, nil
}

// Strike records that key reached its limit, once per window: the first refusal of a window
// counts, the refusals after it in the same window do not. Strikes are forgotten after max.
func (l *Limiter) Strike(ctx context.Context, key string, max time.Duration) error {
	marker := l.prefix + "struck:" + key
	set, err := l.rdb.SetNX(ctx, marker, 1, 0).Result()
	if err != nil {
		return fmt.Errorf("auth: rate limit strike: %w", err)
	}
	if !set {
		return nil
	}
	// The marker lives as long as the current window's count.
	ttl, err := l.rdb.PTTL(ctx, l.prefix+"ratelimit:"+key).Result()
	if err != nil || ttl <= 0 {
		ttl = time.Minute
	}
	pipe := l.rdb.TxPipeline()
	pipe.PExpire(ctx, marker, ttl)
	pipe.Incr(ctx, l.prefix+"strikes:"+key)
	pipe.PExpire(ctx, l.prefix+"strikes:"+key, max)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("auth: rate limit strike: %w", err)
	}
	return nil
}

// ResetStrikes forgets key's strikes (after a successful login).
func (l *Limiter) ResetStrikes(ctx context.Context, key string) error {
	return l.rdb.Del(ctx, l.prefix+"strikes:"+key, l.prefix+"struck:"+key).Err()
}
