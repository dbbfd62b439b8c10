package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/tenant"
)

func TestSessionTimeoutsAndRevocation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	login := func() string {
		t.Helper()
		token, u, err := b.sessions.Login(ctx, "admin@demo.test", demo.Password, "192.0.2.1", "test")
		require.NoError(t, err)
		require.Equal(t, "admin@demo.test", u.Email)
		return token
	}
	age := func(token, column string, by time.Duration) {
		t.Helper()
		a, err := b.sessions.Authenticate(ctx, token, "", "")
		require.NoError(t, err)
		_, err = b.db.NewUpdate().Table("sessions").Set("? = ?", bun.Ident(column), time.Now().Add(-by)).Where("id = ?", a.SessionID).Comment(tenant.AllAgencies("the test reaches into the table directly")).Exec(ctx)
		require.NoError(t, err)
	}
	cfg := b.sessions.Config()

	fresh := login()
	a, err := b.sessions.Authenticate(ctx, fresh, "192.0.2.1", "test")
	require.NoError(t, err)
	require.Equal(t, "admin@demo.test", a.Email)

	// Used recently enough: a session idle for less than the idle timeout lives on.
	almostIdle := login()
	age(almostIdle, "last_seen_at", cfg.IdleTimeout-time.Minute)
	_, err = b.sessions.Authenticate(ctx, almostIdle, "", "")
	require.NoError(t, err)

	idle := login()
	age(idle, "last_seen_at", cfg.IdleTimeout+time.Second)
	_, err = b.sessions.Authenticate(ctx, idle, "", "")
	require.ErrorIs(t, err, fault.ErrUnauthenticated, "idle timeout")

	// The absolute timeout ends a session however busy it is.
	old := login()
	a, err = b.sessions.Authenticate(ctx, old, "", "")
	require.NoError(t, err)
	_, err = b.db.NewUpdate().Table("sessions").Set("expires_at = ?", time.Now().Add(-time.Second)).Where("id = ?", a.SessionID).Comment(tenant.AllAgencies("the test reaches into the table directly")).Exec(ctx)
	require.NoError(t, err)
	_, err = b.sessions.Authenticate(ctx, old, "", "")
	require.ErrorIs(t, err, fault.ErrUnauthenticated, "absolute timeout")

	// Logout revokes only that session.
	a, err = b.sessions.Authenticate(ctx, fresh, "", "")
	require.NoError(t, err)
	require.NoError(t, b.sessions.Logout(ctx, a))
	_, err = b.sessions.Authenticate(ctx, fresh, "", "")
	require.ErrorIs(t, err, fault.ErrUnauthenticated)
	_, err = b.sessions.Authenticate(ctx, almostIdle, "", "")
	require.NoError(t, err)

	// The table holds only the token's hash, never the token.
	var hashes [][]byte
	require.NoError(t, b.db.NewSelect().Table("sessions").Column("token_hash").Comment(tenant.AllAgencies("the test reaches into the table directly")).Scan(ctx, &hashes))
	for _, h := range hashes {
		require.Len(t, h, 32)
		require.NotContains(t, string(h), almostIdle)
	}

	// Garbage and overlong tokens are refused without a lookup error.
	for _, tok := range []string{"", "nope", string(make([]byte, 500))} {
		_, err := b.sessions.Authenticate(ctx, tok, "", "")
		require.ErrorIs(t, err, fault.ErrUnauthenticated)
	}
}

func TestLoginAnswersAlike(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	_, _, errUnknown := b.sessions.Login(ctx, "nobody@demo.test", demo.Password, "192.0.2.2", "")
	_, _, errWrong := b.sessions.Login(ctx, "admin@demo.test", "wrong-password-123", "192.0.2.2", "")
	require.ErrorIs(t, errUnknown, fault.ErrUnauthenticated)
	require.Equal(t, errUnknown.Error(), errWrong.Error(), "an unknown email and a wrong password get the same answer")
	// Emails are matched without regard to case or surrounding space.
	_, u, err := b.sessions.Login(ctx, "  ADMIN@Demo.Test ", demo.Password, "192.0.2.2", "")
	require.NoError(t, err)
	require.Equal(t, "admin@demo.test", u.Email)
}
