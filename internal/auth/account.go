package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/agency/lookup"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/tenant"
)

// Audit kinds of account actions. Their data never holds a token or a password.
const (
	KindUserInvited          = "user.invited"
	KindPasswordSet          = "user.password_set"
	KindPasswordChanged      = "user.password_changed"
	KindPasswordResetSent    = "user.password_reset_sent"
	KindEmailChangeRequested = "user.email_change_requested"
	KindEmailChanged         = "user.email_changed"
	KindEmailChangeRefused   = "user.email_change_refused"
	KindUserCreated          = "user.created"
)

// TokenPurpose is what a one-time link does.
type TokenPurpose string

// The purposes of one-time links.
const (
	PurposeInvitation    TokenPurpose = "INVITATION"
	PurposePasswordReset TokenPurpose = "PASSWORD_RESET"
	PurposeEmailChange   TokenPurpose = "EMAIL_CHANGE"
)

// Lifetimes of one-time links.
const (
	SetPasswordLinkTTL = 72 * time.Hour
	EmailChangeLinkTTL = 24 * time.Hour
)

// Limits of the account operations, per window; each names what it counts.
type accountLimit struct {
	key    string
	limit  int
	window time.Duration
}

var (
	limInvitePerActor      = accountLimit{"invite:actor:", 30, time.Hour}
	limResetPerActor       = accountLimit{"pwreset:actor:", 20, time.Hour}
	limResetPerTarget      = accountLimit{"pwreset:user:", 5, time.Hour}
	limChangePerUser       = accountLimit{"pwchange:user:", 5, 15 * time.Minute}
	limLinkPerIP           = accountLimit{"link:ip:", 30, 15 * time.Minute}
	limProfilePerUser      = accountLimit{"profile:user:", 10, time.Hour}
	limEmailChangePerUser  = accountLimit{"emailchange:user:", 3, time.Hour}
	errBadToken            = fault.Invalid("token", "this link is invalid, was already used or has expired; ask for a new one")
	errLoginTaken          = errors.New("auth: address signs in for another user")
	errAddressUsedInAgency = fault.Invalid("email", "is already used by another user")
)

// MailFunc delivers one plain-text message; the account operations send their links through it.
type MailFunc func(ctx context.Context, to, subject, body string) error

// WithMail makes the service send account links through mail, pointing at publicURL (the
// console's address, e.g. https://accesshive.example.com). Without it links are not sent.
func (s *Service) WithMail(mail MailFunc, publicURL string) *Service {
	s.mail = mail
	s.publicURL = strings.TrimRight(publicURL, "/")
	if s.publicURL == "" {
		s.publicURL = "http://127.0.0.1:8080"
	}
	return s
}

func (s *Service) allow(ctx context.Context, l accountLimit, who string) error {
	ok, wait, err := s.limiter.Allow(ctx, l.key+who, l.limit, l.window)
	if err != nil {
		return err
	}
	if !ok {
		secs := int(wait.Seconds()) + 1
		return fault.RateLimited(fmt.Sprintf("too many attempts; try again in %d seconds", secs), secs)
	}
	return nil
}

// newToken returns a random token (a session's or a link's) and its stored hash.
func newToken() (string, []byte, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, fmt.Errorf("auth: random token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	return token, hashToken(token), nil
}

// accountToken is one row of account_tokens.
type accountToken struct {
	bun.BaseModel `bun:"table:account_tokens,alias:at"`

	ID        uuid.UUID    `bun:"id,pk,type:uuid,default:gen_random_uuid()"`
	AgencyID  uuid.UUID    `bun:"agency_id,type:uuid,notnull"`
	UserID    uuid.UUID    `bun:"user_id,type:uuid,notnull"`
	Purpose   TokenPurpose `bun:"purpose,notnull"`
	TokenHash []byte       `bun:"token_hash,notnull"`
	NewEmail  *string      `bun:"new_email"`
	CreatedBy *uuid.UUID   `bun:"created_by,type:uuid"`
	ExpiresAt time.Time    `bun:"expires_at,notnull"`
	UsedAt    *time.Time   `bun:"used_at"`
	RevokedAt *time.Time   `bun:"revoked_at"`
}

// issueToken revokes the user's open links of the given purposes and stores a new one,
// returning its token (which only the email will carry).
func issueToken(ctx context.Context, tx bun.IDB, actor *Actor, userID uuid.UUID, purpose TokenPurpose, newEmail string, ttl time.Duration) (string, error) {
	if err := revokeTokens(ctx, tx, actor.AgencyID, userID, purpose); err != nil {
		return "", err
	}
	token, hash, err := newToken()
	if err != nil {
		return "", err
	}
	row := &accountToken{AgencyID: actor.AgencyID, UserID: userID, Purpose: purpose, TokenHash: hash, ExpiresAt: time.Now().Add(ttl)}
	if newEmail != "" {
		row.NewEmail = &newEmail
	}
	if actor.UserID != uuid.Nil {
		by := actor.UserID
		row.CreatedBy = &by
	}
	if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
		return "", fmt.Errorf("auth: insert link: %w", err)
	}
	return token, nil
}

// revokeTokens ends the user's open links of the given purposes (all when none given).
func revokeTokens(ctx context.Context, tx bun.IDB, agencyID, userID uuid.UUID, purposes ...TokenPurpose) error {
	q := tenant.Agency(agencyID).UpdateTable(tx, "account_tokens").Set("revoked_at = now()").
		Where("user_id = ? AND used_at IS NULL AND revoked_at IS NULL", userID)
	if len(purposes) > 0 {
		q = q.Where("purpose IN (?)", bun.List(purposes))
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("auth: revoke links: %w", err)
	}
	return nil
}

// redeem finds a live link by its token under a row lock, for an active user, or errBadToken:
// unknown, expired, used, revoked and deactivated all answer the same.
func redeem(ctx context.Context, tx bun.IDB, token string, purposes ...TokenPurpose) (*accountToken, *User, error) {
	if token == "" || len(token) > 100 {
		return nil, nil, errBadToken
	}
	t := new(accountToken)
	err := tx.NewSelect().Model(t).Where("token_hash = ?", hashToken(token)).
		Where("purpose IN (?)", bun.List(purposes)).
		Where("used_at IS NULL AND revoked_at IS NULL AND expires_at > now()").
		Comment(tenant.AllAgencies("a link is looked up by its token's hash before its agency is known")).
		For("UPDATE").Scan(ctx)
	if db.IsNoRows(err) {
		return nil, nil, errBadToken
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: find link: %w", err)
	}
	u := new(User)
	if err := lockUser(ctx, tx, t.AgencyID, t.UserID, u); err != nil {
		return nil, nil, err
	}
	if u.DeactivatedAt != nil {
		return nil, nil, errBadToken
	}
	return t, u, nil
}

// setPasswordHash stores u's new password hash.
func setPasswordHash(ctx context.Context, idb bun.IDB, u *User, hash string) error {
	_, err := tenant.Agency(u.AgencyID).UpdateTable(idb, "users").Set("password_hash = ?", hash).Where("id = ?", u.ID).Exec(ctx)
	return err
}

func markUsed(ctx context.Context, tx bun.IDB, t *accountToken) error {
	if _, err := tenant.Agency(t.AgencyID).UpdateTable(tx, "account_tokens").Set("used_at = now()").Where("id = ?", t.ID).Exec(ctx); err != nil {
		return fmt.Errorf("auth: use link: %w", err)
	}
	return nil
}

// send mails a message after commit. A failure is logged without the body (which carries the
// link) and returned.
func (s *Service) send(ctx context.Context, to, subject, body string) error {
	if s.mail == nil {
		s.log.WarnContext(ctx, "account mail not configured; link not sent", "subject", subject)
		return nil
	}
	if err := s.mail(ctx, to, subject, body); err != nil {
		s.log.ErrorContext(ctx, "account mail failed", "subject", subject, "error", err)
		return fmt.Errorf("auth: send %q: %w", subject, err)
	}
	return nil
}

func (s *Service) setPasswordLink(token string) string {
	return s.publicURL + "/set-password?token=" + token
}

func (s *Service) mailSetPassword(ctx context.Context, to string, purpose TokenPurpose, agencyName, token string) error {
	link := s.setPasswordLink(token)
	if purpose == PurposeInvitation {
		return s.send(ctx, to, "Your AccessHive invitation",
			fmt.Sprintf("You have been invited to %s on AccessHive.\n\nChoose your password here (the link works once, for 72 hours):\n%s\n\nIf you did not expect this, ignore this message.\n", agencyName, link))
	}
	return s.send(ctx, to, "Reset your AccessHive password",
		fmt.Sprintf("An administrator of %s reset your AccessHive password and ended your sessions.\n\nChoose a new password here (the link works once, for 72 hours):\n%s\n", agencyName, link))
}

// InviteInput is what inviteUser takes.
type InviteInput struct {
	Email string
	Name  string
	Role  Role
	// ClientID is required for CLIENT_USER and refused for staff roles.
	ClientID uuid.UUID
}

// Invite creates a user without a password in the actor's agency (owners and admins; only an
// owner invites an owner) and emails a one-time link to set one. The answer is the same
// whether or not the address signs in for a user of another agency: the invitation reserves
// nothing, and only the person who follows the link can learn that (CompletePasswordSetup). An
// address already used in the actor's own agency is BAD_USER_INPUT, as createUser says.
func (s *Service) Invite(ctx context.Context, actor *Actor, in InviteInput) (*User, error) {
	if err := actor.Require(ActionManage); err != nil {
		return nil, err
	}
	if in.Role == RoleOwner && actor.Role != RoleOwner {
		return nil, fault.Forbidden("only an agency owner can invite another owner")
	}
	if err := s.allow(ctx, limInvitePerActor, actor.UserID.String()); err != nil {
		return nil, err
	}
	return s.invite(ctx, actor, in)
}

func (s *Service) invite(ctx context.Context, actor *Actor, in InviteInput) (*User, error) {
	var (
		u     *User
		token string
		name  string
	)
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if u, err = prepareUser(ctx, tx, actor.AgencyID, NewUser{Email: in.Email, Name: in.Name, Role: in.Role, ClientID: in.ClientID}, false); err != nil {
			return err
		}
		if err := insertPrepared(ctx, tx, u); err != nil {
			return err
		}
		if token, err = issueToken(ctx, tx, actor, u.ID, PurposeInvitation, "", SetPasswordLinkTTL); err != nil {
			return err
		}
		if name, err = lookup.AgencyName(ctx, tx, actor.AgencyID); err != nil {
			return err
		}
		return recordAudit(ctx, tx, actor, KindUserInvited, "user", u.ID, map[string]any{"email": u.Email, "role": u.Role, "clientId": u.ClientID})
	})
	if err != nil {
		return nil, err
	}
	// The user exists; a failed mail is logged and a new link can be sent (sendPasswordReset).
	_ = s.mailSetPassword(ctx, u.Email, PurposeInvitation, name, token)
	return u, nil
}

// CreateUser is createUser: a user with a password set by an owner or admin (the CLI and
// tests). When the address already signs in for a user of another agency, the user is created
// as an invitation instead (no password; a link goes to the address), with the same answer and
// the same audit event as for a free address, so that no agency learns which addresses others
// use. Both are audited as "user.created".
func (s *Service) CreateUser(ctx context.Context, actor *Actor, in NewUser) (*User, error) {
	if err := actor.Require(ActionManage); err != nil {
		return nil, err
	}
	if in.Role == RoleOwner && actor.Role != RoleOwner {
		return nil, fault.Forbidden("only an agency owner can create another owner")
	}
	var (
		u           *User
		token, name string
	)
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		var err error
		u, err = insertUser(ctx, tx, actor.AgencyID, in)
		if errors.Is(err, errLoginTaken) {
			if u, err = prepareUser(ctx, tx, actor.AgencyID, NewUser{Email: in.Email, Name: in.Name, Role: in.Role, ClientID: in.ClientID}, false); err != nil {
				return err
			}
			if err = insertPrepared(ctx, tx, u); err != nil {
				return err
			}
			if token, err = issueToken(ctx, tx, actor, u.ID, PurposeInvitation, "", SetPasswordLinkTTL); err != nil {
				return err
			}
			if name, err = lookup.AgencyName(ctx, tx, actor.AgencyID); err != nil {
				return err
			}
		}
		if err != nil {
			return err
		}
		return recordAudit(ctx, tx, actor, KindUserCreated, "user", u.ID, map[string]any{"email": u.Email, "role": u.Role, "clientId": u.ClientID})
	})
	if err != nil {
		return nil, err
	}
	if token != "" {
		// Sent in the background, so that the answer takes no longer than for a free address.
		go func() { _ = s.mailSetPassword(context.WithoutCancel(ctx), u.Email, PurposeInvitation, name, token) }()
	}
	return u, nil
}

// CompletePasswordSetup sets a password through an invitation or reset link, without a
// session. Unknown, expired, used and revoked links, and links of deactivated users, all
// answer the same BAD_USER_INPUT on "token". Every session of the user ends and every other
// open set-password link dies. Attempts are limited per address.
func (s *Service) CompletePasswordSetup(ctx context.Context, token, password, ip, userAgent string) error {
	if err := s.allow(ctx, limLinkPerIP, ip); err != nil {
		return err
	}
	if err := ValidatePassword("password", password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	var refused error
	err = db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		t, u, err := redeem(ctx, tx, token, PurposeInvitation, PurposePasswordReset)
		if err != nil {
			return err
		}
		actor := &Actor{UserID: u.ID, AgencyID: u.AgencyID, Role: u.Role, IP: ip, UserAgent: userAgent}
		// In a savepoint: when the address meanwhile signs in for a user of another agency,
		// the link is spent and the person told, which only the mailbox's owner can be.
		err = db.InTx(ctx, tx, func(ctx context.Context, sp bun.Tx) error {
			return setPasswordHash(ctx, sp, u, hash)
		})
		if db.IsCode(err, db.CodeUniqueViolation) {
			refused = fault.Invalid("token", "this address already signs in to another AccessHive account; ask the agency that invited you to use another address")
		} else if err != nil {
			return fmt.Errorf("auth: set password: %w", err)
		}
		if err := markUsed(ctx, tx, t); err != nil {
			return err
		}
		if refused != nil {
			return recordAudit(ctx, tx, actor, KindPasswordSet, "user", u.ID, map[string]any{"via": t.Purpose, "refused": "address signs in elsewhere"})
		}
		if err := revokeTokens(ctx, tx, u.AgencyID, u.ID, PurposeInvitation, PurposePasswordReset); err != nil {
			return err
		}
		if err := RevokeUserSessions(ctx, tx, u.AgencyID, u.ID); err != nil {
			return err
		}
		return recordAudit(ctx, tx, actor, KindPasswordSet, "user", u.ID, map[string]any{"via": t.Purpose})
	})
	if err != nil {
		return err
	}
	return refused
}

// ChangePassword changes the actor's own password; the current one is required. Every other
// session of the user ends (this one stays) and open reset links die. Attempts are limited
// per user, since each one tests a password.
func (s *Service) ChangePassword(ctx context.Context, actor *Actor, current, next string) error {
	if err := s.allow(ctx, limChangePerUser, actor.UserID.String()); err != nil {
		return err
	}
	if len(current) > MaxPasswordLen {
		return fault.Invalid("currentPassword", "is not your current password")
	}
	if err := ValidatePassword("newPassword", next); err != nil {
		return err
	}
	if current == next {
		return fault.Invalid("newPassword", "must differ from the current password")
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		u := new(User)
		if err := lockUser(ctx, tx, actor.AgencyID, actor.UserID, u); err != nil {
			return err
		}
		if u.PasswordHash == "" || !checkPassword(current, u.PasswordHash) {
			return fault.Invalid("currentPassword", "is not your current password")
		}
		if err := setPasswordHash(ctx, tx, u, hash); err != nil {
			return fmt.Errorf("auth: change password: %w", err)
		}
		if _, err := tenant.Agency(u.AgencyID).UpdateTable(tx, "sessions").Set("revoked_at = now()").
			Where("user_id = ? AND revoked_at IS NULL AND id <> ?", u.ID, actor.SessionID).Exec(ctx); err != nil {
			return fmt.Errorf("auth: end other sessions: %w", err)
		}
		if err := revokeTokens(ctx, tx, u.AgencyID, u.ID, PurposeInvitation, PurposePasswordReset); err != nil {
			return err
		}
		return recordAudit(ctx, tx, actor, KindPasswordChanged, "user", u.ID, nil)
	})
}

// SendPasswordReset ends another user's sessions and password (owners and admins, for users of
// their agency; only an owner resets an owner) and emails them a one-time link to choose a new
// one. For a user who never set a password it sends a fresh invitation instead. Nobody resets
// themselves this way (changePassword), and a deactivated user is a CONFLICT.
func (s *Service) SendPasswordReset(ctx context.Context, actor *Actor, userID uuid.UUID) error {
	if err := actor.Require(ActionManage); err != nil {
		return err
	}
	if userID == actor.UserID {
		return fault.Forbidden("change your own password with changePassword")
	}
	if err := s.allow(ctx, limResetPerActor, actor.UserID.String()); err != nil {
		return err
	}
	var (
		u       = new(User)
		token   string
		name    string
		purpose = PurposePasswordReset
	)
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		if err := lockUser(ctx, tx, actor.AgencyID, userID, u); err != nil {
			return err
		}
		if u.Role == RoleOwner && actor.Role != RoleOwner {
			return fault.Forbidden("only an agency owner can reset an owner's password")
		}
		if u.DeactivatedAt != nil {
			return fault.Conflict("this user is deactivated", u.ID.String())
		}
		if err := s.allow(ctx, limResetPerTarget, u.ID.String()); err != nil {
			return err
		}
		if u.PasswordHash == "" {
			purpose = PurposeInvitation
		} else if err := lockPassword(ctx, tx, u); err != nil {
			return err
		}
		if err := RevokeUserSessions(ctx, tx, u.AgencyID, u.ID); err != nil {
			return err
		}
		var err error
		if token, err = issueToken(ctx, tx, actor, u.ID, purpose, "", SetPasswordLinkTTL); err != nil {
			return err
		}
		if name, err = lookup.AgencyName(ctx, tx, actor.AgencyID); err != nil {
			return err
		}
		return recordAudit(ctx, tx, actor, KindPasswordResetSent, "user", u.ID, map[string]any{"purpose": purpose})
	})
	if err != nil {
		return err
	}
	return s.mailSetPassword(ctx, u.Email, purpose, name, token)
}

// lockPassword makes u's password stop working now. It is replaced by a random one, not an
// empty one, so that the address keeps signing in for this user and nobody else can take it.
func lockPassword(ctx context.Context, tx bun.IDB, u *User) error {
	randomPw, _, err := newToken()
	if err != nil {
		return err
	}
	locked, err := HashPassword(randomPw)
	if err != nil {
		return err
	}
	if err := setPasswordHash(ctx, tx, u, locked); err != nil {
		return fmt.Errorf("auth: lock password: %w", err)
	}
	return nil
}

// requestEmailChange stores a pending change of the actor's login address and returns the
// link's token. It is called inside UpdateProfile's transaction; it does not look at whether
// the address is used, so the answer and the work are the same either way.
func requestEmailChange(ctx context.Context, tx bun.IDB, actor *Actor, u *User, email string) (string, error) {
	token, err := issueToken(ctx, tx, actor, u.ID, PurposeEmailChange, email, EmailChangeLinkTTL)
	if err != nil {
		return "", err
	}
	return token, recordAudit(ctx, tx, actor, KindEmailChangeRequested, "user", u.ID, map[string]any{"newEmail": email})
}

func (s *Service) mailEmailChange(ctx context.Context, oldEmail, newEmail, token string) {
	link := s.publicURL + "/confirm-email?token=" + token
	_ = s.send(ctx, newEmail, "Confirm your new AccessHive email address",
		fmt.Sprintf("Someone asked to make %s the login address of an AccessHive account.\n\nIf it was you, confirm it here (the link works once, for 24 hours):\n%s\n\nIf not, ignore this message: nothing changes.\n", newEmail, link))
	_ = s.send(ctx, oldEmail, "Your AccessHive email address is about to change",
		"A change of your AccessHive login address was requested. It takes effect only when the link sent to the new address is followed. If you did not ask for it, change your password.\n")
}

// ConfirmEmailChange follows an email-change link, without a session: the user's login address
// becomes the one the link was sent to. Unknown, expired, used and revoked links all answer the
// same BAD_USER_INPUT on "token". When the address meanwhile became another user's, the link
// is spent and the follower — who owns that mailbox — is told; nothing changes.
func (s *Service) ConfirmEmailChange(ctx context.Context, token, ip, userAgent string) error {
	if err := s.allow(ctx, limLinkPerIP, ip); err != nil {
		return err
	}
	var refused error
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		t, u, err := redeem(ctx, tx, token, PurposeEmailChange)
		if err != nil {
			return err
		}
		actor := &Actor{UserID: u.ID, AgencyID: u.AgencyID, Role: u.Role, IP: ip, UserAgent: userAgent}
		err = db.InTx(ctx, tx, func(ctx context.Context, sp bun.Tx) error {
			_, err := tenant.Agency(u.AgencyID).UpdateTable(sp, "users").Set("email = ?", *t.NewEmail).Where("id = ?", u.ID).Exec(ctx)
			return err
		})
		if db.IsCode(err, db.CodeUniqueViolation) {
			refused = fault.Invalid("token", "this address is already used by another AccessHive account; nothing changed")
		} else if err != nil {
			return fmt.Errorf("auth: change email: %w", err)
		}
		if err := markUsed(ctx, tx, t); err != nil {
			return err
		}
		if refused != nil {
			return recordAudit(ctx, tx, actor, KindEmailChangeRefused, "user", u.ID, map[string]any{"newEmail": *t.NewEmail})
		}
		return recordAudit(ctx, tx, actor, KindEmailChanged, "user", u.ID, map[string]any{"from": u.Email, "to": *t.NewEmail})
	})
	if err != nil {
		return err
	}
	return refused
}

// PendingEmail returns the address the user's open email-change link would move its login
// to, or "" when there is none.
func PendingEmail(ctx context.Context, idb bun.IDB, actor *Actor) (string, error) {
	var email string
	err := tenant.Agency(actor.AgencyID).SelectTable(idb, "account_tokens", "").Column("new_email").
		Where("user_id = ? AND purpose = ?", actor.UserID, PurposeEmailChange).
		Where("used_at IS NULL AND revoked_at IS NULL AND expires_at > now()").
		OrderExpr("created_at DESC").Limit(1).Scan(ctx, &email)
	if db.IsNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("auth: pending email: %w", err)
	}
	return email, nil
}
