package vault

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// dataKeySize is the length in bytes of a per-secret data key (AES-256).
const dataKeySize = 32

// gcmOverhead is what AES-GCM with a prepended random nonce adds to a
// message: a 12-byte nonce and a 16-byte tag.
const gcmOverhead = 12 + 16

// wrappedKeySize is the exact length of Sealed.WrappedKey.
const wrappedKeySize = gcmOverhead + dataKeySize

// aadVersion is the first byte of every encoded AAD. A new encoding gets a
// new version, so that old and new encodings can never be confused.
const aadVersion = 1

// maxPurposeLen bounds AAD.Purpose so that its length fits in one byte.
const maxPurposeLen = 255

var (
	// ErrUnknownKey means a Sealed names a master key id the keyring does
	// not hold.
	ErrUnknownKey = errors.New("unknown master key")
	// ErrDecrypt means a Sealed did not authenticate: it was tampered with,
	// truncated, or presented with an AAD other than the one it was sealed
	// with. It carries no further detail on purpose.
	ErrDecrypt = errors.New("decryption failed")
	// ErrInvalidAAD means an AAD cannot be encoded: its Purpose is empty or
	// longer than 255 bytes.
	ErrInvalidAAD = errors.New("invalid aad")
)

// AAD binds a ciphertext to where it belongs. A Sealed opens only with the AAD
// it was sealed with, so a row copied to another agency, identity or purpose
// does not decrypt.
type AAD struct {
	// AgencyID is the tenant owning the secret.
	AgencyID uuid.UUID
	// IdentityID is the identity the secret belongs to; uuid.Nil for
	// secrets that belong to the agency itself.
	IdentityID uuid.UUID
	// Purpose says what the secret is, e.g. "credentials" or
	// "gws-service-account"; 1 to 255 bytes.
	Purpose string
}

// encode returns the unambiguous binary form of a: a version byte, the two
// 16-byte uuids, then the purpose prefixed by its one-byte length. extra
// spare bytes of capacity are reserved for the caller to append to.
func (a AAD) encode(extra int) ([]byte, error) {
	if a.Purpose == "" || len(a.Purpose) > maxPurposeLen {
		return nil, fmt.Errorf("purpose must be 1 to %d bytes: %w", maxPurposeLen, ErrInvalidAAD)
	}
	b := make([]byte, 0, 1+16+16+1+len(a.Purpose)+extra)
	b = append(b, aadVersion)
	b = append(b, a.AgencyID[:]...)
	b = append(b, a.IdentityID[:]...)
	b = append(b, byte(len(a.Purpose)))
	b = append(b, a.Purpose...)
	return b, nil
}

// wrapAAD returns the additional data for wrapping a data key under master
// key keyID: the encoded AAD followed by the length-prefixed key id. Binding
// the key id means a wrapped key relabelled with another id does not unwrap,
// even if both ids were configured with the same key bytes.
func wrapAAD(aad []byte, keyID string) []byte {
	out := append(aad, byte(len(keyID)))
	return append(out, keyID...)
}

// Sealed is an encrypted secret as stored in the database. It holds no
// secret: it is safe to store, copy and log by id.
type Sealed struct {
	// KeyID names the master key that wrapped the data key.
	KeyID string
	// WrappedKey is nonce || AES-256-GCM(master key, data key), with the
	// AAD and KeyID as additional data.
	WrappedKey []byte
	// Ciphertext is nonce || AES-256-GCM(data key, plaintext), with the AAD
	// as additional data.
	Ciphertext []byte
}

// Seal encrypts plaintext under a fresh random data key, bound to aad, and
// wraps the data key with the newest master key.
func (k *Keyring) Seal(plaintext []byte, aad AAD) (Sealed, error) {
	ad, err := aad.encode(1 + maxKeyIDLen)
	if err != nil {
		return Sealed{}, fmt.Errorf("vault: seal: %w", err)
	}

	dataKey := make([]byte, dataKeySize)
	defer clear(dataKey)
	// crypto/rand.Read never fails: it crashes the program rather than
	// return weak randomness.
	_, _ = rand.Read(dataKey)

	dataAEAD, err := newAEAD(dataKey)
	if err != nil {
		return Sealed{}, fmt.Errorf("vault: seal: %w", err)
	}
	ciphertext := dataAEAD.Seal(make([]byte, 0, len(plaintext)+gcmOverhead), nil, plaintext, ad)

	wrapped := k.aeads[k.current].Seal(make([]byte, 0, wrappedKeySize), nil, dataKey, wrapAAD(ad, k.current))
	return Sealed{KeyID: k.current, WrappedKey: wrapped, Ciphertext: ciphertext}, nil
}

// Open authenticates s against aad and returns the plaintext. It fails with
// ErrUnknownKey if s.KeyID is not in the keyring and with ErrDecrypt if
// anything in s was altered or aad differs from the one s was sealed with.
func (k *Keyring) Open(s Sealed, aad AAD) ([]byte, error) {
	ad, err := aad.encode(1 + maxKeyIDLen)
	if err != nil {
		return nil, fmt.Errorf("vault: open: %w", err)
	}
	dataKey, err := k.unwrap(s, ad)
	if err != nil {
		return nil, fmt.Errorf("vault: open: %w", err)
	}
	defer clear(dataKey)

	if len(s.Ciphertext) < gcmOverhead {
		return nil, fmt.Errorf("vault: open: %w", ErrDecrypt)
	}
	dataAEAD, err := newAEAD(dataKey)
	if err != nil {
		return nil, fmt.Errorf("vault: open: %w", err)
	}
	plaintext, err := dataAEAD.Open(make([]byte, 0, len(s.Ciphertext)-gcmOverhead), nil, s.Ciphertext, ad)
	if err != nil {
		// The GCM error is dropped, and a bad payload reads exactly like
		// a bad wrapped key: ErrDecrypt says all a caller may know.
		return nil, fmt.Errorf("vault: open: %w", ErrDecrypt)
	}
	return plaintext, nil
}

// Rewrap moves s to the newest master key: it unwraps the data key with the
// master key s names and wraps it again with the newest one. The ciphertext
// is neither decrypted nor changed. It reports whether s changed; a Sealed
// already under the newest key is returned as is, without being checked.
// Errors are those of Open.
func (k *Keyring) Rewrap(s Sealed, aad AAD) (Sealed, bool, error) {
	if s.KeyID == k.current {
		return s, false, nil
	}
	ad, err := aad.encode(1 + maxKeyIDLen)
	if err != nil {
		return Sealed{}, false, fmt.Errorf("vault: rewrap: %w", err)
	}
	dataKey, err := k.unwrap(s, ad)
	if err != nil {
		return Sealed{}, false, fmt.Errorf("vault: rewrap: %w", err)
	}
	defer clear(dataKey)

	wrapped := k.aeads[k.current].Seal(make([]byte, 0, wrappedKeySize), nil, dataKey, wrapAAD(ad, k.current))
	return Sealed{KeyID: k.current, WrappedKey: wrapped, Ciphertext: bytes.Clone(s.Ciphertext)}, true, nil
}

// unwrap returns the data key of s. ad is the encoded AAD; its spare capacity
// is used for the key id. The caller must clear the returned key.
func (k *Keyring) unwrap(s Sealed, ad []byte) ([]byte, error) {
	master, ok := k.aeads[s.KeyID]
	if !ok {
		// The id is not key material, but it comes from a database row
		// and may be garbage, so it is quoted.
		return nil, fmt.Errorf("key id %q: %w", s.KeyID, ErrUnknownKey)
	}
	if len(s.WrappedKey) != wrappedKeySize {
		return nil, ErrDecrypt
	}
	dataKey, err := master.Open(make([]byte, 0, dataKeySize), nil, s.WrappedKey, wrapAAD(ad, s.KeyID))
	if err != nil || len(dataKey) != dataKeySize {
		clear(dataKey)
		return nil, ErrDecrypt
	}
	return dataKey, nil
}
