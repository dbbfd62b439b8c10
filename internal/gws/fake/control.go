package fake

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The control endpoints drive a standalone fake with curl. Bodies are JSON and
// unknown fields are refused, so a typo fails loudly:
//
//	POST /_fake/fail                  {"n":2,"status":403,"reason":"userRateLimitExceeded","method":"POST","pathPrefix":"/admin/directory/v1/users"}
//	POST /_fake/latency               {"latency":"250ms"}
//	POST /_fake/eventual-consistency  {"n":2}
//	POST /_fake/create-then-fail      {"n":1,"status":500}
//	POST /_fake/seed                  {"n":20000,"domain":"demo.test","orgUnitPath":"/AccessHive"}
//	POST /_fake/users                 {"users":[{"primaryEmail":"a@demo.test","name":{"givenName":"A","familyName":"B"}}]}
//	GET  /_fake/users                 all users, full projection, never passwords
//	GET  /_fake/calls                 request counters by route kind
//	POST /_fake/reset                 empty directory, no faults
//
// Settings answer 204; seed and users answer {"count":<users in directory>}.

// faultCount is how many requests an injected fault affects and the status they answer.
type faultCount struct {
	N      int `json:"n"`
	Status int `json:"status"`
}

// check refuses a count or status that makes no fault.
func (f faultCount) check() error {
	if !validFault(f.N, f.Status) {
		return errors.New("n must be at least 1 and status within 400..599")
	}
	return nil
}

type failRequest struct {
	faultCount
	Reason     string `json:"reason"`
	Method     string `json:"method"`
	PathPrefix string `json:"pathPrefix"`
}

type latencyRequest struct {
	Latency string `json:"latency"`
}

type countRequest struct {
	N int `json:"n"`
}

type createThenFailRequest struct {
	faultCount
}

type seedRequest struct {
	N           int    `json:"n"`
	Domain      string `json:"domain"`
	OrgUnitPath string `json:"orgUnitPath"`
}

type usersRequest struct {
	Users []json.RawMessage `json:"users"`
}

// seedExtras are the read-only fields a seeded user may carry, which the API
// itself would ignore.
type seedExtras struct {
	ID      string   `json:"id"`
	IsAdmin bool     `json:"isAdmin"`
	Aliases []string `json:"aliases"`
}

type countResponse struct {
	Count int `json:"count"`
}

type allUsersResponse struct {
	Count int        `json:"count"`
	Users []wireUser `json:"users"`
}

type callsResponse struct {
	Calls map[string]int `json:"calls"`
}

func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	endpoint := strings.TrimPrefix(r.URL.Path, adminPrefix)
	if !allowMethod(w, r, endpoint) {
		return
	}
	var err error
	switch {
	case endpoint == "calls":
		writeJSON(w, http.StatusOK, callsResponse{Calls: s.Calls()})
		return
	case endpoint == "users" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.allUsers())
		return
	case endpoint == "users":
		err = s.addFromJSON(r)
	case endpoint == "seed":
		err = s.controlSeed(r)
	default:
		set, ok := settings[endpoint]
		if !ok {
			writeError(w, newError(http.StatusNotFound, "notFound", "no fake control endpoint "+r.URL.Path))
			return
		}
		if err = set(s, r); err == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	if err != nil {
		writeError(w, errInvalid(err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, countResponse{Count: s.Count()})
}

// allowMethod answers 405 (and returns false) unless r's method is one endpoint takes: GET for
// calls, GET or POST for users, POST for the others.
func allowMethod(w http.ResponseWriter, r *http.Request, endpoint string) bool {
	allowed := http.MethodPost
	switch endpoint {
	case "calls":
		allowed = http.MethodGet
	case "users":
		allowed = http.MethodGet + ", " + http.MethodPost
	}
	if slices.Contains(strings.Split(allowed, ", "), r.Method) {
		return true
	}
	w.Header().Set("Allow", allowed)
	writeError(w, newError(http.StatusMethodNotAllowed, "badRequest", "use "+allowed+" for "+r.URL.Path))
	return false
}

// settings are the control endpoints that change how the fake behaves; they answer 204.
var settings = map[string]func(s *Server, r *http.Request) error{
	"fail":                 (*Server).controlFail,
	"latency":              (*Server).controlLatency,
	"eventual-consistency": (*Server).controlEventualConsistency,
	"create-then-fail":     (*Server).controlCreateThenFail,
	"reset": func(s *Server, _ *http.Request) error {
		s.Reset()
		return nil
	},
}

func (s *Server) controlFail(r *http.Request) error {
	req, err := decodeFault[failRequest](r)
	if err != nil {
		return err
	}
	s.FailNextOn(req.Method, cmp.Or(req.PathPrefix, directoryPrefix), req.N, req.Status, req.Reason)
	return nil
}

func (s *Server) controlLatency(r *http.Request) error {
	var req latencyRequest
	if err := decodeStrict(r, &req); err != nil {
		return err
	}
	d, err := time.ParseDuration(req.Latency)
	if err != nil {
		return err
	}
	if d < 0 {
		return errors.New("latency must not be negative")
	}
	s.SetLatency(d)
	return nil
}

func (s *Server) controlEventualConsistency(r *http.Request) error {
	var req countRequest
	if err := decodeStrict(r, &req); err != nil {
		return err
	}
	s.SetEventualConsistency(req.N)
	return nil
}

func (s *Server) controlCreateThenFail(r *http.Request) error {
	req, err := decodeFault[createThenFailRequest](r)
	if err != nil {
		return err
	}
	s.CreateThenFail(req.N, req.Status)
	return nil
}

func (s *Server) controlSeed(r *http.Request) error {
	var req seedRequest
	if err := decodeStrict(r, &req); err != nil {
		return err
	}
	return s.SeedUsers(req.N, req.Domain, req.OrgUnitPath)
}

// decodeFault reads a fault's control request strictly and checks its count and status.
func decodeFault[T interface{ check() error }](r *http.Request) (T, error) {
	var req T
	if err := decodeStrict(r, &req); err != nil {
		return req, err
	}
	return req, req.check()
}

// decodeStrict reads one JSON object into dst, refusing unknown fields.
func decodeStrict(r *http.Request, dst any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return errors.New("bad JSON body: " + err.Error())
	}
	return nil
}

// addFromJSON adds users given in Google's JSON shape, password included.
func (s *Server) addFromJSON(r *http.Request) error {
	var req usersRequest
	if err := decodeStrict(r, &req); err != nil {
		return err
	}
	users := make([]User, 0, len(req.Users))
	for i, raw := range req.Users {
		var fields map[string]json.RawMessage
		var extra seedExtras
		if json.Unmarshal(raw, &fields) != nil || json.NewDecoder(bytes.NewReader(raw)).Decode(&extra) != nil {
			return errors.New("bad JSON user at index " + strconv.Itoa(i))
		}
		var u User
		if e := applyFields(&u, fields, false); e != nil {
			return errors.New(e.message + " at index " + strconv.Itoa(i))
		}
		u.ID, u.IsAdmin, u.Aliases = extra.ID, extra.IsAdmin, extra.Aliases
		users = append(users, u)
	}
	return s.AddUsers(users...)
}

func (s *Server) allUsers() allUsersResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := allUsersResponse{Users: make([]wireUser, 0, len(s.store.order))}
	for _, email := range s.store.order {
		out.Users = append(out.Users, s.store.byEmail[email].wire(projection{all: true}))
	}
	out.Count = len(out.Users)
	return out
}
