package identity

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
)

// CreatePendingInTx creates a client-dedicated EXTERNAL_LOGIN or API_TOKEN identity without
// credentials, in PENDING, within the caller's transaction: an access request approved before
// the admin has the platform login or token at hand. UpdateCredentials later stores them and
// moves the identity to PROVISIONED. Credentials given here are refused (use CreateInTx). The
// caller checks the actor's permission and publishes with Published after commit.
func (s *Service) CreatePendingInTx(ctx context.Context, tx bun.IDB, actor *auth.Actor, in CreateInput) (*Identity, error) {
	if in.Type != TypeExternalLogin && in.Type != TypeAPIToken {
		return nil, fault.Invalid("type", "only EXTERNAL_LOGIN and API_TOKEN identities wait for credentials")
	}
	if in.ClientID == nil {
		return nil, fault.Invalid("clientId", "is required for an identity awaiting credentials")
	}
	if in.Platform == "" {
		return nil, fault.Invalid("platform", "is required for a client-dedicated identity")
	}
	for field, v := range map[string]string{"username": in.Username, "password": in.Password, "token": in.Token, "totpSecret": in.TOTPSecret} {
		if v != "" {
			return nil, fault.Invalid(field, "credentials make the identity PROVISIONED at once: create it with them instead")
		}
	}
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	if in.DisplayName == "" {
		in.DisplayName = in.Platform + " access"
	}
	if err := auth.CheckPrintable("displayName", in.DisplayName); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		field, v string
		max      int
	}{{"displayName", in.DisplayName, 200}, {"loginUrl", in.LoginURL, 2000}, {"notes", in.Notes, 4000}} {
		if err := checkLen(f.field, f.v, f.max); err != nil {
			return nil, err
		}
	}
	if in.LoginURL != "" {
		u, err := url.Parse(in.LoginURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fault.Invalid("loginUrl", "must be an http(s) URL")
		}
	}
	if in.TokenExpiresAt != nil && (in.Type != TypeAPIToken || !in.TokenExpiresAt.After(time.Now())) {
		return nil, fault.Invalid("tokenExpiresAt", "must be in the future, for an API_TOKEN identity")
	}
	if err := agency.RequireOperational(ctx, tx, actor.AgencyID, in.Platform); err != nil {
		return nil, err
	}
	c, err := agency.GetClient(ctx, tx, actor, *in.ClientID)
	if err != nil {
		if fe, ok := fault.As(err); ok && fe.Code == fault.CodeNotFound {
			return nil, fault.Invalid("clientId", "no such client")
		}
		return nil, err
	}
	platform := in.Platform
	ident := &Identity{
		AgencyID: actor.AgencyID, ClientID: &c.ID, Scope: ScopeClient, PlatformKey: &platform, Type: in.Type,
		DisplayName: in.DisplayName, LoginURL: in.LoginURL, Notes: in.Notes, TokenExpiresAt: in.TokenExpiresAt,
		State: StatePending, Origin: "MANUAL",
	}
	if in.OriginRequestID != nil {
		ident.Origin, ident.OriginRequestID = "ACCESS_REQUEST", in.OriginRequestID
	}
	if actor.UserID != uuid.Nil {
		u := actor.UserID
		ident.CreatedBy = &u
	}
	err = db.InTx(ctx, tx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(ident).Returning("*").Exec(ctx); err != nil {
			return s.insertConflict(ctx, tx, err, ident)
		}
		statuses := []ProviderStatus{{IdentityID: ident.ID, AgencyID: ident.AgencyID, Provider: platform, Status: "AWAITING_CREDENTIALS"}}
		if _, err := tx.NewInsert().Model(&statuses).Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("identity: insert provider statuses: %w", err)
		}
		ident.ProviderStatuses = statuses
		return audit.Record(ctx, tx, actor, KindCreated, "identity", ident.ID, map[string]any{
			"type": ident.Type, "platform": platform, "scope": ident.Scope, "displayName": ident.DisplayName, "awaitingCredentials": true,
		})
	})
	if err != nil {
		return nil, err
	}
	return ident, nil
}
