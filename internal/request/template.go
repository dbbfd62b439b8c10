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
}

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
		if err := s.db.NewSelect().Model((*RoleTemplate)(nil)).Column("id").
			Where("agency_id = ? AND lower(name) = lower(?)", actor.AgencyID, name).Scan(ctx, &existing); err != nil {
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
	if err := s.db.NewSelect().Model(&ts).Where("rt.agency_id = ?", actor.AgencyID).OrderExpr("lower(rt.name), rt.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("request: list role templates: %w", err)
	}
	return ts, nil
}

// getTemplate returns a role template of the agency; an unknown one is bad input of Submit.
func getTemplate(ctx context.Context, idb bun.IDB, agencyID, id uuid.UUID) (*RoleTemplate, error) {
	t := new(RoleTemplate)
	err := idb.NewSelect().Model(t).Where("rt.agency_id = ? AND rt.id = ?", agencyID, id).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.Invalid("roleTemplateId", "no such role template")
	}
	if err != nil {
		return nil, fmt.Errorf("request: get role template: %w", err)
	}
	return t, nil
}
