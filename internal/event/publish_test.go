package event_test

import (
	"context"
	"net"
	"testing"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/event"
)

// After a publish fails for want of Redis, the next ones fail at once with ErrUnavailable
// instead of each waiting for its own timeout.
func TestPublishFailsFastAfterRedisFailed(t *testing.T) {
	// A port nobody listens on: the dial is refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	bus := event.New(rdb, event.Options{Prefix: "t:"})
	e := event.Event{Topic: event.TopicJobUpdated, AgencyID: uuid.New(), Key: "k"}

	err = bus.Publish(context.Background(), e)
	require.Error(t, err)
	require.NotErrorIs(t, err, event.ErrUnavailable, "the first publish tried Redis")
	require.ErrorIs(t, bus.Publish(context.Background(), e), event.ErrUnavailable)
}
