package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/config"
	"github.com/accesshive/accesshive/internal/fault"
)

// AnonymousMutations are the only root fields an operation without a session may select: every
// other operation, queries and introspection included, is refused with UNAUTHENTICATED before
// it is validated or executed. Each of them either opens or ends a session, or carries its own
// single-use token in its arguments (the password-setup and email-change links), so none of
// them reads anything an outsider could not already ask for.
var AnonymousMutations = map[string]bool{
	"login":                 true,
	"logout":                true,
	"completePasswordSetup": true,
	"confirmEmailChange":    true,
}

// SecretQueryFields are root query fields whose answer carries a secret. They are never served
// over GET, whose URLs end up in browser history, proxy logs and Referer headers.
var SecretQueryFields = map[string]bool{
	"credentialReveal": true,
}

// anonymousTokenLimit bounds the document an anonymous caller may send: a login with its
// selection of the user fits well inside it, and a larger document is refused after reading
// this many tokens rather than after parsing and validating all of it.
const anonymousTokenLimit = 1000

// GuardLimits bound one GraphQL operation; zero fields take DefaultGuardLimits' values.
type GuardLimits struct {
	// Introspection allows __schema and __type selections (dev and tests; off in production).
	Introspection bool
	// MaxComplexity bounds gqlgen's complexity of the operation plus one per selected
	// introspection field (gqlgen's own count skips them).
	MaxComplexity int
	// MaxAliases bounds the aliased fields of an operation, fragments expanded.
	MaxAliases int
	// MaxRootFields bounds the root fields of an operation, fragments expanded.
	MaxRootFields int
	// MaxResponseBytes bounds the data of one response; a larger one is replaced by an error.
	MaxResponseBytes int
	// OperationTimeout bounds a query's or mutation's execution (not a subscription's life).
	OperationTimeout time.Duration
	// MaxTokens bounds a document's tokens for a caller with a session.
	MaxTokens int
}

// DefaultGuardLimits are the limits used for zero fields.
var DefaultGuardLimits = GuardLimits{
	MaxComplexity:    500,
	MaxAliases:       30,
	MaxRootFields:    15,
	MaxResponseBytes: 4 << 20,
	OperationTimeout: 20 * time.Second,
	MaxTokens:        10000,
}

func (l GuardLimits) withDefaults() GuardLimits {
	return config.WithDefaults(l, DefaultGuardLimits)
}

// Error codes of the guard, beside the domain codes of internal/fault.
const (
	// CodeOperationLimit refuses an operation over one of the limits (aliases, root fields,
	// complexity, response size, a second login).
	CodeOperationLimit = "OPERATION_LIMIT"
	// CodeIntrospectionDisabled refuses __schema and __type where introspection is off.
	CodeIntrospectionDisabled = "INTROSPECTION_DISABLED"
	// CodeTimeout replaces the answer of an operation that ran past its time.
	CodeTimeout = "TIMEOUT"
	// CodeMethodNotAllowed refuses a mutation or a secret over GET.
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"
)

func init() {
	// gqlgen's GET transport answers request errors of the protocol kind with a 4xx status.
	for _, c := range []string{CodeOperationLimit, CodeIntrospectionDisabled, CodeMethodNotAllowed} {
		errcode.RegisterErrorType(c, errcode.KindProtocol)
	}
}

// guard is the gqlgen extension that enforces AnonymousMutations and GuardLimits.
type guard struct {
	es     graphql.ExecutableSchema
	limits GuardLimits
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = (*guard)(nil)

func (g *guard) ExtensionName() string { return "Guard" }

func (g *guard) Validate(es graphql.ExecutableSchema) error {
	g.es = es
	return nil
}

func guardError(code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

func unauthenticated() *gqlerror.Error {
	return guardError(string(fault.CodeUnauthenticated), "a login session is required")
}

// MutateOperationParameters refuses, before the document is validated, every operation of a
// caller without a session but a mutation of AnonymousMutations. The document is parsed here
// with a small token limit, so a large anonymous document costs no more than that.
func (g *guard) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if _, ok := auth.ActorFrom(ctx); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, anonymousTokenLimit)
	if err != nil {
		var ge *gqlerror.Error
		if errors.As(err, &ge) && isTokenLimit(ge) {
			return unauthenticated()
		}
		// A small document with a syntax error: gqlgen reports it as a parse error.
		return nil
	}
	op := doc.Operations.ForName(p.OperationName)
	if op == nil {
		return nil // gqlgen answers "operation not found"
	}
	if op.Operation != ast.Mutation {
		return unauthenticated()
	}
	allowed := true
	walkRoot(op.SelectionSet, doc, map[string]bool{}, func(f *ast.Field) {
		if f.Name != "__typename" && !AnonymousMutations[f.Name] {
			allowed = false
		}
	})
	if !allowed {
		return unauthenticated()
	}
	return nil
}

func isTokenLimit(ge *gqlerror.Error) bool {
	return strings.Contains(ge.Message, "exceeded token limit")
}

// walkRoot calls fn for each root field of set, through fragments (a spread seen before is
// skipped: validation refuses cycles, this only never loops).
func walkRoot(set ast.SelectionSet, doc *ast.QueryDocument, seen map[string]bool, fn func(*ast.Field)) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			fn(sel)
		case *ast.InlineFragment:
			walkRoot(sel.SelectionSet, doc, seen, fn)
		case *ast.FragmentSpread:
			if seen[sel.Name] {
				continue
			}
			seen[sel.Name] = true
			if f := doc.Fragments.ForName(sel.Name); f != nil {
				walkRoot(f.SelectionSet, doc, seen, fn)
			}
		}
	}
}

// selectionStats counts what the limits look at, fragments expanded as execution would. The
// walk stops counting once stop reports true, so that a document of fragments that multiply
// each other costs no more than the limits it breaks.
type selectionStats struct {
	fields, aliases, introspection int
	stop                           func(*selectionStats) bool
}

func (st *selectionStats) walk(set ast.SelectionSet, doc *ast.QueryDocument, inIntrospection bool, depth int) {
	if depth > 64 || st.stop(st) {
		return
	}
	for _, sel := range set {
		if st.stop(st) {
			return
		}
		switch sel := sel.(type) {
		case *ast.Field:
			st.fields++
			if sel.Alias != "" && sel.Alias != sel.Name {
				st.aliases++
			}
			intro := inIntrospection || sel.Name == "__schema" || sel.Name == "__type"
			if intro {
				st.introspection++
			}
			st.walk(sel.SelectionSet, doc, intro, depth+1)
		case *ast.InlineFragment:
			st.walk(sel.SelectionSet, doc, inIntrospection, depth+1)
		case *ast.FragmentSpread:
			if f := doc.Fragments.ForName(sel.Name); f != nil {
				st.walk(f.SelectionSet, doc, inIntrospection, depth+1)
			}
		}
	}
}

// MutateOperationContext applies the limits to a validated operation of a caller with a
// session (or an anonymous one that passed MutateOperationParameters), before it executes.
func (g *guard) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Operation
	if op == nil {
		return nil
	}
	roots, logins := 0, 0
	secret := false
	walkRoot(op.SelectionSet, oc.Doc, map[string]bool{}, func(f *ast.Field) {
		roots++
		if f.Name == "login" && op.Operation == ast.Mutation {
			logins++
		}
		if op.Operation == ast.Query && SecretQueryFields[f.Name] {
			secret = true
		}
	})
	if isGET(ctx) && (op.Operation != ast.Query || secret) {
		return guardError(CodeMethodNotAllowed, "mutations and credential reveals are served over POST only")
	}
	if logins > 1 {
		return guardError(CodeOperationLimit, "one request may carry one login")
	}
	if roots > g.limits.MaxRootFields {
		return guardError(CodeOperationLimit, fmt.Sprintf("the operation selects %d root fields; the limit is %d", roots, g.limits.MaxRootFields))
	}
	st := &selectionStats{stop: func(s *selectionStats) bool {
		return s.aliases > g.limits.MaxAliases || s.fields+s.introspection > 4*g.limits.MaxComplexity ||
			(!g.limits.Introspection && s.introspection > 0)
	}}
	st.walk(op.SelectionSet, oc.Doc, false, 0)
	if !g.limits.Introspection && st.introspection > 0 {
		return guardError(CodeIntrospectionDisabled, "introspection is disabled on this server")
	}
	if st.aliases > g.limits.MaxAliases {
		return guardError(CodeOperationLimit, fmt.Sprintf("the operation has more than %d aliased fields", g.limits.MaxAliases))
	}
	if st.fields+st.introspection > 4*g.limits.MaxComplexity {
		return guardError(CodeOperationLimit, fmt.Sprintf("the operation is more complex than the limit of %d", g.limits.MaxComplexity))
	}
	// gqlgen's complexity skips introspection fields: they count one each here.
	if c := complexity.Calculate(ctx, g.es, op, oc.Variables) + st.introspection; c > g.limits.MaxComplexity {
		return guardError(CodeOperationLimit, fmt.Sprintf("the operation has complexity %d; the limit is %d", c, g.limits.MaxComplexity))
	}
	return nil
}

// InterceptResponse bounds a query's or mutation's execution time and the size of its answer.
func (g *guard) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	ctx, cancel := context.WithTimeout(ctx, g.limits.OperationTimeout)
	defer cancel()
	resp := next(ctx)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		e := guardError(CodeTimeout, fmt.Sprintf("the operation ran longer than %s and was stopped", g.limits.OperationTimeout))
		if oc.Operation.Operation == ast.Query {
			return &graphql.Response{Data: []byte("null"), Errors: gqlerror.List{e}}
		}
		// A mutation's earlier root fields may have committed: keep what they answered.
		if resp == nil {
			resp = &graphql.Response{Data: []byte("null")}
		}
		resp.Errors = append(resp.Errors, e)
		return resp
	}
	if resp != nil && len(resp.Data) > g.limits.MaxResponseBytes {
		return &graphql.Response{Data: []byte("null"), Errors: gqlerror.List{guardError(CodeOperationLimit,
			fmt.Sprintf("the answer is larger than %d bytes; ask for fewer fields or a smaller page", g.limits.MaxResponseBytes))}}
	}
	return resp
}

type getKey struct{}

// markGET records that the request came over GET, for the guard. A websocket upgrade is a GET
// too, but its operations travel in messages, not in URLs.
func markGET(r *http.Request) *http.Request {
	if r.Method != http.MethodGet || strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), getKey{}, true))
}

func isGET(ctx context.Context) bool {
	v, _ := ctx.Value(getKey{}).(bool)
	return v
}
