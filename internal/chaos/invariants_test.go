package chaos

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Report is what the invariant check found, for the test's log.
type Report struct {
	Requests, Provisioned, Pending, Managed, Jobs, Notifications, Emails int
	// Resent counts e-mails delivered a second time with the same Message-ID: a worker killed
	// after the SMTP server accepted a message and before emailed_at committed (at-least-once
	// delivery; the message is the same one, not a second notification).
	Resent int
}

func (r Report) String() string {
	return fmt.Sprintf("requests=%d provisioned=%d pending=%d managed=%d jobs=%d notifications=%d emails=%d resent-same-message-id=%d",
		r.Requests, r.Provisioned, r.Pending, r.Managed, r.Jobs, r.Notifications, r.Emails, r.Resent)
}

// settle polls until every job record is final and the outbox is empty, or fails the test.
func settle(t testing.TB, e *Env, timeout time.Duration) {
	t.Helper()
	Poll(t, timeout, "every job final and the outbox empty", func() error {
		open := count(t, e, "jobs", "status IN ('QUEUED','RUNNING','RETRYING')")
		outbox := count(t, e, "outbox", "relayed_at IS NULL")
		if open > 0 || outbox > 0 {
			return fmt.Errorf("%d open jobs, %d outbox rows", open, outbox)
		}
		return nil
	})
}

// checkInvariants checks, once the system has settled, everything the fault suites promise:
//   - every job record SUCCEEDED (none failed for a crash), and the outbox is empty;
//   - every access request committed whole or not at all: a PENDING one has no identity, no
//     decision audit and no decision notification; an approved one has exactly one identity,
//     one approval audit row and one approval notification; none is left APPROVED when
//     wantAllProvisioned;
//   - the fake directory holds exactly one user per managed identity, and nothing else;
//   - each notification exists once per request, kind and recipient, has exactly one
//     SEND_NOTIFICATION job, was e-mailed (emailed_at), and arrived at the SMTP sink under its
//     own Message-ID; no notification was e-mailed as two different messages.
func checkInvariants(t testing.TB, e *Env, wantAllProvisioned bool) Report {
	t.Helper()
	ctx := context.Background()
	var rep Report

	rep.Jobs = count(t, e, "jobs", "TRUE")
	var failed []struct {
		Type, Status, Error string
	}
	require.NoError(t, e.DB.NewSelect().Table("jobs").Column("type", "status", "error").Where("status <> 'SUCCEEDED'").Scan(ctx, &failed))
	assert.Empty(t, failed, "every job succeeds")
	assert.Zero(t, count(t, e, "outbox", "relayed_at IS NULL"), "outbox empty")

	type reqRow struct {
		ID         uuid.UUID  `bun:"id"`
		Status     string     `bun:"status"`
		Type       string     `bun:"identity_type"`
		IdentityID *uuid.UUID `bun:"identity_id"`
	}
	var reqs []reqRow
	require.NoError(t, e.DB.NewSelect().Table("access_requests").Column("id", "status", "identity_type", "identity_id").Scan(ctx, &reqs))
	rep.Requests = len(reqs)
	for _, r := range reqs {
		idents := count(t, e, "identities", "origin_request_id = ?", r.ID)
		approvedAudit := count(t, e, "audit_events", "kind = 'access_request.approved' AND target_id = ?", r.ID)
		submittedAudit := count(t, e, "audit_events", "kind = 'access_request.submitted' AND target_id = ?", r.ID)
		approvedNote := count(t, e, "notifications", "kind = 'ACCESS_REQUEST_APPROVED' AND data->>'accessRequestId' = ?", r.ID.String())
		provisionedNote := count(t, e, "notifications", "kind = 'ACCESS_REQUEST_PROVISIONED' AND data->>'accessRequestId' = ?", r.ID.String())
		submittedNote := count(t, e, "notifications", "kind = 'ACCESS_REQUEST_SUBMITTED' AND data->>'accessRequestId' = ?", r.ID.String())
		assert.Equal(t, 1, submittedAudit, "request %s: one submission audit row", r.ID)
		assert.Equal(t, 2, submittedNote, "request %s: owner and admin notified of the submission once each", r.ID)
		switch r.Status {
		case "PENDING":
			rep.Pending++
			assert.Nil(t, r.IdentityID, "pending request %s has no identity", r.ID)
			assert.Zero(t, idents, "pending request %s: no identity created", r.ID)
			assert.Zero(t, approvedAudit, "pending request %s: no approval audit", r.ID)
			assert.Zero(t, approvedNote+provisionedNote, "pending request %s: no decision notification", r.ID)
		case "APPROVED", "PROVISIONED":
			if r.Status == "PROVISIONED" {
				rep.Provisioned++
				assert.Equal(t, 1, provisionedNote, "request %s: one provisioned notification", r.ID)
			} else {
				assert.False(t, wantAllProvisioned, "request %s left APPROVED", r.ID)
			}
			assert.NotNil(t, r.IdentityID, "request %s has its identity", r.ID)
			assert.Equal(t, 1, idents, "request %s: exactly one identity", r.ID)
			assert.Equal(t, 1, approvedAudit, "request %s: one approval audit row", r.ID)
			assert.Equal(t, 1, approvedNote, "request %s: one approval notification", r.ID)
			if r.Type == "MANAGED_GWS" && r.IdentityID != nil {
				assert.Equal(t, 1, count(t, e, "jobs", "type = 'PROVISION_IDENTITY' AND input->>'identityId' = ?", r.IdentityID.String()),
					"request %s: one provisioning job", r.ID)
			}
		default:
			t.Errorf("request %s in unexpected status %s", r.ID, r.Status)
		}
	}
	if wantAllProvisioned {
		assert.Equal(t, rep.Requests, rep.Provisioned, "every request PROVISIONED")
	}

	// The directory: exactly one user per managed identity, nothing else.
	var managed []string
	require.NoError(t, e.DB.NewSelect().Table("identities").Column("email").
		Where("type = 'MANAGED_GWS' AND provisioning_state = 'PROVISIONED'").Scan(ctx, &managed))
	rep.Managed = len(managed)
	assert.Zero(t, count(t, e, "identities", "type = 'MANAGED_GWS' AND provisioning_state <> 'PROVISIONED'"), "every managed identity provisioned")
	users := e.Directory.Users()
	byEmail := map[string]int{}
	for _, u := range users {
		byEmail[strings.ToLower(u.PrimaryEmail)]++
	}
	for _, m := range managed {
		assert.Equal(t, 1, byEmail[strings.ToLower(m)], "directory user %s exists once", m)
	}
	assert.Len(t, users, len(managed), "the directory holds one user per managed identity and nothing else")

	// Notifications and e-mails.
	type noteRow struct {
		ID        uuid.UUID  `bun:"id"`
		EmailedAt *time.Time `bun:"emailed_at"`
	}
	var notes []noteRow
	require.NoError(t, e.DB.NewSelect().Table("notifications").Column("id", "emailed_at").Scan(ctx, &notes))
	rep.Notifications = len(notes)
	var dupNotes int
	require.NoError(t, e.DB.NewSelect().TableExpr("(SELECT user_id, kind, data->>'accessRequestId' AS r, count(*) AS n FROM notifications GROUP BY 1, 2, 3) AS g").
		ColumnExpr("count(*)").Where("g.n > 1").Scan(ctx, &dupNotes))
	assert.Zero(t, dupNotes, "no notification stored twice for one request, kind and user")
	received := map[string]int{}
	msgs := e.Mail.Messages()
	rep.Emails = len(msgs)
	for _, m := range msgs {
		received[m.MessageID]++
	}
	for _, n := range notes {
		assert.NotNil(t, n.EmailedAt, "notification %s e-mailed", n.ID)
		assert.Equal(t, 1, count(t, e, "jobs", "type = 'SEND_NOTIFICATION' AND input->>'notificationId' = ?", n.ID.String()),
			"notification %s: one e-mail job", n.ID)
		got := 0
		for id, k := range received {
			if strings.HasPrefix(id, "<notification."+n.ID.String()+"@") {
				got += k
				delete(received, id)
			}
		}
		assert.GreaterOrEqual(t, got, 1, "notification %s reached the mail server", n.ID)
		if got > 1 {
			rep.Resent += got - 1
		}
	}
	assert.Empty(t, received, "no e-mail that is not a stored notification")
	return rep
}
