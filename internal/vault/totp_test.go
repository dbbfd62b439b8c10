package vault_test

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/vault"
)

// rfc6238Secret is the SHA1 seed of RFC 6238 appendix B, ASCII
// "12345678901234567890", in base32.
const rfc6238Secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestTOTPCodeRFC6238(t *testing.T) {
	t.Parallel()

	// RFC 6238 appendix B, SHA1 rows, truncated to the last 6 of the 8
	// digits given there.
	tests := []struct {
		unix int64
		want string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
		{20000000000, "353130"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			got, err := vault.TOTPCode(rfc6238Secret, time.Unix(tt.unix, 0))
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestTOTPCodePeriod(t *testing.T) {
	t.Parallel()

	// Codes change on 30-second boundaries and not within a period.
	at := func(unix int64) string {
		code, err := vault.TOTPCode(rfc6238Secret, time.Unix(unix, 0))
		require.NoError(t, err)
		return code
	}
	require.Equal(t, at(1111111080), at(1111111109))
	require.NotEqual(t, at(1111111109), at(1111111110))

	_, err := vault.TOTPCode(rfc6238Secret, time.Unix(-1, 0))
	require.Error(t, err)
}

func TestTOTPSecretForms(t *testing.T) {
	t.Parallel()

	want, err := vault.TOTPCode(rfc6238Secret, time.Unix(59, 0))
	require.NoError(t, err)

	// 16 bytes encode to 26 base32 characters plus 6 of padding.
	sixteen := base32.StdEncoding.EncodeToString([]byte("1234567890123456"))
	require.True(t, strings.HasSuffix(sixteen, "======"))

	tests := []struct {
		name   string
		secret string
		want   string // "" when only validity is checked
	}{
		{"canonical", rfc6238Secret, want},
		{"lower case", strings.ToLower(rfc6238Secret), want},
		{"mixed case", "gEzDgNbVgY3tQoJqGeZdGnBvGy3TqOjQ", want},
		{"grouped by four", "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ", want},
		{"surrounding whitespace", "\t " + rfc6238Secret + "\n", want},
		{"padded", sixteen, ""},
		{"unpadded", strings.TrimRight(sixteen, "="), ""},
		{"exactly 80 bits", "GEZDGNBVGY3TQOJQ", ""},
		{"Google Authenticator style", "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.NoError(t, vault.ValidateTOTPSecret(tt.secret))
			got, err := vault.TOTPCode(tt.secret, time.Unix(59, 0))
			require.NoError(t, err)
			require.Len(t, got, 6)
			if tt.want != "" {
				require.Equal(t, tt.want, got)
			}
		})
	}

	// Padded and unpadded forms of one secret give one code.
	padded, err := vault.TOTPCode(sixteen, time.Unix(59, 0))
	require.NoError(t, err)
	unpadded, err := vault.TOTPCode(strings.TrimRight(sixteen, "="), time.Unix(59, 0))
	require.NoError(t, err)
	require.Equal(t, padded, unpadded)
}

func TestTOTPInvalidSecrets(t *testing.T) {
	t.Parallel()

	random := make([]byte, 9)
	_, err := rand.Read(random)
	require.NoError(t, err)

	tests := []struct {
		name   string
		secret string
	}{
		{"empty", ""},
		{"blank", "   "},
		{"padding only", "========"},
		{"72 bits", base32.StdEncoding.EncodeToString(random)},
		{"72 bits unpadded", "GEZDGNBVGY3TQOI"},
		{"digit 1", "GEZDGNBVGY3TQOJ1"},
		{"digit 0", "GEZDGNBVGY3TQOJ0"},
		{"digit 8", "GEZDGNBVGY3TQOJ8"},
		{"hex", "3132333435363738393031323334353637383930"},
		{"ASCII seed", "12345678901234567890"},
		{"base64", "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA="},
		{"impossible length", "GEZDGNBVGY3TQOJQG"},
		{"padding in the middle", "GEZDGNBV=GY3TQOJQ"},
		{"otpauth URI", "otpauth://totp/x?secret=" + rfc6238Secret},
		{"dash separated", "GEZD-GNBV-GY3T-QOJQ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := vault.ValidateTOTPSecret(tt.secret)
			require.ErrorIs(t, err, vault.ErrBadTOTPSecret)
			if trimmed := strings.TrimSpace(tt.secret); len(trimmed) >= 6 {
				require.NotContains(t, err.Error(), trimmed[:6], "error contains the secret")
			}

			code, err := vault.TOTPCode(tt.secret, time.Unix(59, 0))
			require.ErrorIs(t, err, vault.ErrBadTOTPSecret)
			require.Empty(t, code)
		})
	}
}
