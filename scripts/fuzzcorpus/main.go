// Command fuzzcorpus writes the seed corpus of the GraphQL fuzz targets of internal/e2e
// (FuzzGraphQL, FuzzGraphQLBody, FuzzGraphQLWebsocket) under internal/e2e/testdata/fuzz, so
// that every seed run (`go test`, the start of every `go test -fuzz`) sends real operations:
//
//   - one operation per root field of schema.graphqls (queries, mutations, subscriptions), with
//     every argument passed as a variable of its declared type, filled with a plausible value,
//     and the scalar fields of the result two levels deep; each runs as an owner and as one of
//     the other roles (or no session), in turn;
//   - every operation the console sends (the graphql(`…`) documents of web/src), with the
//     fragments it spreads and generated variables, as the console's owner would.
//
// Ids are placeholders the fuzz targets replace with the demo data's ids (@@ACME@@, @@GLOBEX@@,
// @@BOB@@, @@ALICE@@; see fuzzIDs in internal/e2e/fuzz_test.go), so the seeds reach real
// clients and users, not only NOT_FOUND. Run from the repository root after a schema or console
// change (`go run ./scripts/fuzzcorpus`) and commit the result; it removes the files it wrote
// before (names starting with "schema-" or "web-") and leaves the others, e.g. failing inputs
// the fuzzer found.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// roles is how many sessions FuzzGraphQL knows (fuzzRoles in internal/e2e); who == roles
// means no session.
const roles = 4

const corpusDir = "internal/e2e/testdata/fuzz"

// gen fills variables: schema is the API's, and mutation says whether the operation changes
// things, so that its ids name Globex and its client user, whom no fuzzed session is (a
// seed offboarding Acme would lock Acme's client user, a fuzzed session, out for the rest of
// the run).
type gen struct {
	schema   *ast.Schema
	mutation bool
}

// seed is one corpus file: a target, a file name and the Go literals of its arguments.
type seed struct {
	target, name string
	args         []string
}

func main() {
	raw, err := os.ReadFile("schema.graphqls")
	if err != nil {
		log.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(raw)})
	if gerr != nil {
		log.Fatal(gerr)
	}
	seeds := schemaSeeds(schema)
	web, err := webSeeds(schema, "web/src")
	if err != nil {
		log.Fatal(err)
	}
	seeds = append(seeds, web...)
	if err := write(seeds); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("fuzzcorpus: %d seeds written under %s\n", len(seeds), corpusDir)
}

// schemaSeeds returns the seeds of every root field.
func schemaSeeds(schema *ast.Schema) []seed {
	var out []seed
	n := 0
	for _, root := range []*ast.Definition{schema.Query, schema.Mutation, schema.Subscription} {
		if root == nil {
			continue
		}
		kind := strings.ToLower(root.Name)
		for _, f := range root.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			doc, vars := fieldOperation(schema, kind, f)
			name := "schema-" + kind + "-" + f.Name
			if kind == "subscription" {
				out = append(out, wsSeed(name, doc, vars))
				continue
			}
			n++
			other := 1 + n%roles // member, client user, another agency's owner, no session
			out = append(out,
				seed{"FuzzGraphQL", name + "-owner", []string{quote(doc), quote(vars), "uint8(0)"}},
				seed{"FuzzGraphQL", name + "-role" + strconv.Itoa(other), []string{quote(doc), quote(vars), fmt.Sprintf("uint8(%d)", other)}})
		}
	}
	return out
}

// fieldOperation returns an operation calling root field f with every argument as a
// variable, and the JSON of those variables.
func fieldOperation(schema *ast.Schema, kind string, f *ast.FieldDefinition) (string, string) {
	var defs, args, vals []string
	for _, a := range f.Arguments {
		defs = append(defs, "$"+a.Name+": "+a.Type.String())
		args = append(args, a.Name+": $"+a.Name)
		vals = append(vals, strconv.Quote(a.Name)+":"+gen{schema, kind == "mutation"}.value(a.Name, a.Type, 0))
	}
	var b strings.Builder
	b.WriteString(kind)
	if len(defs) > 0 {
		b.WriteString("(" + strings.Join(defs, ", ") + ")")
	}
	b.WriteString(" { " + f.Name)
	if len(args) > 0 {
		b.WriteString("(" + strings.Join(args, ", ") + ")")
	}
	b.WriteString(selection(schema, f.Type.Name(), 2))
	b.WriteString(" }")
	return b.String(), "{" + strings.Join(vals, ",") + "}"
}

// selection returns the selection set of a field of type name: its scalar and enum fields
// without required arguments and, depth permitting, its object fields' selections.
func selection(schema *ast.Schema, name string, depth int) string {
	def := schema.Types[name]
	if def == nil || (def.Kind != ast.Object && def.Kind != ast.Interface) {
		return ""
	}
	var parts []string
	for _, f := range def.Fields {
		if strings.HasPrefix(f.Name, "__") || requiredArgs(f) {
			continue
		}
		t := schema.Types[f.Type.Name()]
		switch {
		case t == nil:
		case t.Kind == ast.Scalar || t.Kind == ast.Enum:
			parts = append(parts, f.Name)
		case depth > 1 && (t.Kind == ast.Object || t.Kind == ast.Interface):
			if sub := selection(schema, t.Name, depth-1); sub != "" {
				parts = append(parts, f.Name+sub)
			}
		}
	}
	if len(parts) == 0 {
		return " { __typename }"
	}
	return " { " + strings.Join(parts, " ") + " }"
}

func requiredArgs(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}

// value returns the JSON of a plausible value of type t for an argument or input field
// called name.
func (g gen) value(name string, t *ast.Type, depth int) string {
	if t.Elem != nil {
		return "[" + g.value(name, t.Elem, depth) + "]"
	}
	def := g.schema.Types[t.NamedType]
	switch {
	case def == nil:
		return "null"
	case def.Kind == ast.Enum:
		return strconv.Quote(def.EnumValues[0].Name)
	case def.Kind == ast.InputObject:
		if depth > 3 {
			return "null"
		}
		var fields []string
		for _, f := range def.Fields {
			fields = append(fields, strconv.Quote(f.Name)+":"+g.value(f.Name, f.Type, depth+1))
		}
		return "{" + strings.Join(fields, ",") + "}"
	}
	return g.scalar(t.NamedType, name)
}

// scalar returns the JSON of a scalar of type typ for a field called name.
func (g gen) scalar(typ, name string) string {
	lower := strings.ToLower(name)
	switch typ {
	case "ID":
		return strconv.Quote(g.id(lower))
	case "Int":
		return "2"
	case "Float":
		return "1.5"
	case "Boolean":
		return "true"
	case "Time":
		return `"2026-01-02T03:04:05Z"`
	case "JSON":
		return `{"fuzz":true}`
	}
	hints := []struct{ key, val string }{
		{"email", "fuzz-seed@demo.test"}, {"password", "Fuzz-Seed-Pa55word"}, {"url", "https://example.test/login"},
		{"domain", "demo.test"}, {"template", "{first}.{last}@{domain}"}, {"ou", "/AccessHive"},
		{"subject", "admin@demo.test"}, {"after", "MjAyNi0wMS0wMlQwMzowNDowNVp8MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAx"},
		{"token", "fuzz-seed-token"}, {"secret", "JBSWY3DPEHPK3PXP"}, {"key", `{"type":"service_account"}`},
	}
	for _, h := range hints {
		if strings.Contains(lower, h.key) {
			return strconv.Quote(h.val)
		}
	}
	return strconv.Quote("fuzz seed " + name)
}

// id returns the placeholder (or a well-formed unknown id) for an id argument.
func (g gen) id(name string) string {
	switch {
	case (strings.Contains(name, "client") || name == "id") && g.mutation:
		return "@@GLOBEX@@"
	case strings.Contains(name, "client") || name == "id":
		return "@@ACME@@"
	case strings.Contains(name, "user") && g.mutation:
		return "@@BOB@@"
	case strings.Contains(name, "user"):
		return "@@ALICE@@"
	}
	return "00000000-0000-4000-8000-000000000001"
}

func quote(s string) string { return "string(" + strconv.Quote(s) + ")" }

// wsSeed is a graphql-transport-ws subscribe message for FuzzGraphQLWebsocket, as the owner.
func wsSeed(name, doc, vars string) seed {
	msg := fmt.Sprintf(`{"id":"1","type":"subscribe","payload":{"query":%s,"variables":%s}}`, strconv.Quote(doc), vars)
	return seed{"FuzzGraphQLWebsocket", name, []string{quote(msg), "uint8(0)"}}
}

var documentRE = regexp.MustCompile("(?s)graphql\\(`(.*?)`\\)")

// webSeeds returns a seed per operation of the console's sources under dir.
func webSeeds(schema *ast.Schema, dir string) ([]seed, error) {
	docs, err := webDocuments(dir)
	if err != nil {
		return nil, err
	}
	fragments := map[string]string{}
	var ops []string
	for _, d := range docs {
		parsed, perr := parser.ParseQuery(&ast.Source{Input: d})
		if perr != nil {
			return nil, fmt.Errorf("parse %q: %w", d, perr)
		}
		for _, f := range parsed.Fragments {
			fragments[f.Name] = d
		}
		if len(parsed.Operations) > 0 {
			ops = append(ops, d)
		}
	}
	var out []seed
	for _, d := range ops {
		s, err := webSeed(schema, d, fragments)
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	return out, nil
}

// webDocuments returns the graphql(`…`) documents of the .ts and .tsx files under dir
// (generated code left out), in a stable order.
func webDocuments(dir string) ([]string, error) {
	var docs []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(filepath.Dir(path)) == "gql" ||
			!(strings.HasSuffix(path, ".ts") || strings.HasSuffix(path, ".tsx")) {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range documentRE.FindAllStringSubmatch(string(raw), -1) {
			docs = append(docs, strings.TrimSpace(m[1]))
		}
		return nil
	})
	return docs, err
}

// webSeed returns the seeds of one console document: the operation with the fragments it
// needs, validated against the schema, with generated variables.
func webSeed(schema *ast.Schema, doc string, fragments map[string]string) ([]seed, error) {
	full := withFragments(doc, fragments)
	q, errs := gqlparser.LoadQuery(schema, full)
	if errs != nil {
		return nil, fmt.Errorf("console document does not validate: %v\n%s", errs, full)
	}
	var out []seed
	for _, op := range q.Operations {
		var vals []string
		for _, v := range op.VariableDefinitions {
			vals = append(vals, strconv.Quote(v.Variable)+":"+gen{schema, op.Operation == ast.Mutation}.value(v.Variable, v.Type, 0))
		}
		vars := "{" + strings.Join(vals, ",") + "}"
		name := "web-" + op.Name
		if op.Operation == ast.Subscription {
			out = append(out, wsSeed(name, full, vars))
			continue
		}
		body := fmt.Sprintf(`{"operationName":%s,"query":%s,"variables":%s}`, strconv.Quote(op.Name), strconv.Quote(full), vars)
		out = append(out,
			seed{"FuzzGraphQL", name, []string{quote(full), quote(vars), "uint8(0)"}},
			seed{"FuzzGraphQLBody", name, []string{"[]byte(" + strconv.Quote(body) + ")"}})
	}
	return out, nil
}

var spreadRE = regexp.MustCompile(`\.\.\.\s*([_A-Za-z][_0-9A-Za-z]*)`)

// withFragments appends to doc the documents of the fragments it spreads, transitively.
func withFragments(doc string, fragments map[string]string) string {
	parts, seen := []string{doc}, map[string]bool{doc: true}
	for i := 0; i < len(parts); i++ {
		for _, m := range spreadRE.FindAllStringSubmatch(parts[i], -1) {
			if f, ok := fragments[m[1]]; ok && !seen[f] {
				seen[f] = true
				parts = append(parts, f)
			}
		}
	}
	return strings.Join(parts, "\n")
}

// write replaces the generated files of every target by seeds.
func write(seeds []seed) error {
	targets := map[string]bool{"FuzzGraphQL": true, "FuzzGraphQLBody": true, "FuzzGraphQLWebsocket": true}
	for t := range targets {
		dir := filepath.Join(corpusDir, t)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		old, _ := filepath.Glob(filepath.Join(dir, "schema-*"))
		web, _ := filepath.Glob(filepath.Join(dir, "web-*"))
		for _, f := range append(old, web...) {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	sort.Slice(seeds, func(i, j int) bool { return seeds[i].target+seeds[i].name < seeds[j].target+seeds[j].name })
	for _, s := range seeds {
		body := "go test fuzz v1\n" + strings.Join(s.args, "\n") + "\n"
		if err := os.WriteFile(filepath.Join(corpusDir, s.target, s.name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}
