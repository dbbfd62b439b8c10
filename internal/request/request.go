// Package request runs the access-request flow (SPEC "Access requests"): a client user asks for
// access to a platform, the agency's owner or an admin approves or rejects, an approval creates
// the client-dedicated identity in the same transaction, and the request follows its identity
// to PROVISIONED. Undecided requests expire on the agency's schedule. The package also keeps
// the role templates client users pick from; the agency's settings live in internal/agency.
package request

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/gws/source"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/notify"
	"github.com/accesshive/accesshive/internal/page"
	"github.com/accesshive/accesshive/internal/tenant"
)

// Limits of a request's free text.
const (
	MaxJustification = 2000
	MaxReason        = 1000
)

// Audit kinds of access-request actions.
const (
	KindSubmitted           = "access_request.submitted"
	KindApproved            = "access_request.approved"
	KindRejected            = "access_request.rejected"
	KindExpired             = "access_request.expired"
	KindProvisioned         = "access_request.provisioned"
	KindWithdrawn           = "access_request.withdrawn"
	KindRoleTemplateCreated = "role_template.created"
)

// Notification kinds the flow sends.
const (
	NoteSubmitted   = "ACCESS_REQUEST_SUBMITTED"
	NoteExpiring    = "ACCESS_REQUEST_EXPIRING"
	NoteApproved    = "ACCESS_REQUEST_APPROVED"
	NoteRejected    = "ACCESS_REQUEST_REJECTED"
	NoteExpired     = "ACCESS_REQUEST_EXPIRED"
	NoteProvisioned = "ACCESS_REQUEST_PROVISIONED"
)

// EventTopic makes a request the payload of TopicAccessRequestUpdated (event.Payload).
func (Request) EventTopic() event.Topic { return event.TopicAccessRequestUpdated }

// Request is one row of access_requests, with the names a reviewer needs (requester, client,
// platform) and its identity's state and last error. It holds no secrets: it is what
// accessRequestUpdated publishes.
type Request struct {
	bun.BaseModel `bun:"table:access_requests,alias:ar"`

	ID             uuid.UUID     `bun:"id,pk,type:uuid,default:gen_random_uuid()" json:"id"`
	AgencyID       uuid.UUID     `bun:"agency_id,type:uuid,notnull" json:"-"`
	ClientID       uuid.UUID     `bun:"client_id,type:uuid,notnull" json:"clientId"`
	RequesterID    uuid.UUID     `bun:"requester_id,type:uuid,notnull" json:"requesterId"`
	PlatformKey    string        `bun:"platform_key,notnull" json:"platform"`
	IdentityType   identity.Type `bun:"identity_type,notnull" json:"identityType"`
	RoleTemplateID *uuid.UUID    `bun:"role_template_id,type:uuid" json:"roleTemplateId"`
	Justification  string        `bun:"justification,notnull" json:"justification"`
	Status         Status        `bun:"status,notnull" json:"status"`
	Reason         *string       `bun:"reason" json:"reason"`
	DecidedBy      *uuid.UUID    `bun:"decided_by,type:uuid" json:"decidedBy"`
	DecidedAt      *time.Time    `bun:"decided_at" json:"decidedAt"`
	ExpiresAt      time.Time     `bun:"expires_at,notnull" json:"expiresAt"`
	IdentityID     *uuid.UUID    `bun:"identity_id,type:uuid" json:"identityId"`
	ReminderSentAt *time.Time    `bun:"reminder_sent_at" json:"-"`
	CreatedAt      time.Time     `bun:"created_at,notnull" json:"createdAt"`
	UpdatedAt      time.Time     `bun:"updated_at,notnull" json:"updatedAt"`

	// Filled by every read (Get, List, events: withOwners); empty on a row only locked for
	// update.
	RequesterName     string          `bun:"requester_name,scanonly" json:"requesterName"`
	ClientName        string          `bun:"client_name,scanonly" json:"clientName"`
	PlatformName      string          `bun:"platform_name,scanonly" json:"platformName"`
	IdentityState     *identity.State `bun:"identity_state,scanonly" json:"identityState"`
	IdentityLastError string          `bun:"identity_last_error,scanonly" json:"identityLastError"`
}

// Cursor is the request's position in lists.
func (r *Request) Cursor() page.Cursor { return page.Cursor{At: r.CreatedAt, ID: r.ID} }

// Credentials are what an admin may give when approving an EXTERNAL_LOGIN or API_TOKEN
// request; without them the identity waits in PENDING for updateCredentials.
type Credentials struct {
	Username   string
	Password   string
	Token      string
	TOTPSecret string
}

// String keeps credentials out of formatted output.
func (c Credentials) String() string { return "[credentials redacted]" }

// GoString keeps credentials out of %#v.
func (c Credentials) GoString() string { return c.String() }

// LogValue keeps credentials out of logs.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

func (c *Credentials) empty() bool {
	return c == nil || (c.Username == "" && c.Password == "" && c.Token == "" && c.TOTPSecret == "")
}

// Service runs the access-request flow.
type Service struct {
	db         bun.IDB
	identities *identity.Service
	notifier   *notify.Notifier
	events     event.Publisher
	log        *slog.Logger
	// Now is the service's clock; nil means time.Now. Tests move it to expire requests.
	Now func() time.Time
}

// NewService returns the access-request service.
func NewService(idb bun.IDB, identities *identity.Service, notifier *notify.Notifier, events event.Publisher, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{db: idb, identities: identities, notifier: notifier, events: events, log: log}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// withOwners fills in the names and the identity state a reader of requests needs by asking
// the packages that own them: auth (the requester), agency (the client and the platform) and
// identity (the identity's state and last error). One statement per owner for the whole list,
// never one per request.
func withOwners(ctx context.Context, idb bun.IDB, sc tenant.Scope, rs ...*Request) error {
	if len(rs) == 0 {
		return nil
	}
	o, err := askOwners(ctx, idb, sc, rs)
	if err != nil {
		return err
	}
	for _, r := range rs {
		o.fill(r)
	}
	return nil
}

// owners is what the owning packages know of a list of requests.
type owners struct {
	users     map[uuid.UUID]*auth.User
	clients   map[uuid.UUID]string
	platforms map[string]string
	idents    map[uuid.UUID]*identity.Identity
}

// askOwners asks each owner once for what rs point at.
func askOwners(ctx context.Context, idb bun.IDB, sc tenant.Scope, rs []*Request) (*owners, error) {
	var userIDs, clientIDs, identIDs []uuid.UUID
	for _, r := range rs {
		userIDs, clientIDs = append(userIDs, r.RequesterID), append(clientIDs, r.ClientID)
		if r.IdentityID != nil {
			identIDs = append(identIDs, *r.IdentityID)
		}
	}
	o := &owners{clients: make(map[uuid.UUID]string, len(rs))}
	var err error
	if o.users, err = auth.UsersByIDs(ctx, idb, sc, userIDs); err != nil {
		return nil, fmt.Errorf("request: requesters: %w", err)
	}
	if o.idents, err = identity.ByIDs(ctx, idb, sc, identIDs); err != nil {
		return nil, fmt.Errorf("request: identities: %w", err)
	}
	if o.platforms, err = agency.PlatformNames(ctx, idb); err != nil {
		return nil, fmt.Errorf("request: platforms: %w", err)
	}
	clients, err := agency.ClientsByIDs(ctx, idb, sc.AgencyID, clientIDs)
	if err != nil {
		return nil, fmt.Errorf("request: clients: %w", err)
	}
	for _, c := range clients {
		o.clients[c.ID] = c.Name
	}
	return o, nil
}

// fill sets r's names and identity state from o.
func (o *owners) fill(r *Request) {
	if u := o.users[r.RequesterID]; u != nil {
		r.RequesterName = u.Name
	}
	r.ClientName, r.PlatformName = o.clients[r.ClientID], o.platforms[r.PlatformKey]
	if r.IdentityID == nil {
		return
	}
	if i := o.idents[*r.IdentityID]; i != nil {
		st := i.State
		r.IdentityState, r.IdentityLastError = &st, i.LastError
	}
}

// readOne reads one request of sc (by id) with what its owners add (withOwners).
func readOne(ctx context.Context, idb bun.IDB, sc tenant.Scope, id uuid.UUID, what string) (*Request, error) {
	r := new(Request)
	err := sc.Select(idb, r).Where("ar.id = ?", id).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound("access request")
	}
	if err != nil {
		return nil, fmt.Errorf("request: %s: %w", what, err)
	}
	if err := withOwners(ctx, idb, sc, r); err != nil {
		return nil, err
	}
	return r, nil
}

// load reads one request of an agency with its names (workers and after-commit reads).
func load(ctx context.Context, idb bun.IDB, agencyID, id uuid.UUID) (*Request, error) {
	return readOne(ctx, idb, tenant.Agency(agencyID), id, "load")
}

// lock loads a request of an agency under a row lock, for a status change.
func lock(ctx context.Context, tx bun.IDB, agencyID, id uuid.UUID) (*Request, error) {
	r := new(Request)
	err := tenant.Agency(agencyID).Select(tx, r).Where("ar.id = ?", id).For("UPDATE").Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound("access request")
	}
	if err != nil {
		return nil, fmt.Errorf("request: lock: %w", err)
	}
	return r, nil
}

// SubmitInput is what submitAccessRequest takes. A role template fills the platform, the
// identity type and a default justification; fields given explicitly must agree with it.
type SubmitInput struct {
	Platform       string
	IdentityType   identity.Type
	RoleTemplateID *uuid.UUID
	Justification  string
}

// Submit files an access request for the calling client user's own client: PENDING until the
// agency's expiry window passes. The agency's owners and admins are notified.
func (s *Service) Submit(ctx context.Context, actor *auth.Actor, in SubmitInput) (*Request, error) {
	if err := actor.Require(auth.ActionSubmitRequest); err != nil {
		return nil, err
	}
	if actor.ClientID == uuid.Nil {
		return nil, fault.Forbidden("only a client user submits access requests")
	}
	if err := s.completeInput(ctx, actor, &in); err != nil {
		return nil, err
	}
	if err := agency.RequireOperational(ctx, s.db, actor.AgencyID, in.Platform); err != nil {
		return nil, err
	}
	var req *Request
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		row, err := s.insertRequest(ctx, tx, actor, in)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, actor, KindSubmitted, "access_request", row.ID, map[string]any{
			"clientId": row.ClientID, "platform": row.PlatformKey, "identityType": row.IdentityType, "roleTemplateId": row.RoleTemplateID,
		}); err != nil {
			return err
		}
		if req, err = load(ctx, tx, actor.AgencyID, row.ID); err != nil {
			return err
		}
		notes, err := s.notifyDeciders(ctx, tx, req.AgencyID, submittedNote(req))
		db.AfterCommit(ctx, func(ctx context.Context) {
			s.notifier.Published(ctx, notes...)
			s.publish(ctx, req)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return req, nil
}

// completeInput fills a submission from its role template, if any (given fields must agree
// with it), and checks it.
func (s *Service) completeInput(ctx context.Context, actor *auth.Actor, in *SubmitInput) error {
	in.Platform = strings.TrimSpace(in.Platform)
	in.Justification = strings.TrimSpace(in.Justification)
	if in.RoleTemplateID != nil {
		t, err := getTemplate(ctx, s.db, actor.AgencyID, *in.RoleTemplateID)
		if err != nil {
			return err
		}
		if err := in.fromTemplate(t); err != nil {
			return err
		}
	}
	switch {
	case in.Platform == "":
		return fault.Invalid("platform", "is required (or pick a role template)")
	case in.IdentityType == "":
		return fault.Invalid("identityType", "is required (or pick a role template)")
	case !in.IdentityType.Valid():
		return fault.Invalid("identityType", "unknown identity type")
	case in.Justification == "":
		return fault.Invalid("justification", "is required")
	case utf8.RuneCountInString(in.Justification) > MaxJustification:
		return fault.Invalid("justification", fmt.Sprintf("must be at most %d characters", MaxJustification))
	}
	return nil
}

// fromTemplate fills what the submission leaves out from t, and refuses what contradicts it.
func (in *SubmitInput) fromTemplate(t *RoleTemplate) error {
	if in.Platform == "" {
		in.Platform = t.PlatformKey
	} else if in.Platform != t.PlatformKey {
		return fault.Invalid("platform", fmt.Sprintf("does not match the role template's platform %s", t.PlatformKey))
	}
	if in.IdentityType == "" {
		in.IdentityType = t.IdentityType
	} else if in.IdentityType != t.IdentityType {
		return fault.Invalid("identityType", fmt.Sprintf("does not match the role template's identity type %s", t.IdentityType))
	}
	if in.Justification == "" {
		in.Justification = t.DefaultJustification
	}
	in.RoleTemplateID = &t.ID
	return nil
}

// insertRequest stores a new PENDING request expiring after the agency's window, unless an
// open request or a live identity of the client + platform blocks it (CONFLICT naming it).
func (s *Service) insertRequest(ctx context.Context, tx bun.Tx, actor *auth.Actor, in SubmitInput) (*Request, error) {
	ag, err := agency.Get(ctx, tx, actor)
	if err != nil {
		return nil, err
	}
	if err := openConflict(ctx, tx, actor.AgencyID, actor.ClientID, in.Platform); err != nil {
		return nil, err
	}
	now := s.now()
	row := &Request{
		AgencyID: actor.AgencyID, ClientID: actor.ClientID, RequesterID: actor.UserID, PlatformKey: in.Platform,
		IdentityType: in.IdentityType, RoleTemplateID: in.RoleTemplateID, Justification: in.Justification, Status: StatusPending,
		ExpiresAt: now.Add(time.Duration(ag.AccessRequestExpiryHours) * time.Hour), CreatedAt: now, UpdatedAt: now,
	}
	// The insert runs in a savepoint: when a concurrent submit won the unique index, the
	// transaction survives to look the winner up and name it.
	err = db.InTx(ctx, tx, func(ctx context.Context, sp bun.Tx) error {
		_, err := sp.NewInsert().Model(row).Returning("*").Exec(ctx)
		return err
	})
	if db.IsCode(err, db.CodeUniqueViolation) && db.ConstraintName(err) == "access_requests_one_open_per_client_platform" {
		if cerr := openConflict(ctx, tx, actor.AgencyID, actor.ClientID, in.Platform); cerr != nil {
			return nil, cerr
		}
		return nil, fault.Conflict(fmt.Sprintf("an open access request for %s already exists", in.Platform), "")
	}
	if err != nil {
		return nil, fmt.Errorf("request: insert: %w", err)
	}
	return row, nil
}

// submittedNote tells the agency's deciders of a new request.
func submittedNote(req *Request) notify.Notification {
	return notify.Notification{
		Kind:  NoteSubmitted,
		Title: "New access request from " + notify.PlainName(req.RequesterName),
		Body: fmt.Sprintf("%s (%s) asks for access to %s (identity type %s).\n\n%s\n\nThe request expires at %s unless it is approved or rejected.",
			notify.PlainName(req.RequesterName), notify.PlainName(req.ClientName), req.PlatformName, req.IdentityType,
			notify.Quote("Justification", req.RequesterName, req.Justification), req.ExpiresAt.Format(time.RFC1123)),
		Data: noteData(req),
	}
}

// openConflict returns a CONFLICT naming what blocks a new request for the client + platform:
// an open request, or a live client-dedicated identity.
func openConflict(ctx context.Context, idb bun.IDB, agencyID, clientID uuid.UUID, platform string) error {
	var open struct {
		ID     uuid.UUID `bun:"id"`
		Status Status    `bun:"status"`
	}
	err := tenant.Agency(agencyID).SelectTable(idb, "access_requests", "").Column("id", "status").
		Where("client_id = ? AND platform_key = ? AND status IN (?)", clientID, platform, bun.List([]Status{StatusPending, StatusApproved})).
		Limit(1).Scan(ctx, &open)
	if err == nil {
		return fault.Conflict(fmt.Sprintf("this client already has an open access request for %s (%s, id %s)", platform, open.Status, open.ID), open.ID.String())
	}
	if !db.IsNoRows(err) {
		return fmt.Errorf("request: check open requests: %w", err)
	}
	identID, err := identity.LiveForClient(ctx, idb, agencyID, clientID, platform)
	if err != nil {
		return err
	}
	if identID != uuid.Nil {
		return fault.Conflict(fmt.Sprintf("this client already has a live %s identity (id %s)", platform, identID), identID.String())
	}
	return nil
}

// Get returns an access request the actor may see, or NOT_FOUND.
func (s *Service) Get(ctx context.Context, actor *auth.Actor, id uuid.UUID) (*Request, error) {
	if err := actor.Require(auth.ActionReadAgency); err != nil {
		return nil, err
	}
	return readOne(ctx, s.db, actor.Tenant(), id, "get")
}

// List pages through the access requests the actor may see, oldest first: staff see the whole
// agency's, a client user its own client's. clientID and status narrow the list; a client the
// actor may not see is NOT_FOUND.
func (s *Service) List(ctx context.Context, actor *auth.Actor, clientID *uuid.UUID, status *Status, args page.Args) (page.Result[Request], error) {
	if err := actor.Require(auth.ActionReadAgency); err != nil {
		return page.Result[Request]{}, err
	}
	if clientID != nil {
		if !actor.CanSeeClient(*clientID) {
			return page.Result[Request]{}, fault.NotFound("client")
		}
		if _, err := agency.GetClient(ctx, s.db, actor, *clientID); err != nil {
			return page.Result[Request]{}, err
		}
	}
	if status != nil && !status.Valid() {
		return page.Result[Request]{}, fault.Invalid("status", "unknown access request status")
	}
	filter := func(q *bun.SelectQuery) *bun.SelectQuery {
		if clientID != nil {
			q = q.Where("ar.client_id = ?", *clientID)
		}
		if status != nil {
			q = q.Where("ar.status = ?", *status)
		}
		return q
	}
	var items []Request
	q, first, err := page.Apply(filter(actor.Tenant().Select(s.db, &items)), "ar", args)
	if err != nil {
		return page.Result[Request]{}, err
	}
	if err := q.Scan(ctx); err != nil {
		return page.Result[Request]{}, fmt.Errorf("request: list: %w", err)
	}
	ptrs := make([]*Request, len(items))
	for i := range items {
		ptrs[i] = &items[i]
	}
	if err := withOwners(ctx, s.db, actor.Tenant(), ptrs...); err != nil {
		return page.Result[Request]{}, err
	}
	total, err := filter(actor.Tenant().Select(s.db, (*Request)(nil))).Count(ctx)
	if err != nil {
		return page.Result[Request]{}, fmt.Errorf("request: count: %w", err)
	}
	return page.Build(items, first, int(total), func(r Request) page.Cursor { return r.Cursor() }), nil
}

// notifyDeciders notifies every active owner and admin of the agency with n.
func (s *Service) notifyDeciders(ctx context.Context, tx bun.IDB, agencyID uuid.UUID, n notify.Notification) ([]*notify.Notification, error) {
	ids, err := auth.ActiveUsersIn(ctx, tx, agencyID, auth.RoleOwner, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	out := make([]*notify.Notification, 0, len(ids))
	for _, id := range ids {
		n.AgencyID, n.UserID = agencyID, id
		x, err := s.notifier.Notify(ctx, tx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// notifyRequester notifies the request's requester with n.
func (s *Service) notifyRequester(ctx context.Context, tx bun.IDB, r *Request, n notify.Notification) (*notify.Notification, error) {
	n.AgencyID, n.UserID = r.AgencyID, r.RequesterID
	if n.Data == nil {
		n.Data = noteData(r)
	}
	return s.notifier.Notify(ctx, tx, n)
}

// noteData is the data every access-request notification carries: ids, no secrets.
func noteData(r *Request) map[string]any {
	d := map[string]any{"accessRequestId": r.ID.String(), "clientId": r.ClientID.String(), "platform": r.PlatformKey, "status": string(r.Status)}
	if r.IdentityID != nil {
		d["identityId"] = r.IdentityID.String()
	}
	return d
}

// publish announces requests' current state on accessRequestUpdated (Key: the client id),
// re-read after commit. A failed publish is logged: the change is committed either way.
func (s *Service) publish(ctx context.Context, rs ...*Request) {
	for _, r := range rs {
		if r == nil {
			continue
		}
		view, err := load(ctx, s.db, r.AgencyID, r.ID)
		if err != nil {
			s.log.WarnContext(ctx, "request: reload for publish", "access_request_id", r.ID, "error", err)
			continue
		}
		if err := event.Publish(ctx, s.events, view.AgencyID, view.ClientID.String(), *view); err != nil {
			s.log.WarnContext(ctx, "request: publish", "access_request_id", r.ID, "error", err)
		}
	}
}

// SourceWarning is what a reviewer is told about a PENDING MANAGED_GWS request while the
// agency's Google Workspace source cannot provision it (approval would be refused): the
// source, its state and last error. Nil for anyone but owners and admins, and for other
// requests. Submission is not refused for it: the source may be connected before review.
func (s *Service) SourceWarning(ctx context.Context, actor *auth.Actor, status Status, typ identity.Type) (*string, error) {
	if status != StatusPending || typ != identity.TypeManagedGWS || actor.Require(auth.ActionManage) != nil {
		return nil, nil
	}
	src, err := source.LoadManaged(ctx, s.db, actor.AgencyID)
	if err != nil {
		return nil, err
	}
	msg := "Approving this request will be refused: configure a Google Workspace identity source and connect it first."
	if src != nil {
		if src.Ready() {
			return nil, nil
		}
		p := src.Problem()
		msg = "Approving this request will be refused for now: " + p + "."
	}
	return &msg, nil
}

// systemActor is the actor of changes no person made (expiry, provisioning follow-ups), for the
// audit trail.
func systemActor(agencyID uuid.UUID) *auth.Actor { return &auth.Actor{AgencyID: agencyID} }

// checkReason validates an optional reason (of a decision, or of a client's offboarding) and
// returns it trimmed (nil when empty): the one rule for both.
func checkReason(reason *string) (*string, error) {
	if reason == nil {
		return nil, nil
	}
	r := strings.TrimSpace(*reason)
	if r == "" {
		return nil, nil
	}
	if utf8.RuneCountInString(r) > MaxReason {
		return nil, fault.Invalid("reason", fmt.Sprintf("must be at most %d characters", MaxReason))
	}
	return &r, nil
}
