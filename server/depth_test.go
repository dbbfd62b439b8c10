package server

import (
	"context"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// AccessHive's own schema cannot nest deeper than a few levels (clients → edges → node → id),
// so the depth limit is tested here against a schema that can nest without end.
var depthSchema = gqlparser.MustLoadSchema(&ast.Source{Name: "depth.graphqls", Input: `
type Query { node: Node }
type Node { id: ID! child: Node }
`})

// nested returns a query n fields deep: node { child { … { id } } }.
func nested(n int) string {
	var b strings.Builder
	b.WriteString("{ node {")
	for i := 2; i < n; i++ {
		b.WriteString(" child {")
	}
	b.WriteString(" id")
	b.WriteString(strings.Repeat(" }", n-1))
	b.WriteString(" }")
	return b.String()
}

func TestDepthLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		query string
		depth int
	}{
		{"one field", `{ node { id } }`, 2},
		{"at the limit", nested(12), 12},
		{"one past the limit", nested(13), 13},
		{"far past the limit", nested(40), 40},
		{"siblings count once", `{ a: node { id } b: node { child { id } } }`, 3},
		{
			"fragments add no depth of their own",
			`{ node { ...F } } fragment F on Node { child { ...G } } fragment G on Node { child { id } }`, 4,
		},
		{"inline fragments add no depth", `{ node { ... on Node { child { ... on Node { id } } } } }`, 3},
		{"introspection is not counted", `{ __schema { types { fields { type { ofType { ofType { name } } } } } } node { id } }`, 2},
		{"__typename is not counted", `{ node { child { __typename } } }`, 2},
		{
			"a chain of fragments adds up",
			`{ node { ...C } } fragment C on Node { child { ...D } } fragment D on Node { child { child { id } } }`, 5,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(depthSchema, tc.query)
			require.Empty(t, errs)
			op := doc.Operations[0]
			require.Equal(t, tc.depth, selectionDepth(op.SelectionSet, 0, map[string]bool{}, doc))

			gqlErr := depthLimit{max: 12}.MutateOperationContext(context.Background(), &graphql.OperationContext{Doc: doc, Operation: op})
			if tc.depth <= 12 {
				require.Nil(t, gqlErr)
				return
			}
			require.NotNil(t, gqlErr)
			require.Equal(t, "BAD_USER_INPUT", gqlErr.Extensions["code"])
			require.Equal(t, "query", gqlErr.Extensions["field"])
			require.Contains(t, gqlErr.Message, "the limit is 12")
		})
	}
}

func TestNewAppliesDefaultLimits(t *testing.T) {
	t.Parallel()
	s, err := New(Config{AsynqRedis: asynq.RedisClientOpt{Addr: "127.0.0.1:1"}}, Deps{Registry: prometheus.NewRegistry()})
	require.NoError(t, err)
	require.Equal(t, 12, s.cfg.MaxDepth)
	require.Equal(t, 500, s.cfg.MaxComplexity)
	require.Equal(t, DefaultGuardLimits.MaxAliases, s.cfg.Limits.MaxAliases)
	require.False(t, s.cfg.Limits.Introspection, "introspection is off unless configured")
	require.Equal(t, int64(1<<20), s.cfg.MaxBodyBytes)
	// Without an operation (a request refused earlier) the extension has nothing to judge.
	require.Nil(t, depthLimit{max: 12}.MutateOperationContext(context.Background(), &graphql.OperationContext{}))
}
