package fault_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/fault"
)

func TestIsDependencyDown(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"deadline", fmt.Errorf("auth: find session: %w", context.DeadlineExceeded), true},
		{"net timeout", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("i/o timeout")}, true},
		{"unexpected EOF", fmt.Errorf("x: %w", io.ErrUnexpectedEOF), true},
		{"redis pool timeout", redis.ErrPoolTimeout, true},
		{"statement timeout", &pgconn.PgError{Code: "57014"}, true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"pgx connect", errors.New("failed to connect to `user=postgres database=accesshive`: dial error"), true},
		{"domain error", fault.NotFound("identity"), false},
		{"cancelled by the client", context.Canceled, false},
		{"plain", errors.New("boom"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, fault.IsDependencyDown(tc.err))
		})
	}
}

func TestUnavailableKeepsItsCauseButShowsOnlyItsMessage(t *testing.T) {
	cause := errors.New("dial tcp 10.0.0.7:6379: i/o timeout")
	err := fault.Unavailable("try again", cause)
	fe, ok := fault.As(err)
	require.True(t, ok)
	require.Equal(t, fault.CodeUnavailable, fe.Code)
	require.Equal(t, "try again", fe.Message)
	require.ErrorIs(t, err, cause, "the cause stays in the chain for the logs")
	require.ErrorIs(t, err, fault.ErrUnavailable)
}
