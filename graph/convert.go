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
	return &model.Client{ID: c.ID.String(), Name: c.Name, CreatedAt: c.CreatedAt}
}

func toClientConnection(r page.Result[agency.Client]) *model.ClientConnection {
	conn := &model.ClientConnection{PageInfo: &model.PageInfo{HasNextPage: r.HasNextPage}, TotalCount: r.TotalCount}
	for i := range r.Items {
		n := toClient(&r.Items[i])
		conn.Nodes = append(conn.Nodes, n)
		conn.Edges = append(conn.Edges, &model.ClientEdge{Cursor: r.Cursors[i], Node: n})
	}
	conn.Nodes = nonNil(conn.Nodes)
	conn.Edges = nonNil(conn.Edges)
	if len(r.Cursors) > 0 {
		c := r.Cursors[len(r.Cursors)-1]
		conn.PageInfo.EndCursor = &c
	}
	return conn
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
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
		e := r.Error
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
		CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt, PlatformKey: i.Platform(),
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
	conn := &model.IdentityConnection{PageInfo: &model.PageInfo{HasNextPage: r.HasNextPage}, TotalCount: r.TotalCount,
		Nodes: []*model.Identity{}, Edges: []*model.IdentityEdge{}}
	for i := range r.Items {
		n := toIdentity(&r.Items[i])
		conn.Nodes = append(conn.Nodes, n)
		conn.Edges = append(conn.Edges, &model.IdentityEdge{Cursor: r.Cursors[i], Node: n})
	}
	if len(r.Cursors) > 0 {
		c := r.Cursors[len(r.Cursors)-1]
		conn.PageInfo.EndCursor = &c
	}
	return conn
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
