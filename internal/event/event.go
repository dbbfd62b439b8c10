// Package event carries typed events between AccessHive processes: the worker and the API
// publish them through Redis pub/sub, and every API replica fans them out to its local
// subscribers (GraphQL subscriptions) without ever blocking on a slow one.
//
// Delivery is at most once, as Redis pub/sub is: an event published while a replica is
// disconnected from Redis, or while a subscriber's buffer is full, is lost. Events therefore say
// that something changed; a subscriber that must not miss a state re-reads it from the database.
package event

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/google/uuid"
)

// Topic names a kind of event. Each topic documents what its Event.Key holds.
type Topic string

// The topics AccessHive publishes.
const (
	// TopicJobUpdated reports a change of a job record; Key is the job type
	// (e.g. "PROVISION_IDENTITY").
	TopicJobUpdated Topic = "job.updated"
	// TopicIdentityUpdated reports a change of an identity; Key is the identity id.
	TopicIdentityUpdated Topic = "identity.updated"
	// TopicAccessRequestUpdated reports a change of an access request; Key is the client id.
	TopicAccessRequestUpdated Topic = "access_request.updated"
	// TopicNotificationAdded reports a new notification; Key is the recipient's user id.
	TopicNotificationAdded Topic = "notification.added"
	// TopicSessionRevoked reports that sessions of a user ended before their time (logout,
	// deactivation, a password change); Key is the user id. Every replica checks that user's
	// open websockets against the session store at once and closes those whose session ended.
	TopicSessionRevoked Topic = "session.revoked"
)

// Event is one message on the bus. It is sent as JSON, so every replica and the worker agree on
// its shape.
type Event struct {
	// Topic says what kind of event this is.
	Topic Topic `json:"topic"`
	// AgencyID is the tenant the event belongs to. It is required: a subscriber only ever sees
	// the events of the agency it subscribed for.
	AgencyID uuid.UUID `json:"agencyId"`
	// Key narrows the event within its topic; see the Topic constants for what it holds.
	Key string `json:"key,omitempty"`
	// Data is the topic's payload, written by Encode and read by Decode (see Payload): the one
	// encoding of every topic. Every local subscriber of an event receives the same bytes, so
	// subscribers must treat it as read-only.
	Data json.RawMessage `json:"data"`
}

// Publisher publishes events. Domain packages depend on it rather than on *Bus, so that tests
// can record what they publish.
type Publisher interface {
	// Publish sends e to every subscriber of its topic and agency, on every replica.
	Publish(ctx context.Context, e Event) error
}

// Errors returned by Publish for an event that must not be sent.
var (
	// ErrNoTopic means the event has an empty Topic.
	ErrNoTopic = errors.New("event: topic is required")
	// ErrNoAgency means the event has no AgencyID, so no tenant could be allowed to see it.
	ErrNoAgency = errors.New("event: agency id is required")
)

// validate reports why e must not be published, or nil.
func (e Event) validate() error {
	if e.Topic == "" {
		return ErrNoTopic
	}
	if e.AgencyID == uuid.Nil {
		return ErrNoAgency
	}
	return nil
}
