package e2e_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
)

// Issue 8 item 3: the reveal ledger cannot be emptied, and a reveal shows only what was revealed.

// TestHardenRevealEndsAtRotation replays attack (a): a member reveals a password, an admin
// rotates it, and the member reads the old reveal back. Before the fix credentialReveal returned
// the new password, which neither the ledger nor the audit trail recorded.
func TestHardenRevealEndsAtRotation(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	admin := sys.Login("admin@demo.test")
	member := sys.Login("member@demo.test")

	ext := vCreate(t, admin, map[string]any{"platform": "META_ADS", "type": "EXTERNAL_LOGIN", "displayName": "Agency Meta",
		"username": "ads@demo.example", "password": "before-Pa55word"})
	var rv struct {
		RevealCredentials struct{ ID string }
	}
	member.Do(`mutation($id:ID!){ revealCredentials(identityId:$id){ id } }`, map[string]any{"id": ext.ID}).Decode(t, &rv)
	const readBack = `query($id:ID!){ credentialReveal(id:$id){ fields { name value } } }`
	var back struct {
		CredentialReveal struct {
			Fields []struct{ Name, Value string }
		}
	}
	member.Do(readBack, map[string]any{"id": rv.RevealCredentials.ID}).Decode(t, &back)
	require.Contains(t, back.CredentialReveal.Fields, struct{ Name, Value string }{"password", "before-Pa55word"})

	admin.Do(`mutation($id:ID!){ rotateCredentials(identityId:$id, input:{password:"after-Pa55word"}){ id } }`,
		map[string]any{"id": ext.ID}).Decode(t, &struct{}{})

	r := member.Do(readBack, map[string]any{"id": rv.RevealCredentials.ID})
	requireCode(t, r, "FORBIDDEN")
	require.NotContains(t, string(r.Data), "after-Pa55word")
	require.NotContains(t, r.Errors[0].Message, "after-Pa55word")
	// A new reveal shows the new password and is in the ledger.
	require.Equal(t, "after-Pa55word", vReveal(t, member, ext.ID)["password"])
	ledger := vLedger(t, admin, ext.ID)
	require.Len(t, ledger, 1)
	require.Equal(t, "member@demo.test", ledger[0].Email)
}

// TestHardenSameSecretIsNoRotation replays attack (b): an admin who revealed a password calls
// updateCredentials with the same TOTP secret, then with an empty one, then with the same
// password. Before the fix each stamped credentialsRotatedAt and emptied the ledger, so that the
// owner's deactivateUser of that admin offered nothing to rotate while the password stayed.
func TestHardenSameSecretIsNoRotation(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	owner := sys.Login("owner@demo.test")
	admin := sys.Login("admin@demo.test")
	member := sys.Login("member@demo.test")
	const totp = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

	ext := vCreate(t, admin, map[string]any{"platform": "GA4", "type": "EXTERNAL_LOGIN", "displayName": "Agency GA4",
		"username": "ga4@demo.example", "password": "kept-Pa55word", "totpSecret": totp})
	require.Equal(t, "kept-Pa55word", vReveal(t, admin, ext.ID)["password"])
	require.Equal(t, "kept-Pa55word", vReveal(t, member, ext.ID)["password"])

	const update = `mutation($in: UpdateCredentialsInput!){ updateCredentials(input:$in){ id credentialsRotatedAt } }`
	for _, in := range []map[string]any{
		{"identityId": ext.ID, "totpSecret": totp},
		{"identityId": ext.ID, "totpSecret": "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp"},
		{"identityId": ext.ID, "password": "kept-Pa55word"},
		{"identityId": ext.ID, "password": "kept-Pa55word", "totpSecret": totp},
		{"identityId": ext.ID, "totpSecret": ""},
		{"identityId": ext.ID, "username": "ga4@demo.example"},
	} {
		var out struct {
			UpdateCredentials struct{ CredentialsRotatedAt *string }
		}
		admin.Do(update, map[string]any{"in": in}).Decode(t, &out)
		require.Nil(t, out.UpdateCredentials.CredentialsRotatedAt, "no rotation by %v", in)
		require.Len(t, vLedger(t, owner, ext.ID), 2, "the ledger still holds both viewers after %v", in)
	}
	requireInvalid(t, admin.Do(`mutation($id:ID!){ rotateCredentials(identityId:$id, input:{password:"kept-Pa55word"}){ id } }`,
		map[string]any{"id": ext.ID}), "password")

	// The owner deactivates the admin: the identity whose password the admin saw is on offer.
	var res struct {
		DeactivateUser struct{ RotationOffer []vOfferItem }
	}
	owner.Do(`mutation($id:ID!){ deactivateUser(id:$id){ rotationOffer { `+vOfferFields+` } } }`,
		map[string]any{"id": sys.Seed.UsersByEmail["admin@demo.test"].ID.String()}).Decode(t, &res)
	require.Len(t, res.DeactivateUser.RotationOffer, 1)
	require.Equal(t, ext.ID, res.DeactivateUser.RotationOffer[0].IdentityID)

	// A real change of the password is a rotation and starts the ledger again.
	var out struct {
		UpdateCredentials struct{ CredentialsRotatedAt *string }
	}
	owner.Do(update, map[string]any{"in": map[string]any{"identityId": ext.ID, "password": "new-Pa55word"}}).Decode(t, &out)
	require.NotNil(t, out.UpdateCredentials.CredentialsRotatedAt)
	require.Empty(t, vLedger(t, owner, ext.ID))
}
