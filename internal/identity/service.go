package identity

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/gws/source"
	"github.com/accesshive/accesshive/internal/page"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/vault"
)

// Audit kinds of identity actions.
const (
	KindCreated             = "identity.created"
	KindDeleted             = "identity.deleted"
	KindCredentialsUpdated  = "credentials.updated"
	KindCredentialsRotated  = "credentials.rotated"
	KindRotationRequested   = "credentials.rotation_requested"
	KindProvisioningRetried = "identity.provisioning_retried"
)

// Service creates, reads and changes identities.
type Service struct {
	db     bun.IDB
	vault  *vault.Store
	events event.Publisher
	log    *slog.Logger
	// follower follows every state change (Follow).
	follower Follower
	// ProvisionManaged, when set, enqueues the GWS provisioning job for new MANAGED_GWS
	// identities; without it they wait in PENDING.
	ProvisionManaged bool
}

// NewService returns the identity service.
func NewService(idb bun.IDB, v *vault.Store, events event.Publisher, log *slog.Logger) *Service {
	return &Service{db: idb, vault: v, events: events, log: log}
}

// Vault returns the service's vault store.
func (s *Service) Vault() *vault.Store { return s.vault }

var templateToken = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	return strings.Trim(templateToken.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// managedEmail fills the agency's naming template ({client}, {platform}, {domain}, {name}).
func managedEmail(template, client, platform, name, domain string) (string, error) {
	if client == "" {
		client = "agency"
	}
	r := strings.NewReplacer("{client}", slug(client), "{platform}", slug(platform), "{name}", slug(name), "{domain}", domain)
	email := r.Replace(template)
	if _, err := auth.NormalizeEmail("email", email); err != nil || !strings.HasSuffix(email, "@"+domain) {
		return "", fault.Invalid("namingTemplate", fmt.Sprintf("the agency's naming template gives %q, which is not an address in %s", email, domain))
	}
	return strings.ToLower(email), nil
}

// sourceDomain returns the domain managed identities of the agency are created in: that of its
// Google Workspace source, which must be CONNECTED and hold the domain (RequireConnectedSource).
func sourceDomain(ctx context.Context, idb bun.IDB, agencyID uuid.UUID) (string, error) {
	src, err := RequireConnectedSource(ctx, idb, agencyID)
	if err != nil {
		return "", err
	}
	return src.Domain, nil
}

// RequireConnectedSource returns the agency's Google Workspace source if managed identities can
// be created in it: it is CONNECTED and the agency holds its domain. Otherwise the error names
// the source, its state and its last error.
func RequireConnectedSource(ctx context.Context, idb bun.IDB, agencyID uuid.UUID) (*source.Managed, error) {
	// The source belongs to the Google Workspace side: ask it (internal/gws/source).
	src, err := source.LoadManaged(ctx, idb, agencyID)
	if err != nil {
		return nil, err
	}
	if src == nil {
		return nil, fault.Invalid("type", "configure a Google Workspace identity source before creating MANAGED_GWS identities")
	}
	if p := src.Problem(); p != "" {
		return nil, fault.Conflict(strings.ToUpper(p[:1])+p[1:]+".", src.ID.String())
	}
	return src, nil
}

// LiveForClient returns the id of the client's live (not DELETED) dedicated identity on the
// platform, or uuid.Nil when it has none: there is at most one (SPEC "Identities").
func LiveForClient(ctx context.Context, idb bun.IDB, agencyID, clientID uuid.UUID, platform string) (uuid.UUID, error) {
	var id uuid.UUID
	err := tenant.Agency(agencyID).SelectTable(idb, "identities", "").Column("id").
		Where("client_id = ? AND platform_key = ? AND provisioning_state <> ?", clientID, platform, StateDeleted).
		Limit(1).Scan(ctx, &id)
	if db.IsNoRows(err) {
		return uuid.Nil, nil
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("identity: live identity of client: %w", err)
	}
	return id, nil
}

func (s *Service) insertConflict(ctx context.Context, tx bun.IDB, err error, ident *Identity) error {
	if !db.IsCode(err, db.CodeUniqueViolation) {
		return fmt.Errorf("identity: insert: %w", err)
	}
	switch db.ConstraintName(err) {
	case "identities_one_live_per_client_platform":
		// The transaction is aborted by the violation: look the winner up outside it.
		existing, _ := LiveForClient(ctx, s.db, ident.AgencyID, *ident.ClientID, ident.Platform())
		return fault.Conflict(fmt.Sprintf("this client already has a live %s identity", ident.Platform()), existing.String())
	case "identities_live_email_key":
		return fault.Conflict("the managed address is already used by another identity", "")
	case "identities_one_live_agency_per_platform", "identities_one_live_agency_wide":
		// SPEC "Identities": an agency identity is one per platform (and one agency-wide).
		var existing uuid.UUID
		q := tenant.Agency(ident.AgencyID).SelectTable(s.db, "identities", "").Column("id").
			Where("client_id IS NULL AND provisioning_state <> 'DELETED'")
		what := "an agency-wide identity"
		if ident.PlatformKey != nil {
			q = q.Where("platform_key = ?", *ident.PlatformKey)
			what = "an agency identity for " + *ident.PlatformKey
		} else {
			q = q.Where("platform_key IS NULL")
		}
		_ = q.Limit(1).Scan(ctx, &existing)
		return fault.Conflict(fmt.Sprintf("the agency already has %s (delete it first)", what), existing.String())
	}
	return fmt.Errorf("identity: insert: %w", err)
}

// Published announces an identity's current state on identityUpdated: the whole identity with
// its provider statuses, re-read after commit so that every caller announces all of it and
// subscribers need not query it again.
func (s *Service) Published(ctx context.Context, ident *Identity) {
	cur, err := Reload(ctx, s.db, ident.AgencyID, ident.ID)
	if err != nil {
		s.log.WarnContext(ctx, "reload identity for publication", "identity_id", ident.ID, "error", err)
		return
	}
	if err := event.Publish(ctx, s.events, cur.AgencyID, cur.ID.String(), *cur); err != nil {
		s.log.WarnContext(ctx, "publish identity update", "identity_id", ident.ID, "error", err)
	}
}

// Get returns an identity the actor may see, with its provider statuses, or NOT_FOUND.
func (s *Service) Get(ctx context.Context, actor *auth.Actor, id uuid.UUID) (*Identity, error) {
	if err := actor.Require(auth.ActionReadAgency); err != nil {
		return nil, err
	}
	ident := new(Identity)
	sc := actor.Tenant()
	err := sc.Select(s.db, ident).Relation("ProviderStatuses", statusesIn(sc)).Where("i.id = ?", id).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound("identity")
	}
	if err != nil {
		return nil, fmt.Errorf("identity: get: %w", err)
	}
	return ident, nil
}

// ListClient pages through a client's live identities, optionally of one platform.
func (s *Service) ListClient(ctx context.Context, actor *auth.Actor, clientID uuid.UUID, platform string, args page.Args) (page.Result[Identity], error) {
	if err := actor.Require(auth.ActionReadAgency); err != nil {
		return page.Result[Identity]{}, err
	}
	if !actor.CanSeeClient(clientID) {
		return page.Result[Identity]{}, fault.NotFound("client")
	}
	if _, err := agency.GetClient(ctx, s.db, actor, clientID); err != nil {
		return page.Result[Identity]{}, err
	}
	filter := func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.Where("i.client_id = ?", clientID).Where("i.provisioning_state <> 'DELETED'")
		if platform != "" {
			q = q.Where("i.platform_key = ?", platform)
		}
		return q
	}
	return s.list(ctx, actor.Tenant(), filter, args)
}

// ListAgency returns the agency's own identities (staff only), optionally of one platform.
func (s *Service) ListAgency(ctx context.Context, actor *auth.Actor, platform string, args page.Args) (page.Result[Identity], error) {
	if err := actor.Require(auth.ActionReadOps); err != nil {
		return page.Result[Identity]{}, err
	}
	filter := func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.Where("i.client_id IS NULL").Where("i.provisioning_state <> 'DELETED'")
		if platform != "" {
			q = q.Where("i.platform_key = ?", platform)
		}
		return q
	}
	return s.list(ctx, actor.Tenant(), filter, args)
}

// list pages through the identities of sc that filter keeps, with their provider statuses.
func (s *Service) list(ctx context.Context, sc tenant.Scope, filter func(*bun.SelectQuery) *bun.SelectQuery, args page.Args) (page.Result[Identity], error) {
	var items []Identity
	q, first, err := page.Apply(filter(sc.Select(s.db, &items)).Relation("ProviderStatuses", statusesIn(sc)), "i", args)
	if err != nil {
		return page.Result[Identity]{}, err
	}
	if err := q.Scan(ctx); err != nil {
		return page.Result[Identity]{}, fmt.Errorf("identity: list: %w", err)
	}
	total, err := filter(sc.Select(s.db, (*Identity)(nil))).Count(ctx)
	if err != nil {
		return page.Result[Identity]{}, fmt.Errorf("identity: count: %w", err)
	}
	return page.Build(items, first, int(total), func(i Identity) page.Cursor { return i.Cursor() }), nil
}
