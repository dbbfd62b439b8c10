// Package reveal shows an identity's credentials to a person for 30 seconds and keeps the
// reveal ledger: who has seen which credentials, since when.
package reveal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/db"
	"github.com/accesshive/accesshive/internal/audit"
	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/vault"
)

// Window is how long a reveal can be read back.
const Window = 30 * time.Second

// KindRevealed is the audit kind of a reveal.
const KindRevealed = "credentials.revealed"

// Limits of reveals per user.
const (
	PerUserLimit  = 30
	PerUserWindow = time.Minute
)

// Reveal is one row of the reveal ledger.
type Reveal struct {
	bun.BaseModel `bun:"table:reveals,alias:r"`

	ID         uuid.UUID `bun:"id,pk,type:uuid,default:gen_random_uuid()"`
	AgencyID   uuid.UUID `bun:"agency_id,type:uuid,notnull"`
	IdentityID uuid.UUID `bun:"identity_id,type:uuid,notnull"`
	UserID     uuid.UUID `bun:"user_id,type:uuid,notnull"`
	CreatedAt  time.Time `bun:"created_at,notnull,default:clock_timestamp()"`
	ExpiresAt  time.Time `bun:"expires_at,notnull"`
	IP         string    `bun:"ip,notnull"`
	UserAgent  string    `bun:"user_agent,notnull"`
	// SecretID and SecretVersion name the vault value the reveal opened: reading the reveal
	// back shows that value or nothing, never a secret stored after it (a rotation).
	SecretID      *uuid.UUID `bun:"secret_id,type:uuid"`
	SecretVersion *int       `bun:"secret_version"`
}

// SecondsRemaining is how many whole seconds of the window are left at now (0 once expired).
func (r *Reveal) SecondsRemaining(now time.Time) int {
	d := r.ExpiresAt.Sub(now)
	if d <= 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}

// Field is one revealed credential field.
type Field struct {
	Name  string
	Value string
}

// Shown is a reveal with its decrypted credentials.
type Shown struct {
	Reveal
	Fields   []Field
	TOTPCode string
}

// Service reveals credentials.
type Service struct {
	db      bun.IDB
	vault   *vault.Store
	limiter *auth.Limiter
	now     func() time.Time
	window  time.Duration
}

// NewService returns the reveal service.
func NewService(idb bun.IDB, v *vault.Store, limiter *auth.Limiter) *Service {
	return &Service{db: idb, vault: v, limiter: limiter, now: time.Now, window: Window}
}

// WithWindow returns the service with another reveal window (tests shorten it).
func (s *Service) WithWindow(d time.Duration) *Service {
	c := *s
	c.window = d
	return &c
}

// mayReveal applies SPEC's role table: owners and admins reveal everything of their agency,
// members agency identities only, client users their own client's PROVISIONED identities.
func mayReveal(actor *auth.Actor, ident *identity.Identity) error {
	if ident.ClientID == nil {
		return actor.Require(auth.ActionRevealAgencyIdentity)
	}
	if err := actor.Require(auth.ActionRevealClientIdentity); err != nil {
		return err
	}
	if !actor.CanSeeClient(*ident.ClientID) {
		return fault.NotFound("identity")
	}
	return nil
}

// Reveal decrypts an identity's credentials for the actor, records the reveal (ledger and
// audit trail) and returns them with a 30-second window.
func (s *Service) Reveal(ctx context.Context, actor *auth.Actor, identityID uuid.UUID) (*Shown, error) {
	ok, wait, err := s.limiter.Allow(ctx, "reveal:user:"+actor.UserID.String(), PerUserLimit, PerUserWindow)
	if err != nil {
		return nil, err
	}
	if !ok {
		secs := int(wait.Seconds()) + 1
		return nil, fault.RateLimited(fmt.Sprintf("too many reveals; try again in %d seconds", secs), secs)
	}
	var shown *Shown
	err = db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		// FOR SHARE orders the reveal with a concurrent rotation (which locks the identity for
		// update): the ledger's "since the last rotation" then never misses a reveal that read
		// the new credentials.
		ident, err := identity.Find(ctx, tx, actor.Tenant(), identityID, "SHARE")
		if err != nil {
			return err
		}
		if err := mayReveal(actor, ident); err != nil {
			return err
		}
		if ident.State != identity.StateProvisioned {
			return fault.Conflict(fmt.Sprintf("credentials of an identity in state %s cannot be revealed", ident.State), ident.ID.String())
		}
		r := &Reveal{AgencyID: actor.AgencyID, IdentityID: identityID, UserID: actor.UserID, ExpiresAt: s.now().Add(s.window), IP: actor.IP, UserAgent: actor.UserAgent}
		if _, err := tx.NewInsert().Model(r).Returning("*").Exec(ctx); err != nil {
			return fmt.Errorf("reveal: insert: %w", err)
		}
		if err := audit.Record(ctx, tx, actor, KindRevealed, "identity", identityID, map[string]any{"revealId": r.ID}); err != nil {
			return err
		}
		pt, v, err := s.vault.GetVersion(ctx, tx, actor.AgencyID, identityID, vault.PurposeCredentials)
		if err != nil {
			return fmt.Errorf("reveal: open credentials: %w", err)
		}
		r.SecretID, r.SecretVersion = &v.SecretID, &v.Number
		if _, err := tenant.Agency(r.AgencyID).Update(tx, r).WherePK().Column("secret_id", "secret_version").Exec(ctx); err != nil {
			return fmt.Errorf("reveal: record secret version: %w", err)
		}
		shown, err = s.show(r, pt)
		return err
	})
	return shown, err
}

// show decodes the credentials pt for the reveal r.
func (s *Service) show(r *Reveal, pt []byte) (*Shown, error) {
	var c identity.Credentials
	if err := json.Unmarshal(pt, &c); err != nil {
		return nil, fmt.Errorf("reveal: decode credentials: %w", err)
	}
	sh := &Shown{Reveal: *r}
	for _, f := range []Field{{"username", c.Username}, {"password", c.Password}, {"token", c.Token}} {
		if f.Value != "" {
			sh.Fields = append(sh.Fields, f)
		}
	}
	if c.TOTPSecret != "" {
		code, err := vault.TOTPCode(c.TOTPSecret, s.now())
		if err != nil {
			return nil, fmt.Errorf("reveal: totp: %w", err)
		}
		sh.TOTPCode = code
	}
	return sh, nil
}

// errExpired is the answer to reading a reveal after its window.
var errExpired = fault.Forbidden("this reveal has expired; reveal the credentials again")

// Get reads back one of the actor's own reveals while its window is open; never after.
func (s *Service) Get(ctx context.Context, actor *auth.Actor, revealID uuid.UUID) (*Shown, error) {
	r, err := s.Load(ctx, actor, revealID)
	if err != nil {
		return nil, err
	}
	if !s.now().Before(r.ExpiresAt) {
		return nil, errExpired
	}
	ident, err := identity.Find(ctx, s.db, tenant.Agency(r.AgencyID), r.IdentityID, "")
	if err != nil {
		return nil, fmt.Errorf("reveal: identity state: %w", err)
	}
	if ident.State != identity.StateProvisioned || r.SecretID == nil || r.SecretVersion == nil {
		return nil, errExpired
	}
	// Only the value that was revealed: after a rotation the reveal is over, so that nobody
	// sees a new secret without a new reveal in the ledger and the audit trail.
	pt, err := s.vault.GetAt(ctx, s.db, r.AgencyID, r.IdentityID, vault.PurposeCredentials,
		vault.Version{SecretID: *r.SecretID, Number: *r.SecretVersion})
	if errors.Is(err, vault.ErrSecretChanged) {
		return nil, errRotated
	}
	if err != nil {
		return nil, fmt.Errorf("reveal: open credentials: %w", err)
	}
	return s.show(r, pt)
}

// errRotated is the answer to reading a reveal back after the credentials changed.
var errRotated = fault.Forbidden("the credentials changed since this reveal; reveal them again")

// Load returns one of the actor's own reveals (without credentials), expired or not.
func (s *Service) Load(ctx context.Context, actor *auth.Actor, revealID uuid.UUID) (*Reveal, error) {
	r := new(Reveal)
	err := tenant.Agency(actor.AgencyID).Select(s.db, r).Where("id = ? AND user_id = ?", revealID, actor.UserID).Scan(ctx)
	if db.IsNoRows(err) {
		return nil, fault.NotFound("reveal")
	}
	if err != nil {
		return nil, fmt.Errorf("reveal: load: %w", err)
	}
	return r, nil
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }
