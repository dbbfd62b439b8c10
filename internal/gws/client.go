// Package gws is AccessHive's client for Google Workspace's Admin SDK
// Directory API (users only): it provisions the managed users of MANAGED_GWS
// identities idempotently, changes their passwords, suspends and deletes them,
// and pages through the managed org unit to reconcile it with AccessHive's
// records.
//
// Every request goes through one retry policy (rate limits, 5xx, network
// errors and timeouts are retried with exponential backoff and full jitter)
// and waits first on its agency's client-side rate limiter, so that all the
// clients of one agency in a process stay under Google's quota together.
//
// The package knows nothing of the database, GraphQL or the job queue. Its
// errors never carry a password: they are rebuilt from Google's code, reason
// and message, never from a response body that could echo the request.
package gws

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/option"
)

// Defaults applied by New to zero Config fields.
const (
	// DefaultQueriesPerMinute is Google's Directory API quota per user
	// (the impersonated admin): 2,400 queries a minute.
	DefaultQueriesPerMinute = 2400
	// DefaultMaxRetries is how many times a failed request is retried.
	DefaultMaxRetries = 5
	// DefaultBaseBackoff is the first retry's backoff ceiling; it doubles
	// with every retry up to maxBackoff.
	DefaultBaseBackoff = 500 * time.Millisecond
)

// maxBackoff caps a single wait between two attempts.
const maxBackoff = 30 * time.Second

// defaultAttemptTimeout bounds one HTTP attempt, so that a hung connection
// becomes a retried timeout instead of blocking a job until its deadline.
const defaultAttemptTimeout = 60 * time.Second

// myCustomer is Google's alias for the customer the admin belongs to.
const myCustomer = "my_customer"

// Config says which Workspace customer a Client manages and how it reaches
// Google.
type Config struct {
	// Domain is the customer's primary domain, e.g. "agency.example";
	// Check asks Google to list users of this domain.
	Domain string
	// CustomerID is the Workspace customer id (e.g. "C01abcd23"); empty
	// means "my_customer", the customer of AdminSubject.
	CustomerID string
	// AdminSubject is the admin the service account impersonates through
	// domain-wide delegation. Required in production.
	AdminSubject string
	// ManagedOU is the org unit AccessHive creates its users in and
	// reconciles, e.g. "/AccessHive". Required; "/" is refused because it
	// would make every user of the customer "managed".
	ManagedOU string
	// ServiceAccountJSON is the service account key (JSON) with domain-wide
	// delegation for the admin.directory.user scope. Required, and used,
	// only when Endpoint is empty.
	ServiceAccountJSON []byte
	// Endpoint, in development and tests, is the base URL of a fake
	// Directory API (internal/gws/fake); requests then go unauthenticated.
	// Empty means Google.
	Endpoint string
	// HTTPClient carries the requests (and, in production, the token
	// requests). Nil means http.DefaultClient.
	HTTPClient *http.Client
	// QueriesPerMinute sizes the limiter New creates when it is given none.
	// Zero means DefaultQueriesPerMinute.
	QueriesPerMinute int
	// MaxRetries is how many times a failed request is retried; zero means
	// DefaultMaxRetries and a negative value means never.
	MaxRetries int
	// BaseBackoff is the first retry's backoff ceiling; zero means
	// DefaultBaseBackoff.
	BaseBackoff time.Duration
	// AttemptTimeout bounds one HTTP attempt; a timed-out attempt is retried
	// like a 5xx. Zero means 60s.
	AttemptTimeout time.Duration
}

// Client talks to one customer's Directory API on behalf of one agency. It is
// safe for concurrent use.
type Client struct {
	svc            *admin.Service
	limiter        Limiter
	customer       string
	domain         string
	ou             string
	maxRetries     int
	baseBackoff    time.Duration
	attemptTimeout time.Duration
}

// New builds a Client. limiter is the agency's shared limiter (see
// Limiters.For); nil gives the Client a limiter of its own sized by
// cfg.QueriesPerMinute. New makes no request: call Check to prove the
// configuration works.
func New(ctx context.Context, cfg Config, limiter Limiter) (*Client, error) {
	ou := normalizeOU(cfg.ManagedOU)
	if cfg.ManagedOU == "" || ou == "/" {
		return nil, fmt.Errorf("gws: config: %w: ManagedOU must name an org unit below /", errInvalidArgument)
	}
	opts, err := clientOptions(ctx, cfg)
	if err != nil {
		return nil, err
	}
	svc, err := admin.NewService(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("gws: new directory service: %w", err)
	}
	if limiter == nil {
		limiter = newLimiter(cfg.QueriesPerMinute)
	}
	c := &Client{
		svc:            svc,
		limiter:        limiter,
		customer:       cmp.Or(cfg.CustomerID, myCustomer),
		domain:         strings.ToLower(strings.TrimSpace(cfg.Domain)),
		ou:             ou,
		maxRetries:     cfg.MaxRetries,
		baseBackoff:    cfg.BaseBackoff,
		attemptTimeout: cmp.Or(cfg.AttemptTimeout, defaultAttemptTimeout),
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.baseBackoff <= 0 {
		c.baseBackoff = DefaultBaseBackoff
	}
	return c, nil
}

// clientOptions says how the generated client reaches the directory: the fake's endpoint
// without authentication, or Google with the service account's delegated credentials.
func clientOptions(ctx context.Context, cfg Config) ([]option.ClientOption, error) {
	hc := noRedirects(cfg.HTTPClient)
	// The generated client logs request bodies, passwords included, when
	// GOOGLE_SDK_GO_LOGGING_LEVEL is set; a discarding logger overrides that.
	opts := []option.ClientOption{option.WithLogger(slog.New(slog.DiscardHandler))}
	if cfg.Endpoint != "" {
		return append(opts,
			option.WithEndpoint(strings.TrimRight(cfg.Endpoint, "/")+"/"),
			option.WithoutAuthentication(),
			option.WithHTTPClient(hc)), nil
	}
	delegated, err := delegatedClient(ctx, cfg, hc)
	if err != nil {
		return nil, err
	}
	return append(opts, option.WithHTTPClient(delegated)), nil
}

// delegatedClient is an HTTP client (over hc) that signs its requests as cfg.AdminSubject with
// the service account's key, through domain-wide delegation.
func delegatedClient(ctx context.Context, cfg Config, hc *http.Client) (*http.Client, error) {
	if len(cfg.ServiceAccountJSON) == 0 || cfg.AdminSubject == "" {
		return nil, fmt.Errorf("gws: config: %w: ServiceAccountJSON and AdminSubject are required", errInvalidArgument)
	}
	jwt, err := google.JWTConfigFromJSON(cfg.ServiceAccountJSON, admin.AdminDirectoryUserScope)
	if err != nil {
		return nil, fmt.Errorf("gws: config: %w: service account key: %w", errInvalidArgument, err)
	}
	jwt.Subject = cfg.AdminSubject
	// The signed assertion goes to Google's token endpoint and nowhere else, whatever
	// the key's token_uri says: a tenant's key must not make the worker send requests
	// to an address of the tenant's choosing (issue 8, item 5).
	jwt.TokenURL = TokenURL
	// The token source outlives New's ctx; only its values (the base
	// HTTP client) are kept.
	tokenCtx := context.WithValue(context.WithoutCancel(ctx), oauth2.HTTPClient, hc)
	return noRedirects(jwt.Client(tokenCtx)), nil
}

// TokenURL is Google's OAuth 2.0 token endpoint, the only one production ever sends a
// service account's signed assertion to.
const TokenURL = google.JWTTokenURL

// noRedirects returns a copy of c (http.DefaultClient when nil) that follows no redirect: Google
// answers the token and Directory requests directly, and a redirect could only lead the worker
// to some other address.
func noRedirects(c *http.Client) *http.Client {
	if c == nil {
		c = http.DefaultClient
	}
	cp := *c
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

// normalizeOU gives an org unit path Google's canonical form: a leading slash
// and no trailing one.
func normalizeOU(p string) string {
	p = strings.Trim(strings.TrimSpace(p), "/")
	return "/" + p
}

// errInvalidArgument marks a call or configuration Google would never accept;
// it is permanent.
var errInvalidArgument = errors.New("invalid argument")
