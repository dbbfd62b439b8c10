package gws

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/fault"
)

func requireInvalidField(t *testing.T, err error) string {
	t.Helper()
	var fe *fault.Error
	require.True(t, errors.As(err, &fe), "a domain error: %v", err)
	require.Equal(t, fault.CodeBadUserInput, fe.Code)
	require.NotEmpty(t, fe.Field)
	return fe.Field
}

// FuzzSourceInputValidate feeds arbitrary identity-source settings to their validation: it
// never panics, refuses naming the field, and what it accepts is normalized (lowercase domain,
// an org unit path under "/" without a trailing slash).
func FuzzSourceInputValidate(f *testing.F) {
	f.Add("demo.test", "C0demo", "admin@demo.test", "/AccessHive")
	f.Add(" Demo.Test ", "my_customer", "Admin@Demo.Test", "")
	f.Add("-bad-.test", "C", "nope", "AccessHive")
	f.Add("demo.test", "C0demo", "admin@demo.test", "///")
	f.Add("demo.test", "C0demo", "admin@demo.test", "/a/ b/c")
	f.Fuzz(func(t *testing.T, domain, customer, subject, ou string) {
		in := SourceInput{Domain: domain, CustomerID: customer, AdminSubject: subject, ManagedOU: ou}
		if err := in.validate(); err != nil {
			requireInvalidField(t, err)
			return
		}
		require.Equal(t, strings.ToLower(in.Domain), in.Domain)
		require.True(t, strings.HasPrefix(in.ManagedOU, "/"))
		require.False(t, strings.HasSuffix(in.ManagedOU, "/"))
		require.NotContains(t, in.ManagedOU, "//")
	})
}

// FuzzServiceAccountKey feeds arbitrary key files to their check: it never panics, refuses
// with BAD_USER_INPUT on serviceAccountKey, and its errors never quote the file.
func FuzzServiceAccountKey(f *testing.F) {
	f.Add(`{"type":"service_account","client_email":"sa@p.iam.gserviceaccount.com","private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}`)
	f.Add(`{"type":"authorized_user"}`)
	f.Add(`{"type":"service_account","client_email":"x"}`)
	f.Add(`not json`)
	f.Add(`[]`)
	f.Add(`{"type":"service_account","client_email":"sa@p.test","private_key":"-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----"}`)
	f.Fuzz(func(t *testing.T, raw string) {
		email, err := parseServiceAccountKey(raw)
		if err != nil {
			require.Equal(t, "serviceAccountKey", requireInvalidField(t, err))
			if len(raw) >= 12 {
				require.NotContains(t, err.Error(), raw)
			}
			return
		}
		require.Contains(t, email, "@")
	})
}
