package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
	"github.com/accesshive/accesshive/internal/vault"
)

const totpSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

type identityView struct {
	ID                string
	Type              string
	Scope             string
	DisplayName       string
	Email             *string
	ProvisioningState string
	Client            *struct{ ID string }
	Platform          *struct{ Key string }
	ProviderStatuses  []struct{ Provider, Status string }
}

const identityFields = `id type scope displayName email provisioningState client { id } platform { key } providerStatuses { provider status }`

func createExternal(t *testing.T, c *e2e.Client, clientID, platform, password string) identityView {
	t.Helper()
	var out struct{ CreateIdentity identityView }
	c.Do(`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ `+identityFields+` } }`, map[string]any{"in": map[string]any{
		"clientId": clientID, "platform": platform, "type": "EXTERNAL_LOGIN", "username": "ads@acme.example",
		"password": password, "totpSecret": totpSecret, "loginUrl": "https://business.facebook.com",
	}}).Decode(t, &out)
	return out.CreateIdentity
}

func TestIdentityRevealCountdownRotateAudit(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{RevealWindow: 3 * time.Second})
	admin := sys.Login("admin@demo.test")
	acme := sys.Seed.Acme.ID.String()

	ident := createExternal(t, admin, acme, "META_ADS", "s3cret-Pa55word!")
	require.Equal(t, "PROVISIONED", ident.ProvisioningState)
	require.Equal(t, "CLIENT", ident.Scope)
	require.Equal(t, acme, ident.Client.ID)
	require.Equal(t, "META_ADS", ident.Platform.Key)

	// The secret is sealed: neither the password nor the TOTP secret is stored in clear.
	var raw []byte
	require.NoError(t, sys.DB.NewSelect().Table("secrets").Column("ciphertext").Where("owner_id = ?", ident.ID).Scan(context.Background(), &raw))
	require.NotContains(t, string(raw), "s3cret-Pa55word!")

	// A second live META_ADS identity for Acme is refused by the database constraint.
	r := admin.Do(`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ id } }`, map[string]any{"in": map[string]any{
		"clientId": acme, "platform": "META_ADS", "type": "API_TOKEN", "token": "tok-123"}})
	require.Equal(t, "CONFLICT", r.Code())
	require.Equal(t, ident.ID, r.Errors[0].Extensions["object"])

	type revealView struct {
		ID               string
		ExpiresAt        time.Time
		SecondsRemaining int
		Fields           []struct{ Name, Value string }
		TotpCode         *string
	}
	var rv struct{ RevealCredentials revealView }
	admin.Do(`mutation($id:ID!){ revealCredentials(identityId:$id){ id expiresAt secondsRemaining fields { name value } totpCode } }`, map[string]any{"id": ident.ID}).Decode(t, &rv)
	fields := map[string]string{}
	for _, f := range rv.RevealCredentials.Fields {
		fields[f.Name] = f.Value
	}
	require.Equal(t, "s3cret-Pa55word!", fields["password"])
	require.Equal(t, "ads@acme.example", fields["username"])
	require.NotNil(t, rv.RevealCredentials.TotpCode)
	want, err := vault.TOTPCode(totpSecret, time.Now())
	require.NoError(t, err)
	prev, _ := vault.TOTPCode(totpSecret, time.Now().Add(-30*time.Second))
	require.Contains(t, []string{want, prev}, *rv.RevealCredentials.TotpCode)
	require.InDelta(t, 3, rv.RevealCredentials.SecondsRemaining, 1)

	// Read back while open, countdown ticks over websocket, refused after expiry.
	var back struct{ CredentialReveal revealView }
	admin.Do(`query($id:ID!){ credentialReveal(id:$id){ id fields { name value } } }`, map[string]any{"id": rv.RevealCredentials.ID}).Decode(t, &back)
	require.Equal(t, rv.RevealCredentials.ID, back.CredentialReveal.ID)

	sub := admin.Subscribe(e2e.ProtoTransportWS, `subscription($id:ID!){ revealCountdown(revealId:$id){ revealId secondsRemaining expired } }`, map[string]any{"id": rv.RevealCredentials.ID})
	var ticks []int
	for {
		var tick struct {
			RevealCountdown struct {
				RevealID         string
				SecondsRemaining int
				Expired          bool
			}
		}
		sub.Expect(5*time.Second, &tick)
		require.Equal(t, rv.RevealCredentials.ID, tick.RevealCountdown.RevealID)
		if tick.RevealCountdown.Expired {
			require.Equal(t, 0, tick.RevealCountdown.SecondsRemaining)
			break
		}
		ticks = append(ticks, tick.RevealCountdown.SecondsRemaining)
	}
	require.GreaterOrEqual(t, len(ticks), 2, "ticks: %v", ticks)
	for i := 1; i < len(ticks); i++ {
		require.Less(t, ticks[i], ticks[i-1], "ticks count down: %v", ticks)
	}
	end, ok := sub.Next(3 * time.Second)
	require.True(t, ok)
	require.True(t, end.Complete, "the countdown ends after the expired tick")

	r = admin.Do(`query($id:ID!){ credentialReveal(id:$id){ id fields { value } } }`, map[string]any{"id": rv.RevealCredentials.ID})
	require.Equal(t, "FORBIDDEN", r.Code())
	require.Contains(t, r.Errors[0].Message, "expired")
	require.Nil(t, nil, string(r.Data))

	// Rotate with a new password; both the reveal and the rotation are in the audit trail.
	var rot struct {
		RotateCredentials struct{ CredentialsRotatedAt *time.Time }
	}
	admin.Do(`mutation($id:ID!){ rotateCredentials(identityId:$id, input:{password:"n3w-Pa55word!!"}){ credentialsRotatedAt } }`, map[string]any{"id": ident.ID}).Decode(t, &rot)
	require.NotNil(t, rot.RotateCredentials.CredentialsRotatedAt)
	var kinds []string
	require.NoError(t, sys.DB.NewSelect().Table("audit_events").Column("kind").Where("target_id = ?", ident.ID).OrderExpr("created_at").Scan(context.Background(), &kinds))
	require.Equal(t, []string{"identity.created", "credentials.revealed", "credentials.rotated"}, kinds)

	// alice (Acme's client user) reveals it too; bob (Globex) cannot see it.
	alice := sys.Login("alice@acme.test")
	alice.Do(`mutation($id:ID!){ revealCredentials(identityId:$id){ id } }`, map[string]any{"id": ident.ID}).Decode(t, &rv)
	bob := sys.Login("bob@globex.test")
	require.Equal(t, "NOT_FOUND", bob.Do(`mutation($id:ID!){ revealCredentials(identityId:$id){ id } }`, map[string]any{"id": ident.ID}).Code())
	require.Equal(t, "NOT_FOUND", bob.Do(`query($id:ID!){ identity(id:$id){ id } }`, map[string]any{"id": ident.ID}).Code())
	// A member reveals agency identities only.
	member := sys.Login("member@demo.test")
	require.Equal(t, "FORBIDDEN", member.Do(`mutation($id:ID!){ revealCredentials(identityId:$id){ id } }`, map[string]any{"id": ident.ID}).Code())

	// No secret reached the logs, the job records, the audit trail, Redis or the metrics.
	redisDump := e2e.DumpRedis(t, sys.Redis)
	_, metrics := admin.Metrics()
	for _, secret := range []string{"s3cret-Pa55word!", "n3w-Pa55word!!", totpSecret} {
		require.NotContains(t, redisDump, secret)
		require.NotContains(t, metrics, secret)
		require.NotContains(t, sys.Logs.String(), secret)
		n, err := sys.DB.NewSelect().Table("audit_events").Where("data::text LIKE ?", "%"+secret+"%").Count(context.Background())
		require.NoError(t, err)
		require.Zero(t, n)
		n, err = sys.DB.NewSelect().Table("jobs").Where("input::text || coalesce(result::text,'') || error LIKE ?", "%"+secret+"%").Count(context.Background())
		require.NoError(t, err)
		require.Zero(t, n)
	}
}

func TestIdentityValidationListDeleteTenancy(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	admin := sys.Login("admin@demo.test")
	acme := sys.Seed.Acme.ID.String()

	cases := []struct {
		name  string
		in    map[string]any
		field string
	}{
		{"external without password", map[string]any{"clientId": acme, "platform": "GA4", "type": "EXTERNAL_LOGIN", "username": "u"}, "password"},
		{"external without username", map[string]any{"clientId": acme, "platform": "GA4", "type": "EXTERNAL_LOGIN", "password": "p"}, "username"},
		{"token without token", map[string]any{"clientId": acme, "platform": "GA4", "type": "API_TOKEN"}, "token"},
		{"bad totp", map[string]any{"clientId": acme, "platform": "GA4", "type": "EXTERNAL_LOGIN", "username": "u", "password": "p", "totpSecret": "not base32!"}, "totpSecret"},
		{"bad login url", map[string]any{"clientId": acme, "platform": "GA4", "type": "EXTERNAL_LOGIN", "username": "u", "password": "p", "loginUrl": "javascript:alert(1)"}, "loginUrl"},
		{"overlong notes", map[string]any{"clientId": acme, "platform": "GA4", "type": "API_TOKEN", "token": "t", "notes": strings.Repeat("x", 4001)}, "notes"},
		{"client without platform", map[string]any{"clientId": acme, "type": "API_TOKEN", "token": "t"}, "platform"},
		{"managed without display name", map[string]any{"clientId": acme, "platform": "GA4", "type": "MANAGED_GWS"}, "displayName"},
		{"platform not operational", map[string]any{"clientId": acme, "platform": "TIKTOK_ADS", "type": "API_TOKEN", "token": "t"}, "platform"},
		{"malformed client id", map[string]any{"clientId": "nope", "platform": "GA4", "type": "API_TOKEN", "token": "t"}, "clientId"},
		{"token expiry in the past", map[string]any{"clientId": acme, "platform": "GA4", "type": "API_TOKEN", "token": "t", "tokenExpiresAt": "2001-01-01T00:00:00Z"}, "tokenExpiresAt"},
	}
	for _, tc := range cases {
		r := admin.Do(`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ id } }`, map[string]any{"in": tc.in})
		require.Equal(t, "BAD_USER_INPUT", r.Code(), tc.name)
		require.Equal(t, tc.field, r.Field(), tc.name)
	}
	n, err := sys.DB.NewSelect().Table("identities").Count(context.Background())
	require.NoError(t, err)
	require.Zero(t, n, "bad input writes nothing")

	// A managed identity gets its address from the naming template and waits in PENDING.
	var m struct{ CreateIdentity identityView }
	admin.Do(`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ `+identityFields+` } }`, map[string]any{"in": map[string]any{
		"clientId": acme, "platform": "GA4", "type": "MANAGED_GWS", "displayName": "Acme GA4"}}).Decode(t, &m)
	require.Equal(t, "acme-ga4@demo.test", *m.CreateIdentity.Email)
	require.Equal(t, "PENDING", m.CreateIdentity.ProvisioningState)

	ext := createExternal(t, admin, acme, "META_ADS", "another-Pa55word")
	var agencyTok struct{ CreateIdentity identityView }
	admin.Do(`mutation{ createIdentity(input:{type: API_TOKEN, platform: GOOGLE_ADS, token: "agency-token-1"}){ `+identityFields+` } }`, nil).Decode(t, &agencyTok)
	require.Equal(t, "AGENCY", agencyTok.CreateIdentity.Scope)

	type list struct {
		TotalCount int
		Nodes      []identityView
		PageInfo   struct {
			HasNextPage bool
			EndCursor   string
		}
	}
	var all struct{ Identities list }
	admin.Do(`query($c:ID!){ identities(clientId:$c){ totalCount nodes { id } } }`, map[string]any{"c": acme}).Decode(t, &all)
	require.Equal(t, 2, all.Identities.TotalCount)
	var ga4 struct{ Identities list }
	admin.Do(`query($c:ID!){ identities(clientId:$c, platform: GA4){ totalCount nodes { id } } }`, map[string]any{"c": acme}).Decode(t, &ga4)
	require.Equal(t, 1, ga4.Identities.TotalCount)
	require.Equal(t, m.CreateIdentity.ID, ga4.Identities.Nodes[0].ID)
	var p1, p2 struct{ Identities list }
	admin.Do(`query($c:ID!){ identities(clientId:$c, first:1){ nodes { id } pageInfo { hasNextPage endCursor } } }`, map[string]any{"c": acme}).Decode(t, &p1)
	require.True(t, p1.Identities.PageInfo.HasNextPage)
	admin.Do(`query($c:ID!,$a:String){ identities(clientId:$c, first:1, after:$a){ nodes { id } pageInfo { hasNextPage } } }`, map[string]any{"c": acme, "a": p1.Identities.PageInfo.EndCursor}).Decode(t, &p2)
	require.False(t, p2.Identities.PageInfo.HasNextPage)
	require.NotEqual(t, p1.Identities.Nodes[0].ID, p2.Identities.Nodes[0].ID)
	var ag struct{ AgencyIdentities list }
	admin.Do(`{ agencyIdentities { totalCount nodes { id } } }`, nil).Decode(t, &ag)
	require.Equal(t, 1, ag.AgencyIdentities.TotalCount)

	// Rival Agency can neither list, get, reveal nor delete Demo Agency's identities.
	rival := sys.Login("owner@rival.test")
	require.Contains(t, []string{"NOT_FOUND", "FORBIDDEN"}, rival.Do(`query($c:ID!){ identities(clientId:$c){ totalCount } }`, map[string]any{"c": acme}).Code())
	require.Equal(t, "NOT_FOUND", rival.Do(`query($id:ID!){ identity(id:$id){ id } }`, map[string]any{"id": ext.ID}).Code())
	require.Equal(t, "NOT_FOUND", rival.Do(`mutation($id:ID!){ revealCredentials(identityId:$id){ id } }`, map[string]any{"id": ext.ID}).Code())
	require.Equal(t, "NOT_FOUND", rival.Do(`mutation($id:ID!){ deleteIdentity(id:$id){ id } }`, map[string]any{"id": ext.ID}).Code())
	var rag struct{ AgencyIdentities list }
	rival.Do(`{ agencyIdentities { totalCount } }`, nil).Decode(t, &rag)
	require.Zero(t, rag.AgencyIdentities.TotalCount)

	// Delete: DEPROVISIONING at once, DELETED by the job (seen on identityUpdated), never revealable again.
	sub := admin.Subscribe(e2e.ProtoGraphQLWS, `subscription($id:ID!){ identityUpdated(identityId:$id){ id provisioningState } }`, map[string]any{"id": ext.ID})
	var del struct{ DeleteIdentity identityView }
	admin.Do(`mutation($id:ID!){ deleteIdentity(id:$id){ id provisioningState } }`, map[string]any{"id": ext.ID}).Decode(t, &del)
	require.Equal(t, "DEPROVISIONING", del.DeleteIdentity.ProvisioningState)
	var ev struct{ IdentityUpdated identityView }
	for ev.IdentityUpdated.ProvisioningState != "DELETED" {
		sub.Expect(10*time.Second, &ev)
	}
	r := admin.Do(`mutation($id:ID!){ revealCredentials(identityId:$id){ id } }`, map[string]any{"id": ext.ID})
	require.Equal(t, "CONFLICT", r.Code())
	require.Equal(t, "CONFLICT", admin.Do(`mutation($id:ID!){ deleteIdentity(id:$id){ id } }`, map[string]any{"id": ext.ID}).Code(), "illegal transition DELETED → DEPROVISIONING")
	// With the old one deleted, Acme may get a new META_ADS identity.
	createExternal(t, admin, acme, "META_ADS", "third-Pa55word!")
}
