package graph

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/accesshive/accesshive/internal/fault"
)

// ErrorPresenter returns gqlgen's error presenter: the one place where domain errors become
// extensions.code. An error that is not a domain error is logged with an error id and shown
// only as INTERNAL with that id, so nothing of a secret or another tenant leaks.
func ErrorPresenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var fe *fault.Error
		if errors.As(err, &fe) {
			if fe.Code == fault.CodeUnavailable {
				logger.WarnContext(ctx, "dependency unavailable", "path", gqlErr.Path.String(), "error", err)
			}
			return presentFault(gqlErr, fe)
		}
		var ge *gqlerror.Error
		if errors.As(err, &ge) && ge.Err == nil && presentGQLGen(gqlErr, ge) {
			return gqlErr
		}
		if errors.Is(err, context.Canceled) {
			gqlErr.Message = "request cancelled"
			gqlErr.Extensions = map[string]any{"code": "CANCELLED"}
			return gqlErr
		}
		return presentUnknown(ctx, logger, gqlErr, err)
	}
}

// presentFault shows a domain error as its code, with the field, object and retry delay it names.
func presentFault(gqlErr *gqlerror.Error, fe *fault.Error) *gqlerror.Error {
	field := fe.Field
	if field == "" && fe.Code == fault.CodeBadUserInput {
		// Errors of argument coercion (e.g. the strict String) name the field by path.
		for i := len(gqlErr.Path) - 1; i >= 0; i-- {
			if name, ok := gqlErr.Path[i].(ast.PathName); ok {
				field = string(name)
				break
			}
		}
	}
	gqlErr.Message = fe.Message
	if field != "" {
		gqlErr.Message = field + ": " + fe.Message
	}
	ext := map[string]any{"code": string(fe.Code)}
	if field != "" {
		ext["field"] = field
	}
	if fe.Object != "" {
		ext["object"] = fe.Object
	}
	if fe.RetryAfterSeconds > 0 {
		ext["retryAfterSeconds"] = fe.RetryAfterSeconds
	}
	gqlErr.Extensions = ext
	return gqlErr
}

// presentGQLGen shows an error gqlgen raised itself, and reports whether it was one.
func presentGQLGen(gqlErr, ge *gqlerror.Error) bool {
	// A body gqlgen could not read or decode: its message would echo the body (a login
	// password, say), so it is replaced and never logged.
	if strings.HasPrefix(ge.Message, "json request body could not be decoded") || strings.HasPrefix(ge.Message, "could not read request body") {
		gqlErr.Message = "the request body is not valid GraphQL-over-HTTP JSON"
		gqlErr.Extensions = map[string]any{"code": string(fault.CodeBadUserInput), "field": "body"}
		return true
	}
	// Errors gqlgen raised itself (parse, validation, argument coercion) carry their own
	// code; those about an input value become BAD_USER_INPUT naming the field.
	code, _ := ge.Extensions["code"].(string)
	if code == "" {
		return false
	}
	if field := inputField(ge); field != "" {
		gqlErr.Extensions = map[string]any{"code": string(fault.CodeBadUserInput), "field": field, "rule": code}
	}
	return true
}

// presentUnknown logs an error that is no domain error with an error id, and shows only that id:
// UNAVAILABLE when PostgreSQL or Redis did not answer in time, INTERNAL otherwise.
func presentUnknown(ctx context.Context, logger *slog.Logger, gqlErr *gqlerror.Error, err error) *gqlerror.Error {
	errID := uuid.NewString()
	if fault.IsDependencyDown(err) {
		// A clear, retryable error that names no host, port or driver message; the cause goes
		// to the log.
		logger.WarnContext(ctx, "dependency unavailable", "error_id", errID, "path", gqlErr.Path.String(), "error", err)
		gqlErr.Message = fault.UnavailableMessage + " (id " + errID + ")"
		gqlErr.Extensions = map[string]any{"code": string(fault.CodeUnavailable), "errorId": errID}
		return gqlErr
	}
	logger.ErrorContext(ctx, "internal error", "error_id", errID, "path", gqlErr.Path.String(), "error", err)
	gqlErr.Message = "internal error (id " + errID + ")"
	gqlErr.Extensions = map[string]any{"code": string(fault.CodeInternal), "errorId": errID}
	return gqlErr
}

var (
	reRequiredField = regexp.MustCompile(`^Field "[A-Za-z0-9_]+\.([A-Za-z0-9_]+)" of required type .* was not provided`)
	reRequiredArg   = regexp.MustCompile(`^(?:Field "[A-Za-z0-9_]+" argument|Argument) "([A-Za-z0-9_]+)" of (?:non-null|required) type`)
	reUnknownField  = regexp.MustCompile(`^Field "([A-Za-z0-9_]+)" is not defined by type`)
)

// inputField names the input field a gqlgen validation or coercion error is about, or "".
func inputField(ge *gqlerror.Error) string {
	if len(ge.Path) > 0 {
		if first, ok := ge.Path[0].(ast.PathName); ok && first == "variable" {
			for i := len(ge.Path) - 1; i >= 0; i-- {
				if name, ok := ge.Path[i].(ast.PathName); ok {
					return string(name)
				}
			}
		}
	}
	for _, re := range []*regexp.Regexp{reRequiredField, reRequiredArg, reUnknownField} {
		if m := re.FindStringSubmatch(ge.Message); m != nil {
			return m[1]
		}
	}
	return ""
}
