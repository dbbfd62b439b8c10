// Package vault is the cryptographic core of AccessHive's credential vault.
//
// Secrets are protected by envelope encryption: each secret gets a fresh
// AES-256-GCM data key, and that data key is wrapped (encrypted) by a master
// key taken from configuration. Several master keys may be configured at once
// so that old ciphertext stays readable while a rewrap job moves it to the
// newest key. Both the secret and its wrapped data key are bound to where the
// secret belongs (see AAD), so a row copied to another agency or identity does
// not decrypt.
//
// The package is pure: it has no database, network or global state, and it
// never puts key material or plaintext into an error message.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// MasterKeySize is the length in bytes of a master key (AES-256).
const MasterKeySize = 32

// maxKeyIDLen is the longest key id accepted; ids are stored beside every
// ciphertext, so they are kept short.
const maxKeyIDLen = 64

// devKeyFile is the name of the dev-mode keyring file inside its directory.
const devKeyFile = "master.key"

// ErrBadKey reports an invalid master key or keyring configuration: no keys,
// a malformed or duplicate key id, a key of the wrong length or a key that is
// not valid base64.
var ErrBadKey = errors.New("bad master key")

// MasterKey is a key-encryption key from configuration.
//
// Key is exactly MasterKeySize bytes. A MasterKey formats as a redacted
// placeholder with fmt and log/slog, so that logging one by mistake does not
// leak the key.
type MasterKey struct {
	// ID names the key; it is stored beside every ciphertext the key wraps.
	// It matches [A-Za-z0-9_.-]{1,64}.
	ID string
	// Key is the raw AES-256 key.
	Key []byte
}

// GenerateMasterKey returns a new random master key named id, read from
// crypto/rand.
func GenerateMasterKey(id string) (MasterKey, error) {
	if err := validateKeyID(id); err != nil {
		return MasterKey{}, fmt.Errorf("vault: generate master key: %w", err)
	}
	key := make([]byte, MasterKeySize)
	// crypto/rand.Read never fails: it crashes the program rather than
	// return weak randomness.
	_, _ = rand.Read(key)
	return MasterKey{ID: id, Key: key}, nil
}

// Encode returns the key in the keyring spec format, "id:base64key", which
// ParseKeyring reads. The result is key material: treat it as a secret.
func (m MasterKey) Encode() string {
	return m.ID + ":" + base64.StdEncoding.EncodeToString(m.Key)
}

// Format implements fmt.Formatter so that every verb (%v, %+v, %#v, %s, %x,
// …) prints the key id and never the key bytes.
func (m MasterKey) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "vault.MasterKey{ID:%q, Key:<redacted>}", m.ID)
}

// LogValue implements slog.LogValuer so that structured logs show only the
// key id.
func (m MasterKey) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", m.ID), slog.String("key", "<redacted>"))
}

// Keyring holds the configured master keys. The newest key wraps new data
// keys; every key unwraps. A Keyring is immutable and safe for concurrent use.
// Build one with NewKeyring, ParseKeyring or LoadOrCreateDevKeyring; the zero
// Keyring holds no keys and must not be used.
type Keyring struct {
	// aeads maps a key id to AES-256-GCM (random nonces) under that master
	// key. The AEADs are stateless after construction, so sharing them
	// between goroutines is safe.
	aeads   map[string]cipher.AEAD
	ids     []string // oldest first, as configured
	current string   // ids[len(ids)-1]
}

// NewKeyring builds a keyring from keys, oldest first: the last key is the
// newest and wraps new data keys, and all keys unwrap. It fails with ErrBadKey
// on an empty list, a malformed or duplicate id, a key that is not
// MasterKeySize bytes, or two ids sharing the same key bytes (a "rotation"
// that did not change the key). The key bytes are not retained, so the caller
// may zero them afterwards.
func NewKeyring(keys []MasterKey) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("vault: new keyring: no keys: %w", ErrBadKey)
	}
	k := &Keyring{
		aeads: make(map[string]cipher.AEAD, len(keys)),
		ids:   make([]string, 0, len(keys)),
	}
	// Errors name keys by position, never by content: a key pasted into the
	// id field must not end up in a log.
	for i, mk := range keys {
		if err := validateKeyID(mk.ID); err != nil {
			return nil, fmt.Errorf("vault: new keyring: key %d: %w", i+1, err)
		}
		if len(mk.Key) != MasterKeySize {
			return nil, fmt.Errorf("vault: new keyring: key %d: key is %d bytes, want %d: %w",
				i+1, len(mk.Key), MasterKeySize, ErrBadKey)
		}
		if _, dup := k.aeads[mk.ID]; dup {
			return nil, fmt.Errorf("vault: new keyring: key %d: duplicate key id: %w", i+1, ErrBadKey)
		}
		for j := range i {
			if subtle.ConstantTimeCompare(keys[j].Key, mk.Key) == 1 {
				return nil, fmt.Errorf("vault: new keyring: key %d: same key bytes as key %d: %w",
					i+1, j+1, ErrBadKey)
			}
		}
		aead, err := newAEAD(mk.Key)
		if err != nil {
			return nil, fmt.Errorf("vault: new keyring: key %d: %w", i+1, err)
		}
		k.aeads[mk.ID] = aead
		k.ids = append(k.ids, mk.ID)
	}
	k.current = k.ids[len(k.ids)-1]
	return k, nil
}

// ParseKeyring parses a keyring spec, "id1:base64key1,id2:base64key2", oldest
// first (the last key is the newest). Keys are standard base64 and decode to
// MasterKeySize bytes; whitespace around entries is ignored. Errors wrap
// ErrBadKey and name entries by position only, so they never contain key
// material.
func ParseKeyring(spec string) (*Keyring, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, fmt.Errorf("vault: parse keyring: empty spec: %w", ErrBadKey)
	}
	entries := strings.Split(spec, ",")
	keys := make([]MasterKey, 0, len(entries))
	defer func() {
		for _, mk := range keys {
			clear(mk.Key)
		}
	}()
	for i, entry := range entries {
		id, b64, ok := strings.Cut(strings.TrimSpace(entry), ":")
		if !ok {
			return nil, fmt.Errorf("vault: parse keyring: entry %d: want id:base64key: %w", i+1, ErrBadKey)
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			// err is not wrapped: base64.CorruptInputError is harmless
			// today, but the message must stay free of key material.
			return nil, fmt.Errorf("vault: parse keyring: entry %d: key is not valid base64: %w", i+1, ErrBadKey)
		}
		keys = append(keys, MasterKey{ID: id, Key: key})
	}
	k, err := NewKeyring(keys)
	if err != nil {
		return nil, fmt.Errorf("vault: parse keyring: %w", err)
	}
	return k, nil
}

// LoadOrCreateDevKeyring returns the keyring stored in dir/master.key (in the
// ParseKeyring format), creating the file with a single new key and mode 0600
// if it does not exist; dir is created with mode 0700 if missing. It is meant
// for development only: production keys come from configuration.
//
// Two processes starting together (API and worker) agree on one key: the file
// is written under a temporary name and hard-linked into place, which fails if
// the other process won the race, and the loser then reads the winner's file.
func LoadOrCreateDevKeyring(dir string) (*Keyring, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("vault: dev keyring: %w", err)
	}
	path := filepath.Join(dir, devKeyFile)
	k, err := readKeyringFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}

	mk, err := GenerateMasterKey("dev-" + time.Now().UTC().Format("20060102"))
	if err != nil {
		return nil, fmt.Errorf("vault: dev keyring: %w", err)
	}
	defer clear(mk.Key)
	if err := createFileExclusive(path, []byte(mk.Encode()+"\n")); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKeyringFile(path)
		}
		return nil, fmt.Errorf("vault: dev keyring: %w", err)
	}
	k, err = NewKeyring([]MasterKey{mk})
	if err != nil {
		return nil, fmt.Errorf("vault: dev keyring: %w", err)
	}
	return k, nil
}

// CurrentID returns the id of the newest master key, the one Seal and Rewrap
// wrap data keys with.
func (k *Keyring) CurrentID() string {
	return k.current
}

// IDs returns the ids of all master keys, oldest first. The slice is a copy.
func (k *Keyring) IDs() []string {
	return append([]string(nil), k.ids...)
}

// Format implements fmt.Formatter so that printing a Keyring shows its key
// ids and never the expanded key schedules it holds.
func (k Keyring) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "vault.Keyring{IDs:%q, Current:%q}", k.ids, k.current)
}

// LogValue implements slog.LogValuer so that structured logs show only the
// key ids.
func (k *Keyring) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("ids", k.ids), slog.String("current", k.current))
}

// validateKeyID reports whether id matches [A-Za-z0-9_.-]{1,64}. The id is
// not echoed in the error, in case a key was pasted into the id field.
func validateKeyID(id string) error {
	if id == "" {
		return fmt.Errorf("empty key id: %w", ErrBadKey)
	}
	if len(id) > maxKeyIDLen {
		return fmt.Errorf("key id longer than %d bytes: %w", maxKeyIDLen, ErrBadKey)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-') {
			return fmt.Errorf("key id has a character outside [A-Za-z0-9_.-]: %w", ErrBadKey)
		}
	}
	return nil
}

// newAEAD returns AES-256-GCM with random 96-bit nonces prepended to the
// ciphertext. Random nonces are safe for up to 2^32 messages per key, far
// beyond the number of secrets one master key wraps between rotations, and
// each data key encrypts exactly one message.
func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("gcm: %w", err)
	}
	return aead, nil
}

// readKeyringFile parses the keyring spec stored at path.
func readKeyringFile(path string) (*Keyring, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("vault: dev keyring: %w", err)
	}
	defer clear(data)
	k, err := ParseKeyring(string(data))
	if err != nil {
		return nil, fmt.Errorf("vault: dev keyring %s: %w", path, err)
	}
	return k, nil
}

// createFileExclusive writes data to path with mode 0600, failing with an
// error matching fs.ErrExist if path already exists. Readers never see a
// partly written file: the data is written and synced under a temporary name
// first, then hard-linked to path.
func createFileExclusive(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		_ = tmp.Close()
		if rmErr := os.Remove(tmp.Name()); rmErr != nil && err == nil {
			err = rmErr
		}
	}()
	// CreateTemp already uses 0600; Chmod makes the mode explicit rather
	// than relying on that detail.
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path)
}
