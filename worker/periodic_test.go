package worker

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

func TestPeriodicRefusesBadRegistrations(t *testing.T) {
	t.Parallel()
	w := New(Config{}, Deps{})
	fn := func(context.Context) error { return nil }
	require.Panics(t, func() { w.Periodic("x", 0, fn) })
	w.Periodic("x", time.Minute, fn)
	require.Panics(t, func() { w.Periodic("x", time.Minute, fn) })
}
