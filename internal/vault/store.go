package vault

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/tenant"
)

// Purposes of sealed secrets; each is part of its secret's AAD.
const (
	PurposeCredentials       = "credentials"
	PurposeServiceAccountKey = "gws-service-account"
)

// ErrNoSecret is returned when no secret is stored for an owner and purpose.
var ErrNoSecret = errors.New("vault: no secret stored")

// secretRow is one row of the secrets table.
type secretRow struct {
	bun.BaseModel `bun:"table:secrets,alias:sec"`

	ID         uuid.UUID `bun:"id,pk,type:uuid,default:gen_random_uuid()"`
	AgencyID   uuid.UUID `bun:"agency_id,type:uuid,notnull"`
	OwnerID    uuid.UUID `bun:"owner_id,type:uuid,notnull"`
	Purpose    string    `bun:"purpose,notnull"`
	KeyID      string    `bun:"key_id,notnull"`
	WrappedKey []byte    `bun:"wrapped_key,notnull"`
	Ciphertext []byte    `bun:"ciphertext,notnull"`
	Version    int       `bun:"version,notnull"`
	CreatedAt  time.Time `bun:"created_at,notnull,default:clock_timestamp()"`
	UpdatedAt  time.Time `bun:"updated_at,notnull,default:clock_timestamp()"`
}

func (r *secretRow) aad() AAD {
	return AAD{AgencyID: r.AgencyID, IdentityID: r.OwnerID, Purpose: r.Purpose}
}

// Store keeps sealed secrets in PostgreSQL. Plaintext crosses its boundary only through Put and
// Get, called by the reveal and provisioning code.
type Store struct {
	keys *Keyring
}

// NewStore returns a store sealing with keys.
func NewStore(keys *Keyring) *Store { return &Store{keys: keys} }

// Keyring returns the store's keyring.
func (s *Store) Keyring() *Keyring { return s.keys }

// Put seals plaintext for (agency, owner, purpose) with a fresh data key and stores it,
// replacing any earlier secret of the same owner and purpose.
func (s *Store) Put(ctx context.Context, idb bun.IDB, agencyID, ownerID uuid.UUID, purpose string, plaintext []byte) error {
	row := &secretRow{AgencyID: agencyID, OwnerID: ownerID, Purpose: purpose, Version: 1}
	sealed, err := s.keys.Seal(plaintext, row.aad())
	if err != nil {
		return fmt.Errorf("vault: seal: %w", err)
	}
	row.KeyID, row.WrappedKey, row.Ciphertext = sealed.KeyID, sealed.WrappedKey, sealed.Ciphertext
	_, err = idb.NewInsert().Model(row).
		On("CONFLICT (agency_id, owner_id, purpose) DO UPDATE").
		Set("key_id = EXCLUDED.key_id").Set("wrapped_key = EXCLUDED.wrapped_key").
		Set("ciphertext = EXCLUDED.ciphertext").Set("version = sec.version + 1").
		Set("updated_at = clock_timestamp()").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("vault: store secret: %w", err)
	}
	return nil
}

// Get opens the secret of (agency, owner, purpose).
func (s *Store) Get(ctx context.Context, idb bun.IDB, agencyID, ownerID uuid.UUID, purpose string) ([]byte, error) {
	pt, _, err := s.GetVersion(ctx, idb, agencyID, ownerID, purpose)
	return pt, err
}

// Version names one value of a stored secret: the row it lives in and how many times that row
// has been written. Every Put of a changed secret gives a new Version, and a secret deleted and
// stored again lives in a new row, so that a Version is never reused for another value.
type Version struct {
	SecretID uuid.UUID
	Number   int
}

// ErrSecretChanged is returned by GetAt when the secret has been replaced (or deleted) since the
// version asked for.
var ErrSecretChanged = errors.New("vault: the secret has changed since that version")

// GetVersion opens the secret of (agency, owner, purpose) and returns the version it read.
func (s *Store) GetVersion(ctx context.Context, idb bun.IDB, agencyID, ownerID uuid.UUID, purpose string) ([]byte, Version, error) {
	row := new(secretRow)
	err := tenant.Agency(agencyID).Select(idb, row).
		Where("owner_id = ? AND purpose = ?", ownerID, purpose).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, Version{}, ErrNoSecret
	}
	if err != nil {
		return nil, Version{}, fmt.Errorf("vault: load secret: %w", err)
	}
	pt, err := s.keys.Open(Sealed{KeyID: row.KeyID, WrappedKey: row.WrappedKey, Ciphertext: row.Ciphertext}, row.aad())
	if err != nil {
		return nil, Version{}, fmt.Errorf("vault: open secret: %w", err)
	}
	return pt, Version{SecretID: row.ID, Number: row.Version}, nil
}

// GetAt opens the secret of (agency, owner, purpose) only if it is still at version v; a secret
// replaced or deleted since gives ErrSecretChanged. The version and the ciphertext are read in
// one statement, so that a concurrent Put can never pair one version with another's value.
func (s *Store) GetAt(ctx context.Context, idb bun.IDB, agencyID, ownerID uuid.UUID, purpose string, v Version) ([]byte, error) {
	pt, got, err := s.GetVersion(ctx, idb, agencyID, ownerID, purpose)
	if errors.Is(err, ErrNoSecret) {
		return nil, ErrSecretChanged
	}
	if err != nil {
		return nil, err
	}
	if got != v {
		return nil, ErrSecretChanged
	}
	return pt, nil
}

// Equal reports whether two secrets are the same, in time independent of where they differ, so
// that comparing a new secret with the stored one tells a caller nothing through timing.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// Delete removes the secret of (agency, owner, purpose), if any.
func (s *Store) Delete(ctx context.Context, idb bun.IDB, agencyID, ownerID uuid.UUID, purpose string) error {
	_, err := tenant.Agency(agencyID).Delete(idb, (*secretRow)(nil)).
		Where("owner_id = ? AND purpose = ?", ownerID, purpose).Exec(ctx)
	if err != nil {
		return fmt.Errorf("vault: delete secret: %w", err)
	}
	return nil
}

// RewrapProgress is what a rewrap pass reports.
type RewrapProgress struct {
	// After is the id of the last secret examined; the next batch starts after it.
	After     uuid.UUID `json:"after"`
	Examined  int       `json:"examined"`
	Rewrapped int       `json:"rewrapped"`
	Remaining int       `json:"remaining"`
}

// RewrapBatch moves up to batch secrets whose key is not the newest to the newest key, in id
// order after the given id, each row under its own lock, and reports where to resume. Only the
// data key's wrap changes; the ciphertext is untouched.
func (s *Store) RewrapBatch(ctx context.Context, idb bun.IDB, after uuid.UUID, batch int) (RewrapProgress, error) {
	p := RewrapProgress{After: after}
	current := s.keys.CurrentID()
	err := db.InTx(ctx, idb, func(ctx context.Context, tx bun.Tx) error {
		var rows []secretRow
		if err := tx.NewSelect().Model(&rows).Comment(tenant.AllAgencies("key rotation rewraps every agency's secrets")).Where("key_id <> ?", current).Where("id > ?", after).
			OrderExpr("id").Limit(int64(batch)).For("UPDATE SKIP LOCKED").Scan(ctx); err != nil {
			return fmt.Errorf("vault: select for rewrap: %w", err)
		}
		for i := range rows {
			r := &rows[i]
			sealed, changed, err := s.keys.Rewrap(Sealed{KeyID: r.KeyID, WrappedKey: r.WrappedKey, Ciphertext: r.Ciphertext}, r.aad())
			if err != nil {
				return fmt.Errorf("vault: rewrap secret %s: %w", r.ID, err)
			}
			p.Examined++
			p.After = r.ID
			if !changed {
				continue
			}
			if _, err := tenant.Agency(r.AgencyID).Update(tx, (*secretRow)(nil)).Where("id = ?", r.ID).
				Set("key_id = ?", sealed.KeyID).Set("wrapped_key = ?", sealed.WrappedKey).
				Set("updated_at = clock_timestamp()").Exec(ctx); err != nil {
				return fmt.Errorf("vault: update rewrapped secret: %w", err)
			}
			p.Rewrapped++
		}
		// Count() would drop the comment: the count is selected as a column instead.
		var n int
		err := tx.NewSelect().Model((*secretRow)(nil)).Comment(tenant.AllAgencies("key rotation counts every agency's secrets")).
			ColumnExpr("count(*)").Where("key_id <> ?", current).Scan(ctx, &n)
		if err != nil {
			return fmt.Errorf("vault: count remaining: %w", err)
		}
		p.Remaining = n
		return nil
	})
	return p, err
}
