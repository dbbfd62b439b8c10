package graph

import (
	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/page"
)

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

func toSource(s *gws.Source) *model.IdentitySource {
	return &model.IdentitySource{
		ID: s.ID.String(), Kind: s.Kind, State: model.IdentitySourceState(s.State), Domain: s.Domain,
		CustomerID: s.CustomerID, AdminSubject: s.AdminSubject, ManagedOu: s.ManagedOU,
		ServiceAccountEmail: strPtr(s.ServiceAccountEmail), KeyConfigured: s.KeyConfigured,
		LastCheckAt: s.LastCheckAt, LastSyncAt: s.LastSyncAt, LastError: strPtr(s.LastError),
	}
}

func toReport(r *gws.Report) *model.DirectorySyncReport {
	m := &model.DirectorySyncReport{
		ID: r.ID.String(), SourceID: r.SourceID.String(), JobID: idPtr(r.JobID), StartedAt: r.StartedAt,
		FinishedAt: r.FinishedAt, Pages: r.Pages, UsersSeen: r.UsersSeen, Expected: r.Expected,
		Truncated: r.Truncated, RepairedAt: r.RepairedAt,
		Mismatches: []*model.DirectoryMismatch{}, Repairs: []*model.RepairAction{},
	}
	for _, mm := range r.Mismatches {
		m.Mismatches = append(m.Mismatches, &model.DirectoryMismatch{Kind: model.MismatchKind(mm.Kind), Email: mm.Email, IdentityID: idPtr(mm.IdentityID), Detail: mm.Detail})
	}
	for _, a := range r.Repair {
		m.Repairs = append(m.Repairs, &model.RepairAction{Kind: model.MismatchKind(a.Kind), Email: a.Email, IdentityID: idPtr(a.IdentityID), Action: a.Action, Detail: strPtr(a.Detail), JobID: idPtr(a.JobID)})
	}
	return m
}
