package e2e_test

// Accounts without shared passwords (invitations, password setup, change and reset), login
// addresses that change only once confirmed and reveal nothing across agencies, client rename
// and offboarding, role template edits, one agency identity per platform, and an expiry window
// that applies to what is pending (issue 9 items 2 and 5–8, issue 8 item 4's user addresses).
// Everything goes over HTTP with real session cookies.

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/e2e"
)

const (
	acInviteOp   = `mutation($in: InviteUserInput!){ inviteUser(input:$in){ id email name role client { id } agency { name } } }`
	acCompleteOp = `mutation($t:String!, $p:String!){ completePasswordSetup(token:$t, password:$p) }`
	acChangeOp   = `mutation($c:String!, $n:String!){ changePassword(currentPassword:$c, newPassword:$n) }`
	acResetOp    = `mutation($u:ID!){ sendPasswordReset(userId:$u) }`
	acConfirmOp  = `mutation($t:String!){ confirmEmailChange(token:$t) }`
	acProfileOp  = `mutation($in: UpdateProfileInput!){ updateProfile(input:$in){ id email name pendingEmail } }`
	acMeOp       = `{ me { id email pendingEmail } }`
)

var acLinkToken = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// acLink waits for the n-th (1-based) email to an address whose subject holds subject, checks
// that its link points at the configured public URL and path, and returns the link's token.
func acLink(t testing.TB, sys *e2e.System, to, subject, path string, n int) string {
	t.Helper()
	arMail(t, sys, to, subject)
	var bodies []string
	e2e.Eventually(t, arTimeout, func() bool {
		bodies = bodies[:0]
		for _, m := range sys.Mail.Messages() {
			if strings.EqualFold(m.To, to) && strings.Contains(m.Subject, subject) {
				bodies = append(bodies, m.Body)
			}
		}
		return len(bodies) >= n
	}, "%d mails to %s", n, to)
	body := bodies[n-1]
	require.Contains(t, body, e2e.Origin+path+"?token=", "the link points at the public URL")
	m := acLinkToken.FindStringSubmatch(body)
	require.NotNil(t, m, body)
	return m[1]
}

func acMailCount(sys *e2e.System, to string) int {
	n := 0
	for _, m := range sys.Mail.Messages() {
		if strings.EqualFold(m.To, to) {
			n++
		}
	}
	return n
}

func acLogin(sys *e2e.System, email, password string) (*e2e.Client, e2e.Response) {
	c := sys.NewClient(0)
	return c, c.Do(loginQuery, map[string]any{"e": email, "p": password})
}

func acAuditCount(t testing.TB, sys *e2e.System, kind, targetID string) int {
	t.Helper()
	return countRows(t, sys, `SELECT count(*) FROM audit_events WHERE kind = ? AND target_id = ?`, kind, targetID)
}

// TestInvitationsAndPasswords walks invitations, first passwords, password changes and resets,
// with every refusal: roles, tenancy (Rival Agency, Globex's bob), unknown, used and expired
// links (answered alike), no session where one is needed, and the rate limits.
func TestInvitationsAndPasswords(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	admin := sys.Login("admin@demo.test")
	owner := sys.Login("owner@demo.test")
	member := sys.Login("member@demo.test")
	alice := sys.Login("alice@acme.test")
	bob := sys.Login("bob@globex.test")
	rival := sys.Login("owner@rival.test")
	anon := sys.NewClient(0)
	acme := sys.Seed.Acme.ID.String()
	const pw = "a-fresh-passphrase-1"

	type invited struct {
		InviteUser struct {
			ID, Email, Name, Role string
			Client                *struct{ ID string }
			Agency                struct{ Name string }
		}
	}
	var hire invited
	t.Run("invite", func(t *testing.T) {
		// Refusals first: none creates a user or sends mail.
		in := map[string]any{"email": "newhire@demo.test", "name": "New Hire", "role": "MEMBER"}
		requireCode(t, anon.Do(acInviteOp, map[string]any{"in": in}), "UNAUTHENTICATED")
		for _, c := range []*e2e.Client{member, alice, bob} {
			requireCode(t, c.Do(acInviteOp, map[string]any{"in": in}), "FORBIDDEN")
		}
		requireCode(t, admin.Do(acInviteOp, map[string]any{"in": map[string]any{"email": "boss@demo.test", "name": "Boss", "role": "AGENCY_OWNER"}}), "FORBIDDEN")
		requireInvalid(t, admin.Do(acInviteOp, map[string]any{"in": map[string]any{"email": "ALICE@acme.test", "name": "Dup", "role": "MEMBER"}}), "email")
		requireInvalid(t, admin.Do(acInviteOp, map[string]any{"in": map[string]any{"email": "x@demo.test", "name": "X", "role": "CLIENT_USER"}}), "clientId")
		// Rival cannot bind a user to Demo's client.
		requireInvalid(t, rival.Do(acInviteOp, map[string]any{"in": map[string]any{"email": "mole@rival.test", "name": "Mole", "role": "CLIENT_USER", "clientId": acme}}), "clientId")
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM users WHERE email IN ('newhire@demo.test', 'boss@demo.test', 'x@demo.test', 'mole@rival.test')`))
		require.Zero(t, len(sys.Mail.Messages()))

		admin.Do(acInviteOp, map[string]any{"in": in}).Decode(t, &hire)
		require.Equal(t, "newhire@demo.test", hire.InviteUser.Email)
		require.Equal(t, "MEMBER", hire.InviteUser.Role)
		require.Equal(t, "Demo Agency", hire.InviteUser.Agency.Name)
		require.Equal(t, 1, acAuditCount(t, sys, "user.invited", hire.InviteUser.ID))
		// No password yet: the address does not sign in.
		_, r := acLogin(sys, "newhire@demo.test", "")
		requireCode(t, r, "UNAUTHENTICATED")

		// A client user for Acme, invited by the owner.
		var cu invited
		owner.Do(acInviteOp, map[string]any{"in": map[string]any{"email": "carol@acme.test", "name": "Carol", "role": "CLIENT_USER", "clientId": acme}}).Decode(t, &cu)
		require.Equal(t, acme, cu.InviteUser.Client.ID)
	})

	var token string
	t.Run("completePasswordSetup", func(t *testing.T) {
		token = acLink(t, sys, "newhire@demo.test", "Your AccessHive invitation", "/set-password", 1)
		// Only the hash is stored; the token is in no table, log or job record.
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM account_tokens WHERE token_hash = convert_to(?, 'UTF8')`, token))
		require.NotContains(t, sys.Logs.String(), token)
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM jobs WHERE input::text LIKE ?`, "%"+token+"%"))

		// Unknown, malformed: the same answer. A bad password does not spend the link.
		unknown := anon.Do(acCompleteOp, map[string]any{"t": "not-a-token", "p": pw})
		requireInvalid(t, unknown, "token")
		requireInvalid(t, anon.Do(acCompleteOp, map[string]any{"t": token, "p": "short"}), "password")

		// Without a session, the link sets the password and signs nobody in.
		var ok struct{ CompletePasswordSetup bool }
		anon.Do(acCompleteOp, map[string]any{"t": token, "p": pw}).Decode(t, &ok)
		require.True(t, ok.CompletePasswordSetup)
		require.Empty(t, anon.Cookie())
		c, r := acLogin(sys, "newhire@demo.test", pw)
		require.Empty(t, r.Errors)
		var me struct{ Me struct{ ID string } }
		c.Do(acMeOp, nil).Decode(t, &me)
		require.Equal(t, hire.InviteUser.ID, me.Me.ID)
		require.Equal(t, 1, acAuditCount(t, sys, "user.password_set", hire.InviteUser.ID))

		// Used: answered exactly like an unknown link.
		used := anon.Do(acCompleteOp, map[string]any{"t": token, "p": "another-passphrase-2"})
		requireInvalid(t, used, "token")
		require.Equal(t, unknown.Errors[0].Message, used.Errors[0].Message)
		// Expired: the same.
		carol := acLink(t, sys, "carol@acme.test", "Your AccessHive invitation", "/set-password", 1)
		_, err := sys.DB.ExecContext(context.Background(), `UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = 'carol@acme.test')`)
		require.NoError(t, err)
		expired := anon.Do(acCompleteOp, map[string]any{"t": carol, "p": pw})
		requireInvalid(t, expired, "token")
		require.Equal(t, unknown.Errors[0].Message, expired.Errors[0].Message)
		_, r = acLogin(sys, "carol@acme.test", pw)
		requireCode(t, r, "UNAUTHENTICATED")
	})

	t.Run("an invitation reveals and reserves nothing across agencies", func(t *testing.T) {
		// Rival invites an address Demo's alice signs in with, and one nobody uses: the two
		// answers are alike, and neither blocks anything.
		var taken, free invited
		rival.Do(acInviteOp, map[string]any{"in": map[string]any{"email": "alice@acme.test", "name": "Alice?", "role": "MEMBER"}}).Decode(t, &taken)
		rival.Do(acInviteOp, map[string]any{"in": map[string]any{"email": "nobody@rival.test", "name": "Nobody", "role": "MEMBER"}}).Decode(t, &free)
		require.Equal(t, "Rival Agency", taken.InviteUser.Agency.Name)
		require.Equal(t, free.InviteUser.Role, taken.InviteUser.Role)
		// createUser with a password answers alike too (it invites instead, silently).
		var cu struct{ CreateUser struct{ ID, Email string } }
		rival.Do(`mutation{ createUser(input:{email:"bob@globex.test", name:"Bob?", password:"rival-chosen-pass", role:MEMBER}){ id email } }`, nil).Decode(t, &cu)
		require.Equal(t, "bob@globex.test", cu.CreateUser.Email)
		_, r := acLogin(sys, "bob@globex.test", "rival-chosen-pass")
		requireCode(t, r, "UNAUTHENTICATED")
		_, r = acLogin(sys, "bob@globex.test", demo.Password)
		require.Empty(t, r.Errors, "Demo's bob still signs in")

		// Only the mailbox's owner, following the link, learns the address is taken.
		link := acLink(t, sys, "alice@acme.test", "Your AccessHive invitation", "/set-password", 1)
		requireInvalid(t, anon.Do(acCompleteOp, map[string]any{"t": link, "p": pw}), "token")
		_, r = acLogin(sys, "alice@acme.test", pw)
		requireCode(t, r, "UNAUTHENTICATED")
		_, r = acLogin(sys, "alice@acme.test", demo.Password)
		require.Empty(t, r.Errors, "Demo's alice keeps her login")
	})

	t.Run("changePassword", func(t *testing.T) {
		a, _ := acLogin(sys, "newhire@demo.test", pw)
		b, _ := acLogin(sys, "newhire@demo.test", pw)
		requireCode(t, anon.Do(acChangeOp, map[string]any{"c": pw, "n": "next-passphrase-3"}), "UNAUTHENTICATED")
		requireInvalid(t, a.Do(acChangeOp, map[string]any{"c": "wrong-password-0", "n": "next-passphrase-3"}), "currentPassword")
		requireInvalid(t, a.Do(acChangeOp, map[string]any{"c": pw, "n": "short"}), "newPassword")
		var ok struct{ ChangePassword bool }
		a.Do(acChangeOp, map[string]any{"c": pw, "n": "next-passphrase-3"}).Decode(t, &ok)
		require.True(t, ok.ChangePassword)
		// This session stays; every other one ends.
		require.Empty(t, a.Do(acMeOp, nil).Errors)
		requireCode(t, b.Do(acMeOp, nil), "UNAUTHENTICATED")
		_, r := acLogin(sys, "newhire@demo.test", pw)
		requireCode(t, r, "UNAUTHENTICATED")
		_, r = acLogin(sys, "newhire@demo.test", "next-passphrase-3")
		require.Empty(t, r.Errors)
		require.Equal(t, 1, acAuditCount(t, sys, "user.password_changed", hire.InviteUser.ID))

		// Guessing the current password is limited per user.
		var last e2e.Response
		for i := 0; i < 6; i++ {
			last = bob.Do(acChangeOp, map[string]any{"c": "guess-number-" + string(rune('a'+i)), "n": "next-passphrase-3"})
		}
		requireCode(t, last, "RATE_LIMITED")
	})

	t.Run("sendPasswordReset", func(t *testing.T) {
		memberID := sys.Seed.UsersByEmail["member@demo.test"].ID.String()
		ownerID := sys.Seed.UsersByEmail["owner@demo.test"].ID.String()
		adminID := sys.Seed.UsersByEmail["admin@demo.test"].ID.String()
		requireCode(t, anon.Do(acResetOp, map[string]any{"u": memberID}), "UNAUTHENTICATED")
		for _, c := range []*e2e.Client{member, alice, bob} {
			requireCode(t, c.Do(acResetOp, map[string]any{"u": memberID}), "FORBIDDEN")
		}
		requireCode(t, rival.Do(acResetOp, map[string]any{"u": memberID}), "NOT_FOUND")
		requireCode(t, admin.Do(acResetOp, map[string]any{"u": ownerID}), "FORBIDDEN")
		requireCode(t, admin.Do(acResetOp, map[string]any{"u": adminID}), "FORBIDDEN")
		require.Empty(t, member.Do(acMeOp, nil).Errors, "refusals end no session")
		require.Zero(t, acMailCount(sys, "member@demo.test"))

		var ok struct{ SendPasswordReset bool }
		admin.Do(acResetOp, map[string]any{"u": memberID}).Decode(t, &ok)
		require.True(t, ok.SendPasswordReset)
		requireCode(t, member.Do(acMeOp, nil), "UNAUTHENTICATED")
		_, r := acLogin(sys, "member@demo.test", demo.Password)
		requireCode(t, r, "UNAUTHENTICATED")
		link := acLink(t, sys, "member@demo.test", "Reset your AccessHive password", "/set-password", 1)
		var done struct{ CompletePasswordSetup bool }
		anon.Do(acCompleteOp, map[string]any{"t": link, "p": pw}).Decode(t, &done)
		_, r = acLogin(sys, "member@demo.test", pw)
		require.Empty(t, r.Errors)
		require.Equal(t, 1, acAuditCount(t, sys, "user.password_reset_sent", memberID))
		require.Equal(t, 1, acAuditCount(t, sys, "user.password_set", memberID))
	})
}

// TestEmailChangeRevealsNothing replays issue 8's attack: as Acme's client user, asking for an
// address that Rival Agency's owner uses answers exactly as a free address does, signs nobody
// in under it, and taking an address blocks no agency from creating that user. A change takes
// effect only once the link sent to the new address is followed.
func TestEmailChangeRevealsNothing(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	alice := sys.Login("alice@acme.test")
	bob := sys.Login("bob@globex.test")
	rival := sys.Login("owner@rival.test")
	anon := sys.NewClient(0)
	aliceID := sys.Seed.UsersByEmail["alice@acme.test"].ID.String()

	type profile struct {
		UpdateProfile struct {
			ID, Email, Name string
			PendingEmail    *string
		}
	}
	ask := func(c *e2e.Client, email string) (profile, e2e.Response) {
		r := c.Do(acProfileOp, map[string]any{"in": map[string]any{"email": email}})
		var p profile
		if len(r.Errors) == 0 {
			r.Decode(t, &p)
		}
		return p, r
	}

	t.Run("taken and free answer alike", func(t *testing.T) {
		taken, r1 := ask(alice, "owner@rival.test")
		free, r2 := ask(alice, "unused@rival.test")
		require.Empty(t, r1.Errors)
		require.Empty(t, r2.Errors)
		require.Equal(t, r1.Status, r2.Status)
		require.Equal(t, "alice@acme.test", taken.UpdateProfile.Email, "nothing changes before confirmation")
		require.Equal(t, "alice@acme.test", free.UpdateProfile.Email)
		require.Equal(t, "owner@rival.test", *taken.UpdateProfile.PendingEmail)
		require.Equal(t, "unused@rival.test", *free.UpdateProfile.PendingEmail)
		// Neither address signs alice in; Rival's owner still signs in.
		for _, addr := range []string{"owner@rival.test", "unused@rival.test"} {
			_, r := acLogin(sys, addr, demo.Password)
			if addr == "owner@rival.test" {
				require.Empty(t, r.Errors)
				var who struct{ Login struct{ ID string } }
				r.Decode(t, &who)
				require.NotEqual(t, aliceID, who.Login.ID)
			} else {
				requireCode(t, r, "UNAUTHENTICATED")
			}
		}
		// Nobody else sees alice's pending address.
		var me struct {
			Me struct{ PendingEmail *string }
		}
		bob.Do(acMeOp, nil).Decode(t, &me)
		require.Nil(t, me.Me.PendingEmail)
	})

	t.Run("an unconfirmed address blocks no agency", func(t *testing.T) {
		_, r := ask(alice, "newhire@rival.test")
		require.Empty(t, r.Errors)
		var cu struct{ CreateUser struct{ ID, Email string } }
		rival.Do(`mutation{ createUser(input:{email:"newhire@rival.test", name:"New Hire", password:"rival-hire-pass-1", role:MEMBER}){ id email } }`, nil).Decode(t, &cu)
		require.Equal(t, "newhire@rival.test", cu.CreateUser.Email)
		_, r = acLogin(sys, "newhire@rival.test", "rival-hire-pass-1")
		require.Empty(t, r.Errors, "Rival's new user signs in")
		// alice's link, followed by whoever reads that mailbox, changes nothing.
		link := acLink(t, sys, "newhire@rival.test", "Confirm your new AccessHive email address", "/confirm-email", 1)
		requireInvalid(t, anon.Do(acConfirmOp, map[string]any{"t": link}), "token")
		var me struct{ Me struct{ Email string } }
		alice.Do(acMeOp, nil).Decode(t, &me)
		require.Equal(t, "alice@acme.test", me.Me.Email)
		_, r = acLogin(sys, "newhire@rival.test", demo.Password)
		requireCode(t, r, "UNAUTHENTICATED")
		// Profile changes are limited: a fourth address within the hour is refused.
		_, r = ask(alice, "fourth@acme.test")
		requireCode(t, r, "RATE_LIMITED")
		require.Zero(t, acMailCount(sys, "fourth@acme.test"))
	})

	t.Run("a confirmed change moves the login", func(t *testing.T) {
		p, r := ask(bob, "Robert@Globex.TEST")
		require.Empty(t, r.Errors)
		require.Equal(t, "robert@globex.test", *p.UpdateProfile.PendingEmail)
		arMail(t, sys, "bob@globex.test", "is about to change")
		link := acLink(t, sys, "robert@globex.test", "Confirm your new AccessHive email address", "/confirm-email", 1)
		requireInvalid(t, anon.Do(acConfirmOp, map[string]any{"t": "bogus"}), "token")
		var ok struct{ ConfirmEmailChange bool }
		anon.Do(acConfirmOp, map[string]any{"t": link}).Decode(t, &ok)
		require.True(t, ok.ConfirmEmailChange)
		requireInvalid(t, anon.Do(acConfirmOp, map[string]any{"t": link}), "token")
		_, r = acLogin(sys, "robert@globex.test", demo.Password)
		require.Empty(t, r.Errors)
		_, r = acLogin(sys, "bob@globex.test", demo.Password)
		requireCode(t, r, "UNAUTHENTICATED")
		bobID := sys.Seed.UsersByEmail["bob@globex.test"].ID.String()
		require.Equal(t, 1, acAuditCount(t, sys, "user.email_changed", bobID))
		require.Equal(t, 1, acAuditCount(t, sys, "user.email_change_requested", bobID))
	})
}

// TestAgencyIdentityOnePerPlatform: a second live agency identity for a platform, or a second
// agency-wide one, is a CONFLICT naming the holder; Rival's identities and client-dedicated
// ones are not affected, and a deleted one frees the platform.
func TestAgencyIdentityOnePerPlatform(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	admin := sys.Login("admin@demo.test")
	rival := sys.Login("owner@rival.test")
	const op = `mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ id provisioningState } }`
	create := func(c *e2e.Client, in map[string]any) e2e.Response { return c.Do(op, map[string]any{"in": in}) }
	meta := map[string]any{"platform": "META_ADS", "type": "API_TOKEN", "token": "agency-token-1", "displayName": "Agency Meta"}
	wide := map[string]any{"type": "EXTERNAL_LOGIN", "username": "ops@demo.example", "password": "agency-wide-1", "displayName": "Agency wide"}

	var first, firstWide struct {
		CreateIdentity struct{ ID, ProvisioningState string }
	}
	create(admin, meta).Decode(t, &first)
	create(admin, wide).Decode(t, &firstWide)
	r := create(admin, map[string]any{"platform": "META_ADS", "type": "EXTERNAL_LOGIN", "username": "u", "password": "p", "displayName": "Second Meta"})
	requireCode(t, r, "CONFLICT")
	require.Equal(t, first.CreateIdentity.ID, r.Errors[0].Extensions["object"])
	r = create(admin, wide)
	requireCode(t, r, "CONFLICT")
	require.Equal(t, firstWide.CreateIdentity.ID, r.Errors[0].Extensions["object"])
	require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM identities WHERE agency_id = ? AND client_id IS NULL AND platform_key = 'META_ADS'`, sys.Seed.Demo.ID))

	// Rival's own agency identity for the same platform is its business alone.
	var rv struct{ CreateIdentity struct{ ID string } }
	create(rival, meta).Decode(t, &rv)
	r = create(rival, meta)
	requireCode(t, r, "CONFLICT")
	require.Equal(t, rv.CreateIdentity.ID, r.Errors[0].Extensions["object"], "Rival is told of its own holder, never Demo's")
	// A client-dedicated identity for the platform is another rule.
	require.Empty(t, create(admin, map[string]any{"clientId": sys.Seed.Acme.ID.String(), "platform": "META_ADS", "type": "API_TOKEN", "token": "client-token"}).Errors)

	// Deleted, the platform is free again.
	require.Empty(t, admin.Do(`mutation($id:ID!){ deleteIdentity(id:$id){ id } }`, map[string]any{"id": first.CreateIdentity.ID}).Errors)
	e2e.Eventually(t, arTimeout, func() bool {
		return countRows(t, sys, `SELECT count(*) FROM identities WHERE id = ? AND provisioning_state = 'DELETED'`, first.CreateIdentity.ID) == 1
	}, "the agency identity is deleted")
	require.Empty(t, create(admin, meta).Errors)
}

// TestExpiryWindowMovesPending: a new window moves every PENDING request's expiry to its
// creation time plus the window; one thereby past due expires on the next run, with the usual
// notification; decided requests and other agencies' requests do not move.
func TestExpiryWindowMovesPending(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	owner := sys.Login("owner@demo.test")
	admin := sys.Login("admin@demo.test")
	alice := sys.Login("alice@acme.test")
	bob := sys.Login("bob@globex.test")
	rival := sys.Login("owner@rival.test")
	ctx := context.Background()

	old := arSubmit(t, alice, "GA4", "API_TOKEN", "Reporting, long pending.")
	recent := arSubmit(t, bob, "GA4", "API_TOKEN", "Reporting, recent.")
	decided := arSubmit(t, alice, "GOOGLE_ADS", "API_TOKEN", "Will be rejected.")
	require.Empty(t, arReject(admin, decided.ID, nil).Errors)
	decidedBefore := arGet(t, admin, decided.ID).ExpiresAt
	// The old one was filed three hours ago.
	_, err := sys.DB.ExecContext(ctx, `UPDATE access_requests SET created_at = created_at - interval '3 hours', expires_at = expires_at - interval '3 hours' WHERE id = ?`, old.ID)
	require.NoError(t, err)

	// Rival's owner changing Rival's window moves nothing of Demo's; nobody but the owner may.
	require.Empty(t, rival.Do(arSettingsOp, map[string]any{"in": map[string]any{"accessRequestExpiryHours": 1}}).Errors)
	require.True(t, recent.ExpiresAt.Equal(arGet(t, admin, recent.ID).ExpiresAt))
	for _, c := range []*e2e.Client{admin, alice, bob} {
		requireCode(t, c.Do(arSettingsOp, map[string]any{"in": map[string]any{"accessRequestExpiryHours": 2}}), "FORBIDDEN")
	}

	require.Empty(t, owner.Do(arSettingsOp, map[string]any{"in": map[string]any{"accessRequestExpiryHours": 2}}).Errors)
	gotRecent := arGet(t, admin, recent.ID)
	require.Equal(t, 2*time.Hour, gotRecent.ExpiresAt.Sub(gotRecent.CreatedAt), "a pending request takes the new window")
	gotOld := arGet(t, admin, old.ID)
	require.Equal(t, 2*time.Hour, gotOld.ExpiresAt.Sub(gotOld.CreatedAt))
	require.True(t, gotOld.ExpiresAt.Before(time.Now()), "now past due")
	require.True(t, decidedBefore.Equal(arGet(t, admin, decided.ID).ExpiresAt), "a decided request keeps its expiry")

	// The next run expires it, with the usual notification.
	// (The worker's own schedule may have enqueued the run already.)
	_, err = sys.Apps[0].Requests.EnqueueExpiryJobs(ctx)
	require.NoError(t, err)
	e2e.Eventually(t, arTimeout, func() bool { return arGet(t, admin, old.ID).Status == "EXPIRED" }, "the past-due request expires")
	require.Equal(t, "PENDING", arGet(t, admin, recent.ID).Status)
	arMail(t, sys, "alice@acme.test", "Your access request for Google Analytics 4 expired")
	notes, _, _ := arNotes(t, alice, false)
	_, ok := arFindNote(notes, "ACCESS_REQUEST_EXPIRED", old.ID)
	require.True(t, ok)
}

// TestClientRenameAndOffboard renames a client and offboards another's worth of access in one
// step, with every refusal; other clients and the agency's own identities stay untouched.
func TestClientRenameAndOffboard(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	admin := sys.Login("admin@demo.test")
	member := sys.Login("member@demo.test")
	alice := sys.Login("alice@acme.test")
	bob := sys.Login("bob@globex.test")
	rival := sys.Login("owner@rival.test")
	acme, globex := sys.Seed.Acme.ID.String(), sys.Seed.Globex.ID.String()
	const renameOp = `mutation($id:ID!, $n:String!){ renameClient(id:$id, name:$n){ id name archivedAt } }`
	const offboardOp = `mutation($id:ID!, $r:String){ offboardClient(id:$id, reason:$r){ id name archivedAt } }`
	const listOp = `query($a:Boolean){ clients(includeArchived:$a){ totalCount nodes { id name archivedAt } } }`

	t.Run("rename", func(t *testing.T) {
		requireCode(t, sys.NewClient(0).Do(renameOp, map[string]any{"id": acme, "n": "Acme Corp"}), "UNAUTHENTICATED")
		for _, c := range []*e2e.Client{member, alice, bob} {
			requireCode(t, c.Do(renameOp, map[string]any{"id": acme, "n": "Acme Corp"}), "FORBIDDEN")
		}
		requireCode(t, rival.Do(renameOp, map[string]any{"id": acme, "n": "Acme Corp"}), "NOT_FOUND")
		r := admin.Do(renameOp, map[string]any{"id": acme, "n": "GLOBEX"})
		requireCode(t, r, "CONFLICT")
		require.Equal(t, globex, r.Errors[0].Extensions["object"])
		requireInvalid(t, admin.Do(renameOp, map[string]any{"id": acme, "n": "  "}), "name")
		var out struct{ RenameClient struct{ ID, Name string } }
		admin.Do(renameOp, map[string]any{"id": acme, "n": "Acme Corp"}).Decode(t, &out)
		require.Equal(t, "Acme Corp", out.RenameClient.Name)
		var c struct{ Client struct{ Name string } }
		alice.Do(`query($id:ID!){ client(id:$id){ name } }`, map[string]any{"id": acme}).Decode(t, &c)
		require.Equal(t, "Acme Corp", c.Client.Name)
		require.Equal(t, 1, acAuditCount(t, sys, "client.renamed", acme))
	})

	// What Acme, Globex and the agency hold before the offboarding.
	const identOp = `mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ id } }`
	mk := func(in map[string]any) string {
		var out struct{ CreateIdentity struct{ ID string } }
		admin.Do(identOp, map[string]any{"in": in}).Decode(t, &out)
		return out.CreateIdentity.ID
	}
	acmeIdent := mk(map[string]any{"clientId": acme, "platform": "META_ADS", "type": "API_TOKEN", "token": "acme-meta"})
	globexIdent := mk(map[string]any{"clientId": globex, "platform": "META_ADS", "type": "API_TOKEN", "token": "globex-meta"})
	agencyIdent := mk(map[string]any{"platform": "GA4", "type": "API_TOKEN", "token": "agency-ga4", "displayName": "Agency GA4"})
	pending := arSubmit(t, alice, "GA4", "API_TOKEN", "Reporting.")
	approved := arSubmit(t, alice, "GOOGLE_ADS", "API_TOKEN", "Ads API.")
	require.Empty(t, arApprove(admin, approved.ID, nil, nil).Errors)
	bobReq := arSubmit(t, bob, "GA4", "API_TOKEN", "Globex reporting.")

	t.Run("offboard refusals change nothing", func(t *testing.T) {
		requireCode(t, sys.NewClient(0).Do(offboardOp, map[string]any{"id": acme}), "UNAUTHENTICATED")
		for _, c := range []*e2e.Client{member, alice, bob} {
			requireCode(t, c.Do(offboardOp, map[string]any{"id": acme}), "FORBIDDEN")
		}
		requireCode(t, rival.Do(offboardOp, map[string]any{"id": acme}), "NOT_FOUND")
		requireInvalid(t, admin.Do(offboardOp, map[string]any{"id": acme, "r": strings.Repeat("x", 1001)}), "reason")
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM clients WHERE archived_at IS NOT NULL`))
		require.Empty(t, alice.Do(acMeOp, nil).Errors)
		require.Equal(t, "PENDING", arGet(t, admin, pending.ID).Status)
	})

	t.Run("offboard", func(t *testing.T) {
		var out struct {
			OffboardClient struct {
				ID, Name   string
				ArchivedAt *time.Time
			}
		}
		admin.Do(offboardOp, map[string]any{"id": acme, "r": "Contract ended."}).Decode(t, &out)
		require.NotNil(t, out.OffboardClient.ArchivedAt)

		// Its users are out at once.
		requireCode(t, alice.Do(acMeOp, nil), "UNAUTHENTICATED")
		_, r := acLogin(sys, "alice@acme.test", demo.Password)
		requireCode(t, r, "UNAUTHENTICATED")
		// Its open requests are closed with a reason the requester sees.
		for _, id := range []string{pending.ID, approved.ID} {
			got := arGet(t, admin, id)
			require.Equal(t, "REJECTED", got.Status)
			require.Contains(t, *got.Reason, "Contract ended.")
		}
		// Its dedicated identities are deprovisioned through the usual jobs.
		e2e.Eventually(t, arTimeout, func() bool {
			return countRows(t, sys, `SELECT count(*) FROM identities WHERE client_id = ? AND provisioning_state <> 'DELETED'`, acme) == 0
		}, "Acme's identities are deleted")
		e2e.Eventually(t, arTimeout, func() bool {
			return countRows(t, sys, `SELECT count(*) FROM jobs WHERE type = 'DEPROVISION_IDENTITY' AND input->>'identityId' = ? AND status = 'SUCCEEDED'`, acmeIdent) == 1
		}, "Acme's identity went through a DEPROVISION_IDENTITY job")
		// Nothing else moves.
		for _, id := range []string{globexIdent, agencyIdent} {
			require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM identities WHERE id = ? AND provisioning_state = 'PROVISIONED'`, id))
		}
		require.Equal(t, "PENDING", arGet(t, admin, bobReq.ID).Status)
		require.Empty(t, bob.Do(acMeOp, nil).Errors)
		require.Equal(t, 1, acAuditCount(t, sys, "client.offboarded", acme))

		// Lists leave it out unless asked; its history stays readable.
		var list struct {
			Clients struct {
				TotalCount int
				Nodes      []struct{ ID string }
			}
		}
		admin.Do(listOp, nil).Decode(t, &list)
		require.Equal(t, 1, list.Clients.TotalCount)
		require.Equal(t, globex, list.Clients.Nodes[0].ID)
		admin.Do(listOp, map[string]any{"a": true}).Decode(t, &list)
		require.Equal(t, 2, list.Clients.TotalCount)
		rival.Do(listOp, map[string]any{"a": true}).Decode(t, &list)
		require.Zero(t, list.Clients.TotalCount)
		var one struct {
			Client struct{ ArchivedAt *time.Time }
		}
		admin.Do(`query($id:ID!){ client(id:$id){ archivedAt } }`, map[string]any{"id": acme}).Decode(t, &one)
		require.NotNil(t, one.Client.ArchivedAt)

		// An offboarded client takes nothing new.
		requireCode(t, admin.Do(offboardOp, map[string]any{"id": acme}), "CONFLICT")
		requireInvalid(t, admin.Do(identOp, map[string]any{"in": map[string]any{"clientId": acme, "platform": "GA4", "type": "API_TOKEN", "token": "t"}}), "clientId")
		requireInvalid(t, admin.Do(acInviteOp, map[string]any{"in": map[string]any{"email": "late@acme.test", "name": "Late", "role": "CLIENT_USER", "clientId": acme}}), "clientId")
	})
}

// TestRoleTemplateEditDelete: owners and admins edit and delete role templates; requests made
// from one keep what they were submitted with; nobody else, and no other agency, may.
func TestRoleTemplateEditDelete(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	admin := sys.Login("admin@demo.test")
	member := sys.Login("member@demo.test")
	alice := sys.Login("alice@acme.test")
	bob := sys.Login("bob@globex.test")
	rival := sys.Login("owner@rival.test")
	const updateOp = `mutation($id:ID!, $in: UpdateRoleTemplateInput!){ updateRoleTemplate(id:$id, input:$in){ id name platform { key } identityType defaultJustification } }`
	const deleteOp = `mutation($id:ID!){ deleteRoleTemplate(id:$id) }`
	type tmpl struct {
		ID, Name, IdentityType, DefaultJustification string
		Platform                                     struct{ Key string }
	}
	mk := func(name, platform string) tmpl {
		var out struct{ CreateRoleTemplate tmpl }
		admin.Do(arTemplateOp, map[string]any{"in": map[string]any{"name": name, "platform": platform, "identityType": "API_TOKEN", "defaultJustification": "Reporting."}}).Decode(t, &out)
		return out.CreateRoleTemplate
	}
	ga4 := mk("Analyst", "GA4")
	other := mk("Advertiser", "GOOGLE_ADS")
	req := arOne(t, arSubmitIn(alice, map[string]any{"roleTemplateId": ga4.ID}))

	edit := map[string]any{"name": "Meta analyst", "platform": "META_ADS", "identityType": "EXTERNAL_LOGIN", "defaultJustification": "Ads."}
	requireCode(t, sys.NewClient(0).Do(updateOp, map[string]any{"id": ga4.ID, "in": edit}), "UNAUTHENTICATED")
	for _, c := range []*e2e.Client{member, alice, bob} {
		requireCode(t, c.Do(updateOp, map[string]any{"id": ga4.ID, "in": edit}), "FORBIDDEN")
		requireCode(t, c.Do(deleteOp, map[string]any{"id": ga4.ID}), "FORBIDDEN")
	}
	requireCode(t, rival.Do(updateOp, map[string]any{"id": ga4.ID, "in": edit}), "NOT_FOUND")
	requireCode(t, rival.Do(deleteOp, map[string]any{"id": ga4.ID}), "NOT_FOUND")
	r := admin.Do(updateOp, map[string]any{"id": ga4.ID, "in": map[string]any{"name": "ADVERTISER"}})
	requireCode(t, r, "CONFLICT")
	require.Equal(t, other.ID, r.Errors[0].Extensions["object"])
	requireInvalid(t, admin.Do(updateOp, map[string]any{"id": ga4.ID, "in": map[string]any{"name": ""}}), "name")

	var out struct{ UpdateRoleTemplate tmpl }
	admin.Do(updateOp, map[string]any{"id": ga4.ID, "in": edit}).Decode(t, &out)
	require.Equal(t, "Meta analyst", out.UpdateRoleTemplate.Name)
	require.Equal(t, "META_ADS", out.UpdateRoleTemplate.Platform.Key)
	require.Equal(t, "EXTERNAL_LOGIN", out.UpdateRoleTemplate.IdentityType)
	// The request made from it keeps what it was submitted with.
	got := arGet(t, admin, req.ID)
	require.Equal(t, "GA4", got.Platform.Key)
	require.Equal(t, "API_TOKEN", got.IdentityType)
	require.Equal(t, "Reporting.", got.Justification)

	var del struct{ DeleteRoleTemplate bool }
	admin.Do(deleteOp, map[string]any{"id": ga4.ID}).Decode(t, &del)
	require.True(t, del.DeleteRoleTemplate)
	requireCode(t, admin.Do(deleteOp, map[string]any{"id": ga4.ID}), "NOT_FOUND")
	var list struct{ RoleTemplates []struct{ ID string } }
	alice.Do(`{ roleTemplates { id } }`, nil).Decode(t, &list)
	require.Len(t, list.RoleTemplates, 1)
	require.Equal(t, other.ID, list.RoleTemplates[0].ID)
	requireInvalid(t, arSubmitIn(bob, map[string]any{"roleTemplateId": ga4.ID}), "roleTemplateId")
	got = arGet(t, admin, req.ID)
	require.Equal(t, ga4.ID, *got.RoleTemplateID, "the request still names its template")
	require.Equal(t, "GA4", got.Platform.Key)
	// Its name is free again.
	mk("Meta analyst", "META_ADS")
	require.Equal(t, 1, acAuditCount(t, sys, "role_template.updated", ga4.ID))
	require.Equal(t, 1, acAuditCount(t, sys, "role_template.deleted", ga4.ID))
}
