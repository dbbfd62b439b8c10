package e2e_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
)

// This file reads the GraphQL schema by introspection and builds operations from it, so a test
// can call every field of Query, Mutation and Subscription without naming them by hand: a field
// added to schema.graphqls is called (and must be classified) the day it appears.

// introspectionQuery reads what building operations needs: every type's fields with their
// arguments, input fields and enum values.
const introspectionQuery = `query {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types {
      kind name
      fields(includeDeprecated: true) { name args { name defaultValue type { ...T } } type { ...T } }
      inputFields { name defaultValue type { ...T } }
      enumValues(includeDeprecated: true) { name }
    }
  }
}
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`

// typeRef is an introspected type reference (NON_NULL and LIST wrap a named type).
type typeRef struct {
	Kind   string   `json:"kind"`
	Name   *string  `json:"name"`
	OfType *typeRef `json:"ofType"`
}

// base returns the named type under the wrappers.
func (r typeRef) base() string {
	for t := &r; t != nil; t = t.OfType {
		if t.Name != nil {
			return *t.Name
		}
	}
	return ""
}

// nonNull reports whether the outermost wrapper is NON_NULL.
func (r typeRef) nonNull() bool { return r.Kind == "NON_NULL" }

// list reports whether the type, under an optional NON_NULL, is a list.
func (r typeRef) list() bool {
	if r.Kind == "NON_NULL" && r.OfType != nil {
		return r.OfType.Kind == "LIST"
	}
	return r.Kind == "LIST"
}

// String prints the reference in SDL, for variable definitions.
func (r typeRef) String() string {
	switch r.Kind {
	case "NON_NULL":
		return r.OfType.String() + "!"
	case "LIST":
		return "[" + r.OfType.String() + "]"
	}
	return *r.Name
}

type inputValue struct {
	Name         string  `json:"name"`
	DefaultValue *string `json:"defaultValue"`
	Type         typeRef `json:"type"`
}

// required reports whether a value must be given (non-null without a default).
func (v inputValue) required() bool { return v.Type.nonNull() && v.DefaultValue == nil }

type schemaField struct {
	Name string       `json:"name"`
	Args []inputValue `json:"args"`
	Type typeRef      `json:"type"`
}

type schemaType struct {
	Kind        string        `json:"kind"`
	Name        string        `json:"name"`
	Fields      []schemaField `json:"fields"`
	InputFields []inputValue  `json:"inputFields"`
	EnumValues  []struct {
		Name string `json:"name"`
	} `json:"enumValues"`
}

// introspected is the schema as the server describes it.
type introspected struct {
	Query, Mutation, Subscription string
	types                         map[string]schemaType
}

// introspect reads the schema from the running server.
func introspect(t testing.TB, c *e2e.Client) *introspected {
	t.Helper()
	var out struct {
		Schema struct {
			QueryType        struct{ Name string }  `json:"queryType"`
			MutationType     *struct{ Name string } `json:"mutationType"`
			SubscriptionType *struct{ Name string } `json:"subscriptionType"`
			Types            []schemaType           `json:"types"`
		} `json:"__schema"`
	}
	r := c.Do(introspectionQuery, nil)
	require.Empty(t, r.Errors, "introspection must be enabled for the tests (the harness's config): %+v", r.Errors)
	require.NoError(t, json.Unmarshal(r.Data, &out))
	s := &introspected{Query: out.Schema.QueryType.Name, types: map[string]schemaType{}}
	if out.Schema.MutationType != nil {
		s.Mutation = out.Schema.MutationType.Name
	}
	if out.Schema.SubscriptionType != nil {
		s.Subscription = out.Schema.SubscriptionType.Name
	}
	for _, ty := range out.Schema.Types {
		s.types[ty.Name] = ty
	}
	require.NotEmpty(t, s.types[s.Query].Fields)
	return s
}

// rootFields returns the fields of a root type ("" when the schema has none).
func (s *introspected) rootFields(root string) []schemaField {
	if root == "" {
		return nil
	}
	return s.types[root].Fields
}

// selection selects every leaf of typeName (and of its objects, down to depth levels) that
// needs no argument; "" for a leaf type.
func (s *introspected) selection(typeName string, depth int) string {
	ty := s.types[typeName]
	if ty.Kind != "OBJECT" {
		return ""
	}
	var parts []string
	for _, f := range ty.Fields {
		if needsArgs(f) {
			continue
		}
		sub := s.types[f.Type.base()]
		switch sub.Kind {
		case "SCALAR", "ENUM":
			parts = append(parts, f.Name)
		case "OBJECT":
			if depth > 1 {
				if inner := s.selection(sub.Name, depth-1); inner != "" {
					parts = append(parts, f.Name+" { "+inner+" }")
				}
			}
		}
	}
	return strings.Join(parts, " ")
}

func needsArgs(f schemaField) bool {
	for _, a := range f.Args {
		if a.required() {
			return true
		}
	}
	return false
}

// idSlot marks where an ID goes in a generated argument value.
type idSlot struct {
	path     string
	kind     string // the kind of object the argument names; "" when it cannot be told
	required bool
	list     bool
}

// slotRef is a placeholder left in a generated value, replaced by materialize.
type slotRef int

// omitted is a hint value that leaves an argument or input field out.
type omittedT struct{}

var omitted = omittedT{}

// argBuilder builds one field's arguments from their types.
type argBuilder struct {
	s     *introspected
	field string
	hints map[string]any
	seq   *int
	slots []idSlot
}

// value returns a generated value for path of type r (ok false: leave it out).
func (b *argBuilder) value(path, name string, r typeRef, required bool) (any, bool) {
	if h, ok := b.hints[path]; ok {
		if h == omitted {
			return nil, false
		}
		return h, true
	}
	base := b.s.types[r.base()]
	if base.Name == "ID" {
		b.slots = append(b.slots, idSlot{path: path, kind: guessKind(name, b.field), required: required, list: r.list()})
		return slotRef(len(b.slots) - 1), true
	}
	switch base.Kind {
	case "ENUM":
		// Optional enums are given too: many say which platform or type an input is about.
		v := base.EnumValues[0].Name
		if r.list() {
			return []any{v}, true
		}
		return v, true
	case "INPUT_OBJECT":
		if !required {
			return nil, false
		}
		obj := map[string]any{}
		for _, f := range base.InputFields {
			if v, ok := b.value(path+"."+f.Name, f.Name, f.Type, f.required()); ok {
				obj[f.Name] = v
			}
		}
		if r.list() {
			return []any{obj}, true
		}
		return obj, true
	}
	if !required {
		return nil, false
	}
	var v any
	switch base.Name {
	case "String":
		v = plausibleString(name, b.seq)
	case "Int":
		v = 5
	case "Float":
		v = 1.5
	case "Boolean":
		v = false
	case "Time":
		v = time.Now().Add(365 * 24 * time.Hour).UTC().Format(time.RFC3339)
	case "JSON":
		v = map[string]any{}
	default:
		v = "probe"
	}
	if r.list() {
		return []any{v}, true
	}
	return v, true
}

// plausibleString is a valid value for a string argument, told by its name; emails are unique
// so that a create never fails on a taken address.
func plausibleString(name string, seq *int) string {
	*seq++
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "email"):
		return fmt.Sprintf("mole%d@rival.test", *seq)
	case strings.Contains(n, "password"):
		return "mole-password-long-enough"
	case strings.Contains(n, "url"):
		return "https://login.example.test/"
	case strings.Contains(n, "domain"):
		return "rival.test"
	case strings.Contains(n, "customer"):
		return "C0rival"
	case strings.Contains(n, "subject"):
		return "admin@rival.test"
	case strings.Contains(n, "ou"):
		return "/AccessHive"
	case strings.Contains(n, "template"):
		return "{client}-{platform}@{domain}"
	}
	return fmt.Sprintf("Mole probe %d", *seq)
}

// idKinds are the kinds of objects whose ids the isolation walk collects.
var idKinds = []string{"client", "identity", "request", "reveal", "job", "source", "report", "template", "notification", "user", "audit"}

// guessKind tells from an argument's name, or else its field's, what kind of object an ID
// names: "clientId" a client, "identity(id:)" an identity. "" means any kind.
func guessKind(arg, field string) string {
	for _, s := range []string{arg, field} {
		n := strings.ToLower(s)
		switch {
		case strings.Contains(n, "client"):
			return "client"
		case strings.Contains(n, "template"):
			return "template"
		case strings.Contains(n, "reveal") && !strings.Contains(n, "revealed") && !strings.Contains(n, "credentials"):
			return "reveal"
		case strings.Contains(n, "identit") || strings.Contains(n, "credentials") || strings.Contains(n, "provisioning"):
			return "identity"
		case strings.Contains(n, "request"):
			return "request"
		case strings.Contains(n, "source"):
			return "source"
		case strings.Contains(n, "report") || strings.Contains(n, "directory"):
			return "report"
		case strings.Contains(n, "notification"):
			return "notification"
		case strings.Contains(n, "job"):
			return "job"
		case strings.Contains(n, "audit"):
			return "audit"
		case strings.Contains(n, "user") || strings.Contains(n, "revealed"):
			return "user"
		}
		if n != "id" && n != "ids" {
			// A named argument of no known kind: the field's name does not tell either.
			return ""
		}
	}
	return ""
}

// generatedOp is one root field with generated arguments.
type generatedOp struct {
	field schemaField
	query string
	// vars are the variables with slotRef placeholders for IDs.
	vars  map[string]any
	slots []idSlot
}

// buildOp writes the operation calling f (of the root kind "query", "mutation" or
// "subscription") with every argument a variable.
func (s *introspected) buildOp(kind string, f schemaField, hints map[string]any, seq *int) generatedOp {
	b := &argBuilder{s: s, field: f.Name, hints: hints, seq: seq}
	var defs, args []string
	vars := map[string]any{}
	for _, a := range f.Args {
		v, ok := b.value(a.Name, a.Name, a.Type, a.required())
		if !ok {
			continue
		}
		defs = append(defs, "$"+a.Name+": "+a.Type.String())
		args = append(args, a.Name+": $"+a.Name)
		vars[a.Name] = v
	}
	q := kind
	if len(defs) > 0 {
		q += "(" + strings.Join(defs, ", ") + ")"
	}
	q += " { " + f.Name
	if len(args) > 0 {
		q += "(" + strings.Join(args, ", ") + ")"
	}
	if sel := s.selection(f.Type.base(), 3); sel != "" {
		q += " { " + sel + " }"
	}
	q += " }"
	return generatedOp{field: f, query: q, vars: vars, slots: b.slots}
}

// variant is one call of a generated operation: which ID goes in which slot.
type variant struct {
	ids  map[int]string
	desc string
}

// variants returns the calls to make: for each ID slot and each of its candidates, one call
// with that slot set, the other required slots set to their first candidate and the optional
// ones left out. An operation without ID arguments is called once.
func (op generatedOp) variants(candidates func(kind string) []string) []variant {
	if len(op.slots) == 0 {
		return []variant{{ids: map[int]string{}, desc: "no ids"}}
	}
	var out []variant
	for i, sl := range op.slots {
		for _, id := range candidates(sl.kind) {
			v := variant{ids: map[int]string{i: id}, desc: sl.path + "=" + id}
			for j, other := range op.slots {
				if j != i && other.required {
					v.ids[j] = candidates(other.kind)[0]
				}
			}
			out = append(out, v)
		}
	}
	return out
}

// optionalSlotsOnly reports whether every ID argument may be left out, so that a call without
// any of the victim's ids (a plain list, say) can be made.
func (op generatedOp) optionalSlotsOnly() bool {
	if len(op.slots) == 0 {
		return false // the single variant already has no ids
	}
	for _, sl := range op.slots {
		if sl.required {
			return false
		}
	}
	return true
}

// victimFields returns the names of the input fields that hold an id in v.
func (op generatedOp) victimFields(v variant) []string {
	var out []string
	for i := range v.ids {
		p := op.slots[i].path
		out = append(out, p[strings.LastIndex(p, ".")+1:])
	}
	return out
}

// materialize replaces the placeholders of v by the variant's ids, leaving out unset ones.
func materialize(v any, ids map[int]string) (any, bool) {
	switch x := v.(type) {
	case slotRef:
		id, ok := ids[int(x)]
		return id, ok
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if m, ok := materialize(e, ids); ok {
				out[k] = m
			}
		}
		return out, true
	case []any:
		var out []any
		for _, e := range x {
			if m, ok := materialize(e, ids); ok {
				out = append(out, m)
			}
		}
		if len(x) > 0 && len(out) == 0 {
			return nil, false
		}
		return out, true
	}
	return v, true
}

func (op generatedOp) varsFor(v variant) map[string]any {
	out := map[string]any{}
	for k, e := range op.vars {
		if m, ok := materialize(e, v.ids); ok {
			out[k] = m
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
