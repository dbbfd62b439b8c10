package graph

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/page"
)

// connection turns a domain page into a GraphQL connection's nodes, edges and page info.
func connection[T, N, E any](r page.Result[T], conv func(*T) N, edge func(cursor string, node N) E) ([]N, []E, *model.PageInfo) {
	nodes := make([]N, len(r.Items))
	edges := make([]E, len(r.Items))
	for i := range r.Items {
		nodes[i] = conv(&r.Items[i])
		edges[i] = edge(r.Cursors[i], nodes[i])
	}
	return nodes, edges, pageInfo(r.HasNextPage, r.Cursors)
}

func pageInfo(hasNext bool, cursors []string) *model.PageInfo {
	p := &model.PageInfo{HasNextPage: hasNext}
	if len(cursors) > 0 {
		c := cursors[len(cursors)-1]
		p.EndCursor = &c
	}
	return p
}

// mapSlice converts every element of a domain slice.
func mapSlice[T, M any](items []T, conv func(*T) M) []M {
	out := make([]M, len(items))
	for i := range items {
		out[i] = conv(&items[i])
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// strPtr is nil for "" (not set, not known, or not for this caller to see).
func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func idPtr(id *uuid.UUID) *string {
	if id == nil || *id == uuid.Nil {
		return nil
	}
	s := id.String()
	return &s
}

func uuidStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// mustJSON encodes v as the JSON scalar, or nil when it does not encode.
func mustJSON(v any) model.JSON {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return model.JSON(b)
}
