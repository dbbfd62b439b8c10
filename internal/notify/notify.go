// Package notify tells people what happened: notifications stored in-app (listed, marked read,
// announced live on notificationAdded) and sent by email, once each, by a SEND_NOTIFICATION job
// through a pluggable Sender (SMTP in production, a capturing sender in dev and tests).
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/page"
)

// Limits of a notification's text.
const (
	MaxTitle = 200
	MaxBody  = 4000
	// MaxMarkRead bounds the ids one MarkRead call takes.
	MaxMarkRead = 100
)

// Notification is one row of the notifications table: a message to one user of an agency. It
// holds no secrets, so it is published and e-mailed as it is.
type Notification struct {
	bun.BaseModel `bun:"table:notifications,alias:n"`

	ID        uuid.UUID      `bun:"id,pk,type:uuid,default:gen_random_uuid()" json:"id"`
	AgencyID  uuid.UUID      `bun:"agency_id,type:uuid,notnull" json:"-"`
	UserID    uuid.UUID      `bun:"user_id,type:uuid,notnull" json:"userId"`
	Kind      string         `bun:"kind,notnull" json:"kind"`
	Title     string         `bun:"title,notnull" json:"title"`
	Body      string         `bun:"body,notnull" json:"body"`
	Data      map[string]any `bun:"data,type:jsonb,notnull" json:"data"`
	ReadAt    *time.Time     `bun:"read_at" json:"readAt"`
	EmailedAt *time.Time     `bun:"emailed_at" json:"emailedAt"`
	CreatedAt time.Time      `bun:"created_at,notnull,default:clock_timestamp()" json:"createdAt"`
}

// Cursor is the notification's position in lists.
func (n *Notification) Cursor() page.Cursor { return page.Cursor{At: n.CreatedAt, ID: n.ID} }

// EventTopic makes a notification the payload of TopicNotificationAdded (event.Payload).
func (Notification) EventTopic() event.Topic { return event.TopicNotificationAdded }

// SendInput is the input of a SEND_NOTIFICATION job: the notification's id only.
type SendInput struct {
	NotificationID uuid.UUID `json:"notificationId"`
}

// JobType is SEND_NOTIFICATION.
func (SendInput) JobType() job.Type { return job.TypeSendNotification }

// Notifier stores notifications, announces them, and e-mails them through its Sender.
type Notifier struct {
	db     bun.IDB
	events event.Publisher
	sender Sender
	log    *slog.Logger
	// publicURL is the console's configured address, the only link e-mails carry.
	publicURL string
}

// WithPublicURL makes e-mails point at the console's configured address (ACCESSHIVE_PUBLIC_URL);
// without it they carry no link.
func (n *Notifier) WithPublicURL(u string) *Notifier {
	n.publicURL = u
	return n
}

// New returns a Notifier. sender may be nil in processes that never send (the API server);
// SendHandler then fails.
func New(idb bun.IDB, events event.Publisher, sender Sender, log *slog.Logger) *Notifier {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{db: idb, events: events, sender: sender, log: log}
}

// ErrInvalid is returned by Notify for a notification that cannot be stored as given (a
// programming error of the caller, not user input).
var ErrInvalid = errors.New("notify: invalid notification")

// Notify stores n for its user and enqueues the SEND_NOTIFICATION job that e-mails it, both
// through tx, which should be the transaction of the change the notification is about. It
// returns the stored notification; after commit the caller announces it with Published.
func (n *Notifier) Notify(ctx context.Context, tx bun.IDB, in Notification) (*Notification, error) {
	in.Kind = strings.TrimSpace(in.Kind)
	in.Title = clip(strings.TrimSpace(in.Title), MaxTitle)
	in.Body = clip(strings.TrimSpace(in.Body), MaxBody)
	switch {
	case in.AgencyID == uuid.Nil || in.UserID == uuid.Nil:
		return nil, fmt.Errorf("%w: agency and user are required", ErrInvalid)
	case in.Kind == "" || in.Title == "":
		return nil, fmt.Errorf("%w: kind and title are required", ErrInvalid)
	}
	if in.Data == nil {
		in.Data = map[string]any{}
	}
	row := &Notification{AgencyID: in.AgencyID, UserID: in.UserID, Kind: in.Kind, Title: in.Title, Body: in.Body, Data: in.Data}
	// clock_timestamp(), not the transaction's now(): notifications of one transaction then
	// list in the order they were made.
	if _, err := tx.NewInsert().Model(row).ExcludeColumn("read_at", "emailed_at").
		Value("created_at", "clock_timestamp()").Returning("*").Exec(ctx); err != nil {
		return nil, fmt.Errorf("notify: insert: %w", err)
	}
	if _, err := job.Enqueue(ctx, tx, job.Spec{AgencyID: row.AgencyID, Type: job.TypeSendNotification, Input: SendInput{NotificationID: row.ID}}); err != nil {
		return nil, err
	}
	return row, nil
}

// clip shortens s to at most max characters.
func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// Published announces committed notifications on notificationAdded (Key: the recipient's user
// id). A failed publish is logged, not returned: the notification is stored either way.
func (n *Notifier) Published(ctx context.Context, ns ...*Notification) {
	for _, x := range ns {
		if x == nil {
			continue
		}
		if err := event.Publish(ctx, n.events, x.AgencyID, x.UserID.String(), *x); err != nil {
			n.log.WarnContext(ctx, "notify: publish", "notification_id", x.ID, "error", err)
		}
	}
}

// own starts a query of the actor's own notifications: its agency's, addressed to it.
func own(idb bun.IDB, model any, actor *auth.Actor) *bun.SelectQuery {
	return actor.Tenant().Select(idb, model).Where("n.user_id = ?", actor.UserID)
}

// List pages through the actor's own notifications, newest first; unreadOnly leaves out those
// already read. Every role may list its own.
func (n *Notifier) List(ctx context.Context, actor *auth.Actor, unreadOnly bool, args page.Args) (page.Result[Notification], error) {
	filter := func(q *bun.SelectQuery) *bun.SelectQuery {
		if unreadOnly {
			q = q.Where("n.read_at IS NULL")
		}
		return q
	}
	var items []Notification
	q, first, err := page.ApplyDesc(filter(own(n.db, &items, actor)), "n", args)
	if err != nil {
		return page.Result[Notification]{}, err
	}
	if err := q.Scan(ctx); err != nil {
		return page.Result[Notification]{}, fmt.Errorf("notify: list: %w", err)
	}
	total, err := filter(own(n.db, (*Notification)(nil), actor)).Count(ctx)
	if err != nil {
		return page.Result[Notification]{}, fmt.Errorf("notify: count: %w", err)
	}
	return page.Build(items, first, int(total), func(x Notification) page.Cursor { return x.Cursor() }), nil
}

// UnreadCount returns how many of the actor's notifications are unread.
func (n *Notifier) UnreadCount(ctx context.Context, actor *auth.Actor) (int, error) {
	c, err := own(n.db, (*Notification)(nil), actor).Where("n.read_at IS NULL").Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("notify: count unread: %w", err)
	}
	return int(c), nil
}

// MarkRead marks the given notifications of the actor read and returns how many changed. Ids
// that are not the actor's own, or already read, are ignored.
func (n *Notifier) MarkRead(ctx context.Context, actor *auth.Actor, ids []uuid.UUID) (int, error) {
	if len(ids) == 0 {
		return 0, fault.Invalid("ids", "give at least one notification id")
	}
	if len(ids) > MaxMarkRead {
		return 0, fault.Invalid("ids", fmt.Sprintf("give at most %d ids", MaxMarkRead))
	}
	return n.markRead(ctx, actor, ids)
}

// MarkAllRead marks every unread notification of the actor read and returns how many changed.
func (n *Notifier) MarkAllRead(ctx context.Context, actor *auth.Actor) (int, error) {
	return n.markRead(ctx, actor, nil)
}

func (n *Notifier) markRead(ctx context.Context, actor *auth.Actor, ids []uuid.UUID) (int, error) {
	q := actor.Tenant().Update(n.db, (*Notification)(nil)).
		Where("user_id = ?", actor.UserID).Where("read_at IS NULL").
		Set("read_at = clock_timestamp()")
	if ids != nil {
		q = q.Where("id IN (?)", bun.List(ids))
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("notify: mark read: %w", err)
	}
	c, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("notify: mark read: %w", err)
	}
	return int(c), nil
}
