package e2e_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
	"github.com/accesshive/accesshive/internal/notify"
)

// Access requests end to end (SPEC "Access requests", the access-requests guide): a client user
// submits, the agency's deciders hear of it (in-app, live, by email), an admin approves or
// rejects, approval creates and provisions the client-dedicated identity, the requester hears of
// every decision and reveals the credentials; undecided requests expire on the owner's schedule.
// Everything goes over HTTP and websocket with real session cookies.

// arFields is what the tests read of an AccessRequest.
const arFields = `id status identityType justification reason roleTemplateId client { id } platform { key }
	requester { id name } identity { id provisioningState lastError } createdAt decidedAt expiresAt`

// The access-request operations.
const (
	arSubmitOp   = `mutation($in: SubmitAccessRequestInput!){ submitAccessRequest(input:$in){ ` + arFields + ` } }`
	arApproveOp  = `mutation($id:ID!, $r:String, $c:ApprovalCredentialsInput){ approveAccessRequest(id:$id, reason:$r, credentials:$c){ ` + arFields + ` } }`
	arRejectOp   = `mutation($id:ID!, $r:String){ rejectAccessRequest(id:$id, reason:$r){ ` + arFields + ` } }`
	arGetOp      = `query($id:ID!){ accessRequest(id:$id){ ` + arFields + ` } }`
	arListOp     = `query($c:ID, $s:AccessRequestStatus){ accessRequests(clientId:$c, status:$s){ totalCount nodes { ` + arFields + ` } } }`
	arUpdatedSub = `subscription($c:ID){ accessRequestUpdated(clientId:$c){ ` + arFields + ` } }`
	arNoteSub    = `subscription { notificationAdded { id kind title body data readAt createdAt } }`
	arNotesOp    = `query($u:Boolean){ notifications(unreadOnly:$u, first:100){ totalCount unreadCount nodes { id kind title body data readAt createdAt } } }`
	arRevealOp   = `mutation($id:ID!){ revealCredentials(identityId:$id){ identityId fields { name value } totpCode } }`
	arIdentityOp = `query($id:ID!){ identity(id:$id){ id type scope origin displayName email provisioningState client { id } platform { key } } }`
	arSettingsOp = `mutation($in: UpdateAgencySettingsInput!){ updateAgencySettings(input:$in){ accessRequestExpiryHours namingTemplate } }`
	arTemplateOp = `mutation($in: CreateRoleTemplateInput!){ createRoleTemplate(input:$in){ id name platform { key } identityType defaultJustification } }`
)

// arView is an AccessRequest as the API returns it.
type arView struct {
	ID             string
	Status         string
	IdentityType   string
	Justification  string
	Reason         *string
	RoleTemplateID *string
	Client         struct{ ID string }
	Platform       struct{ Key string }
	Requester      struct{ ID, Name string }
	Identity       *struct {
		ID                string
		ProvisioningState *string
		LastError         *string
	}
	CreatedAt time.Time
	DecidedAt *time.Time
	ExpiresAt time.Time
}

// arNote is a Notification as the API returns it.
type arNote struct {
	ID, Kind, Title, Body string
	Data                  map[string]any
	ReadAt                *time.Time
}

type arIdentity struct {
	ID, Type, Scope, Origin, DisplayName, ProvisioningState string
	Email                                                   *string
	Client                                                  *struct{ ID string }
	Platform                                                *struct{ Key string }
}

// arTimeout bounds every wait for the worker, an event or an email.
const arTimeout = 20 * time.Second

// arOne decodes the single root field of a successful answer.
func arOne(t testing.TB, r e2e.Response) arView {
	t.Helper()
	var out map[string]arView
	r.Decode(t, &out)
	require.Len(t, out, 1)
	for _, v := range out {
		return v
	}
	return arView{}
}

func arSubmitIn(c *e2e.Client, in map[string]any) e2e.Response {
	return c.Do(arSubmitOp, map[string]any{"in": in})
}

// arSubmit submits a request that must be accepted as PENDING.
func arSubmit(t testing.TB, c *e2e.Client, platform, identityType, justification string) arView {
	t.Helper()
	v := arOne(t, arSubmitIn(c, map[string]any{"platform": platform, "identityType": identityType, "justification": justification}))
	require.Equal(t, "PENDING", v.Status)
	return v
}

func arApprove(c *e2e.Client, id string, reason *string, creds map[string]any) e2e.Response {
	vars := map[string]any{"id": id, "r": reason}
	if creds != nil {
		vars["c"] = creds
	}
	return c.Do(arApproveOp, vars)
}

func arReject(c *e2e.Client, id string, reason *string) e2e.Response {
	return c.Do(arRejectOp, map[string]any{"id": id, "r": reason})
}

func arGet(t testing.TB, c *e2e.Client, id string) arView {
	t.Helper()
	return arOne(t, c.Do(arGetOp, map[string]any{"id": id}))
}

type arList struct {
	TotalCount int
	Nodes      []arView
}

func arListOf(t testing.TB, c *e2e.Client, clientID, status *string) arList {
	t.Helper()
	var out struct{ AccessRequests arList }
	c.Do(arListOp, map[string]any{"c": clientID, "s": status}).Decode(t, &out)
	return out.AccessRequests
}

func arIdentityOf(t testing.TB, c *e2e.Client, id string) arIdentity {
	t.Helper()
	var out struct{ Identity arIdentity }
	c.Do(arIdentityOp, map[string]any{"id": id}).Decode(t, &out)
	return out.Identity
}

// arReveal reveals an identity's credentials and returns its fields by name.
func arReveal(t testing.TB, c *e2e.Client, identityID string) (map[string]string, *string) {
	t.Helper()
	var out struct {
		RevealCredentials struct {
			IdentityID string
			Fields     []struct{ Name, Value string }
			TotpCode   *string
		}
	}
	c.Do(arRevealOp, map[string]any{"id": identityID}).Decode(t, &out)
	require.Equal(t, identityID, out.RevealCredentials.IdentityID)
	fields := map[string]string{}
	for _, f := range out.RevealCredentials.Fields {
		fields[f.Name] = f.Value
	}
	return fields, out.RevealCredentials.TotpCode
}

func arNotes(t testing.TB, c *e2e.Client, unreadOnly bool) (list []arNote, total, unread int) {
	t.Helper()
	var out struct {
		Notifications struct {
			TotalCount, UnreadCount int
			Nodes                   []arNote
		}
	}
	c.Do(arNotesOp, map[string]any{"u": unreadOnly}).Decode(t, &out)
	return out.Notifications.Nodes, out.Notifications.TotalCount, out.Notifications.UnreadCount
}

// arFindNote returns the listed notification of a kind about a request.
func arFindNote(notes []arNote, kind, requestID string) (arNote, bool) {
	for _, n := range notes {
		if n.Kind == kind && n.Data["accessRequestId"] == requestID {
			return n, true
		}
	}
	return arNote{}, false
}

// arAwait reads accessRequestUpdated events until request id is in status want, skipping other
// requests' events, and returns that event and the statuses seen for the request, in order.
func arAwait(t testing.TB, sub *e2e.Sub, id, want string) (arView, []string) {
	t.Helper()
	var seen []string
	for {
		var ev struct{ AccessRequestUpdated arView }
		sub.Expect(arTimeout, &ev)
		if ev.AccessRequestUpdated.ID != id {
			continue
		}
		seen = append(seen, ev.AccessRequestUpdated.Status)
		if ev.AccessRequestUpdated.Status == want {
			return ev.AccessRequestUpdated, seen
		}
	}
}

// arRank orders the statuses of an approved request's life.
var arRank = map[string]int{"PENDING": 0, "APPROVED": 1, "PROVISIONED": 2}

// arRequireForward fails unless the statuses never go back (PENDING → APPROVED → PROVISIONED).
func arRequireForward(t testing.TB, seen []string, msg string) {
	t.Helper()
	for i := 1; i < len(seen); i++ {
		require.GreaterOrEqual(t, arRank[seen[i]], arRank[seen[i-1]], "%s: statuses went back: %v", msg, seen)
	}
}

// arAwaitNotes reads notificationAdded events until one of each kind about the request has
// arrived (in any order), skipping others, and returns them by kind.
func arAwaitNotes(t testing.TB, sub *e2e.Sub, requestID string, kinds ...string) map[string]arNote {
	t.Helper()
	want := map[string]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	got := map[string]arNote{}
	for len(got) < len(want) {
		var ev struct{ NotificationAdded arNote }
		sub.Expect(arTimeout, &ev)
		n := ev.NotificationAdded
		if want[n.Kind] && n.Data["accessRequestId"] == requestID {
			_, dup := got[n.Kind]
			require.False(t, dup, "notification %s about %s announced twice", n.Kind, requestID)
			got[n.Kind] = n
		}
	}
	return got
}

// arArmed waits until replica i's event bus has at least n local subscribers: the websocket
// subscriptions just started are registered, so no event published from now on is missed.
func arArmed(t testing.TB, sys *e2e.System, i, n int) {
	t.Helper()
	e2e.Eventually(t, 10*time.Second, func() bool { return sys.Apps[i].Bus.Subscribers() >= n },
		"replica %d has %d event subscribers, want %d", i, sys.Apps[i].Bus.Subscribers(), n)
}

// arMail waits for the email to an address whose subject contains subject.
func arMail(t testing.TB, sys *e2e.System, to, subject string) notify.Email {
	t.Helper()
	m, ok := sys.Mail.WaitFor(to, subject, arTimeout)
	if !ok {
		var got []string
		for _, x := range sys.Mail.Messages() {
			got = append(got, x.To+": "+x.Subject)
		}
		t.Fatalf("no email to %s with subject containing %q; captured: %q", to, subject, got)
	}
	return m
}

// arRace runs a and b at the same moment and returns their answers.
func arRace(a, b func() e2e.Response) (e2e.Response, e2e.Response) {
	var (
		wg     sync.WaitGroup
		ra, rb e2e.Response
	)
	start := make(chan struct{})
	wg.Add(2)
	go func() { defer wg.Done(); <-start; ra = a() }()
	go func() { defer wg.Done(); <-start; rb = b() }()
	close(start)
	wg.Wait()
	return ra, rb
}

func arStr(s string) *string { return &s }

// arSubscribeErr starts a subscription that the server must refuse with code.
func arSubscribeErr(t testing.TB, c *e2e.Client, query string, vars map[string]any, code string) {
	t.Helper()
	sub := c.Subscribe(e2e.ProtoTransportWS, query, vars)
	ev, ok := sub.Next(10 * time.Second)
	require.True(t, ok, "the refused subscription must answer")
	require.NotEmpty(t, ev.Errors, "subscription accepted; got %s", ev.Data)
	got, _ := ev.Errors[0].Extensions["code"].(string)
	require.Equal(t, code, got, "errors: %+v", ev.Errors)
}

// TestAccessRequestFlowEndToEnd runs the three approval paths on two API replicas:
//   - MANAGED_GWS (GA4): alice submits → owner and admin notified (live on replica 0, stored,
//     emailed) → admin approves with a reason on replica 1 → the identity (origin ACCESS_REQUEST)
//     is created and provisioned in the fake directory → accessRequestUpdated carries PENDING →
//     APPROVED → PROVISIONED to the admin (all clients, replica 1; Acme only, replica 0) and to
//     alice (replica 1) → alice is notified and emailed (reason, "access is ready") → alice
//     reveals the directory's password;
//   - EXTERNAL_LOGIN (META_ADS) approved with credentials: PROVISIONED at once;
//   - API_TOKEN (GOOGLE_ADS) approved without credentials: APPROVED with a PENDING identity,
//     then updateCredentials makes identity and request PROVISIONED;
//
// and bob (Globex), subscribed the whole time, receives none of Acme's events; finally an
// approved request whose identity is deleted before it was provisioned is withdrawn.
func TestAccessRequestFlowEndToEnd(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{Replicas: 2})
	acme, globex := sys.Seed.Acme.ID.String(), sys.Seed.Globex.ID.String()
	users := sys.Seed.UsersByEmail
	admin := sys.LoginOn(0, "admin@demo.test")
	admin1 := sys.LoginOn(1, "admin@demo.test")
	alice := sys.LoginOn(0, "alice@acme.test")
	alice1 := sys.LoginOn(1, "alice@acme.test")
	bob := sys.LoginOn(0, "bob@globex.test")
	bob1 := sys.LoginOn(1, "bob@globex.test")

	base0, base1 := sys.Apps[0].Bus.Subscribers(), sys.Apps[1].Bus.Subscribers()
	adminNotes := admin.Subscribe(e2e.ProtoTransportWS, arNoteSub, nil)
	adminAcme := admin.Subscribe(e2e.ProtoGraphQLWS, arUpdatedSub, map[string]any{"c": acme})
	aliceNotes := alice.Subscribe(e2e.ProtoGraphQLWS, arNoteSub, nil)
	adminAll := admin1.Subscribe(e2e.ProtoTransportWS, arUpdatedSub, nil)
	aliceReqs := alice1.Subscribe(e2e.ProtoTransportWS, arUpdatedSub, nil)
	bobReqs := bob1.Subscribe(e2e.ProtoGraphQLWS, arUpdatedSub, nil)
	arArmed(t, sys, 0, base0+3)
	arArmed(t, sys, 1, base1+3)

	var settings struct {
		AgencySettings struct{ AccessRequestExpiryHours int }
	}
	alice.Do(`{ agencySettings { accessRequestExpiryHours } }`, nil).Decode(t, &settings)

	// --- MANAGED_GWS ---
	const just = "We need GA4 to build the Q3 campaign dashboards."
	req := arSubmit(t, alice, "GA4", "MANAGED_GWS", just)
	require.Equal(t, acme, req.Client.ID)
	require.Equal(t, "GA4", req.Platform.Key)
	require.Equal(t, "MANAGED_GWS", req.IdentityType)
	require.Equal(t, just, req.Justification)
	require.Equal(t, users["alice@acme.test"].ID.String(), req.Requester.ID)
	require.Equal(t, "Alice Acme", req.Requester.Name)
	require.Nil(t, req.Identity)
	require.Nil(t, req.DecidedAt)
	require.Nil(t, req.Reason)
	require.Equal(t, time.Duration(settings.AgencySettings.AccessRequestExpiryHours)*time.Hour, req.ExpiresAt.Sub(req.CreatedAt))

	t.Run("deciders are notified live, in-app and by email", func(t *testing.T) {
		n := arAwaitNotes(t, adminNotes, req.ID, "ACCESS_REQUEST_SUBMITTED")["ACCESS_REQUEST_SUBMITTED"]
		require.Contains(t, n.Title, "Alice Acme")
		require.Contains(t, n.Body, just)
		require.Contains(t, n.Body, "Google Analytics 4")
		require.Nil(t, n.ReadAt)
		require.Equal(t, acme, n.Data["clientId"])

		// Stored for the owner and the admin; not for the member, nor for the requester.
		var to []string
		require.NoError(t, sys.DB.NewSelect().TableExpr("notifications AS n").Join("JOIN users AS u ON u.id = n.user_id").
			ColumnExpr("u.email").Where("n.data->>'accessRequestId' = ?", req.ID).OrderExpr("u.email").Scan(context.Background(), &to))
		require.Equal(t, []string{"admin@demo.test", "owner@demo.test"}, to)

		listed, _, unread := arNotes(t, admin, true)
		got, ok := arFindNote(listed, "ACCESS_REQUEST_SUBMITTED", req.ID)
		require.True(t, ok, "the admin's notifications list it")
		require.Equal(t, n.ID, got.ID)
		require.GreaterOrEqual(t, unread, 1)

		for _, email := range []string{"admin@demo.test", "owner@demo.test"} {
			m := arMail(t, sys, email, "New access request from Alice Acme")
			require.Contains(t, m.Body, just)
			require.Contains(t, m.Body, "Acme")
		}
	})

	const reason = "Approved for the Q3 campaign: reporting only, please."
	approved := arOne(t, arApprove(admin1, req.ID, arStr(reason), nil))
	require.Contains(t, []string{"APPROVED", "PROVISIONED"}, approved.Status)
	require.Equal(t, reason, *approved.Reason)
	require.NotNil(t, approved.DecidedAt)
	require.NotNil(t, approved.Identity)
	identID := approved.Identity.ID

	t.Run("approval created the client-dedicated managed identity", func(t *testing.T) {
		ident := arIdentityOf(t, admin, identID)
		require.Equal(t, "ACCESS_REQUEST", ident.Origin)
		require.Equal(t, "MANAGED_GWS", ident.Type)
		require.Equal(t, "CLIENT", ident.Scope)
		require.Equal(t, acme, ident.Client.ID)
		require.Equal(t, "GA4", ident.Platform.Key)
		require.Equal(t, "acme-ga4@demo.test", *ident.Email)
	})

	t.Run("accessRequestUpdated carries the request to PROVISIONED on both replicas", func(t *testing.T) {
		for name, sub := range map[string]*e2e.Sub{
			"admin, all clients, replica 1": adminAll, "admin, Acme, replica 0": adminAcme, "alice, replica 1": aliceReqs,
		} {
			final, seen := arAwait(t, sub, req.ID, "PROVISIONED")
			require.Equal(t, "PENDING", seen[0], name)
			arRequireForward(t, seen, name)
			require.Equal(t, reason, *final.Reason, name)
			require.Equal(t, identID, final.Identity.ID, name)
			require.Equal(t, "PROVISIONED", *final.Identity.ProvisioningState, name)
			require.Equal(t, "Alice Acme", final.Requester.Name, name)
		}
	})

	t.Run("alice is notified of the approval and that access is ready", func(t *testing.T) {
		ns := arAwaitNotes(t, aliceNotes, req.ID, "ACCESS_REQUEST_APPROVED", "ACCESS_REQUEST_PROVISIONED")
		require.Contains(t, ns["ACCESS_REQUEST_APPROVED"].Body, reason)
		require.Contains(t, ns["ACCESS_REQUEST_PROVISIONED"].Title, "access is ready")
		require.Equal(t, identID, ns["ACCESS_REQUEST_PROVISIONED"].Data["identityId"])
		m := arMail(t, sys, "alice@acme.test", "Your access request for Google Analytics 4 was approved")
		require.Contains(t, m.Body, reason)
		m = arMail(t, sys, "alice@acme.test", "Your Google Analytics 4 access is ready")
		require.Contains(t, m.Body, "reveal")
	})

	t.Run("alice sees the decision and reveals the directory's password", func(t *testing.T) {
		v := arGet(t, alice, req.ID)
		require.Equal(t, "PROVISIONED", v.Status)
		require.Equal(t, reason, *v.Reason)
		fields, _ := arReveal(t, alice, identID)
		require.NotEmpty(t, fields["password"])
		require.True(t, sys.Directory.PasswordMatches("acme-ga4@demo.test", fields["password"]), "revealed password is the directory's")
		var jobs struct {
			Jobs []struct{ Type, Status string }
		}
		admin.Do(`{ jobs(type: PROVISION_IDENTITY) { type status } }`, nil).Decode(t, &jobs)
		require.Len(t, jobs.Jobs, 1)
		require.Equal(t, "SUCCEEDED", jobs.Jobs[0].Status)
	})

	// --- EXTERNAL_LOGIN approved with its credentials ---
	t.Run("external login approved with credentials is provisioned at once", func(t *testing.T) {
		ext := arSubmit(t, alice, "META_ADS", "EXTERNAL_LOGIN", "Run Acme's Meta campaigns.")
		v := arOne(t, arApprove(admin, ext.ID, nil, map[string]any{
			"username": "ads@acme.example", "password": "M3ta-Pa55word!", "totpSecret": totpSecret}))
		require.Equal(t, "PROVISIONED", v.Status)
		require.Equal(t, "PROVISIONED", *v.Identity.ProvisioningState)
		require.Nil(t, v.Reason)
		require.Equal(t, "ACCESS_REQUEST", arIdentityOf(t, admin, v.Identity.ID).Origin)
		_, seen := arAwait(t, aliceReqs, ext.ID, "PROVISIONED")
		require.Equal(t, "PENDING", seen[0])
		ns := arAwaitNotes(t, aliceNotes, ext.ID, "ACCESS_REQUEST_APPROVED", "ACCESS_REQUEST_PROVISIONED")
		require.Contains(t, ns["ACCESS_REQUEST_APPROVED"].Body, "No reason was given")
		fields, code := arReveal(t, alice, v.Identity.ID)
		require.Equal(t, "ads@acme.example", fields["username"])
		require.Equal(t, "M3ta-Pa55word!", fields["password"])
		require.NotNil(t, code, "a TOTP secret was given: reveal shows the code")
		arMail(t, sys, "alice@acme.test", "Your Meta Ads access is ready")
	})

	// --- API_TOKEN approved without credentials, completed with updateCredentials ---
	t.Run("token approved without credentials waits for updateCredentials", func(t *testing.T) {
		tok := arSubmit(t, alice, "GOOGLE_ADS", "API_TOKEN", "Reporting API integration.")
		v := arOne(t, arApprove(admin, tok.ID, arStr("Token follows."), nil))
		require.Equal(t, "APPROVED", v.Status)
		require.Equal(t, "PENDING", *v.Identity.ProvisioningState)
		iid := v.Identity.ID
		arAwait(t, aliceReqs, tok.ID, "APPROVED")
		requireCode(t, alice.Do(arRevealOp, map[string]any{"id": iid}), "CONFLICT")

		var up struct {
			UpdateCredentials struct{ ID, ProvisioningState string }
		}
		admin.Do(`mutation($in: UpdateCredentialsInput!){ updateCredentials(input:$in){ id provisioningState } }`,
			map[string]any{"in": map[string]any{"identityId": iid, "token": "gads-token-0123456789"}}).Decode(t, &up)
		require.Equal(t, "PROVISIONED", up.UpdateCredentials.ProvisioningState)
		// The request follows its identity as part of updateCredentials.
		after := arGet(t, admin, tok.ID)
		require.Equal(t, "PROVISIONED", after.Status, "updateCredentials must move the request along")
		require.Equal(t, "PROVISIONED", *after.Identity.ProvisioningState)
		final, seen := arAwait(t, aliceReqs, tok.ID, "PROVISIONED")
		require.Equal(t, []string{"PROVISIONED"}, seen)
		require.Equal(t, "Token follows.", *final.Reason)
		arAwaitNotes(t, aliceNotes, tok.ID, "ACCESS_REQUEST_PROVISIONED")
		arMail(t, sys, "alice@acme.test", "Your Google Ads access is ready")
		fields, _ := arReveal(t, alice, iid)
		require.Equal(t, "gads-token-0123456789", fields["token"])
	})

	// --- Tenancy: bob's subscription carried none of Acme's events ---
	var bobReq arView
	t.Run("bob receives none of Acme's events", func(t *testing.T) {
		// Sentinel: every Acme event above was published (alice and the admin received them)
		// before this Globex event, through one ordered channel; had bob's subscription let any
		// through, it would arrive first.
		bobReq = arSubmit(t, bob, "GA4", "API_TOKEN", "Globex reporting.")
		var ev struct{ AccessRequestUpdated arView }
		bobReqs.Expect(arTimeout, &ev)
		require.Equal(t, bobReq.ID, ev.AccessRequestUpdated.ID, "bob's first event is not Globex's: %+v", ev.AccessRequestUpdated)
		require.Equal(t, globex, ev.AccessRequestUpdated.Client.ID)
		// Nor can bob read, list or decide Acme's requests.
		requireCode(t, bob.Do(arGetOp, map[string]any{"id": req.ID}), "NOT_FOUND")
		require.Equal(t, 1, arListOf(t, bob, nil, nil).TotalCount)
		requireCode(t, bob.Do(arListOp, map[string]any{"c": acme}), "NOT_FOUND")
		requireCode(t, arReject(bob, req.ID, nil), "FORBIDDEN")
		requireCode(t, bob.Do(arRevealOp, map[string]any{"id": identID}), "NOT_FOUND")
		_, total, _ := arNotes(t, bob, false)
		require.Zero(t, total, "bob got none of Acme's notifications")
	})

	t.Run("deleting an approved request's identity before provisioning withdraws it", func(t *testing.T) {
		v := arOne(t, arApprove(admin, bobReq.ID, nil, nil))
		require.Equal(t, "APPROVED", v.Status)
		iid := v.Identity.ID
		var del struct {
			DeleteIdentity struct{ ProvisioningState string }
		}
		admin.Do(`mutation($id:ID!){ deleteIdentity(id:$id){ provisioningState } }`, map[string]any{"id": iid}).Decode(t, &del)
		require.Equal(t, "DEPROVISIONING", del.DeleteIdentity.ProvisioningState)
		// deleteIdentity moves the request along itself, not only the deprovisioning job.
		after := arGet(t, bob, bobReq.ID)
		require.Equal(t, "REJECTED", after.Status, "deleteIdentity must withdraw the request")
		require.Contains(t, *after.Reason, "deleted")
		_, seen := arAwait(t, bobReqs, bobReq.ID, "REJECTED")
		require.Equal(t, []string{"APPROVED", "REJECTED"}, seen)
		arMail(t, sys, "bob@globex.test", "was withdrawn")
	})
}

// TestAccessRequestDecisionsConflictsExpiry covers what can go wrong: bad input and a platform
// that is not OPERATIONAL, rejection with a reason, decisions on decided requests, duplicate and
// conflicting submissions (sequential and concurrent), concurrent decisions by the owner and an
// admin, and expiry by the scheduled EXPIRE_ACCESS_REQUESTS job after the owner shortens the
// window.
func TestAccessRequestDecisionsConflictsExpiry(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	acme := sys.Seed.Acme.ID
	owner := sys.Login("owner@demo.test")
	admin := sys.Login("admin@demo.test")
	alice := sys.Login("alice@acme.test")
	bob := sys.Login("bob@globex.test")
	requests := func() int { return countRows(t, sys, `SELECT count(*) FROM access_requests`) }

	t.Run("bad input and a platform that is not operational", func(t *testing.T) {
		base := func(over map[string]any) map[string]any {
			in := map[string]any{"platform": "GA4", "identityType": "API_TOKEN", "justification": "Reporting."}
			for k, v := range over {
				in[k] = v
			}
			return in
		}
		cases := []struct {
			name  string
			in    map[string]any
			field string
		}{
			{"justification missing", base(map[string]any{"justification": nil}), "justification"},
			{"justification blank", base(map[string]any{"justification": " \n\t "}), "justification"},
			{"justification too long", base(map[string]any{"justification": strings.Repeat("é", 2001)}), "justification"},
			{"platform missing", base(map[string]any{"platform": nil}), "platform"},
			{"identity type missing", base(map[string]any{"identityType": nil}), "identityType"},
			{"malformed role template", base(map[string]any{"roleTemplateId": "not-a-uuid"}), "roleTemplateId"},
			{"unknown role template", base(map[string]any{"roleTemplateId": "00000000-0000-4000-8000-000000000001"}), "roleTemplateId"},
		}
		for _, tc := range cases {
			requireInvalid(t, arSubmitIn(alice, tc.in), tc.field)
		}
		r := arSubmitIn(alice, base(map[string]any{"platform": "TIKTOK_ADS"}))
		requireInvalid(t, r, "platform")
		require.Contains(t, r.Errors[0].Message, "TIKTOK_ADS")
		require.Contains(t, r.Errors[0].Message, "PENDING")
		require.Contains(t, r.Errors[0].Message, "OPERATIONAL")
		require.Zero(t, requests(), "refused submissions write nothing")
		// 2000 characters (not bytes) is the limit.
		v := arSubmit(t, bob, "GA4", "API_TOKEN", strings.Repeat("é", 2000))
		require.Len(t, []rune(v.Justification), 2000)
		requireInvalid(t, arReject(admin, v.ID, arStr(strings.Repeat("x", 1001))), "reason")
		require.Equal(t, "PENDING", arGet(t, admin, v.ID).Status)
	})

	t.Run("rotateCredentials also completes an approved token request", func(t *testing.T) {
		l := arListOf(t, admin, nil, nil)
		require.Equal(t, 1, l.TotalCount)
		v := arOne(t, arApprove(admin, l.Nodes[0].ID, nil, nil))
		require.Equal(t, "APPROVED", v.Status)
		require.Equal(t, "PENDING", *v.Identity.ProvisioningState)
		var rot struct {
			RotateCredentials struct{ ProvisioningState string }
		}
		admin.Do(`mutation($id:ID!){ rotateCredentials(identityId:$id, input:{token:"rotated-token-1"}){ provisioningState } }`,
			map[string]any{"id": v.Identity.ID}).Decode(t, &rot)
		require.Equal(t, "PROVISIONED", rot.RotateCredentials.ProvisioningState)
		require.Equal(t, "PROVISIONED", arGet(t, bob, v.ID).Status, "rotateCredentials must move the request along")
		arMail(t, sys, "bob@globex.test", "Your Google Analytics 4 access is ready")
		// Decided and provisioned: neither can be decided again.
		for _, r := range []e2e.Response{arApprove(owner, v.ID, nil, nil), arReject(owner, v.ID, nil)} {
			requireCode(t, r, "CONFLICT")
			require.Contains(t, r.Errors[0].Message, "PROVISIONED")
		}
	})

	var rejected arView
	t.Run("rejection with a reason reaches the requester", func(t *testing.T) {
		req := arSubmit(t, alice, "GA4", "MANAGED_GWS", "Dashboards.")
		const reason = "Use the agency's shared GA4 property instead."
		rejected = arOne(t, arReject(admin, req.ID, arStr(reason)))
		require.Equal(t, "REJECTED", rejected.Status)
		require.Equal(t, reason, *rejected.Reason)
		require.NotNil(t, rejected.DecidedAt)
		require.Nil(t, rejected.Identity)
		seen := arGet(t, alice, req.ID)
		require.Equal(t, "REJECTED", seen.Status)
		require.Equal(t, reason, *seen.Reason, "alice sees the reason")
		notes, _, _ := arNotes(t, alice, false)
		n, ok := arFindNote(notes, "ACCESS_REQUEST_REJECTED", req.ID)
		require.True(t, ok, "alice is notified in-app")
		require.Contains(t, n.Body, reason)
		m := arMail(t, sys, "alice@acme.test", "Your access request for Google Analytics 4 was rejected")
		require.Contains(t, m.Body, reason)
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM identities WHERE client_id = ? AND platform_key = 'GA4'`, acme), "a rejection creates no identity")
	})

	var waiting arView
	t.Run("only a PENDING request can be decided", func(t *testing.T) {
		// An APPROVED request (identity still waiting for its token) cannot be rejected: that
		// would leave a live identity behind a REJECTED request.
		waiting = arSubmit(t, bob, "GOOGLE_ADS", "API_TOKEN", "Waiting for a token.")
		v := arOne(t, arApprove(admin, waiting.ID, nil, nil))
		require.Equal(t, "APPROVED", v.Status)
		for _, r := range []e2e.Response{arReject(owner, waiting.ID, arStr("changed my mind")), arApprove(owner, waiting.ID, nil, nil)} {
			requireCode(t, r, "CONFLICT")
			require.Equal(t, waiting.ID, r.Errors[0].Extensions["object"])
			require.Contains(t, r.Errors[0].Message, "APPROVED")
		}
		after := arGet(t, admin, waiting.ID)
		require.Equal(t, "APPROVED", after.Status)
		require.Nil(t, after.Reason)
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM identities WHERE origin_request_id = ?`, waiting.ID))

		for _, r := range []e2e.Response{arApprove(owner, rejected.ID, nil, nil), arReject(admin, rejected.ID, arStr("again"))} {
			requireCode(t, r, "CONFLICT")
			require.Equal(t, rejected.ID, r.Errors[0].Extensions["object"])
			require.Contains(t, r.Errors[0].Message, "REJECTED")
		}
		v = arGet(t, admin, rejected.ID)
		require.Equal(t, "REJECTED", v.Status)
		require.Equal(t, *rejected.Reason, *v.Reason, "a refused decision changes nothing")
	})

	t.Run("duplicate and conflicting submissions name what blocks them", func(t *testing.T) {
		open := arSubmit(t, alice, "META_ADS", "EXTERNAL_LOGIN", "Campaigns.")
		r := arSubmitIn(alice, map[string]any{"platform": "META_ADS", "identityType": "API_TOKEN", "justification": "Again."})
		requireCode(t, r, "CONFLICT")
		require.Equal(t, open.ID, r.Errors[0].Extensions["object"])
		require.Contains(t, r.Errors[0].Message, open.ID)

		v := arOne(t, arApprove(owner, open.ID, nil, map[string]any{"username": "u@acme.example", "password": "pw-123456"}))
		require.Equal(t, "PROVISIONED", v.Status)
		requireCode(t, arApprove(admin, open.ID, nil, nil), "CONFLICT")
		r = arSubmitIn(alice, map[string]any{"platform": "META_ADS", "identityType": "EXTERNAL_LOGIN", "justification": "More."})
		requireCode(t, r, "CONFLICT")
		require.Equal(t, v.Identity.ID, r.Errors[0].Extensions["object"], "the live identity is named")
		require.Contains(t, r.Errors[0].Message, v.Identity.ID)

		// An APPROVED request still waiting for its token is open: it is the one named.
		r = arSubmitIn(bob, map[string]any{"platform": "GOOGLE_ADS", "identityType": "API_TOKEN", "justification": "Reports."})
		requireCode(t, r, "CONFLICT")
		require.Equal(t, waiting.ID, r.Errors[0].Extensions["object"])
		require.Contains(t, r.Errors[0].Message, "APPROVED")

		// A live identity an admin created by hand blocks a request just the same.
		var p struct{ ConnectPlatform struct{ Key string } }
		admin.Do(`mutation { connectPlatform(input:{platform: LINKEDIN_ADS, state: OPERATIONAL}) { key } }`, nil).Decode(t, &p)
		ident := createExternal(t, admin, acme.String(), "LINKEDIN_ADS", "hand-made-Pa55")
		r = arSubmitIn(alice, map[string]any{"platform": "LINKEDIN_ADS", "identityType": "API_TOKEN", "justification": "Reports."})
		requireCode(t, r, "CONFLICT")
		require.Equal(t, ident.ID, r.Errors[0].Extensions["object"])
	})

	t.Run("concurrent approvals by the owner and an admin: exactly one wins", func(t *testing.T) {
		req := arSubmit(t, alice, "GOOGLE_ADS", "API_TOKEN", "API.")
		creds := map[string]any{"token": "race-token-1"}
		ra, rb := arRace(
			func() e2e.Response { return arApprove(owner, req.ID, arStr("owner"), creds) },
			func() e2e.Response { return arApprove(admin, req.ID, arStr("admin"), creds) },
		)
		var win e2e.Response
		switch {
		case len(ra.Errors) == 0 && len(rb.Errors) > 0:
			win = ra
			requireCode(t, rb, "CONFLICT")
			require.Equal(t, req.ID, rb.Errors[0].Extensions["object"])
		case len(rb.Errors) == 0 && len(ra.Errors) > 0:
			win = rb
			requireCode(t, ra, "CONFLICT")
			require.Equal(t, req.ID, ra.Errors[0].Extensions["object"])
		default:
			t.Fatalf("want exactly one winner; owner: %+v, admin: %+v", ra.Errors, rb.Errors)
		}
		v := arOne(t, win)
		require.Equal(t, "PROVISIONED", v.Status)
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM identities WHERE origin_request_id = ?`, req.ID))
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM identities WHERE client_id = ? AND platform_key = 'GOOGLE_ADS'`, acme))
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM audit_events WHERE kind = 'access_request.approved' AND target_id = ?`, req.ID))
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM notifications WHERE kind = 'ACCESS_REQUEST_APPROVED' AND data->>'accessRequestId' = ?`, req.ID))

		// Approve against reject: one decision stands, and the identity exists only if it was
		// the approval.
		other := arSubmit(t, bob, "META_ADS", "API_TOKEN", "API.")
		ra, rb = arRace(
			func() e2e.Response { return arApprove(owner, other.ID, nil, nil) },
			func() e2e.Response { return arReject(admin, other.ID, arStr("no")) },
		)
		require.True(t, (len(ra.Errors) == 0) != (len(rb.Errors) == 0), "want exactly one winner; approve: %+v, reject: %+v", ra.Errors, rb.Errors)
		final := arGet(t, admin, other.ID)
		idents := countRows(t, sys, `SELECT count(*) FROM identities WHERE origin_request_id = ?`, other.ID)
		if len(ra.Errors) == 0 {
			requireCode(t, rb, "CONFLICT")
			require.Equal(t, "APPROVED", final.Status)
			require.Equal(t, 1, idents)
		} else {
			requireCode(t, ra, "CONFLICT")
			require.Equal(t, "REJECTED", final.Status)
			require.Zero(t, idents)
		}
	})

	t.Run("expiry with a one-hour window", func(t *testing.T) {
		var st struct {
			UpdateAgencySettings struct{ AccessRequestExpiryHours int }
		}
		owner.Do(arSettingsOp, map[string]any{"in": map[string]any{"accessRequestExpiryHours": 1}}).Decode(t, &st)
		require.Equal(t, 1, st.UpdateAgencySettings.AccessRequestExpiryHours)

		base := sys.Apps[0].Bus.Subscribers()
		aliceReqs := alice.Subscribe(e2e.ProtoTransportWS, arUpdatedSub, nil)
		jobsSub := admin.Subscribe(e2e.ProtoGraphQLWS, `subscription { jobUpdated(type: EXPIRE_ACCESS_REQUESTS) { id type status result } }`, nil)
		arArmed(t, sys, 0, base+2)

		// Two tabs submit the same request at once: one is filed, the other names it. (The
		// rejected GA4 request above blocks nothing.)
		in := map[string]any{"platform": "GA4", "identityType": "MANAGED_GWS", "justification": "Dashboards, again."}
		ra, rb := arRace(func() e2e.Response { return arSubmitIn(alice, in) }, func() e2e.Response { return arSubmitIn(alice, in) })
		require.True(t, (len(ra.Errors) == 0) != (len(rb.Errors) == 0), "want exactly one filed; %+v / %+v", ra.Errors, rb.Errors)
		win, lose := ra, rb
		if len(ra.Errors) > 0 {
			win, lose = rb, ra
		}
		req := arOne(t, win)
		requireCode(t, lose, "CONFLICT")
		require.Equal(t, req.ID, lose.Errors[0].Extensions["object"])
		require.Equal(t, time.Hour, req.ExpiresAt.Sub(req.CreatedAt), "the new window applies")

		// Nothing is due yet.
		n, err := sys.Apps[0].Requests.EnqueueExpiryJobs(context.Background())
		require.NoError(t, err)
		require.Zero(t, n)

		_, err = sys.DB.ExecContext(context.Background(), `UPDATE access_requests SET expires_at = now() - interval '1 minute' WHERE id = ?`, req.ID)
		require.NoError(t, err)
		n, err = sys.Apps[0].Requests.EnqueueExpiryJobs(context.Background())
		require.NoError(t, err)
		require.Equal(t, 1, n, "one EXPIRE_ACCESS_REQUESTS job for Demo Agency")

		final, _ := arAwait(t, aliceReqs, req.ID, "EXPIRED")
		require.Nil(t, final.Identity)
		var job struct {
			JobUpdated struct {
				ID, Type, Status string
				Result           map[string]any
			}
		}
		for job.JobUpdated.Status != "SUCCEEDED" {
			jobsSub.Expect(arTimeout, &job)
			require.NotEqual(t, "FAILED", job.JobUpdated.Status)
		}
		require.EqualValues(t, 1, job.JobUpdated.Result["expired"])
		var jobs struct {
			Jobs []struct{ ID, Type, Status string }
		}
		admin.Do(`{ jobs(type: EXPIRE_ACCESS_REQUESTS) { id type status } }`, nil).Decode(t, &jobs)
		require.Len(t, jobs.Jobs, 1)
		require.Equal(t, job.JobUpdated.ID, jobs.Jobs[0].ID)
		require.Equal(t, "SUCCEEDED", jobs.Jobs[0].Status)

		require.Equal(t, "EXPIRED", arGet(t, alice, req.ID).Status)
		notes, _, _ := arNotes(t, alice, false)
		_, ok := arFindNote(notes, "ACCESS_REQUEST_EXPIRED", req.ID)
		require.True(t, ok, "alice is notified in-app")
		arMail(t, sys, "alice@acme.test", "Your access request for Google Analytics 4 expired")
		// Kept, not purged; a second run finds nothing due.
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM access_requests WHERE id = ?`, req.ID))
		n, err = sys.Apps[0].Requests.EnqueueExpiryJobs(context.Background())
		require.NoError(t, err)
		require.Zero(t, n)

		// alice may submit anew; deciding one whose window has passed expires it instead.
		again := arSubmit(t, alice, "GA4", "MANAGED_GWS", "Dashboards, third time.")
		_, err = sys.DB.ExecContext(context.Background(), `UPDATE access_requests SET expires_at = now() - interval '1 second' WHERE id = ?`, again.ID)
		require.NoError(t, err)
		r := arApprove(admin, again.ID, nil, nil)
		requireCode(t, r, "CONFLICT")
		require.Contains(t, r.Errors[0].Message, "expired")
		require.Equal(t, "EXPIRED", arGet(t, admin, again.ID).Status)
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM identities WHERE origin_request_id = ?`, again.ID))
	})
}

// TestAccessRequestPermissionsTemplatesSettings walks every role through every access-request
// operation (submit: client users only; approve and reject: owner and admin; reads: everyone,
// scoped to the caller's client for client users), role templates (admins manage, client users
// pick), agency settings (the owner changes them, with validation), notifications read marks,
// and Rival Agency, which sees and decides nothing of Demo Agency's.
func TestAccessRequestPermissionsTemplatesSettings(t *testing.T) {
	t.Parallel()
	sys := e2e.Start(t, e2e.Options{})
	acme, globex := sys.Seed.Acme.ID.String(), sys.Seed.Globex.ID.String()
	users := sys.Seed.UsersByEmail
	c := map[string]*e2e.Client{}
	for _, rl := range roleLogins {
		c[rl.role] = sys.Login(rl.email)
	}
	owner, admin, member, alice := c["AGENCY_OWNER"], c["ADMIN"], c["MEMBER"], c["CLIENT_USER"]
	bob := sys.Login("bob@globex.test")
	rival := sys.Login("owner@rival.test")

	// Everyone subscribes before anything happens; a client user cannot ask for another client.
	base := sys.Apps[0].Bus.Subscribers()
	subs := map[string]*e2e.Sub{}
	for _, rl := range roleLogins {
		subs[rl.role] = c[rl.role].Subscribe(e2e.ProtoTransportWS, arUpdatedSub, nil)
	}
	bobSub := bob.Subscribe(e2e.ProtoGraphQLWS, arUpdatedSub, nil)
	rivalSub := rival.Subscribe(e2e.ProtoGraphQLWS, arUpdatedSub, nil)
	arArmed(t, sys, 0, base+6)
	arSubscribeErr(t, alice, arUpdatedSub, map[string]any{"c": globex}, "NOT_FOUND")
	arSubscribeErr(t, rival, arUpdatedSub, map[string]any{"c": acme}, "NOT_FOUND")

	settingsOf := func(cl *e2e.Client) (int, string) {
		var out struct {
			AgencySettings struct {
				AccessRequestExpiryHours int
				NamingTemplate           string
			}
		}
		cl.Do(`{ agencySettings { accessRequestExpiryHours namingTemplate } }`, nil).Decode(t, &out)
		return out.AgencySettings.AccessRequestExpiryHours, out.AgencySettings.NamingTemplate
	}

	t.Run("agency settings: everyone reads, only the owner changes, with validation", func(t *testing.T) {
		hours, tmpl := settingsOf(owner)
		for _, rl := range roleLogins {
			h, tp := settingsOf(c[rl.role])
			require.Equal(t, hours, h, rl.role)
			require.Equal(t, tmpl, tp, rl.role)
		}
		for _, role := range []string{"ADMIN", "MEMBER", "CLIENT_USER"} {
			requireCode(t, c[role].Do(arSettingsOp, map[string]any{"in": map[string]any{"accessRequestExpiryHours": 2}}), "FORBIDDEN")
		}
		for _, tc := range []struct {
			in    map[string]any
			field string
		}{
			{map[string]any{"accessRequestExpiryHours": 0}, "accessRequestExpiryHours"},
			{map[string]any{"accessRequestExpiryHours": 8761}, "accessRequestExpiryHours"},
			{map[string]any{"namingTemplate": ""}, "namingTemplate"},
			{map[string]any{"namingTemplate": "{client}-{platform}"}, "namingTemplate"},
			{map[string]any{"namingTemplate": "{bogus}@{domain}"}, "namingTemplate"},
			{map[string]any{"namingTemplate": "ops@{domain}"}, "namingTemplate"},
			{map[string]any{"namingTemplate": "{client} {platform}@{domain}"}, "namingTemplate"},
			{map[string]any{"accessRequestExpiryHours": 24, "namingTemplate": "{nope}@{domain}"}, "namingTemplate"},
		} {
			requireInvalid(t, owner.Do(arSettingsOp, map[string]any{"in": tc.in}), tc.field)
		}
		h, tp := settingsOf(owner)
		require.Equal(t, hours, h, "refused changes change nothing")
		require.Equal(t, tmpl, tp)
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM audit_events WHERE kind = 'agency.settings_changed'`))

		var out struct {
			UpdateAgencySettings struct {
				AccessRequestExpiryHours int
				NamingTemplate           string
			}
		}
		owner.Do(arSettingsOp, map[string]any{"in": map[string]any{"accessRequestExpiryHours": 48, "namingTemplate": "{client}.{platform}@{domain}"}}).Decode(t, &out)
		require.Equal(t, 48, out.UpdateAgencySettings.AccessRequestExpiryHours)
		require.Equal(t, "{client}.{platform}@{domain}", out.UpdateAgencySettings.NamingTemplate)
		h, tp = settingsOf(admin)
		require.Equal(t, 48, h)
		require.Equal(t, "{client}.{platform}@{domain}", tp)
		require.Equal(t, 1, countRows(t, sys, `SELECT count(*) FROM audit_events WHERE kind = 'agency.settings_changed'`))

		// Rival's owner changes Rival's settings only.
		var rv struct {
			UpdateAgencySettings struct{ AccessRequestExpiryHours int }
		}
		rival.Do(arSettingsOp, map[string]any{"in": map[string]any{"accessRequestExpiryHours": 5}}).Decode(t, &rv)
		require.Equal(t, 5, rv.UpdateAgencySettings.AccessRequestExpiryHours)
		h, _ = settingsOf(owner)
		require.Equal(t, 48, h)
	})

	type tmplView struct {
		ID, Name, IdentityType, DefaultJustification string
		Platform                                     struct{ Key string }
	}
	createTemplate := func(cl *e2e.Client, in map[string]any) e2e.Response {
		return cl.Do(arTemplateOp, map[string]any{"in": in})
	}
	var ga4Tmpl, metaTmpl, tiktokTmpl tmplView
	t.Run("role templates: owner and admin create, everyone lists", func(t *testing.T) {
		var out struct{ CreateRoleTemplate tmplView }
		createTemplate(admin, map[string]any{"name": "GA4 analyst", "platform": "GA4", "identityType": "MANAGED_GWS", "defaultJustification": "Campaign reporting."}).Decode(t, &out)
		ga4Tmpl = out.CreateRoleTemplate
		require.Equal(t, "GA4", ga4Tmpl.Platform.Key)
		require.Equal(t, "MANAGED_GWS", ga4Tmpl.IdentityType)
		createTemplate(owner, map[string]any{"name": "Meta advertiser", "platform": "META_ADS", "identityType": "EXTERNAL_LOGIN", "defaultJustification": "Run campaigns."}).Decode(t, &out)
		metaTmpl = out.CreateRoleTemplate
		// A template may name a platform that is not operational yet.
		createTemplate(admin, map[string]any{"name": "TikTok creator", "platform": "TIKTOK_ADS", "identityType": "API_TOKEN"}).Decode(t, &out)
		tiktokTmpl = out.CreateRoleTemplate

		in := map[string]any{"name": "Sneaky", "platform": "GA4", "identityType": "API_TOKEN"}
		for _, cl := range []*e2e.Client{member, alice, bob} {
			requireCode(t, createTemplate(cl, in), "FORBIDDEN")
		}
		r := createTemplate(owner, map[string]any{"name": "ga4 ANALYST", "platform": "GOOGLE_ADS", "identityType": "API_TOKEN"})
		requireCode(t, r, "CONFLICT")
		require.Equal(t, ga4Tmpl.ID, r.Errors[0].Extensions["object"])
		requireInvalid(t, createTemplate(admin, map[string]any{"name": "  ", "platform": "GA4", "identityType": "API_TOKEN"}), "name")
		requireInvalid(t, createTemplate(admin, map[string]any{"name": "Long", "platform": "GA4", "identityType": "API_TOKEN", "defaultJustification": strings.Repeat("j", 2001)}), "defaultJustification")
		require.Equal(t, 3, countRows(t, sys, `SELECT count(*) FROM role_templates`))

		// Rival's template of the same name is Rival's own.
		var rt struct{ CreateRoleTemplate tmplView }
		createTemplate(rival, map[string]any{"name": "GA4 analyst", "platform": "META_ADS", "identityType": "API_TOKEN"}).Decode(t, &rt)
		var rl struct{ RoleTemplates []tmplView }
		rival.Do(`{ roleTemplates { id name } }`, nil).Decode(t, &rl)
		require.Len(t, rl.RoleTemplates, 1)
		require.Equal(t, rt.CreateRoleTemplate.ID, rl.RoleTemplates[0].ID)

		for _, cl := range []*e2e.Client{owner, admin, member, alice, bob} {
			var l struct{ RoleTemplates []tmplView }
			cl.Do(`{ roleTemplates { id name platform { key } identityType defaultJustification } }`, nil).Decode(t, &l)
			names := []string{}
			for _, x := range l.RoleTemplates {
				names = append(names, x.Name)
			}
			require.Equal(t, []string{"GA4 analyst", "Meta advertiser", "TikTok creator"}, names)
		}
		// alice cannot use Rival's template.
		requireInvalid(t, arSubmitIn(alice, map[string]any{"roleTemplateId": rt.CreateRoleTemplate.ID}), "roleTemplateId")
	})

	// The four pending requests the decisions below work on.
	var rGA4, rMeta, rGAds, rBob arView
	t.Run("submit: client users only, from a role template or not", func(t *testing.T) {
		in := map[string]any{"platform": "GOOGLE_ADS", "identityType": "API_TOKEN", "justification": "Staff asking."}
		for _, rl := range roleLogins[:3] {
			requireCode(t, arSubmitIn(c[rl.role], in), "FORBIDDEN")
			require.Zero(t, countRows(t, sys, `SELECT count(*) FROM access_requests WHERE requester_id = ?`, users[rl.email].ID), rl.role)
		}
		requireCode(t, arSubmitIn(rival, in), "FORBIDDEN")

		// From a template: platform, type and justification come from it.
		rGA4 = arOne(t, arSubmitIn(alice, map[string]any{"roleTemplateId": ga4Tmpl.ID}))
		require.Equal(t, "PENDING", rGA4.Status)
		require.Equal(t, "GA4", rGA4.Platform.Key)
		require.Equal(t, "MANAGED_GWS", rGA4.IdentityType)
		require.Equal(t, "Campaign reporting.", rGA4.Justification)
		require.Equal(t, ga4Tmpl.ID, *rGA4.RoleTemplateID)
		require.Equal(t, 48*time.Hour, rGA4.ExpiresAt.Sub(rGA4.CreatedAt), "the owner's new window applies")
		// Explicit fields must agree with the template; the justification may be the user's.
		requireInvalid(t, arSubmitIn(alice, map[string]any{"roleTemplateId": metaTmpl.ID, "platform": "GA4"}), "platform")
		requireInvalid(t, arSubmitIn(alice, map[string]any{"roleTemplateId": metaTmpl.ID, "identityType": "API_TOKEN"}), "identityType")
		requireInvalid(t, arSubmitIn(alice, map[string]any{"roleTemplateId": tiktokTmpl.ID, "justification": "Creators."}), "platform")
		rMeta = arOne(t, arSubmitIn(alice, map[string]any{"roleTemplateId": metaTmpl.ID, "platform": "META_ADS", "justification": "Our own words."}))
		require.Equal(t, "EXTERNAL_LOGIN", rMeta.IdentityType)
		require.Equal(t, "Our own words.", rMeta.Justification)
		rGAds = arSubmit(t, alice, "GOOGLE_ADS", "API_TOKEN", "Reporting API.")
		rBob = arSubmit(t, bob, "GA4", "API_TOKEN", "Globex reporting.")
		require.Equal(t, globex, rBob.Client.ID)
	})

	t.Run("Rival Agency sees and decides nothing of Demo's", func(t *testing.T) {
		require.Zero(t, arListOf(t, rival, nil, nil).TotalCount)
		requireCode(t, rival.Do(arListOp, map[string]any{"c": acme}), "NOT_FOUND")
		for _, id := range []string{rGA4.ID, rBob.ID} {
			requireCode(t, rival.Do(arGetOp, map[string]any{"id": id}), "NOT_FOUND")
			requireCode(t, arApprove(rival, id, nil, nil), "NOT_FOUND")
			requireCode(t, arReject(rival, id, arStr("mine now")), "NOT_FOUND")
		}
		_, total, _ := arNotes(t, rival, false)
		require.Zero(t, total)
		require.Equal(t, "PENDING", arGet(t, admin, rGA4.ID).Status)
		require.Equal(t, "PENDING", arGet(t, admin, rBob.ID).Status)
	})

	t.Run("approve and reject: owner and admin only", func(t *testing.T) {
		for _, who := range []struct {
			name string
			cl   *e2e.Client
		}{{"MEMBER", member}, {"CLIENT_USER (own request)", alice}, {"CLIENT_USER (other client)", bob}} {
			for _, id := range []string{rGAds.ID, rBob.ID} {
				requireCode(t, arApprove(who.cl, id, nil, nil), "FORBIDDEN")
				requireCode(t, arReject(who.cl, id, nil), "FORBIDDEN")
			}
		}
		require.Equal(t, 4, countRows(t, sys, `SELECT count(*) FROM access_requests WHERE status = 'PENDING'`))
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM identities`))

		v := arOne(t, arApprove(owner, rGA4.ID, arStr("ok"), nil))
		require.Contains(t, []string{"APPROVED", "PROVISIONED"}, v.Status)
		ident := arIdentityOf(t, owner, v.Identity.ID)
		require.Equal(t, "acme.ga4@demo.test", *ident.Email, "the owner's new naming template applies")
		v = arOne(t, arApprove(admin, rMeta.ID, nil, map[string]any{"username": "u@acme.example", "password": "pw-Meta-1"}))
		require.Equal(t, "PROVISIONED", v.Status)
		v = arOne(t, arReject(owner, rGAds.ID, arStr("not now")))
		require.Equal(t, "REJECTED", v.Status)
		v = arOne(t, arReject(admin, rBob.ID, nil))
		require.Equal(t, "REJECTED", v.Status)
		require.Nil(t, v.Reason)
	})

	t.Run("reads: everyone, a client user its own client's", func(t *testing.T) {
		rejected := "REJECTED"
		for _, role := range []string{"AGENCY_OWNER", "ADMIN", "MEMBER"} {
			require.Equal(t, 4, arListOf(t, c[role], nil, nil).TotalCount, role)
			require.Equal(t, 3, arListOf(t, c[role], &acme, nil).TotalCount, role)
			require.Equal(t, 1, arListOf(t, c[role], &globex, nil).TotalCount, role)
			require.Equal(t, 2, arListOf(t, c[role], nil, &rejected).TotalCount, role)
			v := arGet(t, c[role], rBob.ID)
			require.Equal(t, "Bob Globex", v.Requester.Name, role)
		}
		l := arListOf(t, alice, nil, nil)
		require.Equal(t, 3, l.TotalCount)
		for _, v := range l.Nodes {
			require.Equal(t, acme, v.Client.ID)
		}
		require.Equal(t, 1, arListOf(t, alice, nil, &rejected).TotalCount)
		require.Equal(t, "not now", *arGet(t, alice, rGAds.ID).Reason, "alice sees the reason")
		requireCode(t, alice.Do(arListOp, map[string]any{"c": globex}), "NOT_FOUND")
		requireCode(t, alice.Do(arGetOp, map[string]any{"id": rBob.ID}), "NOT_FOUND")
		l = arListOf(t, bob, nil, nil)
		require.Equal(t, 1, l.TotalCount)
		require.Equal(t, rBob.ID, l.Nodes[0].ID)
		requireCode(t, bob.Do(arGetOp, map[string]any{"id": rGA4.ID}), "NOT_FOUND")
		requireInvalid(t, owner.Do(arListOp, map[string]any{"c": "nope"}), "clientId")
	})

	t.Run("accessRequestUpdated: everyone, scoped", func(t *testing.T) {
		for _, role := range []string{"AGENCY_OWNER", "ADMIN", "MEMBER"} {
			arAwait(t, subs[role], rGAds.ID, "REJECTED")
			arAwait(t, subs[role], rBob.ID, "REJECTED")
		}
		arAwait(t, subs["CLIENT_USER"], rGAds.ID, "REJECTED")
		// Sentinels: Acme's three requests were filed before Globex's; bob's first event is
		// Globex's, and alice never gets Globex's: after rBob's rejection (published after all
		// of Acme's events) comes a new Acme event, the first thing alice sees after rGAds.
		var ev struct{ AccessRequestUpdated arView }
		bobSub.Expect(arTimeout, &ev)
		require.Equal(t, rBob.ID, ev.AccessRequestUpdated.ID, "bob's first event is not Globex's")
		ga := arSubmit(t, alice, "GOOGLE_ADS", "API_TOKEN", "Second try.")
		for {
			subs["CLIENT_USER"].Expect(arTimeout, &ev)
			require.Equal(t, acme, ev.AccessRequestUpdated.Client.ID, "alice got another client's event")
			if ev.AccessRequestUpdated.ID == ga.ID {
				break
			}
		}

		// Rival's own client user files a request: Rival's subscriber's first event is it.
		var cl struct{ CreateClient struct{ ID string } }
		rival.Do(`mutation { createClient(input:{name:"Initech"}) { id } }`, nil).Decode(t, &cl)
		rival.Do(`mutation($c:ID!){ createUser(input:{email:"peter@initech.test", name:"Peter", password:"long-enough-password", role:CLIENT_USER, clientId:$c}) { id } }`,
			map[string]any{"c": cl.CreateClient.ID}).Decode(t, &struct{}{})
		peter := sys.NewClient(0)
		require.Empty(t, peter.Do(loginQuery, map[string]any{"e": "peter@initech.test", "p": "long-enough-password"}).Errors)
		pr := arSubmit(t, peter, "META_ADS", "API_TOKEN", "Initech ads.")
		rivalSub.Expect(arTimeout, &ev)
		require.Equal(t, pr.ID, ev.AccessRequestUpdated.ID, "Rival's first event is not its own")
		// And Demo's deciders were not notified of it.
		require.Zero(t, countRows(t, sys, `SELECT count(*) FROM notifications WHERE data->>'accessRequestId' = ? AND agency_id = ?`, pr.ID, sys.Seed.Demo.ID))
		requireCode(t, admin.Do(arGetOp, map[string]any{"id": pr.ID}), "NOT_FOUND")
	})

	t.Run("notifications are one's own and are marked read", func(t *testing.T) {
		// Once the GA4 identity is provisioned, alice's notifications are all in: approved and
		// provisioned for GA4 and Meta, rejected for Google Ads.
		e2e.Eventually(t, arTimeout, func() bool { return arGet(t, admin, rGA4.ID).Status == "PROVISIONED" }, "GA4 request provisioned")
		notes, total, unread := arNotes(t, alice, false)
		require.Equal(t, 5, total)
		require.Equal(t, total, unread, "nothing read yet")
		ids := make([]string, 0, len(notes))
		for _, n := range notes {
			ids = append(ids, n.ID)
		}
		mark := func(cl *e2e.Client, ids []string) e2e.Response {
			return cl.Do(`mutation($ids:[ID!]!){ markNotificationsRead(ids:$ids) }`, map[string]any{"ids": ids})
		}
		// Someone else's ids change nothing.
		for _, cl := range []*e2e.Client{bob, admin, rival} {
			var out struct{ MarkNotificationsRead int }
			mark(cl, ids).Decode(t, &out)
			require.Zero(t, out.MarkNotificationsRead)
		}
		_, _, still := arNotes(t, alice, false)
		require.Equal(t, unread, still)
		requireInvalid(t, mark(alice, []string{}), "ids")
		requireInvalid(t, mark(alice, []string{"nope"}), "ids")

		var out struct{ MarkNotificationsRead int }
		mark(alice, ids[:1]).Decode(t, &out)
		require.Equal(t, 1, out.MarkNotificationsRead)
		unreadList, _, left := arNotes(t, alice, true)
		require.Equal(t, unread-1, left)
		for _, n := range unreadList {
			require.NotEqual(t, ids[0], n.ID)
		}
		mark(alice, ids).Decode(t, &out)
		require.Equal(t, len(ids)-1, out.MarkNotificationsRead, "already read ones do not count")
		all, _, left := arNotes(t, alice, false)
		require.Zero(t, left)
		for _, n := range all {
			require.NotNil(t, n.ReadAt)
		}
		// The deciders' notifications are untouched.
		_, _, adminUnread := arNotes(t, admin, false)
		require.Positive(t, adminUnread)
	})
}
