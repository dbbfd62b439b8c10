package auth

import (
	"fmt"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"github.com/accesshive/accesshive/internal/fault"
)

// passwordParams follow OWASP's argon2id recommendation (19 MiB, 2 iterations, 1 lane).
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Password length bounds; the upper bound keeps hashing cost bounded.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

// HashPassword returns the argon2id hash of password.
func HashPassword(password string) (string, error) {
	h, err := argon2id.CreateHash(password, passwordParams)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return h, nil
}

// checkPassword reports whether password matches hash.
func checkPassword(password, hash string) bool {
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

// ValidatePassword checks a new password's length; field names the input field.
func ValidatePassword(field, password string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLen || len(password) > MaxPasswordLen {
		return fault.Invalid(field, fmt.Sprintf("must be between %d and %d characters", MinPasswordLen, MaxPasswordLen))
	}
	return nil
}

// dummyHash is compared against when a login names an unknown email, so that an unknown
// email and a wrong password take the same time.
var dummyHash = func() string {
	h, err := argon2id.CreateHash("accesshive-timing-equaliser", passwordParams)
	if err != nil {
		panic(err)
	}
	return h
}()
