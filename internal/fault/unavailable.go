package fault

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/redis/go-redis/v9"
)

// UnavailableMessage is what a caller is told when a dependency did not answer: no host,
// port, driver message or other detail of the infrastructure.
const UnavailableMessage = "a service AccessHive depends on is unavailable; try again in a few seconds"

// Unavailable is returned when a dependency did not answer; cause, kept in the chain for the
// logs, is never shown to the caller.
func Unavailable(msg string, cause error) error {
	fe := &Error{Code: CodeUnavailable, Message: msg}
	if cause == nil {
		return fe
	}
	return &unavailable{fe: fe, cause: cause}
}

// unavailable is an UNAVAILABLE domain error with its cause.
type unavailable struct {
	fe    *Error
	cause error
}

func (u *unavailable) Error() string   { return u.fe.Message + ": " + u.cause.Error() }
func (u *unavailable) Unwrap() []error { return []error{u.fe, u.cause} }

// IsDependencyDown reports whether err says that PostgreSQL or Redis did not answer — a
// deadline passed, a connection failed, broke or was refused, the pool had no connection to
// give, or PostgreSQL cancelled the statement or is shutting down — rather than that the
// request itself was wrong. Such errors become UNAVAILABLE at the API's boundary.
func IsDependencyDown(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, redis.ErrPoolTimeout) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var se interface{ SQLState() string }
	if errors.As(err, &se) {
		code := se.SQLState()
		// 08: connection exception; 57014: statement timeout (query_canceled);
		// 57P01-57P03: the server is shutting down or starting.
		return strings.HasPrefix(code, "08") || code == "57014" || strings.HasPrefix(code, "57P")
	}
	// pgx reports a broken or unopened connection with these texts and no typed error.
	msg := err.Error()
	return strings.Contains(msg, "failed to connect to") || strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "connection refused") || strings.Contains(msg, "broken pipe")
}
