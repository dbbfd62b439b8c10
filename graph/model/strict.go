package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/accesshive/accesshive/internal/fault"
)

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	default:
		return "a number"
	}
}

// MarshalStrictString writes a String.
func MarshalStrictString(s string) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(s)) })
}

// UnmarshalStrictString accepts only a JSON string for a String: gqlgen's built-in String also
// takes numbers and booleans from variables, which would turn a client's type mistake into
// stored data.
func UnmarshalStrictString(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		// The error presenter names the field from the error's path.
		return "", &fault.Error{Code: fault.CodeBadUserInput, Message: fmt.Sprintf("must be a string, not %s", jsonKind(v))}
	}
	return s, nil
}
