package event

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// These tests drive the fan-out directly, without Redis, which is the only part of the Bus they
// need.

func newLocalBus(t *testing.T, bufferSize int) *Bus {
	t.Helper()
	return New(nil, Options{Logger: slog.New(slog.DiscardHandler), BufferSize: bufferSize})
}

func payload(t testing.TB, e Event) string {
	t.Helper()
	raw, err := json.Marshal(e)
	require.NoError(t, err)
	return string(raw)
}

func TestDispatchMatching(t *testing.T) {
	t.Parallel()
	agencyA, agencyB := uuid.New(), uuid.New()
	data := json.RawMessage(`{}`)

	for _, tt := range []struct {
		name   string
		filter Filter
		event  Event
		want   bool
	}{
		{"same topic and agency", Filter{TopicJobUpdated, agencyA, ""}, Event{TopicJobUpdated, agencyA, "", data}, true},
		{"any key takes a keyed event", Filter{TopicJobUpdated, agencyA, ""}, Event{TopicJobUpdated, agencyA, "k", data}, true},
		{"same key", Filter{TopicJobUpdated, agencyA, "k"}, Event{TopicJobUpdated, agencyA, "k", data}, true},
		{"other key", Filter{TopicJobUpdated, agencyA, "k"}, Event{TopicJobUpdated, agencyA, "x", data}, false},
		{"keyed filter, event without key", Filter{TopicJobUpdated, agencyA, "k"}, Event{TopicJobUpdated, agencyA, "", data}, false},
		{"other agency", Filter{TopicJobUpdated, agencyA, ""}, Event{TopicJobUpdated, agencyB, "", data}, false},
		{"other topic", Filter{TopicJobUpdated, agencyA, ""}, Event{TopicIdentityUpdated, agencyA, "", data}, false},
		{"nil agency on both sides", Filter{TopicJobUpdated, uuid.Nil, ""}, Event{TopicJobUpdated, uuid.Nil, "", data}, false},
		{"empty topic on both sides", Filter{"", agencyA, ""}, Event{"", agencyA, "", data}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newLocalBus(t, 1)
			s := b.Subscribe(tt.filter)
			defer s.Close()
			b.dispatch(context.Background(), payload(t, tt.event))
			if !tt.want {
				require.Empty(t, s.C())
				return
			}
			require.Len(t, s.C(), 1)
			require.Equal(t, tt.event, <-s.C())
		})
	}
}

func TestCloseRemovesFromIndex(t *testing.T) {
	t.Parallel()
	b := newLocalBus(t, 1)
	agency := uuid.New()
	var subs []*Subscription
	for i := range 10 {
		for _, key := range []string{"", "a", fmt.Sprint(i)} {
			subs = append(subs, b.Subscribe(Filter{Topic: TopicJobUpdated, AgencyID: agency, Key: key}))
		}
		subs = append(subs, b.Subscribe(Filter{Topic: TopicIdentityUpdated, AgencyID: uuid.New()}))
	}
	require.Equal(t, len(subs), b.Subscribers())

	for _, s := range subs {
		s.Close()
		s.Close()
	}
	require.Zero(t, b.Subscribers())
	require.Empty(t, b.routes, "closed subscriptions leave no index entries behind")
}

func TestRegisteredOnlyGrows(t *testing.T) {
	t.Parallel()
	b := newLocalBus(t, 1)
	agency := uuid.New()
	require.Zero(t, b.Registered())
	first := b.Subscribe(Filter{Topic: TopicJobUpdated, AgencyID: agency})
	second := b.Subscribe(Filter{Topic: TopicJobUpdated, AgencyID: agency, Key: "k"})
	require.Equal(t, uint64(2), b.Registered())
	first.Close()
	second.Close()
	require.Zero(t, b.Subscribers())
	require.Equal(t, uint64(2), b.Registered(), "closing a subscription does not unregister its registration")
	b.Subscribe(Filter{Topic: TopicIdentityUpdated, AgencyID: agency})
	require.Equal(t, uint64(3), b.Registered())
}

func TestDispatchRacesClose(t *testing.T) {
	t.Parallel()
	b := newLocalBus(t, 4)
	agency := uuid.New()
	msg := payload(t, Event{Topic: TopicJobUpdated, AgencyID: agency, Key: "k", Data: json.RawMessage(`1`)})

	// One dispatcher, as Run has, sending as fast as it can.
	var stop atomic.Bool
	var dispatcher sync.WaitGroup
	dispatcher.Go(func() {
		for !stop.Load() {
			b.dispatch(context.Background(), msg)
		}
	})
	var subscribers sync.WaitGroup
	for w := range 16 {
		subscribers.Go(func() {
			for range 100 {
				f := Filter{Topic: TopicJobUpdated, AgencyID: agency}
				if w%2 == 0 {
					f.Key = "k"
				}
				s := b.Subscribe(f)
				if w%4 < 2 {
					<-s.C()
				}
				var closers sync.WaitGroup
				closers.Go(s.Close)
				closers.Go(s.Close)
				closers.Wait()
			}
		})
	}
	subscribers.Wait()
	stop.Store(true)
	dispatcher.Wait()

	require.Zero(t, b.Subscribers())
	require.Empty(t, b.routes)
}

func BenchmarkDispatch(b *testing.B) {
	bus := New(nil, Options{Logger: slog.New(slog.DiscardHandler), BufferSize: 1})
	agency := uuid.New()
	// Many subscribers of other agencies and keys, which an event must not cost anything for.
	for range 1000 {
		bus.Subscribe(Filter{Topic: TopicJobUpdated, AgencyID: uuid.New()})
		bus.Subscribe(Filter{Topic: TopicJobUpdated, AgencyID: agency, Key: uuid.NewString()})
	}
	s := bus.Subscribe(Filter{Topic: TopicJobUpdated, AgencyID: agency, Key: "k"})
	msg := payload(b, Event{Topic: TopicJobUpdated, AgencyID: agency, Key: "k", Data: json.RawMessage(`{"id":"1"}`)})
	b.ReportAllocs()
	for b.Loop() {
		bus.dispatch(context.Background(), msg)
		<-s.C()
	}
}
