package request_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/request"
)

func TestSettingsOwnerOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	owner := b.actor(t, "owner@demo.test")

	for _, email := range []string{"owner@demo.test", "member@demo.test", "alice@acme.test"} {
		s, err := agency.GetSettings(ctx, b.db, b.actor(t, email))
		require.NoError(t, err)
		require.Equal(t, agency.Settings{AccessRequestExpiryHours: 168, NamingTemplate: "{client}-{platform}@{domain}"}, *s)
	}
	for _, email := range []string{"admin@demo.test", "member@demo.test", "alice@acme.test"} {
		_, err := agency.UpdateSettings(ctx, b.db, b.svc, b.actor(t, email), agency.SettingsInput{AccessRequestExpiryHours: ptr(24)})
		requireFault(t, err, fault.CodeForbidden, "")
	}

	s, err := agency.UpdateSettings(ctx, b.db, b.svc, owner, agency.SettingsInput{AccessRequestExpiryHours: ptr(48), NamingTemplate: ptr(" {platform}.{client}@{domain} ")})
	require.NoError(t, err)
	require.Equal(t, agency.Settings{AccessRequestExpiryHours: 48, NamingTemplate: "{platform}.{client}@{domain}"}, *s)
	s, err = agency.UpdateSettings(ctx, b.db, b.svc, owner, agency.SettingsInput{AccessRequestExpiryHours: ptr(8760)})
	require.NoError(t, err)
	require.Equal(t, "{platform}.{client}@{domain}", s.NamingTemplate, "unset fields stay")
	require.Equal(t, 2, b.count(t, "audit_events", "kind = ?", agency.KindSettingsChanged))

	// The window applies to new requests; the template to new managed identities.
	r := b.submit(t, "alice@acme.test", "GA4", identity.TypeManagedGWS)
	require.WithinDuration(t, b.clock.Now().Add(8760*time.Hour), r.ExpiresAt, time.Millisecond)
	got, err := b.svc.Approve(ctx, owner, r.ID, nil, nil)
	require.NoError(t, err)
	ident, err := b.idents.Get(ctx, owner, *got.IdentityID)
	require.NoError(t, err)
	require.Equal(t, "ga4.acme@demo.test", *ident.Email)

	// Rival's settings are untouched.
	rs, err := agency.GetSettings(ctx, b.db, b.actor(t, "owner@rival.test"))
	require.NoError(t, err)
	require.Equal(t, 168, rs.AccessRequestExpiryHours)
}

func TestSettingsValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	owner := b.actor(t, "owner@demo.test")
	for _, tt := range []struct {
		name  string
		in    agency.SettingsInput
		field string
	}{
		{"zero hours", agency.SettingsInput{AccessRequestExpiryHours: ptr(0)}, "accessRequestExpiryHours"},
		{"negative hours", agency.SettingsInput{AccessRequestExpiryHours: ptr(-5)}, "accessRequestExpiryHours"},
		{"over a year", agency.SettingsInput{AccessRequestExpiryHours: ptr(8761)}, "accessRequestExpiryHours"},
		{"empty template", agency.SettingsInput{NamingTemplate: ptr("  ")}, "namingTemplate"},
		{"no domain", agency.SettingsInput{NamingTemplate: ptr("{client}-{platform}@example.com")}, "namingTemplate"},
		{"domain not last", agency.SettingsInput{NamingTemplate: ptr("{client}@{domain}.evil")}, "namingTemplate"},
		{"unknown placeholder", agency.SettingsInput{NamingTemplate: ptr("{client}-{team}@{domain}")}, "namingTemplate"},
		{"unbalanced brace", agency.SettingsInput{NamingTemplate: ptr("{client-x@{domain}")}, "namingTemplate"},
		{"same address for all", agency.SettingsInput{NamingTemplate: ptr("ads@{domain}")}, "namingTemplate"},
		{"two at signs", agency.SettingsInput{NamingTemplate: ptr("{client}@x@{domain}")}, "namingTemplate"},
		{"uppercase", agency.SettingsInput{NamingTemplate: ptr("Ads-{client}@{domain}")}, "namingTemplate"},
		{"space", agency.SettingsInput{NamingTemplate: ptr("ads {client}@{domain}")}, "namingTemplate"},
		{"too long", agency.SettingsInput{NamingTemplate: ptr("{client}" + strings.Repeat("a", 200) + "@{domain}")}, "namingTemplate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := agency.UpdateSettings(ctx, b.db, b.svc, owner, tt.in)
			requireFault(t, err, fault.CodeBadUserInput, tt.field)
		})
	}
	for _, ok := range []string{"{client}-{platform}@{domain}", "{name}@{domain}", "ah.{client}_{platform}+{name}@{domain}"} {
		require.NoError(t, agency.ValidateNamingTemplate(ok), ok)
	}
	s, err := agency.GetSettings(ctx, b.db, owner)
	require.NoError(t, err)
	require.Equal(t, 168, s.AccessRequestExpiryHours)
	require.Equal(t, 0, b.count(t, "audit_events", "kind = ?", agency.KindSettingsChanged))
}

func TestRoleTemplates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	admin := b.actor(t, "admin@demo.test")

	tpl, err := b.svc.CreateRoleTemplate(ctx, admin, request.RoleTemplateInput{
		Name: " Meta analyst ", Platform: "META_ADS", IdentityType: identity.TypeExternalLogin, DefaultJustification: "Campaign reporting",
	})
	require.NoError(t, err)
	require.Equal(t, "Meta analyst", tpl.Name)
	_, err = b.svc.CreateRoleTemplate(ctx, b.actor(t, "owner@demo.test"), request.RoleTemplateInput{Name: "GA4 managed", Platform: "GA4", IdentityType: identity.TypeManagedGWS})
	require.NoError(t, err)
	// Templates may name a platform that is not operational yet.
	_, err = b.svc.CreateRoleTemplate(ctx, admin, request.RoleTemplateInput{Name: "TikTok", Platform: "TIKTOK_ADS", IdentityType: identity.TypeAPIToken})
	require.NoError(t, err)

	_, err = b.svc.CreateRoleTemplate(ctx, admin, request.RoleTemplateInput{Name: "META ANALYST", Platform: "GA4", IdentityType: identity.TypeManagedGWS})
	requireFault(t, err, fault.CodeConflict, tpl.ID.String())
	for _, tt := range []struct {
		in    request.RoleTemplateInput
		field string
	}{
		{request.RoleTemplateInput{Platform: "GA4", IdentityType: identity.TypeManagedGWS}, "name"},
		{request.RoleTemplateInput{Name: "x", IdentityType: identity.TypeManagedGWS}, "platform"},
		{request.RoleTemplateInput{Name: "x", Platform: "MYSPACE", IdentityType: identity.TypeManagedGWS}, "platform"},
		{request.RoleTemplateInput{Name: "x", Platform: "GA4", IdentityType: "ROOT"}, "identityType"},
		{request.RoleTemplateInput{Name: "x", Platform: "GA4", IdentityType: identity.TypeManagedGWS, DefaultJustification: strings.Repeat("x", 2001)}, "defaultJustification"},
	} {
		_, err := b.svc.CreateRoleTemplate(ctx, admin, tt.in)
		requireFault(t, err, fault.CodeBadUserInput, tt.field)
	}
	for _, email := range []string{"member@demo.test", "alice@acme.test"} {
		_, err := b.svc.CreateRoleTemplate(ctx, b.actor(t, email), request.RoleTemplateInput{Name: "y", Platform: "GA4", IdentityType: identity.TypeManagedGWS})
		requireFault(t, err, fault.CodeForbidden, "")
	}

	// Everyone in the agency, client users included, lists them by name.
	for _, email := range []string{"alice@acme.test", "member@demo.test"} {
		ts, err := b.svc.RoleTemplates(ctx, b.actor(t, email))
		require.NoError(t, err)
		var names []string
		for _, x := range ts {
			names = append(names, x.Name)
		}
		require.Equal(t, []string{"GA4 managed", "Meta analyst", "TikTok"}, names)
	}

	// A template fills the platform, the type and the justification.
	r, err := b.svc.Submit(ctx, b.actor(t, "alice@acme.test"), request.SubmitInput{RoleTemplateID: &tpl.ID})
	require.NoError(t, err)
	require.Equal(t, "META_ADS", r.PlatformKey)
	require.Equal(t, identity.TypeExternalLogin, r.IdentityType)
	require.Equal(t, "Campaign reporting", r.Justification)
	require.Equal(t, tpl.ID, *r.RoleTemplateID)
	// An explicit justification wins over the default.
	r2, err := b.svc.Submit(ctx, b.actor(t, "bob@globex.test"), request.SubmitInput{RoleTemplateID: &tpl.ID, Platform: "META_ADS", Justification: "Globex launch"})
	require.NoError(t, err)
	require.Equal(t, "Globex launch", r2.Justification)
	// An id that is not one of the agency's templates is bad input.
	_, err = b.svc.Submit(ctx, b.actor(t, "alice@acme.test"), request.SubmitInput{RoleTemplateID: ptr(tpl.AgencyID)})
	requireFault(t, err, fault.CodeBadUserInput, "roleTemplateId")
}
