package e2e_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/config"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/e2e"
	"github.com/accesshive/accesshive/server"
)

// The end-to-end tests of issue 8's hardening of the API: each replays an attack of the probe
// against a running system with a real cookie and checks it is refused or harmless.

// introspectionFlood is the probe's attack: n aliased __schema selections in one document.
func introspectionFlood(n int) []byte {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: __schema { types { name kind description fields { name description type { name kind } } } }", i)
	}
	b.WriteString(" }")
	body, _ := json.Marshal(map[string]any{"query": b.String()})
	return body
}

// allocatedBy returns the bytes the whole process allocated while fn ran (the API replicas run
// in this process). The test runs alone: no t.Parallel.
func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestIntrospectionFloodIsRefusedBeforeExecution replays the 3,000-aliased-__schema attack
// (issue 8 item 1): without a cookie it ran 44 s and grew the API by 1.2 GB. Now it is refused
// before execution, with and without a session, and the process allocates next to nothing.
func TestIntrospectionFloodIsRefusedBeforeExecution(t *testing.T) {
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	attack := introspectionFlood(3000)
	require.Greater(t, len(attack), 200_000, "the attack is the probe's size")
	// Generous: the unguarded attack allocates gigabytes; parsing a refused prefix, a few MB.
	const bound = 64 << 20

	t.Run("without a session", func(t *testing.T) {
		anon := sys.NewClient(0)
		var r e2e.Response
		start := time.Now()
		alloc := allocatedBy(func() { r = anon.Raw("application/json", attack) })
		t.Logf("anonymous flood: %s, %d KB allocated", time.Since(start), alloc>>10)
		requireCode(t, r, "UNAUTHENTICATED")
		require.Empty(t, string(r.Data), "refused before execution: no data entry")
		require.Less(t, alloc, uint64(bound))
	})

	t.Run("with a session, introspection off", func(t *testing.T) {
		member := sys.Login("member@demo.test")
		var r e2e.Response
		alloc := allocatedBy(func() { r = member.Raw("application/json", attack) })
		t.Logf("member flood: %d KB allocated, code %s", alloc>>10, r.Code())
		require.NotEmpty(t, r.Code())
		require.Empty(t, string(r.Data))
		require.Less(t, alloc, uint64(bound))
		// A small one that parses: refused because introspection is off.
		requireCode(t, member.Raw("application/json", introspectionFlood(3)), server.CodeIntrospectionDisabled)
		requireCode(t, member.Do(`{ __type(name: "User") { name } }`, nil), server.CodeIntrospectionDisabled)
		// __typename is not introspection of the schema.
		require.Empty(t, member.Do(`{ me { __typename id } }`, nil).Errors)
	})

	t.Run("only login and logout without a session", func(t *testing.T) {
		anon := sys.NewClient(0)
		for _, q := range []string{
			`{ __typename }`,
			`{ __schema { queryType { name } } }`,
			`mutation { logout createClient(input:{name:"Anon"}) { id } }`,
			`mutation M { ...F } fragment F on Mutation { createClient(input:{name:"Anon"}) { id } }`,
			`subscription { jobUpdated { id } }`,
		} {
			r := anon.Do(q, nil)
			requireCode(t, r, "UNAUTHENTICATED")
			require.Empty(t, string(r.Data), q)
		}
		require.Empty(t, anon.Do(`mutation { logout }`, nil).Errors)
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM clients WHERE name = 'Anon'`))
	})
}

// TestOperationLimits checks the guard's limits where introspection is on (dev): a normal
// introspection query works, and introspection fields count in the complexity limit; aliases
// and root fields are capped; anonymous callers still get nothing but login and logout.
func TestOperationLimits(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true, TuneConfig: func(c *config.Config) { c.Introspection = true }})
	admin := sys.Login("admin@demo.test")

	var intro struct {
		Schema struct{ Types []struct{ Name string } } `json:"__schema"`
	}
	admin.Do(`{ __schema { types { name fields { name args { name type { name kind ofType { name kind ofType { name } } } } } } } }`, nil).Decode(t, &intro)
	require.NotEmpty(t, intro.Schema.Types)

	requireCode(t, sys.NewClient(0).Do(`{ __schema { types { name } } }`, nil), "UNAUTHENTICATED")

	// 28 aliases are within the alias cap, but 28 selections of 20 introspection fields are
	// not within the complexity limit, which gqlgen alone would not count.
	var deep strings.Builder
	for i := range 28 {
		fmt.Fprintf(&deep, " t%d: types { name kind description fields { name description args { name description type { name kind ofType { name kind } } } type { name kind ofType { name kind } } } }", i)
	}
	r := admin.Do("{ __schema {"+deep.String()+" } }", nil)
	requireCode(t, r, server.CodeOperationLimit)
	require.Contains(t, r.Errors[0].Message, "complexity")

	var many strings.Builder
	for i := range 31 {
		fmt.Fprintf(&many, " c%d: platforms { key }", i)
	}
	r = admin.Do("{"+many.String()+" }", nil)
	requireCode(t, r, server.CodeOperationLimit)

	many.Reset()
	for i := range 16 {
		fmt.Fprintf(&many, " m%d: me { id }", i)
	}
	r = admin.Do("{"+many.String()+" }", nil)
	requireCode(t, r, server.CodeOperationLimit)
	require.Contains(t, r.Errors[0].Message, "root fields")
}

// TestLoginReturnsTheWholeUser replays issue 9 item 3: on a first login (no cookie yet) every
// field of the returned user resolves, the agency and the client included; and issue 8 item 7's
// one login per request.
func TestLoginReturnsTheWholeUser(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	const q = `mutation($e:String!,$p:String!){ login(email:$e, password:$p){ id email name role createdAt agency { id name } client { id name } } }`
	type user struct {
		Email  string
		Agency struct{ ID, Name string }
		Client *struct{ ID, Name string }
	}

	var bob struct{ Login user }
	c := sys.NewClient(0)
	c.Do(q, map[string]any{"e": "bob@globex.test", "p": demo.Password}).Decode(t, &bob)
	require.Equal(t, "Demo Agency", bob.Login.Agency.Name)
	require.NotNil(t, bob.Login.Client)
	require.Equal(t, "Globex", bob.Login.Client.Name)
	require.NotEmpty(t, c.Cookie())

	var owner struct{ Login user }
	sys.NewClient(0).Do(q, map[string]any{"e": "owner@rival.test", "p": demo.Password}).Decode(t, &owner)
	require.Equal(t, "Rival Agency", owner.Login.Agency.Name)
	require.Nil(t, owner.Login.Client)

	// Logged in as bob, logging in as Rival's owner answers Rival's agency, not bob's.
	c.Do(q, map[string]any{"e": "owner@rival.test", "p": demo.Password}).Decode(t, &owner)
	require.Equal(t, "Rival Agency", owner.Login.Agency.Name)

	t.Run("one login per request", func(t *testing.T) {
		anon := sys.NewClient(0)
		before := countRows(t, sys, `SELECT count(*) FROM sessions`)
		r := anon.Do(`mutation($p:String!){ a: login(email:"owner@demo.test", password:$p){ id } b: login(email:"admin@demo.test", password:$p){ id } }`, map[string]any{"p": demo.Password})
		requireCode(t, r, server.CodeOperationLimit)
		require.Equal(t, before, countRows(t, sys, `SELECT count(*) FROM sessions`))
		require.Empty(t, anon.Cookie())
	})
}

// TestRevokedSessionStopsItsSocketsOnEveryReplica replays issue 8 item 2: after deactivateUser
// an open websocket of that user on another replica answered five more revealCredentials with
// the password. Now the next operation is refused and the socket closes at once.
func TestRevokedSessionStopsItsSocketsOnEveryReplica(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true, Replicas: 2})
	owner := sys.LoginOn(0, "owner@demo.test")
	const password = "s0cket-Pa55word!"
	ident := createExternal(t, owner, sys.Seed.Acme.ID.String(), "META_ADS", password)
	const reveal = `mutation($id:ID!){ revealCredentials(identityId:$id){ fields { name value } } }`
	vars := map[string]any{"id": ident.ID}

	t.Run("deactivation closes the socket on the other replica", func(t *testing.T) {
		admin := sys.LoginOn(1, "admin@demo.test")
		sock := admin.Connect(e2e.ProtoTransportWS)
		sock.Start("1", reveal, vars)
		ev, ok := sock.Next(10 * time.Second)
		require.True(t, ok)
		require.Empty(t, ev.Errors)
		require.Contains(t, string(ev.Data), password, "before: the socket reveals")

		r := owner.Do(`mutation($id:ID!){ deactivateUser(id:$id){ user { id } } }`, map[string]any{"id": sys.Seed.UsersByEmail["admin@demo.test"].ID.String()})
		require.Empty(t, r.Errors)
		// The very next operation on the socket gets no password: refused, or the socket is
		// already closed.
		sock.Start("2", reveal, vars)
		for {
			ev, ok := sock.Next(5 * time.Second)
			if !ok {
				break
			}
			require.NotContains(t, string(ev.Data), password, "a revoked session's socket revealed the password")
			if len(ev.Errors) > 0 {
				require.Equal(t, "UNAUTHENTICATED", ev.Errors[0].Extensions["code"])
			}
		}
		require.True(t, sock.Closed(3*time.Second), "the socket of a deactivated user stays open")
	})

	t.Run("each operation checks the session even when no event arrives", func(t *testing.T) {
		alice := sys.LoginOn(1, "alice@acme.test")
		sock := alice.Connect(e2e.ProtoGraphQLWS)
		sock.Start("1", reveal, vars)
		ev, ok := sock.Next(10 * time.Second)
		require.True(t, ok)
		require.Contains(t, string(ev.Data), password)
		// Revoked behind the API's back: no revocation event, only the store knows.
		_, err := sys.DB.Exec(`UPDATE sessions SET revoked_at = now() WHERE user_id = ?`, sys.Seed.UsersByEmail["alice@acme.test"].ID)
		require.NoError(t, err)
		sock.Start("2", reveal, vars)
		for {
			ev, ok = sock.Next(10 * time.Second)
			require.True(t, ok, "no answer to the operation")
			if !ev.Complete { // skip the first operation's end
				break
			}
		}
		require.NotContains(t, string(ev.Data), password)
		require.NotEmpty(t, ev.Errors)
		require.Equal(t, "UNAUTHENTICATED", ev.Errors[0].Extensions["code"])
		require.True(t, sock.Closed(5*time.Second), "the socket stays open")
	})
}

// rawDo sends a GraphQL POST with the client's cookie and the given Accept, returning the status,
// headers and body as they are.
func rawDo(t *testing.T, c *e2e.Client, method, accept string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	u := c.Base + "/graphql"
	var rd io.Reader
	if method == http.MethodGet {
		u += "?" + string(body)
	} else {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(t, err)
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", e2e.Origin)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.HTTP.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, b
}

// TestResponsesThatCarrySecrets replays issue 8 item 11: cache headers, secrets over GET,
// origins with user info, and the GraphQL-over-HTTP answers to request errors.
func TestResponsesThatCarrySecrets(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	admin := sys.Login("admin@demo.test")
	const password = "n0-st0re-Pa55word!"
	ident := createExternal(t, admin, sys.Seed.Acme.ID.String(), "META_ADS", password)
	var rv struct{ RevealCredentials struct{ ID string } }
	admin.Do(`mutation($id:ID!){ revealCredentials(identityId:$id){ id } }`, map[string]any{"id": ident.ID}).Decode(t, &rv)

	t.Run("no-store on every GraphQL answer", func(t *testing.T) {
		body, _ := json.Marshal(map[string]any{"query": `query($id:ID!){ credentialReveal(id:$id){ fields { value } } }`, "variables": map[string]any{"id": rv.RevealCredentials.ID}})
		status, h, b := rawDo(t, admin, http.MethodPost, "", body)
		require.Equal(t, 200, status)
		require.Contains(t, string(b), password)
		require.Equal(t, "no-store", h.Get("Cache-Control"))
		for _, q := range []string{`{ me { id } }`, `{ nosuchfield }`} {
			body, _ := json.Marshal(map[string]any{"query": q})
			_, h, _ := rawDo(t, sys.NewClient(0), http.MethodPost, "", body)
			require.Equal(t, "no-store", h.Get("Cache-Control"), q)
		}
	})

	t.Run("no secret over GET", func(t *testing.T) {
		v := url.Values{"query": {`query($id:ID!){ credentialReveal(id:$id){ fields { value } } }`}, "variables": {`{"id":"` + rv.RevealCredentials.ID + `"}`}}
		status, _, b := rawDo(t, admin, http.MethodGet, "", []byte(v.Encode()))
		require.NotContains(t, string(b), password)
		require.GreaterOrEqual(t, status, 400, "body: %s", b)
		require.Contains(t, string(b), server.CodeMethodNotAllowed)
		// An ordinary query over GET still works.
		v = url.Values{"query": {`{ me { id } }`}}
		status, _, b = rawDo(t, admin, http.MethodGet, "", []byte(v.Encode()))
		require.Equal(t, 200, status, "body: %s", b)
	})

	t.Run("origins with user info are refused", func(t *testing.T) {
		host := strings.TrimPrefix(e2e.Origin, "http://")
		for _, origin := range []string{"http://evil.test@" + host, "http://" + host + "@evil.test", e2e.Origin + "/", e2e.Origin + "?x", "http://" + host + ":99999"} {
			c := withCookie(sys, admin.Cookie())
			c.Origin = origin
			r := c.Do(`mutation { createClient(input:{name:"Origin Trick"}) { id } }`, nil)
			require.Equal(t, http.StatusForbidden, r.Status, "origin %q", origin)
		}
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM clients WHERE name = 'Origin Trick'`))
	})

	t.Run("request errors follow GraphQL over HTTP", func(t *testing.T) {
		for _, q := range []string{`{ me { id `, `{ nosuchfield }`, `query($n:Int!){ jobs(limit:$n){ id } }`} {
			body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"n": "ten"}})
			status, h, b := rawDo(t, admin, http.MethodPost, "application/json", body)
			require.Equal(t, 200, status, "%s: %s", q, b)
			require.Equal(t, "application/json", h.Get("Content-Type"))
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(b, &m))
			require.NotContains(t, m, "data", "%s: %s", q, b)
			require.Contains(t, m, "errors")

			status, h, b = rawDo(t, admin, http.MethodPost, "application/graphql-response+json", body)
			require.Equal(t, 400, status, "%s: %s", q, b)
			require.Equal(t, "application/graphql-response+json", h.Get("Content-Type"))
			m = nil
			require.NoError(t, json.Unmarshal(b, &m))
			require.NotContains(t, m, "data", "%s: %s", q, b)
		}
	})
}

// TestMetricsAreBoundedAndForOperators replays issue 8 item 6: invented HTTP methods created a
// series each, and anyone could read /metrics.
func TestMetricsAreBoundedAndForOperators(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	anon := sys.NewClient(0)
	for i := range 200 {
		req, err := http.NewRequest(fmt.Sprintf("INVENTED%d", i), anon.Base+fmt.Sprintf("/graphql/x%d", i), nil)
		require.NoError(t, err)
		resp, err := anon.HTTP.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	status, body := anon.Metrics()
	require.Equal(t, 200, status)
	require.NotContains(t, body, "INVENTED")
	require.Contains(t, body, `method="OTHER"`)
	series := regexp.MustCompile(`(?m)^accesshive_http_request_duration_seconds_count\{`).FindAllString(body, -1)
	require.Less(t, len(series), 10, "series of the HTTP histogram")

	code, _ := anon.Get("/metrics")
	require.Equal(t, http.StatusUnauthorized, code, "/metrics without the operators' token")
}

// TestSlowBodiesAreCutOff replays issue 8 item 7: a body trickled one byte at a time held its
// connection open without end. A websocket, exempt, outlives the read timeout.
func TestSlowBodiesAreCutOff(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true, Timeouts: server.Timeouts{Read: time.Second, ReadHeader: time.Second, Write: 2 * time.Second, Idle: 2 * time.Second}})
	u, err := url.Parse(sys.APIs[0])
	require.NoError(t, err)
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{", u.Host)
	require.NoError(t, err)
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		buf := make([]byte, 512)
		_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		for {
			if _, err := conn.Read(buf); err != nil {
				return
			}
		}
	}()
	trickled := 0
	for trickled < 40 {
		select {
		case <-closed:
			t.Logf("cut off after %d trickled bytes", trickled)
			goto socket
		case <-time.After(250 * time.Millisecond):
			if _, err := conn.Write([]byte(" ")); err != nil {
				goto socket
			}
			trickled++
		}
	}
	t.Fatalf("a body trickled for %d bytes over 10 s is still being read", trickled)

socket:
	admin := sys.Login("admin@demo.test")
	sock := admin.Connect(e2e.ProtoTransportWS)
	time.Sleep(2500 * time.Millisecond) // past the read, write and idle timeouts
	sock.Start("1", `{ me { email } }`, nil)
	ev, ok := sock.Next(5 * time.Second)
	require.True(t, ok, "the websocket was closed by the HTTP timeouts")
	require.Contains(t, string(ev.Data), "admin@demo.test")
}

// TestBadInputIsBadUserInput replays issue 8 item 7's inputs that answered INTERNAL: a NUL byte,
// a year-0 time or cursor; and names that are not printable text.
func TestBadInputIsBadUserInput(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	admin := sys.Login("admin@demo.test")
	const create = `mutation($n:String!){ createClient(input:{name:$n}) { id } }`
	for _, name := range []string{"Nul\x00Corp", "Line\nBreak Ltd", "Tab\tCo", "Bell\x07", "Evil\u202eexe.txt", "Zero\u200bWidth", "Iso\u2066late"} {
		r := admin.Do(create, map[string]any{"n": name})
		requireCode(t, r, "BAD_USER_INPUT")
		require.Equal(t, "name", r.Field(), "%q: %+v", name, r.Errors)
	}
	require.Zero(t, countRows(t, sys, `SELECT count(*) FROM clients WHERE name ~ '(Nul|Line|Tab|Bell|Evil|Zero|Iso)'`))
	// A NUL byte in any string argument, not only names.
	r := admin.Do(`query($k:String){ auditEvents(kind:$k){ totalCount } }`, map[string]any{"k": "x\x00y"})
	requireCode(t, r, "BAD_USER_INPUT")
	require.Equal(t, "kind", r.Field())
	// Ordinary international names still pass.
	require.Empty(t, admin.Do(create, map[string]any{"n": "Müller & Söhne — 東京"}).Errors)

	r = admin.Do(`query($s:Time){ auditEvents(since:$s){ totalCount } }`, map[string]any{"s": "0000-01-01T00:00:00Z"})
	requireCode(t, r, "BAD_USER_INPUT")
	require.Equal(t, "since", r.Field())

	cursor := base64.RawURLEncoding.EncodeToString([]byte("0000-01-01T00:00:00Z|" + sys.Seed.Acme.ID.String()))
	for _, q := range []string{`query($a:String){ clients(after:$a){ totalCount } }`, `query($a:String){ auditEvents(after:$a){ totalCount } }`} {
		r = admin.Do(q, map[string]any{"a": cursor})
		requireCode(t, r, "BAD_USER_INPUT")
		require.Equal(t, "after", r.Field())
	}
	require.NotContains(t, sys.Logs.String(), `"level":"ERROR"`, "bad input logged as an internal error")
}

// TestStaffDataByRole replays issue 8 item 9: a member read every user's email and role and
// the address and browser of every audit event.
func TestStaffDataByRole(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{NoWorker: true})
	admin := sys.Login("admin@demo.test")
	require.Empty(t, admin.Do(`mutation{ updateProfile(input:{name:"Admin Renamed"}){ id } }`, nil).Errors)
	member := sys.Login("member@demo.test")

	requireCode(t, member.Do(`{ users { nodes { email role } } }`, nil), "FORBIDDEN")
	var users struct {
		Users struct{ Nodes []struct{ Email string } }
	}
	admin.Do(`{ users { nodes { email role } } }`, nil).Decode(t, &users)
	require.NotEmpty(t, users.Users.Nodes)

	type events struct {
		AuditEvents struct {
			Nodes []struct {
				Kind          string
				IP, UserAgent *string
			}
		}
	}
	const q = `{ auditEvents(first: 100) { nodes { kind ip userAgent } } }`
	var seen events
	member.Do(q, nil).Decode(t, &seen)
	require.NotEmpty(t, seen.AuditEvents.Nodes, "members still see the events")
	for _, e := range seen.AuditEvents.Nodes {
		require.Nil(t, e.IP, "%s", e.Kind)
		require.Nil(t, e.UserAgent, "%s", e.Kind)
	}
	var full events
	admin.Do(q, nil).Decode(t, &full)
	withIP := 0
	for _, e := range full.AuditEvents.Nodes {
		if e.IP != nil && *e.IP != "" {
			withIP++
		}
	}
	require.NotZero(t, withIP, "admins see the addresses")
}

// TestStrangersCannotLockOutAUser replays issue 8 item 10: failed logins for owner@demo.test
// from any address locked the account for 15 minutes.
func TestStrangersCannotLockOutAUser(t *testing.T) {
	t.Parallel()
	trusted, err := config.ParseTrustedProxies("127.0.0.0/8,::1")
	require.NoError(t, err)
	sys := e2e.Start(t, e2e.Options{NoWorker: true, TuneConfig: func(c *config.Config) { c.TrustedProxies = trusted }})
	from := func(addr string) *e2e.Client {
		c := sys.NewClient(0)
		c.Header = http.Header{"X-Forwarded-For": {addr}}
		return c
	}
	attacker := "198.51.100.23"
	for range 10 {
		requireCode(t, from(attacker).Do(loginQuery, map[string]any{"e": "owner@demo.test", "p": "guess"}), "UNAUTHENTICATED")
	}
	// The attacker's address is throttled, the right password included...
	requireCode(t, from(attacker).Do(loginQuery, map[string]any{"e": "owner@demo.test", "p": demo.Password}), "RATE_LIMITED")
	// ... and each lock-out makes its next window longer.
	n, err := sys.Redis.Get(t.Context(), sys.Config.KeyPrefix+"strikes:login:pair:owner@demo.test|"+attacker).Int()
	require.NoError(t, err)
	require.Equal(t, 1, n)
	// The real user, elsewhere, logs in.
	real := from("203.0.113.50")
	r := real.Do(loginQuery, map[string]any{"e": "owner@demo.test", "p": demo.Password})
	require.Empty(t, r.Errors)
	require.NotEmpty(t, real.Cookie())
}
