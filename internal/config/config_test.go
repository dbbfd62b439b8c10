package config

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseTrustedProxies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want []string
	}{
		{in: "", want: nil},
		{in: " , ", want: nil},
		{in: "10.0.0.0/8", want: []string{"10.0.0.0/8"}},
		{in: "10.0.0.0/8, 192.0.2.10 ,fd00::/8,2001:db8::1", want: []string{"10.0.0.0/8", "192.0.2.10/32", "fd00::/8", "2001:db8::1/128"}},
		{in: "10.1.2.3/16", want: []string{"10.1.0.0/16"}},          // host bits dropped
		{in: "::ffff:10.0.0.0/104", want: []string{"10.0.0.0/8"}},   // IPv4-mapped becomes IPv4
		{in: "::ffff:192.0.2.10", want: []string{"192.0.2.10/32"}},  // likewise for one address
		{in: "0.0.0.0/0,::/0", want: []string{"0.0.0.0/0", "::/0"}}, // everybody, if you must
	}
	for _, tc := range cases {
		got, err := ParseTrustedProxies(tc.in)
		require.NoError(t, err, tc.in)
		var gotS []string
		for _, p := range got {
			gotS = append(gotS, p.String())
		}
		require.Equal(t, tc.want, gotS, tc.in)
	}

	for _, bad := range []string{"10.0.0.0/33", "10.0.0", "proxy.internal", "10.0.0.1:80", "fe80::1%eth0", "10.0.0.0/8,nope", "2001:db8::/129"} {
		_, err := ParseTrustedProxies(bad)
		require.Error(t, err, bad)
		require.Contains(t, err.Error(), "ACCESSHIVE_TRUSTED_PROXIES", bad)
	}
}

func TestLoadTrustedProxies(t *testing.T) {
	t.Setenv("ACCESSHIVE_TRUSTED_PROXIES", "")
	c, err := Load()
	require.NoError(t, err)
	require.Empty(t, c.TrustedProxies, "nobody is trusted by default")

	t.Setenv("ACCESSHIVE_TRUSTED_PROXIES", "10.0.0.0/8,2001:db8::1")
	c, err = Load()
	require.NoError(t, err)
	require.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::1/128")}, c.TrustedProxies)

	t.Setenv("ACCESSHIVE_TRUSTED_PROXIES", "10.0.0.0/8,lb.internal")
	_, err = Load()
	require.ErrorContains(t, err, "ACCESSHIVE_TRUSTED_PROXIES")
	require.ErrorContains(t, err, "lb.internal")
}

func TestDeadlines(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.Deadlines != DefaultDeadlines() {
		t.Fatalf("defaults: got %+v", c.Deadlines)
	}
	t.Setenv("ACCESSHIVE_REQUEST_TIMEOUT", "3s")
	t.Setenv("ACCESSHIVE_REDIS_READ_TIMEOUT", "500ms")
	if c, err = Load(); err != nil {
		t.Fatal(err)
	}
	if c.Deadlines.Request != 3*time.Second || c.Deadlines.RedisRead != 500*time.Millisecond || c.Deadlines.DBConnect != DefaultDeadlines().DBConnect {
		t.Fatalf("got %+v", c.Deadlines)
	}
	t.Setenv("ACCESSHIVE_DB_STATEMENT_TIMEOUT", "-1s")
	if _, err := Load(); err == nil {
		t.Fatal("a negative timeout is refused")
	}
	if (Deadlines{Publish: 5 * time.Second}).WithDefaults().Publish != 5*time.Second || (Deadlines{}).WithDefaults() != DefaultDeadlines() {
		t.Fatal("WithDefaults fills only the zero fields")
	}
}
