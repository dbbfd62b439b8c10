package graph

import (
	"github.com/google/uuid"

	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/notify"
	"github.com/accesshive/accesshive/internal/page"
	"github.com/accesshive/accesshive/internal/request"
	"github.com/accesshive/accesshive/internal/reveal"
)

func idPtr(id *uuid.UUID) *string {
	if id == nil || *id == uuid.Nil {
		return nil
	}
	s := id.String()
	return &s
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

func pageInfo(hasNext bool, cursors []string) *model.PageInfo {
	p := &model.PageInfo{HasNextPage: hasNext}
	if len(cursors) > 0 {
		c := cursors[len(cursors)-1]
		p.EndCursor = &c
	}
	return p
}

func toRoleTemplate(t *request.RoleTemplate) *model.RoleTemplate {
	return &model.RoleTemplate{ID: t.ID.String(), Name: t.Name, IdentityType: model.IdentityType(t.IdentityType),
		DefaultJustification: t.DefaultJustification, CreatedAt: t.CreatedAt, PlatformKey: t.PlatformKey}
}

func toNotification(n *notify.Notification) *model.Notification {
	m := &model.Notification{ID: n.ID.String(), Kind: n.Kind, Title: n.Title, Body: n.Body, ReadAt: n.ReadAt, CreatedAt: n.CreatedAt}
	if n.Data != nil {
		m.Data = mustJSON(n.Data)
	}
	return m
}

func toAuditEvent(e *audit.Event) *model.AuditEvent {
	return &model.AuditEvent{ID: e.ID.String(), Kind: e.Kind, ActorUserID: idPtr(e.ActorUserID), TargetType: e.TargetType,
		TargetID: idPtr(e.TargetID), IP: nonEmpty(e.IP), UserAgent: nonEmpty(e.UserAgent), Data: model.JSON(e.Data), CreatedAt: e.CreatedAt}
}

func toLedgerEntry(e *reveal.LedgerEntry) *model.RevealLedgerEntry {
	return &model.RevealLedgerEntry{UserID: e.UserID.String(), Name: e.Name, Email: e.Email, Role: model.Role(e.Role),
		DeactivatedAt: e.DeactivatedAt, Count: e.Count, FirstRevealAt: e.FirstRevealAt, LastRevealAt: e.LastRevealAt}
}

func toRevealed(e *reveal.SeenEntry) *model.RevealedIdentity {
	return &model.RevealedIdentity{IdentityID: e.IdentityID.String(), DisplayName: e.DisplayName, Type: model.IdentityType(e.Type),
		ProvisioningState: model.ProvisioningState(e.State), Count: e.Count, LastRevealAt: e.LastRevealAt,
		RotatedAt: e.RotatedAt, RotatedSince: e.RotatedSince}
}

func toOffer(items []reveal.OfferItem) []*model.RotationOfferItem {
	out := []*model.RotationOfferItem{}
	for i := range items {
		it := &items[i]
		out = append(out, &model.RotationOfferItem{IdentityID: it.IdentityID.String(), DisplayName: it.DisplayName,
			Type: model.IdentityType(it.Type), LastRevealAt: it.LastRevealAt, Automatic: it.Automatic, PendingJobID: idPtr(it.PendingJobID)})
	}
	return out
}

func toUserConnection(r page.Result[auth.User]) *model.UserConnection {
	nodes, edges, info := connection(r, toUser, func(c string, n *model.User) *model.UserEdge { return &model.UserEdge{Cursor: c, Node: n} })
	return &model.UserConnection{Nodes: nodes, Edges: edges, PageInfo: info, TotalCount: r.TotalCount}
}

func toNotificationConnection(r page.Result[notify.Notification], unread int) *model.NotificationConnection {
	nodes, edges, info := connection(r, toNotification, func(c string, n *model.Notification) *model.NotificationEdge {
		return &model.NotificationEdge{Cursor: c, Node: n}
	})
	return &model.NotificationConnection{Nodes: nodes, Edges: edges, PageInfo: info, TotalCount: r.TotalCount, UnreadCount: unread}
}

func toAuditEventConnection(r page.Result[audit.Event]) *model.AuditEventConnection {
	nodes, edges, info := connection(r, toAuditEvent, func(c string, n *model.AuditEvent) *model.AuditEventEdge {
		return &model.AuditEventEdge{Cursor: c, Node: n}
	})
	return &model.AuditEventConnection{Nodes: nodes, Edges: edges, PageInfo: info, TotalCount: r.TotalCount}
}

func uuidStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// nonEmpty is nil for "" (not known, or not for this caller to see).
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
