package auth_test

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/testenv"
)

type bundle struct {
	db                                      *bun.DB
	sessions                                *auth.Service
	owner, admin, member, alice, bob, rival *auth.Actor
}

func setup(t *testing.T) bundle {
	t.Helper()
	bdb := testenv.DB(t)
	seed, err := demo.Seed(context.Background(), bdb)
	require.NoError(t, err)
	u := seed.UsersByEmail
	limiter := auth.NewLimiter(testenv.Redis(t), testenv.Prefix(t))
	return bundle{
		db: bdb, sessions: auth.NewService(bdb, limiter, auth.Config{}, slog.New(slog.DiscardHandler)),
		owner: testenv.ActorOf(u["owner@demo.test"]), admin: testenv.ActorOf(u["admin@demo.test"]), member: testenv.ActorOf(u["member@demo.test"]),
		alice: testenv.ActorOf(u["alice@acme.test"]), bob: testenv.ActorOf(u["bob@globex.test"]), rival: testenv.ActorOf(u["owner@rival.test"]),
	}
}

func requireField(t *testing.T, err error, field string) {
	t.Helper()
	require.ErrorIs(t, err, fault.ErrBadUserInput)
	fe, ok := fault.As(err)
	require.True(t, ok)
	require.Equal(t, field, fe.Field)
}

func auditKinds(t *testing.T, b bundle, target uuid.UUID) []string {
	t.Helper()
	var kinds []string
	require.NoError(t, b.db.NewSelect().Table("audit_events").Column("kind").Where("target_id = ?", target).OrderExpr("created_at").Comment(tenant.AllAgencies("the test reaches into the table directly")).Scan(context.Background(), &kinds))
	return kinds
}

// mailbox collects the account mails a Service sends.
type mailbox struct {
	mu   sync.Mutex
	msgs []mailMsg
}

type mailMsg struct{ to, subject, body string }

func (m *mailbox) send(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, mailMsg{to, subject, body})
	return nil
}

func (m *mailbox) to(addr string) []mailMsg {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []mailMsg
	for _, x := range m.msgs {
		if x.to == addr {
			out = append(out, x)
		}
	}
	return out
}

var linkToken = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

func TestUpdateProfile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	box := &mailbox{}
	b.sessions.WithMail(box.send, "https://console.example")

	// A new name applies at once; a new address only once confirmed.
	u, err := b.sessions.UpdateProfile(ctx, b.alice, auth.ProfileInput{Name: new("  Alice A. "), Email: new(" Alice.New@Acme.TEST ")})
	require.NoError(t, err)
	require.Equal(t, "Alice A.", u.Name)
	require.Equal(t, "alice@acme.test", u.Email)
	require.Equal(t, auth.RoleClientUser, u.Role)
	require.ElementsMatch(t, []string{auth.KindEmailChangeRequested, auth.KindProfileUpdated}, auditKinds(t, b, b.alice.UserID))
	pending, err := auth.PendingEmail(ctx, b.db, b.alice)
	require.NoError(t, err)
	require.Equal(t, "alice.new@acme.test", pending)
	_, _, err = b.sessions.Login(ctx, "alice.new@acme.test", demo.Password, "192.0.2.9", "test")
	require.ErrorIs(t, err, fault.ErrUnauthenticated, "an unconfirmed address is no login")

	msgs := box.to("alice.new@acme.test")
	require.Len(t, msgs, 1)
	require.Contains(t, msgs[0].body, "https://console.example/confirm-email?token=")
	require.Len(t, box.to("alice@acme.test"), 1, "the old address hears of the change")
	token := linkToken.FindStringSubmatch(msgs[0].body)[1]
	require.NoError(t, b.sessions.ConfirmEmailChange(ctx, token, "192.0.2.9", "test"))
	requireField(t, b.sessions.ConfirmEmailChange(ctx, token, "192.0.2.9", "test"), "token")

	// The new address is the login; the old one no longer is.
	_, _, err = b.sessions.Login(ctx, "alice.new@acme.test", demo.Password, "192.0.2.9", "test")
	require.NoError(t, err)
	_, _, err = b.sessions.Login(ctx, "alice@acme.test", demo.Password, "192.0.2.9", "test")
	require.ErrorIs(t, err, fault.ErrUnauthenticated)

	// Addresses in use, here or in another agency, answer exactly as a free one does; the
	// link then refuses, to the mailbox's owner only.
	for _, addr := range []string{"bob@globex.test", "owner@rival.test", "free@acme.test"} {
		got, err := b.sessions.UpdateProfile(ctx, b.bob, auth.ProfileInput{Email: new(addr)})
		require.NoError(t, err, addr)
		require.Equal(t, "bob@globex.test", got.Email)
	}
	rivalMsgs := box.to("owner@rival.test")
	require.Len(t, rivalMsgs, 1)
	rivalToken := linkToken.FindStringSubmatch(rivalMsgs[0].body)[1]
	requireField(t, b.sessions.ConfirmEmailChange(ctx, rivalToken, "192.0.2.9", "test"), "token") // a newer link replaced it

	// Followed, a link to an address another agency's user signs in with changes nothing.
	_, err = b.sessions.UpdateProfile(ctx, b.member, auth.ProfileInput{Email: new("owner@rival.test")})
	require.NoError(t, err)
	rivalMsgs = box.to("owner@rival.test")
	require.Len(t, rivalMsgs, 2)
	err = b.sessions.ConfirmEmailChange(ctx, linkToken.FindStringSubmatch(rivalMsgs[1].body)[1], "192.0.2.9", "test")
	requireField(t, err, "token")
	got, err := auth.GetUser(ctx, b.db, b.member, b.member.UserID)
	require.NoError(t, err)
	require.Equal(t, "member@demo.test", got.Email)

	for _, tc := range []struct {
		name  string
		in    auth.ProfileInput
		field string
	}{
		{"empty name", auth.ProfileInput{Name: new("   ")}, "name"},
		{"long name", auth.ProfileInput{Name: new(strings.Repeat("n", 201))}, "name"},
		{"empty email", auth.ProfileInput{Email: new("")}, "email"},
		{"bad email", auth.ProfileInput{Email: new("not an email")}, "email"},
		{"display-name email", auth.ProfileInput{Email: new("Bob <x@acme.test>")}, "email"},
	} {
		_, err := b.sessions.UpdateProfile(ctx, b.member, tc.in)
		requireField(t, err, tc.field)
	}
}

func TestDeactivateUserEndsSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	var tokens []string
	for range 2 {
		token, _, err := b.sessions.Login(ctx, "member@demo.test", demo.Password, "192.0.2.9", "test")
		require.NoError(t, err)
		_, err = b.sessions.Authenticate(ctx, token, "192.0.2.9", "test")
		require.NoError(t, err)
		tokens = append(tokens, token)
	}

	u, err := auth.DeactivateUser(ctx, b.db, b.admin, b.member.UserID)
	require.NoError(t, err)
	require.NotNil(t, u.DeactivatedAt)
	require.Equal(t, b.member.UserID, u.ID)

	for _, token := range tokens {
		_, err := b.sessions.Authenticate(ctx, token, "192.0.2.9", "test")
		require.ErrorIs(t, err, fault.ErrUnauthenticated)
	}
	// Every session is revoked, not only hidden by the user's flag.
	open, err := tenant.Agency(b.member.AgencyID).SelectTable(b.db, "sessions", "").Where("user_id = ? AND revoked_at IS NULL", b.member.UserID).Count(ctx)
	require.NoError(t, err)
	require.Zero(t, open)
	_, _, err = b.sessions.Login(ctx, "member@demo.test", demo.Password, "192.0.2.9", "test")
	require.ErrorIs(t, err, fault.ErrUnauthenticated)
	require.Equal(t, []string{auth.KindUserDeactivated}, auditKinds(t, b, b.member.UserID))

	// Other users' sessions are untouched.
	token, _, err := b.sessions.Login(ctx, "admin@demo.test", demo.Password, "192.0.2.9", "test")
	require.NoError(t, err)
	_, err = auth.DeactivateUser(ctx, b.db, b.owner, b.alice.UserID)
	require.NoError(t, err)
	_, err = b.sessions.Authenticate(ctx, token, "192.0.2.9", "test")
	require.NoError(t, err)

	// Deactivating again is a conflict.
	_, err = auth.DeactivateUser(ctx, b.db, b.owner, b.member.UserID)
	require.ErrorIs(t, err, fault.ErrConflict)
}

func TestDeactivateUserRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	for _, tc := range []struct {
		name   string
		actor  *auth.Actor
		target uuid.UUID
		want   error
	}{
		{"admin cannot deactivate the owner", b.admin, b.owner.UserID, fault.ErrForbidden},
		{"owner cannot deactivate themselves", b.owner, b.owner.UserID, fault.ErrForbidden},
		{"admin cannot deactivate themselves", b.admin, b.admin.UserID, fault.ErrForbidden},
		{"member cannot deactivate", b.member, b.alice.UserID, fault.ErrForbidden},
		{"client user cannot deactivate", b.alice, b.bob.UserID, fault.ErrForbidden},
		{"another agency's user is not found", b.rival, b.member.UserID, fault.ErrNotFound},
		{"unknown user", b.owner, uuid.New(), fault.ErrNotFound},
	} {
		_, err := auth.DeactivateUser(ctx, b.db, tc.actor, tc.target)
		require.ErrorIs(t, err, tc.want, tc.name)
	}
	// No agency's user was deactivated. (bun's Count drops a query's comment, which marks a
	// statement spanning agencies: the count is scanned as a column instead.)
	var n int
	err := b.db.NewSelect().Table("users").ColumnExpr("count(*)").Where("deactivated_at IS NOT NULL").
		Comment(tenant.AllAgencies("the test checks every agency")).Scan(ctx, &n)
	require.NoError(t, err)
	require.Zero(t, n)

	// An owner deactivates an admin; a second owner could be deactivated by an owner too.
	u, err := auth.DeactivateUser(ctx, b.db, b.owner, b.admin.UserID)
	require.NoError(t, err)
	require.NotNil(t, u.DeactivatedAt)
	second, err := auth.CreateUser(ctx, b.db, b.owner, auth.NewUser{Email: "owner2@demo.test", Name: "Second Owner", Password: demo.Password, Role: auth.RoleOwner})
	require.NoError(t, err)
	_, err = auth.DeactivateUser(ctx, b.db, b.owner, second.ID)
	require.NoError(t, err)
}

// TestLinksOfDeactivatedUsersDie: a deactivated user's invitation answers like an unknown link,
// and a newer link replaces an older one.
func TestLinksOfDeactivatedUsersDie(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	box := &mailbox{}
	b.sessions.WithMail(box.send, "https://console.example/")

	u, err := b.sessions.Invite(ctx, b.admin, auth.InviteInput{Email: "temp@demo.test", Name: "Temp", Role: auth.RoleMember})
	require.NoError(t, err)
	first := linkToken.FindStringSubmatch(box.to("temp@demo.test")[0].body)[1]
	require.Contains(t, box.to("temp@demo.test")[0].body, "https://console.example/set-password?token=")
	require.NoError(t, b.sessions.SendPasswordReset(ctx, b.admin, u.ID))
	msgs := box.to("temp@demo.test")
	require.Len(t, msgs, 2)
	require.Equal(t, "Your AccessHive invitation", msgs[1].subject, "a user without a password is invited again")
	second := linkToken.FindStringSubmatch(msgs[1].body)[1]
	unknown := b.sessions.CompletePasswordSetup(ctx, "nope", "long-enough-password", "192.0.2.1", "t")
	requireField(t, unknown, "token")
	require.Equal(t, unknown.Error(), b.sessions.CompletePasswordSetup(ctx, first, "long-enough-password", "192.0.2.1", "t").Error())

	_, err = auth.DeactivateUser(ctx, b.db, b.admin, u.ID)
	require.NoError(t, err)
	require.Equal(t, unknown.Error(), b.sessions.CompletePasswordSetup(ctx, second, "long-enough-password", "192.0.2.1", "t").Error())
	// Resetting a deactivated user is a conflict; another agency's user is not found.
	require.ErrorIs(t, b.sessions.SendPasswordReset(ctx, b.admin, u.ID), fault.ErrConflict)
	require.ErrorIs(t, b.sessions.SendPasswordReset(ctx, b.rival, u.ID), fault.ErrNotFound)
}
