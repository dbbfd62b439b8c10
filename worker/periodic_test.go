package worker

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/testenv"
)

func TestPeriodicRunsOnOneReplicaPerTick(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const every = 200 * time.Millisecond
	var (
		mu    sync.Mutex
		ticks = map[time.Time][]int{} // tick → the replicas that ran it
		total int
	)
	for replica := range 2 {
		w := b.worker(b.config())
		w.Periodic("expire-requests", every, func(ctx context.Context) error {
			_, ok := ctx.Deadline()
			assert.True(t, ok, "a periodic run ends with its interval")
			mu.Lock()
			defer mu.Unlock()
			tick := time.Now().Truncate(every)
			ticks[tick] = append(ticks[tick], replica)
			total++
			return nil
		})
		run(t, w)
	}
	waitFor(t, "five ticks", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return total >= 5
	})
	mu.Lock()
	defer mu.Unlock()
	for tick, replicas := range ticks {
		require.Len(t, replicas, 1, "tick %s ran on replicas %v", tick.Format(time.StampMilli), replicas)
	}
}

// Workers with different key prefixes on one Redis database take separate periodic locks: each
// runs every tick, as two deployments sharing a Redis database would.
func TestPeriodicLocksAreKeyedByPrefix(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const (
		name  = "expire-requests"
		every = 200 * time.Millisecond
	)
	prefixes := []string{testenv.Prefix(t), testenv.Prefix(t)}
	var (
		mu    sync.Mutex
		ticks = [2]map[time.Time]bool{{}, {}} // per worker, the ticks it ran
	)
	for i, prefix := range prefixes {
		cfg := b.config()
		cfg.KeyPrefix = prefix
		w := b.worker(cfg)
		w.Periodic(name, every, func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			ticks[i][time.Now().Truncate(every)] = true
			return nil
		})
		run(t, w)
	}
	// With a shared lock each tick would run on one worker only.
	waitFor(t, "three ticks run by both workers", func() bool {
		mu.Lock()
		defer mu.Unlock()
		both := 0
		for tick := range ticks[0] {
			if ticks[1][tick] {
				both++
			}
		}
		return both >= 3
	})

	rdb := redis.NewClient(&redis.Options{Addr: b.redisOpt.Addr, DB: b.redisOpt.DB})
	defer rdb.Close()
	ctx := context.Background()
	for _, prefix := range prefixes {
		waitFor(t, "a lock under "+prefix, func() bool {
			keys, err := rdb.Keys(ctx, prefix+"worker:periodic:"+name+":*").Result()
			require.NoError(t, err)
			return len(keys) > 0
		})
	}
	keys, err := rdb.Keys(ctx, DefaultKeyPrefix+"*").Result()
	require.NoError(t, err)
	require.Empty(t, keys, "nothing is kept under the default prefix")
}

func TestPeriodicRefusesBadRegistrations(t *testing.T) {
	t.Parallel()
	w := New(Config{}, Deps{})
	fn := func(context.Context) error { return nil }
	require.Panics(t, func() { w.Periodic("x", 0, fn) })
	w.Periodic("x", time.Minute, fn)
	require.Panics(t, func() { w.Periodic("x", time.Minute, fn) })
}
