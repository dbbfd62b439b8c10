package graph

import (
	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/auth"
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

func toUserConnection(r page.Result[auth.User]) *model.UserConnection {
	nodes, edges, info := connection(r, toUser, func(c string, n *model.User) *model.UserEdge { return &model.UserEdge{Cursor: c, Node: n} })
	return &model.UserConnection{Nodes: nodes, Edges: edges, PageInfo: info, TotalCount: r.TotalCount}
}

// toCapabilities answers `can` from the role table in internal/auth, so the console never
// keeps its own copy of who may do what.
func toCapabilities(role auth.Role) *model.Capabilities {
	return &model.Capabilities{
		ReadAgency:           role.Can(auth.ActionReadAgency),
		ReadOps:              role.Can(auth.ActionReadOps),
		Manage:               role.Can(auth.ActionManage),
		DecideRequests:       role.Can(auth.ActionDecideRequests),
		SubmitRequest:        role.Can(auth.ActionSubmitRequest),
		RevealAgencyIdentity: role.Can(auth.ActionRevealAgencyIdentity),
		RevealClientIdentity: role.Can(auth.ActionRevealClientIdentity),
		ChangeSettings:       role.Can(auth.ActionChangeSettings),
		ViewQueues:           role.Can(auth.ActionViewQueues),
	}
}
