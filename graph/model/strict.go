package model

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

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
	// PostgreSQL's text cannot hold a NUL byte: refused here, for every String argument, rather
	// than failing in the database as an internal error.
	if strings.IndexByte(s, 0) >= 0 {
		return "", &fault.Error{Code: fault.CodeBadUserInput, Message: "must not contain a NUL character"}
	}
	return s, nil
}

// Earliest and latest times a Time argument may carry: RFC 3339 has four-digit years and
// PostgreSQL no year 0.
var (
	minTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

// MarshalStrictTime writes a Time as RFC 3339.
func MarshalStrictTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t) }

// UnmarshalStrictTime reads an RFC 3339 Time between the years 1 and 9999; anything else (a
// year 0, say, which the database would refuse as an internal error) is BAD_USER_INPUT.
func UnmarshalStrictTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, &fault.Error{Code: fault.CodeBadUserInput, Message: fmt.Sprintf("must be an RFC 3339 time string, not %s", jsonKind(v))}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, &fault.Error{Code: fault.CodeBadUserInput, Message: "must be an RFC 3339 time like 2026-01-02T15:04:05Z"}
	}
	if t.Before(minTime) || t.After(maxTime) {
		return time.Time{}, &fault.Error{Code: fault.CodeBadUserInput, Message: "must be a time between the years 1 and 9999"}
	}
	return t, nil
}
