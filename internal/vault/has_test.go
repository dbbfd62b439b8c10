package vault_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/testenv"
	"github.com/accesshive/accesshive/internal/vault"
)

// TestHas checks against the real database that Has sees a stored secret of its agency, owner
// and purpose, and nothing else.
func TestHas(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	bdb := testenv.DB(t)
	mine, err := agency.Create(ctx, bdb, "Has Agency")
	require.NoError(t, err)
	other, err := agency.Create(ctx, bdb, "Other Agency")
	require.NoError(t, err)
	store := vault.NewStore(newKeyring(t, newKey(t, "k1")))
	owner := uuid.New()
	require.NoError(t, store.Put(ctx, bdb, mine.ID, owner, vault.PurposeServiceAccountKey, []byte("key")))

	tests := []struct {
		name     string
		agencyID uuid.UUID
		owner    uuid.UUID
		purpose  string
		want     bool
	}{
		{"stored", mine.ID, owner, vault.PurposeServiceAccountKey, true},
		{"another purpose", mine.ID, owner, vault.PurposeCredentials, false},
		{"another owner", mine.ID, uuid.New(), vault.PurposeServiceAccountKey, false},
		{"another agency", other.ID, owner, vault.PurposeServiceAccountKey, false},
	}
	for _, tt := range tests {
		got, err := vault.Has(ctx, bdb, tt.agencyID, tt.owner, tt.purpose)
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.want, got, tt.name)
	}
	require.NoError(t, store.Delete(ctx, bdb, mine.ID, owner, vault.PurposeServiceAccountKey))
	got, err := vault.Has(ctx, bdb, mine.ID, owner, vault.PurposeServiceAccountKey)
	require.NoError(t, err)
	require.False(t, got, "deleted")
}
