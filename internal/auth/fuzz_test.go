package auth_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
)

// requireInvalid fails unless err is BAD_USER_INPUT naming field.
func requireInvalid(t *testing.T, err error, field string) {
	t.Helper()
	var fe *fault.Error
	require.True(t, errors.As(err, &fe), "a domain error: %v", err)
	require.Equal(t, fault.CodeBadUserInput, fe.Code)
	require.Equal(t, field, fe.Field)
}

// FuzzNormalizeEmail feeds arbitrary addresses to the email validator (logins, users,
// profiles, the identity source's admin): it never panics, refuses with BAD_USER_INPUT on the
// field, and what it accepts is a lowercased address of at most 254 bytes that it accepts
// again unchanged.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"alice@acme.test", " Bob@Globex.Test ", "", "@", "a@b", "\"a b\"@c.test", "A <a@b.test>",
		"a@b.test\n", "ä@ü.test", strings.Repeat("a", 250) + "@b.test", "a@[127.0.0.1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := auth.NormalizeEmail("email", in)
		if err != nil {
			requireInvalid(t, err, "email")
			return
		}
		require.Equal(t, strings.ToLower(out), out)
		require.LessOrEqual(t, len(out), 254)
		require.Contains(t, out, "@")
		again, err := auth.NormalizeEmail("email", out)
		require.NoError(t, err, "a normalized address is refused: %q", out)
		require.Equal(t, out, again)
	})
}

// FuzzValidateName feeds arbitrary names (users, clients) to the name validator: trimmed,
// non-empty and within the bound when accepted; BAD_USER_INPUT otherwise.
func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"Acme", "  ", "", "\u00a0Acme\u00a0", "\xff\xfe", strings.Repeat("é", 201)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := auth.ValidateName("name", in, 200)
		if err != nil {
			requireInvalid(t, err, "name")
			return
		}
		require.Equal(t, strings.TrimSpace(out), out)
		require.NotEmpty(t, out)
		require.LessOrEqual(t, utf8.RuneCountInString(out), 200)
	})
}

// FuzzValidatePassword feeds arbitrary passwords to the length check: refusals are
// BAD_USER_INPUT and never quote the password.
func FuzzValidatePassword(f *testing.F) {
	for _, s := range []string{"short", "long-enough-password", "", strings.Repeat("x", 2000), "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		err := auth.ValidatePassword("password", in)
		if err != nil {
			requireInvalid(t, err, "password")
			if len(in) >= 4 {
				require.NotContains(t, err.Error(), in)
			}
		}
	})
}
