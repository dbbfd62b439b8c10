package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/config"
)

func TestClientIP(t *testing.T) {
	t.Parallel()
	// The load balancers of the tests: an IPv4 subnet, one IPv4 address and an IPv6 subnet.
	lbs, err := config.ParseTrustedProxies("10.0.0.0/8, 192.0.2.10, fd00::/8")
	require.NoError(t, err)

	cases := []struct {
		name    string
		trusted bool     // whether lbs are trusted; otherwise none is
		peer    string   // RemoteAddr
		xff     []string // X-Forwarded-For headers, in order
		want    string
	}{
		// Nobody trusted: the peer, whatever the header says.
		{name: "no trusted proxies", peer: "10.0.0.1:5000", xff: []string{"203.0.113.7"}, want: "10.0.0.1"},
		{name: "no trusted proxies, no header", peer: "198.51.100.4:5000", want: "198.51.100.4"},

		// A peer that is not trusted speaks for itself.
		{name: "untrusted peer ignores the header", trusted: true, peer: "198.51.100.4:5000", xff: []string{"203.0.113.7"}, want: "198.51.100.4"},
		{name: "untrusted peer claiming a trusted hop", trusted: true, peer: "198.51.100.4:5000", xff: []string{"203.0.113.7, 10.0.0.1"}, want: "198.51.100.4"},
		{name: "untrusted IPv6 peer", trusted: true, peer: "[2001:db8::4]:5000", xff: []string{"203.0.113.7"}, want: "2001:db8::4"},

		// A trusted peer: the right-most address that is not trusted.
		{name: "one trusted proxy", trusted: true, peer: "10.0.0.1:5000", xff: []string{"203.0.113.7"}, want: "203.0.113.7"},
		{name: "single trusted address", trusted: true, peer: "192.0.2.10:5000", xff: []string{"203.0.113.7"}, want: "203.0.113.7"},
		{name: "address next to the trusted one is not trusted", trusted: true, peer: "192.0.2.11:5000", xff: []string{"203.0.113.7"}, want: "192.0.2.11"},
		{name: "spoofed left-most entries are ignored", trusted: true, peer: "10.0.0.1:5000", xff: []string{"1.1.1.1, 8.8.8.8, 203.0.113.7"}, want: "203.0.113.7"},
		{name: "spoofed trusted-looking entry left of the client", trusted: true, peer: "10.0.0.1:5000", xff: []string{"10.9.9.9, 203.0.113.7"}, want: "203.0.113.7"},
		{name: "chain of trusted proxies", trusted: true, peer: "10.0.0.1:5000", xff: []string{"1.1.1.1, 203.0.113.7, 192.0.2.10, 10.1.2.3"}, want: "203.0.113.7"},
		{name: "chain over several headers", trusted: true, peer: "10.0.0.1:5000", xff: []string{"1.1.1.1, 203.0.113.7", "10.1.2.3", "10.2.3.4"}, want: "203.0.113.7"},
		{name: "spoofing header before the proxies' header", trusted: true, peer: "10.0.0.1:5000", xff: []string{"1.1.1.1", "203.0.113.7, 10.1.2.3"}, want: "203.0.113.7"},
		{name: "only trusted entries", trusted: true, peer: "10.0.0.1:5000", xff: []string{"10.1.2.3, 192.0.2.10"}, want: "10.0.0.1"},
		{name: "no header", trusted: true, peer: "10.0.0.1:5000", want: "10.0.0.1"},
		{name: "empty header", trusted: true, peer: "10.0.0.1:5000", xff: []string{""}, want: "10.0.0.1"},
		{name: "empty entries are skipped", trusted: true, peer: "10.0.0.1:5000", xff: []string{"203.0.113.7, ,10.1.2.3,"}, want: "203.0.113.7"},
		{name: "entries with ports", trusted: true, peer: "10.0.0.1:5000", xff: []string{"1.1.1.1, 203.0.113.7:4711, 10.1.2.3:80"}, want: "203.0.113.7"},

		// IPv6.
		{name: "IPv6 client through an IPv4 proxy", trusted: true, peer: "10.0.0.1:5000", xff: []string{"2001:db8::7"}, want: "2001:db8::7"},
		{name: "IPv6 client and proxies", trusted: true, peer: "[fd00::1]:5000", xff: []string{"2001:db8::666, 2001:DB8:0:0::7, fd12::3"}, want: "2001:db8::7"},
		{name: "bracketed IPv6 entries", trusted: true, peer: "[fd00::1]:5000", xff: []string{"[2001:db8::7]:443, [fd00::2]"}, want: "2001:db8::7"},
		{name: "IPv4-mapped IPv6 peer is trusted as IPv4", trusted: true, peer: "[::ffff:10.0.0.1]:5000", xff: []string{"203.0.113.7"}, want: "203.0.113.7"},
		{name: "IPv4-mapped IPv6 entries", trusted: true, peer: "10.0.0.1:5000", xff: []string{"::ffff:203.0.113.7, ::ffff:10.1.2.3"}, want: "203.0.113.7"},
		{name: "untrusted IPv6 hop ends the chain", trusted: true, peer: "[fd00::1]:5000", xff: []string{"203.0.113.7, 2001:db8::9"}, want: "2001:db8::9"},

		// Malformed headers: the peer.
		{name: "malformed header", trusted: true, peer: "10.0.0.1:5000", xff: []string{"not-an-ip"}, want: "10.0.0.1"},
		{name: "unknown", trusted: true, peer: "10.0.0.1:5000", xff: []string{"unknown"}, want: "10.0.0.1"},
		{name: "malformed entry left of the client is never reached", trusted: true, peer: "10.0.0.1:5000", xff: []string{"garbage, 203.0.113.7"}, want: "203.0.113.7"},
		{name: "malformed entry right of the client ends the walk", trusted: true, peer: "10.0.0.1:5000", xff: []string{"203.0.113.7, garbage, 10.1.2.3"}, want: "10.0.0.1"},
		{name: "address with a bad port", trusted: true, peer: "10.0.0.1:5000", xff: []string{"203.0.113.7:http"}, want: "10.0.0.1"},
		{name: "CIDR in the header", trusted: true, peer: "10.0.0.1:5000", xff: []string{"203.0.113.0/24"}, want: "10.0.0.1"},
		{name: "RFC 7239 syntax is not X-Forwarded-For", trusted: true, peer: "10.0.0.1:5000", xff: []string{"for=203.0.113.7"}, want: "10.0.0.1"},

		// A RemoteAddr without a port (some test harnesses) still works.
		{name: "peer without a port", trusted: true, peer: "10.0.0.1", xff: []string{"203.0.113.7"}, want: "203.0.113.7"},
		{name: "unparsable peer is not trusted", trusted: true, peer: "pipe", xff: []string{"203.0.113.7"}, want: "pipe"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			r.RemoteAddr = tc.peer
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			var trusted = lbs
			if !tc.trusted {
				trusted = nil
			}
			require.Equal(t, tc.want, clientIP(r, trusted))
		})
	}
}
