package request

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/tenant"
)

var _ agency.PendingRescheduler = (*Service)(nil)

// RescheduleExpiry moves every PENDING request of the agency to expire at its creation time
// plus hours, and returns how many moved (agency.PendingRescheduler: a new expiry window
// applies to pending requests too). A request whose expiry moves later may be reminded again
// before its new expiry.
func (s *Service) RescheduleExpiry(ctx context.Context, tx bun.IDB, agencyID uuid.UUID, hours int) (int, error) {
	res, err := tenant.Agency(agencyID).UpdateTable(tx, "access_requests").
		Set("reminder_sent_at = CASE WHEN created_at + make_interval(hours => ?) > expires_at THEN NULL ELSE reminder_sent_at END", hours).
		Set("expires_at = created_at + make_interval(hours => ?)", hours).
		Set("updated_at = clock_timestamp()").
		Where("status = ?", StatusPending).
		Where("expires_at <> created_at + make_interval(hours => ?)", hours).
		Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("request: reschedule pending expiry: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
