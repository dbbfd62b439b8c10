package gws

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// PasswordLength is the length of the passwords AccessHive generates for managed users.
const PasswordLength = 32

// Character classes of generated passwords; every password has at least one of each.
const (
	lowerChars  = "abcdefghijklmnopqrstuvwxyz"
	upperChars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digitChars  = "0123456789"
	symbolChars = "!#$%&*+-=?@^_~"
)

// GeneratePassword returns a new random password of PasswordLength characters drawn uniformly
// from letters, digits and symbols with crypto/rand, with every class present (about 200 bits).
func GeneratePassword() string {
	all := lowerChars + upperChars + digitChars + symbolChars
	max := big.NewInt(int64(len(all)))
	for {
		var b strings.Builder
		b.Grow(PasswordLength)
		for range PasswordLength {
			n, err := rand.Int(rand.Reader, max)
			if err != nil {
				panic("gws: crypto/rand failed: " + err.Error()) // crypto/rand never fails on supported platforms
			}
			b.WriteByte(all[n.Int64()])
		}
		pw := b.String()
		if strings.ContainsAny(pw, lowerChars) && strings.ContainsAny(pw, upperChars) &&
			strings.ContainsAny(pw, digitChars) && strings.ContainsAny(pw, symbolChars) {
			return pw
		}
	}
}
