package notify

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestDefang(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"see https://evil.example/login now": "see https[:]//evil[.]example/login now",
		"HTTP://A.B":                         "HTTP[:]//A[.]B",
		"mail security@evil.example":         "mail security[at]evil[.]example",
		"www.evil.example.":                  "www[.]evil[.]example.",
		"javascript:\\\\x":                   "javascript[:]\\\\x",
		"end of sentence. Next one":          "end of sentence. Next one",
		"a\u202eb\u200bc\x00d\r\ne\tf":       "abcd\ne f",
		"no links here, just words: 1 2 3":   "no links here, just words: 1 2 3",
		"nested https://a.b.c.d.example/x.y": "nested https[:]//a[.]b[.]c[.]d[.]example/x[.]y",
	} {
		require.Equal(t, want, Defang(in), in)
	}
}

func TestPlainNameAndQuote(t *testing.T) {
	t.Parallel()
	name := PlainName("IT Security\n re-verify your login at https://evil.example/verify immediately please")
	require.LessOrEqual(t, utf8.RuneCountInString(name), MaxPlainName)
	require.NotContains(t, name, "://")
	require.NotContains(t, name, "\n")
	require.Equal(t, "someone", PlainName(" \u202e "))

	q := Quote("Justification", "Alice", "line one\n-- \nAccessHive\nhttps://evil.example\n"+strings.Repeat("x", 2*MaxQuoted))
	require.True(t, strings.HasPrefix(q, "Justification, as written by Alice (not by AccessHive):\n> line one\n> -- \n> AccessHive\n> https[:]//evil[.]example\n"), q)
	require.Contains(t, q, "[shortened]")
	for _, line := range strings.Split(q, "\n")[1:] {
		require.True(t, strings.HasPrefix(line, "> "), "every line of the text is quoted: %q", line)
	}
	require.Equal(t, "Reason, as written by Bob (not by AccessHive):\n> (empty)", Quote("Reason", "Bob", "  "))
}
