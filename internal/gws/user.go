package gws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	admin "google.golang.org/api/admin/directory/v1"
)

// ExternalIDType is the customType of the external id through which a
// directory user names the AccessHive identity it was created for. It is how
// AccessHive recognises its own users, whatever their address.
const ExternalIDType = "accesshive-identity"

// ManagedUser is the directory user AccessHive asks for on behalf of a
// MANAGED_GWS identity.
type ManagedUser struct {
	// IdentityID is the AccessHive identity; it is stored in the user's
	// external ids.
	IdentityID uuid.UUID
	// PrimaryEmail is the login address, in one of the customer's domains.
	PrimaryEmail string
	// GivenName and FamilyName are the user's name; Google requires both.
	GivenName, FamilyName string
}

// User is a directory user as AccessHive sees it.
type User struct {
	// ID is Google's immutable user id.
	ID string
	// PrimaryEmail is the login address, in lower case.
	PrimaryEmail string
	// OrgUnitPath is the user's org unit, e.g. "/AccessHive".
	OrgUnitPath string
	// GivenName and FamilyName are the user's name.
	GivenName, FamilyName string
	// Suspended reports whether the account is suspended.
	Suspended bool
	// IdentityID is the AccessHive identity named by the user's external id
	// of custom type ExternalIDType; uuid.Nil when it has none.
	IdentityID uuid.UUID
	// CreatedAt is when Google created the user; zero when unknown.
	CreatedAt time.Time
}

// listFields trims list answers to what User holds.
const listFields = "nextPageToken,users(id,primaryEmail,name(givenName,familyName),suspended,orgUnitPath,externalIds,creationTime)"

// Check proves that the credentials, the customer and the domain work with
// one cheap request: a list of at most one user.
//
// It is retried at most checkRetries times: a check is repeated by its job's own attempts, and
// every attempt of it sends a token request, so a configuration that fails must not turn one
// configure into a burst of requests.
func (c *Client) Check(ctx context.Context) error {
	return c.doN(ctx, "check directory access", "", min(c.maxRetries, checkRetries), func(ctx context.Context) error {
		call := c.svc.Users.List().Customer(c.customer).MaxResults(1).Fields("users(id)").Context(ctx)
		if c.domain != "" {
			call = call.Domain(c.domain)
		}
		_, err := call.Do()
		return err
	})
}

// EnsureUser provisions u idempotently and makes password its password.
//
// It first looks for the user: by its AccessHive external id in the managed
// org unit, then by address. A user carrying u's identity id is adopted: its
// password is set to password, so that the vault and the directory agree, and
// adopted is true. Such a user is adopted even under another address; the
// returned PrimaryEmail is the directory's. An address held by any other user
// gives ErrEmailTaken. Otherwise the user is inserted in the managed org unit.
//
// An insert answered 409, or with a 5xx or no answer at all (the user may
// have been created and the answer lost), is not taken at its word: the real
// state is looked up again, allowing for Google's eventual consistency, and a
// user found to be ours is adopted. Only then is the insert retried.
func (c *Client) EnsureUser(ctx context.Context, u ManagedUser, password string) (user User, adopted bool, err error) {
	u.PrimaryEmail = strings.ToLower(strings.TrimSpace(u.PrimaryEmail))
	switch {
	case u.IdentityID == uuid.Nil:
		return User{}, false, fmt.Errorf("gws: ensure user: %w: no identity id", errInvalidArgument)
	case u.PrimaryEmail == "":
		return User{}, false, fmt.Errorf("gws: ensure user: %w: no primary email", errInvalidArgument)
	case password == "":
		return User{}, false, fmt.Errorf("gws: ensure user %s: %w: empty password", u.PrimaryEmail, errInvalidArgument)
	}

	found, err := c.lookup(ctx, u, false)
	if err != nil {
		return User{}, false, err
	}
	if found != nil {
		return c.adopt(ctx, *found, password)
	}
	return c.insert(ctx, u, password)
}

// errUnconfirmedConflict is an insert answered 409 after which no user with
// the address could be found. It is not permanent: the user may still be
// propagating. (The address may also belong to a group or a recently deleted
// user, which a later attempt reports the same way.)
var errUnconfirmedConflict = errors.New("directory answered 409 but no user with this address is visible")

// insert creates u, re-checking the real state after a 409 or a lost answer
// before believing or retrying it.
func (c *Client) insert(ctx context.Context, u ManagedUser, password string) (User, bool, error) {
	body := &admin.User{
		PrimaryEmail: u.PrimaryEmail,
		Name:         &admin.UserName{GivenName: u.GivenName, FamilyName: u.FamilyName},
		Password:     password,
		OrgUnitPath:  c.ou,
		ExternalIds: []*admin.UserExternalId{{
			Type: "custom", CustomType: ExternalIDType, Value: u.IdentityID.String(),
		}},
		ChangePasswordAtNextLogin: false,
		ForceSendFields:           []string{"ChangePasswordAtNextLogin"},
	}
	op := "insert user " + u.PrimaryEmail
	for attempt := 1; ; attempt++ {
		var created *admin.User
		err := c.call(ctx, password, func(ctx context.Context) error {
			var err error
			created, err = c.svc.Users.Insert(body).Context(ctx).Do()
			return err
		})
		if err == nil {
			return fromAPI(created), false, nil
		}
		var ae *apiError
		conflict := errors.As(err, &ae) && ae.code == http.StatusConflict
		if !conflict && (!retryable(err) || ctx.Err() != nil) {
			return User{}, false, wrapOp(op, attempt, err)
		}

		// A 409 may follow a create that did succeed; a 5xx or a timeout may
		// hide one. Only the directory's real state tells. A rate-limit
		// refusal (429, 403 quota) created nothing: looking (and waiting for
		// a user to become visible) would only spend more of the exhausted
		// quota, so it is just retried after the backoff.
		if conflict || outcomeUnknown(err) {
			found, lerr := c.lookup(ctx, u, true)
			if lerr != nil {
				return User{}, false, lerr
			}
			if found != nil {
				return c.adopt(ctx, *found, password)
			}
			if conflict {
				return User{}, false, fmt.Errorf("gws: %s: %w (%v)", op, errUnconfirmedConflict, err)
			}
		}
		if attempt > c.maxRetries {
			return User{}, false, wrapOp(op, attempt, err)
		}
		if serr := sleep(ctx, c.backoff(attempt, err)); serr != nil {
			return User{}, false, wrapOp(op, attempt, fmt.Errorf("%w; last error: %w", serr, err))
		}
	}
}

// outcomeUnknown reports whether a failed request may still have taken effect:
// Google answered 5xx, or did not answer at all. A rate-limit refusal did not.
func outcomeUnknown(err error) bool {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.code >= http.StatusInternalServerError
	}
	var te *transportError
	return errors.As(err, &te)
}

// lookup finds the directory user of u: the one carrying u's identity id in
// the managed org unit (preferring one at u's address), else the user at u's
// address, which must then carry u's identity id or ErrEmailTaken is
// returned. It returns nil when there is none. settle allows for a user
// created moments ago that gets do not show yet.
func (c *Client) lookup(ctx context.Context, u ManagedUser, settle bool) (*User, error) {
	query := "externalId:" + u.IdentityID.String() + " " + c.ouQuery()
	var list *admin.Users
	err := c.do(ctx, "find user of identity "+u.IdentityID.String(), "", func(ctx context.Context) error {
		var err error
		list, err = c.svc.Users.List().Customer(c.customer).Query(query).MaxResults(10).Context(ctx).Do()
		return err
	})
	if err != nil {
		return nil, err
	}
	var candidate *User
	for _, au := range list.Users {
		got := fromAPI(au)
		if got.IdentityID != u.IdentityID {
			continue // the query matched the value in some other kind of external id
		}
		if got.PrimaryEmail == u.PrimaryEmail {
			return &got, nil
		}
		if candidate == nil {
			candidate = &got
		}
	}
	if candidate != nil {
		return candidate, nil
	}

	do := c.do
	if settle {
		do = c.doVisible
	}
	var au *admin.User
	err = do(ctx, "get user "+u.PrimaryEmail, "", func(ctx context.Context) error {
		var err error
		au, err = c.svc.Users.Get(u.PrimaryEmail).Context(ctx).Do()
		return err
	})
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	got := fromAPI(au)
	if got.IdentityID != u.IdentityID {
		return nil, fmt.Errorf("gws: ensure user %s: %w", u.PrimaryEmail, ErrEmailTaken)
	}
	return &got, nil
}

// adopt takes over a user AccessHive created earlier, setting its password.
func (c *Client) adopt(ctx context.Context, found User, password string) (User, bool, error) {
	au, err := c.patch(ctx, "adopt user "+found.PrimaryEmail+": set password", found.ID,
		&admin.User{Password: password}, password, true)
	if err != nil {
		return User{}, false, err
	}
	return fromAPI(au), true, nil
}

// SetPassword sets the password of the user at userKey (id or address). A 404
// just after the user's creation is retried, as Google's directory may not
// show the user yet; a lasting one is ErrNotFound.
func (c *Client) SetPassword(ctx context.Context, userKey, password string) error {
	if userKey == "" || password == "" {
		return fmt.Errorf("gws: set password: %w: empty user key or password", errInvalidArgument)
	}
	_, err := c.patch(ctx, "set password of "+userKey, userKey, &admin.User{Password: password}, password, true)
	return err
}

// Suspend suspends the user at userKey; suspending a suspended user is a
// no-op. A missing user is ErrNotFound.
func (c *Client) Suspend(ctx context.Context, userKey string) error {
	if userKey == "" {
		return fmt.Errorf("gws: suspend user: %w: empty user key", errInvalidArgument)
	}
	_, err := c.patch(ctx, "suspend user "+userKey, userKey, &admin.User{Suspended: true}, "", false)
	return err
}

// Delete deletes the user at userKey. A user already gone is not an error.
func (c *Client) Delete(ctx context.Context, userKey string) error {
	if userKey == "" {
		return fmt.Errorf("gws: delete user: %w: empty user key", errInvalidArgument)
	}
	err := c.do(ctx, "delete user "+userKey, "", func(ctx context.Context) error {
		return c.svc.Users.Delete(userKey).Context(ctx).Do()
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// RestoreAttributes sets a managed user's given and family name back, and moves it back into
// the managed org unit. Other attributes (external ids, aliases, ...) are left alone.
func (c *Client) RestoreAttributes(ctx context.Context, userKey, givenName, familyName string) error {
	if userKey == "" || givenName == "" || familyName == "" {
		return fmt.Errorf("gws: restore attributes: %w: empty user key or name", errInvalidArgument)
	}
	body := &admin.User{
		Name:        &admin.UserName{GivenName: givenName, FamilyName: familyName},
		OrgUnitPath: c.ou,
	}
	_, err := c.patch(ctx, "restore attributes of "+userKey, userKey, body, "", false)
	return err
}

// Get returns the user at userKey (id or address); a missing user is
// ErrNotFound.
func (c *Client) Get(ctx context.Context, userKey string) (User, error) {
	if userKey == "" {
		return User{}, fmt.Errorf("gws: get user: %w: empty user key", errInvalidArgument)
	}
	var au *admin.User
	err := c.do(ctx, "get user "+userKey, "", func(ctx context.Context) error {
		var err error
		au, err = c.svc.Users.Get(userKey).Context(ctx).Do()
		return err
	})
	if err != nil {
		return User{}, err
	}
	return fromAPI(au), nil
}

// patch sends a users.patch; settle retries 404s of a user just created.
// secret is blanked from any error.
func (c *Client) patch(ctx context.Context, op, userKey string, body *admin.User, secret string, settle bool) (*admin.User, error) {
	do := c.do
	if settle {
		do = c.doVisible
	}
	var out *admin.User
	err := do(ctx, op, secret, func(ctx context.Context) error {
		var err error
		out, err = c.svc.Users.Patch(userKey, body).Context(ctx).Do()
		return err
	})
	return out, err
}

// ouQuery restricts a users.list query to the managed org unit (and below,
// as Google's orgUnitPath search does).
func (c *Client) ouQuery() string {
	q := "'"
	if strings.Contains(c.ou, "'") {
		q = `"`
	}
	return "orgUnitPath=" + q + c.ou + q
}

// fromAPI converts Google's user resource.
func fromAPI(au *admin.User) User {
	if au == nil {
		return User{}
	}
	u := User{
		ID:           au.Id,
		PrimaryEmail: strings.ToLower(au.PrimaryEmail),
		OrgUnitPath:  au.OrgUnitPath,
		Suspended:    au.Suspended,
		IdentityID:   identityOf(au.ExternalIds),
	}
	if au.Name != nil {
		u.GivenName, u.FamilyName = au.Name.GivenName, au.Name.FamilyName
	}
	if t, err := time.Parse(time.RFC3339, au.CreationTime); err == nil {
		u.CreatedAt = t
	}
	return u
}

// identityOf finds AccessHive's identity id among a user's external ids,
// which the generated client leaves as decoded JSON ([]any of map[string]any).
func identityOf(externalIDs any) uuid.UUID {
	switch ids := externalIDs.(type) {
	case nil:
		return uuid.Nil
	case []any:
		for _, e := range ids {
			m, _ := e.(map[string]any)
			typ, _ := m["type"].(string)
			custom, _ := m["customType"].(string)
			value, _ := m["value"].(string)
			if id, ok := identityValue(typ, custom, value); ok {
				return id
			}
		}
		return uuid.Nil
	case []*admin.UserExternalId:
		for _, e := range ids {
			if e == nil {
				continue
			}
			if id, ok := identityValue(e.Type, e.CustomType, e.Value); ok {
				return id
			}
		}
		return uuid.Nil
	}
	// Anything else: round-trip through JSON into the typed form.
	raw, err := json.Marshal(externalIDs)
	if err != nil {
		return uuid.Nil
	}
	var typed []*admin.UserExternalId
	if json.Unmarshal(raw, &typed) != nil {
		return uuid.Nil
	}
	return identityOf(typed)
}

// identityValue accepts one external id if it is AccessHive's.
func identityValue(typ, customType, value string) (uuid.UUID, bool) {
	if typ != "custom" || customType != ExternalIDType {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(value)
	if err != nil || id == uuid.Nil {
		return uuid.Nil, false
	}
	return id, true
}
