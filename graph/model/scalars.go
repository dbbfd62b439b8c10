package model

import (
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/accesshive/accesshive/internal/fault"
)

// MarshalTime writes a Time as gqlgen's built-in scalar does (RFC 3339 with nanoseconds).
func MarshalTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t) }

// UnmarshalTime reads a Time as gqlgen's built-in scalar does, but refuses a malformed one as
// BAD_USER_INPUT: gqlgen's plain error would reach the error presenter as an unknown error and
// be shown as INTERNAL (found by FuzzGraphQL with since: "2026-13-45T99:00:00Z").
func UnmarshalTime(v any) (time.Time, error) {
	t, err := graphql.UnmarshalTime(v)
	if err != nil {
		// The error presenter names the field from the error's path.
		return time.Time{}, &fault.Error{Code: fault.CodeBadUserInput, Message: "must be an RFC 3339 timestamp such as 2026-01-02T15:04:05Z"}
	}
	return t, nil
}

// MarshalInt writes an Int as gqlgen's built-in scalar does.
func MarshalInt(i int) graphql.Marshaler { return graphql.MarshalInt(i) }

// UnmarshalInt reads an Int as gqlgen's built-in scalar does, but refuses a value that is not
// an integer (a string, a fraction, one out of range) as BAD_USER_INPUT instead of INTERNAL.
func UnmarshalInt(v any) (int, error) {
	i, err := graphql.UnmarshalInt(v)
	if err != nil {
		return 0, &fault.Error{Code: fault.CodeBadUserInput, Message: "must be an integer"}
	}
	return i, nil
}
