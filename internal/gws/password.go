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

// maxNameRunes is the longest given or family name Google accepts.
const maxNameRunes = 60

// defaultFamilyName completes a one-word display name, since Google requires both names.
const defaultFamilyName = "AccessHive"

// SplitName turns an identity's display name into the directory user's given and family
// names: the first word, then the rest (or "AccessHive" for a single word), each cut to
// Google's 60 characters. Provisioning and sync both use it, so they agree on what to expect.
func SplitName(displayName string) (given, family string) {
	fields := strings.Fields(displayName)
	switch len(fields) {
	case 0:
		given, family = "Managed", defaultFamilyName
	case 1:
		given, family = fields[0], defaultFamilyName
	default:
		given, family = fields[0], strings.Join(fields[1:], " ")
	}
	return cutRunes(given, maxNameRunes), cutRunes(family, maxNameRunes)
}

func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n]))
}
