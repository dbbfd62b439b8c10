package fake

import (
	"cmp"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Paging limits of users.list.
const (
	defaultMaxResults = 100
	maxMaxResults     = 500
)

// listRequest is a parsed users.list call.
type listRequest struct {
	domain     string
	maxResults int
	orderBy    string // "email", "givenName" or "familyName"
	descending bool
	deleted    bool
	terms      []term
	proj       projection
	after      *cursor
}

// cursor is where the previous page ended: the sort key and primaryEmail of
// its last user. The page token is this cursor, opaque to the client.
type cursor struct {
	key   string
	email string
}

// wireUsers is Google's list answer (admin#directory#users).
type wireUsers struct {
	Kind          string     `json:"kind"`
	Users         []wireUser `json:"users,omitempty"`
	NextPageToken string     `json:"nextPageToken,omitempty"`
}

func (s *Server) parseList(r *http.Request) (listRequest, *apiError) {
	q := r.URL.Query()
	req := listRequest{maxResults: defaultMaxResults, orderBy: "email"}
	fail := func(e apiError) (listRequest, *apiError) { return listRequest{}, &e }

	customer := q.Get("customer")
	req.domain = strings.ToLower(q.Get("domain"))
	if customer == "" && req.domain == "" {
		return fail(errBadRequest())
	}
	if customer != "" && customer != "my_customer" && customer != s.customerID {
		return fail(errForbidden())
	}
	if req.domain != "" && !s.ownsDomain(req.domain) {
		return fail(errForbidden())
	}
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxMaxResults {
			return fail(errInvalid("Invalid value '" + v + "'. Values must be within the range: [1, 500]"))
		}
		req.maxResults = n
	}
	switch ob := q.Get("orderBy"); ob {
	case "", "email":
	case "givenName", "familyName":
		req.orderBy = ob
	default:
		return fail(errInvalid("Invalid value for: orderBy"))
	}
	switch so := strings.ToUpper(q.Get("sortOrder")); so {
	case "", "ASCENDING":
	case "DESCENDING":
		req.descending = true
	default:
		return fail(errInvalid("Invalid value for: sortOrder"))
	}
	var perr *apiError
	if req.proj, perr = parseProjection(r); perr != nil {
		return listRequest{}, perr
	}
	// The fake keeps no deleted users, so a listing of deleted users is empty
	// rather than a listing of live ones.
	req.deleted = strings.EqualFold(q.Get("showDeleted"), "true")
	terms, err := parseQuery(q.Get("query"))
	if err != nil {
		return fail(errInvalid("Invalid Input: " + err.Error()))
	}
	req.terms = terms
	if tok := q.Get("pageToken"); tok != "" {
		c, ok := decodeToken(tok, req)
		if !ok {
			return fail(errInvalid("Invalid Input: pageToken"))
		}
		req.after = &c
	}
	return req, nil
}

// tokenPrefix ties a page token to the order it was issued for, so a token
// from one ordering is refused by another.
func tokenPrefix(req listRequest) string {
	dir := "a"
	if req.descending {
		dir = "d"
	}
	return "v1|" + req.orderBy + "|" + dir + "|"
}

func encodeToken(req listRequest, c cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix(req) + c.key + "\x00" + c.email))
}

func decodeToken(tok string, req listRequest) (cursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return cursor{}, false
	}
	rest, ok := strings.CutPrefix(string(raw), tokenPrefix(req))
	if !ok {
		return cursor{}, false
	}
	key, email, ok := strings.Cut(rest, "\x00")
	if !ok || email == "" {
		return cursor{}, false
	}
	return cursor{key: key, email: email}, true
}

// handleList is users.list: GET /admin/directory/v1/users.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	req, perr := s.parseList(r)
	if perr != nil {
		writeError(w, *perr)
		return
	}
	resp := wireUsers{Kind: "admin#directory#users"}
	if !req.deleted {
		s.mu.Lock()
		resp.Users, resp.NextPageToken = s.page(req)
		s.mu.Unlock()
	}
	writeJSON(w, http.StatusOK, resp)
}

// page collects one page and the token of the next, "" on the last page. The
// caller holds s.mu.
func (s *Server) page(req listRequest) ([]wireUser, string) {
	if req.orderBy == "email" && !req.descending {
		return s.pageByEmail(req)
	}
	return s.pageSorted(req)
}

// pageByEmail walks the sorted email index from the cursor: O(log n) to find
// the start, then only as far as the page (and one more match) reaches.
func (s *Server) pageByEmail(req listRequest) ([]wireUser, string) {
	start := 0
	if req.after != nil {
		i, found := slices.BinarySearch(s.store.order, req.after.email)
		if found {
			i++
		}
		start = i
	}
	users := make([]wireUser, 0, min(req.maxResults, len(s.store.order)-start))
	var last *record
	for _, email := range s.store.order[start:] {
		rec := s.store.byEmail[email]
		if !s.matches(req, &rec.user) {
			continue
		}
		if len(users) == req.maxResults {
			return users, encodeToken(req, cursor{key: strings.ToLower(last.user.PrimaryEmail), email: strings.ToLower(last.user.PrimaryEmail)})
		}
		users = append(users, rec.wire(req.proj))
		last = rec
	}
	return users, ""
}

// pageSorted serves the other orderings by sorting every match; fine for a
// fake, and stable because the email breaks ties.
func (s *Server) pageSorted(req listRequest) ([]wireUser, string) {
	type keyed struct {
		c   cursor
		rec *record
	}
	var all []keyed
	for _, email := range s.store.order {
		rec := s.store.byEmail[email]
		if s.matches(req, &rec.user) {
			all = append(all, keyed{c: cursor{key: sortKey(req.orderBy, &rec.user), email: email}, rec: rec})
		}
	}
	compare := func(a, b cursor) int {
		c := cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.email, b.email))
		if req.descending {
			return -c
		}
		return c
	}
	slices.SortFunc(all, func(a, b keyed) int { return compare(a.c, b.c) })
	start := 0
	if req.after != nil {
		start, _ = slices.BinarySearchFunc(all, *req.after, func(k keyed, c cursor) int { return compare(k.c, c) })
		if start < len(all) && compare(all[start].c, *req.after) == 0 {
			start++
		}
	}
	end := min(start+req.maxResults, len(all))
	users := make([]wireUser, 0, end-start)
	for _, k := range all[start:end] {
		users = append(users, k.rec.wire(req.proj))
	}
	if end < len(all) {
		return users, encodeToken(req, all[end-1].c)
	}
	return users, ""
}

func sortKey(orderBy string, u *User) string {
	switch orderBy {
	case "givenName":
		return strings.ToLower(u.Name.GivenName)
	case "familyName":
		return strings.ToLower(u.Name.FamilyName)
	}
	return strings.ToLower(u.PrimaryEmail)
}

// matches applies the domain filter and every query term (implicit AND).
func (s *Server) matches(req listRequest, u *User) bool {
	if req.domain != "" && emailDomain(u.PrimaryEmail) != req.domain {
		return false
	}
	for _, t := range req.terms {
		if !t.match(u) {
			return false
		}
	}
	return true
}
