package graph

import (
	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/page"
)

func toClient(c *agency.Client) *model.Client {
	return &model.Client{ID: c.ID.String(), Name: c.Name, CreatedAt: c.CreatedAt, ArchivedAt: c.ArchivedAt}
}

func toClientConnection(r page.Result[agency.Client]) *model.ClientConnection {
	nodes, edges, info := connection(r, toClient, func(c string, n *model.Client) *model.ClientEdge { return &model.ClientEdge{Cursor: c, Node: n} })
	return &model.ClientConnection{Nodes: nodes, Edges: edges, PageInfo: info, TotalCount: r.TotalCount}
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

func toAgency(a *agency.Agency) *model.Agency { return &model.Agency{ID: a.ID.String(), Name: a.Name} }

func toSettings(st *agency.Settings) *model.AgencySettings {
	return &model.AgencySettings{AccessRequestExpiryHours: st.AccessRequestExpiryHours, NamingTemplate: st.NamingTemplate}
}
