package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
)

// SendResult is what a SEND_NOTIFICATION job records: no addresses, no text.
type SendResult struct {
	NotificationID uuid.UUID `json:"notificationId"`
	Sent           bool      `json:"sent"`
	// Skipped says why nothing was sent: "already emailed" or "user deactivated".
	Skipped string `json:"skipped,omitempty"`
}

// ErrNoSender is returned by SendHandler when the Notifier was built without a Sender.
var ErrNoSender = errors.New("notify: no e-mail sender configured")

// SendHandler runs a SEND_NOTIFICATION job: it e-mails a notification of the agency to its
// user through the Sender and stamps emailed_at. It is idempotent: a notification already
// e-mailed is skipped, and the lock held while sending makes a second, concurrent run wait and
// then skip. Delivery is at least once: should the stamp fail to commit after the server
// took the message (the worker killed in between), a retry sends it again — with the same
// Message-ID, derived from the notification's id, so it is the same message twice, not two.
func (n *Notifier) SendHandler(ctx context.Context, agencyID, notificationID uuid.UUID) (*SendResult, error) {
	if n.sender == nil {
		return nil, job.Permanent(ErrNoSender)
	}
	res := &SendResult{NotificationID: notificationID}
	err := db.InTx(ctx, n.db, func(ctx context.Context, tx bun.Tx) error {
		// A transaction-scoped advisory lock, not a row lock, serialises runs for the same
		// notification: MarkRead on the row must not wait for the mail server.
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", "notify:"+notificationID.String()); err != nil {
			return fmt.Errorf("notify: lock: %w", err)
		}
		row := new(Notification)
		err := tenant.Agency(agencyID).Select(tx, row).Where("n.id = ?", notificationID).Scan(ctx)
		if db.IsNoRows(err) {
			return job.Permanent(fault.NotFound("notification"))
		}
		if err != nil {
			return fmt.Errorf("notify: load: %w", err)
		}
		if row.EmailedAt != nil {
			res.Skipped = "already emailed"
			return nil
		}
		to, err := loadRecipient(ctx, tx, row)
		if err != nil {
			return err
		}
		if to.DeactivatedAt != nil {
			res.Skipped = "user deactivated"
			return nil
		}
		if err := n.sender.Send(ctx, Email{To: to.Email, Subject: row.Title, Body: emailBody(row, to.Name, to.AgencyName, n.publicURL), Key: row.ID.String()}); err != nil {
			return err
		}
		if _, err := tenant.Agency(row.AgencyID).Update(tx, row).WherePK().Set("emailed_at = clock_timestamp()").Exec(ctx); err != nil {
			return fmt.Errorf("notify: stamp emailed_at: %w", err)
		}
		res.Sent = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// recipient is who a notification is e-mailed to.
type recipient struct {
	Email, Name, AgencyName string
	DeactivatedAt           *time.Time
}

// loadRecipient asks the packages owning users (auth) and agencies (agency) who row's user is.
func loadRecipient(ctx context.Context, tx bun.IDB, row *Notification) (*recipient, error) {
	users, err := auth.UsersByIDs(ctx, tx, tenant.Agency(row.AgencyID), []uuid.UUID{row.UserID})
	if err != nil {
		return nil, fmt.Errorf("notify: load recipient: %w", err)
	}
	u := users[row.UserID]
	if u == nil {
		return nil, fmt.Errorf("notify: load recipient: %w", sql.ErrNoRows)
	}
	ag, err := agency.ByID(ctx, tx, row.AgencyID)
	if err != nil {
		return nil, fmt.Errorf("notify: load recipient: %w", err)
	}
	return &recipient{Email: u.Email, Name: u.Name, AgencyName: ag.Name, DeactivatedAt: u.DeactivatedAt}, nil
}

// SendJob is SendHandler in the worker's handler shape: register it for SEND_NOTIFICATION.
func (n *Notifier) SendJob(ctx context.Context, rec *job.Record, in SendInput) (any, error) {
	if in.NotificationID == uuid.Nil || rec.AgencyID == nil {
		return nil, job.Permanent(fmt.Errorf("notify: bad SEND_NOTIFICATION input"))
	}
	return n.SendHandler(ctx, *rec.AgencyID, in.NotificationID)
}

// emailBody renders a notification as the text of its e-mail. Names are plain (PlainName); the
// notification's own text quotes whatever people wrote (Quote); the only link is the configured
// public URL, never one taken from a notification.
func emailBody(row *Notification, name, agencyName, publicURL string) string {
	var b strings.Builder
	if name != "" {
		fmt.Fprintf(&b, "Hello %s,\n\n", PlainName(name))
	}
	b.WriteString(row.Title)
	b.WriteString("\n")
	if row.Body != "" {
		b.WriteString("\n")
		b.WriteString(row.Body)
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n-- \nAccessHive, for %s. You can also read this notification in the app", PlainName(agencyName))
	if publicURL != "" {
		b.WriteString(": ")
		b.WriteString(publicURL)
	}
	b.WriteString(".\n")
	return b.String()
}
