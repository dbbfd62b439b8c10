package graph

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/fault"
)

// subscribe turns an event-bus subscription into a subscription resolver's channel: it decodes
// each event's payload P (event.Decode; f's topic is P's), maps it to GraphQL with conv (a
// convert function), drops events that do not decode, and closes when the client goes away or
// the bus stops.
func subscribe[P event.Payload, T any](ctx context.Context, bus *event.Bus, f event.Filter, logger *slog.Logger, conv func(*P) T) <-chan T {
	var zero P
	f.Topic = zero.EventTopic()
	sub := bus.Subscribe(f)
	out := make(chan T, 1)
	go func() {
		defer close(out)
		defer sub.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-sub.C():
				if !ok {
					return
				}
				p, err := event.Decode[P](e)
				if err != nil {
					logger.WarnContext(ctx, "dropping undecodable event", "topic", e.Topic, "error", err)
					continue
				}
				select {
				case out <- conv(&p):
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

// countdown ticks once a second with the seconds left until expiresAt, then sends an expired
// tick and ends. It derives every tick from the stored expiry, so all replicas agree.
func countdown(ctx context.Context, revealID string, expiresAt time.Time, now func() time.Time) <-chan *model.RevealTick {
	out := make(chan *model.RevealTick, 1)
	go func() {
		defer close(out)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			left := expiresAt.Sub(now())
			tick := &model.RevealTick{RevealID: revealID}
			if left > 0 {
				tick.SecondsRemaining = int((left + time.Second - 1) / time.Second)
			} else {
				tick.Expired = true
			}
			select {
			case out <- tick:
			case <-ctx.Done():
				return
			}
			if tick.Expired {
				return
			}
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// accessRequestFilter is what actor's accessRequestUpdated subscription hears: its agency's
// requests, or one client's (cid) that it may see.
func (r *Resolver) accessRequestFilter(ctx context.Context, actor *auth.Actor, cid *uuid.UUID) (event.Filter, error) {
	if err := actor.Require(auth.ActionReadAgency); err != nil {
		return event.Filter{}, err
	}
	f := event.Filter{Topic: event.TopicAccessRequestUpdated, AgencyID: actor.AgencyID}
	switch {
	case actor.Role == auth.RoleClientUser:
		// A client user hears its own client's requests only, whatever it asked for.
		if cid != nil && *cid != actor.ClientID {
			return f, fault.NotFound("client")
		}
		f.Key = actor.ClientID.String()
	case cid != nil:
		if _, err := agency.GetClient(ctx, r.DB, actor, *cid); err != nil {
			return f, err
		}
		f.Key = cid.String()
	}
	return f, nil
}
