package event

import (
	"log/slog"

	"github.com/google/uuid"
)

// Filter selects the events a subscription receives.
type Filter struct {
	// Topic is the one topic to receive.
	Topic Topic
	// AgencyID is the caller's agency; only its events are received. It is required: a filter
	// without one matches nothing.
	AgencyID uuid.UUID
	// Key, when not empty, receives only the events with this key; empty means any key.
	Key string
}

// Subscription receives the events that match its Filter, in the order this process received
// them from Redis, until it is closed.
type Subscription struct {
	bus   *Bus
	route route
	key   string
	ch    chan Event
	// closed is guarded by bus.mu.
	closed bool
}

// Subscribe registers a local subscription for the events that match f. The caller must Close
// it when done (a GraphQL resolver, when the request's context is done); Run's end closes it
// too. A filter without an AgencyID gives a subscription that never receives anything.
func (b *Bus) Subscribe(f Filter) *Subscription {
	s := &Subscription{
		bus:   b,
		route: route{topic: f.Topic, agency: f.AgencyID},
		key:   f.Key,
		ch:    make(chan Event, b.bufferSize),
	}
	if f.AgencyID == uuid.Nil {
		// Still registered, so that Run's end closes it like any other; no event has a nil
		// agency, so its route never matches.
		b.log.Warn("event: subscription without an agency will receive nothing",
			slog.String("topic", string(f.Topic)))
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		s.closeLocked()
		return s
	}
	g := b.routes[s.route]
	if g == nil {
		g = &group{anyKey: make(map[*Subscription]struct{})}
		b.routes[s.route] = g
	}
	if s.key == "" {
		g.anyKey[s] = struct{}{}
	} else {
		if g.byKey == nil {
			g.byKey = make(map[string]map[*Subscription]struct{})
		}
		subs := g.byKey[s.key]
		if subs == nil {
			subs = make(map[*Subscription]struct{})
			g.byKey[s.key] = subs
		}
		subs[s] = struct{}{}
	}
	b.subscribers++
	b.registered++
	return s
}

// C returns the channel on which the subscription's events arrive. It is buffered
// (Options.BufferSize); when it is full, further events are dropped for this subscriber and
// counted by Bus.Dropped. It is closed by Close, or when Run ends.
func (s *Subscription) C() <-chan Event { return s.ch }

// Close unregisters the subscription and closes its channel. It may be called more than once,
// and concurrently with delivery.
func (s *Subscription) Close() {
	b := s.bus
	b.mu.Lock()
	defer b.mu.Unlock()
	if s.closed {
		return
	}
	if g := b.routes[s.route]; g != nil {
		if s.key == "" {
			delete(g.anyKey, s)
		} else if subs := g.byKey[s.key]; subs != nil {
			delete(subs, s)
			if len(subs) == 0 {
				delete(g.byKey, s.key)
			}
		}
		if len(g.anyKey) == 0 && len(g.byKey) == 0 {
			delete(b.routes, s.route)
		}
	}
	b.subscribers--
	s.closeLocked()
}

// closeLocked closes the channel once; the caller holds bus.mu for writing, so no fan-out is
// sending meanwhile.
func (s *Subscription) closeLocked() {
	if !s.closed {
		s.closed = true
		close(s.ch)
	}
}
