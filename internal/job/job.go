// Package job defines AccessHive's background job types and keeps their records: a job is written
// to the jobs table and the outbox in the caller's transaction, relayed to asynq by the worker,
// and every run updates its record (QUEUED → RUNNING → SUCCEEDED / FAILED / RETRYING).
package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/tenant"
)

// Type names a kind of background job. Its string is also the asynq task type.
type Type string

// The job types of SPEC "Background jobs".
const (
	TypeProvisionIdentity       Type = "PROVISION_IDENTITY"
	TypeDeprovisionIdentity     Type = "DEPROVISION_IDENTITY"
	TypeSyncDirectory           Type = "SYNC_DIRECTORY"
	TypeExpireAccessRequests    Type = "EXPIRE_ACCESS_REQUESTS"
	TypeRotateCredentials       Type = "ROTATE_CREDENTIALS"
	TypeSendNotification        Type = "SEND_NOTIFICATION"
	TypeRewrapVault             Type = "REWRAP_VAULT"
	TypeCheckPlatformConnection Type = "CHECK_PLATFORM_CONNECTION"
	TypeCheckIdentitySource     Type = "CHECK_IDENTITY_SOURCE"
)

// Status is where a job's record stands.
type Status string

// Job statuses.
const (
	StatusQueued    Status = "QUEUED"
	StatusRunning   Status = "RUNNING"
	StatusSucceeded Status = "SUCCEEDED"
	StatusFailed    Status = "FAILED"
	StatusRetrying  Status = "RETRYING"
)

// Queues, weighted in the worker so that a large sync or rewrap never starves provisioning.
const (
	QueueCritical = "critical"
	QueueDefault  = "default"
	QueueLow      = "low"
)

// Kind is how a job type runs: its queue and how many attempts it gets.
type Kind struct {
	Queue       string
	MaxAttempts int
	Timeout     time.Duration
}

// Kinds lists every job type with its queue and retry budget.
var Kinds = map[Type]Kind{
	TypeProvisionIdentity:       {QueueCritical, 8, 5 * time.Minute},
	TypeDeprovisionIdentity:     {QueueCritical, 8, 5 * time.Minute},
	TypeRotateCredentials:       {QueueCritical, 8, 5 * time.Minute},
	TypeSendNotification:        {QueueDefault, 5, time.Minute},
	TypeExpireAccessRequests:    {QueueDefault, 3, 5 * time.Minute},
	TypeCheckPlatformConnection: {QueueDefault, 3, time.Minute},
	TypeCheckIdentitySource:     {QueueDefault, 3, time.Minute},
	TypeSyncDirectory:           {QueueLow, 3, 2 * time.Hour},
	TypeRewrapVault:             {QueueLow, 5, 2 * time.Hour},
}

// Valid reports whether t is a known job type.
func (t Type) Valid() bool { _, ok := Kinds[t]; return ok }

// Record is one row of the jobs table. It is also the payload of TopicJobUpdated events, in
// the JSON its tags give (the agency travels on the event; the queue, creator and update time
// stay out).
type Record struct {
	bun.BaseModel `bun:"table:jobs"`

	ID          uuid.UUID       `bun:"id,pk,type:uuid,default:gen_random_uuid()" json:"id"`
	AgencyID    *uuid.UUID      `bun:"agency_id,type:uuid" json:"-"`
	Type        Type            `bun:"type,notnull" json:"type"`
	Queue       string          `bun:"queue,notnull" json:"-"`
	Status      Status          `bun:"status,notnull" json:"status"`
	Attempts    int             `bun:"attempts,notnull" json:"attempts"`
	MaxAttempts int             `bun:"max_attempts,notnull" json:"maxAttempts"`
	Input       json.RawMessage `bun:"input,type:jsonb,notnull" json:"input"`
	Result      json.RawMessage `bun:"result,type:jsonb,nullzero" json:"result"`
	Progress    json.RawMessage `bun:"progress,type:jsonb,nullzero" json:"progress"`
	Error       string          `bun:"error,notnull" json:"error,omitempty"`
	CreatedBy   *uuid.UUID      `bun:"created_by,type:uuid" json:"-"`
	QueuedAt    time.Time       `bun:"queued_at,notnull,default:now()" json:"queuedAt"`
	StartedAt   *time.Time      `bun:"started_at" json:"startedAt"`
	FinishedAt  *time.Time      `bun:"finished_at" json:"finishedAt"`
	UpdatedAt   time.Time       `bun:"updated_at,notnull,default:now()" json:"-"`
}

// EventTopic makes a record the payload of TopicJobUpdated (event.Payload).
func (Record) EventTopic() event.Topic { return event.TopicJobUpdated }

// Finished reports whether the job has reached a final status.
func (r *Record) Finished() bool {
	return r.Status == StatusSucceeded || r.Status == StatusFailed
}

// OutboxRow is a job waiting to be handed to asynq.
type OutboxRow struct {
	bun.BaseModel `bun:"table:outbox"`

	ID        int64           `bun:"id,pk,autoincrement"`
	JobID     uuid.UUID       `bun:"job_id,type:uuid,notnull"`
	TaskType  string          `bun:"task_type,notnull"`
	Queue     string          `bun:"queue,notnull"`
	Payload   json.RawMessage `bun:"payload,type:jsonb,notnull"`
	ProcessAt *time.Time      `bun:"process_at"`
	CreatedAt time.Time       `bun:"created_at,notnull,default:now()"`
	RelayedAt *time.Time      `bun:"relayed_at"`
	Attempts  int             `bun:"attempts,notnull"`
	LastError string          `bun:"last_error,notnull"`
}

// Payload is the whole asynq task payload: ids only, never secrets; the handler reads the
// job's input from its record.
type Payload struct {
	JobID uuid.UUID `json:"job_id"`
}

// Spec describes a job to enqueue.
type Spec struct {
	// AgencyID is the tenant the job works for; uuid.Nil for a system-wide job.
	AgencyID uuid.UUID
	// Type is the job type; it may be left empty when Input is an Args, which names it.
	Type Type
	// Input is marshalled to JSON and shown in the job history: ids and options, never secrets.
	// An Args value gives the job its type.
	Input any
	// CreatedBy is the user whose action caused the job, if any.
	CreatedBy uuid.UUID
	// ProcessAt delays the job; zero means at once.
	ProcessAt time.Time
}

// ErrUnknownType is returned for a job type that is not in Kinds.
var ErrUnknownType = errors.New("job: unknown type")

// ErrNotFound is returned when a job record does not exist (for the caller's agency).
var ErrNotFound = errors.New("job: not found")

// Enqueue writes the job's record and its outbox row through idb, which should be the
// transaction of the state change that needs the job: both commit or neither does.
func Enqueue(ctx context.Context, idb bun.IDB, spec Spec) (*Record, error) {
	if args, ok := spec.Input.(Args); ok {
		if spec.Type != "" && spec.Type != args.JobType() {
			return nil, fmt.Errorf("%w: %s arguments for a %s job", ErrUnknownType, args.JobType(), spec.Type)
		}
		spec.Type = args.JobType()
	}
	kind, ok := Kinds[spec.Type]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownType, spec.Type)
	}
	input := spec.Input
	if input == nil {
		input = struct{}{}
	}
	raw, err := json.Marshal(input)
	if err != nil {
		return nil, fmt.Errorf("job: marshal input: %w", err)
	}
	rec := &Record{
		ID:          uuid.New(),
		Type:        spec.Type,
		Queue:       kind.Queue,
		Status:      StatusQueued,
		MaxAttempts: kind.MaxAttempts,
		Input:       raw,
	}
	if spec.AgencyID != uuid.Nil {
		a := spec.AgencyID
		rec.AgencyID = &a
	}
	if spec.CreatedBy != uuid.Nil {
		u := spec.CreatedBy
		rec.CreatedBy = &u
	}
	if _, err := idb.NewInsert().Model(rec).Returning("*").Exec(ctx); err != nil {
		return nil, fmt.Errorf("job: insert record: %w", err)
	}
	row, err := outboxRow(rec, spec.ProcessAt)
	if err != nil {
		return nil, err
	}
	if _, err := idb.NewInsert().Model(row).Exec(ctx); err != nil {
		return nil, fmt.Errorf("job: insert outbox row: %w", err)
	}
	return rec, nil
}

// outboxRow is the outbox row that hands rec's job to asynq, at processAt (zero: at once).
func outboxRow(rec *Record, processAt time.Time) (*OutboxRow, error) {
	payload, err := json.Marshal(Payload{JobID: rec.ID})
	if err != nil {
		return nil, fmt.Errorf("job: marshal payload: %w", err)
	}
	row := &OutboxRow{JobID: rec.ID, TaskType: string(rec.Type), Queue: rec.Queue, Payload: payload}
	if !processAt.IsZero() {
		row.ProcessAt = &processAt
	}
	return row, nil
}

// Get returns one job record of an agency.
func Get(ctx context.Context, idb bun.IDB, agencyID, id uuid.UUID) (*Record, error) {
	rec := new(Record)
	err := tenant.Agency(agencyID).Select(idb, rec).Where("id = ?", id).Scan(ctx)
	if err != nil {
		if db.IsNoRows(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("job: get: %w", err)
	}
	return rec, nil
}

// Load returns a job record by id alone; only the worker, which holds the id from its own
// task payload, calls it.
func Load(ctx context.Context, idb bun.IDB, id uuid.UUID) (*Record, error) {
	rec := new(Record)
	err := idb.NewSelect().Model(rec).Where("id = ?", id).
		Comment(tenant.AllAgencies("the worker loads a job record by the id in its task payload")).Scan(ctx)
	if err != nil {
		if db.IsNoRows(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("job: load: %w", err)
	}
	return rec, nil
}

// List returns an agency's most recent job records, newest first, optionally of one type.
func List(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, typ Type, limit int) ([]Record, error) {
	var recs []Record
	q := tenant.Agency(agencyID).Select(idb, &recs).
		OrderExpr("queued_at DESC, id DESC").Limit(int64(limit))
	if typ != "" {
		q = q.Where("type = ?", typ)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("job: list: %w", err)
	}
	return recs, nil
}

// MaxListLimit bounds List's limit.
const MaxListLimit = 100

// ListFor returns the actor's agency's recent jobs, newest first: the job history of SPEC
// (staff only; client users see no jobs).
func ListFor(ctx context.Context, idb bun.IDB, actor *auth.Actor, typ Type, limit int) ([]Record, error) {
	if err := actor.Require(auth.ActionReadOps); err != nil {
		return nil, err
	}
	if limit < 1 || limit > MaxListLimit {
		return nil, fault.Invalid("limit", fmt.Sprintf("must be between 1 and %d", MaxListLimit))
	}
	if typ != "" && !typ.Valid() {
		return nil, fault.Invalid("type", "unknown job type")
	}
	return List(ctx, idb, actor.AgencyID, typ, limit)
}
