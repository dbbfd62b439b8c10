package e2e_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/config"
	"github.com/accesshive/accesshive/internal/e2e"
)

// TestHardenMailIsNoPhishingChannel replays issue 8 item 8: a client user names itself like a
// security notice with a link and writes a justification ending in a fake AccessHive signature
// with a link; before the fix the owner and admins received both, from the real sender, in the
// subject and the body. Now a name in the subject is short and plain, what users wrote is
// quoted as theirs, bounded, and never a link; the only link is the configured public URL.
func TestHardenMailIsNoPhishingChannel(t *testing.T) {
	t.Parallel()
	const publicURL = "https://access.demo.test"
	sys := e2e.Start(t, e2e.Options{TuneConfig: func(c *config.Config) { c.PublicURL = publicURL }})
	alice := sys.Login("alice@acme.test")
	admin := sys.Login("admin@demo.test")

	const phishName = "IT Security - re-verify your login at https://accesshive-login.example/verify now"
	alice.Do(`mutation($n:String!){ updateProfile(input:{name:$n}){ id } }`, map[string]any{"n": phishName}).Decode(t, &struct{}{})
	justification := "Need GA4 for the audit.\n\n-- \nAccessHive Security Team\nYour session expired: sign in again at https://accesshive-login.example/session?u=owner " +
		"or www.accesshive-login.example, questions to security@accesshive-login.example\n" + strings.Repeat("padding ", 200)
	var sub struct {
		SubmitAccessRequest struct{ ID string }
	}
	alice.Do(`mutation($j:String!){ submitAccessRequest(input:{platform:GA4, identityType:EXTERNAL_LOGIN, justification:$j}){ id } }`,
		map[string]any{"j": justification}).Decode(t, &sub)

	for _, to := range []string{"owner@demo.test", "admin@demo.test"} {
		m, ok := sys.Mail.WaitFor(to, "New access request", 20*time.Second)
		require.True(t, ok, "mail to %s", to)
		require.NotContains(t, m.Subject, "://")
		require.NotContains(t, m.Subject, "accesshive-login")
		require.NotContains(t, m.Subject, "verify now", "the name is cut short in the subject")
		name := strings.TrimPrefix(m.Subject, "New access request from ")
		require.LessOrEqual(t, utf8.RuneCountInString(name), 40, m.Subject)

		for _, link := range []string{"https://accesshive-login", "accesshive-login.example", "www.accesshive", "security@"} {
			require.NotContains(t, m.Body, link, "user-written text must not be a link")
		}
		require.Contains(t, m.Body, "as written by")
		require.Contains(t, m.Body, "(not by AccessHive)")
		require.Contains(t, m.Body, "> -- ", "the fake signature stays inside the quotation")
		require.Contains(t, m.Body, "> AccessHive Security Team")
		require.Contains(t, m.Body, "[shortened]", "quoted text is bounded")
		// The only link is the product's own, from the configuration.
		require.Equal(t, 1, strings.Count(m.Body, "://"), m.Body)
		require.Contains(t, m.Body, publicURL)
	}

	// The reviewer's reason reaches the requester quoted and unlinkable too.
	admin.Do(`mutation($id:ID!, $r:String!){ rejectAccessRequest(id:$id, reason:$r){ id } }`,
		map[string]any{"id": sub.SubmitAccessRequest.ID, "r": "See http://wiki.demo.example/policy"}).Decode(t, &struct{}{})
	m, ok := sys.Mail.WaitFor("alice@acme.test", "rejected", 20*time.Second)
	require.True(t, ok)
	require.NotContains(t, m.Body, "http://wiki")
	require.Contains(t, m.Body, "> See http[:]//wiki[.]demo[.]example/policy")
	require.Contains(t, m.Body, "Hello IT Security - re-verify your login at", "the greeting uses the plain name")
	require.NotContains(t, strings.SplitN(m.Body, "\n", 2)[0], "://")
}
