package worker

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// periodic is a function registered with Periodic.
type periodic struct {
	name  string
	every time.Duration
	fn    func(ctx context.Context) error
}

// Periodic runs fn every interval, on one worker replica per tick. fn typically enqueues
// recorded jobs with job.Enqueue (e.g. expiring access requests), so the work itself is retried,
// recorded and bounded like any other job.
//
// Ticks are aligned to the wall clock (multiples of every since the zero time), so every replica
// agrees on which tick it is. At each tick each replica tries SET NX PX on a Redis key named
// after Config.KeyPrefix, name and the tick; the one that sets it runs fn, the others skip that
// tick. The key lives for two intervals, long enough for any replica's clock to have moved past
// the tick, so fn runs once per tick however many replicas with the same prefix there are
// (workers with different prefixes share no locks). fn's context ends with the interval, so one
// run never overlaps the next. Periodic panics when called after Run, with every <= 0 or
// with a name registered twice.
func (w *Worker) Periodic(name string, every time.Duration, fn func(ctx context.Context) error) {
	if every <= 0 || fn == nil || name == "" {
		panic(fmt.Sprintf("worker: Periodic(%q): needs a name, an interval > 0 and a function", name))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running {
		panic("worker: Periodic called after Run")
	}
	for _, p := range w.periodics {
		if p.name == name {
			panic(fmt.Sprintf("worker: Periodic(%q) registered twice", name))
		}
	}
	w.periodics = append(w.periodics, periodic{name: name, every: every, fn: fn})
}

// periodicKey is the lock of one tick: prefix + "worker:periodic:<name>:<tick>".
func periodicKey(prefix, name string, tick int64) string {
	return fmt.Sprintf("%sworker:periodic:%s:%d", prefix, name, tick)
}

// runPeriodic ticks p until ctx is done.
func (w *Worker) runPeriodic(ctx context.Context, p periodic) {
	log := w.log.With(slog.String("periodic", p.name))
	for {
		next := time.Now().Truncate(p.every).Add(p.every)
		timer := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		// The tick number comes from the scheduled time, not from the clock after waking, so a
		// late or early wake-up still names the right tick.
		tick := next.UnixNano() / int64(p.every)
		ok, err := w.rdb.SetNX(ctx, periodicKey(w.cfg.KeyPrefix, p.name, tick), "1", 2*p.every).Result()
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("worker: periodic lock", slog.Any("error", err))
			}
			continue
		}
		if !ok {
			continue // another replica has this tick
		}
		w.runTick(ctx, p, log)
	}
}

func (w *Worker) runTick(ctx context.Context, p periodic, log *slog.Logger) {
	rctx, cancel := context.WithTimeout(ctx, p.every)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			log.Error("worker: periodic function panicked", slog.Any("panic", r))
		}
	}()
	if err := p.fn(rctx); err != nil && ctx.Err() == nil {
		log.Warn("worker: periodic function failed", slog.Any("error", err))
	}
}
