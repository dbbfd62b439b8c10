package model

import (
	"github.com/99designs/gqlgen/graphql"

	"github.com/accesshive/accesshive/internal/fault"
)

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
