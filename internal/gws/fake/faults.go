package fake

import (
	"net/http"
	"strings"
	"time"
)

// faults is the injected misbehaviour. Server.mu guards it.
type faults struct {
	// rules answer matching directory requests with an error, oldest first.
	rules []failRule
	// latency delays every directory request.
	latency time.Duration
	// eventual is how many reads of a newly created user answer 404.
	eventual int
	// lostCreates are inserts that create the user but answer an error.
	lostCreates []failRule
	// disruptUntil ends an outage of DisruptFor; disruptions are its answers, in turn, and
	// disruptNext the index of the next one.
	disruptUntil time.Time
	disruptions  []Disruption
	disruptNext  int
}

// Disruption is one answer of a directory outage (DisruptFor): after Delay, Status with
// Google's error body for Reason (empty: the usual one for Status), or, when Status is 0, the
// real answer — a slow but correct response.
type Disruption struct {
	Status int
	Reason string
	Delay  time.Duration
}

// Common disruptions: Google's per-user rate limit, a backend error, a slow answer.
var (
	RateLimited  = Disruption{Status: 403, Reason: "userRateLimitExceeded"}
	BackendError = Disruption{Status: 503, Reason: "backendError"}
)

// Slow is a correct answer after d.
func Slow(d time.Duration) Disruption { return Disruption{Delay: d} }

// takeDisruption returns the disruption of a request arriving at now, if an outage is on.
func (f *faults) takeDisruption(now time.Time) (Disruption, bool) {
	if len(f.disruptions) == 0 || !now.Before(f.disruptUntil) {
		return Disruption{}, false
	}
	d := f.disruptions[f.disruptNext%len(f.disruptions)]
	f.disruptNext++
	return d, true
}

// failRule answers the next n matching requests with an error. An empty
// method matches every method.
type failRule struct {
	method     string
	pathPrefix string
	n          int
	err        apiError
}

// take consumes one failure for the request, if a rule matches.
func (f *faults) take(method, path string) (apiError, bool) {
	for i := range f.rules {
		rule := &f.rules[i]
		if rule.method != "" && !strings.EqualFold(rule.method, method) {
			continue
		}
		if !strings.HasPrefix(path, rule.pathPrefix) {
			continue
		}
		rule.n--
		e := rule.err
		if rule.n <= 0 {
			f.rules = append(f.rules[:i], f.rules[i+1:]...)
		}
		return e, true
	}
	return apiError{}, false
}

// takeCreateFailure consumes one lost-answer insert, if any is pending.
func (f *faults) takeCreateFailure() (apiError, bool) {
	if len(f.lostCreates) == 0 {
		return apiError{}, false
	}
	rule := &f.lostCreates[0]
	rule.n--
	e := rule.err
	if rule.n <= 0 {
		f.lostCreates = f.lostCreates[1:]
	}
	return e, true
}

// validFault reports whether status is an error status the client will treat
// as one.
func validFault(n, status int) bool {
	return n > 0 && status >= 400 && status <= 599
}

// FailNext makes the next n directory requests, whatever their method and
// path, answer status with Google's error body for reason (empty picks the
// usual reason for status: 403 forbidden, 503 backendError, ...). Quota
// reasons such as "userRateLimitExceeded" get Google's "usageLimits" domain.
// Calls add up: each rule is used up before the next applies. n < 1 or a
// status outside 400..599 is ignored.
func (s *Server) FailNext(n int, status int, reason string) {
	s.FailNextOn("", directoryPrefix, n, status, reason)
}

// FailNextOn is FailNext limited to requests with method (empty for any) whose
// path starts with pathPrefix, e.g. ("POST", "/admin/directory/v1/users").
func (s *Server) FailNextOn(method, pathPrefix string, n, status int, reason string) {
	s.addFault("FailNext", func(f *faults) *[]failRule { return &f.rules }, failRule{
		method:     strings.ToUpper(method),
		pathPrefix: pathPrefix,
		n:          n,
		err:        newError(status, reason, ""),
	})
}

// addFault appends rule to the list of faults that list picks, unless its count or status make
// no fault: then it logs that the call (named by what) was ignored.
func (s *Server) addFault(what string, list func(*faults) *[]failRule, rule failRule) {
	if !validFault(rule.n, rule.err.status) {
		s.log.Warn("fake directory: ignored "+what+" with bad arguments", "n", rule.n, "status", rule.err.status)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rules := list(&s.faults)
	*rules = append(*rules, rule)
}

// DisruptFor answers every directory request for the next d with the disruptions in turn
// (e.g. RateLimited, BackendError, Slow(2*time.Second)), as a directory having a bad minute
// does; afterwards it answers normally again. Rules of FailNext still apply first. No
// disruptions, or d <= 0, ends an outage at once.
func (s *Server) DisruptFor(d time.Duration, disruptions ...Disruption) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.disruptUntil = time.Now().Add(d)
	s.faults.disruptions = append([]Disruption(nil), disruptions...)
	s.faults.disruptNext = 0
}

// SetLatency delays every directory request by d before it is answered (or
// until the client gives up). Zero turns the delay off.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.latency = max(d, 0)
}

// SetEventualConsistency makes each user created afterwards invisible to its
// next n gets, updates and patches, which answer 404 although the user exists
// (and a second insert of it answers 409), as Google's directory does just
// after a create. Zero turns it off for later creates.
func (s *Server) SetEventualConsistency(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.eventual = max(n, 0)
}

// CreateThenFail makes the next n successful inserts create the user yet
// answer status (e.g. 500 or 503, reason backendError), as when Google's
// answer is lost. Inserts refused anyway (duplicate, invalid) do not use one.
func (s *Server) CreateThenFail(n int, status int) {
	s.addFault("CreateThenFail", func(f *faults) *[]failRule { return &f.lostCreates }, failRule{
		method: http.MethodPost, pathPrefix: usersPath, n: n, err: newError(status, "", ""),
	})
}
