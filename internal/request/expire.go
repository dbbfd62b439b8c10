package request

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/notify"
	"github.com/accesshive/accesshive/internal/tenant"
)

// expiryBatch is how many requests one transaction of ExpireDue handles.
const expiryBatch = 100

// reminderWindowSQL is how long before its expiry a pending request's deciders are reminded:
// 24 hours, or a tenth of the request's own window when that is shorter (a 1-hour window is
// reminded 6 minutes before). It is computed from the request, so a later change of the
// agency's setting does not move it.
const reminderWindowSQL = "LEAST(interval '24 hours', (ar.expires_at - ar.created_at) / 10)"

// ExpiryResult is what an EXPIRE_ACCESS_REQUESTS job records.
type ExpiryResult struct {
	Expired  int `json:"expired"`
	Reminded int `json:"reminded"`
}

// expire moves a locked PENDING request to EXPIRED inside tx and notifies its requester.
func (s *Service) expire(ctx context.Context, tx bun.IDB, r *Request) error {
	_, err := s.apply(ctx, tx, r, step{
		to: StatusExpired, kind: KindExpired, data: map[string]any{"expiresAt": r.ExpiresAt},
		note: func(view *Request) notify.Notification {
			return notify.Notification{
				Kind:  NoteExpired,
				Title: fmt.Sprintf("Your access request for %s expired", view.PlatformName),
				Body: fmt.Sprintf("Nobody decided on your request for access to %s (identity type %s) before it expired at %s. You may submit a new request.",
					view.PlatformName, view.IdentityType, view.ExpiresAt.Format(time.RFC1123)),
			}
		},
	})
	return err
}

// ExpireDue runs the expiry schedule for one agency, or for every agency when agencyID is
// uuid.Nil: PENDING requests past their expiry become EXPIRED and their requesters are
// notified; PENDING requests entering their reminder window (24 hours before expiry, or a tenth
// of their window when shorter) remind the agency's owners and admins, once. Nothing is ever
// deleted. Rows another transaction holds (an admin deciding) are skipped until the next run;
// running it twice changes nothing more.
func (s *Service) ExpireDue(ctx context.Context, agencyID uuid.UUID) (expired, reminded int, err error) {
	for {
		n, err := s.expireBatch(ctx, agencyID)
		expired += n
		if err != nil {
			return expired, reminded, err
		}
		if n < expiryBatch {
			break
		}
	}
	for {
		n, err := s.remindBatch(ctx, agencyID)
		reminded += n
		if err != nil {
			return expired, reminded, err
		}
		if n < expiryBatch {
			break
		}
	}
	return expired, reminded, nil
}

func (s *Service) expireBatch(ctx context.Context, agencyID uuid.UUID) (int, error) {
	var n int
	now := s.now()
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		var rs []Request
		q := scheduled(tx, agencyID, &rs).Where("ar.status = ?", StatusPending).Where("ar.expires_at <= ?", now)
		if err := q.OrderExpr("ar.expires_at, ar.id").Limit(expiryBatch).For("UPDATE SKIP LOCKED").Scan(ctx); err != nil {
			return fmt.Errorf("request: due requests: %w", err)
		}
		for i := range rs {
			if err := s.expire(ctx, tx, &rs[i]); err != nil {
				return err
			}
		}
		n = len(rs)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// scheduled starts a select of requests for the expiry schedule: of one agency, or of every
// agency for uuid.Nil (a run without an agency, which says so).
func scheduled(idb bun.IDB, agencyID uuid.UUID, dst any) *bun.SelectQuery {
	if agencyID == uuid.Nil {
		return idb.NewSelect().Model(dst).Comment(tenant.AllAgencies("expiry schedule run for every agency"))
	}
	return tenant.Agency(agencyID).Select(idb, dst)
}

// remindDue adds the condition "PENDING, not reminded yet, within its reminder window" to q.
func remindDue(q *bun.SelectQuery, now time.Time) *bun.SelectQuery {
	return q.Where("ar.status = ?", StatusPending).Where("ar.reminder_sent_at IS NULL").
		Where("ar.expires_at > ?", now).
		// The fixed bound lets the partial index on expires_at narrow the scan.
		Where("ar.expires_at <= ?", now.Add(24*time.Hour)).
		Where("ar.expires_at - CAST(? AS timestamptz) <= "+reminderWindowSQL, now)
}

func (s *Service) remindBatch(ctx context.Context, agencyID uuid.UUID) (int, error) {
	var count int
	now := s.now()
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		var rs []Request
		q := remindDue(scheduled(tx, agencyID, &rs), now)
		if err := q.OrderExpr("ar.expires_at, ar.id").Limit(expiryBatch).For("UPDATE SKIP LOCKED").Scan(ctx); err != nil {
			return fmt.Errorf("request: requests to remind: %w", err)
		}
		for i := range rs {
			r := &rs[i]
			if _, err := tenant.Agency(r.AgencyID).Update(tx, r).WherePK().Set("reminder_sent_at = ?", now).Exec(ctx); err != nil {
				return fmt.Errorf("request: stamp reminder: %w", err)
			}
			view, err := load(ctx, tx, r.AgencyID, r.ID)
			if err != nil {
				return err
			}
			ns, err := s.notifyDeciders(ctx, tx, r.AgencyID, notify.Notification{
				Kind:  NoteExpiring,
				Title: fmt.Sprintf("Access request from %s expires soon", notify.PlainName(view.RequesterName)),
				Body: fmt.Sprintf("%s (%s) asked for access to %s (identity type %s). The request expires at %s unless it is approved or rejected.\n\n%s",
					notify.PlainName(view.RequesterName), notify.PlainName(view.ClientName), view.PlatformName, r.IdentityType, r.ExpiresAt.Format(time.RFC1123),
					notify.Quote("Justification", view.RequesterName, view.Justification)),
				Data: noteData(view),
			})
			if err != nil {
				return err
			}
			db.AfterCommit(ctx, func(ctx context.Context) { s.notifier.Published(ctx, ns...) })
			count++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return count, nil
}

// EnqueueExpiryJobs is the periodic scheduler's step (e.g. every minute): for every agency with
// a request to expire or to remind about, and no EXPIRE_ACCESS_REQUESTS job already queued or
// running, it enqueues one recorded EXPIRE_ACCESS_REQUESTS job. Agencies with nothing due get
// no job, so the job history stays readable. It returns how many jobs it enqueued.
func (s *Service) EnqueueExpiryJobs(ctx context.Context) (int, error) {
	now := s.now()
	var agencies []uuid.UUID
	due := s.db.NewSelect().TableExpr("access_requests AS ar").Column("ar.agency_id").
		Where("ar.status = ?", StatusPending).Where("ar.expires_at <= ?", now)
	reminders := remindDue(s.db.NewSelect().TableExpr("access_requests AS ar").Column("ar.agency_id"), now)
	err := s.db.NewSelect().TableExpr("(? UNION ?) AS d", due, reminders).ColumnExpr("d.agency_id").
		Comment(tenant.AllAgencies("expiry scheduler: agencies with requests due")).
		Where("NOT EXISTS (?)", job.ActiveOfEachAgency(s.db, job.TypeExpireAccessRequests, "d.agency_id")).
		Scan(ctx, &agencies)
	if err != nil {
		return 0, fmt.Errorf("request: agencies with due requests: %w", err)
	}
	if len(agencies) == 0 {
		return 0, nil
	}
	err = db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		for _, id := range agencies {
			if _, err := job.Enqueue(ctx, tx, job.Spec{AgencyID: id, Type: job.TypeExpireAccessRequests, Input: job.ExpireAccessArgs{AgencyID: id}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(agencies), nil
}

// HandleExpire is the worker handler of EXPIRE_ACCESS_REQUESTS (worker.Handle): ExpireJob. Its
// arguments only repeat the job's agency.
func (s *Service) HandleExpire(ctx context.Context, rec *job.Record, _ job.ExpireAccessArgs) (any, error) {
	return s.ExpireJob(ctx, rec)
}

// ExpireJob runs an EXPIRE_ACCESS_REQUESTS job from its record: ExpireDue for the job's agency
// (every agency for a job without one).
func (s *Service) ExpireJob(ctx context.Context, rec *job.Record) (any, error) {
	agencyID := uuid.Nil
	if rec.AgencyID != nil {
		agencyID = *rec.AgencyID
	}
	expired, reminded, err := s.ExpireDue(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	return ExpiryResult{Expired: expired, Reminded: reminded}, nil
}
