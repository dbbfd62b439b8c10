package job

import "errors"

// ErrPermanent marks a job error that no retry can fix (bad input, a refusal from the other
// side): the worker records FAILED at once instead of RETRYING.
var ErrPermanent = errors.New("permanent failure")

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() []error {
	return []error{e.err, ErrPermanent}
}

// Permanent wraps err so that errors.Is(err, ErrPermanent) holds and the job is not retried.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err: err}
}
