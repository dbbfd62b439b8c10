package auth

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/page"
	"github.com/accesshive/accesshive/internal/tenant"
)

// User is a person who logs in; it belongs to one agency.
type User struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID            uuid.UUID  `bun:"id,pk,type:uuid,default:gen_random_uuid()"`
	AgencyID      uuid.UUID  `bun:"agency_id,type:uuid,notnull"`
	Email         string     `bun:"email,notnull"`
	Name          string     `bun:"name,notnull"`
	Role          Role       `bun:"role,notnull"`
	ClientID      *uuid.UUID `bun:"client_id,type:uuid"`
	PasswordHash  string     `bun:"password_hash,notnull"`
	DeactivatedAt *time.Time `bun:"deactivated_at"`
	CreatedAt     time.Time  `bun:"created_at,notnull,default:now()"`
}

// NewUser is what creating a user takes.
type NewUser struct {
	Email    string
	Name     string
	Password string
	Role     Role
	// ClientID is required for CLIENT_USER and refused for staff roles.
	ClientID uuid.UUID
}

// NormalizeEmail validates an email address and returns it trimmed and lowercased.
func NormalizeEmail(field, email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return "", fault.Invalid(field, "is required")
	}
	if len(email) > 254 {
		return "", fault.Invalid(field, "must be at most 254 characters")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || !strings.Contains(email, "@") {
		return "", fault.Invalid(field, "must be a plain email address")
	}
	return strings.ToLower(email), nil
}

// ValidateName checks a name (of a user, agency, client, identity, role template…): 1 to max
// characters after trimming, all of them printable text. It is the one rule of every name
// field: names are shown in lists, mail subjects and audit trails, where a line break could
// forge a header or a line, a control character corrupt a terminal or log, and a bidirectional
// override make "exe.txt" read as "txt.exe".
func ValidateName(field, name string, max int) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", fault.Invalid(field, "is required")
	}
	if utf8.RuneCountInString(name) > max {
		return "", fault.Invalid(field, fmt.Sprintf("must be at most %d characters", max))
	}
	if err := CheckPrintable(field, name); err != nil {
		return "", err
	}
	return name, nil
}

// CheckPrintable refuses text that is not valid UTF-8 or holds a control character (line
// breaks and tabs included), a bidirectional control (overrides, embeddings, isolates, marks)
// or another invisible format character, as BAD_USER_INPUT on field.
func CheckPrintable(field, s string) error {
	if !utf8.ValidString(s) {
		return fault.Invalid(field, "must be valid UTF-8 text")
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			return fault.Invalid(field, "must not contain control characters or line breaks")
		case unicode.Is(unicode.Bidi_Control, r) || unicode.In(r, unicode.Cf) || r == '\u2028' || r == '\u2029':
			return fault.Invalid(field, "must not contain invisible or text-direction characters")
		case !unicode.IsPrint(r) && r != ' ':
			return fault.Invalid(field, "must be printable text")
		}
	}
	return nil
}

// CreateUser creates a user in the actor's agency. Owners and admins create users; only an
// owner creates another owner. A client user must name a client of the same agency.
func CreateUser(ctx context.Context, idb bun.IDB, actor *Actor, in NewUser) (*User, error) {
	if err := actor.Require(ActionManage); err != nil {
		return nil, err
	}
	if in.Role == RoleOwner && actor.Role != RoleOwner {
		return nil, fault.Forbidden("only an agency owner can create another owner")
	}
	return insertUser(ctx, idb, actor.AgencyID, in)
}

// CreateFirstOwner creates an agency's owner when bootstrapping (the create-agency command and
// dev seeding), without an actor.
func CreateFirstOwner(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, in NewUser) (*User, error) {
	in.Role = RoleOwner
	return insertUser(ctx, idb, agencyID, in)
}

// CreateSeedUser creates a user of any role without an actor; only dev seeding calls it.
func CreateSeedUser(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, in NewUser) (*User, error) {
	return insertUser(ctx, idb, agencyID, in)
}

func insertUser(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, in NewUser) (*User, error) {
	u, err := prepareUser(ctx, idb, agencyID, in, true)
	if err != nil {
		return nil, err
	}
	if u.PasswordHash, err = HashPassword(in.Password); err != nil {
		return nil, err
	}
	// In a savepoint, so that a caller's transaction survives an address that signs in
	// elsewhere (Service.CreateUser then invites instead).
	if err := db.InTx(ctx, idb, func(ctx context.Context, tx bun.Tx) error { return insertPrepared(ctx, tx, u) }); err != nil {
		return nil, err
	}
	return u, nil
}

// prepareUser validates a new user of the agency: its address (unused in the agency), name,
// role and client (a live client of the same agency, for a client user only).
func prepareUser(ctx context.Context, idb bun.IDB, agencyID uuid.UUID, in NewUser, withPassword bool) (*User, error) {
	email, err := NormalizeEmail("email", in.Email)
	if err != nil {
		return nil, err
	}
	name, err := ValidateName("name", in.Name, 200)
	if err != nil {
		return nil, err
	}
	if !in.Role.Valid() {
		return nil, fault.Invalid("role", "unknown role")
	}
	if withPassword {
		if err := ValidatePassword("password", in.Password); err != nil {
			return nil, err
		}
	}
	u := &User{AgencyID: agencyID, Email: email, Name: name, Role: in.Role}
	switch {
	case in.Role == RoleClientUser && in.ClientID == uuid.Nil:
		return nil, fault.Invalid("clientId", "is required for a CLIENT_USER")
	case in.Role != RoleClientUser && in.ClientID != uuid.Nil:
		return nil, fault.Invalid("clientId", "only a CLIENT_USER belongs to a client")
	case in.Role == RoleClientUser:
		// An archived (offboarded) client takes no new users.
		n, err := tenant.Agency(agencyID).SelectTable(idb, "clients", "").Where("id = ? AND archived_at IS NULL", in.ClientID).Count(ctx)
		if err != nil {
			return nil, fmt.Errorf("auth: check client: %w", err)
		}
		if n == 0 {
			return nil, fault.Invalid("clientId", "no such client")
		}
		c := in.ClientID
		u.ClientID = &c
	}
	// Within the agency an address is one user's (its users list shows them all anyway).
	n, err := tenant.Agency(agencyID).Select(idb, (*User)(nil)).Where("lower(email) = ?", email).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("auth: check email: %w", err)
	}
	if n > 0 {
		return nil, errAddressUsedInAgency
	}
	return u, nil
}

// insertPrepared inserts a prepared user. A clash with another agency's login is errLoginTaken
// (never shown: the caller invites instead); a clash within the agency is BAD_USER_INPUT.
func insertPrepared(ctx context.Context, tx bun.IDB, u *User) error {
	if _, err := tx.NewInsert().Model(u).Returning("*").Exec(ctx); err != nil {
		if db.IsCode(err, db.CodeUniqueViolation) {
			if db.ConstraintName(err) == "users_login_email_key" {
				return errLoginTaken
			}
			return errAddressUsedInAgency
		}
		return fmt.Errorf("auth: insert user: %w", err)
	}
	return nil
}

// GetUser returns a user of the actor's agency.
func GetUser(ctx context.Context, idb bun.IDB, actor *Actor, id uuid.UUID) (*User, error) {
	u := new(User)
	err := tenant.Agency(actor.AgencyID).Select(idb, u).Where("id = ?", id).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound("user")
	}
	if err != nil {
		return nil, fmt.Errorf("auth: get user: %w", err)
	}
	if actor.Role == RoleClientUser && u.ID != actor.UserID {
		return nil, fault.NotFound("user")
	}
	return u, nil
}

// Cursor is the user's position in lists.
func (u *User) Cursor() page.Cursor { return page.Cursor{At: u.CreatedAt, ID: u.ID} }

// ListUsers pages through the agency's users, oldest first (owners and admins only: emails and
// roles of colleagues are not a member's business).
func ListUsers(ctx context.Context, idb bun.IDB, actor *Actor, args page.Args) (page.Result[User], error) {
	if err := actor.Require(ActionReadStaff); err != nil {
		return page.Result[User]{}, err
	}
	var us []User
	q, first, err := page.Apply(actor.Tenant().Select(idb, &us), "u", args)
	if err != nil {
		return page.Result[User]{}, err
	}
	if err := q.Scan(ctx); err != nil {
		return page.Result[User]{}, fmt.Errorf("auth: list users: %w", err)
	}
	total, err := actor.Tenant().Select(idb, (*User)(nil)).Count(ctx)
	if err != nil {
		return page.Result[User]{}, fmt.Errorf("auth: count users: %w", err)
	}
	return page.Build(us, first, int(total), func(u User) page.Cursor { return u.Cursor() }), nil
}

// UsersByIDs maps each of ids that is a user of sc's agency to it (without its password
// hash), in one statement: what other packages' lists (requests, the reveal ledger) show of
// the people they point at, without reading this package's table themselves.
func UsersByIDs(ctx context.Context, idb bun.IDB, sc tenant.Scope, ids []uuid.UUID) (map[uuid.UUID]*User, error) {
	noHash := func(q *bun.SelectQuery) *bun.SelectQuery { return q.ExcludeColumn("password_hash") }
	m, err := tenant.ByIDs(ctx, idb, sc, ids, func(u *User) uuid.UUID { return u.ID }, noHash)
	if err != nil {
		return nil, fmt.Errorf("auth: users by ids: %w", err)
	}
	return m, nil
}
