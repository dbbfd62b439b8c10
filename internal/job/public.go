package job

import (
	"net"
	"regexp"
	"strings"
)

// addressToken is one word of an error message, as PublicError looks at it.
var addressToken = regexp.MustCompile(`[^\s"'()<>,;\x60]+`)

// hostname is a DNS name: labels of letters, digits and hyphens joined by dots.
var hostname = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$`)

// Redacted stands in for an address PublicError removed.
const Redacted = "[address]"

// PublicError is an error message as tenants may see it, in a job record or an API answer:
// every URL, IP address, host:port and looked-up host name is replaced by "[address]", so that
// a failure tells a tenant what went wrong but nothing of the infrastructure it ran on (which
// addresses exist, which ports answer). The full error stays in the worker's logs.
func PublicError(msg string) string {
	words := addressToken.FindAllStringIndex(msg, -1)
	if len(words) == 0 {
		return msg
	}
	var b strings.Builder
	last, prev := 0, ""
	for _, w := range words {
		word := msg[w[0]:w[1]]
		if isAddress(word, prev) {
			b.WriteString(msg[last:w[0]])
			b.WriteString(Redacted)
			// Keep the punctuation that ended the sentence or the clause.
			b.WriteString(trailingPunct(word))
			last = w[1]
		}
		prev = strings.ToLower(word)
	}
	b.WriteString(msg[last:])
	return b.String()
}

func trailingPunct(word string) string {
	trimmed := strings.TrimRight(word, ":.!?")
	if isAddress(trimmed, "") {
		return word[len(trimmed):]
	}
	return ""
}

// isAddress reports whether word (prev is the word before it, lower-cased) names a network
// location: a URL, an IP address with or without a port, a host:port, or the host of a DNS
// lookup ("lookup db.internal").
func isAddress(word, prev string) bool {
	if strings.Contains(word, "://") {
		return true
	}
	w := strings.TrimRight(word, ":.!?")
	if w == "" {
		return false
	}
	host, port, err := net.SplitHostPort(w)
	if err == nil && port != "" {
		if net.ParseIP(strings.Trim(host, "[]")) != nil {
			return true
		}
		return host != "" && hostname.MatchString(host) && isPort(port)
	}
	if net.ParseIP(strings.Trim(w, "[]")) != nil {
		return true
	}
	if i := strings.LastIndex(w, "%"); i > 0 && net.ParseIP(strings.Trim(w[:i], "[]")) != nil {
		return true // a zoned IPv6 address
	}
	return (prev == "lookup" || prev == "host") && hostname.MatchString(w) && !strings.Contains(w, "@")
}

func isPort(p string) bool {
	if len(p) == 0 || len(p) > 5 {
		return false
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
