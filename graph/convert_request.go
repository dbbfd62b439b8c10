package graph

import (
	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/page"
	"github.com/accesshive/accesshive/internal/request"
)

func toAccessRequest(r *request.Request) *model.AccessRequest {
	m := &model.AccessRequest{
		ID: r.ID.String(), Status: model.AccessRequestStatus(r.Status), IdentityType: model.IdentityType(r.IdentityType),
		RoleTemplateID: idPtr(r.RoleTemplateID), Justification: r.Justification, Reason: r.Reason,
		Requester: &model.RequestUser{ID: r.RequesterID.String(), Name: r.RequesterName},
		CreatedAt: r.CreatedAt, DecidedAt: r.DecidedAt, ExpiresAt: r.ExpiresAt,
		ClientID: r.ClientID.String(), PlatformKey: r.PlatformKey,
	}
	if r.IdentityID != nil {
		m.Identity = &model.RequestIdentity{ID: r.IdentityID.String(), LastError: strPtr(r.IdentityLastError)}
		if r.IdentityState != nil {
			st := model.ProvisioningState(*r.IdentityState)
			m.Identity.ProvisioningState = &st
		}
	}
	return m
}

func toAccessRequestConnection(r page.Result[request.Request]) *model.AccessRequestConnection {
	nodes, edges, info := connection(r, toAccessRequest, func(c string, n *model.AccessRequest) *model.AccessRequestEdge {
		return &model.AccessRequestEdge{Cursor: c, Node: n}
	})
	return &model.AccessRequestConnection{Nodes: nodes, Edges: edges, PageInfo: info, TotalCount: r.TotalCount}
}

func toRoleTemplate(t *request.RoleTemplate) *model.RoleTemplate {
	return &model.RoleTemplate{ID: t.ID.String(), Name: t.Name, IdentityType: model.IdentityType(t.IdentityType),
		DefaultJustification: t.DefaultJustification, CreatedAt: t.CreatedAt, PlatformKey: t.PlatformKey}
}
