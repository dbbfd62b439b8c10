package worker

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/job"
)

// tracing returns a middleware that appends its name to trace on the way in and on the way out.
func tracing(name string, trace *[]string) middleware {
	return func(next step) step {
		return func(ctx context.Context, d *delivery) (any, error) {
			*trace = append(*trace, name+">")
			r, err := next(ctx, d)
			*trace = append(*trace, "<"+name)
			return r, err
		}
	}
}

func testDelivery() *delivery {
	return &delivery{jobID: uuid.New(), typ: job.TypeSendNotification, log: testLogger()}
}

func TestChainRunsMiddlewaresOutermostFirst(t *testing.T) {
	t.Parallel()
	var trace []string
	h := func(context.Context, *delivery) (any, error) {
		trace = append(trace, "handler")
		return "result", nil
	}
	got, err := chain(h, tracing("a", &trace), tracing("b", &trace))(context.Background(), testDelivery())
	require.NoError(t, err)
	require.Equal(t, "result", got)
	require.Equal(t, []string{"a>", "b>", "handler", "<b", "<a"}, trace)
}

func TestRecoverPanicTurnsAPanicIntoAnError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler step
		want    string
	}{
		{"panic", func(context.Context, *delivery) (any, error) { panic("directory client is nil") }, "worker: handler panicked: directory client is nil"},
		{"error", func(context.Context, *delivery) (any, error) { return nil, errors.New("smtp: refused") }, "smtp: refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := recoverPanic(tt.handler)(context.Background(), testDelivery())
			require.Nil(t, got)
			require.EqualError(t, err, tt.want)
		})
	}
	got, err := recoverPanic(func(context.Context, *delivery) (any, error) { return 7, nil })(context.Background(), testDelivery())
	require.NoError(t, err)
	require.Equal(t, 7, got)
}

// next is a step that counts its calls.
func counting(calls *int) step {
	return func(context.Context, *delivery) (any, error) {
		*calls++
		return nil, nil
	}
}

func TestLoadRecordSkipsWhatThereIsNothingToRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	w := b.worker(b.config())

	// A missing record drops the task.
	calls := 0
	d := testDelivery()
	_, err := w.loadRecord(counting(&calls))(ctx, d)
	require.NoError(t, err)
	require.Zero(t, calls)

	// A final record skips it.
	done := b.enqueue(t, job.TypeSendNotification, nil)
	_, err = job.Start(ctx, b.db, done.ID, 1)
	require.NoError(t, err)
	_, err = job.Succeed(ctx, b.db, done.ID, nil)
	require.NoError(t, err)
	d = testDelivery()
	d.jobID = done.ID
	_, err = w.loadRecord(counting(&calls))(ctx, d)
	require.NoError(t, err)
	require.Zero(t, calls)

	// A queued record runs, numbered from the record as well as from asynq's count.
	queued := b.enqueue(t, job.TypeSendNotification, nil)
	d = testDelivery()
	d.jobID, d.retried = queued.ID, 2
	_, err = w.loadRecord(counting(&calls))(ctx, d)
	require.NoError(t, err)
	require.Equal(t, 1, calls)
	require.Equal(t, queued.ID, d.rec.ID)
	require.Equal(t, 3, d.attempt)
}

func TestTakeSlotRequeuesWhenTheAgencyIsBusy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	cfg := b.config()
	cfg.PerAgencyConcurrency = 1
	w := b.worker(cfg)
	t.Cleanup(func() { _ = w.rdb.Close() })

	rec := &job.Record{ID: uuid.New(), AgencyID: &b.agencyID}
	d := testDelivery()
	d.rec = rec
	held := make(chan struct{})
	release := make(chan struct{})
	inner := func(context.Context, *delivery) (any, error) {
		close(held)
		<-release
		return "ran", nil
	}
	first := make(chan error, 1)
	go func() {
		_, err := w.takeSlot(inner)(ctx, d)
		first <- err
	}()
	<-held

	calls := 0
	_, err := w.takeSlot(counting(&calls))(ctx, &delivery{rec: rec, log: testLogger()})
	require.ErrorIs(t, err, errRequeue)
	require.ErrorIs(t, err, errAgencyBusy)
	require.Zero(t, calls)

	close(release)
	require.NoError(t, <-first)
	// The slot is free again once the first run ended.
	_, err = w.takeSlot(counting(&calls))(ctx, &delivery{rec: rec, log: testLogger()})
	require.NoError(t, err)
	require.Equal(t, 1, calls)
	n, err := w.rdb.ZCard(ctx, agencyKey(b.prefix, b.agencyID)).Result()
	if !errors.Is(err, redis.Nil) {
		require.NoError(t, err)
	}
	require.Zero(t, n)

	// Jobs without an agency are not bounded.
	_, err = w.takeSlot(counting(&calls))(ctx, &delivery{rec: &job.Record{}, log: testLogger()})
	require.NoError(t, err)
	require.Equal(t, 2, calls)
}
