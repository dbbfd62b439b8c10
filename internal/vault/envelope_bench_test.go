package vault_test

import "testing"

// benchPlaintextSize is about the size of a credentials JSON document.
const benchPlaintextSize = 256

func BenchmarkSeal(b *testing.B) {
	k := newKeyring(b, newKey(b, "k1"))
	aad := newAAD()
	plaintext := randomBytes(b, benchPlaintextSize)

	b.ReportAllocs()
	b.SetBytes(benchPlaintextSize)
	for b.Loop() {
		if _, err := k.Seal(plaintext, aad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	k := newKeyring(b, newKey(b, "k1"))
	aad := newAAD()
	s, err := k.Seal(randomBytes(b, benchPlaintextSize), aad)
	if err != nil {
		b.Fatal(err)
	}

	b.ReportAllocs()
	b.SetBytes(benchPlaintextSize)
	for b.Loop() {
		if _, err := k.Open(s, aad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRewrap(b *testing.B) {
	old := newKey(b, "k1")
	k := newKeyring(b, old, newKey(b, "k2"))
	aad := newAAD()
	s, err := newKeyring(b, old).Seal(randomBytes(b, benchPlaintextSize), aad)
	if err != nil {
		b.Fatal(err)
	}

	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := k.Rewrap(s, aad); err != nil {
			b.Fatal(err)
		}
	}
}
