package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/notify"
	"github.com/accesshive/accesshive/internal/page"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/testenv"
)

type bundle struct {
	db       *bun.DB
	seed     *demo.Seeded
	events   *testenv.Events
	sender   *notify.CaptureSender
	notifier *notify.Notifier
}

func setup(t *testing.T) *bundle {
	t.Helper()
	bdb := testenv.DB(t)
	seed, err := demo.Seed(context.Background(), bdb)
	require.NoError(t, err)
	rec := &testenv.Events{}
	sender := notify.NewCaptureSender(nil)
	return &bundle{db: bdb, seed: seed, events: rec, sender: sender, notifier: notify.New(bdb, rec, sender, nil)}
}

func (b *bundle) actor(email string) *auth.Actor {
	u := b.seed.UsersByEmail[email]
	a := &auth.Actor{UserID: u.ID, AgencyID: u.AgencyID, Role: u.Role, Email: u.Email, Name: u.Name}
	if u.ClientID != nil {
		a.ClientID = *u.ClientID
	}
	return a
}

// notify stores and publishes one notification for the user in its own transaction.
func (b *bundle) notify(t *testing.T, email, title string) *notify.Notification {
	t.Helper()
	u := b.seed.UsersByEmail[email]
	var n *notify.Notification
	require.NoError(t, db.InTx(context.Background(), b.db, func(ctx context.Context, tx bun.Tx) error {
		var err error
		n, err = b.notifier.Notify(ctx, tx, notify.Notification{AgencyID: u.AgencyID, UserID: u.ID, Kind: "TEST", Title: title, Body: "Body of " + title, Data: map[string]any{"n": title}})
		return err
	}))
	b.notifier.Published(context.Background(), n)
	return n
}

func TestNotifyStoresEnqueuesAndPublishes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	alice := b.seed.UsersByEmail["alice@acme.test"]

	n := b.notify(t, "alice@acme.test", "Your access is ready")
	require.NotEqual(t, uuid.Nil, n.ID)
	require.Equal(t, alice.ID, n.UserID)
	require.Nil(t, n.ReadAt)
	require.Nil(t, n.EmailedAt)
	require.Equal(t, map[string]any{"n": "Your access is ready"}, n.Data)

	jobs, err := job.List(ctx, b.db, b.seed.Demo.ID, job.TypeSendNotification, 10)
	require.NoError(t, err)
	require.Len(t, jobs, 1)
	require.JSONEq(t, `{"notificationId":"`+n.ID.String()+`"}`, string(jobs[0].Input))
	require.Equal(t, job.QueueDefault, jobs[0].Queue)

	evs := b.events.All()
	require.Len(t, evs, 1)
	require.Equal(t, event.TopicNotificationAdded, evs[0].Topic)
	require.Equal(t, alice.ID.String(), evs[0].Key)
	require.Equal(t, b.seed.Demo.ID, evs[0].AgencyID)
	var view map[string]any
	require.NoError(t, json.Unmarshal(evs[0].Data, &view))
	require.Equal(t, n.ID.String(), view["id"])
	require.Equal(t, "Your access is ready", view["title"])

	// A rolled-back transaction leaves neither the notification nor its job.
	boom := errors.New("boom")
	err = db.InTx(ctx, b.db, func(ctx context.Context, tx bun.Tx) error {
		if _, err := b.notifier.Notify(ctx, tx, notify.Notification{AgencyID: alice.AgencyID, UserID: alice.ID, Kind: "TEST", Title: "never"}); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	jobs, err = job.List(ctx, b.db, b.seed.Demo.ID, job.TypeSendNotification, 10)
	require.NoError(t, err)
	require.Len(t, jobs, 1)

	// A user of another agency cannot receive a notification of this one (composite key).
	rival := b.seed.UsersByEmail["owner@rival.test"]
	_, err = b.notifier.Notify(ctx, b.db, notify.Notification{AgencyID: b.seed.Demo.ID, UserID: rival.ID, Kind: "TEST", Title: "x"})
	require.Error(t, err)
	_, err = b.notifier.Notify(ctx, b.db, notify.Notification{AgencyID: b.seed.Demo.ID, UserID: alice.ID, Kind: "TEST"})
	require.ErrorIs(t, err, notify.ErrInvalid)
}

func TestSendHandlerSendsOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n := b.notify(t, "alice@acme.test", "Your Meta Ads access is ready")

	res, err := b.notifier.SendHandler(ctx, b.seed.Demo.ID, n.ID)
	require.NoError(t, err)
	require.True(t, res.Sent)
	res, err = b.notifier.SendHandler(ctx, b.seed.Demo.ID, n.ID)
	require.NoError(t, err)
	require.False(t, res.Sent)
	require.Equal(t, "already emailed", res.Skipped)

	msgs := b.sender.Messages()
	require.Len(t, msgs, 1)
	require.Equal(t, "alice@acme.test", msgs[0].To)
	require.Equal(t, "Your Meta Ads access is ready", msgs[0].Subject)
	require.Contains(t, msgs[0].Body, "Hello Alice Acme")
	require.Contains(t, msgs[0].Body, "Body of Your Meta Ads access is ready")
	require.Contains(t, msgs[0].Body, "Demo Agency")
	m, ok := b.sender.WaitFor("alice@acme.test", "access is ready", time.Second)
	require.True(t, ok)
	require.Equal(t, msgs[0], m)

	var emailedAt *time.Time
	require.NoError(t, b.db.NewSelect().Table("notifications").Column("emailed_at").Where("id = ?", n.ID).Comment(tenant.AllAgencies("the test reaches into the table directly")).Scan(ctx, &emailedAt))
	require.NotNil(t, emailedAt)

	// Concurrent runs of the same job (a task delivered twice) still send once.
	n2 := b.notify(t, "bob@globex.test", "Second")
	var wg sync.WaitGroup
	results := make([]*notify.SendResult, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := b.notifier.SendHandler(ctx, b.seed.Demo.ID, n2.ID)
			if err == nil {
				results[i] = r
			}
		}()
	}
	wg.Wait()
	sent := 0
	for _, r := range results {
		require.NotNil(t, r)
		if r.Sent {
			sent++
		}
	}
	require.Equal(t, 1, sent)
	require.Len(t, b.sender.Messages(), 2)
}

func TestSendJob(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n := b.notify(t, "owner@demo.test", "New access request from Alice Acme")
	jobs, err := job.List(ctx, b.db, b.seed.Demo.ID, job.TypeSendNotification, 10)
	require.NoError(t, err)
	require.Len(t, jobs, 1)

	out, err := job.Typed(b.notifier.SendJob)(ctx, &jobs[0])
	require.NoError(t, err)
	raw, err := json.Marshal(out)
	require.NoError(t, err)
	require.JSONEq(t, `{"notificationId":"`+n.ID.String()+`","sent":true}`, string(raw), "the job result holds no address or text")
	_, ok := b.sender.WaitFor("owner@demo.test", "New access request", time.Second)
	require.True(t, ok)

	// Bad inputs are permanent failures; so is a notification of another agency.
	_, err = job.Typed(b.notifier.SendJob)(ctx, &job.Record{AgencyID: &b.seed.Demo.ID, Input: json.RawMessage(`{}`)})
	require.ErrorIs(t, err, job.ErrPermanent)
	_, err = b.notifier.SendHandler(ctx, b.seed.Rival.ID, n.ID)
	require.ErrorIs(t, err, job.ErrPermanent)
	require.ErrorIs(t, err, fault.ErrNotFound)
	_, err = notify.New(b.db, b.events, nil, nil).SendHandler(ctx, b.seed.Demo.ID, n.ID)
	require.ErrorIs(t, err, notify.ErrNoSender)
}

func TestSendHandlerFailureIsRetried(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n := b.notify(t, "alice@acme.test", "Retry me")
	b.sender.SetError(errors.New("smtp: 451 try again later"))
	_, err := b.notifier.SendHandler(ctx, b.seed.Demo.ID, n.ID)
	require.Error(t, err)
	require.NotErrorIs(t, err, job.ErrPermanent)
	var emailedAt *time.Time
	require.NoError(t, b.db.NewSelect().Table("notifications").Column("emailed_at").Where("id = ?", n.ID).Comment(tenant.AllAgencies("the test reaches into the table directly")).Scan(ctx, &emailedAt))
	require.Nil(t, emailedAt)

	b.sender.SetError(nil)
	res, err := b.notifier.SendHandler(ctx, b.seed.Demo.ID, n.ID)
	require.NoError(t, err)
	require.True(t, res.Sent)
	require.Len(t, b.sender.Messages(), 1)
}

func TestSendHandlerSkipsDeactivatedUser(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n := b.notify(t, "member@demo.test", "Hello")
	_, err := b.db.NewUpdate().Table("users").Set("deactivated_at = now()").Where("id = ?", n.UserID).Comment(tenant.AllAgencies("the test reaches into the table directly")).Exec(ctx)
	require.NoError(t, err)
	res, err := b.notifier.SendHandler(ctx, b.seed.Demo.ID, n.ID)
	require.NoError(t, err)
	require.False(t, res.Sent)
	require.Equal(t, "user deactivated", res.Skipped)
	require.Empty(t, b.sender.Messages())
}

func TestListAndMarkRead(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	n1 := b.notify(t, "alice@acme.test", "one")
	n2 := b.notify(t, "alice@acme.test", "two")
	n3 := b.notify(t, "alice@acme.test", "three")
	nb := b.notify(t, "bob@globex.test", "bob's")
	alice := b.actor("alice@acme.test")

	titles := func(r page.Result[notify.Notification]) []string {
		var out []string
		for _, n := range r.Items {
			out = append(out, n.Title)
		}
		return out
	}
	all, err := b.notifier.List(ctx, alice, false, page.Args{})
	require.NoError(t, err)
	require.Equal(t, []string{"three", "two", "one"}, titles(all), "newest first")
	require.Equal(t, 3, all.TotalCount)

	p1, err := b.notifier.List(ctx, alice, false, page.Args{First: 2})
	require.NoError(t, err)
	require.Equal(t, []string{"three", "two"}, titles(p1))
	require.True(t, p1.HasNextPage)
	p2, err := b.notifier.List(ctx, alice, false, page.Args{First: 2, After: p1.Cursors[1]})
	require.NoError(t, err)
	require.Equal(t, []string{"one"}, titles(p2))
	require.False(t, p2.HasNextPage)

	// Only the actor's own notifications change; bob's id is ignored.
	changed, err := b.notifier.MarkRead(ctx, alice, []uuid.UUID{n2.ID, nb.ID})
	require.NoError(t, err)
	require.Equal(t, 1, changed)
	changed, err = b.notifier.MarkRead(ctx, alice, []uuid.UUID{n2.ID})
	require.NoError(t, err)
	require.Zero(t, changed, "already read")
	unread, err := b.notifier.List(ctx, alice, true, page.Args{})
	require.NoError(t, err)
	require.Equal(t, []string{"three", "one"}, titles(unread))
	c, err := b.notifier.UnreadCount(ctx, alice)
	require.NoError(t, err)
	require.Equal(t, 2, c)

	changed, err = b.notifier.MarkAllRead(ctx, alice)
	require.NoError(t, err)
	require.Equal(t, 2, changed)
	c, err = b.notifier.UnreadCount(ctx, b.actor("bob@globex.test"))
	require.NoError(t, err)
	require.Equal(t, 1, c, "bob's untouched")

	// Nobody else lists alice's notifications.
	for _, email := range []string{"owner@demo.test", "bob@globex.test", "owner@rival.test"} {
		res, err := b.notifier.List(ctx, b.actor(email), false, page.Args{})
		require.NoError(t, err)
		for _, n := range res.Items {
			require.NotContains(t, []uuid.UUID{n1.ID, n2.ID, n3.ID}, n.ID, email)
		}
	}

	_, err = b.notifier.List(ctx, alice, false, page.Args{First: 101})
	require.Error(t, err)
	_, err = b.notifier.List(ctx, alice, false, page.Args{After: "garbage"})
	require.Error(t, err)
	_, err = b.notifier.MarkRead(ctx, alice, nil)
	require.Error(t, err)
	_, err = b.notifier.MarkRead(ctx, alice, make([]uuid.UUID, 101))
	require.Error(t, err)
}

func TestCaptureSenderWaitFor(t *testing.T) {
	t.Parallel()
	c := notify.NewCaptureSender(nil)
	go func() {
		time.Sleep(20 * time.Millisecond)
		_ = c.Send(context.Background(), notify.Email{To: "x@example.com", Subject: "Other"})
		time.Sleep(20 * time.Millisecond)
		_ = c.Send(context.Background(), notify.Email{To: "X@example.com", Subject: "Your access is ready"})
	}()
	m, ok := c.WaitFor("x@example.com", "access is ready", 2*time.Second)
	require.True(t, ok)
	require.Equal(t, "Your access is ready", m.Subject)
	_, ok = c.WaitFor("nobody@example.com", "", 50*time.Millisecond)
	require.False(t, ok)
	require.Len(t, c.Messages(), 2)
}
