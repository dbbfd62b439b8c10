package identity

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/fault"
)

func TestTransitions(t *testing.T) {
	t.Parallel()
	allowed := map[[2]State]bool{
		{StatePending, StateProvisioning}:          true,
		{StatePending, StateDeprovisioning}:        true,
		{StateProvisioning, StateProvisioned}:      true,
		{StateProvisioning, StateFailed}:           true,
		{StateProvisioning, StateProvisioning}:     true,
		{StateProvisioning, StateDeprovisioning}:   true,
		{StateProvisioned, StateDeprovisioning}:    true,
		{StateFailed, StateProvisioning}:           true,
		{StateFailed, StateDeprovisioning}:         true,
		{StateDeprovisioning, StateDeleted}:        true,
		{StateDeprovisioning, StateDeprovisioning}: true,
	}
	all := []State{StatePending, StateProvisioning, StateProvisioned, StateFailed, StateDeprovisioning, StateDeleted}
	for _, from := range all {
		for _, to := range all {
			want := allowed[[2]State{from, to}]
			require.Equal(t, want, CanTransition(from, to), "%s → %s", from, to)
			err := CheckTransition(from, to)
			if want {
				require.NoError(t, err)
			} else {
				require.True(t, errors.Is(err, fault.ErrConflict), "%s → %s: %v", from, to, err)
				require.Contains(t, err.Error(), string(from))
			}
		}
	}
	require.False(t, StateDeleted.Live())
	require.True(t, StateFailed.Live())
}

func TestManagedEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		template, client, platform, name, domain, want string
	}{
		{"{client}-{platform}@{domain}", "Acme Corp", "GA4", "x", "demo.test", "acme-corp-ga4@demo.test"},
		{"{client}-{platform}@{domain}", "", "META_ADS", "x", "demo.test", "agency-meta-ads@demo.test"},
		{"ah.{name}@{domain}", "Acme", "GA4", "Ads Team!", "example.com", "ah.ads-team@example.com"},
	} {
		got, err := managedEmail(tc.template, tc.client, tc.platform, tc.name, tc.domain)
		require.NoError(t, err)
		require.Equal(t, tc.want, got)
	}
	_, err := managedEmail("{client}@elsewhere.test", "Acme", "GA4", "x", "demo.test")
	require.True(t, errors.Is(err, fault.ErrBadUserInput))
}

func TestCreateInputValidation(t *testing.T) {
	t.Parallel()
	past := time.Now().Add(-time.Hour)
	for _, tc := range []struct {
		name  string
		in    CreateInput
		field string
	}{
		{"unknown type", CreateInput{Type: "SMOKE_SIGNAL", Platform: "GA4"}, "type"},
		{"managed without platform", CreateInput{Type: TypeManagedGWS, DisplayName: "x"}, "platform"},
		{"managed with a password", CreateInput{Type: TypeManagedGWS, Platform: "GA4", DisplayName: "x", Password: "p"}, "password"},
		{"external without username", CreateInput{Type: TypeExternalLogin, Platform: "GA4", Password: "p"}, "username"},
		{"external with a token", CreateInput{Type: TypeExternalLogin, Platform: "GA4", Username: "u", Password: "p", Token: "t"}, "token"},
		{"token expired", CreateInput{Type: TypeAPIToken, Platform: "GA4", Token: "t", TokenExpiresAt: &past}, "tokenExpiresAt"},
		{"token with password", CreateInput{Type: TypeAPIToken, Platform: "GA4", Token: "t", Password: "p"}, "password"},
		{"ftp login url", CreateInput{Type: TypeAPIToken, Platform: "GA4", Token: "t", LoginURL: "ftp://x"}, "loginUrl"},
	} {
		err := tc.in.validate(time.Now())
		fe, ok := fault.As(err)
		require.True(t, ok, tc.name)
		require.Equal(t, fault.CodeBadUserInput, fe.Code, tc.name)
		require.Equal(t, tc.field, fe.Field, tc.name)
	}
	ok := CreateInput{Type: TypeExternalLogin, Platform: "GA4", Username: "u", Password: "p"}
	require.NoError(t, ok.validate(time.Now()))
	require.Equal(t, "u", ok.DisplayName, "an external login is named after its username by default")
}
