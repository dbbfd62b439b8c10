package job

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPublicErrorRemovesInfrastructure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`Post "http://127.0.0.1:8081/token": dial tcp 127.0.0.1:8081: connect: connection refused`,
			`Post "[address]": dial tcp [address]: connect: connection refused`},
		{`dial tcp 10.0.0.5:5432: i/o timeout`, `dial tcp [address]: i/o timeout`},
		{`dial tcp [fd00::1]:443: connect: network is unreachable`, `dial tcp [address]: connect: network is unreachable`},
		{`lookup metadata.internal on 127.0.0.53:53: no such host`, `lookup [address] on [address]: no such host`},
		{`Get https://admin.googleapis.com/admin/directory/v1/users?x=1: EOF`, `Get [address]: EOF`},
		{`redis: connection to cache-1.prod.example:6379 refused`, `redis: connection to [address] refused`},
		{`peer fe80::1%eth0 unreachable`, `peer [address] unreachable`},
		// Tenant data and plain words stay.
		{`user acme-ga4@demo.test already exists`, `user acme-ga4@demo.test already exists`},
		{`quota exceeded; retry after 30s (attempt 3 of 5)`, `quota exceeded; retry after 30s (attempt 3 of 5)`},
		{`the directory answered 403: Not Authorized to access this resource/api.`, `the directory answered 403: Not Authorized to access this resource/api.`},
		{`at 12:30:05 the check failed`, `at 12:30:05 the check failed`},
	} {
		require.Equal(t, tc.want, PublicError(tc.in), "in: %s", tc.in)
	}
}
