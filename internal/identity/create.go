package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/vault"
)

// CreateInput is what createIdentity takes; ClientID nil makes an agency identity.
type CreateInput struct {
	ClientID       *uuid.UUID
	Platform       string
	Type           Type
	DisplayName    string
	Username       string
	Password       string
	Token          string
	TOTPSecret     string
	LoginURL       string
	Notes          string
	TokenExpiresAt *time.Time
	// OriginRequestID is set when an approved access request creates the identity.
	OriginRequestID *uuid.UUID
}

// validate checks the per-type required and optional fields (SPEC "Identity types") and fills
// the default display name.
func (in *CreateInput) validate(now time.Time) error {
	if err := in.checkPlacement(); err != nil {
		return err
	}
	if err := checkDescription(in, now); err != nil {
		return err
	}
	given := in.givenCredentials()
	creds, _ := applyCredentials(Credentials{}, given)
	if err := ValidateCredentials(in.Type, given, creds); err != nil {
		return err
	}
	switch in.Type {
	case TypeManagedGWS:
		return required("displayName", in.DisplayName)
	case TypeExternalLogin:
		in.DisplayName = cmpOr(in.DisplayName, in.Username)
	case TypeAPIToken:
		in.DisplayName = cmpOr(in.DisplayName, in.Platform+" API token")
	}
	return in.checkTokenExpiry(now)
}

// validatePending checks an identity created without its credentials, waiting for them.
func (in *CreateInput) validatePending(now time.Time) error {
	if in.Type != TypeExternalLogin && in.Type != TypeAPIToken {
		return fault.Invalid("type", "only EXTERNAL_LOGIN and API_TOKEN identities wait for credentials")
	}
	if in.ClientID == nil {
		return fault.Invalid("clientId", "is required for an identity awaiting credentials")
	}
	if err := in.checkPlacement(); err != nil {
		return err
	}
	if err := refuseGiven(in.givenCredentials(), "credentials make the identity PROVISIONED at once: create it with them instead", "username", "password", "token", "totpSecret"); err != nil {
		return err
	}
	in.DisplayName = cmpOr(strings.TrimSpace(in.DisplayName), in.Platform+" access")
	if err := checkDescription(in, now); err != nil {
		return err
	}
	if in.TokenExpiresAt != nil && (in.Type != TypeAPIToken || !in.TokenExpiresAt.After(now)) {
		return fault.Invalid("tokenExpiresAt", "must be in the future, for an API_TOKEN identity")
	}
	return nil
}

// checkPlacement checks the type and that a client-dedicated or managed identity names its
// platform.
func (in *CreateInput) checkPlacement() error {
	if !in.Type.Valid() {
		return fault.Invalid("type", "unknown identity type")
	}
	if in.ClientID != nil && in.Platform == "" {
		return fault.Invalid("platform", "is required for a client-dedicated identity")
	}
	if in.Type == TypeManagedGWS && in.Platform == "" {
		return fault.Invalid("platform", "is required for this identity type")
	}
	return nil
}

// checkTokenExpiry refuses an API token's expiry that is not in the future.
func (in *CreateInput) checkTokenExpiry(now time.Time) error {
	if in.Type == TypeAPIToken && in.TokenExpiresAt != nil && !in.TokenExpiresAt.After(now) {
		return fault.Invalid("tokenExpiresAt", "must be in the future")
	}
	return nil
}

// cmpOr returns v, or def when v is empty.
func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Create makes an identity (SPEC "Identities"). EXTERNAL_LOGIN and API_TOKEN identities, whose
// credentials are given, are PROVISIONED at once; a MANAGED_GWS identity starts PENDING.
func (s *Service) Create(ctx context.Context, actor *auth.Actor, in CreateInput) (*Identity, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	return s.create(ctx, s.db, actor, in)
}

// CreateInTx is Create within the caller's transaction (access-request approval), announced
// once that transaction commits.
func (s *Service) CreateInTx(ctx context.Context, tx bun.IDB, actor *auth.Actor, in CreateInput) (*Identity, error) {
	return s.create(ctx, tx, actor, in)
}

// CreatePendingInTx creates a client-dedicated EXTERNAL_LOGIN or API_TOKEN identity without
// credentials, in PENDING, within the caller's transaction: an access request approved before
// the admin has the platform login or token at hand. UpdateCredentials later stores them and
// moves the identity to PROVISIONED. Credentials given here are refused (use CreateInTx). The
// caller checks the actor's permission; the identity is announced once the transaction commits.
func (s *Service) CreatePendingInTx(ctx context.Context, tx bun.IDB, actor *auth.Actor, in CreateInput) (*Identity, error) {
	if err := in.validatePending(time.Now()); err != nil {
		return nil, err
	}
	ident, _, err := s.newIdentity(ctx, tx, actor, in)
	if err != nil {
		return nil, err
	}
	ident.State = StatePending
	statuses := []ProviderStatus{{Provider: in.Platform, Status: "AWAITING_CREDENTIALS"}}
	return s.insert(ctx, tx, actor, ident, statuses, nil)
}

func (s *Service) create(ctx context.Context, idb bun.IDB, actor *auth.Actor, in CreateInput) (*Identity, error) {
	if err := in.validate(time.Now()); err != nil {
		return nil, err
	}
	ident, clientName, err := s.newIdentity(ctx, idb, actor, in)
	if err != nil {
		return nil, err
	}
	if in.Type == TypeManagedGWS {
		if err := s.addressManaged(ctx, idb, actor, ident, clientName); err != nil {
			return nil, err
		}
		return s.insert(ctx, idb, actor, ident, []ProviderStatus{
			{Provider: ProviderGWSDirectory, Status: "PENDING"}, {Provider: providerOf(ident), Status: "PENDING"},
		}, nil)
	}
	creds, _ := applyCredentials(Credentials{}, in.givenCredentials())
	ident.State = StateProvisioned
	return s.insert(ctx, idb, actor, ident, []ProviderStatus{{Provider: providerOf(ident), Status: "CONFIGURED"}}, &creds)
}

// newIdentity builds the identity in describes, for the actor's agency, after checking its
// platform is operational and its client (if any) is the agency's and not offboarded. It
// returns the client's name ("" for an agency identity).
func (s *Service) newIdentity(ctx context.Context, idb bun.IDB, actor *auth.Actor, in CreateInput) (*Identity, string, error) {
	ident := &Identity{
		AgencyID: actor.AgencyID, Scope: ScopeAgency, Type: in.Type, DisplayName: in.DisplayName,
		LoginURL: in.LoginURL, Notes: in.Notes, TokenExpiresAt: in.TokenExpiresAt, Origin: "MANUAL",
	}
	if in.OriginRequestID != nil {
		ident.Origin, ident.OriginRequestID = "ACCESS_REQUEST", in.OriginRequestID
	}
	if actor.UserID != uuid.Nil {
		u := actor.UserID
		ident.CreatedBy = &u
	}
	if in.Platform != "" {
		if err := agency.RequireOperational(ctx, idb, actor.AgencyID, in.Platform); err != nil {
			return nil, "", err
		}
		p := in.Platform
		ident.PlatformKey = &p
	}
	if in.ClientID == nil {
		return ident, "", nil
	}
	c, err := agency.GetClient(ctx, idb, actor, *in.ClientID)
	if fe, ok := fault.As(err); ok && fe.Code == fault.CodeNotFound {
		return nil, "", fault.Invalid("clientId", "no such client")
	}
	if err != nil {
		return nil, "", err
	}
	if c.ArchivedAt != nil {
		return nil, "", fault.Invalid("clientId", "the client is offboarded")
	}
	ident.ClientID, ident.Scope = &c.ID, ScopeClient
	return ident, c.Name, nil
}

// addressManaged gives a new MANAGED_GWS identity its address in the agency's connected Google
// Workspace domain, by the agency's naming template, and makes it wait in PENDING.
func (s *Service) addressManaged(ctx context.Context, idb bun.IDB, actor *auth.Actor, ident *Identity, clientName string) error {
	ag, err := agency.Get(ctx, idb, actor)
	if err != nil {
		return err
	}
	domain, err := sourceDomain(ctx, idb, actor.AgencyID)
	if err != nil {
		return err
	}
	email, err := managedEmail(ag.NamingTemplate, clientName, ident.Platform(), ident.DisplayName, domain)
	if err != nil {
		return err
	}
	ident.Email, ident.State = &email, StatePending
	return nil
}

// insert stores a new identity with its provider statuses and, when given, its credentials
// (sealed in the vault), in a transaction (a savepoint within the caller's); a MANAGED_GWS
// identity's provisioning job is enqueued with it. It is audited, and announced after commit.
func (s *Service) insert(ctx context.Context, idb bun.IDB, actor *auth.Actor, ident *Identity, statuses []ProviderStatus, creds *Credentials) (*Identity, error) {
	err := db.InTx(ctx, idb, func(ctx context.Context, tx bun.Tx) error {
		if err := s.checkAddressFree(ctx, tx, ident); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(ident).Returning("*").Exec(ctx); err != nil {
			return s.insertConflict(ctx, tx, err, ident)
		}
		for i := range statuses {
			statuses[i].IdentityID, statuses[i].AgencyID = ident.ID, ident.AgencyID
		}
		if _, err := tx.NewInsert().Model(&statuses).Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("identity: insert provider statuses: %w", err)
		}
		ident.ProviderStatuses = statuses
		if err := s.provide(ctx, tx, actor, ident, creds); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, KindCreated, "identity", ident.ID, createdAudit(ident, creds))
	})
	if err != nil {
		return nil, err
	}
	db.AfterCommit(ctx, func(ctx context.Context) { s.Published(ctx, ident) })
	return ident, nil
}

// checkAddressFree refuses a managed address already used in the agency. The agency alone
// holds its domain (directory_domains): another agency's identities are never looked at, so
// that no answer tells whether an address exists there.
func (s *Service) checkAddressFree(ctx context.Context, tx bun.IDB, ident *Identity) error {
	if ident.Email == nil {
		return nil
	}
	var existing uuid.UUID
	err := tenant.Agency(ident.AgencyID).SelectTable(tx, "identities", "").Column("id").
		Where("lower(email) = ? AND provisioning_state <> 'DELETED'", *ident.Email).
		Limit(1).Scan(ctx, &existing)
	if err == nil {
		return fault.Conflict(fmt.Sprintf("the managed address %s is already used by another identity", *ident.Email), existing.String())
	}
	if !db.IsNoRows(err) {
		return fmt.Errorf("identity: check email: %w", err)
	}
	return nil
}

// provide gives a new identity what makes it usable: its credentials in the vault, or, for a
// MANAGED_GWS identity (when the service provisions them), its provisioning job.
func (s *Service) provide(ctx context.Context, tx bun.IDB, actor *auth.Actor, ident *Identity, creds *Credentials) error {
	if creds != nil {
		return s.vault.Put(ctx, tx, ident.AgencyID, ident.ID, vault.PurposeCredentials, creds.Marshal())
	}
	if ident.Type != TypeManagedGWS || !s.ProvisionManaged {
		return nil
	}
	_, err := job.Enqueue(ctx, tx, job.Spec{AgencyID: ident.AgencyID, Type: job.TypeProvisionIdentity, Input: job.ProvisionArgs{IdentityID: ident.ID}, CreatedBy: actor.UserID})
	return err
}

// createdAudit is the audit data of a new identity; one created without the credentials its
// type takes says it awaits them.
func createdAudit(ident *Identity, creds *Credentials) map[string]any {
	data := map[string]any{"type": ident.Type, "platform": ident.Platform(), "scope": ident.Scope, "displayName": ident.DisplayName}
	if creds == nil && ident.Type != TypeManagedGWS {
		data["awaitingCredentials"] = true
	}
	return data
}
