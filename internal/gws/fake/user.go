package fake

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"
)

// User is a directory user as the fake stores it. The password itself is never
// kept: PasswordHash is the hex SHA-256 of the value last sent as password.
type User struct {
	// ID is Google's immutable user id: 21 digits starting with "1".
	ID string
	// PrimaryEmail is the user's login address, in lower case as Google
	// stores it.
	PrimaryEmail string
	// Name holds the given, family and (derived) full name.
	Name UserName
	// Suspended reports whether the account is suspended.
	Suspended bool
	// SuspensionReason is "ADMIN" when suspended through the API.
	SuspensionReason string
	// OrgUnitPath is the user's organizational unit, "/" at the top.
	OrgUnitPath string
	// CustomerID is the owning customer's id.
	CustomerID string
	// CreationTime is when the user was created.
	CreationTime time.Time
	// LastLoginTime is the last login; zero for never (served as 1970).
	LastLoginTime time.Time
	// IsAdmin reports super-administrator rights (read-only in the API).
	IsAdmin bool
	// ChangePasswordAtNextLogin forces a password change at next login.
	ChangePasswordAtNextLogin bool
	// Aliases are further addresses that reach the user, in lower case; a
	// renamed user keeps its old primaryEmail as an alias.
	Aliases []string
	// ExternalIDs are ids from other systems, e.g. AccessHive's identity id.
	ExternalIDs []ExternalID
	// CustomSchemas maps a schema name to its JSON object of field values.
	CustomSchemas map[string]json.RawMessage
	// Etag changes whenever the user does.
	Etag string
	// PasswordHash is the hex SHA-256 of the password as sent; never served.
	PasswordHash string
	// HashFunction is the hashFunction sent with the password, if any.
	HashFunction string
}

// UserName is Google's name object.
type UserName struct {
	// GivenName is the first name.
	GivenName string `json:"givenName"`
	// FamilyName is the last name.
	FamilyName string `json:"familyName"`
	// FullName is "GivenName FamilyName", derived by the fake.
	FullName string `json:"fullName"`
}

// ExternalID is one entry of Google's externalIds.
type ExternalID struct {
	// Type is e.g. "organization", "account" or "custom".
	Type string `json:"type,omitempty"`
	// CustomType names the id when Type is "custom".
	CustomType string `json:"customType,omitempty"`
	// Value is the id itself.
	Value string `json:"value"`
}

// clone deep-copies the slices and map so a copy can leave the lock.
func (u User) clone() User {
	u.Aliases = slices.Clone(u.Aliases)
	u.ExternalIDs = slices.Clone(u.ExternalIDs)
	if u.CustomSchemas != nil {
		c := make(map[string]json.RawMessage, len(u.CustomSchemas))
		for k, v := range u.CustomSchemas {
			c[k] = slices.Clone(v)
		}
		u.CustomSchemas = c
	}
	return u
}

// wireUser is the user resource as Google serves it (admin#directory#user),
// limited to the fields AccessHive reads.
type wireUser struct {
	Kind                      string                     `json:"kind"`
	ID                        string                     `json:"id"`
	Etag                      string                     `json:"etag"`
	PrimaryEmail              string                     `json:"primaryEmail"`
	Name                      UserName                   `json:"name"`
	IsAdmin                   bool                       `json:"isAdmin"`
	LastLoginTime             string                     `json:"lastLoginTime"`
	CreationTime              string                     `json:"creationTime"`
	ChangePasswordAtNextLogin bool                       `json:"changePasswordAtNextLogin"`
	Suspended                 bool                       `json:"suspended"`
	SuspensionReason          string                     `json:"suspensionReason,omitempty"`
	OrgUnitPath               string                     `json:"orgUnitPath"`
	CustomerID                string                     `json:"customerId"`
	Aliases                   []string                   `json:"aliases,omitempty"`
	ExternalIDs               []ExternalID               `json:"externalIds,omitempty"`
	CustomSchemas             map[string]json.RawMessage `json:"customSchemas,omitempty"`
}

// projection says which custom schemas a response carries: Google leaves them
// out of the default "basic" projection.
type projection struct {
	all     bool
	schemas []string
}

// googleTime is Google's timestamp format (RFC 3339, milliseconds, UTC).
const googleTime = "2006-01-02T15:04:05.000Z"

// formatTime renders t as Google does; a zero time (never logged in) is the
// Unix epoch.
func formatTime(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(googleTime)
}

// wire renders the user for a response. Slices and maps are shared, which is
// safe because the store replaces them on change and never mutates them in
// place. Timestamps come preformatted from touch.
func (rec *record) wire(p projection) wireUser {
	u := &rec.user
	w := wireUser{
		Kind:                      "admin#directory#user",
		ID:                        u.ID,
		Etag:                      u.Etag,
		PrimaryEmail:              u.PrimaryEmail,
		Name:                      u.Name,
		IsAdmin:                   u.IsAdmin,
		LastLoginTime:             rec.lastLoginText,
		CreationTime:              rec.creationText,
		ChangePasswordAtNextLogin: u.ChangePasswordAtNextLogin,
		Suspended:                 u.Suspended,
		SuspensionReason:          u.SuspensionReason,
		OrgUnitPath:               u.OrgUnitPath,
		CustomerID:                u.CustomerID,
		Aliases:                   u.Aliases,
		ExternalIDs:               u.ExternalIDs,
	}
	switch {
	case p.all:
		w.CustomSchemas = u.CustomSchemas
	case len(p.schemas) > 0 && len(u.CustomSchemas) > 0:
		w.CustomSchemas = make(map[string]json.RawMessage, len(p.schemas))
		for _, name := range p.schemas {
			if v, ok := u.CustomSchemas[name]; ok {
				w.CustomSchemas[name] = v
			}
		}
	}
	return w
}

// hashPassword is how the fake keeps a password: never the value itself.
func hashPassword(password string) string {
	sum := sha256.Sum256([]byte(password))
	return hex.EncodeToString(sum[:])
}

// isNull reports whether a raw JSON value is null.
func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// applyFields applies a request body (insert, update or patch) to u. Google
// gives update and patch the same semantics: absent fields are kept and null
// clears, except that patch cannot clear repeated fields such as externalIds.
// Read-only fields (id, etag, isAdmin, creationTime, aliases, ...) and fields
// the fake does not model are ignored, as Google ignores read-only ones.
func applyFields(u *User, body map[string]json.RawMessage, patch bool) *apiError {
	for field, raw := range body {
		var err *apiError
		switch field {
		case "primaryEmail":
			// Google keeps addresses in lower case, whatever case was sent.
			err = decodeField(raw, &u.PrimaryEmail)
			u.PrimaryEmail = strings.ToLower(strings.TrimSpace(u.PrimaryEmail))
		case "name":
			err = applyName(u, raw)
		case "password":
			var pw string
			if err = decodeField(raw, &pw); err == nil {
				err = setPassword(u, pw, body["hashFunction"])
			}
		case "suspended":
			if err = decodeField(raw, &u.Suspended); err == nil {
				u.SuspensionReason = ""
				if u.Suspended {
					u.SuspensionReason = "ADMIN"
				}
			}
		case "orgUnitPath":
			u.OrgUnitPath = "/"
			if !isNull(raw) {
				err = decodeField(raw, &u.OrgUnitPath)
			}
		case "changePasswordAtNextLogin":
			err = decodeField(raw, &u.ChangePasswordAtNextLogin)
		case "externalIds":
			err = applyExternalIDs(u, raw, patch)
		case "customSchemas":
			err = applyCustomSchemas(u, raw)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// decodeField decodes a patched field's JSON value into dst; null resets it to its zero value.
func decodeField[T any](raw json.RawMessage, dst *T) *apiError {
	if isNull(raw) {
		var zero T
		*dst = zero
		return nil
	}
	if json.Unmarshal(raw, dst) != nil {
		e := errParse()
		return &e
	}
	return nil
}

// applyName merges the given and family names that are present; fullName is
// always derived from them.
func applyName(u *User, raw json.RawMessage) *apiError {
	if isNull(raw) {
		e := errInvalid("Invalid Given/Family Name: GivenName")
		return &e
	}
	var name map[string]json.RawMessage
	if json.Unmarshal(raw, &name) != nil {
		e := errParse()
		return &e
	}
	if v, ok := name["givenName"]; ok {
		if err := decodeField(v, &u.Name.GivenName); err != nil {
			return err
		}
	}
	if v, ok := name["familyName"]; ok {
		if err := decodeField(v, &u.Name.FamilyName); err != nil {
			return err
		}
	}
	u.Name.GivenName = strings.TrimSpace(u.Name.GivenName)
	u.Name.FamilyName = strings.TrimSpace(u.Name.FamilyName)
	u.Name.FullName = strings.TrimSpace(u.Name.GivenName + " " + u.Name.FamilyName)
	return nil
}

// setPassword validates and hashes a password. Google takes 8 to 100
// characters in clear, or an MD5, SHA-1 or crypt hash with hashFunction.
func setPassword(u *User, password string, rawHashFunction json.RawMessage) *apiError {
	var hf string
	if rawHashFunction != nil {
		if err := decodeField(rawHashFunction, &hf); err != nil {
			return err
		}
	}
	switch hf {
	case "":
		if n := len([]rune(password)); n < 8 || n > 100 {
			e := errInvalid("Invalid Password")
			return &e
		}
	case "MD5", "SHA-1", "crypt":
		if password == "" {
			e := errInvalid("Invalid Password")
			return &e
		}
	default:
		e := errInvalid("Invalid Input: hashFunction")
		return &e
	}
	u.PasswordHash = hashPassword(password)
	u.HashFunction = hf
	return nil
}

func applyExternalIDs(u *User, raw json.RawMessage, patch bool) *apiError {
	var ids []ExternalID
	if !isNull(raw) && json.Unmarshal(raw, &ids) != nil {
		e := errParse()
		return &e
	}
	if len(ids) == 0 {
		if !patch {
			u.ExternalIDs = nil
		}
		// Google's patch cannot clear repeated fields; update can.
		return nil
	}
	u.ExternalIDs = ids
	return nil
}

// applyCustomSchemas merges schemas field by field: a null schema removes it,
// a null field removes that field. The result is a new map, so earlier
// snapshots never change.
func applyCustomSchemas(u *User, raw json.RawMessage) *apiError {
	if isNull(raw) {
		u.CustomSchemas = nil
		return nil
	}
	var in map[string]json.RawMessage
	if json.Unmarshal(raw, &in) != nil {
		e := errParse()
		return &e
	}
	out := maps.Clone(u.CustomSchemas)
	if out == nil {
		out = make(map[string]json.RawMessage, len(in))
	}
	for schema, value := range in {
		if isNull(value) {
			delete(out, schema)
			continue
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal(value, &fields) != nil {
			e := errParse()
			return &e
		}
		merged := map[string]json.RawMessage{}
		if old, ok := out[schema]; ok {
			_ = json.Unmarshal(old, &merged) // stored values are always objects
		}
		for k, v := range fields {
			if isNull(v) {
				delete(merged, k)
			} else {
				merged[k] = slices.Clone(v)
			}
		}
		if len(merged) == 0 {
			delete(out, schema)
			continue
		}
		enc, err := json.Marshal(merged)
		if err != nil {
			e := errParse()
			return &e
		}
		out[schema] = enc
	}
	if len(out) == 0 {
		out = nil
	}
	u.CustomSchemas = out
	return nil
}

// normalizeOU gives an org unit path Google's canonical form: a leading slash
// and no trailing one.
func normalizeOU(p string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return "/"
	}
	if len(p) > 1 {
		p = strings.TrimRight(p, "/")
		if p == "" {
			return "/"
		}
	}
	return p
}

// validate checks what Google requires of every stored user. Password
// presence is the caller's business: only insert requires it.
func (s *Server) validate(u *User) *apiError {
	if !s.validEmail(u.PrimaryEmail) {
		e := errInvalid("Invalid Input: primary_user_email")
		return &e
	}
	if u.Name.GivenName == "" || len([]rune(u.Name.GivenName)) > 60 {
		e := errInvalid("Invalid Given/Family Name: GivenName")
		return &e
	}
	if u.Name.FamilyName == "" || len([]rune(u.Name.FamilyName)) > 60 {
		e := errInvalid("Invalid Given/Family Name: FamilyName")
		return &e
	}
	u.OrgUnitPath = normalizeOU(u.OrgUnitPath)
	if !strings.HasPrefix(u.OrgUnitPath, "/") || strings.Contains(u.OrgUnitPath, "//") {
		e := errInvalid("Invalid Input: INVALID_OU_ID")
		return &e
	}
	return nil
}

// validEmail accepts local@domain with domain one of the customer's.
func (s *Server) validEmail(email string) bool {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || strings.ContainsAny(local, " \t@") {
		return false
	}
	return s.ownsDomain(domain)
}

func (s *Server) ownsDomain(domain string) bool {
	return slices.Contains(s.domains, strings.ToLower(domain))
}

// emailDomain is the lowercased part after the @.
func emailDomain(email string) string {
	_, d, _ := strings.Cut(email, "@")
	return strings.ToLower(d)
}
