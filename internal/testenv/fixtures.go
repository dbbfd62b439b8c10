package testenv

import (
	"context"
	"sync"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/event"
)

// Events is an event.Publisher that records what it is given, for tests that check what a
// service published. It is safe for concurrent use; its zero value is ready to use, so a test
// that ignores events may pass &Events{} where a publisher is required.
type Events struct {
	mu     sync.Mutex
	events []event.Event
}

var _ event.Publisher = (*Events)(nil)

// Publish records e and never fails.
func (r *Events) Publish(_ context.Context, e event.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return nil
}

// All returns a copy of every recorded event, in the order published.
func (r *Events) All() []event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event.Event(nil), r.events...)
}

// Of returns the recorded events of one topic, in the order published.
func (r *Events) Of(topic event.Topic) []event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []event.Event
	for _, e := range r.events {
		if e.Topic == topic {
			out = append(out, e)
		}
	}
	return out
}

// The request metadata ActorOf gives every actor.
const (
	ActorIP        = "192.0.2.1"
	ActorUserAgent = "testenv"
)

// ActorOf returns the Actor of a signed-in user u, as the HTTP layer would build it, with
// ActorIP and ActorUserAgent as the request's address and user agent.
func ActorOf(u *auth.User) *auth.Actor {
	a := &auth.Actor{UserID: u.ID, AgencyID: u.AgencyID, Role: u.Role, Email: u.Email, Name: u.Name, IP: ActorIP, UserAgent: ActorUserAgent}
	if u.ClientID != nil {
		a.ClientID = *u.ClientID
	}
	return a
}
