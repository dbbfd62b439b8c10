package agency

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
)

// Bounds of the agency settings.
const (
	MinExpiryHours    = 1
	MaxExpiryHours    = 8760
	MaxNamingTemplate = 200
)

// Settings are the agency settings the access-request flow depends on (SPEC "Settings ›
// Access Requests"): the expiry window of new requests and the naming template of managed
// identities' addresses.
type Settings struct {
	AccessRequestExpiryHours int    `bun:"access_request_expiry_hours" json:"accessRequestExpiryHours"`
	NamingTemplate           string `bun:"naming_template" json:"namingTemplate"`
}

// SettingsInput changes some settings; nil fields stay as they are.
type SettingsInput struct {
	AccessRequestExpiryHours *int
	NamingTemplate           *string
}

// KindSettingsChanged is the audit kind of a change of the agency's settings.
const KindSettingsChanged = "agency.settings_changed"

// PendingRescheduler moves the agency's PENDING access requests to expire at their creation
// time plus a new window, and says how many moved: internal/request, which owns the requests,
// implements it (declared here, by its caller, so that agency need not import request).
type PendingRescheduler interface {
	RescheduleExpiry(ctx context.Context, tx bun.IDB, agencyID uuid.UUID, hours int) (int, error)
}

// GetSettings returns the actor's agency's settings; everyone in the agency may read them.
func GetSettings(ctx context.Context, idb bun.IDB, actor *auth.Actor) (*Settings, error) {
	if err := actor.Require(auth.ActionReadAgency); err != nil {
		return nil, err
	}
	return readSettings(ctx, idb, actor, "")
}

func readSettings(ctx context.Context, idb bun.IDB, actor *auth.Actor, lock string) (*Settings, error) {
	out := new(Settings)
	q := idb.NewSelect().Table("agencies").Column("access_request_expiry_hours", "naming_template").Where("id = ?", actor.AgencyID)
	if lock != "" {
		q = q.For(lock)
	}
	if err := q.Scan(ctx, out); err != nil {
		return nil, fmt.Errorf("agency: read settings: %w", err)
	}
	return out, nil
}

// placeholder matches one {…} of a naming template.
var placeholder = regexp.MustCompile(`\{[^{}]*\}`)

// localPart is what a template's local part may hold once its placeholders are filled.
var localPart = regexp.MustCompile(`^[a-z0-9]([a-z0-9._+-]*[a-z0-9])?$`)

// ValidateNamingTemplate checks a naming template: it ends in "@{domain}", uses only the
// placeholders {client} {platform} {name} {domain}, and its local part names at least one of
// {client} {platform} {name} (so two identities do not get the same address) and is otherwise
// made of lowercase letters, digits, '.', '_', '+' and '-'.
func ValidateNamingTemplate(t string) error {
	const field = "namingTemplate"
	if t == "" {
		return fault.Invalid(field, "is required")
	}
	if utf8.RuneCountInString(t) > MaxNamingTemplate {
		return fault.Invalid(field, fmt.Sprintf("must be at most %d characters", MaxNamingTemplate))
	}
	for _, p := range placeholder.FindAllString(t, -1) {
		switch p {
		case "{client}", "{platform}", "{name}", "{domain}":
		default:
			return fault.Invalid(field, fmt.Sprintf("unknown placeholder %s: use {client}, {platform}, {name} and {domain}", p))
		}
	}
	if strings.ContainsAny(placeholder.ReplaceAllString(t, ""), "{}") {
		return fault.Invalid(field, "has an unbalanced { or }")
	}
	local, ok := strings.CutSuffix(t, "@{domain}")
	if !ok {
		return fault.Invalid(field, `must end with "@{domain}"`)
	}
	if strings.Contains(local, "@") || strings.Contains(local, "{domain}") {
		return fault.Invalid(field, "the part before @{domain} must not hold another @ or {domain}")
	}
	if !strings.Contains(local, "{client}") && !strings.Contains(local, "{platform}") && !strings.Contains(local, "{name}") {
		return fault.Invalid(field, "the part before @{domain} must use {client}, {platform} or {name}, or every identity would get the same address")
	}
	sample := strings.NewReplacer("{client}", "acme", "{platform}", "meta-ads", "{name}", "jane").Replace(local)
	if !localPart.MatchString(sample) || strings.Contains(sample, "..") {
		return fault.Invalid(field, "the part before @{domain} may only hold lowercase letters, digits, '.', '_', '+' and '-' besides placeholders")
	}
	return nil
}

// UpdateSettings changes the agency's settings (owner only). A new expiry window applies to
// every request still PENDING as well as to new ones: each expires at its creation time plus
// the new window (the guide's remedy for "Request expired before I could review it"), and one
// thereby past due expires on the expiry job's next run, with the usual notification. A new
// naming template applies to managed identities created from now on. The change is audited
// with the values before and after and the number of pending requests rescheduled.
func UpdateSettings(ctx context.Context, idb bun.IDB, pending PendingRescheduler, actor *auth.Actor, in SettingsInput) (*Settings, error) {
	if err := actor.Require(auth.ActionChangeSettings); err != nil {
		return nil, err
	}
	if in.AccessRequestExpiryHours != nil {
		if h := *in.AccessRequestExpiryHours; h < MinExpiryHours || h > MaxExpiryHours {
			return nil, fault.Invalid("accessRequestExpiryHours", fmt.Sprintf("must be between %d and %d hours", MinExpiryHours, MaxExpiryHours))
		}
	}
	if in.NamingTemplate != nil {
		t := strings.TrimSpace(*in.NamingTemplate)
		if err := ValidateNamingTemplate(t); err != nil {
			return nil, err
		}
		in.NamingTemplate = &t
	}
	var out *Settings
	err := db.InTx(ctx, idb, func(ctx context.Context, tx bun.Tx) error {
		before, err := readSettings(ctx, tx, actor, "UPDATE")
		if err != nil {
			return err
		}
		next := *before
		if in.AccessRequestExpiryHours != nil {
			next.AccessRequestExpiryHours = *in.AccessRequestExpiryHours
		}
		if in.NamingTemplate != nil {
			next.NamingTemplate = *in.NamingTemplate
		}
		out = &next
		if next == *before {
			return nil
		}
		if _, err := tx.NewUpdate().Table("agencies").Where("id = ?", actor.AgencyID).
			Set("access_request_expiry_hours = ?", next.AccessRequestExpiryHours).Set("naming_template = ?", next.NamingTemplate).
			Exec(ctx); err != nil {
			return fmt.Errorf("agency: update settings: %w", err)
		}
		moved := 0
		if next.AccessRequestExpiryHours != before.AccessRequestExpiryHours {
			if moved, err = pending.RescheduleExpiry(ctx, tx, actor.AgencyID, next.AccessRequestExpiryHours); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, KindSettingsChanged, "agency", actor.AgencyID, map[string]any{"before": before, "after": next, "pendingRescheduled": moved})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
