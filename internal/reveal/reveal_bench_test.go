package reveal_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/demo"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/reveal"
	"github.com/accesshive/accesshive/internal/testenv"
	"github.com/accesshive/accesshive/internal/vault"
)

// BenchmarkReveal measures one reveal end to end below GraphQL: the permission check, the
// ledger row, the audit event and the decryption, in one transaction on a real PostgreSQL.
func BenchmarkReveal(b *testing.B) {
	ctx := context.Background()
	bdb := testenv.DB(b)
	seed, err := demo.Seed(ctx, bdb)
	require.NoError(b, err)
	mk, err := vault.GenerateMasterKey("bench")
	require.NoError(b, err)
	keys, err := vault.NewKeyring([]vault.MasterKey{mk})
	require.NoError(b, err)
	store := vault.NewStore(keys)
	admin := seed.UsersByEmail["admin@demo.test"]
	actor := &auth.Actor{UserID: admin.ID, AgencyID: admin.AgencyID, Role: admin.Role}
	ids := identity.NewService(bdb, store, &testenv.Events{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	acme := seed.Acme.ID
	ident, err := ids.Create(ctx, actor, identity.CreateInput{ClientID: &acme, Platform: "META_ADS", Type: identity.TypeExternalLogin,
		Username: "bench@acme.example", Password: "bench-Pa55word!", TOTPSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"})
	require.NoError(b, err)
	// The benchmark is not about rate limits: every PerUserLimit reveals get a fresh key space.
	rdb := testenv.Redis(b)
	var svc *reveal.Service
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := *actor
		if i%reveal.PerUserLimit == 0 {
			svc = reveal.NewService(bdb, store, auth.NewLimiter(rdb, uuid.NewString()+":"))
		}
		sh, err := svc.Reveal(ctx, &a, ident.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(sh.Fields) != 2 {
			b.Fatalf("fields: %d", len(sh.Fields))
		}
	}
}
