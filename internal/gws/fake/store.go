package fake

import (
	"slices"
	"strconv"
	"strings"
)

// record is a stored user plus the fake's bookkeeping.
type record struct {
	user    User
	version uint64
	// hiddenReads is how many more reads (get, update, patch) answer 404 to
	// mimic Google's propagation delay after a create.
	hiddenReads int
	// creationText and lastLoginText cache the formatted timestamps, which
	// otherwise dominate the cost of a list page.
	creationText  string
	lastLoginText string
}

// store indexes users by id, lowercased primaryEmail and lowercased alias (all
// O(1)), and keeps the lowercased primaryEmails sorted for paging. It is not
// safe for concurrent use; Server.mu guards it.
type store struct {
	byID    map[string]*record
	byEmail map[string]*record
	byAlias map[string]*record
	// order holds the keys of byEmail, sorted. Paging resumes after the last
	// email served, so users added mid-listing never shift a page.
	order []string

	idBase  uint64
	nextID  uint64
	seedSeq int
}

func newStore(idBase uint64) *store {
	st := &store{idBase: idBase}
	st.reset()
	return st
}

// reset drops every user. Ids keep counting so none is ever reused.
func (st *store) reset() {
	st.byID = make(map[string]*record)
	st.byEmail = make(map[string]*record)
	st.byAlias = make(map[string]*record)
	st.order = nil
}

func (st *store) newID() string {
	st.nextID++
	return "1" + zeroPad(st.idBase+st.nextID, 20)
}

// zeroPad formats n in decimal, left-padded with zeros to width digits.
func zeroPad(n uint64, width int) string {
	var buf [20]byte
	digits := strconv.AppendUint(buf[:0], n, 10)
	if len(digits) >= width {
		return string(digits)
	}
	return strings.Repeat("0", width-len(digits)) + string(digits)
}

// grow makes room for n more users at once, so a bulk load does not rehash
// the indexes over and over.
func (st *store) grow(n int) {
	if n <= len(st.byID) {
		return
	}
	size := len(st.byID) + n
	byID := make(map[string]*record, size)
	byEmail := make(map[string]*record, size)
	for k, v := range st.byID {
		byID[k] = v
	}
	for k, v := range st.byEmail {
		byEmail[k] = v
	}
	st.byID, st.byEmail = byID, byEmail
	st.order = slices.Grow(st.order, n)
}

// lookup finds a user by id, primaryEmail or alias, as Google's userKey does.
func (st *store) lookup(key string) *record {
	if rec, ok := st.byID[key]; ok {
		return rec
	}
	k := strings.ToLower(strings.TrimSpace(key))
	if rec, ok := st.byEmail[k]; ok {
		return rec
	}
	return st.byAlias[k]
}

// taken reports whether an address is some user's primaryEmail or alias,
// other than except's.
func (st *store) taken(email string, except *record) bool {
	k := strings.ToLower(email)
	if rec, ok := st.byEmail[k]; ok && rec != except {
		return true
	}
	if rec, ok := st.byAlias[k]; ok && rec != except {
		return true
	}
	return false
}

// insert indexes a new record whose user has been validated and checked
// against taken. sorted=false leaves order unsorted for a bulk load, which
// must call sortOrder afterwards.
func (st *store) insert(rec *record, sorted bool) {
	email := strings.ToLower(rec.user.PrimaryEmail)
	st.byID[rec.user.ID] = rec
	st.byEmail[email] = rec
	for _, a := range rec.user.Aliases {
		st.byAlias[strings.ToLower(a)] = rec
	}
	if !sorted {
		st.order = append(st.order, email)
		return
	}
	i, _ := slices.BinarySearch(st.order, email)
	st.order = slices.Insert(st.order, i, email)
}

func (st *store) sortOrder() {
	slices.Sort(st.order)
}

// remove drops a record from every index.
func (st *store) remove(rec *record) {
	email := strings.ToLower(rec.user.PrimaryEmail)
	delete(st.byID, rec.user.ID)
	delete(st.byEmail, email)
	for _, a := range rec.user.Aliases {
		delete(st.byAlias, strings.ToLower(a))
	}
	if i, ok := slices.BinarySearch(st.order, email); ok {
		st.order = slices.Delete(st.order, i, i+1)
	}
}

// replace swaps rec's user for next, re-indexing when the primaryEmail
// changed. Like Google, a rename keeps the old address as an alias.
func (st *store) replace(rec *record, next User) {
	oldEmail := rec.user.PrimaryEmail
	if !strings.EqualFold(oldEmail, next.PrimaryEmail) {
		st.remove(rec)
		next.Aliases = slices.DeleteFunc(slices.Clone(next.Aliases), func(a string) bool {
			return strings.EqualFold(a, next.PrimaryEmail)
		})
		next.Aliases = append(next.Aliases, oldEmail)
		rec.user = next
		st.insert(rec, true)
	} else {
		rec.user = next
	}
	st.touch(rec)
}

// touch bumps the record's version and etag after any change. The etag is
// opaque, like Google's: an FNV-1a hash of id and version.
func (st *store) touch(rec *record) {
	rec.version++
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(rec.user.ID); i++ {
		h = (h ^ uint64(rec.user.ID[i])) * prime
	}
	for v := rec.version; v > 0; v >>= 8 {
		h = (h ^ (v & 0xff)) * prime
	}
	rec.user.Etag = `"` + strconv.FormatUint(h, 36) + "/" + strconv.FormatUint(rec.version, 36) + `"`
	rec.creationText = formatTime(rec.user.CreationTime)
	rec.lastLoginText = formatTime(rec.user.LastLoginTime)
}
