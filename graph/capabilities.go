package graph

import (
	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/auth"
)

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
