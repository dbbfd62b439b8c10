package vault

import (
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// minTOTPSecretBytes is the shortest TOTP secret accepted: 80 bits, the
// smallest that ad platforms hand out and half of RFC 4226's recommended 160.
const minTOTPSecretBytes = 10

// ErrBadTOTPSecret means a TOTP secret is not base32 or is shorter than 80
// bits.
var ErrBadTOTPSecret = errors.New("bad totp secret")

// ValidateTOTPSecret checks that secret is a usable TOTP secret: base32
// (RFC 4648 alphabet, case-insensitive, whitespace ignored, padding optional)
// decoding to at least 80 bits. Errors wrap ErrBadTOTPSecret and never contain
// the secret.
func ValidateTOTPSecret(secret string) error {
	if _, err := normalizeTOTPSecret(secret); err != nil {
		return fmt.Errorf("vault: validate totp secret: %w", err)
	}
	return nil
}

// TOTPCode returns the RFC 6238 code for secret at time at, with the defaults
// authenticator apps use: 6 digits, a 30-second period and HMAC-SHA1. The
// secret is accepted in any form ValidateTOTPSecret accepts.
func TOTPCode(secret string, at time.Time) (string, error) {
	norm, err := normalizeTOTPSecret(secret)
	if err != nil {
		return "", fmt.Errorf("vault: totp code: %w", err)
	}
	if at.Unix() < 0 {
		// The library converts a negative counter to uint64, which is
		// undefined; no real code is needed before 1970.
		return "", errors.New("vault: totp code: time before 1970")
	}
	code, err := totp.GenerateCodeCustom(norm, at, totp.ValidateOpts{
		Period:    30,
		Digits:    otp.DigitsSix,
		Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		// The library's errors are constants without the secret.
		return "", fmt.Errorf("vault: totp code: %w", err)
	}
	return code, nil
}

// normalizeTOTPSecret returns secret upper-cased, without whitespace and
// without padding, after checking that it decodes to at least 80 bits.
func normalizeTOTPSecret(secret string) (string, error) {
	norm := strings.ToUpper(strings.Join(strings.Fields(secret), ""))
	norm = strings.TrimRight(norm, "=")
	if norm == "" {
		return "", fmt.Errorf("empty secret: %w", ErrBadTOTPSecret)
	}
	// Padding is restored and the result decoded as padded base32, exactly
	// as the otp library will decode it: the unpadded decoder would
	// silently drop a dangling character (a length of 1, 3 or 6 mod 8)
	// instead of rejecting it.
	padded := norm
	if r := len(norm) % 8; r != 0 {
		padded += strings.Repeat("=", 8-r)
	}
	buf := make([]byte, base32.StdEncoding.DecodedLen(len(padded)))
	defer clear(buf)
	n, err := base32.StdEncoding.Decode(buf, []byte(padded))
	if err != nil {
		// err is not wrapped: base32.CorruptInputError gives the offset
		// of the bad character, which is harmless, but the rule is that
		// nothing derived from the secret reaches an error.
		return "", fmt.Errorf("secret is not base32: %w", ErrBadTOTPSecret)
	}
	if n < minTOTPSecretBytes {
		return "", fmt.Errorf("secret is shorter than %d bits: %w", minTOTPSecretBytes*8, ErrBadTOTPSecret)
	}
	return norm, nil
}
