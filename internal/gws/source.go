package gws

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"golang.org/x/oauth2/google"
	admin "google.golang.org/api/admin/directory/v1"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
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

// selectSources selects sources with KeyConfigured filled in.
func (s *Service) selectSources(idb bun.IDB, dst any) *bun.SelectQuery {
	return idb.NewSelect().Model(dst).ColumnExpr("src.*").
		ColumnExpr(`EXISTS (SELECT 1 FROM secrets sec WHERE sec.agency_id = src.agency_id
			AND sec.owner_id = src.id AND sec.purpose = ?) AS key_configured`, vault.PurposeServiceAccountKey)
}

// ListSources returns the agency's identity sources with their state and configuration,
// never a secret (staff only).
func (s *Service) ListSources(ctx context.Context, actor *auth.Actor) ([]Source, error) {
	if err := actor.Require(auth.ActionReadOps); err != nil {
		return nil, err
	}
	var out []Source
	if err := s.selectSources(s.db, &out).Where("src.agency_id = ?", actor.AgencyID).
		OrderExpr("src.created_at, src.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("gws: list sources: %w", err)
	}
	return out, nil
}

// GetSource returns one of the agency's identity sources (staff only), or NOT_FOUND.
func (s *Service) GetSource(ctx context.Context, actor *auth.Actor, id uuid.UUID) (*Source, error) {
	if err := actor.Require(auth.ActionReadOps); err != nil {
		return nil, err
	}
	return s.loadSource(ctx, s.db, actor.AgencyID, id)
}

// loadSource returns the agency's source by id, or NOT_FOUND.
func (s *Service) loadSource(ctx context.Context, idb bun.IDB, agencyID, id uuid.UUID) (*Source, error) {
	src := new(Source)
	err := s.selectSources(idb, src).Where("src.agency_id = ? AND src.id = ?", agencyID, id).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound("identity source")
	}
	if err != nil {
		return nil, fmt.Errorf("gws: load source: %w", err)
	}
	return src, nil
}

// agencySource returns the agency's Google Workspace source, or ErrSourceNotReady.
func (s *Service) agencySource(ctx context.Context, agencyID uuid.UUID) (*Source, error) {
	src := new(Source)
	err := s.selectSources(s.db, src).Where("src.agency_id = ? AND src.kind = ?", agencyID, SourceKindGWS).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fmt.Errorf("gws: %w: the agency has no Google Workspace identity source", ErrSourceNotReady)
	}
	if err != nil {
		return nil, fmt.Errorf("gws: load agency source: %w", err)
	}
	return src, nil
}

// SourceInput is what configureIdentitySource takes.
type SourceInput struct {
	// Domain is the Workspace primary domain managed addresses are in.
	Domain string
	// CustomerID is the Workspace customer id ("C01abcd23") or "my_customer".
	CustomerID string
	// AdminSubject is the admin the service account impersonates.
	AdminSubject string
	// ServiceAccountKeyJSON is the service account's key file. Empty keeps the stored key;
	// it is required when none is stored, unless the source has an endpoint (dev, tests).
	ServiceAccountKeyJSON string
	// ManagedOU is the org unit of AccessHive's users; empty means "/AccessHive".
	ManagedOU string
}

// DefaultManagedOU is the managed org unit when none is given.
const DefaultManagedOU = "/AccessHive"

// maxKeyBytes bounds a service-account key file (real ones are about 2.3 kB).
const maxKeyBytes = 16 << 10

var (
	domainRe     = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)
	customerIDRe = regexp.MustCompile(`^C[0-9A-Za-z]{2,31}$`)
	ouSegmentRe  = regexp.MustCompile(`^[^/]{1,100}$`)
)

// validate normalises the input and checks every field but the key, naming the field at
// fault.
func (in *SourceInput) validate() error {
	in.Domain = strings.ToLower(strings.TrimSpace(in.Domain))
	if in.Domain == "" {
		return fault.Invalid("domain", "is required")
	}
	if len(in.Domain) > 253 || !domainRe.MatchString(in.Domain) {
		return fault.Invalid("domain", "must be a domain name such as agency.example")
	}
	in.CustomerID = strings.TrimSpace(in.CustomerID)
	if in.CustomerID == "" {
		return fault.Invalid("customerId", "is required (the Workspace customer id, e.g. C01abcd23, or my_customer)")
	}
	if in.CustomerID != myCustomer && !customerIDRe.MatchString(in.CustomerID) {
		return fault.Invalid("customerId", "must be a Workspace customer id such as C01abcd23, or my_customer")
	}
	subject, err := auth.NormalizeEmail("adminSubject", in.AdminSubject)
	if err != nil {
		return err
	}
	in.AdminSubject = subject
	ou := strings.TrimSpace(in.ManagedOU)
	if ou == "" {
		ou = DefaultManagedOU
	}
	if !strings.HasPrefix(ou, "/") {
		return fault.Invalid("managedOu", `must be an org unit path starting with "/", e.g. /AccessHive`)
	}
	ou = strings.TrimRight(ou, "/")
	if ou == "" {
		return fault.Invalid("managedOu", `must name an org unit below "/": every user of the customer would count as managed`)
	}
	if len(ou) > 500 {
		return fault.Invalid("managedOu", "must be at most 500 characters")
	}
	for _, seg := range strings.Split(ou[1:], "/") {
		if !ouSegmentRe.MatchString(seg) || strings.TrimSpace(seg) != seg {
			return fault.Invalid("managedOu", "must be a path of non-empty org unit names, e.g. /AccessHive/Clients")
		}
	}
	in.ManagedOU = ou
	return nil
}

// serviceAccountKey is what is read of a key file to check it. The key file itself is sealed
// as given.
type serviceAccountKey struct {
	Type        string `json:"type"`
	ClientEmail string `json:"client_email"`
	PrivateKey  string `json:"private_key"`
	TokenURI    string `json:"token_uri"`
}

// googleTokenURIs are the token endpoints Google's own key files name. A key naming any other
// is refused; whatever a stored key says, requests go to TokenURL only (New).
var googleTokenURIs = map[string]bool{"": true, TokenURL: true, "https://accounts.google.com/o/oauth2/token": true}

// parseServiceAccountKey checks a key file and returns its client_email. Its errors name the
// field and never quote the file.
func parseServiceAccountKey(raw string) (string, error) {
	const field = "serviceAccountKey"
	if len(raw) > maxKeyBytes {
		return "", fault.Invalid(field, "is too large for a service-account key file")
	}
	var k serviceAccountKey
	if err := json.Unmarshal([]byte(raw), &k); err != nil {
		return "", fault.Invalid(field, "must be a Google service-account key file (JSON)")
	}
	if k.Type != "service_account" {
		return "", fault.Invalid(field, `must be a service-account key file ("type": "service_account")`)
	}
	email, err := auth.NormalizeEmail(field, k.ClientEmail)
	if err != nil {
		return "", fault.Invalid(field, "must have the service account's client_email")
	}
	if !googleTokenURIs[strings.TrimSpace(k.TokenURI)] {
		return "", fault.Invalid(field, "must name Google's token endpoint ("+TokenURL+") as its token_uri")
	}
	block, _ := pem.Decode([]byte(k.PrivateKey))
	if block == nil || !strings.Contains(block.Type, "PRIVATE KEY") {
		return "", fault.Invalid(field, "must have a PEM private_key")
	}
	if _, err := google.JWTConfigFromJSON([]byte(raw), admin.AdminDirectoryUserScope); err != nil {
		return "", fault.Invalid(field, "is not a key file Google's client accepts")
	}
	return email, nil
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
		existing := new(Source)
		err := s.selectSources(tx, existing).Where("src.agency_id = ? AND src.kind = ?", actor.AgencyID, SourceKindGWS).
			For("UPDATE OF src").Scan(ctx)
		switch {
		case db.IsNoRows(err):
			existing = nil
		case err != nil:
			return fmt.Errorf("gws: lock source: %w", err)
		}
		if key == "" && (existing == nil || (existing.Endpoint == "" && !existing.KeyConfigured)) {
			return fault.Invalid("serviceAccountKey", "is required: upload the service account's JSON key file")
		}
		if existing != nil && existing.Domain != in.Domain {
			n, err := identity.CountManaged(ctx, tx, actor.AgencyID)
			if err != nil {
				return err
			}
			if n > 0 {
				return fault.Invalid("domain", fmt.Sprintf("cannot change from %s while %d managed identities use it", existing.Domain, n))
			}
			if _, err := tx.NewDelete().Table("directory_domains").Where("agency_id = ?", actor.AgencyID).Exec(ctx); err != nil {
				return fmt.Errorf("gws: release domain: %w", err)
			}
		}
		src := &Source{
			AgencyID: actor.AgencyID, Kind: SourceKindGWS, State: SourceChecking, Domain: in.Domain,
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
			return fmt.Errorf("gws: upsert source: %w", err)
		}
		id = src.ID
		if key != "" {
			if err := s.vault.Put(ctx, tx, actor.AgencyID, id, vault.PurposeServiceAccountKey, []byte(key)); err != nil {
				return err
			}
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
	return s.loadSource(ctx, s.db, actor.AgencyID, id)
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
	src, err := s.loadSource(ctx, s.db, agencyID, sourceID)
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
		if perm {
			return nil, job.Permanent(errors.New("gws: check identity source: " + public))
		}
		return nil, errors.New("gws: check identity source: " + public)
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
		err := tx.NewSelect().Model((*Source)(nil)).Column("updated_at").Where("id = ? AND agency_id = ?", src.ID, src.AgencyID).
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
			var holder uuid.UUID
			err := tx.NewRaw(`INSERT INTO directory_domains (domain, agency_id, source_id, customer_id) VALUES (?, ?, ?, ?)
				ON CONFLICT (domain) DO UPDATE SET source_id = EXCLUDED.source_id, customer_id = EXCLUDED.customer_id
				WHERE directory_domains.agency_id = EXCLUDED.agency_id
				RETURNING agency_id`, src.Domain, src.AgencyID, src.ID, src.CustomerID).Scan(ctx, &holder)
			switch {
			case db.IsNoRows(err):
				res.State, res.Error = SourceError, errDomainHeld
			case err != nil:
				return fmt.Errorf("gws: claim domain: %w", err)
			}
		}
		return tx.NewUpdate().Model((*Source)(nil)).Where("id = ?", src.ID).
			Set("state = ?", res.State).Set("last_error = ?", res.Error).Set("last_check_at = clock_timestamp()").
			Returning("last_check_at").Scan(ctx, &res.CheckedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("gws: record source check: %w", err)
	}
	return res, nil
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
