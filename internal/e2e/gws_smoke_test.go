package e2e_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
)

func TestManagedIdentityProvisionsThroughFakeDirectory(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	admin := sys.Login("admin@demo.test")
	var m struct{ CreateIdentity identityView }
	admin.Do(`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ `+identityFields+` } }`, map[string]any{"in": map[string]any{
		"clientId": sys.Seed.Acme.ID.String(), "platform": "GA4", "type": "MANAGED_GWS", "displayName": "Acme GA4"}}).Decode(t, &m)
	sub := admin.Subscribe(e2e.ProtoTransportWS, `subscription($id:ID!){ identityUpdated(identityId:$id){ provisioningState } }`, map[string]any{"id": m.CreateIdentity.ID})
	var seen []string
	var ident struct{ Identity identityView }
	e2e.Eventually(t, 20*time.Second, func() bool {
		admin.Do(`query($id:ID!){ identity(id:$id){ `+identityFields+` } }`, map[string]any{"id": m.CreateIdentity.ID}).Decode(t, &ident)
		return ident.Identity.ProvisioningState == "PROVISIONED"
	}, "identity provisioned")
	for {
		var ev struct{ IdentityUpdated identityView }
		e, ok := sub.Next(2 * time.Second)
		if !ok {
			break
		}
		_ = e
		seen = append(seen, string(e.Data))
		_ = ev
	}
	require.NotEmpty(t, seen)
	u, ok := sys.Directory.Get("acme-ga4@demo.test")
	require.True(t, ok)
	var rv struct {
		RevealCredentials struct {
			Fields []struct{ Name, Value string }
		}
	}
	admin.Do(`mutation($id:ID!){ revealCredentials(identityId:$id){ fields { name value } } }`, map[string]any{"id": m.CreateIdentity.ID}).Decode(t, &rv)
	var pw string
	for _, f := range rv.RevealCredentials.Fields {
		if f.Name == "password" {
			pw = f.Value
		}
	}
	require.True(t, sys.Directory.PasswordMatches(u.PrimaryEmail, pw), "revealed password is the directory's")
}
