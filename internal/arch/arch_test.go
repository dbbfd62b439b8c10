// Package arch holds the tests that keep ARCHITECTURE.md's walls standing: which room may import
// which, and where SQL may be written. They read the module with `go list` and the Go sources, so
// a change that breaks a wall fails `make test`.
package arch

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const module = "github.com/accesshive/accesshive/"

// pkg is what `go list -json` tells about one package.
type pkg struct {
	ImportPath string
	Dir        string
	Imports    []string
	GoFiles    []string
}

// listPackages returns every package of the module (tests' imports not included).
func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = filepath.Join("..", "..")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v: %s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(&out)
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// domain lists the domain rooms: they know nothing of HTTP, GraphQL or asynq.
var domain = []string{
	"internal/agency", "internal/audit", "internal/auth", "internal/event", "internal/fault",
	"internal/gws", "internal/identity", "internal/job", "internal/notify", "internal/page",
	"internal/request", "internal/reveal", "internal/tenant", "internal/vault",
}

// forbidden maps a room (a package path relative to the module, or a prefix ending in "/") to
// the imports it may not have, each with the reason a reader needs.
func forbidden() map[string]map[string]string {
	rules := map[string]map[string]string{
		"graph": {
			module + "server":              "graph is called by server, not the other way round",
			module + "worker":              "resolvers and job handlers call the domain; neither imports the other",
			module + "internal/app":        "the composition root imports graph, not the other way round",
			module + "db":                  "graph builds no SQL: it calls the domain",
			"github.com/hibiken/asynq":     "graph enqueues nothing: the domain writes the outbox",
			"github.com/redis/go-redis/v9": "graph touches no Redis: the domain and the event bus do",
		},
		"worker": {
			module + "graph":                      "job handlers call the domain, not the resolvers",
			module + "server":                     "the worker serves no HTTP",
			module + "internal/app":               "the composition root imports worker, not the other way round",
			"github.com/99designs/gqlgen/graphql": "the worker knows nothing of GraphQL",
		},
		"server": {
			module + "worker":       "an API replica does not run jobs",
			module + "internal/app": "the composition root imports server, not the other way round",
		},
	}
	for _, d := range domain {
		rules[d] = map[string]string{
			module + "graph":                      "domain packages know nothing of GraphQL",
			module + "server":                     "domain packages know nothing of HTTP",
			module + "worker":                     "domain packages know nothing of asynq",
			module + "internal/app":               "the composition root imports the domain, not the other way round",
			"github.com/99designs/gqlgen/graphql": "domain packages know nothing of GraphQL",
			"github.com/hibiken/asynq":            "domain packages know nothing of asynq: jobs go through the outbox",
		}
		if d != "internal/gws" { // the Directory client speaks HTTP to Google
			rules[d]["net/http"] = "domain packages know nothing of HTTP"
		}
	}
	return rules
}

// TestRoomsImportOnlyWhatTheyMay fails when a package imports what ARCHITECTURE.md's walls forbid.
func TestRoomsImportOnlyWhatTheyMay(t *testing.T) {
	t.Parallel()
	rules := forbidden()
	checked := map[string]bool{}
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(p.ImportPath, module)
		rule, ok := rules[rel]
		if !ok {
			continue
		}
		checked[rel] = true
		for _, imp := range p.Imports {
			if why, bad := rule[imp]; bad {
				t.Errorf("%s imports %s: %s", rel, imp, why)
			}
		}
	}
	for room := range rules {
		if !checked[room] {
			t.Errorf("rule for %s matched no package: update the rules with the rooms", room)
		}
	}
}

// sqlBuilder finds a statement being built: bun's query constructors or raw SQL keywords in a
// string.
var sqlBuilder = regexp.MustCompile(`\.New(Select|Insert|Update|Delete|Raw)\(|"(SELECT|UPDATE|DELETE|INSERT) `)

// TestNoSQLOutsideTheDomain fails when graph/, server/ or internal/app build SQL: resolvers, HTTP
// handlers and the composition root call the domain packages, which own their tables.
func TestNoSQLOutsideTheDomain(t *testing.T) {
	t.Parallel()
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(p.ImportPath, module)
		if rel != "graph" && rel != "server" && rel != "internal/app" {
			continue
		}
		for _, f := range p.GoFiles {
			if f == "generated.go" {
				continue
			}
			src, err := os.ReadFile(filepath.Join(p.Dir, f))
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(src), "\n") {
				if sqlBuilder.MatchString(line) {
					t.Errorf("%s/%s:%d builds SQL: %s", rel, f, i+1, strings.TrimSpace(line))
				}
			}
		}
	}
}
