package identity

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
)

// requireInvalid fails unless err is BAD_USER_INPUT naming a field.
func requireInvalid(t *testing.T, err error) {
	t.Helper()
	var fe *fault.Error
	require.True(t, errors.As(err, &fe), "a domain error: %v", err)
	require.Equal(t, fault.CodeBadUserInput, fe.Code)
	require.NotEmpty(t, fe.Field)
}

// FuzzCreateInputValidate feeds arbitrary identity fields to the per-type validation of
// createIdentity: it never panics, refuses with BAD_USER_INPUT naming a field, never quotes a
// credential in its error, and what it accepts obeys SPEC "Identity types".
func FuzzCreateInputValidate(f *testing.F) {
	f.Add("EXTERNAL_LOGIN", true, "META_ADS", "", "ads@acme.example", "pw", "", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "https://business.facebook.com", "", int64(0))
	f.Add("API_TOKEN", true, "GOOGLE_ADS", "Token", "", "", "tok-123", "", "", "notes", int64(3600))
	f.Add("API_TOKEN", false, "", "", "", "", "tok", "", "", "", int64(-10))
	f.Add("MANAGED_GWS", true, "GA4", "Jane", "", "", "", "", "", "", int64(0))
	f.Add("MANAGED_GWS", false, "GA4", "  ", "u", "", "", "", "javascript:alert(1)", "", int64(0))
	f.Add("BOGUS", false, "", "", "", "", "", "", "http://[::1", "", int64(0))
	f.Fuzz(func(t *testing.T, typ string, withClient bool, platform, display, username, password, token, totp, loginURL, notes string, expiresIn int64) {
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		in := CreateInput{Type: Type(typ), Platform: platform, DisplayName: display, Username: username, Password: password,
			Token: token, TOTPSecret: totp, LoginURL: loginURL, Notes: notes}
		if withClient {
			id := uuid.New()
			in.ClientID = &id
		}
		if expiresIn != 0 {
			at := now.Add(time.Duration(expiresIn) * time.Second)
			in.TokenExpiresAt = &at
		}
		err := in.validate(now)
		if err != nil {
			requireInvalid(t, err)
			for _, secret := range []string{password, token, totp} {
				if len(secret) >= 6 {
					require.NotContains(t, err.Error(), secret, "the error quotes a credential")
				}
			}
			return
		}
		require.True(t, in.Type.Valid())
		require.NotEmpty(t, strings.TrimSpace(in.DisplayName), "an accepted identity has a display name")
		switch in.Type {
		case TypeExternalLogin:
			require.NotEmpty(t, strings.TrimSpace(in.Username))
			require.NotEmpty(t, strings.TrimSpace(in.Password))
			require.Empty(t, in.Token)
		case TypeAPIToken:
			require.NotEmpty(t, strings.TrimSpace(in.Token))
			require.Empty(t, in.Username+in.Password+in.TOTPSecret)
		case TypeManagedGWS:
			require.NotEmpty(t, in.Platform)
			require.Empty(t, in.Username+in.Password+in.Token+in.TOTPSecret)
		}
	})
}

// FuzzManagedEmail feeds arbitrary templates and names to the address maker of managed
// identities: it never panics, and an address it gives is a plain, lowercased address in the
// source's domain.
func FuzzManagedEmail(f *testing.F) {
	f.Add("{client}-{platform}@{domain}", "Acme", "GA4", "Jane Doe", "demo.test")
	f.Add("{name}@{domain}", "", "META_ADS", "!!!", "demo.test")
	f.Add("{client}.{name}@{domain}", "Ünïcode", "GA4", "..", "demo.test")
	f.Add("x@{domain}", "a", "b", "c", "Demo.Test")
	f.Fuzz(func(t *testing.T, tmpl, client, platform, name, domain string) {
		email, err := managedEmail(tmpl, client, platform, name, domain)
		if err != nil {
			requireInvalid(t, err)
			return
		}
		require.Equal(t, strings.ToLower(email), email)
		_, nerr := auth.NormalizeEmail("email", email)
		require.NoError(t, nerr, "managedEmail gave %q", email)
		require.True(t, strings.HasSuffix(email, "@"+strings.ToLower(domain)), "%q is not in %q", email, domain)
	})
}
