package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/config"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/e2e"
	"github.com/accesshive/accesshive/internal/event"
)

// foreignOrigin is a browser origin the harness's servers do not allow.
const foreignOrigin = "https://evil.example"

// loginQuery is the login mutation as the single-page app sends it.
const loginQuery = `mutation($e:String!,$p:String!){ login(email:$e, password:$p){ id email role } }`

// TestSessionLifecycle covers what a browser session goes through: the cookie login sets, me,
// logout revoking the session server-side, and deactivation ending a session at once.
func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})

	t.Run("login sets an HttpOnly SameSite cookie", func(t *testing.T) {
		resp := postJSON(t, sys.APIs[0], e2e.Origin, "", loginQuery, map[string]any{"e": "owner@demo.test", "p": demo.Password})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var session *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "accesshive_session" {
				session = c
			}
		}
		require.NotNil(t, session, "Set-Cookie: %v", resp.Header.Values("Set-Cookie"))
		require.NotEmpty(t, session.Value)
		require.True(t, session.HttpOnly, "the session cookie must be HttpOnly")
		require.Contains(t, []http.SameSite{http.SameSiteLaxMode, http.SameSiteStrictMode}, session.SameSite,
			"the session cookie must be SameSite=Lax or Strict; Set-Cookie: %v", resp.Header.Values("Set-Cookie"))
		require.Equal(t, "/", session.Path)
		require.Positive(t, session.MaxAge, "a login cookie carries the session's lifetime")
		raw := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
		require.Contains(t, raw, "HttpOnly")
		require.Contains(t, raw, "SameSite=")
		// The cookie holds a random token of which only the SHA-256 is stored.
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM sessions WHERE token_hash = sha256(convert_to(?, 'UTF8'))`, session.Value))
	})

	t.Run("an open websocket ends with its session", func(t *testing.T) {
		const jobSub = `subscription { jobUpdated { id type status } }`
		// The live subscription opens first, so the server checks its session first.
		live := sys.Login("owner@demo.test").Subscribe(e2e.ProtoGraphQLWS, jobSub, nil)
		admin := sys.Login("admin@demo.test")
		loggedOut := admin.Subscribe(e2e.ProtoTransportWS, jobSub, nil)
		// A client user may not subscribe to jobs, but its connection stays open all the same.
		deactivated := sys.Login("alice@acme.test").Subscribe(e2e.ProtoGraphQLWS, jobSub, nil)
		ev, ok := deactivated.Next(10 * time.Second)
		require.True(t, ok)
		require.NotEmpty(t, ev.Errors)

		var out struct{ Logout bool }
		admin.Do(`mutation { logout }`, nil).Decode(t, &out)
		_, err := sys.DB.ExecContext(context.Background(), `UPDATE users SET deactivated_at = now() WHERE email = ?`, "alice@acme.test")
		require.NoError(t, err)

		for name, sub := range map[string]*e2e.Sub{"logged out": loggedOut, "deactivated": deactivated} {
			// Next reports !ok when the socket closes, or after the timeout.
			start := time.Now()
			for {
				if _, ok := sub.Next(20 * time.Second); !ok {
					break
				}
			}
			require.Less(t, time.Since(start), 15*time.Second, "the %s session's websocket was not closed", name)
		}

		// A live session's websocket is left open: it still receives events.
		data, err := json.Marshal(map[string]any{"id": "00000000-0000-4000-8000-0000000000aa", "type": "SYNC_DIRECTORY",
			"status": "QUEUED", "attempts": 0, "maxAttempts": 3, "queuedAt": time.Now().UTC()})
		require.NoError(t, err)
		require.NoError(t, sys.Apps[0].Bus.Publish(context.Background(), event.Event{
			Topic: event.TopicJobUpdated, AgencyID: sys.Seed.Demo.ID, Key: "SYNC_DIRECTORY", Data: data}))
		var got struct{ JobUpdated jobEvent }
		live.Expect(10*time.Second, &got)
		require.Equal(t, "00000000-0000-4000-8000-0000000000aa", got.JobUpdated.ID)
	})

	t.Run("me and logout", func(t *testing.T) {
		owner := sys.Login("owner@demo.test")
		var me struct {
			Me struct{ ID, Email, Role string }
		}
		owner.Do(`{ me { id email role } }`, nil).Decode(t, &me)
		require.Equal(t, "owner@demo.test", me.Me.Email)
		require.Equal(t, "AGENCY_OWNER", me.Me.Role)
		require.Equal(t, sys.Seed.UsersByEmail["owner@demo.test"].ID.String(), me.Me.ID)

		// A second client replays the same cookie, as a stolen copy would.
		old := owner.Cookie()
		replay := withCookie(sys, old)
		require.Empty(t, replay.Do(`{ me { id } }`, nil).Errors)

		var out struct{ Logout bool }
		owner.Do(`mutation { logout }`, nil).Decode(t, &out)
		require.True(t, out.Logout)
		require.Empty(t, owner.Cookie(), "logout clears the cookie")

		r := replay.Do(`{ me { id } }`, nil)
		requireCode(t, r, "UNAUTHENTICATED")
		require.Empty(t, string(r.Data), "refused before execution: no data entry")
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM sessions WHERE token_hash = sha256(convert_to(?, 'UTF8')) AND revoked_at IS NOT NULL`, old))

		// logout without a session is open and harmless.
		anon := sys.NewClient(0)
		anon.Do(`mutation { logout }`, nil).Decode(t, &out)
		require.True(t, out.Logout)
	})

	t.Run("a deactivated user loses its session at once", func(t *testing.T) {
		member := sys.Login("member@demo.test")
		require.Empty(t, member.Do(`{ me { id } }`, nil).Errors)
		_, err := sys.DB.ExecContext(context.Background(), `UPDATE users SET deactivated_at = now() WHERE email = ?`, "member@demo.test")
		require.NoError(t, err)

		requireCode(t, member.Do(`{ me { id } }`, nil), "UNAUTHENTICATED")
		requireCode(t, member.Do(`{ clients { totalCount } }`, nil), "UNAUTHENTICATED")
		_, err = member.TrySubscribe(e2e.ProtoTransportWS, `subscription { jobUpdated { id } }`, nil)
		require.Error(t, err, "a deactivated user's cookie must not open a websocket")

		// Logging in again fails exactly like a wrong password.
		r := sys.NewClient(0).Do(loginQuery, map[string]any{"e": "member@demo.test", "p": demo.Password})
		requireCode(t, r, "UNAUTHENTICATED")
		require.Equal(t, "invalid email or password", r.Errors[0].Message)
	})

	t.Run("a garbage cookie is no session", func(t *testing.T) {
		r := withCookie(sys, "not-a-real-session-token").Do(`{ me { id } }`, nil)
		requireCode(t, r, "UNAUTHENTICATED")
	})
}

// TestEveryOperationNeedsASession sends every root operation but login and logout without a
// session cookie.
func TestEveryOperationNeedsASession(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	anon := sys.NewClient(0)
	acme := sys.Seed.Acme.ID.String()

	for _, op := range []struct {
		name, query string
		vars        map[string]any
	}{
		{"me", `{ me { id } }`, nil},
		{"clients", `{ clients { totalCount nodes { id } } }`, nil},
		{"client", `query($id:ID!){ client(id:$id) { id name } }`, map[string]any{"id": acme}},
		{"platforms", `{ platforms { key } }`, nil},
		{"jobs", `{ jobs { id } }`, nil},
		{"createClient", `mutation { createClient(input:{name:"Anonymous Inc"}) { id } }`, nil},
		{"createUser", `mutation { createUser(input:{email:"anon@demo.test", name:"Anon", password:"long-enough-password", role:MEMBER}) { id } }`, nil},
		{"connectPlatform", `mutation { connectPlatform(input:{platform: LINKEDIN_ADS, state: OPERATIONAL}) { key } }`, nil},
	} {
		t.Run(op.name, func(t *testing.T) {
			r := anon.Do(op.query, op.vars)
			requireCode(t, r, "UNAUTHENTICATED")
			require.Empty(t, string(r.Data), "refused before execution: no data entry")
		})
	}
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM clients WHERE name = 'Anonymous Inc'`))
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM users WHERE email = 'anon@demo.test'`))
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM platform_connections WHERE platform_key = 'LINKEDIN_ADS'`))
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM jobs`))

	for _, proto := range []string{e2e.ProtoTransportWS, e2e.ProtoGraphQLWS} {
		t.Run("websocket "+proto, func(t *testing.T) {
			_, err := anon.TrySubscribe(proto, `subscription { jobUpdated { id } }`, nil)
			require.Error(t, err, "a websocket without a session must be refused")
		})
	}
}

// TestLoginFailuresAndRateLimit checks that a failed login says nothing about which part was
// wrong and that attempts are limited per account.
func TestLoginFailuresAndRateLimit(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	login := func(email, password string) e2e.Response {
		t.Helper()
		return sys.NewClient(0).Do(loginQuery, map[string]any{"e": email, "p": password})
	}

	t.Run("unknown email and wrong password are indistinguishable", func(t *testing.T) {
		unknown := login("nobody@demo.test", demo.Password)
		wrong := login("owner@demo.test", "not-the-password")
		requireCode(t, unknown, "UNAUTHENTICATED")
		requireCode(t, wrong, "UNAUTHENTICATED")
		require.Equal(t, unknown.Errors[0].Message, wrong.Errors[0].Message)
		require.Equal(t, unknown.Errors[0].Extensions, wrong.Errors[0].Extensions)
		require.Equal(t, unknown.Status, wrong.Status)
		require.Equal(t, string(unknown.Data), string(wrong.Data))
	})

	t.Run("attempts past the 10th on an account are refused", func(t *testing.T) {
		for i := range 10 {
			email := "bob@globex.test"
			if i%2 == 1 {
				email = "BOB@Globex.test" // the limit is per account, however it is spelled
			}
			requireCode(t, login(email, "wrong-password"), "UNAUTHENTICATED")
		}
		// Refused with the right password as with a wrong one: the limit tells nothing.
		wrong := login("bob@globex.test", "wrong-password")
		requireCode(t, wrong, "RATE_LIMITED")
		r := login("bob@globex.test", demo.Password)
		requireCode(t, r, "RATE_LIMITED")
		require.True(t, strings.HasPrefix(r.Errors[0].Message, "too many login attempts"), r.Errors[0].Message)
		require.True(t, strings.HasPrefix(wrong.Errors[0].Message, "too many login attempts"), wrong.Errors[0].Message)
		retry, ok := r.Errors[0].Extensions["retryAfterSeconds"].(float64)
		require.True(t, ok, "RATE_LIMITED carries retryAfterSeconds: %v", r.Errors[0].Extensions)
		require.Greater(t, retry, 0.0)
		require.LessOrEqual(t, retry, (15*time.Minute).Seconds()+1)
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM sessions WHERE user_id = ?`, sys.Seed.UsersByEmail["bob@globex.test"].ID))

		// Another account from the same address still logs in.
		alice := sys.Login("alice@acme.test")
		require.NotEmpty(t, alice.Cookie())
	})

	t.Run("a successful login resets the account's count", func(t *testing.T) {
		for range 9 {
			requireCode(t, login("admin@demo.test", "wrong-password"), "UNAUTHENTICATED")
		}
		require.Empty(t, login("admin@demo.test", demo.Password).Errors)
		for range 10 {
			requireCode(t, login("admin@demo.test", "wrong-password"), "UNAUTHENTICATED")
		}
		requireCode(t, login("admin@demo.test", demo.Password), "RATE_LIMITED")
	})
}

// TestCrossOriginRequestsAreRefused checks that a page on another site cannot ride the session
// cookie: its mutations and websocket upgrades are refused before anything runs.
func TestCrossOriginRequestsAreRefused(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	owner := sys.Login("owner@demo.test")
	evil := withCookie(sys, owner.Cookie())
	evil.Origin = foreignOrigin

	for _, m := range []struct{ name, query string }{
		{"createClient", `mutation { createClient(input:{name:"Evil Corp"}) { id } }`},
		{"createUser", `mutation { createUser(input:{email:"evil@demo.test", name:"Evil", password:"long-enough-password", role:ADMIN}) { id } }`},
		{"connectPlatform", `mutation { connectPlatform(input:{platform: LINKEDIN_ADS, state: OPERATIONAL}) { key } }`},
		{"logout", `mutation { logout }`},
	} {
		t.Run(m.name, func(t *testing.T) {
			r := evil.Do(m.query, nil)
			require.Equal(t, http.StatusForbidden, r.Status)
			requireCode(t, r, "FORBIDDEN")
		})
	}
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM clients WHERE name = 'Evil Corp'`))
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM users WHERE email = 'evil@demo.test'`))
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM platform_connections WHERE platform_key = 'LINKEDIN_ADS'`))
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM jobs`))
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL`), "a cross-site logout must not end the session")

	t.Run("look-alike origins", func(t *testing.T) {
		for _, origin := range []string{"null", "http://app.accesshive.test:8080", "https://app.accesshive.test",
			"http://app.accesshive.test.evil.example", "http://evil.app.accesshive.test", "not a url"} {
			c := withCookie(sys, owner.Cookie())
			c.Origin = origin
			r := c.Do(`mutation { createClient(input:{name:"Look-alike"}) { id } }`, nil)
			require.Equal(t, http.StatusForbidden, r.Status, "Origin %q", origin)
		}
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM clients WHERE name = 'Look-alike'`))
	})

	t.Run("login from a foreign origin", func(t *testing.T) {
		c := sys.NewClient(0)
		c.Origin = foreignOrigin
		r := c.Do(loginQuery, map[string]any{"e": "admin@demo.test", "p": demo.Password})
		require.Equal(t, http.StatusForbidden, r.Status)
		require.Empty(t, c.Cookie())
	})

	t.Run("a mutation over GET is refused", func(t *testing.T) {
		// GET passes the Origin check (browsers send the SameSite=Lax cookie on top-level
		// navigations), so it must never run a mutation.
		req, err := http.NewRequest(http.MethodGet, sys.APIs[0]+`/graphql?query=`+
			`mutation%7BcreateClient(input:%7Bname:%22Evil%20Get%22%7D)%7Bid%7D%7D`, nil)
		require.NoError(t, err)
		req.Header.Set("Cookie", "accesshive_session="+owner.Cookie())
		req.Header.Set("Origin", foreignOrigin)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.GreaterOrEqual(t, resp.StatusCode, 400)
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM clients WHERE name = 'Evil Get'`))
	})

	t.Run("websocket upgrade from a foreign origin", func(t *testing.T) {
		for _, proto := range []string{e2e.ProtoTransportWS, e2e.ProtoGraphQLWS} {
			conn, status, err := evil.Dial(proto)
			if conn != nil {
				conn.CloseNow()
			}
			require.Error(t, err, "%s upgrade with Origin %s must be refused", proto, foreignOrigin)
			require.Equal(t, http.StatusForbidden, status)
		}
		// The same cookie from the app's own origin is accepted.
		sub := owner.Subscribe(e2e.ProtoTransportWS, `subscription { jobUpdated { id } }`, nil)
		sub.Close()
	})

	// The owner's own session is untouched by all of the above.
	require.Empty(t, owner.Do(`{ me { id } }`, nil).Errors)
}

// Helpers shared by the e2e tests.

// requireCode fails unless r's first error has extensions.code code.
func requireCode(t testing.TB, r e2e.Response, code string) {
	t.Helper()
	require.NotEmpty(t, r.Errors, "expected %s, got data %s", code, r.Data)
	require.Equal(t, code, r.Code(), "errors: %+v", r.Errors)
}

// requireInvalid fails unless r is BAD_USER_INPUT naming field.
func requireInvalid(t testing.TB, r e2e.Response, field string) {
	t.Helper()
	requireCode(t, r, "BAD_USER_INPUT")
	require.Equal(t, field, r.Field(), "errors: %+v", r.Errors)
}

// countRows runs a count query (bun placeholders) on the system's schema.
func countRows(t testing.TB, sys *e2e.System, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, sys.DB.QueryRowContext(context.Background(), query, args...).Scan(&n))
	return n
}

// withCookie returns a client of replica 0 that sends the given session token.
func withCookie(sys *e2e.System, token string) *e2e.Client {
	c := sys.NewClient(0)
	u, _ := http.NewRequest(http.MethodGet, c.Base, nil)
	c.HTTP.Jar.SetCookies(u.URL, []*http.Cookie{{Name: "accesshive_session", Value: token, Path: "/"}})
	return c
}

// postJSON posts a GraphQL operation with an optional Origin and cookie and returns the raw
// response, for tests that inspect headers.
func postJSON(t testing.TB, base, origin, cookie, query string, vars map[string]any) *http.Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if cookie != "" {
		req.Header.Set("Cookie", "accesshive_session="+cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestClientAddressBehindTrustedProxy checks that ACCESSHIVE_TRUSTED_PROXIES reaches the API:
// behind a trusted proxy, the session, the per-IP login limit and the audit trail see the address
// the proxy forwarded (not a spoofed one left of it, nor the proxy's); without trusted proxies
// they see the peer and X-Forwarded-For is ignored.
func TestClientAddressBehindTrustedProxy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		trusted string // ACCESSHIVE_TRUSTED_PROXIES; the test servers' peer is 127.0.0.1
		want    string
	}{
		{name: "trusted proxy", trusted: "127.0.0.0/8,::1", want: "203.0.113.7"},
		{name: "no trusted proxy", trusted: "", want: "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			trusted, err := config.ParseTrustedProxies(tc.trusted)
			require.NoError(t, err)
			sys := e2e.Start(t, e2e.Options{NoWorker: true, TuneConfig: func(c *config.Config) { c.TrustedProxies = trusted }})
			ctx := context.Background()
			member := sys.Seed.UsersByEmail["member@demo.test"]

			c := sys.NewClient(0)
			c.Header = http.Header{"X-Forwarded-For": {"198.51.100.66, 203.0.113.7"}}
			r := c.Do(loginQuery, map[string]any{"e": "member@demo.test", "p": demo.Password})
			require.Empty(t, r.Errors)

			var ip string
			require.NoError(t, sys.DB.QueryRowContext(ctx, `SELECT ip FROM sessions WHERE user_id = ?`, member.ID).Scan(&ip))
			require.Equal(t, tc.want, ip, "the session's address")
			n, err := sys.Redis.Exists(ctx, sys.Config.KeyPrefix+"ratelimit:login:ip:"+tc.want).Result()
			require.NoError(t, err)
			require.EqualValues(t, 1, n, "the per-IP login limit counts %s", tc.want)

			r = c.Do(`mutation{ updateProfile(input:{name:"Member Moved"}){ id } }`, nil)
			require.Empty(t, r.Errors)
			require.NoError(t, sys.DB.QueryRowContext(ctx, `SELECT ip FROM audit_events WHERE actor_user_id = ? AND kind = 'user.profile_updated'`, member.ID).Scan(&ip))
			require.Equal(t, tc.want, ip, "the audit event's address")
		})
	}
}

// Behind a TLS-terminating proxy, ACCESSHIVE_COOKIE_SECURE marks the cookie Secure; without it a
// plain-HTTP login's cookie is not (so local development over http works).
func TestSessionCookieSecureFlag(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		sys := e2e.Start(t, e2e.Options{NoWorker: true, TuneConfig: func(c *config.Config) { c.CookieSecure = secure }})
		resp := postJSON(t, sys.APIs[0], e2e.Origin, "", loginQuery, map[string]any{"e": "owner@demo.test", "p": demo.Password})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var session *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "accesshive_session" {
				session = c
			}
		}
		require.NotNil(t, session)
		require.Equal(t, secure, session.Secure, "ACCESSHIVE_COOKIE_SECURE=%v", secure)
	}
}
