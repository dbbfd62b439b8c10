package event_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/testenv"
)

// syncBuffer is a bytes.Buffer that a logger and the test may use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A subscription on which nothing is published must be kept, not mistaken for a dead one: the
// health check's read deadlines and pings must not end the session.
func TestQuietSubscriptionStaysUp(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	const healthCheck = 100 * time.Millisecond
	b := event.New(testenv.Redis(t), event.Options{
		Prefix: testenv.Prefix(t),
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	b.SetHealthCheck(healthCheck)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() {
		cancel()
		require.NoError(t, <-done)
	}()
	select {
	case <-b.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("the bus's subscription was not confirmed")
	}
	agency := uuid.New()
	s := b.Subscribe(event.Filter{Topic: event.TopicJobUpdated, AgencyID: agency})
	defer s.Close()

	time.Sleep(10 * healthCheck) // several deadlines pass, each answered by a ping

	e := event.Event{Topic: event.TopicJobUpdated, AgencyID: agency, Data: json.RawMessage(`"after the quiet"`)}
	require.NoError(t, b.Publish(ctx, e))
	select {
	case got := <-s.C():
		require.Equal(t, e, got)
	case <-time.After(10 * time.Second):
		t.Fatal("no event after a quiet period")
	}
	require.NotContains(t, logs.String(), "subscription lost")
	require.Equal(t, 1, bytes.Count([]byte(logs.String()), []byte(`msg="event: subscribed"`)), logs.String())
}
