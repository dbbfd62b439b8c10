package reveal_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/reveal"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/testenv"
	"github.com/accesshive/accesshive/internal/vault"
)

type bundle struct {
	db      *bun.DB
	seed    *demo.Seeded
	store   *vault.Store
	ids     *identity.Service
	reveals *reveal.Service
	// Actors of the demo users, by role.
	owner, admin, member, alice, rival *auth.Actor
}

func setup(t *testing.T) bundle {
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
	store := vault.NewStore(keys)
	u := seed.UsersByEmail
	return bundle{
		db: bdb, seed: seed, store: store,
		ids:     identity.NewService(bdb, store, &testenv.Events{}, slog.New(slog.DiscardHandler)),
		reveals: reveal.NewService(bdb, store, auth.NewLimiter(testenv.Redis(t), testenv.Prefix(t))),
		owner:   testenv.ActorOf(u["owner@demo.test"]), admin: testenv.ActorOf(u["admin@demo.test"]), member: testenv.ActorOf(u["member@demo.test"]),
		alice: testenv.ActorOf(u["alice@acme.test"]), rival: testenv.ActorOf(u["owner@rival.test"]),
	}
}

// external creates a PROVISIONED EXTERNAL_LOGIN identity (clientID nil: an agency identity).
func (b bundle) external(t *testing.T, clientID *uuid.UUID, platform string) *identity.Identity {
	t.Helper()
	ident, err := b.ids.Create(context.Background(), b.admin, identity.CreateInput{
		ClientID: clientID, Platform: platform, Type: identity.TypeExternalLogin, Username: "ads-" + platform, Password: "first-password",
	})
	require.NoError(t, err)
	return ident
}

func (b bundle) token(t *testing.T, platform string) *identity.Identity {
	t.Helper()
	ident, err := b.ids.Create(context.Background(), b.admin, identity.CreateInput{Platform: platform, Type: identity.TypeAPIToken, Token: "tok-1"})
	require.NoError(t, err)
	return ident
}

// managed creates a MANAGED_GWS agency identity and makes it PROVISIONED with a password, as
// the provisioning job would.
func (b bundle) managed(t *testing.T, platform, name string) *identity.Identity {
	t.Helper()
	ctx := context.Background()
	ident, err := b.ids.Create(ctx, b.admin, identity.CreateInput{Platform: platform, Type: identity.TypeManagedGWS, DisplayName: name})
	require.NoError(t, err)
	require.Equal(t, identity.StatePending, ident.State)
	_, err = b.db.NewUpdate().Table("identities").Comment(tenant.AllAgencies("test inspects rows")).Set("provisioning_state = 'PROVISIONED'").Where("id = ?", ident.ID).Exec(ctx)
	require.NoError(t, err)
	require.NoError(t, b.store.Put(ctx, b.db, ident.AgencyID, ident.ID, vault.PurposeCredentials,
		identity.Credentials{Username: *ident.Email, Password: "generated"}.Marshal()))
	return ident
}

func (b bundle) reveal(t *testing.T, actor *auth.Actor, id uuid.UUID, times int) {
	t.Helper()
	for range times {
		_, err := b.reveals.Reveal(context.Background(), actor, id)
		require.NoError(t, err)
	}
}

func (b bundle) rotate(t *testing.T, id uuid.UUID, password string) {
	t.Helper()
	_, err := b.ids.UpdateCredentials(context.Background(), b.admin, id, identity.CredentialsInput{Password: &password}, true)
	require.NoError(t, err)
}

func rotateToken(t *testing.T, b bundle, id uuid.UUID, token string) {
	t.Helper()
	_, err := b.ids.UpdateCredentials(context.Background(), b.admin, id, identity.CredentialsInput{Token: &token}, true)
	require.NoError(t, err)
}

func byUser(entries []reveal.LedgerEntry) map[uuid.UUID]reveal.LedgerEntry {
	m := map[uuid.UUID]reveal.LedgerEntry{}
	for _, e := range entries {
		m[e.UserID] = e
	}
	return m
}

func TestSeenSinceRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	acme := b.seed.Acme.ID
	ident := b.external(t, &acme, "META_ADS")

	// Never rotated: the ledger counts from the identity's creation.
	ledger, err := reveal.SeenSinceRotation(ctx, b.db, b.member, ident.ID)
	require.NoError(t, err)
	require.Empty(t, ledger)

	b.reveal(t, b.alice, ident.ID, 2)
	b.reveal(t, b.admin, ident.ID, 1)
	ledger, err = reveal.SeenSinceRotation(ctx, b.db, b.member, ident.ID)
	require.NoError(t, err)
	require.Len(t, ledger, 2)
	// Most recent reveal first: the admin revealed last.
	require.Equal(t, b.admin.UserID, ledger[0].UserID)
	m := byUser(ledger)
	alice := m[b.alice.UserID]
	require.Equal(t, 2, alice.Count)
	require.Equal(t, "Alice Acme", alice.Name)
	require.Equal(t, "alice@acme.test", alice.Email)
	require.Equal(t, auth.RoleClientUser, alice.Role)
	require.Nil(t, alice.DeactivatedAt)
	require.True(t, alice.FirstRevealAt.Before(alice.LastRevealAt))
	require.Equal(t, 1, m[b.admin.UserID].Count)
	require.Equal(t, auth.RoleAdmin, m[b.admin.UserID].Role)

	// After a rotation only the reveals that followed it count.
	b.rotate(t, ident.ID, "second-password")
	ledger, err = reveal.SeenSinceRotation(ctx, b.db, b.owner, ident.ID)
	require.NoError(t, err)
	require.Empty(t, ledger)
	b.reveal(t, b.alice, ident.ID, 1)
	ledger, err = reveal.SeenSinceRotation(ctx, b.db, b.owner, ident.ID)
	require.NoError(t, err)
	require.Len(t, ledger, 1)
	require.Equal(t, b.alice.UserID, ledger[0].UserID)
	require.Equal(t, 1, ledger[0].Count)
	require.Equal(t, ledger[0].FirstRevealAt, ledger[0].LastRevealAt)

	// An update that keeps the secret (username only) is no rotation.
	user := "renamed"
	_, err = b.ids.UpdateCredentials(ctx, b.admin, ident.ID, identity.CredentialsInput{Username: &user}, false)
	require.NoError(t, err)
	ledger, err = reveal.SeenSinceRotation(ctx, b.db, b.owner, ident.ID)
	require.NoError(t, err)
	require.Len(t, ledger, 1)

	// Client users do not read the ledger; another agency does not find the identity.
	_, err = reveal.SeenSinceRotation(ctx, b.db, b.alice, ident.ID)
	require.ErrorIs(t, err, fault.ErrForbidden)
	_, err = reveal.SeenSinceRotation(ctx, b.db, b.rival, ident.ID)
	require.ErrorIs(t, err, fault.ErrNotFound)
	_, err = reveal.SeenSinceRotation(ctx, b.db, b.owner, uuid.New())
	require.ErrorIs(t, err, fault.ErrNotFound)
}

func TestSeenBy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	acme := b.seed.Acme.ID
	x := b.external(t, &acme, "META_ADS")
	y := b.token(t, "GA4")

	b.reveal(t, b.alice, x.ID, 1)
	b.reveal(t, b.admin, x.ID, 2)
	b.reveal(t, b.admin, y.ID, 1)
	rotateToken(t, b, y.ID, "tok-2")

	seen, err := reveal.SeenBy(ctx, b.db, b.member, b.admin.UserID)
	require.NoError(t, err)
	require.Len(t, seen, 2)
	// Most recent reveal first: y was revealed last.
	require.Equal(t, y.ID, seen[0].IdentityID)
	require.True(t, seen[0].RotatedSince, "y was rotated after the admin's reveal")
	require.NotNil(t, seen[0].RotatedAt)
	require.Equal(t, identity.TypeAPIToken, seen[0].Type)
	require.Equal(t, 1, seen[0].Count)
	require.Equal(t, x.ID, seen[1].IdentityID)
	require.False(t, seen[1].RotatedSince)
	require.Nil(t, seen[1].RotatedAt)
	require.Equal(t, 2, seen[1].Count)
	require.Equal(t, identity.TypeExternalLogin, seen[1].Type)
	require.Equal(t, identity.StateProvisioned, seen[1].State)
	require.Equal(t, x.DisplayName, seen[1].DisplayName)
	require.Equal(t, "META_ADS", *seen[1].PlatformKey)
	require.Equal(t, acme, *seen[1].ClientID)

	b.rotate(t, x.ID, "second-password")
	seen, err = reveal.SeenBy(ctx, b.db, b.owner, b.alice.UserID)
	require.NoError(t, err)
	require.Len(t, seen, 1)
	require.True(t, seen[0].RotatedSince)
	// Revealing the new credentials makes them seen again.
	b.reveal(t, b.alice, x.ID, 1)
	seen, err = reveal.SeenBy(ctx, b.db, b.owner, b.alice.UserID)
	require.NoError(t, err)
	require.False(t, seen[0].RotatedSince)
	require.Equal(t, 2, seen[0].Count)

	seen, err = reveal.SeenBy(ctx, b.db, b.owner, b.member.UserID)
	require.NoError(t, err)
	require.Empty(t, seen)

	_, err = reveal.SeenBy(ctx, b.db, b.alice, b.alice.UserID)
	require.ErrorIs(t, err, fault.ErrForbidden)
	_, err = reveal.SeenBy(ctx, b.db, b.rival, b.admin.UserID)
	require.ErrorIs(t, err, fault.ErrNotFound)
	seen, err = reveal.SeenBy(ctx, b.db, b.rival, b.rival.UserID)
	require.NoError(t, err)
	require.Empty(t, seen)
}

func rotationJobs(t *testing.T, b bundle) []job.Record {
	t.Helper()
	var recs []job.Record
	require.NoError(t, b.db.NewSelect().Model(&recs).Comment(tenant.AllAgencies("test inspects rows")).Where("type = ?", job.TypeRotateCredentials).OrderExpr("queued_at").Scan(context.Background()))
	return recs
}

func TestRotationOfferAfterDeactivation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	// One live agency identity per platform (and one agency-wide): TikTok is made operational
	// for the fifth.
	_, err := b.db.NewUpdate().Table("platform_connections").Comment(tenant.AllAgencies("test inspects rows")).Set("state = 'OPERATIONAL'").
		Where("agency_id = ? AND platform_key = 'TIKTOK_ADS'", b.admin.AgencyID).Exec(ctx)
	require.NoError(t, err)
	managed := b.managed(t, "GOOGLE_ADS", "Ads bot")
	tok := b.token(t, "GA4")
	rotated := b.external(t, nil, "META_ADS")
	deleted := b.external(t, nil, "")
	untouched := b.token(t, "TIKTOK_ADS")

	// The member reveals four agency identities; the admin reveals another one.
	for _, id := range []uuid.UUID{managed.ID, tok.ID, rotated.ID, deleted.ID} {
		b.reveal(t, b.member, id, 1)
	}
	b.reveal(t, b.admin, untouched.ID, 1)
	b.rotate(t, rotated.ID, "new-password")
	_, err = b.ids.Delete(ctx, b.admin, deleted.ID)
	require.NoError(t, err)

	// The member leaves.
	_, err = auth.DeactivateUser(ctx, b.db, b.admin, b.member.UserID)
	require.NoError(t, err)

	offer, err := reveal.RotationOffer(ctx, b.db, b.admin, b.member.UserID)
	require.NoError(t, err)
	require.Len(t, offer, 2)
	got := map[uuid.UUID]reveal.OfferItem{}
	for _, it := range offer {
		got[it.IdentityID] = it
	}
	require.True(t, got[managed.ID].Automatic)
	require.Equal(t, identity.TypeManagedGWS, got[managed.ID].Type)
	require.Nil(t, got[managed.ID].PendingJobID)
	require.False(t, got[tok.ID].Automatic)
	require.Equal(t, 1, got[tok.ID].Count)

	// The ledger still names the departed member, now deactivated.
	ledger, err := reveal.SeenSinceRotation(ctx, b.db, b.owner, tok.ID)
	require.NoError(t, err)
	require.Len(t, ledger, 1)
	require.NotNil(t, ledger[0].DeactivatedAt)

	jobs, manual, err := reveal.RotateRevealedBy(ctx, b.db, b.admin, b.ids, b.member.UserID)
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{tok.ID}, manual)
	require.Len(t, jobs, 1)
	recs := rotationJobs(t, b)
	require.Len(t, recs, 1)
	require.Equal(t, jobs[0], recs[0].ID)
	var in job.RotateArgs
	require.NoError(t, json.Unmarshal(recs[0].Input, &in))
	require.Equal(t, managed.ID, in.IdentityID)
	require.Equal(t, b.admin.UserID, *recs[0].CreatedBy)

	// The manual one is in the audit trail for the admins, naming who revealed it.
	var data []json.RawMessage
	require.NoError(t, b.db.NewSelect().Table("audit_events").Comment(tenant.AllAgencies("test inspects rows")).Column("data").
		Where("kind = ? AND target_id = ?", reveal.KindRotationNeeded, tok.ID).Scan(ctx, &data))
	require.Len(t, data, 1)
	var d struct {
		RevealedBy uuid.UUID `json:"revealedBy"`
		Type       string    `json:"type"`
	}
	require.NoError(t, json.Unmarshal(data[0], &d))
	require.Equal(t, b.member.UserID, d.RevealedBy)
	require.Equal(t, "API_TOKEN", d.Type)

	// Asking again finds the rotation job already queued and enqueues no other.
	offer, err = reveal.RotationOffer(ctx, b.db, b.admin, b.member.UserID)
	require.NoError(t, err)
	for _, it := range offer {
		if it.Automatic {
			require.NotNil(t, it.PendingJobID)
			require.Equal(t, jobs[0], *it.PendingJobID)
		}
	}
	again, manual2, err := reveal.RotateRevealedBy(ctx, b.db, b.admin, b.ids, b.member.UserID)
	require.NoError(t, err)
	require.Equal(t, jobs, again)
	require.Equal(t, manual, manual2)
	require.Len(t, rotationJobs(t, b), 1)

	// Once the token is replaced it leaves the offer.
	rotateToken(t, b, tok.ID, "tok-2")
	offer, err = reveal.RotationOffer(ctx, b.db, b.owner, b.member.UserID)
	require.NoError(t, err)
	require.Len(t, offer, 1)
	require.Equal(t, managed.ID, offer[0].IdentityID)

	// Only owners and admins; only users of the actor's agency.
	_, err = reveal.RotationOffer(ctx, b.db, b.alice, b.member.UserID)
	require.ErrorIs(t, err, fault.ErrForbidden)
	_, _, err = reveal.RotateRevealedBy(ctx, b.db, b.alice, b.ids, b.member.UserID)
	require.ErrorIs(t, err, fault.ErrForbidden)
	_, err = reveal.RotationOffer(ctx, b.db, b.rival, b.member.UserID)
	require.ErrorIs(t, err, fault.ErrNotFound)
	_, _, err = reveal.RotateRevealedBy(ctx, b.db, b.rival, b.ids, b.member.UserID)
	require.ErrorIs(t, err, fault.ErrNotFound)
}

func TestRotationOfferMemberForbidden(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := reveal.RotationOffer(context.Background(), b.db, b.member, b.admin.UserID)
	require.ErrorIs(t, err, fault.ErrForbidden)
}
