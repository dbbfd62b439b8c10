package audit_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/page"
	"github.com/accesshive/accesshive/internal/reveal"
	"github.com/accesshive/accesshive/internal/testenv"
	"github.com/accesshive/accesshive/internal/vault"
)

type bundle struct {
	db                                 *bun.DB
	seed                               *demo.Seeded
	ids                                *identity.Service
	reveals                            *reveal.Service
	owner, admin, member, alice, rival *auth.Actor
}

// actorOf is testenv.ActorOf with this package's own client address, which TestListFilters finds
// again in the audit log.
func actorOf(u *auth.User) *auth.Actor {
	a := testenv.ActorOf(u)
	a.IP = "192.0.2.7"
	return a
}

func setup(t *testing.T) bundle {
	t.Helper()
	bdb := testenv.DB(t)
	seed, err := demo.Seed(context.Background(), bdb)
	require.NoError(t, err)
	mk, err := vault.GenerateMasterKey("test")
	require.NoError(t, err)
	keys, err := vault.NewKeyring([]vault.MasterKey{mk})
	require.NoError(t, err)
	store := vault.NewStore(keys)
	u := seed.UsersByEmail
	return bundle{
		db: bdb, seed: seed,
		ids:     identity.NewService(bdb, store, &testenv.Events{}, slog.New(slog.DiscardHandler)),
		reveals: reveal.NewService(bdb, store, auth.NewLimiter(testenv.Redis(t), testenv.Prefix(t))),
		owner:   actorOf(u["owner@demo.test"]), admin: actorOf(u["admin@demo.test"]), member: actorOf(u["member@demo.test"]),
		alice: actorOf(u["alice@acme.test"]), rival: actorOf(u["owner@rival.test"]),
	}
}

func (b bundle) external(t *testing.T, platform string) *identity.Identity {
	t.Helper()
	ident, err := b.ids.Create(context.Background(), b.admin, identity.CreateInput{
		Platform: platform, Type: identity.TypeExternalLogin, Username: "ads-" + platform, Password: "pw-" + platform,
	})
	require.NoError(t, err)
	return ident
}

// insert writes an event at a chosen time, which Record (now()) cannot.
func (b bundle) insert(t *testing.T, actor *auth.Actor, kind string, at time.Time) *audit.Event {
	t.Helper()
	uid := actor.UserID
	ev := &audit.Event{AgencyID: actor.AgencyID, ActorUserID: &uid, Kind: kind, TargetType: "test", Data: []byte("{}"), CreatedAt: at}
	_, err := b.db.NewInsert().Model(ev).Returning("*").Exec(context.Background())
	require.NoError(t, err)
	return ev
}

func list(t *testing.T, b bundle, actor *auth.Actor, f audit.Filter, args page.Args) page.Result[audit.Event] {
	t.Helper()
	r, err := audit.List(context.Background(), b.db, actor, f, args)
	require.NoError(t, err)
	return r
}

func kinds(evs []audit.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Kind
	}
	return out
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	x := b.external(t, "META_ADS")
	y := b.external(t, "GA4")
	_, err := b.reveals.Reveal(ctx, b.member, x.ID)
	require.NoError(t, err)
	_, err = b.reveals.Reveal(ctx, b.member, x.ID)
	require.NoError(t, err)
	_, err = b.reveals.Reveal(ctx, b.owner, y.ID)
	require.NoError(t, err)

	// By identity: its creation and its two reveals, newest first.
	r := list(t, b, b.member, audit.Filter{IdentityID: &x.ID}, page.Args{})
	require.Equal(t, []string{reveal.KindRevealed, reveal.KindRevealed, identity.KindCreated}, kinds(r.Items))
	require.Equal(t, 3, r.TotalCount)
	require.False(t, r.HasNextPage)
	for i := 1; i < len(r.Items); i++ {
		require.False(t, r.Items[i].CreatedAt.After(r.Items[i-1].CreatedAt))
	}
	for _, e := range r.Items {
		require.Equal(t, x.ID, *e.TargetID)
	}

	// By user: what the member did.
	r = list(t, b, b.admin, audit.Filter{UserID: &b.member.UserID}, page.Args{})
	require.Equal(t, []string{reveal.KindRevealed, reveal.KindRevealed}, kinds(r.Items))
	require.Equal(t, "192.0.2.7", r.Items[0].IP)

	// By kind, and by kind and user together.
	r = list(t, b, b.owner, audit.Filter{Kind: reveal.KindRevealed}, page.Args{})
	require.Equal(t, 3, r.TotalCount)
	r = list(t, b, b.owner, audit.Filter{Kind: identity.KindCreated}, page.Args{})
	require.Equal(t, 2, r.TotalCount)
	r = list(t, b, b.owner, audit.Filter{Kind: reveal.KindRevealed, UserID: &b.owner.UserID}, page.Args{})
	require.Len(t, r.Items, 1)
	require.Equal(t, y.ID, *r.Items[0].TargetID)
	r = list(t, b, b.owner, audit.Filter{Kind: "no.such.kind"}, page.Args{})
	require.Empty(t, r.Items)
	require.Zero(t, r.TotalCount)
}

func TestListTimeWindow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	base := time.Now().Add(-24 * time.Hour).Truncate(time.Second)
	for h := 1; h <= 3; h++ {
		b.insert(t, b.admin, "test.window", base.Add(-time.Duration(h)*time.Hour))
	}
	since, until := base.Add(-150*time.Minute), base.Add(-30*time.Minute)
	r := list(t, b, b.owner, audit.Filter{Kind: "test.window", Since: &since, Until: &until}, page.Args{})
	require.Len(t, r.Items, 2)
	require.True(t, r.Items[0].CreatedAt.Equal(base.Add(-time.Hour)))
	require.True(t, r.Items[1].CreatedAt.Equal(base.Add(-2*time.Hour)))

	// Since is inclusive, until exclusive.
	at := base.Add(-2 * time.Hour)
	r = list(t, b, b.owner, audit.Filter{Kind: "test.window", Since: &at}, page.Args{})
	require.Len(t, r.Items, 2)
	r = list(t, b, b.owner, audit.Filter{Kind: "test.window", Until: &at}, page.Args{})
	require.Len(t, r.Items, 1)
	require.True(t, r.Items[0].CreatedAt.Equal(base.Add(-3*time.Hour)))
}

func TestListValidation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	now := time.Now()
	earlier := now.Add(-time.Minute)
	for _, tc := range []struct {
		name  string
		f     audit.Filter
		args  page.Args
		field string
	}{
		{"until equals since", audit.Filter{Since: &now, Until: &now}, page.Args{}, "until"},
		{"until before since", audit.Filter{Since: &now, Until: &earlier}, page.Args{}, "until"},
		{"kind too long", audit.Filter{Kind: strings.Repeat("k", audit.MaxKindLen+1)}, page.Args{}, "kind"},
		{"first too large", audit.Filter{}, page.Args{First: page.MaxFirst + 1}, "first"},
		{"first negative", audit.Filter{}, page.Args{First: -1}, "first"},
		{"malformed cursor", audit.Filter{}, page.Args{After: "not-a-cursor"}, "after"},
	} {
		_, err := audit.List(context.Background(), b.db, b.owner, tc.f, tc.args)
		require.ErrorIs(t, err, fault.ErrBadUserInput, tc.name)
		fe, ok := fault.As(err)
		require.True(t, ok, tc.name)
		require.Equal(t, tc.field, fe.Field, tc.name)
	}
	_, err := audit.List(context.Background(), b.db, b.owner, audit.Filter{Kind: strings.Repeat("k", audit.MaxKindLen)}, page.Args{})
	require.NoError(t, err)
}

func TestListPaging(t *testing.T) {
	t.Parallel()
	b := setup(t)
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	var want []uuid.UUID
	// Five events, two of them at the same instant: the id breaks the tie.
	for _, at := range []time.Time{base, base.Add(time.Second), base.Add(time.Second), base.Add(2 * time.Second), base.Add(3 * time.Second)} {
		want = append(want, b.insert(t, b.admin, "test.page", at).ID)
	}
	all := list(t, b, b.owner, audit.Filter{Kind: "test.page"}, page.Args{First: page.MaxFirst})
	require.Len(t, all.Items, 5)
	require.Equal(t, want[4], all.Items[0].ID)
	require.Equal(t, want[0], all.Items[4].ID)
	require.ElementsMatch(t, want[1:3], []uuid.UUID{all.Items[2].ID, all.Items[3].ID})

	var got []uuid.UUID
	after := ""
	pages := 0
	for {
		r := list(t, b, b.owner, audit.Filter{Kind: "test.page"}, page.Args{First: 2, After: after})
		require.Equal(t, 5, r.TotalCount)
		require.Len(t, r.Cursors, len(r.Items))
		for _, e := range r.Items {
			got = append(got, e.ID)
		}
		pages++
		if !r.HasNextPage {
			require.Len(t, r.Items, 1)
			break
		}
		require.Len(t, r.Items, 2)
		after = r.Cursors[len(r.Cursors)-1]
	}
	require.Equal(t, 3, pages)
	require.Equal(t, []uuid.UUID{all.Items[0].ID, all.Items[1].ID, all.Items[2].ID, all.Items[3].ID, all.Items[4].ID}, got)

	// The default page size applies when first is not given.
	for range page.DefaultFirst {
		b.insert(t, b.admin, "test.page", base.Add(-time.Minute))
	}
	r := list(t, b, b.owner, audit.Filter{Kind: "test.page"}, page.Args{})
	require.Len(t, r.Items, page.DefaultFirst)
	require.True(t, r.HasNextPage)
	require.Equal(t, 5+page.DefaultFirst, r.TotalCount)
}

func TestListTenancyAndRoles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	x := b.external(t, "META_ADS")
	require.NoError(t, audit.Record(ctx, b.db, b.rival, "test.rival", "test", uuid.Nil, nil))

	// Client users do not read the audit trail.
	_, err := audit.List(ctx, b.db, b.alice, audit.Filter{}, page.Args{})
	require.ErrorIs(t, err, fault.ErrForbidden)

	// Members do.
	r := list(t, b, b.member, audit.Filter{}, page.Args{})
	require.Equal(t, 1, r.TotalCount)
	require.Equal(t, identity.KindCreated, r.Items[0].Kind)

	// Another agency sees only its own events, whatever it filters by.
	r = list(t, b, b.rival, audit.Filter{}, page.Args{})
	require.Equal(t, []string{"test.rival"}, kinds(r.Items))
	r = list(t, b, b.rival, audit.Filter{IdentityID: &x.ID}, page.Args{})
	require.Empty(t, r.Items)
	r = list(t, b, b.rival, audit.Filter{UserID: &b.admin.UserID}, page.Args{})
	require.Empty(t, r.Items)
	r = list(t, b, b.rival, audit.Filter{Kind: identity.KindCreated}, page.Args{})
	require.Empty(t, r.Items)
	require.Zero(t, r.TotalCount)
}
