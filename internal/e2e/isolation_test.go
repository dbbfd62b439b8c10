package e2e_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/config"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/e2e"
)

// fieldClass says what a root field may answer a caller who names another tenant's objects.
type fieldClass string

const (
	// refuse: the field addresses one object by id; naming another tenant's object (or, for
	// Globex's client user, Acme's or a staff-only one) must answer NOT_FOUND or FORBIDDEN.
	refuse fieldClass = "refuse"
	// list: the field lists or filters; it may answer with the caller's own data (or an empty
	// list, or be refused), but never with the victim's.
	list fieldClass = "list"
	// own: the field acts on the caller itself or its own agency and legitimately succeeds
	// for anyone allowed to call it; it must carry none of the victim's data.
	own fieldClass = "own"
	// session: login and logout, which make or end a session; they run on spare sessions.
	session fieldClass = "session"
	// noIDs: takes no object id at all (a link's token, the caller's own password), so it can only
	// act on the caller's own account: any refusal but INTERNAL is fine, and as everywhere the
	// answer carries none of the victim's data and the victim's rows stay unchanged.
	noIDs fieldClass = "noIDs"
)

// isolationClasses classifies every root field. A field the schema has and this table lacks
// fails the test: whoever adds a field decides here how it must treat other tenants.
var isolationClasses = map[string]fieldClass{
	// Query
	"me":                   own, // the caller's own user
	"clients":              list,
	"client":               refuse,
	"platforms":            own, // the catalog with the caller's agency's connections
	"jobs":                 list,
	"identities":           refuse, // its clientId names the client whose identities are listed
	"agencyIdentities":     list,
	"identity":             refuse,
	"credentialReveal":     refuse,
	"identitySources":      list,
	"directorySyncReports": list,
	"accessRequests":       list, // clientId only filters
	"accessRequest":        refuse,
	"roleTemplates":        list,
	"notifications":        list,
	"agencySettings":       own,  // the caller's agency's settings
	"auditEvents":          list, // identityId and userId only filter
	"revealLedger":         refuse,
	"revealsByUser":        refuse,
	"rotationOffer":        refuse,
	"users":                list,
	// Mutation
	"login":                   session, // anyone may try; a victim's address with a wrong password must teach nothing
	"logout":                  session, // ends the caller's own session
	"createClient":            own,     // creates in the caller's agency
	"createUser":              refuse,  // named with a victim client
	"connectPlatform":         own,
	"createIdentity":          refuse, // named with a victim client
	"deleteIdentity":          refuse,
	"revealCredentials":       refuse,
	"updateCredentials":       refuse,
	"rotateCredentials":       refuse,
	"retryProvisioning":       refuse,
	"configureIdentitySource": own,
	"syncDirectory":           refuse,
	"repairDirectory":         refuse,
	"submitAccessRequest":     refuse, // named with a victim role template (or another kind's id)
	"approveAccessRequest":    refuse,
	"rejectAccessRequest":     refuse,
	"createRoleTemplate":      own,
	"markNotificationsRead":   own, // marks the caller's own; others' ids count 0 and change nothing
	"updateAgencySettings":    own,
	"updateProfile":           own, // the caller's own profile
	"deactivateUser":          refuse,
	"rotateRevealedBy":        refuse,
	"inviteUser":              refuse, // named with a victim client
	"completePasswordSetup":   noIDs,  // a link's token only
	"changePassword":          noIDs,  // the caller's own password
	"sendPasswordReset":       refuse,
	"confirmEmailChange":      noIDs, // a link's token only
	"renameClient":            refuse,
	"offboardClient":          refuse,
	"updateRoleTemplate":      refuse,
	"deleteRoleTemplate":      refuse,
	// Subscription
	"jobUpdated":           own, // the caller's agency's jobs
	"identityUpdated":      refuse,
	"revealCountdown":      refuse,
	"accessRequestUpdated": list,
	"notificationAdded":    own, // the caller's own notifications
}

// isolationHints override generated argument values (by argument path) where the generic
// value would be refused as invalid before the tenant check is reached. A hint never carries a
// victim id: those are generated.
var isolationHints = map[string]map[string]any{
	"createUser":        {"input.role": "CLIENT_USER"},
	"inviteUser":        {"input.role": "CLIENT_USER"},
	"createIdentity":    {"input.type": "EXTERNAL_LOGIN", "input.platform": "META_ADS", "input.username": "mole", "input.password": "mole-password-long-enough"},
	"updateCredentials": {"input.password": "mole-password-long-enough"},
	"rotateCredentials": {"input": map[string]any{"password": "mole-password-long-enough"}},
	"submitAccessRequest": {
		"input.platform": "META_ADS", "input.identityType": "EXTERNAL_LOGIN", "input.justification": "isolation probe",
	},
	"approveAccessRequest": {"credentials": omitted},
	"createRoleTemplate":   {"input.name": "Mole template"},
	"updateAgencySettings": {"input.accessRequestExpiryHours": 48},
	// Not META_ADS, which createIdentity names: Rival's own connection stays OPERATIONAL.
	"connectPlatform": {"input.platform": "TIKTOK_ADS", "input.state": "OPERATIONAL"},
}

// attacker is one caller of the walk with what it must never see.
type attacker struct {
	name string
	c    *e2e.Client
	// spare sessions for login and logout.
	spare []*e2e.Client
	// ids are the victim's object ids by kind, to name in arguments.
	ids map[string][]string
	// secrets are strings (ids, names, emails) that must appear in no answer.
	secrets []string
	// mine are strings that mark the caller's own rows in the victim's tables (Globex's client
	// user lives in Demo Agency): rows holding one are the caller's, not the victim's.
	mine []string
	// demoEmail is a victim login address for the login probe.
	demoEmail string
}

// candidates returns up to six victim ids of kind (any kind's when kind is unknown or the
// attacker has none of it).
func (a *attacker) candidates(kind string) []string {
	ids := a.ids[kind]
	if len(ids) == 0 {
		for _, k := range idKinds {
			if v := a.ids[k]; len(v) > 0 {
				ids = append(ids, v[0])
			}
		}
	}
	if len(ids) > 6 {
		ids = ids[:6]
	}
	return ids
}

// leaked returns the first secret found in body, or "".
func (a *attacker) leaked(body string) string {
	for _, s := range a.secrets {
		if strings.Contains(body, s) {
			return s
		}
	}
	return ""
}

// TestIsolationGenerated walks every Query, Mutation and Subscription field read by
// introspection, calling each as every role of Rival Agency (with Demo Agency's object ids)
// and as Globex's client user bob (with Acme's and staff-only object ids). Every answer of a
// field that names an object is NOT_FOUND or FORBIDDEN, the same as for a random id; no answer
// carries the victim's ids, names or emails; no call changes a row of the victim's; and no
// subscription delivers any of the victim's events while the victim works.
func TestIsolationGenerated(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{TuneConfig: func(c *config.Config) { c.Introspection = true }})
	ctx := context.Background()
	demoID, acme, globex := sys.Seed.Demo.ID.String(), sys.Seed.Acme.ID.String(), sys.Seed.Globex.ID.String()
	users := sys.Seed.UsersByEmail
	admin := sys.Login("admin@demo.test")
	alice := sys.Login("alice@acme.test")

	// --- The victim's data: one object of every kind, in Acme and agency-wide ---
	ext := createExternal(t, admin, acme, "META_ADS", "acme-meta-password-1")
	var tok struct{ CreateIdentity identityView }
	admin.Do(`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ `+identityFields+` } }`, map[string]any{"in": map[string]any{
		"clientId": acme, "platform": "GOOGLE_ADS", "type": "API_TOKEN", "token": "acme-google-token-1", "displayName": "Acme Google token",
	}}).Decode(t, &tok)
	var agencyIdent struct{ CreateIdentity identityView }
	admin.Do(`mutation($in: CreateIdentityInput!){ createIdentity(input:$in){ `+identityFields+` } }`, map[string]any{"in": map[string]any{
		"type": "EXTERNAL_LOGIN", "username": "agency-login@demo.example", "password": "agency-password-1", "displayName": "Demo shared login",
	}}).Decode(t, &agencyIdent)
	createExternal(t, admin, globex, "META_ADS", "globex-meta-password-1")
	managedReq := arSubmit(t, alice, "GA4", "MANAGED_GWS", "Acme needs GA4 dashboards")
	approved := arOne(t, arApprove(admin, managedReq.ID, arStr("fine"), nil))
	require.NotNil(t, approved.Identity)
	gwsAwaitState(t, admin, approved.Identity.ID, "PROVISIONED")
	arReveal(t, admin, ext.ID)
	var tpl struct{ CreateRoleTemplate struct{ ID string } }
	admin.Do(arTemplateOp, map[string]any{"in": map[string]any{"name": "Ads Template", "platform": "META_ADS", "identityType": "EXTERNAL_LOGIN"}}).Decode(t, &tpl)
	src := gwsSources(t, admin)
	require.NotEmpty(t, src)
	var sync struct{ SyncDirectory struct{ ID string } }
	gwsSync(admin, src[0].ID).Decode(t, &sync)
	gwsAwaitJob(t, admin, "SYNC_DIRECTORY", sync.SyncDirectory.ID)
	require.NotEmpty(t, gwsReports(t, admin, 1), "the sync stored a report")
	for _, p := range []string{"LINKEDIN_ADS", "TIKTOK_ADS"} {
		admin.Do(`mutation($p: PlatformKey!){ connectPlatform(input:{platform: $p, state: OPERATIONAL}) { key } }`, map[string]any{"p": p}).Decode(t, &struct{}{})
	}
	pending := arSubmit(t, alice, "LINKEDIN_ADS", "EXTERNAL_LOGIN", "Acme wants LinkedIn")
	waitQuiet(t, sys)

	// --- The attackers ---
	rivalOwner := sys.Login("owner@rival.test")
	var rc struct{ CreateClient struct{ ID string } }
	rivalOwner.Do(`mutation { createClient(input:{name:"Rival Client"}) { id } }`, nil).Decode(t, &rc)
	for _, u := range []struct{ email, role, client string }{
		{"admin@rival.test", "ADMIN", ""}, {"member@rival.test", "MEMBER", ""}, {"client@rival.test", "CLIENT_USER", rc.CreateClient.ID},
	} {
		in := map[string]any{"email": u.email, "name": "Rival " + u.role, "password": demo.Password, "role": u.role}
		if u.client != "" {
			in["clientId"] = u.client
		}
		r := rivalOwner.Do(`mutation($in: CreateUserInput!){ createUser(input:$in){ id } }`, map[string]any{"in": in})
		require.Empty(t, r.Errors, "create %s", u.email)
	}

	// Victim ids straight from the database, so no kind is forgotten.
	idsOf := func(q string, args ...any) []string {
		var out []string
		rows, err := sys.DB.QueryContext(ctx, q, args...)
		require.NoError(t, err)
		defer rows.Close()
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			out = append(out, s)
		}
		require.NoError(t, rows.Err())
		return out
	}
	bobID := users["bob@globex.test"].ID.String()
	demoIDs := map[string][]string{
		"client":       idsOf(`SELECT id::text FROM clients WHERE agency_id = ? ORDER BY created_at`, demoID),
		"identity":     idsOf(`SELECT id::text FROM identities WHERE agency_id = ? ORDER BY created_at`, demoID),
		"request":      idsOf(`SELECT id::text FROM access_requests WHERE agency_id = ? ORDER BY created_at`, demoID),
		"reveal":       idsOf(`SELECT id::text FROM reveals WHERE agency_id = ? ORDER BY created_at`, demoID),
		"job":          idsOf(`SELECT id::text FROM jobs WHERE agency_id = ? ORDER BY queued_at`, demoID),
		"source":       idsOf(`SELECT id::text FROM identity_sources WHERE agency_id = ?`, demoID),
		"report":       idsOf(`SELECT id::text FROM directory_sync_reports WHERE agency_id = ?`, demoID),
		"template":     idsOf(`SELECT id::text FROM role_templates WHERE agency_id = ?`, demoID),
		"notification": idsOf(`SELECT id::text FROM notifications WHERE agency_id = ? ORDER BY created_at`, demoID),
		"user":         idsOf(`SELECT id::text FROM users WHERE agency_id = ? ORDER BY created_at`, demoID),
		"audit":        idsOf(`SELECT id::text FROM audit_events WHERE agency_id = ? ORDER BY created_at`, demoID),
	}
	for _, k := range idKinds {
		require.NotEmpty(t, demoIDs[k], "the victim has no %s", k)
	}
	// What bob may not see: Acme's objects and the staff-only ones (not his agency's templates,
	// nor his own user, nor Globex's objects).
	bobIDs := map[string][]string{
		"client":       {acme},
		"identity":     idsOf(`SELECT id::text FROM identities WHERE agency_id = ? AND (client_id IS NULL OR client_id = ?) ORDER BY created_at`, demoID, acme),
		"request":      idsOf(`SELECT id::text FROM access_requests WHERE agency_id = ? AND client_id = ? ORDER BY created_at`, demoID, acme),
		"reveal":       demoIDs["reveal"],
		"job":          demoIDs["job"],
		"source":       demoIDs["source"],
		"report":       demoIDs["report"],
		"notification": idsOf(`SELECT id::text FROM notifications WHERE agency_id = ? AND user_id <> ? ORDER BY created_at`, demoID, bobID),
		"user":         idsOf(`SELECT id::text FROM users WHERE agency_id = ? AND id <> ? ORDER BY created_at`, demoID, bobID),
		"audit":        demoIDs["audit"],
	}
	var rivalSecrets, bobSecrets []string
	for _, k := range idKinds {
		rivalSecrets = append(rivalSecrets, demoIDs[k]...)
		bobSecrets = append(bobSecrets, bobIDs[k]...)
	}
	rivalSecrets = append(rivalSecrets, demoID, "Demo Agency", "Acme", "Globex", "@demo.test", "@acme.test", "@globex.test",
		"acme-meta-password-1", "acme-google-token-1", "agency-password-1", "ads@acme.example", "Demo shared login", "Ads Template")
	bobSecrets = append(bobSecrets, "Acme", "@acme.test", "Alice Acme", "admin@demo.test", "owner@demo.test", "member@demo.test",
		"acme-meta-password-1", "acme-google-token-1", "agency-password-1", "ads@acme.example", "Demo shared login")
	for _, l := range demo.Logins {
		if l.Agency == "Demo Agency" {
			rivalSecrets = append(rivalSecrets, l.Email)
		}
	}
	require.NotEmpty(t, pending.ID)

	login := func(email string) []*e2e.Client {
		return []*e2e.Client{sys.Login(email), sys.Login(email)}
	}
	var attackers []*attacker
	for _, email := range []string{"owner@rival.test", "admin@rival.test", "member@rival.test", "client@rival.test"} {
		attackers = append(attackers, &attacker{name: email, c: sys.Login(email), spare: login(email), ids: demoIDs,
			secrets: rivalSecrets, demoEmail: "alice@acme.test"})
	}
	attackers = append(attackers, &attacker{name: "bob@globex.test", c: sys.Login("bob@globex.test"), spare: login("bob@globex.test"),
		ids: bobIDs, secrets: bobSecrets, mine: []string{bobID, globex}, demoEmail: "alice@acme.test"})

	schema := introspect(t, admin)
	var unclassified []string
	for _, root := range []string{schema.Query, schema.Mutation, schema.Subscription} {
		for _, f := range schema.rootFields(root) {
			if _, ok := isolationClasses[f.Name]; !ok {
				unclassified = append(unclassified, root+"."+f.Name)
			}
		}
	}
	require.Empty(t, unclassified, "every root field must be classified in isolationClasses (how it treats other tenants' ids)")

	hints := map[string]map[string]any{}
	for k, v := range isolationHints {
		hints[k] = v
	}
	// A valid key, so that configuring its own source succeeds for Rival's owner and admin.
	keyJSON, _ := gwsServiceAccountKey(t, "mole@rival-project.iam.gserviceaccount.com")
	hints["configureIdentitySource"] = map[string]any{"input.managedOu": "/AccessHive", "input.serviceAccountKey": keyJSON}
	seq := 0
	calls := 0
	for _, root := range []struct{ name, kind string }{{schema.Query, "query"}, {schema.Mutation, "mutation"}} {
		for _, f := range schema.rootFields(root.name) {
			class := isolationClasses[f.Name]
			for _, a := range attackers {
				t.Run(f.Name+"/"+a.name, func(t *testing.T) {
					op := schema.buildOp(root.kind, f, hints[f.Name], &seq)
					vs := op.variants(a.candidates)
					if class != refuse && op.optionalSlotsOnly() {
						vs = append(vs, variant{ids: map[int]string{}, desc: "bare"})
					}
					before := victimRows(t, sys, a.mine)
					for _, v := range vs {
						calls++
						c := a.c
						vars := op.varsFor(v)
						switch f.Name {
						case "login":
							c = a.spare[0]
							vars["email"], vars["password"] = a.demoEmail, "not-the-password"
						case "logout":
							c = a.spare[1]
						}
						r := c.Do(op.query, vars)
						desc := fmt.Sprintf("%s as %s with %s: %s", f.Name, a.name, v.desc, summarize(r))
						checkAnswer(t, a, class, f.Name, r, desc, op.victimFields(v))
						if class == refuse && len(v.ids) > 0 {
							// The answer for the victim's id is the answer for an id that does
							// not exist: nothing tells that the object is there.
							rnd := variant{ids: map[int]string{}}
							for k := range v.ids {
								rnd.ids[k] = uuid.NewString()
							}
							r2 := a.c.Do(op.query, op.varsFor(rnd))
							require.NotEmpty(t, r2.Errors, "%s: a random id succeeded: %s", desc, r2.Data)
							require.Equal(t, r2.Code(), r.Code(), "%s: a victim's id and a random id get different answers (%s)", desc, summarize(r2))
							require.Equal(t, maskIDs(r2.Errors[0].Message), maskIDs(r.Errors[0].Message), desc)
						}
						if root.kind == "mutation" && f.Name != "login" && f.Name != "logout" {
							waitQuiet(t, sys)
						}
					}
					after := victimRows(t, sys, a.mine)
					// Only bob, who lives in the victim's agency, may add rows there (his own).
					requireUnchanged(t, before, after, class != refuse && len(a.mine) > 0, a, f.Name)
				})
			}
		}
	}
	t.Logf("isolation walk: %d calls over %d query and %d mutation fields as %d callers", calls,
		len(schema.rootFields(schema.Query)), len(schema.rootFields(schema.Mutation)), len(attackers))

	// --- Subscriptions: subscribe with the victim's ids, then let the victim work ---
	fresh := func() string {
		var out struct{ RevealCredentials struct{ ID string } }
		admin.Do(`mutation($id:ID!){ revealCredentials(identityId:$id){ id } }`, map[string]any{"id": ext.ID}).Decode(t, &out)
		return out.RevealCredentials.ID
	}
	liveReveal := fresh()
	type probe struct {
		a    *attacker
		sub  *e2e.Sub
		desc string
		cls  fieldClass
		seen []e2e.Event
	}
	var probes []*probe
	for _, f := range schema.rootFields(schema.Subscription) {
		class := isolationClasses[f.Name]
		for _, a := range attackers {
			op := schema.buildOp("subscription", f, isolationHints[f.Name], &seq)
			ids := func(kind string) []string {
				if kind == "reveal" {
					return []string{liveReveal}
				}
				return a.candidates(kind)
			}
			vs := op.variants(ids)
			if class != refuse && op.optionalSlotsOnly() {
				vs = append(vs, variant{ids: map[int]string{}, desc: "bare"})
			}
			for _, v := range vs {
				p := &probe{a: a, desc: f.Name + " as " + a.name + " with " + v.desc, cls: class}
				n := sys.Apps[0].Bus.Subscribers()
				p.sub = a.c.Subscribe(e2e.ProtoTransportWS, op.query, op.varsFor(v))
				// Registered on the bus, or refused at once: either way it is armed.
				deadline := time.Now().Add(10 * time.Second)
				for sys.Apps[0].Bus.Subscribers() <= n && len(p.seen) == 0 {
					require.True(t, time.Now().Before(deadline), "%s: neither registered nor refused", p.desc)
					if ev, ok := p.sub.Next(20 * time.Millisecond); ok {
						p.seen = append(p.seen, ev)
					}
				}
				probes = append(probes, p)
			}
		}
	}
	// The victim's own subscribers, registered on the bus before the victim works.
	witness := func(q string, vars map[string]any) *e2e.Sub {
		n := sys.Apps[0].Bus.Subscribers()
		s := admin.Subscribe(e2e.ProtoTransportWS, q, vars)
		arArmed(t, sys, 0, n+1)
		return s
	}
	witnessJobs := witness(`subscription { jobUpdated { id status } }`, nil)
	witnessReqs := witness(`subscription($c:ID){ accessRequestUpdated(clientId:$c){ id status } }`, map[string]any{"c": acme})
	witnessNotes := witness(arNoteSub, nil)
	witnessIdent := witness(`subscription($i:ID!){ identityUpdated(identityId:$i){ id provisioningState } }`, map[string]any{"i": approved.Identity.ID})
	witnessTick := admin.Subscribe(e2e.ProtoTransportWS, `subscription($r:ID!){ revealCountdown(revealId:$r){ revealId secondsRemaining } }`, map[string]any{"r": liveReveal})

	// The victim works: a request submitted and approved, a managed identity's password
	// rotated, a reveal ticking, a platform connected.
	req := arSubmit(t, alice, "TIKTOK_ADS", "API_TOKEN", "Acme wants TikTok")
	arOne(t, arApprove(admin, req.ID, arStr("ok"), map[string]any{"token": "acme-tiktok-token-1"}))
	r := admin.Do(`mutation($id:ID!){ rotateCredentials(identityId:$id){ id } }`, map[string]any{"id": approved.Identity.ID})
	require.Empty(t, r.Errors)
	admin.Do(`mutation { connectPlatform(input:{platform: GA4, state: DEGRADED}) { key } }`, nil).Decode(t, &struct{}{})
	for _, w := range []*e2e.Sub{witnessJobs, witnessReqs, witnessNotes, witnessIdent, witnessTick} {
		ev, ok := w.Next(arTimeout)
		require.True(t, ok, "the victim's own subscriber got its event")
		require.Empty(t, ev.Errors)
	}
	waitQuiet(t, sys)
	// The victim's events have reached replica 0 (its witnesses have them); the attackers'
	// subscriptions on the same replica were served by the same fan-out.
	for _, p := range probes {
		for {
			ev, ok := p.sub.Next(100 * time.Millisecond)
			if !ok {
				break
			}
			p.seen = append(p.seen, ev)
		}
		for _, ev := range p.seen {
			body := string(ev.Data) + fmt.Sprint(ev.Errors)
			require.Empty(t, p.a.leaked(body), "%s delivered the victim's data: %s", p.desc, body)
			if len(ev.Errors) > 0 {
				code, _ := ev.Errors[0].Extensions["code"].(string)
				require.Contains(t, []string{"NOT_FOUND", "FORBIDDEN"}, code, "%s: %+v", p.desc, ev.Errors)
				continue
			}
			if ev.Complete {
				continue
			}
			require.NotEqual(t, refuse, p.cls, "%s delivered an event: %s", p.desc, ev.Data)
		}
	}
	t.Logf("isolation walk: %d subscriptions held while the victim worked", len(probes))
}

// checkAnswer applies a field class to one answer.
//
// A refusal is NOT_FOUND or FORBIDDEN, or BAD_USER_INPUT naming the very input field that held
// the victim's id ("clientId: no such client"): an unresolvable reference inside an input is an
// input error, and the comparison with a random id shows it teaches nothing. An own or list
// field may also meet a CONFLICT with the caller's own objects (their ids are searched too).
func checkAnswer(t *testing.T, a *attacker, class fieldClass, field string, r e2e.Response, desc string, victimFields []string) {
	t.Helper()
	body := string(r.Data)
	for _, e := range r.Errors {
		body += " " + e.Message + fmt.Sprint(e.Extensions)
	}
	require.Empty(t, a.leaked(body), "%s: the answer carries the victim's data", desc)
	require.NotEqual(t, "INTERNAL", r.Code(), desc)
	switch class {
	case refuse:
		require.NotEmpty(t, r.Errors, "%s: must be refused", desc)
		if r.Code() == "BAD_USER_INPUT" {
			require.Contains(t, victimFields, r.Field(), "%s: refused for an input error other than the victim's id", desc)
		} else {
			require.Contains(t, []string{"NOT_FOUND", "FORBIDDEN"}, r.Code(), desc)
		}
		require.Equal(t, "null", string(r.Data), desc)
	case noIDs:
		// Checked above: no victim data, no INTERNAL; the caller compares the victim's rows.
	case session:
		if field == "login" {
			requireCode(t, r, "UNAUTHENTICATED")
		} else {
			require.Empty(t, r.Errors, desc)
		}
	default:
		if len(r.Errors) > 0 {
			require.Contains(t, []string{"NOT_FOUND", "FORBIDDEN", "CONFLICT"}, r.Code(), desc)
		}
	}
}

func summarize(r e2e.Response) string {
	s := string(r.Data)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	if len(r.Errors) > 0 {
		s += fmt.Sprintf(" errors=%+v", r.Errors)
	}
	return s
}

var uuidRe = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func maskIDs(s string) string { return uuidRe.ReplaceAllString(s, "<id>") }

// waitQuiet waits until Demo Agency has no unfinished job and the outbox is relayed, so that
// snapshots of its rows are not taken while its own work moves them.
func waitQuiet(t testing.TB, sys *e2e.System) {
	t.Helper()
	e2e.Eventually(t, 30*time.Second, func() bool {
		return countRows(t, sys, `SELECT count(*) FROM jobs WHERE agency_id = ? AND status NOT IN ('SUCCEEDED', 'FAILED')`, sys.Seed.Demo.ID) == 0 &&
			countRows(t, sys, `SELECT count(*) FROM outbox o JOIN jobs j ON j.id = o.job_id WHERE j.agency_id = ? AND o.relayed_at IS NULL`, sys.Seed.Demo.ID) == 0
	}, "jobs finished and outbox relayed")
}

// victimRows returns every row of Demo Agency's (every table with an agency_id, and its
// agencies row) as text, leaving out sessions (which its callers' use touches), the periodic
// expiry jobs the worker enqueues by itself, and rows holding one of mine (the caller's own).
func victimRows(t testing.TB, sys *e2e.System, mine []string) map[string]bool {
	t.Helper()
	ctx := context.Background()
	var tables []string
	rows, err := sys.DB.QueryContext(ctx, `SELECT table_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name = 'agency_id' AND table_name <> 'sessions' ORDER BY 1`)
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		tables = append(tables, s)
	}
	require.NoError(t, rows.Err())
	rows.Close()
	out := map[string]bool{}
	demoID := sys.Seed.Demo.ID
	add := func(table, q string) {
		rs, err := sys.DB.QueryContext(ctx, q, demoID)
		require.NoError(t, err)
		defer rs.Close()
	row:
		for rs.Next() {
			var s string
			require.NoError(t, rs.Scan(&s))
			for _, m := range mine {
				if strings.Contains(s, m) {
					continue row
				}
			}
			out[table+": "+s] = true
		}
		require.NoError(t, rs.Err())
	}
	for _, tb := range tables {
		q := fmt.Sprintf(`SELECT t::text FROM %q t WHERE agency_id = ?`, tb)
		if tb == "jobs" {
			q += ` AND type <> 'EXPIRE_ACCESS_REQUESTS'`
		}
		add(tb, q)
	}
	add("agencies", `SELECT t::text FROM agencies t WHERE id = ?`)
	return out
}

// requireUnchanged fails when a victim row changed or disappeared, or (unless mayAdd) when a
// row appeared; rows an own or list field adds must hold none of the victim's secrets.
func requireUnchanged(t testing.TB, before, after map[string]bool, mayAdd bool, a *attacker, field string) {
	t.Helper()
	var gone, added []string
	for r := range before {
		if !after[r] {
			gone = append(gone, r)
		}
	}
	for r := range after {
		if before[r] {
			continue
		}
		if !mayAdd || a.leakedRow(r) {
			added = append(added, r)
		}
	}
	sort.Strings(gone)
	sort.Strings(added)
	require.Empty(t, gone, "%s as %s changed or removed the victim's rows", field, a.name)
	require.Empty(t, added, "%s as %s added rows to the victim's data", field, a.name)
}

// leakedRow reports whether a row the attacker wrote into its own agency names the victim's
// objects (for bob, whose agency is the victim's, a new request of Globex's is his own).
func (a *attacker) leakedRow(r string) bool {
	for _, k := range []string{"client", "identity", "request", "user"} {
		for _, id := range a.ids[k] {
			if strings.Contains(r, id) {
				return true
			}
		}
	}
	return false
}
