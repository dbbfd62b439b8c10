// Package trail writes one row of the audit trail. It is package audit's writer, kept in a leaf
// package that imports nothing of the domain: audit imports internal/auth (for the Actor), so
// auth, which records its account changes in the same trail, writes them through here instead of
// inserting rows of its own.
package trail

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
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

// Entry is what one action records: who (ActorUserID is uuid.Nil for the system) from where,
// did what (Kind) to which object. Data must hold no secrets; nil records an empty object.
type Entry struct {
	AgencyID    uuid.UUID
	ActorUserID uuid.UUID
	IP          string
	UserAgent   string
	Kind        string
	TargetType  string
	TargetID    uuid.UUID
	Data        any
}

// Write records e through idb (the action's transaction).
func Write(ctx context.Context, idb bun.IDB, e Entry) error {
	raw := json.RawMessage("{}")
	if e.Data != nil {
		b, err := json.Marshal(e.Data)
		if err != nil {
			return fmt.Errorf("audit: marshal data: %w", err)
		}
		raw = b
	}
	ev := &Event{
		AgencyID:    e.AgencyID,
		ActorUserID: nonNil(e.ActorUserID),
		Kind:        e.Kind,
		TargetType:  e.TargetType,
		TargetID:    nonNil(e.TargetID),
		IP:          e.IP,
		UserAgent:   e.UserAgent,
		Data:        raw,
	}
	if _, err := idb.NewInsert().Model(ev).Exec(ctx); err != nil {
		return fmt.Errorf("audit: insert: %w", err)
	}
	return nil
}

// nonNil is id, or nil for uuid.Nil (the column's NULL).
func nonNil(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}
