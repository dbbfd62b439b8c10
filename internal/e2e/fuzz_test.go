package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/e2e"
)

// fuzzTarget is one running system the GraphQL fuzz targets post to, with a session per role
// that is renewed whenever a fuzzed document ends it (logout, a changed address).
type fuzzTarget struct {
	sys    *e2e.System
	users  []string // user ids, by role index
	tokens []string
	tables []string
	// ids puts the demo data's ids in place of the seed corpus' placeholders.
	ids *strings.Replacer
}

// fuzzRoles are the sessions a fuzzed operation runs under (the index is the fuzz input's
// "who"; one past the end means no session).
var fuzzRoles = []string{"owner@demo.test", "member@demo.test", "alice@acme.test", "owner@rival.test"}

func startFuzzTarget(f *testing.F) *fuzzTarget {
	// No worker: nothing changes rows by itself between two snapshots of an iteration.
	ft := &fuzzTarget{sys: e2e.Start(f, e2e.Options{NoWorker: true})}
	for _, email := range fuzzRoles {
		ft.users = append(ft.users, ft.sys.Seed.UsersByEmail[email].ID.String())
		ft.tokens = append(ft.tokens, "")
	}
	// The committed corpus (written by scripts/fuzzcorpus) names the demo data's objects by
	// placeholders, as their ids are new in every system: seeds then reach real clients and
	// users, not only NOT_FOUND. A mutated placeholder is just another string.
	seed := ft.sys.Seed
	ft.ids = strings.NewReplacer(
		"@@ACME@@", seed.Acme.ID.String(), "@@GLOBEX@@", seed.Globex.ID.String(),
		"@@BOB@@", seed.UsersByEmail["bob@globex.test"].ID.String(),
		"@@ALICE@@", seed.UsersByEmail["alice@acme.test"].ID.String())
	return ft
}

// session returns a live session token for role i ("" past the roles), logging in again when
// the last one ended. The login limiter is reset first: fuzzed logins count against it.
func (ft *fuzzTarget) session(t *testing.T, i int) string {
	if i >= len(fuzzRoles) {
		return ""
	}
	ctx := context.Background()
	if tok := ft.tokens[i]; tok != "" {
		if _, err := ft.sys.Apps[0].Sessions.Authenticate(ctx, tok, "127.0.0.1", "fuzz"); err == nil {
			return tok
		}
	}
	keys, err := ft.sys.Redis.Keys(ctx, ft.sys.Config.KeyPrefix+"ratelimit:*").Result()
	require.NoError(t, err)
	if len(keys) > 0 {
		require.NoError(t, ft.sys.Redis.Del(ctx, keys...).Err())
	}
	var email string
	require.NoError(t, ft.sys.DB.QueryRowContext(ctx, `SELECT email FROM users WHERE id = ?`, ft.users[i]).Scan(&email))
	_, err = ft.sys.DB.ExecContext(ctx, `UPDATE users SET deactivated_at = NULL WHERE id = ?`, ft.users[i])
	require.NoError(t, err)
	tok, _, err := ft.sys.Apps[0].Sessions.Login(ctx, email, demo.Password, "127.0.0.1", "fuzz")
	require.NoError(t, err, "log in again as %s", email)
	ft.tokens[i] = tok
	return tok
}

// fingerprint is every row of every table but sessions (which each request touches), hashed
// per table.
func (ft *fuzzTarget) fingerprint(t *testing.T) string {
	ctx := context.Background()
	if ft.tables == nil {
		rows, err := ft.sys.DB.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'sessions' ORDER BY 1`)
		require.NoError(t, err)
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			ft.tables = append(ft.tables, s)
		}
		require.NoError(t, rows.Err())
		rows.Close()
	}
	var b strings.Builder
	for _, tb := range ft.tables {
		var n int
		var h string
		require.NoError(t, ft.sys.DB.QueryRowContext(ctx,
			fmt.Sprintf(`SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM %q t`, tb)).Scan(&n, &h))
		fmt.Fprintf(&b, "%s:%d/%s ", tb, n, h)
	}
	return b.String()
}

// post sends a raw body to /graphql with role i's session and returns the status and body.
func (ft *fuzzTarget) post(t *testing.T, i int, body []byte) (int, []byte) {
	req, err := http.NewRequest(http.MethodPost, ft.sys.APIs[0]+"/graphql", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", e2e.Origin)
	if tok := ft.session(t, i); tok != "" {
		req.AddCookie(&http.Cookie{Name: "accesshive_session", Value: tok})
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "the server dropped the request (a panic in a handler?)")
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, raw
}

// requireNoPanic fails when the server logged a recovered panic.
func (ft *fuzzTarget) requireNoPanic(t *testing.T, input string) {
	require.NotContains(t, ft.sys.Logs.String(), `"resolver panic"`, "the server panicked on %q", input)
}

// fuzzAnswer checks one GraphQL answer: JSON, no server error, no INTERNAL; it reports whether
// the operation was refused as a whole (errors and no root field answered).
func fuzzAnswer(t *testing.T, status int, raw []byte, input string) bool {
	require.Less(t, status, 500, "status %d for %q: %s", status, input, raw)
	var r e2e.Response
	require.NoError(t, json.Unmarshal(raw, &r), "not JSON for %q: %s", input, raw)
	for _, e := range r.Errors {
		require.NotEqual(t, "INTERNAL", e.Extensions["code"], "INTERNAL for %q: %s", input, raw)
	}
	if len(r.Errors) == 0 {
		return false
	}
	var data map[string]json.RawMessage
	if len(r.Data) == 0 || string(r.Data) == "null" || json.Unmarshal(r.Data, &data) != nil {
		return true
	}
	for _, v := range data {
		if string(v) != "null" {
			return false
		}
	}
	return true
}

// fuzzSeedOps are valid and nearly valid operations of every kind: the fuzzer mutates them.
var fuzzSeedOps = []struct{ query, vars string }{
	{`{ me { id email role agency { id name } client { id name } } }`, `{}`},
	{`query($a:String){ clients(first: 2, after: $a) { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } totalCount } }`, `{"a":"MjAyNi0wMS0wMlQwMzowNDowNVp8OGY0YzdkMGUtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAx"}`},
	{`query($id:ID!){ client(id:$id){ id name } }`, `{"id":"not-a-uuid"}`},
	{`{ platforms { key name connection { state lastError } } }`, `{}`},
	{`query($t:JobType,$n:Int){ jobs(type:$t, limit:$n){ id type status input result error } }`, `{"t":"SYNC_DIRECTORY","n":2147483647}`},
	{`query($c:ID!,$p:PlatformKey){ identities(clientId:$c, platform:$p, first: 101){ totalCount nodes { id displayName } } }`, `{"c":"00000000-0000-0000-0000-000000000000","p":"GA4"}`},
	{`query($s:Time,$u:Time,$k:String){ auditEvents(since:$s, until:$u, kind:$k, first: 0){ totalCount nodes { id kind data } } }`, `{"s":"2026-13-45T99:00:00Z","u":"yesterday","k":"identity.created"}`},
	{`{ agencySettings { accessRequestExpiryHours namingTemplate } users { nodes { id email } } roleTemplates { id name } }`, `{}`},
	{`query($u:Boolean){ notifications(unreadOnly:$u){ unreadCount nodes { id title body data } } }`, `{"u":"yes"}`},
	{`mutation($n:String!){ createClient(input:{name:$n}){ id name } }`, `{"n":"   "}`},
	{`mutation($in: CreateUserInput!){ createUser(input:$in){ id } }`, `{"in":{"email":"not an email","name":"","password":"short","role":"CLIENT_USER"}}`},
	{`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ id } }`, `{"in":{"type":"EXTERNAL_LOGIN","username":"u","password":"p","token":"t","totpSecret":"1!","loginUrl":"javascript:alert(1)"}}`},
	{`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ id } }`, `{"in":{"type":"API_TOKEN","platform":"META_ADS","clientId":"x","token":"","tokenExpiresAt":"1999-01-01T00:00:00Z"}}`},
	{`mutation($in: UpdateCredentialsInput!){ updateCredentials(input:$in){ id } }`, `{"in":{"identityId":"00000000-0000-0000-0000-000000000000","password":""}}`},
	{`mutation($id:ID!,$in:RotateCredentialsInput){ rotateCredentials(identityId:$id, input:$in){ id } }`, `{"id":"","in":{"token":"x"}}`},
	{`mutation($in: ConfigureIdentitySourceInput!){ configureIdentitySource(input:$in){ id } }`, `{"in":{"domain":"-x-","customerId":"C","adminSubject":"@","serviceAccountKey":"{\"type\":\"service_account\"}","managedOu":"//"}}`},
	{`mutation($in: SubmitAccessRequestInput!){ submitAccessRequest(input:$in){ id } }`, `{"in":{"platform":"GA4","identityType":"MANAGED_GWS","justification":""}}`},
	{`mutation($id:ID!,$r:String,$c:ApprovalCredentialsInput){ approveAccessRequest(id:$id, reason:$r, credentials:$c){ id } }`, `{"id":"00000000-0000-0000-0000-000000000000","r":"","c":{"totpSecret":"bad"}}`},
	{`mutation($in: CreateRoleTemplateInput!){ createRoleTemplate(input:$in){ id } }`, `{"in":{"name":"","platform":"GA4","identityType":"API_TOKEN","defaultJustification":""}}`},
	{`mutation($ids:[ID!]!){ markNotificationsRead(ids:$ids) }`, `{"ids":["x","00000000-0000-0000-0000-000000000000"]}`},
	{`mutation($in: UpdateAgencySettingsInput!){ updateAgencySettings(input:$in){ namingTemplate } }`, `{"in":{"accessRequestExpiryHours":0,"namingTemplate":"{client}@{domain}@{domain}"}}`},
	{`mutation($in: UpdateProfileInput!){ updateProfile(input:$in){ id } }`, `{"in":{"email":"a@@b","name":""}}`},
	{`mutation($id:ID!){ deactivateUser(id:$id){ user { id } } }`, `{"id":"00000000-0000-0000-0000-000000000000"}`},
	{`mutation($id:ID!,$k:[MismatchKind!]){ repairDirectory(reportId:$id, kinds:$k){ id } }`, `{"id":"x","k":["NOPE"]}`},
	{`mutation($e:String!,$p:String!){ login(email:$e, password:$p){ id } }`, `{"e":"owner@demo.test","p":""}`},
	{`query { a: me { id } b: me { id } ...F } fragment F on Query { me { ...F2 } } fragment F2 on User { id }`, `{}`},
	{`query Q($x: Int = "a") { clients(first: $x) { totalCount } }`, `{"x": 1e400}`},
	{`{ __schema { types { name } } }`, `null`},
	{`{ me { agency { id } } } # trailing`, `[]`},
}

// FuzzGraphQL posts mutated documents and variables to a running server under every role and
// without a session: no answer is a 5xx, non-JSON or INTERNAL, the server never panics, and an
// operation refused as a whole writes no row.
func FuzzGraphQL(f *testing.F) {
	ft := startFuzzTarget(f)
	for i, s := range fuzzSeedOps {
		f.Add(s.query, s.vars, uint8(i%(len(fuzzRoles)+1)))
	}
	f.Fuzz(func(t *testing.T, query, vars string, who uint8) {
		query, vars = ft.ids.Replace(query), ft.ids.Replace(vars)
		i := int(who) % (len(fuzzRoles) + 1)
		ft.session(t, i)
		body, err := json.Marshal(map[string]any{"query": query, "variables": json.RawMessage(vars)})
		if err != nil {
			// vars is not JSON: send it raw, as a client with a broken encoder would.
			body = []byte(fmt.Sprintf(`{"query":%q,"variables":%s}`, query, vars))
		}
		input := fmt.Sprintf("%s %s as %d", query, vars, i)
		before := ft.fingerprint(t)
		status, raw := ft.post(t, i, body)
		refused := fuzzAnswer(t, status, raw, input)
		ft.requireNoPanic(t, input)
		if refused {
			require.Equal(t, before, ft.fingerprint(t), "a refused operation wrote rows: %q: %s", input, raw)
		}
	})
}

// FuzzGraphQLBody posts arbitrary bytes as the request body: the same guarantees as
// FuzzGraphQL for bodies that are not even JSON.
func FuzzGraphQLBody(f *testing.F) {
	ft := startFuzzTarget(f)
	for _, s := range fuzzSeedOps[:6] {
		b, _ := json.Marshal(map[string]any{"query": s.query, "variables": json.RawMessage(s.vars)})
		f.Add(b)
	}
	f.Add([]byte(`{"query": 1}`))
	f.Add([]byte(`{"query":"{ me { id } }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"x"}}}`))
	f.Add([]byte(`[{"query":"{ me { id } }"}]`))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, body []byte) {
		body = []byte(ft.ids.Replace(string(body)))
		input := fmt.Sprintf("%q", body)
		before := ft.fingerprint(t)
		status, raw := ft.post(t, 0, body)
		refused := fuzzAnswer(t, status, raw, input)
		ft.requireNoPanic(t, input)
		if refused {
			require.Equal(t, before, ft.fingerprint(t), "a refused body wrote rows: %s: %s", input, raw)
		}
	})
}

// FuzzGraphQLWebsocket sends a mutated message on an initialised graphql-transport-ws
// connection, then a ping: the server answers the ping or closes the connection, never with
// INTERNAL, never panicking, and a refused message writes no row.
func FuzzGraphQLWebsocket(f *testing.F) {
	ft := startFuzzTarget(f)
	for _, m := range []string{
		`{"id":"1","type":"subscribe","payload":{"query":"subscription { jobUpdated { id status } }"}}`,
		`{"id":"1","type":"subscribe","payload":{"query":"subscription($i:ID!){ identityUpdated(identityId:$i){ id } }","variables":{"i":"x"}}}`,
		`{"id":"1","type":"subscribe","payload":{"query":"subscription($r:ID!){ revealCountdown(revealId:$r){ revealId } }","variables":{"r":"00000000-0000-0000-0000-000000000000"}}}`,
		`{"id":"1","type":"subscribe","payload":{"query":"mutation { createClient(input:{name:\"\"}) { id } }"}}`,
		`{"id":"1","type":"subscribe","payload":{"query":"{ me { id } }"}}`,
		`{"id":"1","type":"complete"}`,
		`{"type":"connection_init","payload":{}}`,
		`{"type":"subscribe"}`,
		`{"id":"","type":"subscribe","payload":null}`,
		`{"type":"pong"}`,
		`not json`,
	} {
		f.Add(m, uint8(0))
	}
	f.Fuzz(func(t *testing.T, msg string, who uint8) {
		msg = ft.ids.Replace(msg)
		i := int(who) % len(fuzzRoles)
		tok := ft.session(t, i)
		before := ft.fingerprint(t)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		h := http.Header{}
		h.Set("Origin", e2e.Origin)
		h.Set("Cookie", "accesshive_session="+tok)
		conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ft.sys.APIs[0], "http")+"/graphql",
			&websocket.DialOptions{HTTPHeader: h, Subprotocols: []string{e2e.ProtoTransportWS}})
		require.NoError(t, err)
		defer conn.Close(websocket.StatusNormalClosure, "")
		conn.SetReadLimit(1 << 20)
		require.NoError(t, conn.Write(ctx, websocket.MessageText, []byte(`{"type":"connection_init","payload":{}}`)))
		_, ack, err := conn.Read(ctx)
		require.NoError(t, err)
		require.Contains(t, string(ack), "connection_ack")
		if conn.Write(ctx, websocket.MessageText, []byte(msg)) == nil {
			_ = conn.Write(ctx, websocket.MessageText, []byte(`{"type":"ping"}`))
		}
		// A subscribe message runs its operation apart from the ping: its answer (next, error,
		// complete) is awaited too, up to two seconds for a subscription that streams.
		var sent struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal([]byte(msg), &sent)
		pending := sent.Type == "subscribe"
		wrote, ponged := false, false
		for !ponged || pending {
			wait := 10 * time.Second
			if ponged {
				wait = 2 * time.Second
			}
			rctx, rcancel := context.WithTimeout(ctx, wait)
			_, b, err := conn.Read(rctx)
			rcancel()
			if err != nil {
				// Closed by the server (a protocol error), or a subscription that streams on.
				if !ponged && ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) {
					break
				}
				require.True(t, ponged, "no answer to the ping after %q: %v", msg, err)
				break
			}
			require.NotContains(t, string(b), `"INTERNAL"`, "INTERNAL for %q: %s", msg, b)
			var m struct {
				Type    string          `json:"type"`
				Payload json.RawMessage `json:"payload"`
			}
			require.NoError(t, json.Unmarshal(b, &m), "not JSON for %q: %s", msg, b)
			if m.Type == "next" && !bytes.Contains(m.Payload, []byte(`"errors"`)) {
				wrote = true
			}
			switch m.Type {
			case "pong":
				ponged = true
			case "error", "complete":
				pending = false
			case "next":
				if sent.Type == "subscribe" && !strings.Contains(msg, "subscription") {
					pending = false // a query or mutation answers once
				}
			}
		}
		ft.requireNoPanic(t, msg)
		if !wrote {
			require.Equal(t, before, ft.fingerprint(t), "a refused message wrote rows: %q", msg)
		}
	})
}
