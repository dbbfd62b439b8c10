package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParseTrustedProxies feeds arbitrary proxy lists to their parser: it never panics, and
// every prefix it accepts is masked, valid and IPv4 when given in IPv4-mapped form.
func FuzzParseTrustedProxies(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8, 2001:db8::/32", "10.1.2.3", "::ffff:10.0.0.0/104", "fe80::1%eth0", "", " , ", "1.2.3.4/33", "::ffff:1.2.3.4/90"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := ParseTrustedProxies(s)
		if err != nil {
			return
		}
		for _, p := range ps {
			require.True(t, p.IsValid(), "%v", p)
			require.Equal(t, p.Masked(), p)
			require.False(t, p.Addr().Is4In6() && p.Bits() >= 96, "an IPv4-mapped prefix stayed mapped: %v", p)
		}
	})
}
