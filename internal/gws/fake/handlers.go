package fake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// maxBody bounds request bodies; Google's user resource is far smaller.
const maxBody = 1 << 20

// readBody decodes a JSON object body, keeping which fields were present.
func readBody(r *http.Request) (map[string]json.RawMessage, *apiError) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		e := errParse()
		return nil, &e
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(data, &body); err != nil || body == nil {
		e := errParse()
		return nil, &e
	}
	return body, nil
}

// parseProjection reads projection and customFieldMask as users.get and
// users.list take them.
func parseProjection(r *http.Request) (projection, *apiError) {
	q := r.URL.Query()
	switch q.Get("projection") {
	case "", "basic":
		return projection{}, nil
	case "full":
		return projection{all: true}, nil
	case "custom":
		var p projection
		for _, name := range strings.Split(q.Get("customFieldMask"), ",") {
			if name = strings.TrimSpace(name); name != "" {
				p.schemas = append(p.schemas, name)
			}
		}
		if len(p.schemas) == 0 {
			e := errInvalid("Invalid Input: customFieldMask")
			return projection{}, &e
		}
		return p, nil
	}
	e := errInvalid("Invalid value for: projection")
	return projection{}, &e
}

// handleInsert is users.insert: POST /admin/directory/v1/users.
func (s *Server) handleInsert(w http.ResponseWriter, r *http.Request) {
	body, perr := readBody(r)
	if perr != nil {
		writeError(w, *perr)
		return
	}
	var u User
	if err := applyFields(&u, body, false); err != nil {
		writeError(w, *err)
		return
	}
	if err := s.validate(&u); err != nil {
		writeError(w, *err)
		return
	}
	if u.PasswordHash == "" {
		writeError(w, errInvalid("Invalid Password"))
		return
	}

	s.mu.Lock()
	if s.store.taken(u.PrimaryEmail, nil) {
		s.mu.Unlock()
		writeError(w, errDuplicate())
		return
	}
	u.ID = s.store.newID()
	u.CustomerID = s.customerID
	u.CreationTime = s.now()
	rec := &record{user: u, hiddenReads: s.faults.eventual}
	s.store.touch(rec)
	s.store.insert(rec, true)
	out := rec.wire(projection{all: true})
	lost, lose := s.faults.takeCreateFailure()
	s.mu.Unlock()

	if lose {
		// The user exists, but the caller is told otherwise: a lost answer.
		writeError(w, lost)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// handleGet is users.get: GET /admin/directory/v1/users/{userKey}.
func (s *Server) handleGet(w http.ResponseWriter, r *http.Request, key string) {
	p, perr := parseProjection(r)
	if perr != nil {
		writeError(w, *perr)
		return
	}
	s.mu.Lock()
	rec := s.visible(key)
	var out wireUser
	if rec != nil {
		out = rec.wire(p)
	}
	s.mu.Unlock()

	if rec == nil {
		writeError(w, errNotFound())
		return
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == out.Etag {
		w.Header().Set("ETag", out.Etag)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// visible looks a user up for a read, counting down the reads that still miss
// after a create. The caller holds s.mu.
func (s *Server) visible(key string) *record {
	rec := s.store.lookup(key)
	if rec == nil {
		return nil
	}
	if rec.hiddenReads > 0 {
		rec.hiddenReads--
		return nil
	}
	return rec
}

// handleModify is users.update (PUT) and users.patch (PATCH).
func (s *Server) handleModify(w http.ResponseWriter, r *http.Request, key string, patch bool) {
	body, perr := readBody(r)
	if perr != nil {
		writeError(w, *perr)
		return
	}

	s.mu.Lock()
	out, err := s.modify(key, body, patch)
	s.mu.Unlock()

	if err != nil {
		writeError(w, *err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// modify applies body to the user at key atomically: either every field
// changes or none. The caller holds s.mu.
func (s *Server) modify(key string, body map[string]json.RawMessage, patch bool) (wireUser, *apiError) {
	rec := s.visible(key)
	if rec == nil {
		e := errNotFound()
		return wireUser{}, &e
	}
	next := rec.user.clone()
	if err := applyFields(&next, body, patch); err != nil {
		return wireUser{}, err
	}
	if err := s.validate(&next); err != nil {
		return wireUser{}, err
	}
	if s.store.taken(next.PrimaryEmail, rec) {
		e := errDuplicate()
		return wireUser{}, &e
	}
	s.store.replace(rec, next)
	return rec.wire(projection{all: true}), nil
}

// handleDelete is users.delete: DELETE /admin/directory/v1/users/{userKey},
// answered with 204 and no body.
func (s *Server) handleDelete(w http.ResponseWriter, key string) {
	s.mu.Lock()
	rec := s.store.lookup(key)
	if rec != nil {
		s.store.remove(rec)
	}
	s.mu.Unlock()

	if rec == nil {
		writeError(w, errNotFound())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
