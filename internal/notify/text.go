package notify

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text that people wrote (a requester's name, a justification, a reviewer's reason) reaches
// mail only through the helpers below, so that nobody can use AccessHive's own sender to phish:
// a name in a subject is short and plain, longer text is quoted, bounded and marked as the
// writer's, and nothing a person wrote can become a link.

// Bounds of user-written text in notifications.
const (
	// MaxPlainName is the longest name put in a title (and so an e-mail subject).
	MaxPlainName = 40
	// MaxQuoted is the longest user-written text quoted in a body.
	MaxQuoted = 500
)

var (
	// schemeRe finds a URL scheme separator ("https://", "javascript:"-style schemes with //).
	schemeRe = regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*):(/+|\\+)`)
	// dotRe finds a dot inside a word ("example.com", "www.x"), which mail clients autolink.
	dotRe = regexp.MustCompile(`([\p{L}\p{N}_-])\.([\p{L}\p{N}_-])`)
	// mailtoRe finds the @ of an address ("a@b.c"), which mail clients turn into mailto links.
	mailtoRe = regexp.MustCompile(`([\p{L}\p{N}._%+-])@([\p{L}\p{N}-])`)
)

// Defang makes text unlinkable: "https://x.example/a" becomes "https[:]//x[.]example/a", and
// "a@b.example" becomes "a[at]b[.]example". Control characters (line breaks excepted) and
// bidirectional overrides are dropped.
func Defang(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r), r == '\u200b', r == '\u2028', r == '\u2029':
			return -1
		}
		return r
	}, s)
	s = schemeRe.ReplaceAllString(s, "$1[:]$2")
	s = mailtoRe.ReplaceAllString(s, "$1[at]$2")
	// Twice: a match consumes the character after the dot, so "a.b.c" needs a second pass.
	s = dotRe.ReplaceAllString(s, "$1[.]$2")
	s = dotRe.ReplaceAllString(s, "$1[.]$2")
	return s
}

// PlainName is a person's name as a title or subject may show it: one line, at most
// MaxPlainName characters, unlinkable, and "someone" when nothing is left.
func PlainName(s string) string {
	s = strings.Join(strings.Fields(Defang(s)), " ")
	s = clip(s, MaxPlainName)
	if s == "" {
		return "someone"
	}
	return s
}

// Quote renders user-written text as a clearly marked, bounded, unlinkable quotation:
//
//	Justification, as written by Alice Acme (not by AccessHive):
//	> the text, line by line
//
// label says what the text is and author who wrote it (a plain name is made of it).
func Quote(label, author, text string) string {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if utf8.RuneCountInString(text) > MaxQuoted {
		text = clip(text, MaxQuoted) + " [shortened]"
	}
	text = Defang(text)
	var b strings.Builder
	b.WriteString(label)
	b.WriteString(", as written by ")
	b.WriteString(PlainName(author))
	b.WriteString(" (not by AccessHive):\n")
	if text == "" {
		b.WriteString("> (empty)")
		return b.String()
	}
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("> ")
		b.WriteString(line)
	}
	return b.String()
}
