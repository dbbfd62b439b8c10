package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
)

func opContext(kind ast.Operation) context.Context {
	return graphql.WithOperationContext(context.Background(), &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: kind}})
}

// The answer size and execution time limits cannot be reached by AccessHive's own small schema
// within a test's budget, so the guard's interceptor is driven directly.
func TestGuardBoundsAnswerSizeAndTime(t *testing.T) {
	t.Parallel()
	g := &guard{limits: GuardLimits{MaxResponseBytes: 1000, OperationTimeout: 20 * time.Millisecond}.withDefaults()}

	big := g.InterceptResponse(opContext(ast.Query), func(context.Context) *graphql.Response {
		return &graphql.Response{Data: []byte(`{"x":"` + strings.Repeat("a", 2000) + `"}`)}
	})
	require.Equal(t, "null", string(big.Data))
	require.Equal(t, CodeOperationLimit, big.Errors[0].Extensions["code"])

	small := g.InterceptResponse(opContext(ast.Query), func(context.Context) *graphql.Response {
		return &graphql.Response{Data: []byte(`{"x":1}`)}
	})
	require.Empty(t, small.Errors)

	// A resolver that runs until its context ends is stopped, and the answer says why.
	slow := g.InterceptResponse(opContext(ast.Query), func(ctx context.Context) *graphql.Response {
		<-ctx.Done()
		return &graphql.Response{Data: []byte(`{"x":null}`)}
	})
	require.Equal(t, CodeTimeout, slow.Errors[0].Extensions["code"])

	// A subscription lives as long as its socket: no time bound.
	sub := g.InterceptResponse(opContext(ast.Subscription), func(ctx context.Context) *graphql.Response {
		_, has := ctx.Deadline()
		require.False(t, has)
		return &graphql.Response{Data: []byte(`{}`)}
	})
	require.Empty(t, sub.Errors)
}

func TestParseOriginIsStrict(t *testing.T) {
	t.Parallel()
	for origin, want := range map[string]string{
		"http://app.test":            "http://app.test",
		"https://APP.test:8443":      "https://app.test:8443",
		"http://evil@app.test":       "",
		"http://app.test@evil.test":  "",
		"http://app.test/":           "",
		"http://app.test?x":          "",
		"http://app.test#x":          "",
		"javascript://app.test":      "",
		"null":                       "",
		"http://app.test:99999":      "",
		"http://app.test\\@evil.com": "",
	} {
		got, ok := parseOrigin(origin)
		require.Equal(t, want != "", ok, origin)
		require.Equal(t, want, got, origin)
	}
}

func TestMetricLabelsAreBounded(t *testing.T) {
	t.Parallel()
	require.Equal(t, "POST", methodLabel("POST"))
	require.Equal(t, "OTHER", methodLabel("INVENTED"))
	require.Equal(t, "other", codeLabel(1000))
}
