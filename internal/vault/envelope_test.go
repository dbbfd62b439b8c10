package vault_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/vault"
)

// newKey returns a random master key named id.
func newKey(t testing.TB, id string) vault.MasterKey {
	t.Helper()
	mk, err := vault.GenerateMasterKey(id)
	require.NoError(t, err)
	return mk
}

// newKeyring returns a keyring of keys, oldest first.
func newKeyring(t testing.TB, keys ...vault.MasterKey) *vault.Keyring {
	t.Helper()
	k, err := vault.NewKeyring(keys)
	require.NoError(t, err)
	return k
}

// newAAD returns an AAD with random ids and the "credentials" purpose.
func newAAD() vault.AAD {
	return vault.AAD{AgencyID: uuid.New(), IdentityID: uuid.New(), Purpose: "credentials"}
}

// randomBytes returns n random bytes.
func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()

	k := newKeyring(t, newKey(t, "k1"))
	tests := []struct {
		name      string
		plaintext []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"small", []byte(`{"username":"ads@example.com","password":"hunter2"}`)},
		{"64KiB", randomBytes(t, 64<<10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			aad := newAAD()

			s, err := k.Seal(tt.plaintext, aad)
			require.NoError(t, err)
			require.Equal(t, "k1", s.KeyID)
			require.Len(t, s.WrappedKey, 12+32+16)
			require.Len(t, s.Ciphertext, 12+len(tt.plaintext)+16)
			if len(tt.plaintext) > 0 {
				require.False(t, bytes.Contains(s.Ciphertext, tt.plaintext), "ciphertext contains the plaintext")
			}

			got, err := k.Open(s, aad)
			require.NoError(t, err)
			require.Equal(t, len(tt.plaintext), len(got))
			require.True(t, bytes.Equal(tt.plaintext, got), "plaintext differs after round trip")
		})
	}
}

func TestOpenRejectsFlippedBytes(t *testing.T) {
	t.Parallel()

	k := newKeyring(t, newKey(t, "k1"))
	aad := newAAD()
	s, err := k.Seal([]byte("s3cret-password"), aad)
	require.NoError(t, err)

	fields := []struct {
		name string
		get  func(*vault.Sealed) []byte
	}{
		{"WrappedKey", func(s *vault.Sealed) []byte { return s.WrappedKey }},
		{"Ciphertext", func(s *vault.Sealed) []byte { return s.Ciphertext }},
	}
	for _, f := range fields {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			n := len(f.get(&s))
			require.Positive(t, n)
			for i := range n {
				// A low bit and a high bit, so that neither an ignored
				// bit nor an ignored byte goes unnoticed.
				for _, mask := range []byte{0x01, 0x80} {
					tampered := cloneSealed(s)
					f.get(&tampered)[i] ^= mask

					got, err := k.Open(tampered, aad)
					require.ErrorIs(t, err, vault.ErrDecrypt, "byte %d mask %#x", i, mask)
					require.Nil(t, got)
				}
			}
			// The untouched original still opens, so the failures above
			// came from the flips.
			_, err := k.Open(s, aad)
			require.NoError(t, err)
		})
	}
}

func TestOpenRejectsMalformedSealed(t *testing.T) {
	t.Parallel()

	k := newKeyring(t, newKey(t, "k1"))
	aad := newAAD()
	s, err := k.Seal([]byte("s3cret-password"), aad)
	require.NoError(t, err)

	tests := []struct {
		name   string
		mutate func(*vault.Sealed)
	}{
		{"WrappedKey nil", func(s *vault.Sealed) { s.WrappedKey = nil }},
		{"WrappedKey truncated", func(s *vault.Sealed) { s.WrappedKey = s.WrappedKey[:len(s.WrappedKey)-1] }},
		{"WrappedKey extended", func(s *vault.Sealed) { s.WrappedKey = append(s.WrappedKey, 0) }},
		{"Ciphertext nil", func(s *vault.Sealed) { s.Ciphertext = nil }},
		{"Ciphertext nonce only", func(s *vault.Sealed) { s.Ciphertext = s.Ciphertext[:12] }},
		{"Ciphertext truncated", func(s *vault.Sealed) { s.Ciphertext = s.Ciphertext[:len(s.Ciphertext)-1] }},
		{"Ciphertext extended", func(s *vault.Sealed) { s.Ciphertext = append(s.Ciphertext, 0) }},
		{"swapped fields", func(s *vault.Sealed) { s.WrappedKey, s.Ciphertext = s.Ciphertext, s.WrappedKey }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tampered := cloneSealed(s)
			tt.mutate(&tampered)
			_, err := k.Open(tampered, aad)
			require.ErrorIs(t, err, vault.ErrDecrypt)
		})
	}
}

func TestOpenRejectsOtherAAD(t *testing.T) {
	t.Parallel()

	k := newKeyring(t, newKey(t, "k1"))
	aad := newAAD()
	s, err := k.Seal([]byte("s3cret-password"), aad)
	require.NoError(t, err)

	tests := []struct {
		name string
		aad  vault.AAD
	}{
		{"other identity", vault.AAD{AgencyID: aad.AgencyID, IdentityID: uuid.New(), Purpose: aad.Purpose}},
		{"nil identity", vault.AAD{AgencyID: aad.AgencyID, IdentityID: uuid.Nil, Purpose: aad.Purpose}},
		{"other agency", vault.AAD{AgencyID: uuid.New(), IdentityID: aad.IdentityID, Purpose: aad.Purpose}},
		{"agency and identity swapped", vault.AAD{AgencyID: aad.IdentityID, IdentityID: aad.AgencyID, Purpose: aad.Purpose}},
		{"other purpose", vault.AAD{AgencyID: aad.AgencyID, IdentityID: aad.IdentityID, Purpose: "gws-service-account"}},
		{"purpose case", vault.AAD{AgencyID: aad.AgencyID, IdentityID: aad.IdentityID, Purpose: "Credentials"}},
		{"purpose prefix", vault.AAD{AgencyID: aad.AgencyID, IdentityID: aad.IdentityID, Purpose: "credential"}},
		{"purpose extended", vault.AAD{AgencyID: aad.AgencyID, IdentityID: aad.IdentityID, Purpose: "credentials\x00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := k.Open(s, tt.aad)
			require.ErrorIs(t, err, vault.ErrDecrypt)
			require.Nil(t, got)
		})
	}

	_, err = k.Open(s, aad)
	require.NoError(t, err)
}

func TestInvalidAAD(t *testing.T) {
	t.Parallel()

	k := newKeyring(t, newKey(t, "k1"))
	good := newAAD()
	s, err := k.Seal([]byte("x"), good)
	require.NoError(t, err)

	tests := []struct {
		name    string
		purpose string
	}{
		{"empty purpose", ""},
		{"purpose too long", strings.Repeat("p", 256)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bad := vault.AAD{AgencyID: good.AgencyID, IdentityID: good.IdentityID, Purpose: tt.purpose}

			_, err := k.Seal([]byte("x"), bad)
			require.ErrorIs(t, err, vault.ErrInvalidAAD)
			_, err = k.Open(s, bad)
			require.ErrorIs(t, err, vault.ErrInvalidAAD)
		})
	}

	// The longest allowed purpose works.
	longest := vault.AAD{AgencyID: good.AgencyID, Purpose: strings.Repeat("p", 255)}
	s, err = k.Seal([]byte("x"), longest)
	require.NoError(t, err)
	_, err = k.Open(s, longest)
	require.NoError(t, err)
}

func TestSealIsRandomized(t *testing.T) {
	t.Parallel()

	k := newKeyring(t, newKey(t, "k1"))
	aad := newAAD()
	plaintext := []byte("same plaintext")

	s1, err := k.Seal(plaintext, aad)
	require.NoError(t, err)
	s2, err := k.Seal(plaintext, aad)
	require.NoError(t, err)

	require.NotEqual(t, s1.WrappedKey, s2.WrappedKey)
	require.NotEqual(t, s1.WrappedKey[:12], s2.WrappedKey[:12], "wrap nonces repeat")
	require.NotEqual(t, s1.Ciphertext, s2.Ciphertext)
	require.NotEqual(t, s1.Ciphertext[:12], s2.Ciphertext[:12], "data nonces repeat")

	// Fresh data keys: the first sealed's wrapped key does not open the
	// second's ciphertext.
	mixed := vault.Sealed{KeyID: "k1", WrappedKey: s1.WrappedKey, Ciphertext: s2.Ciphertext}
	_, err = k.Open(mixed, aad)
	require.ErrorIs(t, err, vault.ErrDecrypt)
}

func TestOpenUnknownKey(t *testing.T) {
	t.Parallel()

	k := newKeyring(t, newKey(t, "k1"))
	aad := newAAD()
	s, err := k.Seal([]byte("x"), aad)
	require.NoError(t, err)

	for _, id := range []string{"", "k2", "K1", "k1 "} {
		relabelled := cloneSealed(s)
		relabelled.KeyID = id
		_, err := k.Open(relabelled, aad)
		require.ErrorIs(t, err, vault.ErrUnknownKey, "key id %q", id)
		_, _, err = k.Rewrap(relabelled, aad)
		require.ErrorIs(t, err, vault.ErrUnknownKey, "key id %q", id)
	}
}

func TestWrapIsBoundToKeyID(t *testing.T) {
	t.Parallel()

	// The same key bytes under two ids, in two keyrings (one keyring
	// refuses that): relabelling the key id must still break the wrap.
	k1 := newKey(t, "a")
	alias := vault.MasterKey{ID: "b", Key: k1.Key}
	ringA := newKeyring(t, k1)
	ringB := newKeyring(t, alias)

	aad := newAAD()
	s, err := ringA.Seal([]byte("x"), aad)
	require.NoError(t, err)

	relabelled := cloneSealed(s)
	relabelled.KeyID = "b"
	_, err = ringB.Open(relabelled, aad)
	require.ErrorIs(t, err, vault.ErrDecrypt)
}

func TestKeyRotation(t *testing.T) {
	t.Parallel()

	k1, k2 := newKey(t, "k1"), newKey(t, "k2")
	ringA := newKeyring(t, k1)
	ringB := newKeyring(t, k1, k2)
	ringC := newKeyring(t, k2)
	require.Equal(t, "k2", ringB.CurrentID())
	require.Equal(t, []string{"k1", "k2"}, ringB.IDs())

	aad := newAAD()
	plaintext := []byte("rotate me")
	original, err := ringA.Seal(plaintext, aad)
	require.NoError(t, err)
	require.Equal(t, "k1", original.KeyID)

	got, err := ringB.Open(original, aad)
	require.NoError(t, err)
	require.Equal(t, plaintext, got)

	// Rewrap under a wrong AAD fails and does not move the secret.
	_, changed, err := ringB.Rewrap(original, vault.AAD{AgencyID: uuid.New(), IdentityID: aad.IdentityID, Purpose: aad.Purpose})
	require.ErrorIs(t, err, vault.ErrDecrypt)
	require.False(t, changed)

	rewrapped, changed, err := ringB.Rewrap(original, aad)
	require.NoError(t, err)
	require.True(t, changed)
	require.Equal(t, "k2", rewrapped.KeyID)
	require.Equal(t, original.Ciphertext, rewrapped.Ciphertext, "rewrap changed the ciphertext")
	require.NotEqual(t, original.WrappedKey, rewrapped.WrappedKey)

	again, changed, err := ringB.Rewrap(rewrapped, aad)
	require.NoError(t, err)
	require.False(t, changed)
	require.Equal(t, rewrapped, again)

	got, err = ringB.Open(rewrapped, aad)
	require.NoError(t, err)
	require.Equal(t, plaintext, got)

	got, err = ringC.Open(rewrapped, aad)
	require.NoError(t, err)
	require.Equal(t, plaintext, got)

	_, err = ringC.Open(original, aad)
	require.ErrorIs(t, err, vault.ErrUnknownKey)

	// The old keyring cannot read what moved to the new key.
	_, err = ringA.Open(rewrapped, aad)
	require.ErrorIs(t, err, vault.ErrUnknownKey)
}

func TestNewKeyringErrors(t *testing.T) {
	t.Parallel()

	k1 := newKey(t, "k1")
	tests := []struct {
		name string
		keys []vault.MasterKey
	}{
		{"nil", nil},
		{"empty", []vault.MasterKey{}},
		{"duplicate id", []vault.MasterKey{k1, {ID: "k1", Key: randomBytes(t, 32)}}},
		{"duplicate key bytes", []vault.MasterKey{k1, {ID: "k2", Key: bytes.Clone(k1.Key)}}},
		{"short key", []vault.MasterKey{{ID: "k1", Key: randomBytes(t, 31)}}},
		{"long key", []vault.MasterKey{{ID: "k1", Key: randomBytes(t, 33)}}},
		{"AES-128 key", []vault.MasterKey{{ID: "k1", Key: randomBytes(t, 16)}}},
		{"nil key", []vault.MasterKey{{ID: "k1"}}},
		{"empty id", []vault.MasterKey{{ID: "", Key: randomBytes(t, 32)}}},
		{"id with colon", []vault.MasterKey{{ID: "k:1", Key: randomBytes(t, 32)}}},
		{"id with comma", []vault.MasterKey{{ID: "k,1", Key: randomBytes(t, 32)}}},
		{"id with space", []vault.MasterKey{{ID: "k 1", Key: randomBytes(t, 32)}}},
		{"id with non-ASCII", []vault.MasterKey{{ID: "clé", Key: randomBytes(t, 32)}}},
		{"id too long", []vault.MasterKey{{ID: strings.Repeat("k", 65), Key: randomBytes(t, 32)}}},
		{"bad key after good", []vault.MasterKey{k1, {ID: "k2", Key: randomBytes(t, 8)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := vault.NewKeyring(tt.keys)
			require.ErrorIs(t, err, vault.ErrBadKey)
			require.Nil(t, k)
			for _, mk := range tt.keys {
				requireNoKeyMaterial(t, err.Error(), mk.Key)
			}
		})
	}
}

func TestNewKeyringValidIDs(t *testing.T) {
	t.Parallel()

	for _, id := range []string{"a", "K-2026.05_01", strings.Repeat("z", 64)} {
		k, err := vault.NewKeyring([]vault.MasterKey{{ID: id, Key: randomBytes(t, 32)}})
		require.NoError(t, err, "id %q", id)
		require.Equal(t, id, k.CurrentID())
	}
}

func TestNewKeyringDoesNotAliasKeys(t *testing.T) {
	t.Parallel()

	mk := newKey(t, "k1")
	k := newKeyring(t, mk)
	aad := newAAD()
	s, err := k.Seal([]byte("x"), aad)
	require.NoError(t, err)

	// The caller zeroes its copy of the key; the keyring keeps working.
	clear(mk.Key)
	got, err := k.Open(s, aad)
	require.NoError(t, err)
	require.Equal(t, []byte("x"), got)

	// IDs returns a copy.
	ids := k.IDs()
	ids[0] = "mutated"
	require.Equal(t, []string{"k1"}, k.IDs())
}

func TestParseKeyring(t *testing.T) {
	t.Parallel()

	k1, k2 := newKey(t, "k1"), newKey(t, "k2")
	aad := newAAD()
	s, err := newKeyring(t, k1).Seal([]byte("x"), aad)
	require.NoError(t, err)

	tests := []struct {
		name string
		spec string
	}{
		{"plain", k1.Encode() + "," + k2.Encode()},
		{"spaces and newline", "  " + k1.Encode() + " ,\t" + k2.Encode() + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := vault.ParseKeyring(tt.spec)
			require.NoError(t, err)
			require.Equal(t, "k2", k.CurrentID())
			require.Equal(t, []string{"k1", "k2"}, k.IDs())

			// The parsed k1 is the same key as the generated one.
			got, err := k.Open(s, aad)
			require.NoError(t, err)
			require.Equal(t, []byte("x"), got)
		})
	}
}

func TestParseKeyringErrors(t *testing.T) {
	t.Parallel()

	k1 := newKey(t, "k1")
	b64 := base64.StdEncoding.EncodeToString(k1.Key)
	short := base64.StdEncoding.EncodeToString(k1.Key[:31])
	// A key that is one bad character away from valid base64.
	corrupt := "!" + b64[1:]
	unpadded := base64.RawStdEncoding.EncodeToString(k1.Key)
	// 0xfb bytes encode to '-' and '_' in the URL alphabet, which std rejects.
	urlSafe := base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 32))

	tests := []struct {
		name     string
		spec     string
		material []string // strings that must not appear in the error
	}{
		{"empty", "", nil},
		{"blank", " \n", nil},
		{"bad base64", "k1:" + corrupt, []string{corrupt, corrupt[1:20]}},
		{"url-safe base64", "k1:" + urlSafe, []string{urlSafe, urlSafe[:20]}},
		{"unpadded base64", "k1:" + unpadded, []string{unpadded}},
		{"short key", "k1:" + short, []string{short, short[:20]}},
		{"empty key", "k1:", nil},
		{"duplicate id", "k1:" + b64 + ",k1:" + base64.StdEncoding.EncodeToString(randomBytes(t, 32)), []string{b64, b64[:20]}},
		{"duplicate key", "k1:" + b64 + ",k2:" + b64, []string{b64, b64[:20]}},
		{"missing id", ":" + b64, []string{b64, b64[:20]}},
		{"missing colon", b64, []string{b64, b64[:20]}},
		{"key and id swapped", b64 + ":k1", []string{b64, b64[:20]}},
		{"trailing comma", "k1:" + b64 + ",", []string{b64, b64[:20]}},
		{"semicolon separator", "k1:" + b64 + ";k2:" + b64, []string{b64, b64[:20]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := vault.ParseKeyring(tt.spec)
			require.ErrorIs(t, err, vault.ErrBadKey)
			require.Nil(t, k)
			for _, m := range tt.material {
				require.NotContains(t, err.Error(), m)
			}
			requireNoKeyMaterial(t, err.Error(), k1.Key)
		})
	}
}

func TestGenerateMasterKey(t *testing.T) {
	t.Parallel()

	a, err := vault.GenerateMasterKey("k1")
	require.NoError(t, err)
	b, err := vault.GenerateMasterKey("k1")
	require.NoError(t, err)
	require.Equal(t, "k1", a.ID)
	require.Len(t, a.Key, vault.MasterKeySize)
	require.NotEqual(t, a.Key, b.Key)
	require.NotEqual(t, make([]byte, vault.MasterKeySize), a.Key)
	require.Equal(t, "k1:"+base64.StdEncoding.EncodeToString(a.Key), a.Encode())

	for _, id := range []string{"", "a:b", strings.Repeat("k", 65)} {
		_, err := vault.GenerateMasterKey(id)
		require.ErrorIs(t, err, vault.ErrBadKey, "id %q", id)
	}
}

func TestFormattingRedactsKeys(t *testing.T) {
	t.Parallel()

	mk := newKey(t, "k1")
	k := newKeyring(t, mk)

	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d"} {
		outputs = append(outputs,
			fmt.Sprintf(verb, mk),
			fmt.Sprintf(verb, &mk),
			fmt.Sprintf(verb, []vault.MasterKey{mk}),
			fmt.Sprintf(verb, k),
			fmt.Sprintf(verb, *k),
		)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "key", mk, "keyring", k)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "key", mk, "keyring", k)
	outputs = append(outputs, logs.String())

	for _, out := range outputs {
		require.Contains(t, out, "k1")
		requireNoKeyMaterial(t, out, mk.Key)
	}
}

func TestLoadOrCreateDevKeyring(t *testing.T) {
	t.Parallel()

	dir := filepath.Join(t.TempDir(), "secrets", "dev")

	created, err := vault.LoadOrCreateDevKeyring(dir)
	require.NoError(t, err)
	require.NotEmpty(t, created.CurrentID())

	dirInfo, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), dirInfo.Mode().Perm())

	path := filepath.Join(dir, "master.key")
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "temporary file left behind")

	// The file is in the ParseKeyring format.
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	parsed, err := vault.ParseKeyring(string(data))
	require.NoError(t, err)
	require.Equal(t, created.IDs(), parsed.IDs())

	aad := newAAD()
	s, err := created.Seal([]byte("dev secret"), aad)
	require.NoError(t, err)

	reread, err := vault.LoadOrCreateDevKeyring(dir)
	require.NoError(t, err)
	require.Equal(t, created.IDs(), reread.IDs())
	got, err := reread.Open(s, aad)
	require.NoError(t, err, "re-read keyring holds a different key")
	require.Equal(t, []byte("dev secret"), got)

	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, data, after, "re-read rewrote the key file")
}

func TestLoadOrCreateDevKeyringConcurrent(t *testing.T) {
	t.Parallel()

	// API and worker starting together must end up with the same key.
	dir := t.TempDir()
	const n = 8
	rings := make([]*vault.Keyring, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { rings[i], errs[i] = vault.LoadOrCreateDevKeyring(dir) })
	}
	wg.Wait()

	aad := newAAD()
	require.NoError(t, errs[0])
	s, err := rings[0].Seal([]byte("x"), aad)
	require.NoError(t, err)
	for i := range n {
		require.NoError(t, errs[i])
		_, err := rings[i].Open(s, aad)
		require.NoError(t, err, "keyring %d differs", i)
	}
}

func TestLoadOrCreateDevKeyringCorruptFile(t *testing.T) {
	t.Parallel()

	dir := t.TempDir()
	path := filepath.Join(dir, "master.key")
	require.NoError(t, os.WriteFile(path, []byte("not a keyring"), 0o600))

	_, err := vault.LoadOrCreateDevKeyring(dir)
	require.ErrorIs(t, err, vault.ErrBadKey)

	// A corrupt file is reported, never silently replaced.
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "not a keyring", string(data))
}

func TestKeyringConcurrentUse(t *testing.T) {
	t.Parallel()

	k := newKeyring(t, newKey(t, "k0"), newKey(t, "k1"), newKey(t, "k2"))
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Go(func() {
			aad := newAAD()
			for i := range 50 {
				pt := fmt.Appendf(nil, "goroutine %d message %d", g, i)
				s, err := k.Seal(pt, aad)
				if err != nil {
					errs <- err
					return
				}
				got, err := k.Open(s, aad)
				if err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(pt, got) {
					errs <- fmt.Errorf("goroutine %d message %d: plaintext differs", g, i)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// cloneSealed returns a deep copy of s, so that a test can tamper with it.
func cloneSealed(s vault.Sealed) vault.Sealed {
	return vault.Sealed{
		KeyID:      s.KeyID,
		WrappedKey: bytes.Clone(s.WrappedKey),
		Ciphertext: bytes.Clone(s.Ciphertext),
	}
}

// requireNoKeyMaterial fails if out contains key in any common encoding, or
// a long enough prefix of one.
func requireNoKeyMaterial(t *testing.T, out string, key []byte) {
	t.Helper()
	if len(key) == 0 {
		return
	}
	encodings := []string{
		base64.StdEncoding.EncodeToString(key),
		base64.RawStdEncoding.EncodeToString(key),
		base64.URLEncoding.EncodeToString(key),
		hex.EncodeToString(key),
		strings.ToUpper(hex.EncodeToString(key)),
		fmt.Sprint(key), // [1 2 3 ...]
		fmt.Sprintf("%#v", key),
		string(key),
	}
	for _, enc := range encodings {
		prefix := enc[:min(len(enc), 12)]
		require.NotContains(t, out, prefix, "output contains key material")
	}
}
