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
	admin "google.golang.org/api/admin/directory/v1"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
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
	rep, err := s.loadReport(ctx, s.db, actor.AgencyID, reportID)
	if err != nil {
		return nil, err
	}
	if done := intersect(rep.RepairedKinds, sel); len(done) > 0 {
		return nil, fault.Conflict(fmt.Sprintf("this report's %s mismatches were already repaired; sync the directory again for a fresh report",
			strings.Join(done, ", ")), rep.ID.String())
	}
	var todo []ReportMismatch
	touching := 0
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
	managed, err := identity.CountManaged(ctx, s.db, actor.AgencyID)
	if err != nil {
		return nil, err
	}
	limit := max(1, int(math.Floor(s.cfg.RepairMaxShare*float64(managed))))
	if touching > limit {
		return nil, fault.Conflict(fmt.Sprintf("this repair would touch %d directory users, more than %.0f%% of the agency's %d managed identities (at most %d): repair fewer kinds, or fix the directory by hand",
			touching, s.cfg.RepairMaxShare*100, managed, limit), rep.ID.String())
	}

	// Claim the kinds first, so that two concurrent repairs of one report cannot both act.
	res, err := s.db.NewUpdate().Model((*Report)(nil)).
		Where("id = ? AND agency_id = ?", rep.ID, actor.AgencyID).
		Where("NOT (repaired_kinds && ?::text[])", pgdialect.Array(sel)).
		Set("repaired_kinds = repaired_kinds || ?::text[]", pgdialect.Array(sel)).
		Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("gws: claim report for repair: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, fault.Conflict("this report is being repaired or was repaired already; sync the directory again for a fresh report", rep.ID.String())
	}

	var c *Client
	if touching > 0 {
		src, err := s.loadSource(ctx, s.db, actor.AgencyID, rep.SourceID)
		if err == nil {
			c, err = s.clientFor(ctx, src)
		}
		if err != nil {
			s.unclaim(ctx, rep.ID, sel)
			return nil, err
		}
	}
	out := &RepairResult{ReportID: rep.ID, Kinds: sel, Actions: make([]RepairAction, 0, len(todo))}
	var republish []uuid.UUID
	for _, m := range todo {
		a := RepairAction{Kind: m.Kind, Email: m.Email, IdentityID: m.IdentityID}
		switch m.Kind {
		case MismatchMissing:
			s.repairMissing(ctx, actor, &a)
			if a.Action == RepairReprovisionQueued {
				republish = append(republish, *a.IdentityID)
			}
		case MismatchUnknown:
			s.repairUnknown(ctx, actor.AgencyID, c, &a)
		case MismatchDrift:
			s.repairDrift(ctx, actor.AgencyID, c, &a)
		case MismatchSuspended:
			a.Action, a.Detail = RepairReported, "a suspended managed user is left as is: unsuspend it in the Admin console, or delete the identity"
		}
		out.Actions = append(out.Actions, a)
	}

	counts := map[string]int{}
	for _, a := range out.Actions {
		counts[a.Action]++
	}
	err = db.InTx(context.WithoutCancel(ctx), s.db, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Model((*Report)(nil)).Where("id = ?", rep.ID).
			Set("repaired_at = clock_timestamp()").Set("repaired_by = ?", nullUUID(actor.UserID)).
			Set("repair = coalesce(repair, '[]'::jsonb) || ?::jsonb", jsonValue(out.Actions)).
			Exec(ctx); err != nil {
			return fmt.Errorf("gws: record repair: %w", err)
		}
		return audit.Record(ctx, tx, actor, KindDirectoryRepaired, "directory_sync_report", rep.ID, map[string]any{
			"kinds": sel, "actions": counts,
		})
	})
	if err != nil {
		return nil, err
	}
	for _, id := range republish {
		s.publish(ctx, actor.AgencyID, id)
	}
	return out, nil
}

// unclaim gives the kinds back when a repair could not start.
func (s *Service) unclaim(ctx context.Context, reportID uuid.UUID, kinds []string) {
	_, err := s.db.NewUpdate().Model((*Report)(nil)).Where("id = ?", reportID).
		Set("repaired_kinds = array(SELECT unnest(repaired_kinds) EXCEPT SELECT unnest(?::text[]))", pgdialect.Array(kinds)).
		Exec(context.WithoutCancel(ctx))
	if err != nil {
		s.log.WarnContext(ctx, "gws: release repair claim", "report_id", reportID, "error", err)
	}
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
	u, err := c.Get(ctx, a.Email)
	switch {
	case errors.Is(err, ErrNotFound):
		a.Action, a.Detail = RepairSkipped, "the user is gone"
		return
	case err != nil:
		a.Action, a.Detail = RepairFailed, reasonOf(err)
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
	u, err := c.Get(ctx, a.Email)
	switch {
	case errors.Is(err, ErrNotFound):
		a.Action, a.Detail = RepairSkipped, "the user is gone"
		return
	case err != nil:
		a.Action, a.Detail = RepairFailed, reasonOf(err)
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

// RestoreAttributes sets a managed user's given and family name back, and moves it back into
// the managed org unit. Other attributes (external ids, aliases, ...) are left alone.
func (c *Client) RestoreAttributes(ctx context.Context, userKey, givenName, familyName string) error {
	if userKey == "" || givenName == "" || familyName == "" {
		return fmt.Errorf("gws: restore attributes: %w: empty user key or name", errInvalidArgument)
	}
	body := &admin.User{
		Name:        &admin.UserName{GivenName: givenName, FamilyName: familyName},
		OrgUnitPath: c.ou,
	}
	_, err := c.patch(ctx, "restore attributes of "+userKey, userKey, body, "", false)
	return err
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
