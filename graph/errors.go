package graph

import (
	"context"
	"errors"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"
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
			gqlErr.Message = fe.Error()
			ext := map[string]any{"code": string(fe.Code)}
			if fe.Field != "" {
				ext["field"] = fe.Field
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
		// Errors gqlgen raised itself (parse, validation, argument coercion) carry their own code.
		var ge *gqlerror.Error
		if errors.As(err, &ge) && ge.Extensions["code"] != nil && ge.Err == nil {
			return gqlErr
		}
		if errors.Is(err, context.Canceled) {
			gqlErr.Message = "request cancelled"
			gqlErr.Extensions = map[string]any{"code": "CANCELLED"}
			return gqlErr
		}
		errID := uuid.NewString()
		logger.ErrorContext(ctx, "internal error", "error_id", errID, "path", gqlErr.Path.String(), "error", err)
		gqlErr.Message = "internal error (id " + errID + ")"
		gqlErr.Extensions = map[string]any{"code": string(fault.CodeInternal), "errorId": errID}
		return gqlErr
	}
}

// parseID parses an ID argument; a malformed one is BAD_USER_INPUT naming the field.
func parseID(field, s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return uuid.Nil, fault.Invalid(field, "malformed id")
	}
	return id, nil
}
