package graph

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/accesshive/accesshive/graph/model"

	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/page"
)

func pageArgs(first *int, after *string) page.Args {
	var a page.Args
	if first != nil {
		a.First = *first
		if a.First == 0 {
			// page.Args reads 0 as "not given"; an explicit 0 is out of range.
			a.First = -1
		}
	}
	if after != nil {
		a.After = *after
	}
	return a
}

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

func mustJSON(v any) model.JSON {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return model.JSON(b)
}

// optionalID parses an optional ID argument.
func optionalID(field string, s *string) (*uuid.UUID, error) {
	if s == nil {
		return nil, nil
	}
	id, err := parseID(field, *s)
	if err != nil {
		return nil, err
	}
	return &id, nil
}
