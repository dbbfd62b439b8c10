package gws

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/auth"
	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/vault"
)

// Defaults of ServiceConfig.
const (
	// DefaultStuckAfter is how long an identity may stay PROVISIONING before Retry provisioning
	// accepts it and MarkStuck fails it (SPEC: "more than a minute by default").
	DefaultStuckAfter = time.Minute
	// DefaultRepairMaxShare is the largest share of an agency's managed identities one repair
	// may touch.
	DefaultRepairMaxShare = 0.1
)

// PurposeRotation is the vault purpose of a managed password being rotated: it is sealed
// before the directory is told, and moves to vault.PurposeCredentials once the directory has
// it, so that a retried rotation sets the same password again.
const PurposeRotation = "credentials-rotation"

// ServiceConfig tunes the Service. The zero value of every field means its default.
type ServiceConfig struct {
	// StuckAfter is how long PROVISIONING may last before it counts as stuck (default 1m).
	StuckAfter time.Duration
	// RepairMaxShare is the largest share of the agency's live managed identities that one
	// repair may touch (default 0.1); at least one is always allowed.
	RepairMaxShare float64
	// DeleteOnDeprovision deletes the directory user when a managed identity is deleted; by
	// default the user is only suspended, which Google lets an admin undo.
	DeleteOnDeprovision bool
}

// DialFunc builds a Client for an agency's identity source. serviceAccountJSON is the
// source's key from the vault, or nil when the source has an endpoint (the fake directory of
// dev and tests) and no key. See Dialer.
type DialFunc func(ctx context.Context, src Source, serviceAccountJSON []byte) (*Client, error)

// Dialer returns the DialFunc of production and dev: the source's domain, customer, admin
// subject and managed org unit on top of base (HTTP client, retries, backoff), and the
// agency's shared limiter from limiters. A source with an endpoint is dialled without
// authentication at that endpoint, which only allowEndpoint permits: production passes false,
// so that a row pointing at some other server is refused instead of sent requests to.
func Dialer(limiters *Limiters, base Config, allowEndpoint bool) DialFunc {
	return func(ctx context.Context, src Source, key []byte) (*Client, error) {
		if src.Endpoint != "" && !allowEndpoint {
			return nil, fmt.Errorf("gws: dial: %w: the source points at a directory endpoint, which this process does not allow", errInvalidArgument)
		}
		cfg := base
		cfg.Domain = src.Domain
		cfg.CustomerID = src.CustomerID
		cfg.AdminSubject = src.AdminSubject
		cfg.ManagedOU = src.ManagedOU
		cfg.Endpoint = src.Endpoint
		cfg.ServiceAccountJSON = key
		var lim Limiter
		if limiters != nil {
			lim = limiters.For(src.AgencyID)
		}
		return New(ctx, cfg, lim)
	}
}

// Deps are the Service's collaborators.
type Deps struct {
	// DB holds identities, sources, jobs and reports.
	DB bun.IDB
	// Vault seals managed passwords and service-account keys.
	Vault *vault.Store
	// Identities publishes identityUpdated after each change (Published) and deprovisions
	// identities that have no directory user.
	Identities *identity.Service
	// Limiters gives each agency its Directory API quota; used by the default Dial.
	Limiters *Limiters
	// Logger receives the Service's logs; nil discards.
	Logger *slog.Logger
	// Dial builds clients; nil means Dialer(Limiters, Config{}, true).
	Dial DialFunc
}

// Service is the domain side of Google Workspace: identity sources, provisioning, retries,
// deprovisioning and rotation of managed identities, directory sync and repair. Its job
// handlers have the worker's Handler signature; its other methods take an Actor.
type Service struct {
	db         bun.IDB
	vault      *vault.Store
	identities *identity.Service
	log        *slog.Logger
	dial       DialFunc
	cfg        ServiceConfig

	// afterDirectory, when set (tests), runs after a provisioning's directory call and before
	// its commit; an error from it stands for a crash at that point.
	afterDirectory func(ctx context.Context, identityID uuid.UUID) error

	mu      sync.Mutex
	clients map[uuid.UUID]cachedClient
}

// cachedClient is a dialled client, valid while its source's configuration is unchanged.
type cachedClient struct {
	updatedAt time.Time
	client    *Client
}

// NewService returns the Service.
func NewService(deps Deps, cfg ServiceConfig) *Service {
	if cfg.StuckAfter <= 0 {
		cfg.StuckAfter = DefaultStuckAfter
	}
	if cfg.RepairMaxShare <= 0 {
		cfg.RepairMaxShare = DefaultRepairMaxShare
	}
	logger := deps.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	limiters := deps.Limiters
	if limiters == nil {
		limiters = NewLimiters(0)
	}
	dial := deps.Dial
	if dial == nil {
		dial = Dialer(limiters, Config{}, true)
	}
	return &Service{
		db: deps.DB, vault: deps.Vault, identities: deps.Identities, log: logger, dial: dial, cfg: cfg,
		clients: make(map[uuid.UUID]cachedClient),
	}
}

// Config returns the Service's configuration with defaults applied.
func (s *Service) Config() ServiceConfig { return s.cfg }

// ErrSourceNotReady means the agency's identity source cannot be used yet: there is none, or
// it has no service-account key. It is permanent for the job that meets it.
var ErrSourceNotReady = errors.New("identity source not ready")

// clientFor returns a client for src, dialling it unless a client for the same configuration
// is cached. Its errors never carry the key.
func (s *Service) clientFor(ctx context.Context, src *Source) (*Client, error) {
	s.mu.Lock()
	cached, ok := s.clients[src.ID]
	s.mu.Unlock()
	if ok && cached.updatedAt.Equal(src.UpdatedAt) {
		return cached.client, nil
	}
	var key []byte
	if src.Endpoint == "" {
		var err error
		key, err = s.vault.Get(ctx, s.db, src.AgencyID, src.ID, vault.PurposeServiceAccountKey)
		if errors.Is(err, vault.ErrNoSecret) {
			return nil, fmt.Errorf("gws: %w: no service-account key is configured", ErrSourceNotReady)
		}
		if err != nil {
			return nil, err
		}
	}
	c, err := s.dial(ctx, *src, key)
	if err != nil {
		return nil, &dialError{msg: "gws: dial the directory of " + src.Domain + ": " + scrub(err.Error(), string(key)), perm: IsPermanent(err)}
	}
	s.mu.Lock()
	s.clients[src.ID] = cachedClient{updatedAt: src.UpdatedAt, client: c}
	s.mu.Unlock()
	return c, nil
}

// agencyClient returns a client for the agency's Google Workspace source.
func (s *Service) agencyClient(ctx context.Context, agencyID uuid.UUID) (*Client, error) {
	src, err := s.agencySource(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	return s.clientFor(ctx, src)
}

// permanentFault marks a domain error (not found, conflict) permanent for the job; anything
// else, such as the database being away, stays worth a retry.
func permanentFault(err error) error {
	if _, ok := fault.As(err); ok {
		return job.Permanent(err)
	}
	return err
}

// permanentIf returns err as a job's error, marked permanent (never retried) when perm.
func permanentIf(perm bool, err error) error {
	if perm {
		return job.Permanent(err)
	}
	return err
}

// directoryFailure returns a directory error as a job's error, permanent when no retry can fix
// it.
func directoryFailure(err error) error {
	return permanentIf(permanent(err), err)
}

// permanent reports whether err is one no retry can fix.
func permanent(err error) bool {
	return IsPermanent(err) || errors.Is(err, job.ErrPermanent) || errors.Is(err, ErrSourceNotReady)
}

// dialError is a failed dial with its text scrubbed of the key. It keeps the cause's
// permanence (a key or configuration that does not parse) but not the cause itself, whose text
// might quote the key.
type dialError struct {
	msg  string
	perm bool
}

func (e *dialError) Error() string { return e.msg }

// Is makes a permanent dial error permanent for IsPermanent.
func (e *dialError) Is(target error) bool { return e.perm && target == errInvalidArgument }

// scrub blanks every secret out of msg, and any PEM block in case a parser echoed one.
func scrub(msg string, secrets ...string) string {
	for _, s := range secrets {
		if s == "" {
			continue
		}
		msg = strings.ReplaceAll(msg, s, "[REDACTED]")
	}
	if i := strings.Index(msg, "-----BEGIN"); i >= 0 {
		msg = msg[:i] + "[REDACTED]"
	}
	return msg
}

// reasonOf is an error's text as stored on an identity or a source: secrets blanked, length
// bounded.
func reasonOf(err error, secrets ...string) string {
	msg := scrub(err.Error(), secrets...)
	const maxLen = 1000
	if len(msg) > maxLen {
		cut := maxLen
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}

// systemActor is the actor of audit events written by jobs: the agency, no user.
func systemActor(agencyID uuid.UUID) *auth.Actor {
	return &auth.Actor{AgencyID: agencyID, UserAgent: "accesshive-worker"}
}

// publish announces an identity's current state; failures are logged, never returned.
func (s *Service) publish(ctx context.Context, agencyID, id uuid.UUID) {
	if s.identities == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	ident, err := identity.Reload(ctx, s.db, agencyID, id)
	if err != nil {
		s.log.WarnContext(ctx, "gws: reload identity for publication", "identity_id", id, "error", err)
		return
	}
	s.identities.Published(ctx, ident)
}
