package event_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/testenv"
)

// waitFor bounds every wait on Redis, so that a broken bus fails the test instead of hanging it.
const waitFor = 10 * time.Second

// bundle is what setup hands a test: a Redis database and a channel prefix of its own.
type bundle struct {
	rdb    *redis.Client
	prefix string
	log    *slog.Logger
}

func setup(t *testing.T) *bundle {
	t.Helper()
	return &bundle{
		rdb:    testenv.Redis(t),
		prefix: testenv.Prefix(t),
		log:    slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo})),
	}
}

// publisher returns a Bus that only publishes, as the worker's does.
func (tb *bundle) publisher() *event.Bus {
	return event.New(tb.rdb, event.Options{Prefix: tb.prefix, Logger: tb.log})
}

// replica returns a running Bus, as an API replica's, once its subscription is confirmed; the
// test's end stops it and checks that Run returned nil.
func (tb *bundle) replica(t *testing.T, rdb redis.UniversalClient, opts event.Options) *event.Bus {
	t.Helper()
	opts.Prefix = tb.prefix
	opts.Logger = tb.log
	b := event.New(rdb, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(waitFor):
			t.Error("Run did not return after its context was cancelled")
		}
	})
	select {
	case <-b.Ready():
	case err := <-done:
		t.Fatalf("Run returned before the subscription was ready: %v", err)
	case <-time.After(waitFor):
		t.Fatal("the bus's subscription was not confirmed")
	}
	return b
}

func newEvent(topic event.Topic, agency uuid.UUID, key, data string) event.Event {
	raw, err := json.Marshal(data)
	if err != nil {
		panic(err)
	}
	return event.Event{Topic: topic, AgencyID: agency, Key: key, Data: raw}
}

func publish(t *testing.T, p event.Publisher, e event.Event) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	require.NoError(t, p.Publish(ctx, e))
}

// receive returns the subscription's next event.
func receive(t *testing.T, s *event.Subscription) event.Event {
	t.Helper()
	select {
	case e, ok := <-s.C():
		require.True(t, ok, "subscription channel closed")
		return e
	case <-time.After(waitFor):
		t.Fatal("no event received")
		return event.Event{}
	}
}

// requireEvent receives the subscription's next event and checks it is want.
func requireEvent(t *testing.T, s *event.Subscription, want event.Event) {
	t.Helper()
	got := receive(t, s)
	require.Equal(t, want.Topic, got.Topic)
	require.Equal(t, want.AgencyID, got.AgencyID)
	require.Equal(t, want.Key, got.Key)
	require.JSONEq(t, string(want.Data), string(got.Data))
}

// requireClosed drains the subscription and checks that its channel gets closed.
func requireClosed(t *testing.T, s *event.Subscription) {
	t.Helper()
	deadline := time.After(waitFor)
	for {
		select {
		case _, ok := <-s.C():
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("subscription channel was not closed")
		}
	}
}

func TestEventCrossesReplicas(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	replica1 := tb.replica(t, tb.rdb, event.Options{})
	replica2 := tb.replica(t, tb.rdb, event.Options{})
	worker := tb.publisher()

	agency := uuid.New()
	filter := event.Filter{Topic: event.TopicJobUpdated, AgencyID: agency}
	sub1 := replica1.Subscribe(filter)
	defer sub1.Close()
	sub1b := replica1.Subscribe(filter)
	defer sub1b.Close()
	sub2 := replica2.Subscribe(filter)
	defer sub2.Close()
	require.Equal(t, 2, replica1.Subscribers())
	require.Equal(t, 1, replica2.Subscribers())

	e := event.Event{
		Topic:    event.TopicJobUpdated,
		AgencyID: agency,
		Key:      "PROVISION_IDENTITY",
		Data:     json.RawMessage(`{"id":"42","state":"SUCCEEDED"}`),
	}
	publish(t, worker, e)

	requireEvent(t, sub1, e)
	requireEvent(t, sub1b, e)
	requireEvent(t, sub2, e)
}

func TestAgencyFilter(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	bus := tb.replica(t, tb.rdb, event.Options{})
	agencyA, agencyB := uuid.New(), uuid.New()

	subA := bus.Subscribe(event.Filter{Topic: event.TopicIdentityUpdated, AgencyID: agencyA})
	defer subA.Close()
	subB := bus.Subscribe(event.Filter{Topic: event.TopicIdentityUpdated, AgencyID: agencyB})
	defer subB.Close()

	forA := newEvent(event.TopicIdentityUpdated, agencyA, "identity-1", "secret of A")
	sentinel := newEvent(event.TopicIdentityUpdated, agencyB, "identity-2", "sentinel")
	publish(t, bus, forA)
	publish(t, bus, sentinel)

	// Events arrive in publish order, so B's first event being its sentinel proves that A's
	// event, published before, was not delivered to B.
	requireEvent(t, subB, sentinel)
	requireEvent(t, subA, forA)
	require.Empty(t, subA.C(), "A received B's event")
}

func TestForeignPayloadsReachNoOne(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	bus := tb.replica(t, tb.rdb, event.Options{})
	agency := uuid.New()

	// A filter without an agency must not match an event without one, which Publish refuses
	// but a foreign publisher could still send.
	noAgency := bus.Subscribe(event.Filter{Topic: event.TopicJobUpdated})
	defer noAgency.Close()
	sub := bus.Subscribe(event.Filter{Topic: event.TopicJobUpdated, AgencyID: agency})
	defer sub.Close()

	ctx := context.Background()
	channel := tb.prefix + "events"
	for _, payload := range []string{
		`not json`,
		`{"topic":"job.updated","agencyId":"00000000-0000-0000-0000-000000000000","data":{}}`,
		`{"topic":"job.updated","data":{}}`,
		`{"topic":"","agencyId":"` + agency.String() + `","data":{}}`,
	} {
		require.NoError(t, tb.rdb.Publish(ctx, channel, payload).Err())
	}
	sentinel := newEvent(event.TopicJobUpdated, agency, "", "sentinel")
	publish(t, bus, sentinel)

	requireEvent(t, sub, sentinel)
	require.Empty(t, noAgency.C())
	require.Zero(t, bus.Dropped())
}

func TestKeyAndTopicFilter(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	bus := tb.replica(t, tb.rdb, event.Options{})
	agency := uuid.New()
	client1, client2 := uuid.NewString(), uuid.NewString()

	keyed := bus.Subscribe(event.Filter{Topic: event.TopicAccessRequestUpdated, AgencyID: agency, Key: client1})
	defer keyed.Close()
	anyKey := bus.Subscribe(event.Filter{Topic: event.TopicAccessRequestUpdated, AgencyID: agency})
	defer anyKey.Close()
	otherTopic := bus.Subscribe(event.Filter{Topic: event.TopicNotificationAdded, AgencyID: agency, Key: client1})
	defer otherTopic.Close()

	forClient2 := newEvent(event.TopicAccessRequestUpdated, agency, client2, "request of client 2")
	forClient1 := newEvent(event.TopicAccessRequestUpdated, agency, client1, "request of client 1")
	noKey := newEvent(event.TopicAccessRequestUpdated, agency, "", "no key")
	notification := newEvent(event.TopicNotificationAdded, agency, client1, "notification")
	for _, e := range []event.Event{forClient2, forClient1, noKey, notification} {
		publish(t, bus, e)
	}

	requireEvent(t, anyKey, forClient2)
	requireEvent(t, anyKey, forClient1)
	requireEvent(t, anyKey, noKey)
	requireEvent(t, keyed, forClient1)
	requireEvent(t, otherTopic, notification)
	// The notification was published last and has been delivered, so nothing else is coming.
	require.Empty(t, keyed.C())
	require.Empty(t, anyKey.C())
}

func TestSlowSubscriberDoesNotBlock(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	bus := tb.replica(t, tb.rdb, event.Options{BufferSize: 1})
	worker := tb.publisher()
	agency := uuid.New()
	filter := event.Filter{Topic: event.TopicNotificationAdded, AgencyID: agency}

	slow := bus.Subscribe(filter) // never read
	defer slow.Close()
	fast := bus.Subscribe(filter)
	defer fast.Close()

	// Another route's subscriber, for a last event: the bus dispatches one event at a time, so
	// once that one arrives the 50 before it have been offered to everyone and counted.
	last := bus.Subscribe(event.Filter{Topic: event.TopicJobUpdated, AgencyID: agency})
	defer last.Close()

	const n = 50
	for i := range n {
		e := newEvent(event.TopicNotificationAdded, agency, "", fmt.Sprint(i))
		publish(t, worker, e)
		// The fast subscriber gets every event, in order, although the slow one's buffer has
		// been full since the first.
		requireEvent(t, fast, e)
	}
	sentinel := newEvent(event.TopicJobUpdated, agency, "", "after the 50")
	publish(t, worker, sentinel)
	requireEvent(t, last, sentinel)

	require.Equal(t, uint64(n-1), bus.Dropped())
	require.Len(t, slow.C(), 1)
	requireEvent(t, slow, newEvent(event.TopicNotificationAdded, agency, "", "0"))

	reg := prometheus.NewRegistry()
	for _, c := range bus.Collectors() {
		require.NoError(t, reg.Register(c))
	}
	families, err := reg.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, f := range families {
		require.Len(t, f.GetMetric(), 1, f.GetName())
		m := f.GetMetric()[0]
		if c := m.GetCounter(); c != nil {
			got[f.GetName()] = c.GetValue()
		} else {
			got[f.GetName()] = m.GetGauge().GetValue()
		}
	}
	require.Equal(t, map[string]float64{
		"accesshive_event_dropped_total": n - 1,
		"accesshive_event_subscribers":   3,
	}, got)
}

func TestCloseDuringHeavyPublishing(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	bus := tb.replica(t, tb.rdb, event.Options{BufferSize: 2})
	agency := uuid.New()

	const minPublished = 2000
	ctx, stopPublishing := context.WithCancel(context.Background())
	var publishers sync.WaitGroup
	var published atomic.Int64
	for p := range 4 {
		publishers.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				e := newEvent(event.TopicJobUpdated, agency, fmt.Sprint(i%3), fmt.Sprintf("%d-%d", p, i))
				if err := bus.Publish(ctx, e); err != nil {
					assert.ErrorIs(t, err, context.Canceled)
					return
				}
				published.Add(1)
			}
		})
	}

	// These goroutines report with t.Error, never t.Fatal, which must run on the test's own.
	var subscribers sync.WaitGroup
	for w := range 16 {
		subscribers.Go(func() {
			// Cycle until plenty of events have crossed Redis, and at least 20 times.
			for round := 0; round < 20 || published.Load() < minPublished; round++ {
				// Half want one key, half every key; some read, some never do.
				f := event.Filter{Topic: event.TopicJobUpdated, AgencyID: agency}
				if w%2 == 0 {
					f.Key = "1"
				}
				s := bus.Subscribe(f)
				if w%4 < 2 {
					select {
					case e := <-s.C():
						assert.Equal(t, agency, e.AgencyID)
					case <-time.After(waitFor):
						t.Error("no event received")
					}
				}
				// Two closes racing each other and the fan-out.
				var closers sync.WaitGroup
				closers.Go(s.Close)
				closers.Go(s.Close)
				closers.Wait()
				for range s.C() { // ends only if the channel is closed
				}
			}
		})
	}
	subscribers.Wait()
	stopPublishing()
	publishers.Wait()

	require.GreaterOrEqual(t, published.Load(), int64(minPublished))
	require.Zero(t, bus.Subscribers())
}

func TestRunEndsOnCancel(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	bus := event.New(tb.rdb, event.Options{Prefix: tb.prefix, Logger: tb.log})
	agency := uuid.New()
	// Subscribing before Run starts is allowed: the subscription waits for it.
	early := bus.Subscribe(event.Filter{Topic: event.TopicIdentityUpdated, AgencyID: agency})

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bus.Run(ctx) }()
	select {
	case <-bus.Ready():
	case <-time.After(waitFor):
		t.Fatal("the bus's subscription was not confirmed")
	}
	keyed := bus.Subscribe(event.Filter{Topic: event.TopicIdentityUpdated, AgencyID: agency, Key: "id-1"})
	e := newEvent(event.TopicIdentityUpdated, agency, "id-1", "before the end")
	publish(t, bus, e)
	requireEvent(t, early, e)
	require.Equal(t, 2, bus.Subscribers())

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(waitFor):
		t.Fatal("Run did not return after its context was cancelled")
	}
	requireClosed(t, early)
	requireClosed(t, keyed)
	require.Zero(t, bus.Subscribers())
	early.Close() // still safe after Run closed it

	late := bus.Subscribe(event.Filter{Topic: event.TopicIdentityUpdated, AgencyID: agency})
	requireClosed(t, late)
	late.Close()
	require.Zero(t, bus.Subscribers())

	require.Error(t, bus.Run(context.Background()), "a second Run")
}

func TestPublishValidation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	bus := tb.replica(t, tb.rdb, event.Options{})
	agency := uuid.New()
	sub := bus.Subscribe(event.Filter{Topic: event.TopicJobUpdated, AgencyID: agency})
	defer sub.Close()

	for _, tt := range []struct {
		name    string
		event   event.Event
		wantErr error // nil: any error
	}{
		{"no topic", event.Event{AgencyID: agency, Data: json.RawMessage(`{}`)}, event.ErrNoTopic},
		{"no agency", event.Event{Topic: event.TopicJobUpdated, Data: json.RawMessage(`{}`)}, event.ErrNoAgency},
		{"invalid data", event.Event{Topic: event.TopicJobUpdated, AgencyID: agency, Data: json.RawMessage(`{`)}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := bus.Publish(context.Background(), tt.event)
			require.Error(t, err)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			}
			require.True(t, strings.HasPrefix(err.Error(), "event: "), err.Error())
		})
	}

	// Nothing was published: the subscriber's first event is the valid one that follows.
	sentinel := newEvent(event.TopicJobUpdated, agency, "", "sentinel")
	publish(t, bus, sentinel)
	requireEvent(t, sub, sentinel)

	noData := event.Event{Topic: event.TopicJobUpdated, AgencyID: agency}
	publish(t, bus, noData)
	require.JSONEq(t, `null`, string(receive(t, sub).Data))
}

func TestResubscribesAfterConnectionLoss(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	// A client of its own, named, so that the test kills only this bus's connection.
	name := testenv.RandomName("event-test-")
	rdb := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(t), ClientName: name})
	t.Cleanup(func() { _ = rdb.Close() })
	bus := tb.replica(t, rdb, event.Options{})
	agency := uuid.New()
	sub := bus.Subscribe(event.Filter{Topic: event.TopicJobUpdated, AgencyID: agency})
	defer sub.Close()

	ctx := context.Background()
	list, err := tb.rdb.ClientList(ctx).Result()
	require.NoError(t, err)
	killed := 0
	for line := range strings.SplitSeq(strings.TrimSpace(list), "\n") {
		fields := map[string]string{}
		for f := range strings.FieldsSeq(line) {
			k, v, _ := strings.Cut(f, "=")
			fields[k] = v
		}
		if fields["name"] != name || fields["sub"] == "0" {
			continue
		}
		require.NoError(t, tb.rdb.Do(ctx, "CLIENT", "KILL", "ID", fields["id"]).Err())
		killed++
	}
	require.Equal(t, 1, killed, "the bus's pub/sub connection")

	// Events published before the bus resubscribes are lost, so keep publishing until one
	// arrives.
	deadline := time.After(waitFor)
	for i := 0; ; i++ {
		e := newEvent(event.TopicJobUpdated, agency, "", fmt.Sprint(i))
		publish(t, tb.publisher(), e)
		select {
		case got, ok := <-sub.C():
			require.True(t, ok, "subscription closed")
			require.Equal(t, agency, got.AgencyID)
			return
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("no event after the connection was killed")
		}
	}
}
