package gws

import "strings"

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
