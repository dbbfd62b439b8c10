package event

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
)

// Payload is the typed content of an event. Each topic carries one Go type, a domain type that
// names its topic with EventTopic (job.Record, identity.Identity, request.Request,
// notify.Notification, SessionRevoked), so that publisher and subscribers share one definition
// and one encoding: Encode on the publishing side, Decode on the subscribing side, and nothing
// else reads or writes Event.Data. Subscribers map the decoded value to what they serve (graph/
// to GraphQL models), so renaming a GraphQL field never changes what travels on the bus.
//
// Payload types declare their topic themselves, as river's JobArgs declare their kind, because
// this package cannot import the domain packages (they import it to publish). EventTopic must
// have a value receiver and P a non-pointer type: Decode calls it on P's zero value.
type Payload interface {
	EventTopic() Topic
}

// Encode returns the event that carries p for agencyID; key narrows it within its topic (see
// the Topic constants for what each holds).
func Encode[P Payload](agencyID uuid.UUID, key string, p P) (Event, error) {
	data, err := json.Marshal(p)
	if err != nil {
		return Event{}, fmt.Errorf("event: encode %s: %w", p.EventTopic(), err)
	}
	return Event{Topic: p.EventTopic(), AgencyID: agencyID, Key: key, Data: data}, nil
}

// Decode returns the payload that e carries. An event of another topic, or one whose data does
// not decode into a P, is an error.
func Decode[P Payload](e Event) (P, error) {
	var p P
	if want := p.EventTopic(); e.Topic != want {
		return p, fmt.Errorf("event: decode %s event as %s", e.Topic, want)
	}
	if err := json.Unmarshal(e.Data, &p); err != nil {
		return p, fmt.Errorf("event: decode %s: %w", e.Topic, err)
	}
	return p, nil
}

// Publish encodes p (Encode) and publishes it with pub.
func Publish[P Payload](ctx context.Context, pub Publisher, agencyID uuid.UUID, key string, p P) error {
	e, err := Encode(agencyID, key, p)
	if err != nil {
		return err
	}
	return pub.Publish(ctx, e)
}

// SessionRevoked is the payload of TopicSessionRevoked: the event itself is the news (its key
// names the user), so it carries nothing.
type SessionRevoked struct{}

// EventTopic is TopicSessionRevoked.
func (SessionRevoked) EventTopic() Topic { return TopicSessionRevoked }
