// Package fault holds the domain errors every AccessHive package returns and the one boundary
// (graph's error presenter) maps to GraphQL extensions.code.
package fault

import (
	"errors"
	"fmt"
)

// Code is the machine-readable kind of a domain error, shown as extensions.code.
type Code string

// The codes of SPEC "GraphQL contract".
const (
	CodeUnauthenticated Code = "UNAUTHENTICATED"
	CodeForbidden       Code = "FORBIDDEN"
	CodeNotFound        Code = "NOT_FOUND"
	CodeBadUserInput    Code = "BAD_USER_INPUT"
	CodeConflict        Code = "CONFLICT"
	CodeRateLimited     Code = "RATE_LIMITED"
	CodeInternal        Code = "INTERNAL"
	// CodeUnavailable: a dependency (PostgreSQL, Redis) did not answer in time; the request
	// may be retried shortly. Nothing about the dependency is shown.
	CodeUnavailable Code = "UNAVAILABLE"
)

// Error is a domain error whose message is safe to show to the caller.
type Error struct {
	Code    Code
	Message string
	// Field names the input field at fault, for BAD_USER_INPUT.
	Field string
	// Object names the existing object a CONFLICT is about (e.g. its id), when there is one.
	Object string
	// RetryAfterSeconds is set for RATE_LIMITED.
	RetryAfterSeconds int
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Is makes errors.Is(err, fault.ErrNotFound) and the like match any error of the same code.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code && t.Message == "" && t.Field == ""
	}
	return false
}

// Sentinels to compare with errors.Is; they match every error of their code.
var (
	ErrUnauthenticated = &Error{Code: CodeUnauthenticated}
	ErrForbidden       = &Error{Code: CodeForbidden}
	ErrNotFound        = &Error{Code: CodeNotFound}
	ErrBadUserInput    = &Error{Code: CodeBadUserInput}
	ErrConflict        = &Error{Code: CodeConflict}
	ErrRateLimited     = &Error{Code: CodeRateLimited}
	ErrUnavailable     = &Error{Code: CodeUnavailable}
)

// Unauthenticated is returned when no valid session is present or a login fails.
func Unauthenticated(msg string) error { return &Error{Code: CodeUnauthenticated, Message: msg} }

// Forbidden is returned when the caller's role does not allow the action.
func Forbidden(msg string) error { return &Error{Code: CodeForbidden, Message: msg} }

// NotFound is returned when the object does not exist for the caller (including when it
// belongs to another agency: callers never learn that it exists).
func NotFound(what string) error { return &Error{Code: CodeNotFound, Message: what + " not found"} }

// Invalid is returned for bad input; field is the input field's name as the API spells it.
func Invalid(field, msg string) error {
	return &Error{Code: CodeBadUserInput, Field: field, Message: msg}
}

// Conflict is returned when the action clashes with existing state; object names it.
func Conflict(msg, object string) error {
	return &Error{Code: CodeConflict, Message: msg, Object: object}
}

// RateLimited is returned when the caller must wait before trying again.
func RateLimited(msg string, retryAfterSeconds int) error {
	return &Error{Code: CodeRateLimited, Message: msg, RetryAfterSeconds: retryAfterSeconds}
}

// As returns the domain error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}
