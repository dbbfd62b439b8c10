package auth

import (
	"github.com/google/uuid"

	"github.com/accesshive/accesshive/internal/fault"
)

// Action is something a role may or may not do: one row of SPEC's role table.
type Action string

// The actions of the role table.
const (
	// ActionReadAgency reads clients, identities, requests of the agency (client users: their client only).
	ActionReadAgency Action = "read-agency"
	// ActionReadOps reads jobs and identity sources (staff only).
	ActionReadOps Action = "read-ops"
	// ActionManage creates clients and users, creates and deletes identities, connects
	// platforms, configures GWS, syncs and retries.
	ActionManage Action = "manage"
	// ActionDecideRequests approves and rejects access requests.
	ActionDecideRequests Action = "decide-requests"
	// ActionSubmitRequest submits an access request for the caller's own client.
	ActionSubmitRequest Action = "submit-request"
	// ActionRevealAgencyIdentity reveals an agency identity's credentials.
	ActionRevealAgencyIdentity Action = "reveal-agency-identity"
	// ActionRevealClientIdentity reveals a client-dedicated identity's credentials.
	ActionRevealClientIdentity Action = "reveal-client-identity"
	// ActionChangeSettings changes agency settings (request expiry window, naming template).
	ActionChangeSettings Action = "change-settings"
	// ActionViewQueues opens asynqmon at /ops/queues.
	ActionViewQueues Action = "view-queues"
	// ActionReadStaff reads the users list (emails and roles) and the client address and user
	// agent of audit events (SPEC's Users screen is the owners' and admins').
	ActionReadStaff Action = "read-staff"
)

// permissions is SPEC's role table, the one place that says who may do what. Client users'
// reads and reveals are further narrowed to their own client by CanSeeClient.
var permissions = map[Action]map[Role]bool{
	ActionReadAgency:           {RoleOwner: true, RoleAdmin: true, RoleMember: true, RoleClientUser: true},
	ActionReadOps:              {RoleOwner: true, RoleAdmin: true, RoleMember: true},
	ActionManage:               {RoleOwner: true, RoleAdmin: true},
	ActionDecideRequests:       {RoleOwner: true, RoleAdmin: true},
	ActionSubmitRequest:        {RoleClientUser: true},
	ActionRevealAgencyIdentity: {RoleOwner: true, RoleAdmin: true, RoleMember: true},
	ActionRevealClientIdentity: {RoleOwner: true, RoleAdmin: true, RoleClientUser: true},
	ActionChangeSettings:       {RoleOwner: true},
	ActionViewQueues:           {RoleOwner: true, RoleAdmin: true},
	ActionReadStaff:            {RoleOwner: true, RoleAdmin: true},
}

// Can reports whether the actor's role allows the action.
func (a *Actor) Can(action Action) bool { return permissions[action][a.Role] }

// Require returns FORBIDDEN unless the actor's role allows the action.
func (a *Actor) Require(action Action) error {
	if a.Can(action) {
		return nil
	}
	return fault.Forbidden("your role does not allow this")
}

// CanSeeClient reports whether the actor may see the client's data: staff see every client
// of their agency, a client user only its own.
func (a *Actor) CanSeeClient(clientID uuid.UUID) bool {
	if a.Role.Staff() {
		return true
	}
	return a.Role == RoleClientUser && a.ClientID == clientID
}

// Can reports whether the role allows the action, for callers that show what a user may do
// (the console's `me { can { … } }`) without an Actor in hand.
func (r Role) Can(action Action) bool { return permissions[action][r] }
