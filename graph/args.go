package graph

import (
	"time"

	"github.com/google/uuid"

	"github.com/accesshive/accesshive/graph/model"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/page"
	"github.com/accesshive/accesshive/internal/request"
)

// This file turns GraphQL arguments into the domain's inputs. A malformed argument is
// BAD_USER_INPUT naming its field, before the domain is called.

// parseID parses an ID argument; a malformed one is BAD_USER_INPUT naming the field.
func parseID(field, s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return uuid.Nil, fault.Invalid(field, "malformed id")
	}
	return id, nil
}

// optionalID parses an optional ID argument.
func optionalID(field string, s *string) (*uuid.UUID, error) {
	if s == nil {
		return nil, nil
	}
	id, err := parseID(field, *s)
	if err != nil {
		return nil, err
	}
	return &id, nil
}

// idOrNil parses an optional ID argument into uuid.Nil when it is absent.
func idOrNil(field string, s *string) (uuid.UUID, error) {
	id, err := optionalID(field, s)
	if id == nil {
		return uuid.Nil, err
	}
	return *id, nil
}

// parseIDs parses a list of IDs, all named field in errors.
func parseIDs(field string, ss []string) ([]uuid.UUID, error) {
	ids := make([]uuid.UUID, len(ss))
	for i, s := range ss {
		var err error
		if ids[i], err = parseID(field, s); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func pageArgs(first *int, after *string) page.Args {
	var a page.Args
	if first != nil {
		a.First = *first
		if a.First == 0 {
			// page.Args reads 0 as "not given"; an explicit 0 is out of range.
			a.First = -1
		}
	}
	if after != nil {
		a.After = *after
	}
	return a
}

// isTrue reads an optional flag, absent meaning false.
func isTrue(b *bool) bool { return b != nil && *b }

// intOr reads an optional number, absent meaning def.
func intOr(n *int, def int) int {
	if n == nil {
		return def
	}
	return *n
}

// reportLimit reads directorySyncReports' limit: 10 when absent, at most 100.
func reportLimit(limit *int) (int, error) {
	n := intOr(limit, 10)
	if n < 1 || n > 100 {
		return 0, fault.Invalid("limit", "must be between 1 and 100")
	}
	return n, nil
}

// enum converts an optional GraphQL enum to the domain's type, "" when absent.
func enum[D, M ~string](m *M) D {
	if m == nil {
		return ""
	}
	return D(*m)
}

// optionalEnum converts an optional GraphQL enum to the domain's optional value.
func optionalEnum[D, M ~string](m *M) *D {
	if m == nil {
		return nil
	}
	d := D(*m)
	return &d
}

// names converts a list of GraphQL enums to their names.
func names[M ~string](ms []M) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}

func newUserInput(input model.CreateUserInput) (auth.NewUser, error) {
	clientID, err := idOrNil("clientId", input.ClientID)
	return auth.NewUser{
		Email: input.Email, Name: input.Name, Password: input.Password, Role: auth.Role(input.Role), ClientID: clientID,
	}, err
}

func inviteInput(input model.InviteUserInput) (auth.InviteInput, error) {
	clientID, err := idOrNil("clientId", input.ClientID)
	return auth.InviteInput{Email: input.Email, Name: input.Name, Role: auth.Role(input.Role), ClientID: clientID}, err
}

func createIdentityInput(input model.CreateIdentityInput) (identity.CreateInput, error) {
	clientID, err := optionalID("clientId", input.ClientID)
	return identity.CreateInput{
		ClientID: clientID, Platform: enum[string](input.Platform), Type: identity.Type(input.Type),
		DisplayName: deref(input.DisplayName), Username: deref(input.Username),
		Password: deref(input.Password), Token: deref(input.Token), TOTPSecret: deref(input.TotpSecret),
		LoginURL: deref(input.LoginURL), Notes: deref(input.Notes), TokenExpiresAt: input.TokenExpiresAt,
	}, err
}

func submitInput(input model.SubmitAccessRequestInput) (request.SubmitInput, error) {
	templateID, err := optionalID("roleTemplateId", input.RoleTemplateID)
	return request.SubmitInput{
		Justification: deref(input.Justification), Platform: enum[string](input.Platform),
		IdentityType: enum[identity.Type](input.IdentityType), RoleTemplateID: templateID,
	}, err
}

// approvalCredentials are the credentials an approver typed for the identity to create, if any.
func approvalCredentials(c *model.ApprovalCredentialsInput) *request.Credentials {
	if c == nil {
		return nil
	}
	return &request.Credentials{Username: deref(c.Username), Password: deref(c.Password),
		Token: deref(c.Token), TOTPSecret: deref(c.TotpSecret)}
}

func roleTemplateUpdate(input model.UpdateRoleTemplateInput) request.RoleTemplateUpdate {
	return request.RoleTemplateUpdate{
		Name: input.Name, DefaultJustification: input.DefaultJustification,
		Platform: optionalEnum[string](input.Platform), IdentityType: optionalEnum[identity.Type](input.IdentityType),
	}
}

func auditFilter(identityID, userID, kind *string, since, until *time.Time) (audit.Filter, error) {
	f := audit.Filter{Kind: deref(kind), Since: since, Until: until}
	var err error
	if f.IdentityID, err = optionalID("identityId", identityID); err != nil {
		return f, err
	}
	f.UserID, err = optionalID("userId", userID)
	return f, err
}
