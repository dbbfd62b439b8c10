package worker

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"
)

// defaultLeaseTTL is how long a running task's slot outlives its last renewal: a worker that
// dies frees its agency's slots after at most this long. It is short because every slot a
// killed worker held blocks its agency's other jobs until then (the chaos suite kills workers
// mid-run), and long enough that a renewal every ttl/3 survives a slow Redis answer or two.
const defaultLeaseTTL = 10 * time.Second

// agencyLimiter bounds the tasks of one agency that run at once across every worker process.
//
// It is a counting semaphore in Redis: a sorted set per agency whose members are the leases of
// running tasks, scored by when each lease expires. Taking a slot (one Lua script, so atomic)
// drops expired leases, and adds a lease only when fewer than limit remain. A running task renews
// its lease every ttl/3 and removes it when it ends. Times come from Redis' clock, so workers'
// clocks need not agree. A lease whose worker died expires after ttl and frees the slot.
//
// When no slot is free, the task goes back to asynq as a requeue (see process): retried after
// about Config.BusyRetryDelay, without counting as a failed attempt and without touching the
// job record, which stays QUEUED or RETRYING.
type agencyLimiter struct {
	rdb    redis.UniversalClient
	prefix string
	limit  int
	ttl    time.Duration
	log    *slog.Logger
}

// newAgencyLimiter returns a limiter whose keys start with prefix (Config.KeyPrefix).
func newAgencyLimiter(rdb redis.UniversalClient, prefix string, limit int, ttl time.Duration, logger *slog.Logger) *agencyLimiter {
	return &agencyLimiter{rdb: rdb, prefix: prefix, limit: limit, ttl: ttl, log: logger}
}

// agencyKey is the sorted set of an agency's leases: prefix + "worker:agency:<id>:running".
func agencyKey(prefix string, agencyID uuid.UUID) string {
	return prefix + "worker:agency:" + agencyID.String() + ":running"
}

// acquireScript: KEYS[1] the agency's set; ARGV[1] lease token, ARGV[2] limit, ARGV[3] ttl ms.
// Returns 1 when the lease was added, 0 when the agency is at its bound.
var acquireScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`)

// renewScript: KEYS[1] the agency's set; ARGV[1] lease token, ARGV[2] ttl ms. Returns 1 when the
// lease was still held and is renewed, 0 when it had expired.
var renewScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
local n = redis.call('ZADD', KEYS[1], 'XX', 'CH', now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return n
`)

// lease is one running task's slot.
type lease struct {
	l     *agencyLimiter
	key   string
	token string
	stop  chan struct{}
	done  chan struct{}
}

// acquire takes a slot of the agency and keeps it renewed until release. It returns a nil lease
// and no error when the agency is at its bound.
func (l *agencyLimiter) acquire(ctx context.Context, agencyID uuid.UUID) (*lease, error) {
	key := agencyKey(l.prefix, agencyID)
	token := uuid.NewString()
	ok, err := acquireScript.Run(ctx, l.rdb, []string{key}, token, l.limit, l.ttl.Milliseconds()).Int()
	if err != nil {
		return nil, fmt.Errorf("worker: take agency slot: %w", err)
	}
	if ok == 0 {
		return nil, nil
	}
	ls := &lease{l: l, key: key, token: token, stop: make(chan struct{}), done: make(chan struct{})}
	go ls.renew()
	return ls, nil
}

func (ls *lease) renew() {
	defer close(ls.done)
	t := time.NewTicker(ls.l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ls.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), ls.l.ttl/3)
			n, err := renewScript.Run(ctx, ls.l.rdb, []string{ls.key}, ls.token, ls.l.ttl.Milliseconds()).Int()
			cancel()
			switch {
			case err != nil:
				ls.l.log.Warn("worker: renew agency slot", slog.String("key", ls.key), slog.Any("error", err))
			case n == 0:
				// ZADD XX CH reports 0 both for a lost lease and for an unchanged score; the
				// score always moves forward, so 0 means lost. Re-adding it could exceed the
				// bound, so the task just runs on without a slot until it ends.
				ls.l.log.Warn("worker: agency slot expired while its task ran", slog.String("key", ls.key))
			}
		}
	}
}

// release frees the slot. It is safe to call once.
func (ls *lease) release() {
	close(ls.stop)
	<-ls.done
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ls.l.rdb.ZRem(ctx, ls.key, ls.token).Err(); err != nil {
		// The lease expires by itself after ttl.
		ls.l.log.Warn("worker: release agency slot", slog.String("key", ls.key), slog.Any("error", err))
	}
}
