package server

import (
	"net/http"
	"strings"

	"github.com/hibiken/asynqmon"

	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/auth"
)

// opsHandler serves asynqmon to the owners and admins of the operator agencies. The queues
// hold every tenant's tasks, so another agency's owner must not see or cancel them.
func (s *Server) opsHandler() http.Handler {
	mon := asynqmon.New(asynqmon.Options{RootPath: "/ops/queues", RedisConnOpt: s.cfg.AsynqRedis, ReadOnly: !s.cfg.OpsQueuesWritable})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, ok := auth.ActorFrom(r.Context())
		if !ok {
			http.Error(w, "log in first: a session is required for /ops/queues", http.StatusUnauthorized)
			return
		}
		if !actor.Can(auth.ActionViewQueues) || !s.isOpsAgency(r, actor) {
			http.Error(w, "forbidden: only the operator agency's owners and admins see the queues", http.StatusForbidden)
			return
		}
		mon.ServeHTTP(w, r)
	})
}

func (s *Server) isOpsAgency(r *http.Request, actor *auth.Actor) bool {
	if len(s.cfg.OpsAgencies) == 0 {
		return false
	}
	a, err := agency.Get(r.Context(), s.deps.DB, actor)
	if err != nil {
		return false
	}
	for _, name := range s.cfg.OpsAgencies {
		if strings.EqualFold(strings.TrimSpace(name), a.Name) || strings.EqualFold(strings.TrimSpace(name), a.ID.String()) {
			return true
		}
	}
	return false
}
