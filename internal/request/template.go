package request

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/agency"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/tenant"
)

// MaxTemplateName bounds a role template's name.
const MaxTemplateName = 100

// RoleTemplate is a named, reusable access pattern client users pick when they submit.
type RoleTemplate struct {
	bun.BaseModel `bun:"table:role_templates,alias:rt"`

	ID                   uuid.UUID     `bun:"id,pk,type:uuid,default:gen_random_uuid()" json:"id"`
	AgencyID             uuid.UUID     `bun:"agency_id,type:uuid,notnull" json:"-"`
	Name                 string        `bun:"name,notnull" json:"name"`
	PlatformKey          string        `bun:"platform_key,notnull" json:"platform"`
	IdentityType         identity.Type `bun:"identity_type,notnull" json:"identityType"`
	DefaultJustification string        `bun:"default_justification,notnull" json:"defaultJustification"`
	CreatedBy            *uuid.UUID    `bun:"created_by,type:uuid" json:"createdBy"`
	CreatedAt            time.Time     `bun:"created_at,notnull,default:clock_timestamp()" json:"createdAt"`
	UpdatedAt            *time.Time    `bun:"updated_at" json:"updatedAt"`
	// DeletedAt is set by DeleteRoleTemplate; requests made from the template keep pointing at it.
	DeletedAt *time.Time `bun:"deleted_at" json:"-"`
}

// Audit kinds of role template changes.
const (
	KindRoleTemplateUpdated = "role_template.updated"
	KindRoleTemplateDeleted = "role_template.deleted"
)

// RoleTemplateInput is what createRoleTemplate takes.
type RoleTemplateInput struct {
	Name                 string
	Platform             string
	IdentityType         identity.Type
	DefaultJustification string
}

// errDuplicateTemplate leaves CreateRoleTemplate's transaction when the name is taken.
var errDuplicateTemplate = errors.New("request: duplicate role template name")

// CreateRoleTemplate adds a role template to the agency (owners and admins). Its name is
// unique within the agency, whatever its case: a clash is a CONFLICT naming the existing one.
// The platform must be in the catalog; it need not be OPERATIONAL yet (Submit checks that).
func (s *Service) CreateRoleTemplate(ctx context.Context, actor *auth.Actor, in RoleTemplateInput) (*RoleTemplate, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	name, err := auth.ValidateName("name", in.Name, MaxTemplateName)
	if err != nil {
		return nil, err
	}
	in.Platform = strings.TrimSpace(in.Platform)
	if in.Platform == "" {
		return nil, fault.Invalid("platform", "is required")
	}
	if !in.IdentityType.Valid() {
		return nil, fault.Invalid("identityType", "unknown identity type")
	}
	just := strings.TrimSpace(in.DefaultJustification)
	if utf8.RuneCountInString(just) > MaxJustification {
		return nil, fault.Invalid("defaultJustification", fmt.Sprintf("must be at most %d characters", MaxJustification))
	}
	if _, err := agency.GetPlatform(ctx, s.db, actor.AgencyID, in.Platform); err != nil {
		return nil, err
	}
	t := &RoleTemplate{AgencyID: actor.AgencyID, Name: name, PlatformKey: in.Platform, IdentityType: in.IdentityType, DefaultJustification: just}
	if actor.UserID != uuid.Nil {
		u := actor.UserID
		t.CreatedBy = &u
	}
	err = db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(t).Returning("*").Exec(ctx); err != nil {
			if db.IsCode(err, db.CodeUniqueViolation) {
				return errDuplicateTemplate
			}
			return fmt.Errorf("request: insert role template: %w", err)
		}
		return audit.Record(ctx, tx, actor, KindRoleTemplateCreated, "role_template", t.ID, map[string]any{
			"name": t.Name, "platform": t.PlatformKey, "identityType": t.IdentityType,
		})
	})
	if errors.Is(err, errDuplicateTemplate) {
		// The failed insert aborted the transaction: the existing template is looked up after.
		var existing uuid.UUID
		if err := tenant.Agency(actor.AgencyID).Select(s.db, (*RoleTemplate)(nil)).Column("id").
			Where("lower(name) = lower(?) AND deleted_at IS NULL", name).Scan(ctx, &existing); err != nil {
			return nil, fmt.Errorf("request: find duplicate role template: %w", err)
		}
		return nil, fault.Conflict(fmt.Sprintf("a role template named %q exists", name), existing.String())
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// RoleTemplates lists the agency's role templates by name; everyone in the agency, client
// users included, may read them.
func (s *Service) RoleTemplates(ctx context.Context, actor *auth.Actor) ([]RoleTemplate, error) {
	if err := actor.Require(auth.ActionReadAgency); err != nil {
		return nil, err
	}
	ts := []RoleTemplate{}
	if err := tenant.Agency(actor.AgencyID).Select(s.db, &ts).Where("rt.deleted_at IS NULL").OrderExpr("lower(rt.name), rt.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("request: list role templates: %w", err)
	}
	return ts, nil
}

// getTemplate returns a role template of the agency; an unknown one is bad input of Submit.
func getTemplate(ctx context.Context, idb bun.IDB, agencyID, id uuid.UUID) (*RoleTemplate, error) {
	t := new(RoleTemplate)
	err := tenant.Agency(agencyID).Select(idb, t).Where("rt.id = ? AND rt.deleted_at IS NULL", id).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.Invalid("roleTemplateId", "no such role template")
	}
	if err != nil {
		return nil, fmt.Errorf("request: get role template: %w", err)
	}
	return t, nil
}

// RoleTemplateUpdate changes some fields of a role template; nil fields stay as they are.
type RoleTemplateUpdate struct {
	Name                 *string
	Platform             *string
	IdentityType         *identity.Type
	DefaultJustification *string
}

// lockTemplate loads a live role template of the actor's agency under a row lock, or NOT_FOUND.
func lockTemplate(ctx context.Context, tx bun.IDB, actor *auth.Actor, id uuid.UUID) (*RoleTemplate, error) {
	t := new(RoleTemplate)
	err := tenant.Agency(actor.AgencyID).Select(tx, t).Where("rt.id = ? AND rt.deleted_at IS NULL", id).For("UPDATE").Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound("role template")
	}
	if err != nil {
		return nil, fmt.Errorf("request: lock role template: %w", err)
	}
	return t, nil
}

// UpdateRoleTemplate edits a role template (owners and admins) with the same rules as
// CreateRoleTemplate. Requests already submitted from it keep the platform, identity type and
// justification they were submitted with: they hold their own copy. Audited with the fields
// before and after.
func (s *Service) UpdateRoleTemplate(ctx context.Context, actor *auth.Actor, id uuid.UUID, in RoleTemplateUpdate) (*RoleTemplate, error) {
	if err := actor.Require(auth.ActionManage); err != nil {
		return nil, err
	}
	var t *RoleTemplate
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if t, err = lockTemplate(ctx, tx, actor, id); err != nil {
			return err
		}
		before := *t
		if err := in.apply(ctx, tx, t); err != nil {
			return err
		}
		if t.Name == before.Name && t.PlatformKey == before.PlatformKey && t.IdentityType == before.IdentityType && t.DefaultJustification == before.DefaultJustification {
			return nil
		}
		if err := saveTemplate(ctx, tx, t); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, KindRoleTemplateUpdated, "role_template", t.ID, map[string]any{
			"before": map[string]any{"name": before.Name, "platform": before.PlatformKey, "identityType": before.IdentityType},
			"after":  map[string]any{"name": t.Name, "platform": t.PlatformKey, "identityType": t.IdentityType},
		})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// apply checks the fields the update gives and sets them on t.
func (in RoleTemplateUpdate) apply(ctx context.Context, tx bun.IDB, t *RoleTemplate) error {
	var err error
	if in.Name != nil {
		if t.Name, err = auth.ValidateName("name", *in.Name, MaxTemplateName); err != nil {
			return err
		}
	}
	if in.Platform != nil {
		p := strings.TrimSpace(*in.Platform)
		if _, err := agency.GetPlatform(ctx, tx, t.AgencyID, p); err != nil {
			return err
		}
		t.PlatformKey = p
	}
	if in.IdentityType != nil {
		if !in.IdentityType.Valid() {
			return fault.Invalid("identityType", "unknown identity type")
		}
		t.IdentityType = *in.IdentityType
	}
	if in.DefaultJustification != nil {
		just := strings.TrimSpace(*in.DefaultJustification)
		if utf8.RuneCountInString(just) > MaxJustification {
			return fault.Invalid("defaultJustification", fmt.Sprintf("must be at most %d characters", MaxJustification))
		}
		t.DefaultJustification = just
	}
	return nil
}

// saveTemplate stores a changed template, unless another live template of the agency holds its
// name (CONFLICT naming it).
func saveTemplate(ctx context.Context, tx bun.IDB, t *RoleTemplate) error {
	var holder uuid.UUID
	err := tenant.Agency(t.AgencyID).Select(tx, (*RoleTemplate)(nil)).Column("id").
		Where("lower(name) = lower(?) AND id <> ? AND deleted_at IS NULL", t.Name, t.ID).Limit(1).Scan(ctx, &holder)
	if err == nil {
		return fault.Conflict(fmt.Sprintf("a role template named %q exists", t.Name), holder.String())
	}
	if !db.IsNoRows(err) {
		return fmt.Errorf("request: check role template name: %w", err)
	}
	if _, err := tenant.Agency(t.AgencyID).Update(tx, t).WherePK().
		Set("name = ?", t.Name).Set("platform_key = ?", t.PlatformKey).Set("identity_type = ?", t.IdentityType).
		Set("default_justification = ?", t.DefaultJustification).Set("updated_at = clock_timestamp()").
		Returning("*").Exec(ctx); err != nil {
		if db.IsCode(err, db.CodeUniqueViolation) {
			return fault.Conflict(fmt.Sprintf("a role template named %q exists", t.Name), "")
		}
		return fmt.Errorf("request: update role template: %w", err)
	}
	return nil
}

// DeleteRoleTemplate removes a role template from the list client users pick from (owners and
// admins). It is kept as a row, so that requests made from it still name it; its name becomes
// free for a new template. Audited.
func (s *Service) DeleteRoleTemplate(ctx context.Context, actor *auth.Actor, id uuid.UUID) error {
	if err := actor.Require(auth.ActionManage); err != nil {
		return err
	}
	return db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		t, err := lockTemplate(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if _, err := tenant.Agency(t.AgencyID).Update(tx, t).WherePK().Set("deleted_at = clock_timestamp()").Exec(ctx); err != nil {
			return fmt.Errorf("request: delete role template: %w", err)
		}
		return audit.Record(ctx, tx, actor, KindRoleTemplateDeleted, "role_template", t.ID, map[string]any{"name": t.Name, "platform": t.PlatformKey})
	})
}
