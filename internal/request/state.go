package request

import (
	"fmt"

	"github.com/accesshive/accesshive/internal/fault"
)

// Status is where an access request stands (SPEC "Access requests").
type Status string

// Request statuses.
const (
	StatusPending     Status = "PENDING"
	StatusApproved    Status = "APPROVED"
	StatusRejected    Status = "REJECTED"
	StatusExpired     Status = "EXPIRED"
	StatusProvisioned Status = "PROVISIONED"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusPending || s == StatusApproved || s == StatusRejected || s == StatusExpired || s == StatusProvisioned
}

// Open reports whether a request in status s still blocks a new one for its client + platform.
func (s Status) Open() bool { return s == StatusPending || s == StatusApproved }

// transitions is the request lifecycle, the one place that allows or refuses a change:
// PENDING → APPROVED (an admin approves; the identity is created), REJECTED (an admin rejects)
// or EXPIRED (nobody decided in time); APPROVED → PROVISIONED (the identity is ready) or
// REJECTED (the identity was deleted before it was ever provisioned: the approval is withdrawn,
// so the client may ask again). REJECTED, EXPIRED and PROVISIONED are final.
var transitions = map[Status][]Status{
	StatusPending:  {StatusApproved, StatusRejected, StatusExpired},
	StatusApproved: {StatusProvisioned, StatusRejected},
}

// CanTransition reports whether a request may move from one status to another.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// CheckTransition returns a CONFLICT naming the request and its current status unless the move
// is allowed.
func CheckTransition(id string, from, to Status) error {
	if CanTransition(from, to) {
		return nil
	}
	if from != StatusPending && (to == StatusApproved || to == StatusRejected) {
		return fault.Conflict(fmt.Sprintf("the access request is already %s; only a PENDING request can be decided", from), id)
	}
	return fault.Conflict(fmt.Sprintf("an access request in status %s cannot move to %s", from, to), id)
}
