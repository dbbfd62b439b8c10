package auth

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/config"
	"github.com/accesshive/accesshive/internal/event"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/tenant"
)

// Config tunes sessions and login limits.
type Config struct {
	// IdleTimeout ends a session not used for this long.
	IdleTimeout time.Duration
	// AbsoluteTimeout ends a session this long after login, used or not.
	AbsoluteTimeout time.Duration
	// LoginPerAccountIP bounds the login attempts on one account from one client address per
	// window: what stops guessing. Each time a pair reaches it, the pair's next window is twice
	// as long (back-off), up to LoginMaxWindow.
	LoginPerAccountIP int
	// LoginPerAccount bounds the attempts on one account from all addresses together per
	// LoginWindow: much higher than LoginPerAccountIP, so that a stranger at one address cannot
	// lock the real user out, while a guess spread over many addresses still ends.
	LoginPerAccount int
	// LoginPerIP bounds the attempts from one address on all accounts per LoginWindow.
	LoginPerIP     int
	LoginWindow    time.Duration
	LoginMaxWindow time.Duration
}

// DefaultConfig is used for zero fields.
var DefaultConfig = Config{
	IdleTimeout:       2 * time.Hour,
	AbsoluteTimeout:   24 * time.Hour,
	LoginPerAccountIP: 10,
	LoginPerAccount:   200,
	LoginPerIP:        100,
	LoginWindow:       15 * time.Minute,
	LoginMaxWindow:    24 * time.Hour,
}

// Session is a server-side login session; the cookie holds a random token whose SHA-256 is
// stored, so a leaked table does not hand out sessions.
type Session struct {
	bun.BaseModel `bun:"table:sessions,alias:s"`

	ID         uuid.UUID  `bun:"id,pk,type:uuid,default:gen_random_uuid()"`
	TokenHash  []byte     `bun:"token_hash,notnull"`
	UserID     uuid.UUID  `bun:"user_id,type:uuid,notnull"`
	AgencyID   uuid.UUID  `bun:"agency_id,type:uuid,notnull"`
	CreatedAt  time.Time  `bun:"created_at,notnull,default:now()"`
	LastSeenAt time.Time  `bun:"last_seen_at,notnull,default:now()"`
	ExpiresAt  time.Time  `bun:"expires_at,notnull"`
	RevokedAt  *time.Time `bun:"revoked_at"`
	IP         string     `bun:"ip,notnull"`
	UserAgent  string     `bun:"user_agent,notnull"`
}

// Service logs users in and out and turns session tokens into actors.
type Service struct {
	db      bun.IDB
	limiter *Limiter
	cfg     Config
	log     *slog.Logger
	// mail and publicURL send the account links (WithMail).
	mail      MailFunc
	publicURL string
}

// NewService returns the session service; zero fields of cfg take DefaultConfig's values.
func NewService(idb bun.IDB, limiter *Limiter, cfg Config, log *slog.Logger) *Service {
	cfg = config.WithDefaults(cfg, DefaultConfig)
	return &Service{db: idb, limiter: limiter, cfg: cfg, log: log, publicURL: "http://127.0.0.1:8080"}
}

// Config returns the service's effective configuration.
func (s *Service) Config() Config { return s.cfg }

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

var errBadLogin = fault.Unauthenticated("invalid email or password")

// Login checks an email and password and opens a session, returning its token. An unknown
// email, a wrong password and a deactivated user all get the same error after the same work.
func (s *Service) Login(ctx context.Context, email, password, ip, userAgent string) (string, *User, error) {
	key := strings.ToLower(strings.TrimSpace(email))
	if len(key) > 254 || len(password) > MaxPasswordLen {
		return "", nil, errBadLogin
	}
	pair := "login:pair:" + key + "|" + ip
	if err := s.allowLogin(ctx, key, pair, ip); err != nil {
		return "", nil, err
	}
	u := new(User)
	// Only a user holding a password signs in with an address (at most one, across agencies:
	// users_login_email_key); an invited user who has not chosen one yet does not.
	err := s.db.NewSelect().Model(u).Where("lower(email) = ? AND password_hash <> ''", key).
		Comment(tenant.AllAgencies("login finds the user by address before its agency is known")).Scan(ctx)
	if err != nil && !db.IsNoRows(err) {
		return "", nil, fmt.Errorf("auth: find user: %w", err)
	}
	if err != nil {
		checkPassword(password, dummyHash)
		return "", nil, errBadLogin
	}
	if !checkPassword(password, u.PasswordHash) || u.DeactivatedAt != nil {
		return "", nil, errBadLogin
	}
	_ = s.limiter.Reset(ctx, "login:account:"+key)
	_ = s.limiter.Reset(ctx, pair)
	_ = s.limiter.ResetStrikes(ctx, pair)
	token, sess, err := s.openSession(ctx, u, ip, userAgent)
	if err != nil {
		return "", nil, err
	}
	s.log.InfoContext(ctx, "login", "user_id", u.ID, "agency_id", u.AgencyID, "session_id", sess.ID)
	return token, u, nil
}

// allowLogin counts a login attempt against the limits of the account from this address (pair,
// with back-off), of the account and of the address, and refuses it with RATE_LIMITED past one.
func (s *Service) allowLogin(ctx context.Context, key, pair, ip string) error {
	pairWindow, err := s.limiter.BackoffWindow(ctx, pair, s.cfg.LoginWindow, s.cfg.LoginMaxWindow)
	if err != nil {
		return err
	}
	for _, lim := range []struct {
		key    string
		limit  int
		window time.Duration
	}{
		{pair, s.cfg.LoginPerAccountIP, pairWindow},
		{"login:account:" + key, s.cfg.LoginPerAccount, s.cfg.LoginWindow},
		{"login:ip:" + ip, s.cfg.LoginPerIP, s.cfg.LoginWindow},
	} {
		ok, wait, err := s.limiter.Allow(ctx, lim.key, lim.limit, lim.window)
		if err != nil {
			return err
		}
		if !ok {
			if lim.key == pair {
				// The pair's next window doubles: a guesser that waits out one lock-out gets a
				// longer one; the real user's successful login clears it.
				if err := s.limiter.Strike(ctx, pair, s.cfg.LoginMaxWindow); err != nil {
					return err
				}
			}
			secs := int(wait.Seconds()) + 1
			return fault.RateLimited(fmt.Sprintf("too many login attempts; try again in %d seconds", secs), secs)
		}
	}
	return nil
}

// openSession stores a new session of u and returns its token (only its hash is stored).
func (s *Service) openSession(ctx context.Context, u *User, ip, userAgent string) (string, *Session, error) {
	token, hash, err := newToken()
	if err != nil {
		return "", nil, err
	}
	sess := &Session{
		TokenHash: hash,
		UserID:    u.ID,
		AgencyID:  u.AgencyID,
		ExpiresAt: time.Now().Add(s.cfg.AbsoluteTimeout),
		IP:        truncate(ip, 100),
		UserAgent: truncate(userAgent, 300),
	}
	if _, err := s.db.NewInsert().Model(sess).Exec(ctx); err != nil {
		return "", nil, fmt.Errorf("auth: insert session: %w", err)
	}
	return token, sess, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Authenticate returns the actor of a live session token, sliding its idle timeout.
func (s *Service) Authenticate(ctx context.Context, token, ip, userAgent string) (*Actor, error) {
	if token == "" || len(token) > 100 {
		return nil, fault.Unauthenticated("a login session is required")
	}
	var row struct {
		ID         uuid.UUID  `bun:"id"`
		LastSeenAt time.Time  `bun:"last_seen_at"`
		UserID     uuid.UUID  `bun:"user_id"`
		AgencyID   uuid.UUID  `bun:"agency_id"`
		Email      string     `bun:"email"`
		Name       string     `bun:"name"`
		Role       Role       `bun:"role"`
		ClientID   *uuid.UUID `bun:"client_id"`
	}
	now := time.Now()
	err := s.db.NewSelect().
		ColumnExpr("s.id, s.last_seen_at, u.id AS user_id, u.agency_id, u.email, u.name, u.role, u.client_id").
		TableExpr("sessions AS s").
		Join("JOIN users AS u ON u.id = s.user_id").
		Where("s.token_hash = ?", hashToken(token)).
		Where("s.revoked_at IS NULL").
		Where("s.expires_at > ?", now).
		Where("s.last_seen_at > ?", now.Add(-s.cfg.IdleTimeout)).
		Where("u.deactivated_at IS NULL").
		Comment(tenant.AllAgencies("a session is looked up by its token before its agency is known")).
		Scan(ctx, &row)
	if db.IsNoRows(err) {
		return nil, fault.Unauthenticated("the session has ended; log in again")
	}
	if err != nil {
		return nil, fmt.Errorf("auth: find session: %w", err)
	}
	// Sliding the idle timeout costs a write; once a minute is precise enough.
	if now.Sub(row.LastSeenAt) > time.Minute {
		if _, err := tenant.Agency(row.AgencyID).UpdateTable(s.db, "sessions").Set("last_seen_at = ?", now).Where("id = ?", row.ID).Exec(ctx); err != nil {
			return nil, fmt.Errorf("auth: touch session: %w", err)
		}
	}
	a := &Actor{
		UserID: row.UserID, AgencyID: row.AgencyID, Role: row.Role, SessionID: row.ID,
		Email: row.Email, Name: row.Name, IP: ip, UserAgent: userAgent,
	}
	if row.ClientID != nil {
		a.ClientID = *row.ClientID
	}
	return a, nil
}

// Logout revokes the actor's session.
func (s *Service) Logout(ctx context.Context, actor *Actor) error {
	_, err := tenant.Agency(actor.AgencyID).UpdateTable(s.db, "sessions").Set("revoked_at = now()").
		Where("id = ? AND revoked_at IS NULL", actor.SessionID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("auth: revoke session: %w", err)
	}
	return nil
}

// RevokeUserSessions ends every session of a user at once (deactivation, a password change).
// After the transaction commits, the caller announces it with AnnounceRevocation so that open
// websockets close at once.
func RevokeUserSessions(ctx context.Context, idb bun.IDB, agencyID, userID uuid.UUID) error {
	_, err := tenant.Agency(agencyID).UpdateTable(idb, "sessions").Set("revoked_at = now()").
		Where("user_id = ? AND revoked_at IS NULL", userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("auth: revoke user sessions: %w", err)
	}
	return nil
}

// AnnounceRevocation tells every API replica, through pub, that sessions of the user ended
// (logout, deactivation, a password change or reset), so that each closes the user's open
// websockets whose session is no longer live at once instead of at its next periodic check.
// Call it after the revocation committed; every caller of RevokeUserSessions, Logout or a
// deactivation must. A failed publication is returned for logging only: the sockets still
// re-check the session store before every operation and every few seconds.
func AnnounceRevocation(ctx context.Context, pub event.Publisher, agencyID, userID uuid.UUID) error {
	if pub == nil {
		return nil
	}
	return event.Publish(ctx, pub, agencyID, userID.String(), event.SessionRevoked{})
}
