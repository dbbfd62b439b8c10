// Package audit writes and reads the audit trail: who did what to which object, when, and
// from where. Audit data never holds secrets.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/auth"
)

// Kinds of audit events.
const (
	KindClientCreated     = "client.created"
	KindUserCreated       = "user.created"
	KindPlatformConnected = "platform.connected"
	KindLogin             = "user.login"
)

// Event is one row of the audit trail.
type Event struct {
	bun.BaseModel `bun:"table:audit_events,alias:ae"`

	ID          uuid.UUID       `bun:"id,pk,type:uuid,default:gen_random_uuid()"`
	AgencyID    uuid.UUID       `bun:"agency_id,type:uuid,notnull"`
	ActorUserID *uuid.UUID      `bun:"actor_user_id,type:uuid"`
	Kind        string          `bun:"kind,notnull"`
	TargetType  string          `bun:"target_type,notnull"`
	TargetID    *uuid.UUID      `bun:"target_id,type:uuid"`
	IP          string          `bun:"ip,notnull"`
	UserAgent   string          `bun:"user_agent,notnull"`
	Data        json.RawMessage `bun:"data,type:jsonb,notnull"`
	CreatedAt   time.Time       `bun:"created_at,notnull,default:now()"`
}

// Record writes an audit event for an action of actor on the target, through idb (the action's
// transaction). data must hold no secrets.
func Record(ctx context.Context, idb bun.IDB, actor *auth.Actor, kind, targetType string, targetID uuid.UUID, data any) error {
	raw := json.RawMessage("{}")
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("audit: marshal data: %w", err)
		}
		raw = b
	}
	ev := &Event{
		AgencyID:   actor.AgencyID,
		Kind:       kind,
		TargetType: targetType,
		IP:         actor.IP,
		UserAgent:  actor.UserAgent,
		Data:       raw,
	}
	if actor.UserID != uuid.Nil {
		u := actor.UserID
		ev.ActorUserID = &u
	}
	if targetID != uuid.Nil {
		t := targetID
		ev.TargetID = &t
	}
	if _, err := idb.NewInsert().Model(ev).Exec(ctx); err != nil {
		return fmt.Errorf("audit: insert: %w", err)
	}
	return nil
}
