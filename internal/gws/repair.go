package gws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
)

// What a repair did about one mismatch.
const (
	// RepairReprovisionQueued: a PROVISION_IDENTITY job re-creates the missing user.
	RepairReprovisionQueued = "REPROVISION_QUEUED"
	// RepairSuspended: the unknown user was suspended (never deleted).
	RepairSuspended = "SUSPENDED"
	// RepairPatched: the user's name and org unit were set back to AccessHive's.
	RepairPatched = "PATCHED"
	// RepairReported: left as is on purpose (a suspended managed user: someone suspended it;
	// unsuspend it in the Admin console, or delete the identity).
	RepairReported = "REPORTED"
	// RepairSkipped: the directory or AccessHive changed since the report, so the action no
	// longer applies; Detail says why.
	RepairSkipped = "SKIPPED"
	// RepairFailed: the action was tried and failed; Detail says why.
	RepairFailed = "FAILED"
)

// repairKinds are the kinds a repair acts on when none are named, in the order it acts.
var repairKinds = []string{MismatchMissing, MismatchUnknown, MismatchDrift, MismatchSuspended}

// RepairAction is what a repair did (or declined to do) about one mismatch.
type RepairAction struct {
	Kind       string     `json:"kind"`
	Email      string     `json:"email"`
	IdentityID *uuid.UUID `json:"identityId,omitempty"`
	// Action is one of the Repair* constants.
	Action string `json:"action"`
	Detail string `json:"detail,omitempty"`
	// JobID is the provisioning job of a re-provisioning.
	JobID *uuid.UUID `json:"jobId,omitempty"`
}

// RepairResult is what Repair did.
type RepairResult struct {
	ReportID uuid.UUID      `json:"reportId"`
	Kinds    []string       `json:"kinds"`
	Actions  []RepairAction `json:"actions"`
}

// Repair acts on the mismatches of a report, of the given kinds (none means all), as an
// explicit action of an owner or admin:
//
//   - MISSING_IN_DIRECTORY: the identity's user is created again, with the password already in
//     the vault, by a PROVISION_IDENTITY job (the identity stays PROVISIONED meanwhile; its
//     directory status shows REPAIRING);
//   - UNKNOWN_IN_DIRECTORY: the user is suspended, never deleted;
//   - ATTRIBUTE_DRIFT: the user's given and family name and org unit are set back, when the
//     user carries the identity's external id (otherwise it is left for a person);
//   - SUSPENDED_IN_DIRECTORY: reported only (a person suspended it, perhaps on purpose).
//
// Every action checks the current state first and skips what changed since the report. A
// repair that would touch more than RepairMaxShare of the agency's live managed identities
// (at least one is always allowed) is refused as a CONFLICT; so is a kind already repaired from
// this report (sync again for a fresh one).
func (s *Service) Repair(ctx context.Context, actor *auth.Actor, reportID uuid.UUID, kinds []string) (*RepairResult, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	sel, err := selectKinds(kinds)
	if err != nil {
		return nil, err
	}
	rep, err := loadReport(ctx, s.db, actor.Tenant(), reportID)
	if err != nil {
		return nil, err
	}
	if done := intersect(rep.RepairedKinds, sel); len(done) > 0 {
		return nil, fault.Conflict(fmt.Sprintf("this report's %s mismatches were already repaired; sync the directory again for a fresh report",
			strings.Join(done, ", ")), rep.ID.String())
	}
	todo, touching := rep.toRepair(sel)
	if err := s.checkRepairShare(ctx, actor.AgencyID, rep.ID, touching); err != nil {
		return nil, err
	}
	if err := s.claim(ctx, rep, sel); err != nil {
		return nil, err
	}
	var c *Client
	if touching > 0 {
		if c, err = s.repairClient(ctx, rep, sel); err != nil {
			return nil, err
		}
	}
	out := &RepairResult{ReportID: rep.ID, Kinds: sel, Actions: make([]RepairAction, 0, len(todo))}
	for _, m := range todo {
		out.Actions = append(out.Actions, s.repairOne(ctx, actor, c, m))
	}
	if err := s.recordRepair(ctx, actor, rep.ID, sel, out.Actions); err != nil {
		return nil, err
	}
	for _, a := range out.Actions {
		if a.Action == RepairReprovisionQueued {
			s.publish(ctx, actor.AgencyID, *a.IdentityID)
		}
	}
	return out, nil
}

// selectKinds checks the kinds asked for and returns them without repeats; none means all.
func selectKinds(kinds []string) ([]string, error) {
	if len(kinds) == 0 {
		kinds = repairKinds
	}
	var sel []string
	for _, k := range kinds {
		if !slices.Contains(repairKinds, k) {
			return nil, fault.Invalid("kinds", fmt.Sprintf("unknown mismatch kind %q", k))
		}
		if !slices.Contains(sel, k) {
			sel = append(sel, k)
		}
	}
	return sel, nil
}

// toRepair returns the report's mismatches of the selected kinds, in the order repairs act,
// and how many of them touch a directory user (all but the suspended, which are only reported).
func (rep *Report) toRepair(sel []string) (todo []ReportMismatch, touching int) {
	for _, k := range repairKinds {
		if !slices.Contains(sel, k) {
			continue
		}
		for _, m := range rep.Mismatches {
			if m.Kind == k {
				todo = append(todo, m)
				if k != MismatchSuspended {
					touching++
				}
			}
		}
	}
	return todo, touching
}

// checkRepairShare refuses a repair that would touch more than RepairMaxShare of the agency's
// live managed identities (at least one is always allowed).
func (s *Service) checkRepairShare(ctx context.Context, agencyID, reportID uuid.UUID, touching int) error {
	managed, err := identity.CountManaged(ctx, s.db, agencyID)
	if err != nil {
		return err
	}
	limit := max(1, int(math.Floor(s.cfg.RepairMaxShare*float64(managed))))
	if touching > limit {
		return fault.Conflict(fmt.Sprintf("this repair would touch %d directory users, more than %.0f%% of the agency's %d managed identities (at most %d): repair fewer kinds, or fix the directory by hand",
			touching, s.cfg.RepairMaxShare*100, managed, limit), reportID.String())
	}
	return nil
}

// claim marks the kinds repaired on the report before acting, so that two concurrent repairs of
// one report cannot both act.
func (s *Service) claim(ctx context.Context, rep *Report, kinds []string) error {
	res, err := tenant.Agency(rep.AgencyID).Update(s.db, (*Report)(nil)).
		Where("r.id = ?", rep.ID).
		Where("NOT (repaired_kinds && ?::text[])", pgdialect.Array(kinds)).
		Set("repaired_kinds = repaired_kinds || ?::text[]", pgdialect.Array(kinds)).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("gws: claim report for repair: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fault.Conflict("this report is being repaired or was repaired already; sync the directory again for a fresh report", rep.ID.String())
	}
	return nil
}

// unclaim gives the kinds back when a repair could not start.
func (s *Service) unclaim(ctx context.Context, rep *Report, kinds []string) {
	_, err := tenant.Agency(rep.AgencyID).Update(s.db, (*Report)(nil)).Where("r.id = ?", rep.ID).
		Set("repaired_kinds = array(SELECT unnest(repaired_kinds) EXCEPT SELECT unnest(?::text[]))", pgdialect.Array(kinds)).
		Exec(context.WithoutCancel(ctx))
	if err != nil {
		s.log.WarnContext(ctx, "gws: release repair claim", "report_id", rep.ID, "error", err)
	}
}

// repairClient dials the report's source; when it cannot, the claimed kinds are given back.
func (s *Service) repairClient(ctx context.Context, rep *Report, kinds []string) (*Client, error) {
	src, err := s.loadSource(ctx, s.db, tenant.Agency(rep.AgencyID), rep.SourceID)
	var c *Client
	if err == nil {
		c, err = s.clientFor(ctx, src)
	}
	if err != nil {
		s.unclaim(ctx, rep, kinds)
		return nil, err
	}
	return c, nil
}

// repairOne acts on one mismatch and says what it did.
func (s *Service) repairOne(ctx context.Context, actor *auth.Actor, c *Client, m ReportMismatch) RepairAction {
	a := RepairAction{Kind: m.Kind, Email: m.Email, IdentityID: m.IdentityID}
	switch m.Kind {
	case MismatchMissing:
		s.repairMissing(ctx, actor, &a)
	case MismatchUnknown:
		s.repairUnknown(ctx, actor.AgencyID, c, &a)
	case MismatchDrift:
		s.repairDrift(ctx, actor.AgencyID, c, &a)
	case MismatchSuspended:
		a.Action, a.Detail = RepairReported, "a suspended managed user is left as is: unsuspend it in the Admin console, or delete the identity"
	}
	return a
}

// recordRepair appends the actions to the report and records the repair in the audit log,
// even when the caller has gone: the directory has changed by now.
func (s *Service) recordRepair(ctx context.Context, actor *auth.Actor, reportID uuid.UUID, kinds []string, actions []RepairAction) error {
	counts := map[string]int{}
	for _, a := range actions {
		counts[a.Action]++
	}
	return db.InTx(context.WithoutCancel(ctx), s.db, func(ctx context.Context, tx bun.Tx) error {
		if _, err := actor.Tenant().Update(tx, (*Report)(nil)).Where("r.id = ?", reportID).
			Set("repaired_at = clock_timestamp()").Set("repaired_by = ?", nullUUID(actor.UserID)).
			Set("repair = coalesce(repair, '[]'::jsonb) || ?::jsonb", jsonValue(actions)).
			Exec(ctx); err != nil {
			return fmt.Errorf("gws: record repair: %w", err)
		}
		return audit.Record(ctx, tx, actor, KindDirectoryRepaired, "directory_sync_report", reportID, map[string]any{
			"kinds": kinds, "actions": counts,
		})
	})
}

// repairMissing queues the re-creation of a PROVISIONED identity's missing user.
func (s *Service) repairMissing(ctx context.Context, actor *auth.Actor, a *RepairAction) {
	if a.IdentityID == nil {
		a.Action, a.Detail = RepairSkipped, "no identity named"
		return
	}
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		cur, err := identity.Lock(ctx, tx, actor.AgencyID, *a.IdentityID)
		if err != nil {
			return err
		}
		if cur.State != identity.StateProvisioned {
			a.Action, a.Detail = RepairSkipped, fmt.Sprintf("the identity is %s now", cur.State)
			return nil
		}
		active, _, err := identity.ActiveProvisioningJob(ctx, tx, actor.AgencyID, cur.ID)
		if err != nil {
			return err
		}
		if active != uuid.Nil {
			a.Action, a.Detail, a.JobID = RepairSkipped, "a provisioning job is already working on it", &active
			return nil
		}
		if err := identity.SetProviderStatus(ctx, tx, actor.AgencyID, cur.ID, identity.ProviderGWSDirectory, DirectoryRepairing, "missing in the directory", ""); err != nil {
			return err
		}
		rec, err := job.Enqueue(ctx, tx, job.Spec{AgencyID: actor.AgencyID, Type: job.TypeProvisionIdentity,
			Input: job.ProvisionArgs{IdentityID: cur.ID, Repair: true}, CreatedBy: actor.UserID})
		if err != nil {
			return err
		}
		a.Action, a.JobID = RepairReprovisionQueued, &rec.ID
		return audit.Record(ctx, tx, actor, KindRepairReprovision, "identity", cur.ID, map[string]any{"jobId": rec.ID})
	})
	if err != nil {
		a.Action, a.Detail, a.JobID = RepairFailed, reasonOf(err), nil
	}
}

// repairedUser reads the directory user a repair action is about, as it is now; when there is
// none to act on, it says so in a (skipped when the user is gone, failed when the directory
// cannot be read) and returns false.
func repairedUser(ctx context.Context, c *Client, a *RepairAction) (User, bool) {
	u, err := c.Get(ctx, a.Email)
	switch {
	case errors.Is(err, ErrNotFound):
		a.Action, a.Detail = RepairSkipped, "the user is gone"
		return u, false
	case err != nil:
		a.Action, a.Detail = RepairFailed, reasonOf(err)
		return u, false
	}
	return u, true
}

// repairUnknown suspends a user of the managed org unit that no live identity expects.
func (s *Service) repairUnknown(ctx context.Context, agencyID uuid.UUID, c *Client, a *RepairAction) {
	known, err := identity.LiveByEmail(ctx, s.db, agencyID, a.Email)
	if err != nil {
		a.Action, a.Detail = RepairFailed, reasonOf(err)
		return
	}
	if known != nil {
		a.Action, a.Detail = RepairSkipped, "an identity now uses this address"
		id := known.ID
		a.IdentityID = &id
		return
	}
	u, ok := repairedUser(ctx, c, a)
	switch {
	case !ok:
		return
	case !underOU(u.OrgUnitPath, c.ou):
		a.Action, a.Detail = RepairSkipped, "the user left the managed org unit"
		return
	case u.Suspended:
		a.Action, a.Detail = RepairSkipped, "the user is suspended already"
		return
	}
	if u.IdentityID != uuid.Nil {
		if other, err := identity.Reload(ctx, s.db, agencyID, u.IdentityID); err == nil && other.State.Live() {
			a.Action, a.Detail = RepairSkipped, "the user belongs to live identity "+other.ID.String()
			return
		}
	}
	if err := c.Suspend(ctx, u.ID); err != nil {
		a.Action, a.Detail = RepairFailed, reasonOf(err)
		return
	}
	a.Action = RepairSuspended
	s.log.InfoContext(ctx, "gws: unknown directory user suspended", "agency_id", agencyID, "directory_user_id", u.ID)
}

// repairDrift sets a managed user's name and org unit back to AccessHive's.
func (s *Service) repairDrift(ctx context.Context, agencyID uuid.UUID, c *Client, a *RepairAction) {
	if a.IdentityID == nil {
		a.Action, a.Detail = RepairSkipped, "no identity named"
		return
	}
	ident, err := identity.Reload(ctx, s.db, agencyID, *a.IdentityID)
	if err != nil {
		a.Action, a.Detail = RepairFailed, reasonOf(err)
		return
	}
	if ident.State != identity.StateProvisioned {
		a.Action, a.Detail = RepairSkipped, fmt.Sprintf("the identity is %s now", ident.State)
		return
	}
	u, ok := repairedUser(ctx, c, a)
	switch {
	case !ok:
		return
	case u.IdentityID != ident.ID:
		a.Action, a.Detail = RepairSkipped, "the user does not carry this identity's external id; it is left for a person to check"
		return
	}
	given, family := SplitName(ident.DisplayName)
	if err := c.RestoreAttributes(ctx, u.ID, given, family); err != nil {
		a.Action, a.Detail = RepairFailed, reasonOf(err)
		return
	}
	a.Action = RepairPatched
}

// underOU reports whether path is ou or below it.
func underOU(path, ou string) bool {
	p := strings.ToLower(normalizeOU(path))
	o := strings.ToLower(ou)
	return p == o || strings.HasPrefix(p, o+"/")
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// jsonValue is v's JSON, for a jsonb parameter.
func jsonValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

func nullUUID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}
