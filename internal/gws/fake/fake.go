// Package fake is an in-memory stand-in for Google's Admin SDK Directory API
// (users only) that the real google.golang.org/api/admin/directory/v1 client
// talks to in development and tests.
//
// It speaks Google's REST paths and JSON: the same resource shapes, paging with
// nextPageToken, Google's error envelope and reasons (409 duplicate, 404
// notFound, 403 userRateLimitExceeded, ...), the basic/full projections, and
// Google's eventual consistency on demand. Faults are injected through Go
// methods or, for a standalone process, through JSON endpoints under /_fake/.
//
// Contract tests in this package drive the fake with the real client; when
// Google's behaviour is learned to differ, fix the fake and its tests first.
package fake

import (
	"crypto/rand"
	"encoding/binary"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Route kinds used as keys of Server.Calls.
const (
	CallInsert = "POST users"
	CallList   = "GET users"
	CallGet    = "GET users/{userKey}"
	CallUpdate = "PUT users/{userKey}"
	CallPatch  = "PATCH users/{userKey}"
	CallDelete = "DELETE users/{userKey}"
)

// Defaults applied by New when Options leave them empty.
const (
	DefaultDomain     = "demo.test"
	DefaultCustomerID = "C0demo"
)

// directoryPrefix starts every Directory API path.
const directoryPrefix = "/admin/directory/v1/"

// usersPath is where the client sends users requests when its endpoint is the
// fake's root URL with a trailing slash.
const usersPath = "/admin/directory/v1/users"

// adminPrefix holds the fake's own control endpoints, never Google's.
const adminPrefix = "/_fake/"

// Options configures a Server. The zero value is usable.
type Options struct {
	// Logger receives one debug line per directory request and an info line
	// per injected fault. Nil discards.
	Logger *slog.Logger
	// Clock stamps creationTime. Nil means time.Now.
	Clock func() time.Time
	// Domains are the customer's domains; a primaryEmail in any other domain
	// is refused like Google does. Empty means DefaultDomain.
	Domains []string
	// CustomerID is the customer's id, accepted by users.list besides
	// "my_customer" and stamped on every user. Empty means DefaultCustomerID.
	CustomerID string
}

// Server is a fake Directory API. It implements http.Handler; mount it at the
// root of an httptest.Server or run it with Serve or ListenAndServe. All
// methods are safe for concurrent use.
type Server struct {
	log        *slog.Logger
	now        func() time.Time
	domains    []string
	customerID string

	mu     sync.Mutex
	store  *store
	faults faults
	calls  map[string]int
}

// New returns a Server with an empty directory and no faults.
func New(opts Options) *Server {
	s := &Server{
		log:        opts.Logger,
		now:        opts.Clock,
		customerID: opts.CustomerID,
		calls:      make(map[string]int),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.customerID == "" {
		s.customerID = DefaultCustomerID
	}
	for _, d := range opts.Domains {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			s.domains = append(s.domains, d)
		}
	}
	if len(s.domains) == 0 {
		s.domains = []string{DefaultDomain}
	}
	s.store = newStore(idSeed())
	return s
}

// idSeed picks where this server's user ids start, so that ids from two fakes
// (or two runs) do not collide by accident. Ids are "1" followed by 20 digits,
// like Google's.
func idSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	const lo, span = 1e18, 8e18
	return lo + binary.LittleEndian.Uint64(b[:])%span
}

// ServeHTTP routes directory requests (/admin/directory/v1/users...) and the
// fake's control endpoints (/_fake/...).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		s.serveAdmin(w, r)
		return
	}
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	s.serveDirectory(rec, r)
	s.log.LogAttrs(r.Context(), slog.LevelDebug, "fake directory request",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", rec.status),
		slog.Duration("duration", time.Since(start)))
}

func (s *Server) serveDirectory(w http.ResponseWriter, r *http.Request) {
	kind, userKey, ok := route(r.Method, r.URL.Path)

	s.mu.Lock()
	s.calls[kind]++
	latency := s.faults.latency
	injected, hit := s.faults.take(r.Method, r.URL.Path)
	if !hit {
		if d, on := s.faults.takeDisruption(time.Now()); on {
			latency += d.Delay
			if d.Status != 0 {
				injected, hit = newError(d.Status, d.Reason, ""), true
			}
		}
	}
	s.mu.Unlock()

	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			// The client gave up; nobody reads an answer.
			t.Stop()
			return
		}
	}
	if hit {
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "fake directory injected fault",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", injected.status),
			slog.String("reason", injected.reason))
		writeError(w, injected)
		return
	}
	if !ok {
		writeError(w, newError(http.StatusNotImplemented, "notImplemented",
			"The fake Directory API does not implement "+r.Method+" "+r.URL.Path))
		return
	}

	switch kind {
	case CallInsert:
		s.handleInsert(w, r)
	case CallList:
		s.handleList(w, r)
	case CallGet:
		s.handleGet(w, r, userKey)
	case CallUpdate:
		s.handleModify(w, r, userKey, false)
	case CallPatch:
		s.handleModify(w, r, userKey, true)
	case CallDelete:
		s.handleDelete(w, userKey)
	}
}

// route maps a request to its Calls key and, for keyed routes, the userKey.
// ok is false for anything the fake does not implement; kind then still names
// the route for the counters.
func route(method, path string) (kind, userKey string, ok bool) {
	if path == usersPath {
		switch method {
		case http.MethodPost:
			return CallInsert, "", true
		case http.MethodGet:
			return CallList, "", true
		}
		return method + " users", "", false
	}
	rest, found := strings.CutPrefix(path, usersPath+"/")
	if !found || rest == "" {
		return method + " " + strings.TrimPrefix(path, "/"), "", false
	}
	key, sub, hasSub := strings.Cut(rest, "/")
	if hasSub {
		return method + " users/{userKey}/" + sub, key, false
	}
	switch method {
	case http.MethodGet:
		return CallGet, key, true
	case http.MethodPut:
		return CallUpdate, key, true
	case http.MethodPatch:
		return CallPatch, key, true
	case http.MethodDelete:
		return CallDelete, key, true
	}
	return method + " users/{userKey}", key, false
}

// statusRecorder remembers the status code for the request log line.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status before passing it on.
func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter {
	return r.ResponseWriter
}

// Users returns a snapshot of every user, ordered by primaryEmail. The copies
// are the caller's to modify.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.store.order))
	for _, email := range s.store.order {
		out = append(out, s.store.byEmail[email].user.clone())
	}
	return out
}

// Count returns the number of users in the directory.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.store.order)
}

// Get looks a user up by id, primaryEmail or alias (emails case-insensitively),
// bypassing injected faults and eventual consistency.
func (s *Server) Get(key string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.store.lookup(key)
	if rec == nil {
		return User{}, false
	}
	return rec.user.clone(), true
}

// PasswordMatches reports whether password is the value last sent as the
// user's password (plain, or already hashed when a hashFunction was sent). The
// fake keeps only a SHA-256 of it.
func (s *Server) PasswordMatches(key, password string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.store.lookup(key)
	return rec != nil && rec.user.PasswordHash != "" && rec.user.PasswordHash == hashPassword(password)
}

// Calls returns how many directory requests arrived per route kind (CallInsert,
// CallGet, ...), including those answered by an injected fault. Control
// endpoints under /_fake/ are not counted.
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// Reset empties the directory and clears every fault, the latency and the
// call counters. Options are kept.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store.reset()
	s.faults = faults{}
	s.calls = make(map[string]int)
}

// Compile-time check that Server is an http.Handler.
var _ http.Handler = (*Server)(nil)
