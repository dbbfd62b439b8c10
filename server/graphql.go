package server

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
)

// graphqlHandler is deps.GraphQL with the transports (HTTP and websocket) and the guards of an
// operation (session, limits, depth, metrics) added.
func (s *Server) graphqlHandler() *handler.Server {
	h := s.deps.GraphQL
	h.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 10 * time.Second,
		Implementation: transport.CoderWebsocketImplementation{
			AcceptOptions: websocket.AcceptOptions{OriginPatterns: s.originHosts()},
		},
		// The session cookie authenticated the upgrade request; without a session the
		// connection is refused at connection_init. The connection then lives only as long as
		// its session: watchSession closes it once the session is revoked or times out.
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			if _, ok := auth.ActorFrom(ctx); !ok {
				// 4401 "Unauthorized", as graphql-transport-ws clients expect, with the reason.
				ctx = transport.WithWebsocketCloseCode(ctx, 4401)
				ctx = transport.AppendCloseReason(ctx, "a login session is required")
				return ctx, nil, fault.Unauthenticated("a login session is required")
			}
			return s.watchSession(ctx), &p, nil
		},
	})
	h.AddTransport(transport.Options{})
	h.AddTransport(transport.GET{})
	h.AddTransport(postTransport{})
	// A document larger than this is refused while it is parsed; anonymous callers get far
	// less (see guard).
	h.SetParserTokenLimit(s.cfg.Limits.MaxTokens)
	if s.cfg.Limits.Introspection {
		h.Use(extension.Introspection{})
	}
	h.Use(socketCheck{s})
	h.Use(&guard{limits: s.cfg.Limits})
	h.Use(depthLimit{max: s.cfg.MaxDepth})
	h.Use(s.metrics.graphqlExtension())
	return h
}

// depthLimit refuses operations nested deeper than max fields (introspection fields, which
// tools nest deeply, are not counted).
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (d depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (d depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, 0, map[string]bool{}, oc.Doc); depth > d.max {
		err := gqlerror.Errorf("query is nested %d levels deep; the limit is %d", depth, d.max)
		err.Extensions = map[string]any{"code": "BAD_USER_INPUT", "field": "query"}
		return err
	}
	return nil
}

func selectionDepth(set ast.SelectionSet, depth int, seen map[string]bool, doc *ast.QueryDocument) int {
	max := depth
	for _, sel := range set {
		var d int
		switch sel := sel.(type) {
		case *ast.Field:
			if len(sel.Name) > 1 && sel.Name[:2] == "__" {
				continue
			}
			d = selectionDepth(sel.SelectionSet, depth+1, seen, doc)
		case *ast.InlineFragment:
			d = selectionDepth(sel.SelectionSet, depth, seen, doc)
		case *ast.FragmentSpread:
			if seen[sel.Name] {
				continue // cycles are refused by validation; never loop here
			}
			seen[sel.Name] = true
			if f := doc.Fragments.ForName(sel.Name); f != nil {
				d = selectionDepth(f.SelectionSet, depth, seen, doc)
			}
			delete(seen, sel.Name)
		}
		if d > max {
			max = d
		}
	}
	return max
}
