package identity

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/fault"
)

func TestValidateCredentials(t *testing.T) {
	t.Parallel()
	s := func(v string) *string { return &v }
	const totp = "JBSWY3DPEHPK3PXP"
	tests := []struct {
		name  string
		typ   Type
		in    CredentialsInput
		next  Credentials
		field string // "" when valid
	}{
		{"login with username and password", TypeExternalLogin, CredentialsInput{Username: s("u"), Password: s("p")}, Credentials{Username: "u", Password: "p"}, ""},
		{"login with a totp secret", TypeExternalLogin, CredentialsInput{TOTPSecret: s(totp)}, Credentials{Username: "u", Password: "p", TOTPSecret: totp}, ""},
		{"login clearing its totp secret", TypeExternalLogin, CredentialsInput{TOTPSecret: s("")}, Credentials{Username: "u", Password: "p"}, ""},
		{"login without password", TypeExternalLogin, CredentialsInput{Username: s("u")}, Credentials{Username: "u"}, "password"},
		{"login without username", TypeExternalLogin, CredentialsInput{Password: s("p")}, Credentials{Password: "p"}, "username"},
		{"login emptying its password", TypeExternalLogin, CredentialsInput{Password: s("")}, Credentials{Username: "u"}, "password"},
		{"login emptying its username", TypeExternalLogin, CredentialsInput{Username: s("")}, Credentials{Password: "p"}, "username"},
		{"login with a token", TypeExternalLogin, CredentialsInput{Token: s("t")}, Credentials{Username: "u", Password: "p", Token: "t"}, "token"},
		{"login with a bad totp secret", TypeExternalLogin, CredentialsInput{TOTPSecret: s("not base32!")}, Credentials{Username: "u", Password: "p"}, "totpSecret"},
		{"token", TypeAPIToken, CredentialsInput{Token: s("t")}, Credentials{Token: "t"}, ""},
		{"token not given", TypeAPIToken, CredentialsInput{}, Credentials{Token: "old"}, "token"},
		{"token emptied", TypeAPIToken, CredentialsInput{Token: s("")}, Credentials{}, "token"},
		{"token with a username", TypeAPIToken, CredentialsInput{Token: s("t"), Username: s("u")}, Credentials{Token: "t", Username: "u"}, "username"},
		{"token with a totp secret", TypeAPIToken, CredentialsInput{Token: s("t"), TOTPSecret: s(totp)}, Credentials{Token: "t"}, "totpSecret"},
		{"managed without credentials", TypeManagedGWS, CredentialsInput{}, Credentials{}, ""},
		{"managed with a password", TypeManagedGWS, CredentialsInput{Password: s("p")}, Credentials{Password: "p"}, "password"},
		{"overlong password", TypeExternalLogin, CredentialsInput{Password: s(string(make([]byte, MaxPassword+1)))}, Credentials{Username: "u"}, "password"},
		{"overlong token", TypeAPIToken, CredentialsInput{Token: s(string(make([]byte, MaxToken+1)))}, Credentials{}, "token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateCredentials(tt.typ, tt.in, tt.next)
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			fe, ok := fault.As(err)
			require.True(t, ok, "not a domain error: %v", err)
			require.Equal(t, fault.CodeBadUserInput, fe.Code)
			require.Equal(t, tt.field, fe.Field, fe.Error())
		})
	}
}

func TestApplyCredentials(t *testing.T) {
	t.Parallel()
	s := func(v string) *string { return &v }
	cur := Credentials{Username: "u", Password: "p", TOTPSecret: "JBSWY3DPEHPK3PXP"}
	tests := []struct {
		name    string
		in      CredentialsInput
		want    Credentials
		changed bool
	}{
		{"nothing given", CredentialsInput{}, cur, false},
		{"same password", CredentialsInput{Password: s("p")}, cur, false},
		{"new password", CredentialsInput{Password: s("p2")}, Credentials{Username: "u", Password: "p2", TOTPSecret: cur.TOTPSecret}, true},
		{"new username is no rotation", CredentialsInput{Username: s("v")}, Credentials{Username: "v", Password: "p", TOTPSecret: cur.TOTPSecret}, false},
		{"totp secret in its normal form, no rotation", CredentialsInput{TOTPSecret: s("jbsw y3dp ehpk 3pxp")}, cur, false},
		{"new token", CredentialsInput{Token: s("t")}, Credentials{Username: "u", Password: "p", Token: "t", TOTPSecret: cur.TOTPSecret}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, changed := applyCredentials(cur, tt.in)
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.changed, changed)
		})
	}
}
