package request_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/notify"
	"github.com/accesshive/accesshive/internal/request"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/testenv"
	"github.com/accesshive/accesshive/internal/vault"
)

// requestStatuses returns the statuses accessRequestUpdated published for one request, in order.
func requestStatuses(t *testing.T, events *testenv.Events, id uuid.UUID) []string {
	t.Helper()
	var out []string
	for _, e := range events.Of(event.TopicAccessRequestUpdated) {
		var v map[string]any
		require.NoError(t, json.Unmarshal(e.Data, &v))
		if v["id"] == id.String() {
			out = append(out, v["status"].(string))
		}
	}
	return out
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type bundle struct {
	db       *bun.DB
	seed     *demo.Seeded
	events   *testenv.Events
	sender   *notify.CaptureSender
	notifier *notify.Notifier
	idents   *identity.Service
	svc      *request.Service
	clock    *clock
}

func setup(t *testing.T) *bundle {
	t.Helper()
	ctx := context.Background()
	bdb := testenv.DB(t)
	seed, err := demo.Seed(ctx, bdb)
	require.NoError(t, err)
	require.NoError(t, seed.ConnectSource(ctx, bdb))
	mk, err := vault.GenerateMasterKey("test")
	require.NoError(t, err)
	keys, err := vault.NewKeyring([]vault.MasterKey{mk})
	require.NoError(t, err)
	rec := &testenv.Events{}
	idents := identity.NewService(bdb, vault.NewStore(keys), rec, nil)
	idents.ProvisionManaged = true
	sender := notify.NewCaptureSender(nil)
	notifier := notify.New(bdb, rec, sender, nil)
	svc := request.NewService(bdb, idents, notifier, rec, nil)
	idents.Follow(svc)
	clk := &clock{now: time.Now().UTC()}
	svc.Now = clk.Now
	return &bundle{db: bdb, seed: seed, events: rec, sender: sender, notifier: notifier, idents: idents, svc: svc, clock: clk}
}

// actor returns a seeded user as an Actor.
func (b *bundle) actor(t *testing.T, email string) *auth.Actor {
	t.Helper()
	u, ok := b.seed.UsersByEmail[email]
	require.True(t, ok, email)
	a := &auth.Actor{UserID: u.ID, AgencyID: u.AgencyID, Role: u.Role, Email: u.Email, Name: u.Name}
	if u.ClientID != nil {
		a.ClientID = *u.ClientID
	}
	return a
}

func (b *bundle) user(t *testing.T, email string) uuid.UUID {
	t.Helper()
	return b.seed.UsersByEmail[email].ID
}

// submit files a request as alice (or another client user) and fails the test on error.
func (b *bundle) submit(t *testing.T, email, platform string, typ identity.Type) *request.Request {
	t.Helper()
	r, err := b.svc.Submit(context.Background(), b.actor(t, email), request.SubmitInput{Platform: platform, IdentityType: typ, Justification: "we run the campaigns"})
	require.NoError(t, err)
	return r
}

type noteRow struct {
	UserID uuid.UUID      `bun:"user_id"`
	Kind   string         `bun:"kind"`
	Title  string         `bun:"title"`
	Body   string         `bun:"body"`
	Data   map[string]any `bun:"data"`
}

// notes returns the stored notifications of one user and kind, oldest first.
func (b *bundle) notes(t *testing.T, userID uuid.UUID, kind string) []noteRow {
	t.Helper()
	var out []noteRow
	require.NoError(t, b.db.NewSelect().Table("notifications").Comment(tenant.AllAgencies("test inspects rows")).Column("user_id", "kind", "title", "body", "data").
		Where("user_id = ? AND kind = ?", userID, kind).OrderExpr("created_at, id").Scan(context.Background(), &out))
	return out
}

func (b *bundle) count(t *testing.T, table, where string, args ...any) int {
	t.Helper()
	// Count() would drop the comment: the count is selected as a column instead.
	var n int
	err := b.db.NewSelect().Table(table).Comment(tenant.AllAgencies("test inspects rows")).ColumnExpr("count(*)").Where(where, args...).Scan(context.Background(), &n)
	require.NoError(t, err)
	return n
}

// requireFault checks err is a domain error of the code, naming field (BAD_USER_INPUT) or
// object (CONFLICT) when given.
func requireFault(t *testing.T, err error, code fault.Code, fieldOrObject string) *fault.Error {
	t.Helper()
	require.Error(t, err)
	fe, ok := fault.As(err)
	require.True(t, ok, "not a domain error: %v", err)
	require.Equal(t, code, fe.Code, fe.Error())
	if fieldOrObject != "" {
		switch code {
		case fault.CodeBadUserInput:
			require.Equal(t, fieldOrObject, fe.Field, fe.Error())
		case fault.CodeConflict:
			require.Equal(t, fieldOrObject, fe.Object, fe.Error())
		}
	}
	return fe
}

func ptr[T any](v T) *T { return &v }
