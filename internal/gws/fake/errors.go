package fake

import (
	"encoding/json"
	"net/http"
)

// apiError is one error answer in Google's shape:
//
//	{"error":{"code":409,"message":"Entity already exists.",
//	  "errors":[{"message":"Entity already exists.","domain":"global","reason":"duplicate"}]}}
type apiError struct {
	status  int
	reason  string
	domain  string
	message string
}

// newError builds an error answer; an empty message takes Google's usual text
// for the reason (or status), and the domain follows from the reason.
func newError(status int, reason, message string) apiError {
	if reason == "" {
		reason = defaultReason(status)
	}
	if message == "" {
		message = defaultMessage(status, reason)
	}
	return apiError{status: status, reason: reason, domain: reasonDomain(reason), message: message}
}

// Common answers, with the texts Google uses.
func errNotFound() apiError {
	return newError(http.StatusNotFound, "notFound", "Resource Not Found: userKey")
}

func errDuplicate() apiError {
	return newError(http.StatusConflict, "duplicate", "Entity already exists.")
}

func errInvalid(message string) apiError {
	return newError(http.StatusBadRequest, "invalid", message)
}

func errBadRequest() apiError {
	return newError(http.StatusBadRequest, "badRequest", "Bad Request")
}

func errForbidden() apiError {
	return newError(http.StatusForbidden, "forbidden", "Not Authorized to access this resource/api")
}

func errParse() apiError {
	return newError(http.StatusBadRequest, "parseError", "Parse Error")
}

// defaultReason is the reason Google most often gives with status.
func defaultReason(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "invalid"
	case http.StatusUnauthorized:
		return "authError"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "notFound"
	case http.StatusConflict:
		return "duplicate"
	case http.StatusPreconditionFailed:
		return "conditionNotMet"
	case http.StatusTooManyRequests:
		return "rateLimitExceeded"
	case http.StatusNotImplemented:
		return "notImplemented"
	}
	if status >= 500 {
		return "backendError"
	}
	return "unknown"
}

// defaultMessage is Google's text for a reason, or failing that for a status.
func defaultMessage(status int, reason string) string {
	switch reason {
	case "userRateLimitExceeded":
		return "User Rate Limit Exceeded"
	case "rateLimitExceeded":
		return "Rate Limit Exceeded"
	case "quotaExceeded":
		return "Request rate higher than configured."
	case "dailyLimitExceeded":
		return "Daily Limit Exceeded"
	case "duplicate":
		return "Entity already exists."
	case "notFound":
		return "Resource Not Found: userKey"
	case "authError":
		return "Invalid Credentials"
	case "forbidden":
		return "Not Authorized to access this resource/api"
	case "invalid":
		return "Invalid Input"
	case "badRequest":
		return "Bad Request"
	case "conditionNotMet":
		return "Precondition Failed"
	}
	switch status {
	case http.StatusInternalServerError:
		return "Internal error encountered."
	case http.StatusBadGateway:
		return "Bad Gateway"
	case http.StatusServiceUnavailable:
		return "The service is currently unavailable."
	case http.StatusGatewayTimeout:
		return "Deadline exceeded"
	}
	return http.StatusText(status)
}

// reasonDomain is the error domain Google pairs with reason: quota reasons
// live in "usageLimits", everything else in "global".
func reasonDomain(reason string) string {
	switch reason {
	case "userRateLimitExceeded", "rateLimitExceeded", "quotaExceeded", "dailyLimitExceeded":
		return "usageLimits"
	}
	return "global"
}

type errorItem struct {
	Message string `json:"message"`
	Domain  string `json:"domain"`
	Reason  string `json:"reason"`
}

type errorBody struct {
	Code    int         `json:"code"`
	Message string      `json:"message"`
	Errors  []errorItem `json:"errors"`
}

type errorEnvelope struct {
	Error errorBody `json:"error"`
}

func writeError(w http.ResponseWriter, e apiError) {
	writeJSON(w, e.status, errorEnvelope{Error: errorBody{
		Code:    e.status,
		Message: e.message,
		Errors:  []errorItem{{Message: e.message, Domain: e.domain, Reason: e.reason}},
	}})
}

// writeJSON answers with v as JSON and Google's content type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	// The status line is gone already; a failed write means the client left.
	_ = json.NewEncoder(w).Encode(v)
}
