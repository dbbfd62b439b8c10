package gws

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"
)

var (
	// ErrNotFound means the directory has no such user (Google answered
	// 404 where a user was expected).
	ErrNotFound = errors.New("user not found")
	// ErrEmailTaken means the address belongs to a directory user that
	// AccessHive did not create for this identity (no AccessHive external
	// id, or another identity's). It is permanent: retrying never helps.
	ErrEmailTaken = errors.New("email address taken by a user AccessHive does not manage for this identity")
)

// Google's reasons for quota refusals, which come as 403 (or 429) and are
// worth retrying, unlike other 403s.
var rateLimitReasons = map[string]bool{
	"userRateLimitExceeded": true,
	"rateLimitExceeded":     true,
	"quotaExceeded":         true,
}

// apiError is Google's answer to one request, rebuilt from its status code,
// reason and message only. Google's error (and googleapi.Error's text) may
// carry the raw response body, which could echo the request and so a
// password; this type never does.
type apiError struct {
	code       int
	reason     string
	message    string
	retryAfter time.Duration
}

// Error renders e as "googleapi 403 userRateLimitExceeded: User Rate Limit Exceeded".
func (e *apiError) Error() string {
	return "googleapi " + strconv.Itoa(e.code) + " " + e.reason + ": " + e.message
}

// Is makes a 404 match ErrNotFound.
func (e *apiError) Is(target error) bool {
	return target == ErrNotFound && e.code == http.StatusNotFound
}

// retryable reports whether the request may succeed if sent again.
func (e *apiError) retryable() bool {
	switch {
	case e.code == http.StatusTooManyRequests, e.code >= 500:
		return true
	case e.code == http.StatusForbidden:
		return rateLimitReasons[e.reason]
	}
	return false
}

// transportError is a request that got no answer from Google: a refused or
// dropped connection, a timeout, a truncated response.
type transportError struct {
	msg   string
	cause error
}

func (e *transportError) Error() string { return "transport: " + e.msg }

// Unwrap exposes the cause (e.g. context.DeadlineExceeded of an attempt
// timeout) to errors.Is.
func (e *transportError) Unwrap() error { return e.cause }

// authError is a refused token request (domain-wide delegation not granted,
// key revoked, subject not an admin, ...).
type authError struct {
	status      int
	code        string
	description string
}

func (e *authError) Error() string {
	s := "auth: token endpoint answered " + strconv.Itoa(e.status)
	if e.code != "" {
		s += " " + e.code
	}
	if e.description != "" {
		s += ": " + e.description
	}
	return s
}

// retryable: only the token endpoint's own trouble is worth another try.
func (e *authError) retryable() bool {
	return e.status == 0 || e.status == http.StatusTooManyRequests || e.status >= 500
}

// classify turns a failed request's error into one of this package's error
// types, with secret (if any) blanked from every text taken from elsewhere.
func classify(err error, secret string) error {
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		e := &apiError{code: gerr.Code, message: gerr.Message}
		if len(gerr.Errors) > 0 {
			e.reason = gerr.Errors[0].Reason
			if e.message == "" {
				e.message = gerr.Errors[0].Message
			}
		}
		if e.reason == "" {
			e.reason = "unknown"
		}
		if e.message == "" {
			e.message = http.StatusText(gerr.Code)
		}
		e.message = redact(e.message, secret)
		e.reason = redact(e.reason, secret)
		e.retryAfter = parseRetryAfter(gerr.Header)
		return e
	}
	var rerr *oauth2.RetrieveError
	if errors.As(err, &rerr) {
		code, desc := rerr.ErrorCode, rerr.ErrorDescription
		if code == "" {
			// Some token sources (the JWT flow among them) leave the RFC 6749
			// fields unparsed; only those two fields are read from the body.
			var body struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			if json.Unmarshal(rerr.Body, &body) == nil {
				code, desc = body.Error, body.Description
			}
		}
		e := &authError{code: redact(code, secret), description: redact(desc, secret)}
		if rerr.Response != nil {
			e.status = rerr.Response.StatusCode
		}
		return e
	}
	return &transportError{msg: redact(err.Error(), secret), cause: err}
}

// redact blanks secret out of s.
func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "[REDACTED]")
}

// parseRetryAfter reads a Retry-After header given in seconds.
func parseRetryAfter(h http.Header) time.Duration {
	if h == nil {
		return 0
	}
	secs, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || secs <= 0 {
		return 0
	}
	return min(time.Duration(secs)*time.Second, maxBackoff)
}

// retryable reports whether err, as returned by classify, is worth another
// attempt.
func retryable(err error) bool {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.retryable()
	}
	var au *authError
	if errors.As(err, &au) {
		return au.retryable()
	}
	var te *transportError
	return errors.As(err, &te)
}

// IsPermanent reports whether retrying the operation later cannot succeed
// without someone changing something: a request Google refuses (400, a 403
// that is not a rate limit, an unexpected 404, a 409 outside provisioning),
// ErrEmailTaken, refused credentials, or an invalid configuration or argument.
// Rate limits, 5xx answers, network errors, timeouts and cancellations are
// not permanent, even when the retries ran out.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrEmailTaken) || errors.Is(err, ErrNotFound) || errors.Is(err, errInvalidArgument) {
		return true
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return !ae.retryable()
	}
	var au *authError
	if errors.As(err, &au) {
		return !au.retryable()
	}
	return false
}

// wrapOp prefixes an error with the operation, and with the number of
// attempts when there were several.
func wrapOp(op string, attempts int, err error) error {
	if attempts > 1 {
		return fmt.Errorf("gws: %s: after %d attempts: %w", op, attempts, err)
	}
	return fmt.Errorf("gws: %s: %w", op, err)
}
