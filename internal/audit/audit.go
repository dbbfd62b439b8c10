// Package audit writes and reads the audit trail: who did what to which object, when, and
// from where. Audit data never holds secrets.
package audit

import (
	"context"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/audit/trail"
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
type Event = trail.Event

// Record writes an audit event for an action of actor on the target, through idb (the action's
// transaction). data must hold no secrets.
func Record(ctx context.Context, idb bun.IDB, actor *auth.Actor, kind, targetType string, targetID uuid.UUID, data any) error {
	return trail.Write(ctx, idb, actor.AuditEntry(kind, targetType, targetID, data))
}
