package graph

import (
	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/page"
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
