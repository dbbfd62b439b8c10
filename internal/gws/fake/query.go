package fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// term is one clause of a users.list query, e.g. orgUnitPath='/Managed',
// isSuspended=false, email:ah-*, externalId:42 or MySchema.field=value.
// Clauses separated by spaces are ANDed, as in Google's search syntax.
type term struct {
	field  string // "" for a bare word
	op     byte   // '=' or ':'
	value  string // unquoted
	prefix bool   // value ended with '*' after ':'
}

// errUnterminatedQuote reports a quote that never closes.
var errUnterminatedQuote = errors.New("unterminated quote")

// parseQuery splits a query into terms. Values may be quoted with ' or " to
// hold spaces. Fields outside the supported set are refused, as Google
// refuses unknown fields.
func parseQuery(q string) ([]term, error) {
	clauses, err := splitClauses(q)
	if err != nil {
		return nil, err
	}
	terms := make([]term, 0, len(clauses))
	for _, c := range clauses {
		t, err := parseTerm(c)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return terms, nil
}

// splitClauses splits on spaces outside quotes and drops the quotes.
func splitClauses(q string) ([]string, error) {
	var (
		out    []string
		cur    strings.Builder
		quote  rune
		quoted bool
	)
	for _, r := range q {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote = r
			quoted = true
		case r == ' ' || r == '\t' || r == '\n':
			if quoted || cur.Len() > 0 {
				out = append(out, cur.String())
			}
			cur.Reset()
			quoted = false
		default:
			cur.WriteRune(r)
		}
	}
	if quote != 0 {
		return nil, errUnterminatedQuote
	}
	if quoted || cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out, nil
}

func parseTerm(clause string) (term, error) {
	i := strings.IndexAny(clause, "=:")
	if i < 0 {
		return term{value: clause}, nil
	}
	t := term{field: clause[:i], op: clause[i], value: clause[i+1:]}
	if t.op == ':' && strings.HasSuffix(t.value, "*") {
		t.prefix = true
		t.value = strings.TrimSuffix(t.value, "*")
	}
	switch t.field {
	case "email", "givenName", "familyName", "name", "externalId":
	case "orgUnitPath":
		t.value = normalizeOU(t.value)
	case "isSuspended", "isAdmin":
		if t.op != '=' || (t.value != "true" && t.value != "false") {
			return term{}, fmt.Errorf("%s takes =true or =false", t.field)
		}
	default:
		schema, field, ok := strings.Cut(t.field, ".")
		if !ok || schema == "" || field == "" {
			return term{}, fmt.Errorf("unknown field %q", t.field)
		}
	}
	return t, nil
}

// match reports whether u satisfies the term. Text compares ignore case; ':'
// means "contains" (or "starts with" when the value ends with '*'); '='
// means equality.
func (t term) match(u *User) bool {
	switch t.field {
	case "":
		return t.text(u.Name.GivenName) || t.text(u.Name.FamilyName) || t.anyEmail(u)
	case "email":
		return t.anyEmail(u)
	case "givenName":
		return t.text(u.Name.GivenName)
	case "familyName":
		return t.text(u.Name.FamilyName)
	case "name":
		return t.text(u.Name.GivenName + " " + u.Name.FamilyName)
	case "isSuspended":
		return u.Suspended == (t.value == "true")
	case "isAdmin":
		return u.IsAdmin == (t.value == "true")
	case "orgUnitPath":
		// Google matches the org unit and everything below it.
		return inOU(u.OrgUnitPath, t.value)
	case "externalId":
		for _, id := range u.ExternalIDs {
			if strings.EqualFold(id.Value, t.value) {
				return true
			}
		}
		return false
	}
	schema, field, _ := strings.Cut(t.field, ".")
	return t.schemaField(u, schema, field)
}

// text compares one text attribute.
func (t term) text(v string) bool {
	v, want := strings.ToLower(v), strings.ToLower(t.value)
	switch {
	case t.op == '=':
		return v == want
	case t.prefix:
		return strings.HasPrefix(v, want)
	}
	return strings.Contains(v, want)
}

// anyEmail tests the primaryEmail and every alias; for emails '=' and ':'
// without '*' both ask for the whole address.
func (t term) anyEmail(u *User) bool {
	test := func(e string) bool {
		if t.field == "email" && !t.prefix {
			return strings.EqualFold(e, t.value)
		}
		return t.text(e)
	}
	if test(u.PrimaryEmail) {
		return true
	}
	for _, a := range u.Aliases {
		if test(a) {
			return true
		}
	}
	return false
}

// schemaField tests a custom schema field. Single values are compared as
// their text; multi-valued fields ([{"value":...}]) match if any value does.
func (t term) schemaField(u *User, schema, field string) bool {
	raw, ok := u.CustomSchemas[schema]
	if !ok {
		return false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return false
	}
	v, ok := fields[field]
	if !ok {
		return false
	}
	var multi []struct {
		Value json.RawMessage `json:"value"`
	}
	if json.Unmarshal(v, &multi) == nil {
		for _, m := range multi {
			if t.text(scalarText(m.Value)) {
				return true
			}
		}
		return false
	}
	return t.text(scalarText(v))
}

// scalarText renders a JSON string, number or bool as plain text.
func scalarText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

// inOU reports whether path is ou or lies below it, ignoring case.
func inOU(path, ou string) bool {
	if ou == "/" {
		return true
	}
	if len(path) < len(ou) || !strings.EqualFold(path[:len(ou)], ou) {
		return false
	}
	return len(path) == len(ou) || path[len(ou)] == '/'
}
