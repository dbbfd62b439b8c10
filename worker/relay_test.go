package worker

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/job"
)

func (b *bundle) client(t *testing.T) *asynq.Client {
	t.Helper()
	c := asynq.NewClient(b.redisOpt)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestRelayEnqueuesEachRowOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const jobs = 30
	var recs []*job.Record
	for range jobs {
		recs = append(recs, b.enqueue(t, job.TypeProvisionIdentity, nil))
	}

	// Two relays (two replicas) race over small batches until the outbox is empty.
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
		start = make(chan struct{})
	)
	for range 2 {
		r := NewRelay(b.db, b.client(t), testLogger())
		r.batch = 7
		wg.Go(func() {
			<-start
			for {
				n, err := r.RunOnce(ctx)
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				total += n
				mu.Unlock()
				if n == 0 {
					pending, err := b.db.NewSelect().Model((*job.OutboxRow)(nil)).Where("relayed_at IS NULL").Count(ctx)
					if !assert.NoError(t, err) || pending == 0 {
						return
					}
				}
			}
		})
	}
	close(start)
	wg.Wait()
	require.Equal(t, jobs, total)

	in := b.inspector(t)
	q, err := in.GetQueueInfo(job.QueueCritical)
	require.NoError(t, err)
	require.Equal(t, jobs, q.Pending)
	kind := job.Kinds[job.TypeProvisionIdentity]
	info, err := in.GetTaskInfo(job.QueueCritical, recs[0].ID.String())
	require.NoError(t, err)
	require.Equal(t, string(job.TypeProvisionIdentity), info.Type)
	require.Equal(t, kind.MaxAttempts, info.MaxRetry)
	require.Equal(t, kind.Timeout, info.Timeout)

	// A relay that crashed between enqueue and commit relays again: asynq keeps one task.
	_, err = b.db.NewUpdate().Model((*job.OutboxRow)(nil)).Set("relayed_at = NULL").Where("TRUE").Exec(ctx)
	require.NoError(t, err)
	n, err := NewRelay(b.db, b.client(t), testLogger()).RunOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, jobs, n)
	q, err = in.GetQueueInfo(job.QueueCritical)
	require.NoError(t, err)
	require.Equal(t, jobs, q.Pending)
}

func TestRelayDelaysScheduledRows(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var soon, later *job.Record
	err := db.InTx(ctx, b.db, func(ctx context.Context, tx bun.Tx) error {
		var err error
		soon, err = job.Enqueue(ctx, tx, job.Spec{AgencyID: b.agencyID, Type: job.TypeExpireAccessRequests, ProcessAt: time.Now().Add(500 * time.Millisecond)})
		if err != nil {
			return err
		}
		later, err = job.Enqueue(ctx, tx, job.Spec{AgencyID: b.agencyID, Type: job.TypeExpireAccessRequests, ProcessAt: time.Now().Add(time.Hour)})
		return err
	})
	require.NoError(t, err)

	n, err := NewRelay(b.db, b.client(t), testLogger()).RunOnce(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	info, err := b.inspector(t).GetTaskInfo(job.QueueDefault, soon.ID.String())
	require.NoError(t, err)
	require.Equal(t, asynq.TaskStateScheduled, info.State)
	var relayedAt *time.Time
	require.NoError(t, b.db.NewSelect().Model((*job.OutboxRow)(nil)).Column("relayed_at").
		Where("job_id = ?", later.ID).Scan(ctx, &relayedAt))
	require.Nil(t, relayedAt)
}

func TestRelayKeepsRowsWhileRedisIsAway(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()

	// A port nobody listens on, where Redis will come back later.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	// No command retries inside go-redis, so that each pass fails fast.
	rdb := redis.NewClient(&redis.Options{Addr: addr, DB: b.redisOpt.DB, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	client := asynq.NewClientFromRedisClient(rdb)
	relay := NewRelay(b.db, client, testLogger())

	rec := b.enqueue(t, job.TypeRotateCredentials, nil)
	n, err := relay.RunOnce(ctx)
	require.Error(t, err)
	require.Zero(t, n)
	row := new(job.OutboxRow)
	require.NoError(t, b.db.NewSelect().Model(row).Where("job_id = ?", rec.ID).Scan(ctx))
	require.Nil(t, row.RelayedAt)
	require.Equal(t, 1, row.Attempts)
	require.NotEmpty(t, row.LastError)

	// Redis comes back on the same address.
	proxy(t, addr, b.redisOpt.Addr)
	waitFor(t, "relay after Redis returns", func() bool {
		n, err := relay.RunOnce(ctx)
		return err == nil && n == 1
	})
	require.NoError(t, b.db.NewSelect().Model(row).Where("job_id = ?", rec.ID).Scan(ctx))
	require.NotNil(t, row.RelayedAt)
	require.GreaterOrEqual(t, row.Attempts, 1)
	info, err := b.inspector(t).GetTaskInfo(job.QueueCritical, rec.ID.String())
	require.NoError(t, err)
	require.Equal(t, asynq.TaskStatePending, info.State)
}

// proxy forwards TCP connections from addr to target until the test ends, or until the function
// it returns is called: that cuts every connection and stops listening, as if the process on
// the other side had died.
func proxy(t *testing.T, addr, target string) (cut func()) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port was just closed; the OS may take a moment
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, err)
	var (
		mu    sync.Mutex
		open  []net.Conn
		conns sync.WaitGroup
	)
	track := func(c net.Conn) {
		mu.Lock()
		defer mu.Unlock()
		open = append(open, c)
	}
	var once sync.Once
	cut = func() {
		once.Do(func() {
			_ = ln.Close()
			mu.Lock()
			for _, c := range open {
				_ = c.Close()
			}
			mu.Unlock()
			conns.Wait()
		})
	}
	t.Cleanup(cut)
	conns.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			track(c)
			conns.Go(func() {
				defer c.Close()
				up, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				track(up)
				defer up.Close()
				go func() {
					_, _ = io.Copy(up, c)
					_ = up.Close()
				}()
				_, _ = io.Copy(c, up)
			})
		}
	})
	return cut
}
