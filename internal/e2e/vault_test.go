package e2e_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/e2e"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/vault"
)

// The end-to-end tests of the credential vault's follow-ups (issue 3): the audit trail query,
// the reveal ledger, profiles and deactivation with the rotation offer, credential updates,
// the reveal rate limit, the role table for identities and the vault rewrap.

// vaultIdentity is the part of an Identity these tests read.
type vaultIdentity struct {
	ID                   string
	Type                 string
	Email                *string
	ProvisioningState    string
	CredentialsRotatedAt *time.Time
}

const vaultIdentityFields = `id type email provisioningState credentialsRotatedAt`

// vCreate creates an identity through createIdentity and fails the test on an error.
func vCreate(t testing.TB, c *e2e.Client, in map[string]any) vaultIdentity {
	t.Helper()
	var out struct{ CreateIdentity vaultIdentity }
	c.Do(`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ `+vaultIdentityFields+` } }`, map[string]any{"in": in}).Decode(t, &out)
	return out.CreateIdentity
}

// vGet reads an identity.
func vGet(t testing.TB, c *e2e.Client, id string) vaultIdentity {
	t.Helper()
	var out struct{ Identity vaultIdentity }
	c.Do(`query($id:ID!){ identity(id:$id){ `+vaultIdentityFields+` } }`, map[string]any{"id": id}).Decode(t, &out)
	return out.Identity
}

const vRevealMutation = `mutation($id:ID!){ revealCredentials(identityId:$id){ id identityId fields { name value } } }`

// vReveal reveals an identity's credentials and returns them by field name.
func vReveal(t testing.TB, c *e2e.Client, id string) map[string]string {
	t.Helper()
	var out struct {
		RevealCredentials struct {
			ID, IdentityID string
			Fields         []struct{ Name, Value string }
		}
	}
	c.Do(vRevealMutation, map[string]any{"id": id}).Decode(t, &out)
	require.Equal(t, id, out.RevealCredentials.IdentityID)
	fields := map[string]string{}
	for _, f := range out.RevealCredentials.Fields {
		fields[f.Name] = f.Value
	}
	return fields
}

// vAuditEvent is one node of auditEvents.
type vAuditEvent struct {
	ID          string
	Kind        string
	ActorUserID *string
	TargetType  string
	TargetID    *string
	Data        map[string]any
	CreatedAt   time.Time
}

type vAuditPage struct {
	TotalCount int
	Nodes      []vAuditEvent
	Edges      []struct{ Cursor string }
	PageInfo   struct {
		HasNextPage bool
		EndCursor   *string
	}
}

const vAuditQuery = `query($identityId:ID,$userId:ID,$kind:String,$since:Time,$until:Time,$first:Int,$after:String){
	auditEvents(identityId:$identityId, userId:$userId, kind:$kind, since:$since, until:$until, first:$first, after:$after){
		totalCount nodes { id kind actorUserId targetType targetId data createdAt } edges { cursor } pageInfo { hasNextPage endCursor } } }`

// vAudit runs auditEvents with the given arguments and fails the test on an error.
func vAudit(t testing.TB, c *e2e.Client, args map[string]any) vAuditPage {
	t.Helper()
	var out struct{ AuditEvents vAuditPage }
	c.Do(vAuditQuery, args).Decode(t, &out)
	return out.AuditEvents
}

func vKinds(events []vAuditEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Kind
	}
	return out
}

func vDeref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

type vLedgerEntry struct {
	UserID, Name, Email, Role   string
	DeactivatedAt               *time.Time
	Count                       int
	FirstRevealAt, LastRevealAt time.Time
}

func vLedger(t testing.TB, c *e2e.Client, identityID string) []vLedgerEntry {
	t.Helper()
	var out struct{ RevealLedger []vLedgerEntry }
	c.Do(`query($id:ID!){ revealLedger(identityId:$id){ userId name email role deactivatedAt count firstRevealAt lastRevealAt } }`,
		map[string]any{"id": identityID}).Decode(t, &out)
	return out.RevealLedger
}

type vRevealed struct {
	IdentityID, DisplayName, Type, ProvisioningState string
	Count                                            int
	LastRevealAt                                     time.Time
	RotatedAt                                        *time.Time
	RotatedSince                                     bool
}

// vSeenBy returns revealsByUser(userID) by identity id.
func vSeenBy(t testing.TB, c *e2e.Client, userID string) map[string]vRevealed {
	t.Helper()
	var out struct{ RevealsByUser []vRevealed }
	c.Do(`query($u:ID!){ revealsByUser(userId:$u){ identityId displayName type provisioningState count lastRevealAt rotatedAt rotatedSince } }`,
		map[string]any{"u": userID}).Decode(t, &out)
	m := map[string]vRevealed{}
	for i := 1; i < len(out.RevealsByUser); i++ {
		require.False(t, out.RevealsByUser[i].LastRevealAt.After(out.RevealsByUser[i-1].LastRevealAt), "most recent first")
	}
	for _, e := range out.RevealsByUser {
		m[e.IdentityID] = e
	}
	return m
}

type vOfferItem struct {
	IdentityID, DisplayName, Type string
	LastRevealAt                  time.Time
	Automatic                     bool
	PendingJobID                  *string
}

const vOfferFields = `identityId displayName type lastRevealAt automatic pendingJobId`

// TestVaultAuditLedgerProfileCredentialsRateLimit drives, on one system and in order, the audit
// trail query, the reveal ledger, profile updates, credential updates and the reveal rate limit.
func TestVaultAuditLedgerProfileCredentialsRateLimit(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	owner := sys.Login("owner@demo.test")
	admin := sys.Login("admin@demo.test")
	member := sys.Login("member@demo.test")
	alice := sys.Login("alice@acme.test")
	rival := sys.Login("owner@rival.test")
	acme, globex := sys.Seed.Acme.ID.String(), sys.Seed.Globex.ID.String()
	uid := func(email string) string { return sys.Seed.UsersByEmail[email].ID.String() }

	// The agency token every staff role may reveal (the rate-limit part reveals it too).
	agencyTok := vCreate(t, admin, map[string]any{"type": "API_TOKEN", "platform": "GOOGLE_ADS", "token": "agency-token-audit", "displayName": "Agency token"})

	t.Run("auditEvents filters, pages and stays in its agency", func(t *testing.T) {
		x := vCreate(t, admin, map[string]any{"clientId": acme, "platform": "META_ADS", "type": "EXTERNAL_LOGIN", "username": "ads@acme.example", "password": "audit-Pa55word"})
		vReveal(t, admin, x.ID)
		vReveal(t, owner, x.ID)
		vReveal(t, admin, agencyTok.ID)
		vReveal(t, alice, x.ID)

		// By identity: everything that happened to x, newest first.
		all := vAudit(t, admin, map[string]any{"identityId": x.ID})
		require.Equal(t, 4, all.TotalCount)
		require.Equal(t, []string{"credentials.revealed", "credentials.revealed", "credentials.revealed", "identity.created"}, vKinds(all.Nodes))
		actors := []string{}
		for i, e := range all.Nodes {
			require.Equal(t, "identity", e.TargetType)
			require.Equal(t, x.ID, vDeref(e.TargetID))
			actors = append(actors, vDeref(e.ActorUserID))
			if i > 0 {
				require.False(t, e.CreatedAt.After(all.Nodes[i-1].CreatedAt), "newest first")
			}
		}
		require.Equal(t, []string{uid("alice@acme.test"), uid("owner@demo.test"), uid("admin@demo.test"), uid("admin@demo.test")}, actors)
		require.Len(t, all.Edges, 4)
		require.False(t, all.PageInfo.HasNextPage)

		// By person: only what that person did; combined with the identity, one event.
		byOwner := vAudit(t, admin, map[string]any{"userId": uid("owner@demo.test"), "first": 100})
		require.NotZero(t, byOwner.TotalCount)
		for _, e := range byOwner.Nodes {
			require.Equal(t, uid("owner@demo.test"), vDeref(e.ActorUserID))
		}
		both := vAudit(t, admin, map[string]any{"userId": uid("owner@demo.test"), "identityId": x.ID})
		require.Equal(t, 1, both.TotalCount)
		require.Equal(t, "credentials.revealed", both.Nodes[0].Kind)
		require.Equal(t, all.Nodes[1].ID, both.Nodes[0].ID)

		// By kind (alone and combined).
		revealed := vAudit(t, admin, map[string]any{"kind": "credentials.revealed"})
		require.Equal(t, 4, revealed.TotalCount)
		for _, e := range revealed.Nodes {
			require.Equal(t, "credentials.revealed", e.Kind)
		}
		require.Equal(t, 1, vAudit(t, admin, map[string]any{"kind": "credentials.revealed", "identityId": agencyTok.ID}).TotalCount)
		created := vAudit(t, admin, map[string]any{"kind": "identity.created", "userId": uid("admin@demo.test")})
		require.Equal(t, 2, created.TotalCount)
		require.ElementsMatch(t, []string{x.ID, agencyTok.ID}, []string{vDeref(created.Nodes[0].TargetID), vDeref(created.Nodes[1].TargetID)})
		require.Zero(t, vAudit(t, admin, map[string]any{"kind": "no.such.kind"}).TotalCount)

		// since is inclusive, until exclusive, to the microsecond the API returned.
		mid := all.Nodes[2].CreatedAt // admin's reveal
		since := vAudit(t, admin, map[string]any{"identityId": x.ID, "since": mid})
		require.Equal(t, 3, since.TotalCount)
		require.Equal(t, all.Nodes[2].ID, since.Nodes[2].ID)
		until := vAudit(t, admin, map[string]any{"identityId": x.ID, "until": mid})
		require.Equal(t, 1, until.TotalCount)
		require.Equal(t, all.Nodes[3].ID, until.Nodes[0].ID)
		window := vAudit(t, admin, map[string]any{"identityId": x.ID, "since": mid, "until": all.Nodes[0].CreatedAt})
		require.Equal(t, []string{all.Nodes[1].ID, all.Nodes[2].ID}, []string{window.Nodes[0].ID, window.Nodes[1].ID})
		require.Equal(t, 2, window.TotalCount)
		requireInvalid(t, admin.Do(vAuditQuery, map[string]any{"since": mid, "until": mid}), "until")

		// Paging one by one walks the same list, in the same order, cursor after cursor.
		var walked []string
		var after any
		for page := 0; ; page++ {
			require.Less(t, page, 5, "paging does not end")
			p := vAudit(t, admin, map[string]any{"identityId": x.ID, "first": 1, "after": after})
			require.Equal(t, 4, p.TotalCount)
			require.Len(t, p.Nodes, 1)
			require.Equal(t, p.Edges[0].Cursor, vDeref(p.PageInfo.EndCursor))
			walked = append(walked, p.Nodes[0].ID)
			if !p.PageInfo.HasNextPage {
				break
			}
			after = vDeref(p.PageInfo.EndCursor)
		}
		ids := []string{}
		for _, e := range all.Nodes {
			ids = append(ids, e.ID)
		}
		require.Equal(t, ids, walked)
		p3 := vAudit(t, admin, map[string]any{"identityId": x.ID, "first": 3})
		require.True(t, p3.PageInfo.HasNextPage)
		rest := vAudit(t, admin, map[string]any{"identityId": x.ID, "first": 3, "after": vDeref(p3.PageInfo.EndCursor)})
		require.False(t, rest.PageInfo.HasNextPage)
		require.Equal(t, ids[3], rest.Nodes[0].ID)
		requireInvalid(t, admin.Do(vAuditQuery, map[string]any{"first": 0}), "first")
		requireInvalid(t, admin.Do(vAuditQuery, map[string]any{"after": "garbage"}), "after")

		// Staff read it; a client user is refused.
		require.Equal(t, 4, vAudit(t, member, map[string]any{"identityId": x.ID}).TotalCount)
		r := alice.Do(vAuditQuery, map[string]any{"identityId": x.ID})
		requireCode(t, r, "FORBIDDEN")
		require.Equal(t, "null", string(r.Data))

		// Rival Agency sees none of Demo Agency's events, whatever it filters on.
		require.Zero(t, vAudit(t, rival, map[string]any{"identityId": x.ID}).TotalCount)
		require.Zero(t, vAudit(t, rival, map[string]any{"userId": uid("admin@demo.test")}).TotalCount)
		require.Zero(t, vAudit(t, rival, map[string]any{"kind": "credentials.revealed"}).TotalCount)
		own := vAudit(t, rival, map[string]any{"first": 100})
		demoIDs := map[string]bool{}
		for _, e := range vAudit(t, admin, map[string]any{"first": 100}).Nodes {
			demoIDs[e.ID] = true
		}
		for _, e := range own.Nodes {
			require.False(t, demoIDs[e.ID], "Rival sees Demo's event %s", e.Kind)
		}
		// A cursor of Demo's list gives Rival nothing of Demo's either.
		fromDemo := vAudit(t, rival, map[string]any{"after": all.Edges[0].Cursor, "first": 100})
		for _, e := range fromDemo.Nodes {
			require.False(t, demoIDs[e.ID])
		}
	})

	t.Run("reveal ledger counts from the last rotation", func(t *testing.T) {
		l := vCreate(t, admin, map[string]any{"clientId": acme, "platform": "GOOGLE_ADS", "type": "EXTERNAL_LOGIN", "displayName": "Acme Google Ads", "username": "ledger@acme.example", "password": "ledger-Pa55word-1"})
		require.Empty(t, vLedger(t, admin, l.ID), "nobody has seen new credentials")
		vReveal(t, admin, l.ID)
		vReveal(t, admin, l.ID)
		require.Equal(t, "ledger-Pa55word-1", vReveal(t, alice, l.ID)["password"])

		ledger := vLedger(t, admin, l.ID)
		require.Len(t, ledger, 2)
		require.Equal(t, uid("alice@acme.test"), ledger[0].UserID, "most recent reveal first")
		require.Equal(t, "alice@acme.test", ledger[0].Email)
		require.Equal(t, "CLIENT_USER", ledger[0].Role)
		require.Equal(t, 1, ledger[0].Count)
		require.Nil(t, ledger[0].DeactivatedAt)
		require.Equal(t, uid("admin@demo.test"), ledger[1].UserID)
		require.Equal(t, "ADMIN", ledger[1].Role)
		require.Equal(t, 2, ledger[1].Count)
		require.True(t, ledger[1].FirstRevealAt.Before(ledger[1].LastRevealAt))
		require.NotEmpty(t, ledger[1].Name)
		// Members read the ledger too (staff); client users and other agencies do not.
		require.Len(t, vLedger(t, member, l.ID), 2)
		requireCode(t, alice.Do(`query($id:ID!){ revealLedger(identityId:$id){ userId } }`, map[string]any{"id": l.ID}), "FORBIDDEN")
		requireCode(t, alice.Do(`query($u:ID!){ revealsByUser(userId:$u){ identityId } }`, map[string]any{"u": uid("alice@acme.test")}), "FORBIDDEN")
		requireCode(t, rival.Do(`query($id:ID!){ revealLedger(identityId:$id){ userId } }`, map[string]any{"id": l.ID}), "NOT_FOUND")
		requireCode(t, rival.Do(`query($u:ID!){ revealsByUser(userId:$u){ identityId } }`, map[string]any{"u": uid("alice@acme.test")}), "NOT_FOUND")

		seen := vSeenBy(t, admin, uid("alice@acme.test"))
		require.Equal(t, 1, seen[l.ID].Count)
		require.False(t, seen[l.ID].RotatedSince)
		require.Equal(t, "Acme Google Ads", seen[l.ID].DisplayName)
		require.Equal(t, "EXTERNAL_LOGIN", seen[l.ID].Type)

		// A rotation empties the ledger; what alice and admin saw no longer works.
		var rot struct{ RotateCredentials vaultIdentity }
		admin.Do(`mutation($id:ID!){ rotateCredentials(identityId:$id, input:{password:"ledger-Pa55word-2"}){ `+vaultIdentityFields+` } }`, map[string]any{"id": l.ID}).Decode(t, &rot)
		rotatedAt := rot.RotateCredentials.CredentialsRotatedAt
		require.NotNil(t, rotatedAt)
		require.Empty(t, vLedger(t, admin, l.ID))
		seen = vSeenBy(t, admin, uid("alice@acme.test"))
		require.True(t, seen[l.ID].RotatedSince)
		require.NotNil(t, seen[l.ID].RotatedAt)
		require.True(t, rotatedAt.Equal(*seen[l.ID].RotatedAt))
		require.True(t, vSeenBy(t, admin, uid("admin@demo.test"))[l.ID].RotatedSince)

		// A new reveal: only that person is in the ledger, and for alice it is current again.
		require.Equal(t, "ledger-Pa55word-2", vReveal(t, alice, l.ID)["password"])
		ledger = vLedger(t, admin, l.ID)
		require.Len(t, ledger, 1)
		require.Equal(t, uid("alice@acme.test"), ledger[0].UserID)
		require.Equal(t, 1, ledger[0].Count)
		require.False(t, ledger[0].FirstRevealAt.Before(*rotatedAt))
		seen = vSeenBy(t, admin, uid("alice@acme.test"))
		require.Equal(t, 2, seen[l.ID].Count, "revealsByUser counts every reveal, ever")
		require.False(t, seen[l.ID].RotatedSince)
		adminSeen := vSeenBy(t, admin, uid("admin@demo.test"))
		require.Equal(t, 2, adminSeen[l.ID].Count)
		require.True(t, adminSeen[l.ID].RotatedSince)
		// Someone who never revealed anything has an empty list.
		require.Empty(t, vSeenBy(t, admin, uid("bob@globex.test")))
	})

	t.Run("updateProfile", func(t *testing.T) {
		type me struct{ ID, Email, Name, Role string }
		const profile = `mutation($in:UpdateProfileInput!){ updateProfile(input:$in){ id email name role } }`
		var out struct{ UpdateProfile me }
		member.Do(profile, map[string]any{"in": map[string]any{"name": "  Mia M. Member ", "email": " Mia.Member@Demo.TEST"}}).Decode(t, &out)
		require.Equal(t, uid("member@demo.test"), out.UpdateProfile.ID)
		require.Equal(t, "member@demo.test", out.UpdateProfile.Email, "a new address waits for its confirmation link")
		require.Equal(t, "Mia M. Member", out.UpdateProfile.Name)
		var got struct{ Me me }
		member.Do(`{ me { id email name role } }`, nil).Decode(t, &got)
		require.Equal(t, out.UpdateProfile, got.Me)
		require.Equal(t, "MEMBER", got.Me.Role)

		// Until confirmed (TestEmailChangeRevealsNothing), the old address stays the login.
		requireCode(t, sys.NewClient(0).Do(loginQuery, map[string]any{"e": "mia.member@demo.test", "p": "accesshive-demo"}), "UNAUTHENTICATED")
		require.Empty(t, sys.NewClient(0).Do(loginQuery, map[string]any{"e": "member@demo.test", "p": "accesshive-demo"}).Errors)

		// Malformed input is refused, naming the field, and changes nothing.
		for _, in := range []map[string]any{
			{"email": "not-an-email"},
			{"email": "Mia <mia@demo.test>"},
			{"name": "Taken", "email": ""},
		} {
			r := member.Do(profile, map[string]any{"in": in})
			requireCode(t, r, "BAD_USER_INPUT")
			require.Equal(t, "email", r.Field(), "input %v: %+v", in, r.Errors)
		}
		requireInvalid(t, member.Do(profile, map[string]any{"in": map[string]any{"name": "   "}}), "name")
		member.Do(`{ me { id email name role } }`, nil).Decode(t, &got)
		require.Equal(t, out.UpdateProfile, got.Me, "refused updates change nothing")

		// A client user edits its own profile too; the change is audited.
		var bobOut struct{ UpdateProfile me }
		bob := sys.Login("bob@globex.test")
		bob.Do(profile, map[string]any{"in": map[string]any{"name": "Robert Globex"}}).Decode(t, &bobOut)
		require.Equal(t, "Robert Globex", bobOut.UpdateProfile.Name)
		require.Equal(t, "bob@globex.test", bobOut.UpdateProfile.Email)
		ev := vAudit(t, admin, map[string]any{"kind": "user.profile_updated", "userId": uid("member@demo.test")})
		require.Equal(t, 1, ev.TotalCount)
		require.ElementsMatch(t, []any{"name"}, ev.Nodes[0].Data["fields"])
		ev = vAudit(t, admin, map[string]any{"kind": "user.email_change_requested", "userId": uid("member@demo.test")})
		require.Equal(t, 1, ev.TotalCount)
	})

	t.Run("updateCredentials per identity type", func(t *testing.T) {
		const update = `mutation($in:UpdateCredentialsInput!){ updateCredentials(input:$in){ ` + vaultIdentityFields + ` } }`
		upd := func(in map[string]any) vaultIdentity {
			t.Helper()
			var out struct{ UpdateCredentials vaultIdentity }
			admin.Do(update, map[string]any{"in": in}).Decode(t, &out)
			return out.UpdateCredentials
		}
		ext := vCreate(t, admin, map[string]any{"clientId": acme, "platform": "GA4", "type": "EXTERNAL_LOGIN", "username": "cred-user", "password": "cred-Pa55-1"})
		r0 := vGet(t, admin, ext.ID).CredentialsRotatedAt

		// The username alone is not a rotation: the secret a person saw still works.
		u1 := upd(map[string]any{"identityId": ext.ID, "username": "cred-user-2"})
		require.Equal(t, r0 == nil, u1.CredentialsRotatedAt == nil)
		if r0 != nil {
			require.True(t, r0.Equal(*u1.CredentialsRotatedAt), "username change keeps credentialsRotatedAt")
		}
		f := vReveal(t, admin, ext.ID)
		require.Equal(t, "cred-user-2", f["username"])
		require.Equal(t, "cred-Pa55-1", f["password"])

		// A new password is.
		u2 := upd(map[string]any{"identityId": ext.ID, "password": "cred-Pa55-2"})
		require.NotNil(t, u2.CredentialsRotatedAt)
		if r0 != nil {
			require.True(t, u2.CredentialsRotatedAt.After(*r0))
		}
		f = vReveal(t, admin, ext.ID)
		require.Equal(t, "cred-user-2", f["username"])
		require.Equal(t, "cred-Pa55-2", f["password"])
		updated := vAudit(t, admin, map[string]any{"identityId": ext.ID, "kind": "credentials.updated"})
		require.Equal(t, 2, updated.TotalCount)
		require.Equal(t, true, updated.Nodes[0].Data["secretChanged"])
		require.Equal(t, false, updated.Nodes[1].Data["secretChanged"])

		// Fields that do not belong to the type are refused by name.
		requireInvalid(t, admin.Do(update, map[string]any{"in": map[string]any{"identityId": ext.ID, "token": "tok"}}), "token")
		requireInvalid(t, admin.Do(update, map[string]any{"in": map[string]any{"identityId": ext.ID, "password": ""}}), "password")
		requireInvalid(t, admin.Do(update, map[string]any{"in": map[string]any{"identityId": ext.ID, "username": ""}}), "username")
		requireInvalid(t, admin.Do(update, map[string]any{"in": map[string]any{"identityId": ext.ID, "totpSecret": "not base32!"}}), "totpSecret")

		tok := vCreate(t, admin, map[string]any{"clientId": globex, "platform": "META_ADS", "type": "API_TOKEN", "token": "globex-tok-1"})
		t0 := vGet(t, admin, tok.ID).CredentialsRotatedAt
		t1 := upd(map[string]any{"identityId": tok.ID, "token": "globex-tok-2"})
		require.NotNil(t, t1.CredentialsRotatedAt)
		if t0 != nil {
			require.True(t, t1.CredentialsRotatedAt.After(*t0))
		}
		require.Equal(t, "globex-tok-2", vReveal(t, admin, tok.ID)["token"])
		for _, field := range []string{"username", "password", "totpSecret"} {
			in := map[string]any{"identityId": tok.ID, field: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"}
			requireInvalid(t, admin.Do(update, map[string]any{"in": in}), field)
		}
		requireInvalid(t, admin.Do(update, map[string]any{"in": map[string]any{"identityId": tok.ID}}), "token")
		requireInvalid(t, admin.Do(update, map[string]any{"in": map[string]any{"identityId": tok.ID, "token": ""}}), "token")
		require.Equal(t, "globex-tok-2", vReveal(t, admin, tok.ID)["token"], "refused updates change nothing")
		// createIdentity names the stray field the same way.
		requireInvalid(t, admin.Do(`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ id } }`, map[string]any{"in": map[string]any{
			"clientId": globex, "platform": "GOOGLE_ADS", "type": "API_TOKEN", "token": "t", "username": "u"}}), "username")

		// A managed identity's password is generated: no hand-set credentials.
		managed := vCreate(t, admin, map[string]any{"clientId": globex, "platform": "GA4", "type": "MANAGED_GWS", "displayName": "Globex GA4"})
		requireCode(t, admin.Do(update, map[string]any{"in": map[string]any{"identityId": managed.ID, "password": "hand-set-Pa55"}}), "BAD_USER_INPUT")
		requireInvalid(t, admin.Do(update, map[string]any{"in": map[string]any{"identityId": "nope", "password": "x"}}), "identityId")
		requireCode(t, admin.Do(update, map[string]any{"in": map[string]any{"identityId": uuid.NewString(), "password": "x"}}), "NOT_FOUND")
	})

	t.Run("reveal rate limit per user", func(t *testing.T) {
		for i := 0; i < 30; i++ {
			r := member.Do(vRevealMutation, map[string]any{"id": agencyTok.ID})
			require.Empty(t, r.Errors, "reveal %d", i+1)
		}
		r := member.Do(vRevealMutation, map[string]any{"id": agencyTok.ID})
		requireCode(t, r, "RATE_LIMITED")
		require.Equal(t, "null", string(r.Data))
		retry, ok := r.Errors[0].Extensions["retryAfterSeconds"].(float64)
		require.True(t, ok, "retryAfterSeconds: %+v", r.Errors[0].Extensions)
		require.GreaterOrEqual(t, retry, 1.0)
		require.LessOrEqual(t, retry, 61.0)
		require.NotContains(t, r.Errors[0].Message, "agency-token-audit")
		// The refused reveal left no trace in the ledger.
		require.Equal(t, 30, countRows(t, sys, `SELECT count(*) FROM reveals WHERE user_id = ?`, uid("member@demo.test")))
		// Another user is unaffected.
		require.Equal(t, "agency-token-audit", vReveal(t, owner, agencyTok.ID)["token"])
		require.Equal(t, "agency-token-audit", vReveal(t, admin, agencyTok.ID)["token"])
	})
}

// TestVaultDeactivateUserOffersAndRunsRotation deactivates a client user who revealed an
// external login and a managed GWS identity: the user's cookie and websockets stop working, the
// rotation offer lists both, and rotateRevealedBy rotates the managed one in the directory.
func TestVaultDeactivateUserOffersAndRunsRotation(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	owner := sys.Login("owner@demo.test")
	admin := sys.Login("admin@demo.test")
	member := sys.Login("member@demo.test")
	alice := sys.Login("alice@acme.test")
	bob := sys.Login("bob@globex.test")
	rival := sys.Login("owner@rival.test")
	acme := sys.Seed.Acme.ID.String()
	uid := func(email string) string { return sys.Seed.UsersByEmail[email].ID.String() }
	aliceID := uid("alice@acme.test")

	ext := vCreate(t, admin, map[string]any{"clientId": acme, "platform": "META_ADS", "type": "EXTERNAL_LOGIN", "username": "ads@acme.example", "password": "leaver-Pa55word"})
	managed := vCreate(t, admin, map[string]any{"clientId": acme, "platform": "GA4", "type": "MANAGED_GWS", "displayName": "Acme GA4"})
	email := vDeref(managed.Email)
	require.NotEmpty(t, email)
	e2e.Eventually(t, 20*time.Second, func() bool {
		return vGet(t, admin, managed.ID).ProvisioningState == "PROVISIONED"
	}, "managed identity provisioned through the fake directory")

	require.Equal(t, "leaver-Pa55word", vReveal(t, alice, ext.ID)["password"])
	oldPassword := vReveal(t, alice, managed.ID)["password"]
	require.NotEmpty(t, oldPassword)
	require.True(t, sys.Directory.PasswordMatches(email, oldPassword))

	// Who may deactivate whom.
	const deactivate = `mutation($id:ID!){ deactivateUser(id:$id){ user { id email } rotationOffer { ` + vOfferFields + ` } } }`
	requireCode(t, member.Do(deactivate, map[string]any{"id": uid("bob@globex.test")}), "FORBIDDEN")
	requireCode(t, alice.Do(deactivate, map[string]any{"id": uid("bob@globex.test")}), "FORBIDDEN")
	requireCode(t, admin.Do(deactivate, map[string]any{"id": uid("owner@demo.test")}), "FORBIDDEN")
	requireCode(t, admin.Do(deactivate, map[string]any{"id": uid("admin@demo.test")}), "FORBIDDEN")
	requireCode(t, owner.Do(deactivate, map[string]any{"id": uid("owner@demo.test")}), "FORBIDDEN")
	requireCode(t, rival.Do(deactivate, map[string]any{"id": aliceID}), "NOT_FOUND")
	requireInvalid(t, admin.Do(deactivate, map[string]any{"id": "nope"}), "id")
	for _, c := range []*e2e.Client{owner, admin, member, alice, bob} {
		require.Empty(t, c.Do(`{ me { id } }`, nil).Errors, "refused deactivations end nobody's session")
	}
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM users WHERE deactivated_at IS NOT NULL`))

	// alice keeps two websockets open, one per protocol.
	const notifSub = `subscription { notificationAdded { id } }`
	type closed struct {
		at    time.Time
		ok    bool
		event e2e.Event
	}
	var waits []chan closed
	for _, proto := range []string{e2e.ProtoTransportWS, e2e.ProtoGraphQLWS} {
		sub := alice.Subscribe(proto, notifSub, nil)
		ch := make(chan closed, 1)
		go func() {
			ev, ok := sub.Next(15 * time.Second)
			ch <- closed{time.Now(), ok, ev}
		}()
		waits = append(waits, ch)
	}

	deactivatedAt := time.Now()
	var res struct {
		DeactivateUser struct {
			User          struct{ ID, Email string }
			RotationOffer []vOfferItem
		}
	}
	admin.Do(deactivate, map[string]any{"id": aliceID}).Decode(t, &res)
	// Her cookie stops working at once.
	requireCode(t, alice.Do(`{ me { id } }`, nil), "UNAUTHENTICATED")
	requireCode(t, alice.Do(vRevealMutation, map[string]any{"id": ext.ID}), "UNAUTHENTICATED")
	requireCode(t, sys.NewClient(0).Do(loginQuery, map[string]any{"e": "alice@acme.test", "p": "accesshive-demo"}), "UNAUTHENTICATED")
	require.Equal(t, aliceID, res.DeactivateUser.User.ID)
	offer := map[string]vOfferItem{}
	for _, it := range res.DeactivateUser.RotationOffer {
		offer[it.IdentityID] = it
	}
	require.Len(t, offer, 2)
	require.True(t, offer[managed.ID].Automatic)
	require.Equal(t, "MANAGED_GWS", offer[managed.ID].Type)
	require.Nil(t, offer[managed.ID].PendingJobID)
	require.False(t, offer[ext.ID].Automatic)
	require.Equal(t, "EXTERNAL_LOGIN", offer[ext.ID].Type)
	requireCode(t, admin.Do(deactivate, map[string]any{"id": aliceID}), "CONFLICT")
	ledger := vLedger(t, admin, ext.ID)
	require.Len(t, ledger, 1)
	require.NotNil(t, ledger[0].DeactivatedAt, "the ledger shows that the person has left")
	for _, c := range []*e2e.Client{owner, admin, member, bob} {
		require.Empty(t, c.Do(`{ me { id } }`, nil).Errors, "only alice's sessions end")
	}

	// Running the offer: one job for the managed identity, the external one for a person.
	const rotateRevealed = `mutation($u:ID!){ rotateRevealedBy(userId:$u){ jobIds manualIdentityIds } }`
	requireCode(t, member.Do(rotateRevealed, map[string]any{"u": aliceID}), "FORBIDDEN")
	var run struct {
		RotateRevealedBy struct{ JobIds, ManualIdentityIds []string }
	}
	admin.Do(rotateRevealed, map[string]any{"u": aliceID}).Decode(t, &run)
	require.Len(t, run.RotateRevealedBy.JobIds, 1)
	require.Equal(t, []string{ext.ID}, run.RotateRevealedBy.ManualIdentityIds)
	jobID := run.RotateRevealedBy.JobIds[0]
	var jobs struct {
		Jobs []struct {
			ID, Type, Status string
			Input            map[string]any
			Error            *string
		}
	}
	e2e.Eventually(t, 20*time.Second, func() bool {
		admin.Do(`{ jobs(type: ROTATE_CREDENTIALS) { id type status input error } }`, nil).Decode(t, &jobs)
		require.Len(t, jobs.Jobs, 1, "one rotation job")
		require.Equal(t, jobID, jobs.Jobs[0].ID)
		require.NotEqual(t, "FAILED", jobs.Jobs[0].Status, "job error: %v", vDeref(jobs.Jobs[0].Error))
		return jobs.Jobs[0].Status == "SUCCEEDED"
	}, "rotation job succeeded")
	require.Equal(t, managed.ID, jobs.Jobs[0].Input["identityId"])

	// The directory has a new password, and a new reveal shows exactly it.
	require.False(t, sys.Directory.PasswordMatches(email, oldPassword), "the password alice saw no longer works")
	newPassword := vReveal(t, admin, managed.ID)["password"]
	require.NotEqual(t, oldPassword, newPassword)
	require.True(t, sys.Directory.PasswordMatches(email, newPassword))
	require.NotNil(t, vGet(t, admin, managed.ID).CredentialsRotatedAt)

	// The external login waits for a person, visibly in the audit trail.
	needed := vAudit(t, admin, map[string]any{"identityId": ext.ID, "kind": "credentials.rotation_needed"})
	require.Equal(t, 1, needed.TotalCount)
	require.Equal(t, aliceID, needed.Nodes[0].Data["revealedBy"])
	// What remains on offer is the manual one; asking again starts no second job.
	var after struct{ RotationOffer []vOfferItem }
	admin.Do(`query($u:ID!){ rotationOffer(userId:$u){ `+vOfferFields+` } }`, map[string]any{"u": aliceID}).Decode(t, &after)
	require.Len(t, after.RotationOffer, 1)
	require.Equal(t, ext.ID, after.RotationOffer[0].IdentityID)
	admin.Do(rotateRevealed, map[string]any{"u": aliceID}).Decode(t, &run)
	require.Empty(t, run.RotateRevealedBy.JobIds)
	require.Equal(t, []string{ext.ID}, run.RotateRevealedBy.ManualIdentityIds)
	require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM jobs WHERE type = 'ROTATE_CREDENTIALS'`))
	// Once an admin sets a new password, nothing is left on offer.
	admin.Do(`mutation($id:ID!){ rotateCredentials(identityId:$id, input:{password:"after-leaver-Pa55"}){ id } }`, map[string]any{"id": ext.ID}).Decode(t, &struct{}{})
	admin.Do(`query($u:ID!){ rotationOffer(userId:$u){ `+vOfferFields+` } }`, map[string]any{"u": aliceID}).Decode(t, &after)
	require.Empty(t, after.RotationOffer)
	seen := vSeenBy(t, admin, aliceID)
	require.True(t, seen[ext.ID].RotatedSince)
	require.True(t, seen[managed.ID].RotatedSince)

	// Both of alice's websockets were closed by the server's session check (every 5 s).
	for i, ch := range waits {
		c := <-ch
		if c.ok {
			require.True(t, c.event.Complete, "websocket %d: an event instead of the end: %s %+v", i, c.event.Data, c.event.Errors)
		}
		took := c.at.Sub(deactivatedAt)
		t.Logf("websocket %d: ok=%v complete=%v after %s", i, c.ok, c.event.Complete, took)
		require.Less(t, took, 7*time.Second, "websocket %d closed %s after the deactivation", i, took)
	}
	// A new websocket with her cookie is refused.
	_, err := alice.TrySubscribe(e2e.ProtoTransportWS, notifSub, nil)
	require.Error(t, err, "a deactivated user's cookie must not open a websocket")
}

// TestVaultIdentityRoleTable walks the role table for the identity operations.
func TestVaultIdentityRoleTable(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	admin := sys.Login("admin@demo.test")
	acme, globex := sys.Seed.Acme.ID.String(), sys.Seed.Globex.ID.String()
	clients := map[string]*e2e.Client{}
	for _, rl := range roleLogins {
		clients[rl.role] = sys.Login(rl.email)
	}

	agencyTok := vCreate(t, admin, map[string]any{"type": "API_TOKEN", "platform": "GOOGLE_ADS", "token": "agency-tok-0", "displayName": "Agency token"})
	acmeExt := vCreate(t, admin, map[string]any{"clientId": acme, "platform": "META_ADS", "type": "EXTERNAL_LOGIN", "username": "ads@acme.example", "password": "acme-Pa55"})
	globexExt := vCreate(t, admin, map[string]any{"clientId": globex, "platform": "META_ADS", "type": "EXTERNAL_LOGIN", "username": "ads@globex.example", "password": "globex-Pa55"})
	// An agency has one live identity per platform (and one agency-wide): the rows below need
	// every platform, so TikTok and LinkedIn are made operational, and the roles refused a
	// deletion share one target.
	for _, p := range []string{"TIKTOK_ADS", "LINKEDIN_ADS"} {
		_, err := sys.DB.ExecContext(context.Background(), `INSERT INTO platform_connections (agency_id, platform_key, state) VALUES (?, ?, 'OPERATIONAL')
			ON CONFLICT (agency_id, platform_key) DO UPDATE SET state = 'OPERATIONAL'`, sys.Seed.Demo.ID, p)
		require.NoError(t, err)
	}
	delTargets := map[string]string{}
	for role, platform := range map[string]any{"AGENCY_OWNER": nil, "ADMIN": "META_ADS", "MEMBER": "GA4"} {
		delTargets[role] = vCreate(t, admin, map[string]any{"type": "API_TOKEN", "platform": platform, "token": "del-" + role, "displayName": "Delete target " + role}).ID
	}
	delTargets["CLIENT_USER"] = delTargets["MEMBER"]
	createOn := map[string]string{"AGENCY_OWNER": "TIKTOK_ADS", "ADMIN": "LINKEDIN_ADS", "MEMBER": "TIKTOK_ADS", "CLIENT_USER": "TIKTOK_ADS"}
	// An Acme identity that is not PROVISIONED: approved through an access request without
	// credentials, it waits in PENDING.
	var sub struct{ SubmitAccessRequest struct{ ID string } }
	clients["CLIENT_USER"].Do(`mutation{ submitAccessRequest(input:{platform: GOOGLE_ADS, identityType: EXTERNAL_LOGIN, justification: "reporting"}){ id } }`, nil).Decode(t, &sub)
	var appr struct {
		ApproveAccessRequest struct {
			Identity struct{ ID, ProvisioningState string }
		}
	}
	admin.Do(`mutation($id:ID!){ approveAccessRequest(id:$id){ identity { id provisioningState } } }`, map[string]any{"id": sub.SubmitAccessRequest.ID}).Decode(t, &appr)
	acmePending := appr.ApproveAccessRequest.Identity.ID
	require.Equal(t, "PENDING", appr.ApproveAccessRequest.Identity.ProvisioningState)

	managers := map[string]string{"AGENCY_OWNER": allowed, "ADMIN": allowed, "MEMBER": "FORBIDDEN", "CLIENT_USER": "FORBIDDEN"}
	staff := func(client string) map[string]string {
		return map[string]string{"AGENCY_OWNER": allowed, "ADMIN": allowed, "MEMBER": allowed, "CLIENT_USER": client}
	}
	id := func(v string) func(string) map[string]any {
		return func(string) map[string]any { return map[string]any{"id": v} }
	}
	revealed := func(field, want string) func(t *testing.T, role string, r e2e.Response) {
		return func(t *testing.T, _ string, r e2e.Response) {
			var out struct {
				RevealCredentials struct {
					Fields []struct{ Name, Value string }
				}
			}
			r.Decode(t, &out)
			got := map[string]string{}
			for _, f := range out.RevealCredentials.Fields {
				got[f.Name] = f.Value
			}
			require.Equal(t, want, got[field])
		}
	}
	listed := func(key, want string, total int) func(t *testing.T, role string, r e2e.Response) {
		return func(t *testing.T, _ string, r e2e.Response) {
			var out map[string]struct {
				TotalCount int
				Nodes      []struct{ ID string }
			}
			r.Decode(t, &out)
			ids := []string{}
			for _, n := range out[key].Nodes {
				ids = append(ids, n.ID)
			}
			require.Contains(t, ids, want)
			if total > 0 {
				require.Equal(t, total, out[key].TotalCount)
			}
		}
	}
	stateOf := func(id string) string {
		var s string
		require.NoError(t, sys.DB.NewSelect().Table("identities").Column("provisioning_state").Where("id = ?", id).Scan(context.Background(), &s))
		return s
	}

	type row = roleCase
	rows := []row{
		{
			op: "createIdentity", query: `mutation($in:CreateIdentityInput!){ createIdentity(input:$in){ id scope } }`,
			vars: func(role string) map[string]any {
				return map[string]any{"in": map[string]any{"type": "API_TOKEN", "platform": createOn[role], "token": "tok-" + role, "displayName": "Made by " + role}}
			},
			want: managers,
			after: func(t *testing.T, role string, ok bool) {
				n := countRows(t, sys, `SELECT count(*) FROM identities WHERE display_name = ?`, "Made by "+role)
				require.Equal(t, map[bool]int{true: 1, false: 0}[ok], n)
			},
		},
		{
			op: "deleteIdentity", query: `mutation($id:ID!){ deleteIdentity(id:$id){ id provisioningState } }`,
			vars: func(role string) map[string]any { return map[string]any{"id": delTargets[role]} },
			want: managers,
			after: func(t *testing.T, role string, ok bool) {
				if ok {
					require.Contains(t, []string{"DEPROVISIONING", "DELETED"}, stateOf(delTargets[role]))
				} else {
					require.Equal(t, "PROVISIONED", stateOf(delTargets[role]))
				}
			},
		},
		{
			op: "revealCredentials(agency identity)", query: vRevealMutation, vars: id(agencyTok.ID),
			want: staff("NOT_FOUND"), check: revealed("token", "agency-tok-0"),
		},
		{
			op: "revealCredentials(Acme identity)", query: vRevealMutation, vars: id(acmeExt.ID),
			want:  map[string]string{"AGENCY_OWNER": allowed, "ADMIN": allowed, "MEMBER": "FORBIDDEN", "CLIENT_USER": allowed},
			check: revealed("password", "acme-Pa55"),
		},
		{
			op: "revealCredentials(Globex identity)", query: vRevealMutation, vars: id(globexExt.ID),
			want:  map[string]string{"AGENCY_OWNER": allowed, "ADMIN": allowed, "MEMBER": "FORBIDDEN", "CLIENT_USER": "NOT_FOUND"},
			check: revealed("password", "globex-Pa55"),
		},
		{
			op: "revealCredentials(Acme PENDING identity)", query: vRevealMutation, vars: id(acmePending),
			want: map[string]string{"AGENCY_OWNER": "CONFLICT", "ADMIN": "CONFLICT", "MEMBER": "FORBIDDEN", "CLIENT_USER": "CONFLICT"},
		},
		{
			op: "updateCredentials", query: `mutation($id:ID!,$tok:String!){ updateCredentials(input:{identityId:$id, token:$tok}){ id } }`,
			vars: func(role string) map[string]any { return map[string]any{"id": agencyTok.ID, "tok": "tok-upd-" + role} },
			want: managers,
			after: func(t *testing.T, role string, ok bool) {
				n := countRows(t, sys, `SELECT count(*) FROM audit_events WHERE kind = 'credentials.updated' AND actor_user_id = ?`, sys.Seed.UsersByEmail[vEmailOf(role)].ID)
				require.Equal(t, map[bool]int{true: 1, false: 0}[ok], n)
			},
		},
		{
			op: "rotateCredentials", query: `mutation($id:ID!,$pw:String!){ rotateCredentials(identityId:$id, input:{password:$pw}){ id credentialsRotatedAt } }`,
			vars: func(role string) map[string]any { return map[string]any{"id": acmeExt.ID, "pw": "rotated-by-" + role} },
			want: managers,
			after: func(t *testing.T, role string, ok bool) {
				n := countRows(t, sys, `SELECT count(*) FROM audit_events WHERE kind = 'credentials.rotated' AND actor_user_id = ?`, sys.Seed.UsersByEmail[vEmailOf(role)].ID)
				require.Equal(t, map[bool]int{true: 1, false: 0}[ok], n)
			},
		},
		{
			op: "identities(Acme)", query: `query($id:ID!){ identities(clientId:$id){ totalCount nodes { id } } }`, vars: id(acme),
			want: staff(allowed), check: listed("identities", acmeExt.ID, 2),
		},
		{
			op: "identities(Globex)", query: `query($id:ID!){ identities(clientId:$id){ totalCount nodes { id } } }`, vars: id(globex),
			want: staff("NOT_FOUND"), check: listed("identities", globexExt.ID, 1),
		},
		{
			op: "agencyIdentities", query: `{ agencyIdentities { totalCount nodes { id } } }`,
			want: staff("FORBIDDEN"), check: listed("agencyIdentities", agencyTok.ID, 0),
		},
		{op: "identity(agency identity)", query: `query($id:ID!){ identity(id:$id){ id } }`, vars: id(agencyTok.ID), want: staff("NOT_FOUND")},
		{op: "identity(Acme identity)", query: `query($id:ID!){ identity(id:$id){ id } }`, vars: id(acmeExt.ID), want: staff(allowed)},
		{op: "identity(Acme PENDING identity)", query: `query($id:ID!){ identity(id:$id){ id } }`, vars: id(acmePending), want: staff(allowed)},
		{op: "identity(Globex identity)", query: `query($id:ID!){ identity(id:$id){ id } }`, vars: id(globexExt.ID), want: staff("NOT_FOUND")},
	}
	runRoleTable(t, clients, rows)
	// The last allowed rotation's password is what a reveal shows.
	require.Equal(t, "rotated-by-ADMIN", vReveal(t, admin, acmeExt.ID)["password"])
	require.Equal(t, "tok-upd-ADMIN", vReveal(t, admin, agencyTok.ID)["token"])
}

func vEmailOf(role string) string {
	for _, rl := range roleLogins {
		if rl.role == role {
			return rl.email
		}
	}
	panic("no demo login for role " + role)
}

// TestVaultRewrapMovesEverySecretToTheNewestKey configures two master keys, seals every secret
// under the older one, and runs the REWRAP_VAULT job the way the worker's periodic check does.
func TestVaultRewrapMovesEverySecretToTheNewestKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	oldKey, err := vault.GenerateMasterKey("test-0")
	require.NoError(t, err)
	newKey, err := vault.GenerateMasterKey("test-1")
	require.NoError(t, err)
	oldOnly, err := vault.NewKeyring([]vault.MasterKey{oldKey})
	require.NoError(t, err)
	sys := e2e.Start(t, e2e.Options{Keys: []vault.MasterKey{oldKey, newKey}})
	admin := sys.Login("admin@demo.test")
	alice := sys.Login("alice@acme.test")
	acme, globex := sys.Seed.Acme.ID.String(), sys.Seed.Globex.ID.String()

	want := map[string]map[string]string{}
	for _, in := range []map[string]any{
		{"clientId": acme, "platform": "META_ADS", "type": "EXTERNAL_LOGIN", "username": "rewrap@acme.example", "password": "rewrap-Pa55-1"},
		{"clientId": globex, "platform": "META_ADS", "type": "EXTERNAL_LOGIN", "username": "rewrap@globex.example", "password": "rewrap-Pa55-2"},
		{"clientId": acme, "platform": "GOOGLE_ADS", "type": "API_TOKEN", "token": "rewrap-token-3"},
		{"type": "API_TOKEN", "platform": "GA4", "token": "rewrap-token-4", "displayName": "Agency GA4 token"},
	} {
		ident := vCreate(t, admin, in)
		want[ident.ID] = map[string]string{}
		for _, f := range []string{"username", "password", "token"} {
			if v, ok := in[f].(string); ok {
				want[ident.ID][f] = v
			}
		}
	}

	type secret struct {
		AgencyID   uuid.UUID `bun:"agency_id"`
		OwnerID    uuid.UUID `bun:"owner_id"`
		Purpose    string    `bun:"purpose"`
		KeyID      string    `bun:"key_id"`
		WrappedKey []byte    `bun:"wrapped_key"`
		Ciphertext []byte    `bun:"ciphertext"`
	}
	secretsIn := func(idb bun.IDB) []secret {
		var out []secret
		require.NoError(t, idb.NewSelect().Table("secrets").Column("agency_id", "owner_id", "purpose", "key_id", "wrapped_key", "ciphertext").
			Comment(tenant.AllAgencies("the rewrap moves every agency's secrets")).OrderExpr("id").Scan(ctx, &out))
		return out
	}
	secrets := func() []secret { return secretsIn(sys.DB) }
	keyIDs := func(ss []secret) map[string]int {
		m := map[string]int{}
		for _, s := range ss {
			m[s.KeyID]++
		}
		return m
	}
	rewrapJobs := func() int {
		return countRows(t, sys, `/* `+tenant.AllAgencies("the rewrap job is system-wide")+` */ SELECT count(*) FROM jobs WHERE type = 'REWRAP_VAULT'`)
	}
	before := secrets()
	require.Len(t, before, len(want))
	require.Equal(t, map[string]int{"test-1": len(want)}, keyIDs(before), "new secrets are sealed under the newest key")
	require.Zero(t, rewrapJobs(), "nothing to rewrap yet")

	// Simulate secrets sealed before test-1 was configured: re-seal each under test-0 alone.
	// The worker's own periodic check (on the wall clock's 10-minute ticks) may enqueue a rewrap
	// as soon as this commits, so the snapshot and the checks of the old state are taken in the
	// re-sealing transaction, and what follows holds whichever of the two enqueues the job.
	oldStore := vault.NewStore(oldOnly)
	var old []secret
	require.NoError(t, db.InTx(ctx, sys.DB, func(ctx context.Context, tx bun.Tx) error {
		for _, s := range before {
			pt, err := sys.Apps[0].Vault.Get(ctx, tx, s.AgencyID, s.OwnerID, s.Purpose)
			require.NoError(t, err)
			require.NoError(t, oldStore.Put(ctx, tx, s.AgencyID, s.OwnerID, s.Purpose, pt))
		}
		old = secretsIn(tx)
		require.Equal(t, map[string]int{"test-0": len(want)}, keyIDs(old))
		need, err := vault.NeedsRewrap(ctx, tx, sys.Keys)
		require.NoError(t, err)
		require.True(t, need)
		// The keyring still opens them.
		for _, s := range old {
			_, err := sys.Apps[0].Vault.Get(ctx, tx, s.AgencyID, s.OwnerID, s.Purpose)
			require.NoError(t, err)
		}
		return nil
	}))
	for id, fields := range want {
		got := vReveal(t, admin, id)
		for f, v := range fields {
			require.Equal(t, v, got[f])
		}
	}

	// The periodic check enqueues one REWRAP_VAULT job (this call, or the worker's own tick if it
	// came first: then this one finds the job queued, running or done); the worker runs it.
	require.NoError(t, sys.Apps[0].EnqueueRewrapIfNeeded(ctx))
	require.Equal(t, 1, rewrapJobs())
	var job struct {
		Status   string `bun:"status"`
		Attempts int    `bun:"attempts"`
		Input    string `bun:"input"`
		Result   string `bun:"result"`
		Error    string `bun:"error"`
	}
	e2e.Eventually(t, 20*time.Second, func() bool {
		require.NoError(t, sys.DB.NewSelect().Table("jobs").ColumnExpr("status, attempts, input::text AS input, coalesce(result::text, '') AS result, error").
			Comment(tenant.AllAgencies("the rewrap job is system-wide")).
			Where("type = 'REWRAP_VAULT'").Scan(ctx, &job))
		require.NotEqual(t, "FAILED", job.Status, "rewrap failed: %s", job.Error)
		return job.Status == "SUCCEEDED"
	}, "rewrap job succeeded")
	var in map[string]any
	require.NoError(t, json.Unmarshal([]byte(job.Input), &in))
	require.Equal(t, "test-1", in["toKey"])
	var result vault.RewrapProgress
	require.NoError(t, json.Unmarshal([]byte(job.Result), &result))
	require.Equal(t, len(want), result.Rewrapped)
	require.Zero(t, result.Remaining)

	// Every secret is under the newest key; only the data key's wrap changed.
	after := secrets()
	require.Equal(t, map[string]int{"test-1": len(want)}, keyIDs(after))
	for i := range after {
		require.Equal(t, old[i].OwnerID, after[i].OwnerID)
		require.Equal(t, old[i].Ciphertext, after[i].Ciphertext, "the ciphertext is untouched")
		require.NotEqual(t, old[i].WrappedKey, after[i].WrappedKey)
		_, err := oldStore.Get(ctx, sys.DB, after[i].AgencyID, after[i].OwnerID, after[i].Purpose)
		require.Error(t, err, "the old key alone no longer opens it")
	}
	// Reveals still work through GraphQL, for staff and for the client user.
	for id, fields := range want {
		got := vReveal(t, admin, id)
		for f, v := range fields {
			require.Equal(t, v, got[f])
		}
	}
	var acmeExtID string
	for id, f := range want {
		if f["username"] == "rewrap@acme.example" {
			acmeExtID = id
		}
	}
	require.Equal(t, "rewrap-Pa55-1", vReveal(t, alice, acmeExtID)["password"])

	// Nothing is left to do: a second check enqueues nothing.
	need, err := vault.NeedsRewrap(ctx, sys.DB, sys.Keys)
	require.NoError(t, err)
	require.False(t, need)
	require.NoError(t, sys.Apps[0].EnqueueRewrapIfNeeded(ctx))
	require.Equal(t, 1, rewrapJobs())
	// No secret reached the job record or the logs.
	for _, fields := range want {
		for _, v := range fields {
			if v == "rewrap@acme.example" || v == "rewrap@globex.example" {
				continue
			}
			require.NotContains(t, job.Input+job.Result, v)
			require.NotContains(t, sys.Logs.String(), v)
		}
	}
}
