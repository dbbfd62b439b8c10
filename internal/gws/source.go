package gws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/vault"
)

// SourceState is where an identity source stands.
type SourceState string

// Source states (SPEC "Identity source").
const (
	// SourceNotConfigured: nothing configured yet.
	SourceNotConfigured SourceState = "NOT_CONFIGURED"
	// SourceChecking: configured (or changed), and the check that proves the configuration
	// against the directory has not ended yet.
	SourceChecking SourceState = "CHECKING"
	// SourceConnected: the last check reached the directory with the configuration.
	SourceConnected SourceState = "CONNECTED"
	// SourceError: the last check failed; LastError says why.
	SourceError SourceState = "ERROR"
)

// SourceKindGWS is the only kind of identity source.
const SourceKindGWS = "GWS"

// Audit kinds of the Google Workspace side.
const (
	KindSourceConfigured  = "identity_source.configured"
	KindSyncRequested     = "directory.sync_requested"
	KindDirectoryRepaired = "directory.repaired"
	KindRepairReprovision = "identity.repair_reprovision"
)

// Source is an agency's Google Workspace identity source. Its service-account key lives in
// the vault and is never part of it.
type Source struct {
	bun.BaseModel `bun:"table:identity_sources,alias:src"`

	ID           uuid.UUID   `bun:"id,pk,type:uuid,default:gen_random_uuid()"`
	AgencyID     uuid.UUID   `bun:"agency_id,type:uuid,notnull"`
	Kind         string      `bun:"kind,notnull"`
	State        SourceState `bun:"state,notnull"`
	Domain       string      `bun:"domain,notnull"`
	CustomerID   string      `bun:"customer_id,notnull"`
	AdminSubject string      `bun:"admin_subject,notnull"`
	ManagedOU    string      `bun:"managed_ou,notnull"`
	// Endpoint is the fake directory's URL in dev and tests; empty means Google. It is set by
	// seeding only, never through the API.
	Endpoint string `bun:"endpoint,notnull"`
	// ServiceAccountEmail is the client_email of the configured key (not a secret).
	ServiceAccountEmail string     `bun:"service_account_email,notnull"`
	LastCheckAt         *time.Time `bun:"last_check_at"`
	LastSyncAt          *time.Time `bun:"last_sync_at"`
	LastError           string     `bun:"last_error,notnull"`
	CreatedAt           time.Time  `bun:"created_at,notnull,default:clock_timestamp()"`
	// UpdatedAt changes when the configuration does (not on checks or syncs).
	UpdatedAt time.Time `bun:"updated_at,notnull,default:clock_timestamp()"`

	// KeyConfigured reports whether a service-account key is stored in the vault.
	KeyConfigured bool `bun:"key_configured,scanonly"`
}

// withKeyState fills in the sources' KeyConfigured from the vault, for what the API shows.
func withKeyState(ctx context.Context, idb bun.IDB, srcs ...*Source) error {
	for _, src := range srcs {
		ok, err := vault.Has(ctx, idb, src.AgencyID, src.ID, vault.PurposeServiceAccountKey)
		if err != nil {
			return fmt.Errorf("gws: source key: %w", err)
		}
		src.KeyConfigured = ok
	}
	return nil
}

// ListSources returns the agency's identity sources with their state and configuration,
// never a secret (staff only).
func (s *Service) ListSources(ctx context.Context, actor *auth.Actor) ([]Source, error) {
	if err := actor.Require(auth.ActionReadOps); err != nil {
		return nil, err
	}
	var out []Source
	if err := actor.Tenant().Select(s.db, &out).OrderExpr("src.created_at, src.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("gws: list sources: %w", err)
	}
	for i := range out {
		if err := withKeyState(ctx, s.db, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GetSource returns one of the agency's identity sources (staff only), or NOT_FOUND.
func (s *Service) GetSource(ctx context.Context, actor *auth.Actor, id uuid.UUID) (*Source, error) {
	if err := actor.Require(auth.ActionReadOps); err != nil {
		return nil, err
	}
	return s.shownSource(ctx, actor.Tenant(), id)
}

// shownSource is loadSource with KeyConfigured filled in, for the API.
func (s *Service) shownSource(ctx context.Context, scope tenant.Scope, id uuid.UUID) (*Source, error) {
	src, err := s.loadSource(ctx, s.db, scope, id)
	if err != nil {
		return nil, err
	}
	if err := withKeyState(ctx, s.db, src); err != nil {
		return nil, err
	}
	return src, nil
}

// loadSource returns the scope's source by id, or NOT_FOUND.
func (s *Service) loadSource(ctx context.Context, idb bun.IDB, scope tenant.Scope, id uuid.UUID) (*Source, error) {
	return loadByID[Source](ctx, idb, scope, id, "identity source")
}

// agencySource returns the agency's Google Workspace source, or ErrSourceNotReady.
func (s *Service) agencySource(ctx context.Context, agencyID uuid.UUID) (*Source, error) {
	src := new(Source)
	err := tenant.Agency(agencyID).Select(s.db, src).Where("src.kind = ?", SourceKindGWS).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fmt.Errorf("gws: %w: the agency has no Google Workspace identity source", ErrSourceNotReady)
	}
	if err != nil {
		return nil, fmt.Errorf("gws: load agency source: %w", err)
	}
	return src, nil
}

// SourceCheckInput is the input of a CHECK_IDENTITY_SOURCE job.
type SourceCheckInput struct {
	SourceID uuid.UUID `json:"sourceId"`
}

// JobType is CHECK_IDENTITY_SOURCE.
func (SourceCheckInput) JobType() job.Type { return job.TypeCheckIdentitySource }

// ConfigureSource creates or changes the agency's Google Workspace identity source (owners and
// admins). The key is sealed in the vault, never stored elsewhere, returned or logged; the
// source is CHECKING until a CHECK_IDENTITY_SOURCE job, enqueued in the same transaction,
// proves the new configuration against the directory; only then does the agency hold the
// domain. The domain cannot change while managed identities live in it; a changed domain
// releases the old one.
func (s *Service) ConfigureSource(ctx context.Context, actor *auth.Actor, in SourceInput) (*Source, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	key := strings.TrimSpace(in.ServiceAccountKeyJSON)
	var keyEmail string
	if key != "" {
		var err error
		if keyEmail, err = parseServiceAccountKey(key); err != nil {
			return nil, err
		}
	}
	var id uuid.UUID
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		existing, err := lockAgencySource(ctx, tx, actor.AgencyID)
		if err != nil {
			return err
		}
		if err := allowSourceChange(ctx, tx, actor.AgencyID, existing, in.Domain, key != ""); err != nil {
			return err
		}
		if id, err = s.storeSource(ctx, tx, actor.AgencyID, in, key, keyEmail); err != nil {
			return err
		}
		rec, err := job.Enqueue(ctx, tx, job.Spec{AgencyID: actor.AgencyID, Type: job.TypeCheckIdentitySource,
			Input: SourceCheckInput{SourceID: id}, CreatedBy: actor.UserID})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, KindSourceConfigured, "identity_source", id, map[string]any{
			"domain": in.Domain, "customerId": in.CustomerID, "adminSubject": in.AdminSubject,
			"managedOu": in.ManagedOU, "keyChanged": key != "", "serviceAccountEmail": keyEmail,
			"created": existing == nil, "checkJobId": rec.ID,
		})
	})
	if err != nil {
		return nil, err
	}
	return s.shownSource(ctx, actor.Tenant(), id)
}

// lockAgencySource locks the agency's Google Workspace source, with KeyConfigured filled in, or
// returns nil when it has none.
func lockAgencySource(ctx context.Context, tx bun.Tx, agencyID uuid.UUID) (*Source, error) {
	src := new(Source)
	err := tenant.Agency(agencyID).Select(tx, src).Where("src.kind = ?", SourceKindGWS).For("UPDATE OF src").Scan(ctx)
	switch {
	case db.IsNoRows(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("gws: lock source: %w", err)
	}
	if err := withKeyState(ctx, tx, src); err != nil {
		return nil, err
	}
	return src, nil
}

// allowSourceChange refuses a configuration without a key where one is needed, and a change of
// domain while managed identities use the old one; an allowed change of domain releases it.
func allowSourceChange(ctx context.Context, tx bun.Tx, agencyID uuid.UUID, existing *Source, domain string, newKey bool) error {
	if !newKey && (existing == nil || (existing.Endpoint == "" && !existing.KeyConfigured)) {
		return fault.Invalid("serviceAccountKey", "is required: upload the service account's JSON key file")
	}
	if existing == nil || existing.Domain == domain {
		return nil
	}
	n, err := identity.CountManaged(ctx, tx, agencyID)
	if err != nil {
		return err
	}
	if n > 0 {
		return fault.Invalid("domain", fmt.Sprintf("cannot change from %s while %d managed identities use it", existing.Domain, n))
	}
	if _, err := tenant.Agency(agencyID).DeleteTable(tx, "directory_domains").Exec(ctx); err != nil {
		return fmt.Errorf("gws: release domain: %w", err)
	}
	return nil
}

// storeSource creates or changes the agency's source, CHECKING, and seals its key (if given) in
// the vault; it returns the source's id.
func (s *Service) storeSource(ctx context.Context, tx bun.Tx, agencyID uuid.UUID, in SourceInput, key, keyEmail string) (uuid.UUID, error) {
	src := &Source{
		AgencyID: agencyID, Kind: SourceKindGWS, State: SourceChecking, Domain: in.Domain,
		CustomerID: in.CustomerID, AdminSubject: in.AdminSubject, ManagedOU: in.ManagedOU,
		ServiceAccountEmail: keyEmail,
	}
	q := tx.NewInsert().Model(src).ExcludeColumn("endpoint", "last_check_at", "last_sync_at", "created_at", "updated_at").
		On("CONFLICT (agency_id, kind) DO UPDATE").
		Set("state = EXCLUDED.state").Set("domain = EXCLUDED.domain").Set("customer_id = EXCLUDED.customer_id").
		Set("admin_subject = EXCLUDED.admin_subject").Set("managed_ou = EXCLUDED.managed_ou").
		Set("last_error = ''").Set("updated_at = clock_timestamp()")
	if key != "" {
		q = q.Set("service_account_email = EXCLUDED.service_account_email")
	}
	if _, err := q.Returning("id").Exec(ctx); err != nil {
		return uuid.Nil, fmt.Errorf("gws: upsert source: %w", err)
	}
	if key != "" {
		if err := s.vault.Put(ctx, tx, agencyID, src.ID, vault.PurposeServiceAccountKey, []byte(key)); err != nil {
			return uuid.Nil, err
		}
	}
	return src.ID, nil
}

// CheckResult is what a CHECK_IDENTITY_SOURCE job records: no secrets.
type CheckResult struct {
	SourceID  uuid.UUID   `json:"sourceId"`
	State     SourceState `json:"state"`
	Error     string      `json:"error,omitempty"`
	CheckedAt time.Time   `json:"checkedAt"`
}

// HandleCheckSource is the worker handler of CHECK_IDENTITY_SOURCE.
func (s *Service) HandleCheckSource(ctx context.Context, rec *job.Record, in SourceCheckInput) (any, error) {
	if rec.AgencyID == nil || in.SourceID == uuid.Nil {
		return nil, job.Permanent(errors.New("gws: bad CHECK_IDENTITY_SOURCE input"))
	}
	res, err := s.CheckSource(ctx, *rec.AgencyID, in.SourceID, rec.Attempts >= rec.MaxAttempts)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// CheckSource dials the source and asks the directory for one user of its domain: CONNECTED on
// success, when the agency also comes to hold the domain (unless another agency already does);
// ERROR with a reason when Google refuses or the configuration is unusable. The reason a tenant
// sees says what kind of failure it was, never the text of an answer or an address (that goes
// to the logs). A transient failure is returned for a retry and changes the state only on the
// final attempt. The outcome is recorded only if the configuration checked is still the
// source's: a check overtaken by a change leaves the state to the change's own check.
func (s *Service) CheckSource(ctx context.Context, agencyID, sourceID uuid.UUID, final bool) (*CheckResult, error) {
	src, err := s.loadSource(ctx, s.db, tenant.Agency(agencyID), sourceID)
	if err != nil {
		return nil, permanentFault(err)
	}
	c, err := s.clientFor(ctx, src)
	if err == nil {
		err = c.Check(ctx)
	}
	res := &CheckResult{SourceID: src.ID, State: SourceConnected}
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		perm := permanent(err)
		public := publicReason(err)
		s.log.WarnContext(ctx, "gws: identity source check failed", "agency_id", agencyID, "source_id", src.ID,
			"domain", src.Domain, "final", final || perm, "error", reasonOf(err))
		if !perm && !final {
			return nil, errors.New("gws: check identity source: " + public)
		}
		res.State, res.Error = SourceError, public
		if _, uerr := s.stampCheck(ctx, src, res); uerr != nil {
			return nil, uerr
		}
		return nil, permanentIf(perm, errors.New("gws: check identity source: "+public))
	}
	return s.stampCheck(ctx, src, res)
}

// errDomainHeld is the reason a check fails whose directory answered, for a domain another
// agency already holds. Only an agency that has just proved it administers the domain's
// directory is told.
const errDomainHeld = "This domain is connected to another AccessHive account; contact support to move it."

// stampCheck records a check's outcome on the source, if its configuration is still the one
// checked, and makes a successful check's agency hold the domain.
func (s *Service) stampCheck(ctx context.Context, src *Source, res *CheckResult) (*CheckResult, error) {
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		var updatedAt time.Time
		scope := tenant.Agency(src.AgencyID)
		err := scope.Select(tx, (*Source)(nil)).Column("updated_at").Where("src.id = ?", src.ID).
			For("UPDATE").Scan(ctx, &updatedAt)
		if db.IsNoRows(err) {
			return job.Permanent(fault.NotFound("identity source"))
		}
		if err != nil {
			return fmt.Errorf("gws: lock source: %w", err)
		}
		if !updatedAt.Equal(src.UpdatedAt) {
			res.State, res.Error = "", "superseded by a newer configuration"
			return nil
		}
		if res.State == SourceConnected {
			held, err := claimDomain(ctx, tx, scope, src)
			if err != nil {
				return err
			}
			if held {
				res.State, res.Error = SourceError, errDomainHeld
			}
		}
		return scope.Update(tx, (*Source)(nil)).Where("src.id = ?", src.ID).
			Set("state = ?", res.State).Set("last_error = ?", res.Error).Set("last_check_at = clock_timestamp()").
			Returning("last_check_at").Scan(ctx, &res.CheckedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("gws: record source check: %w", err)
	}
	return res, nil
}

// claimDomain makes the scope's agency hold src's domain, unless another agency holds it
// already, which it reports.
func claimDomain(ctx context.Context, tx bun.Tx, scope tenant.Scope, src *Source) (heldByAnother bool, err error) {
	var holder uuid.UUID
	err = scope.Raw(tx, `INSERT INTO directory_domains (agency_id, domain, source_id, customer_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (domain) DO UPDATE SET source_id = EXCLUDED.source_id, customer_id = EXCLUDED.customer_id
		WHERE directory_domains.agency_id = EXCLUDED.agency_id
		RETURNING agency_id`, src.Domain, src.ID, src.CustomerID).Scan(ctx, &holder)
	switch {
	case db.IsNoRows(err):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("gws: claim domain: %w", err)
	}
	return false, nil
}

// publicReason is what a tenant is told of a failed check (the source's last error, the job's
// error): the kind of failure and what to look at, never the text of an answer, an address, a
// port or a status line, which would let a key pointing elsewhere probe the network. The
// details go to the logs.
func publicReason(err error) string {
	var (
		au *authError
		ae *apiError
		te *transportError
	)
	switch {
	case errors.Is(err, ErrSourceNotReady):
		return "No service-account key is configured: upload the service account's JSON key file."
	case errors.As(err, &au):
		if au.retryable() {
			return "Google's token service did not answer; the check will be retried."
		}
		return "Google refused the service account's credentials: check the key, its domain-wide delegation of the admin.directory.user scope, and the admin subject."
	case errors.As(err, &ae):
		switch {
		case ae.retryable():
			return fmt.Sprintf("Google's Directory API is busy or unavailable (HTTP %d); the check will be retried.", ae.code)
		case ae.code == http.StatusUnauthorized || ae.code == http.StatusForbidden:
			return fmt.Sprintf("Google's Directory API refused access (HTTP %d): check the domain-wide delegation, the admin subject's privileges and the customer id.", ae.code)
		case ae.code == http.StatusBadRequest || ae.code == http.StatusNotFound:
			return fmt.Sprintf("Google's Directory API does not know this customer id or domain (HTTP %d).", ae.code)
		}
		return fmt.Sprintf("Google's Directory API refused the check (HTTP %d).", ae.code)
	case errors.As(err, &te):
		return "Google's Directory API could not be reached; the check will be retried."
	case permanent(err):
		return "The configuration cannot be used: check the service-account key and the fields of the source."
	}
	return "The check failed; the server's logs say why."
}
