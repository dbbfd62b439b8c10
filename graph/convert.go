package graph

import (
	"time"

	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/page"
	"github.com/accesshive/accesshive/internal/reveal"
)

func toUser(u *auth.User) *model.User {
	m := &model.User{
		ID: u.ID.String(), Email: u.Email, Name: u.Name, Role: model.Role(u.Role),
		CreatedAt: u.CreatedAt, AgencyID: u.AgencyID.String(),
	}
	if u.ClientID != nil {
		m.ClientID = u.ClientID.String()
	}
	return m
}

func toClient(c *agency.Client) *model.Client {
	return &model.Client{ID: c.ID.String(), Name: c.Name, CreatedAt: c.CreatedAt, ArchivedAt: c.ArchivedAt}
}

func toClientConnection(r page.Result[agency.Client]) *model.ClientConnection {
	nodes, edges, info := connection(r, toClient, func(c string, n *model.Client) *model.ClientEdge { return &model.ClientEdge{Cursor: c, Node: n} })
	return &model.ClientConnection{Nodes: nodes, Edges: edges, PageInfo: info, TotalCount: r.TotalCount}
}

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

// mapSlice converts every element of a domain slice.
func mapSlice[T, M any](items []T, conv func(*T) M) []M {
	out := make([]M, len(items))
	for i := range items {
		out[i] = conv(&items[i])
	}
	return out
}

func toPlatform(p *agency.Platform) *model.Platform {
	m := &model.Platform{Key: model.PlatformKey(p.Key), Name: p.Name}
	if c := p.Connection; c != nil {
		m.Connection = &model.PlatformConnection{State: model.ConnectionState(c.State), LastCheckedAt: c.LastCheckedAt, UpdatedAt: c.UpdatedAt}
		if c.LastError != "" {
			e := c.LastError
			m.Connection.LastError = &e
		}
	}
	return m
}

func toJob(r *job.Record) *model.Job {
	m := &model.Job{
		ID: r.ID.String(), Type: model.JobType(r.Type), Status: model.JobStatus(r.Status),
		Attempts: r.Attempts, MaxAttempts: r.MaxAttempts, QueuedAt: r.QueuedAt,
		StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
		Input: model.JSON(r.Input), Result: model.JSON(r.Result), Progress: model.JSON(r.Progress),
	}
	if r.Error != "" {
		// Records written before job.Fail removed addresses are cleaned here too.
		e := job.PublicError(r.Error)
		m.Error = &e
	}
	return m
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func platformKey(p *model.PlatformKey) string {
	if p == nil {
		return ""
	}
	return string(*p)
}

func toIdentity(i *identity.Identity) *model.Identity {
	m := &model.Identity{
		ID: i.ID.String(), Scope: model.IdentityScope(i.Scope), Type: model.IdentityType(i.Type),
		DisplayName: i.DisplayName, Email: i.Email, ProvisioningState: model.ProvisioningState(i.State),
		LastError: strPtr(i.LastError), LoginURL: strPtr(i.LoginURL), Notes: strPtr(i.Notes),
		TokenExpiresAt: i.TokenExpiresAt, Origin: i.Origin, CredentialsRotatedAt: i.CredentialsRotatedAt,
		CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt, StateChangedAt: i.StateChangedAt, PlatformKey: i.Platform(),
		ProviderStatuses: []*model.ProviderStatus{},
	}
	if i.ClientID != nil {
		m.ClientID = i.ClientID.String()
	}
	for _, ps := range i.ProviderStatuses {
		m.ProviderStatuses = append(m.ProviderStatuses, &model.ProviderStatus{Provider: ps.Provider, Status: ps.Status, LastError: strPtr(ps.LastError), UpdatedAt: ps.UpdatedAt})
	}
	return m
}

func toIdentityConnection(r page.Result[identity.Identity]) *model.IdentityConnection {
	nodes, edges, info := connection(r, toIdentity, func(c string, n *model.Identity) *model.IdentityEdge { return &model.IdentityEdge{Cursor: c, Node: n} })
	return &model.IdentityConnection{Nodes: nodes, Edges: edges, PageInfo: info, TotalCount: r.TotalCount}
}

func toReveal(sh *reveal.Shown, now time.Time) *model.CredentialReveal {
	m := &model.CredentialReveal{
		ID: sh.ID.String(), IdentityID: sh.IdentityID.String(), ExpiresAt: sh.ExpiresAt,
		SecondsRemaining: sh.SecondsRemaining(now), Fields: []*model.CredentialField{}, TotpCode: strPtr(sh.TOTPCode),
	}
	for _, f := range sh.Fields {
		m.Fields = append(m.Fields, &model.CredentialField{Name: f.Name, Value: f.Value})
	}
	return m
}
