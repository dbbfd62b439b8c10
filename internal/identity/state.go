package identity

import (
	"fmt"

	"github.com/accesshive/accesshive/internal/fault"
)

// State is an identity's provisioning state (SPEC "Provisioning states").
type State string

// Provisioning states.
const (
	StatePending        State = "PENDING"
	StateProvisioning   State = "PROVISIONING"
	StateProvisioned    State = "PROVISIONED"
	StateFailed         State = "FAILED"
	StateDeprovisioning State = "DEPROVISIONING"
	StateDeleted        State = "DELETED"
)

// transitions is the provisioning lifecycle, the one place that allows or refuses a change:
// PENDING → PROVISIONING → PROVISIONED; PROVISIONING → FAILED; FAILED or a stuck
// PROVISIONING → PROVISIONING (retry); any live state → DEPROVISIONING → DELETED.
var transitions = map[State][]State{
	StatePending:        {StateProvisioning, StateDeprovisioning},
	StateProvisioning:   {StateProvisioned, StateFailed, StateProvisioning, StateDeprovisioning},
	StateProvisioned:    {StateDeprovisioning},
	StateFailed:         {StateProvisioning, StateDeprovisioning},
	StateDeprovisioning: {StateDeleted, StateDeprovisioning},
	StateDeleted:        {},
}

// CanTransition reports whether an identity may move from one state to another.
func CanTransition(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// CheckTransition returns a CONFLICT error naming both states unless the move is allowed.
func CheckTransition(from, to State) error {
	if CanTransition(from, to) {
		return nil
	}
	return fault.Conflict(fmt.Sprintf("an identity in state %s cannot move to %s", from, to), "")
}

// Live reports whether an identity in state s still counts (everything but DELETED).
func (s State) Live() bool { return s != StateDeleted }
