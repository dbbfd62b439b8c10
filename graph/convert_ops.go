package graph

import (
	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/notify"
	"github.com/accesshive/accesshive/internal/page"
)

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

func toNotification(n *notify.Notification) *model.Notification {
	m := &model.Notification{ID: n.ID.String(), Kind: n.Kind, Title: n.Title, Body: n.Body, ReadAt: n.ReadAt, CreatedAt: n.CreatedAt}
	if n.Data != nil {
		m.Data = mustJSON(n.Data)
	}
	return m
}

func toNotificationConnection(r page.Result[notify.Notification], unread int) *model.NotificationConnection {
	nodes, edges, info := connection(r, toNotification, func(c string, n *model.Notification) *model.NotificationEdge {
		return &model.NotificationEdge{Cursor: c, Node: n}
	})
	return &model.NotificationConnection{Nodes: nodes, Edges: edges, PageInfo: info, TotalCount: r.TotalCount, UnreadCount: unread}
}

func toAuditEvent(e *audit.Event) *model.AuditEvent {
	return &model.AuditEvent{ID: e.ID.String(), Kind: e.Kind, ActorUserID: idPtr(e.ActorUserID), TargetType: e.TargetType,
		TargetID: idPtr(e.TargetID), IP: strPtr(e.IP), UserAgent: strPtr(e.UserAgent), Data: model.JSON(e.Data), CreatedAt: e.CreatedAt}
}

func toAuditEventConnection(r page.Result[audit.Event]) *model.AuditEventConnection {
	nodes, edges, info := connection(r, toAuditEvent, func(c string, n *model.AuditEvent) *model.AuditEventEdge {
		return &model.AuditEventEdge{Cursor: c, Node: n}
	})
	return &model.AuditEventConnection{Nodes: nodes, Edges: edges, PageInfo: info, TotalCount: r.TotalCount}
}
