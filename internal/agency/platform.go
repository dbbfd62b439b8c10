package agency

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
)

// ConnectionState is where an agency's connection to a platform stands.
type ConnectionState string

// Connection states of SPEC "Platforms".
const (
	StatePending      ConnectionState = "PENDING"
	StateOperational  ConnectionState = "OPERATIONAL"
	StateDegraded     ConnectionState = "DEGRADED"
	StateDisconnected ConnectionState = "DISCONNECTED"
)

// Valid reports whether s is a known state.
func (s ConnectionState) Valid() bool {
	return s == StatePending || s == StateOperational || s == StateDegraded || s == StateDisconnected
}

// Platform is an entry of the platform catalog, with the agency's connection when it has one.
type Platform struct {
	Key        string
	Name       string
	Connection *Connection
}

// Connection is an agency's connection to one platform.
type Connection struct {
	bun.BaseModel `bun:"table:platform_connections,alias:pc"`

	AgencyID      uuid.UUID       `bun:"agency_id,pk,type:uuid"`
	PlatformKey   string          `bun:"platform_key,pk"`
	State         ConnectionState `bun:"state,notnull"`
	LastCheckedAt *time.Time      `bun:"last_checked_at"`
	LastError     string          `bun:"last_error,notnull"`
	UpdatedAt     time.Time       `bun:"updated_at,notnull,default:now()"`
}

type platformRow struct {
	bun.BaseModel `bun:"table:platforms,alias:p"`

	Key  string `bun:"key,pk"`
	Name string `bun:"name,notnull"`
}

// ListPlatforms returns the whole catalog with the actor's agency's connections, by key.
func ListPlatforms(ctx context.Context, idb bun.IDB, actor *auth.Actor) ([]Platform, error) {
	if err := actor.Require(auth.ActionReadAgency); err != nil {
		return nil, err
	}
	rows, err := catalog(ctx, idb)
	if err != nil {
		return nil, err
	}
	var conns []Connection
	if err := tenant.Agency(actor.AgencyID).Select(idb, &conns).Scan(ctx); err != nil {
		return nil, fmt.Errorf("agency: list connections: %w", err)
	}
	byKey := make(map[string]*Connection, len(conns))
	for i := range conns {
		byKey[conns[i].PlatformKey] = &conns[i]
	}
	out := make([]Platform, len(rows))
	for i, r := range rows {
		out[i] = Platform{Key: r.Key, Name: r.Name, Connection: byKey[r.Key]}
	}
	return out, nil
}

// catalog reads the platform catalog (shared by every agency), by key.
func catalog(ctx context.Context, idb bun.IDB) ([]platformRow, error) {
	var rows []platformRow
	if err := idb.NewSelect().Model(&rows).OrderExpr("key").Scan(ctx); err != nil {
		return nil, fmt.Errorf("agency: list platforms: %w", err)
	}
	return rows, nil
}

// PlatformNames maps every platform of the catalog to its name: what other packages' lists
// (access requests) show of the platforms they point at. The catalog is small; one statement.
func PlatformNames(ctx context.Context, idb bun.IDB) (map[string]string, error) {
	rows, err := catalog(ctx, idb)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Key] = r.Name
	}
	return out, nil
}

// GetPlatform returns one catalog entry with the actor's agency's connection, or NOT_FOUND.
func GetPlatform(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, key string) (*Platform, error) {
	r := new(platformRow)
	err := idb.NewSelect().Model(r).Where("key = ?", key).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.Invalid("platform", "unknown platform")
	}
	if err != nil {
		return nil, fmt.Errorf("agency: get platform: %w", err)
	}
	p := &Platform{Key: r.Key, Name: r.Name}
	c := new(Connection)
	err = tenant.Agency(agencyID).Select(idb, c).Where("platform_key = ?", key).Scan(ctx)
	switch {
	case err == nil:
		p.Connection = c
	case !db.IsNoRows(err):
		return nil, fmt.Errorf("agency: get connection: %w", err)
	}
	return p, nil
}

// RequireOperational returns an error naming the platform unless the agency's connection to it
// is OPERATIONAL: new identities and access requests are accepted only then.
func RequireOperational(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, key string) error {
	p, err := GetPlatform(ctx, idb, agencyID, key)
	if err != nil {
		return err
	}
	state := "not connected"
	if p.Connection != nil {
		state = string(p.Connection.State)
	}
	if p.Connection == nil || p.Connection.State != StateOperational {
		return fault.Invalid("platform", fmt.Sprintf("%s is %s for this agency; it must be OPERATIONAL", key, state))
	}
	return nil
}

// ConnectPlatform sets the agency's connection state for a platform and, in the same
// transaction, enqueues a connection check recorded in the job history.
func ConnectPlatform(ctx context.Context, idb bun.IDB, actor *auth.Actor, key string, state ConnectionState) (*Platform, *job.Record, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, nil, err
	}
	if !state.Valid() {
		return nil, nil, fault.Invalid("state", "unknown connection state")
	}
	if _, err := GetPlatform(ctx, idb, actor.AgencyID, key); err != nil {
		return nil, nil, err
	}
	var rec *job.Record
	err := db.InTx(ctx, idb, func(ctx context.Context, tx bun.Tx) error {
		c := &Connection{AgencyID: actor.AgencyID, PlatformKey: key, State: state}
		_, err := tx.NewInsert().Model(c).
			On("CONFLICT (agency_id, platform_key) DO UPDATE").
			Set("state = EXCLUDED.state").Set("updated_at = now()").Set("last_error = ''").
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("agency: upsert connection: %w", err)
		}
		rec, err = job.Enqueue(ctx, tx, job.Spec{
			AgencyID:  actor.AgencyID,
			Type:      job.TypeCheckPlatformConnection,
			Input:     CheckInput{Platform: key},
			CreatedBy: actor.UserID,
		})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.KindPlatformConnected, "platform", uuid.Nil, map[string]any{"platform": key, "state": state})
	})
	if err != nil {
		return nil, nil, err
	}
	p, err := GetPlatform(ctx, idb, actor.AgencyID, key)
	return p, rec, err
}

// SeedConnection sets a connection state without an actor or a job (dev seeding).
func SeedConnection(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, key string, state ConnectionState) error {
	c := &Connection{AgencyID: agencyID, PlatformKey: key, State: state}
	_, err := idb.NewInsert().Model(c).On("CONFLICT (agency_id, platform_key) DO UPDATE").
		Set("state = EXCLUDED.state").Set("updated_at = now()").Exec(ctx)
	if err != nil {
		return fmt.Errorf("agency: seed connection: %w", err)
	}
	return nil
}

// CheckInput is the input of a CHECK_PLATFORM_CONNECTION job.
type CheckInput struct {
	Platform string `json:"platform"`
}

// JobType is CHECK_PLATFORM_CONNECTION.
func (CheckInput) JobType() job.Type { return job.TypeCheckPlatformConnection }

// CheckResult is what a connection check records.
type CheckResult struct {
	Platform  string          `json:"platform"`
	State     ConnectionState `json:"state"`
	CheckedAt time.Time       `json:"checkedAt"`
}

// CheckConnectionJob is the CHECK_PLATFORM_CONNECTION handler, registered with its argument type: it
// runs CheckConnection for the job's agency.
func CheckConnectionJob(idb bun.IDB) func(context.Context, *job.Record, CheckInput) (any, error) {
	return func(ctx context.Context, rec *job.Record, in CheckInput) (any, error) {
		if rec.AgencyID == nil {
			return nil, job.Permanent(fmt.Errorf("connection check without an agency"))
		}
		return CheckConnection(ctx, idb, *rec.AgencyID, in)
	}
}

// CheckConnection runs a CHECK_PLATFORM_CONNECTION job for an agency: it verifies the
// connection row is present and consistent and stamps when it was last checked. The platforms'
// own APIs are outside AccessHive's reach, so the check is of AccessHive's side only.
func CheckConnection(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, in CheckInput) (*CheckResult, error) {
	p, err := GetPlatform(ctx, idb, agencyID, in.Platform)
	if err != nil {
		return nil, job.Permanent(err)
	}
	if p.Connection == nil {
		return nil, job.Permanent(fmt.Errorf("agency: %s has no connection for this agency", in.Platform))
	}
	now := time.Now().UTC()
	if _, err := tenant.Agency(agencyID).Update(idb, (*Connection)(nil)).Set("last_checked_at = ?", now).
		Where("platform_key = ?", in.Platform).Exec(ctx); err != nil {
		return nil, fmt.Errorf("agency: stamp check: %w", err)
	}
	return &CheckResult{Platform: in.Platform, State: p.Connection.State, CheckedAt: now}, nil
}
