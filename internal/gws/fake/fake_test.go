package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/accesshive/accesshive/internal/gws/fake"
)

// These are contract tests: they drive the fake through Google's real client,
// so the fake keeps speaking what the client expects.

const testPassword = "correct-horse-battery-staple"

type bundle struct {
	fake *fake.Server
	svc  *admin.Service
	url  string
}

func setup(tb testing.TB, opts fake.Options) bundle {
	tb.Helper()
	srv := fake.New(opts)
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	svc, err := admin.NewService(context.Background(),
		option.WithEndpoint(ts.URL+"/"),
		option.WithHTTPClient(ts.Client()),
		option.WithoutAuthentication())
	require.NoError(tb, err)
	return bundle{fake: srv, svc: svc, url: ts.URL}
}

func newUser(email string) *admin.User {
	return &admin.User{
		PrimaryEmail: email,
		Name:         &admin.UserName{GivenName: "Ada", FamilyName: "Lovelace"},
		Password:     testPassword,
	}
}

// requireGoogleError asserts err is a *googleapi.Error with code and reason.
func requireGoogleError(t *testing.T, err error, code int, reason string) *googleapi.Error {
	t.Helper()
	require.Error(t, err)
	var gerr *googleapi.Error
	require.ErrorAs(t, err, &gerr)
	require.Equal(t, code, gerr.Code, gerr.Body)
	require.NotEmpty(t, gerr.Errors, gerr.Body)
	require.Equal(t, reason, gerr.Errors[0].Reason)
	return gerr
}

func TestUserLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	ctx := t.Context()

	in := newUser("Ada.Lovelace@demo.test")
	in.OrgUnitPath = "/AccessHive/Clients"
	in.ExternalIds = []*admin.UserExternalId{{Type: "organization", Value: "identity-42"}}
	created, err := b.svc.Users.Insert(in).Context(ctx).Do()
	require.NoError(t, err)
	require.Len(t, created.Id, 21)
	require.True(t, strings.HasPrefix(created.Id, "1"))
	require.Equal(t, "admin#directory#user", created.Kind)
	require.Equal(t, "ada.lovelace@demo.test", created.PrimaryEmail, "Google lowercases addresses")
	require.Equal(t, "Ada Lovelace", created.Name.FullName)
	require.Equal(t, "/AccessHive/Clients", created.OrgUnitPath)
	require.Equal(t, fake.DefaultCustomerID, created.CustomerId)
	require.False(t, created.Suspended)
	require.Empty(t, created.Password)
	require.NotEmpty(t, created.Etag)
	_, err = time.Parse(time.RFC3339, created.CreationTime)
	require.NoError(t, err)
	require.True(t, b.fake.PasswordMatches(created.Id, testPassword))

	for _, key := range []string{created.Id, "ada.lovelace@demo.test", "ADA.LOVELACE@DEMO.TEST"} {
		got, err := b.svc.Users.Get(key).Context(ctx).Do()
		require.NoError(t, err, key)
		require.Equal(t, created.Id, got.Id)
	}

	patched, err := b.svc.Users.Patch(created.Id, &admin.User{
		Suspended:   true,
		OrgUnitPath: "/AccessHive",
	}).Context(ctx).Do()
	require.NoError(t, err)
	require.True(t, patched.Suspended)
	require.Equal(t, "ADMIN", patched.SuspensionReason)
	require.Equal(t, "/AccessHive", patched.OrgUnitPath)
	require.Equal(t, "Ada", patched.Name.GivenName, "absent fields are kept")
	require.NotEqual(t, created.Etag, patched.Etag)

	// Unsuspending needs ForceSendFields, exactly as against Google.
	updated, err := b.svc.Users.Update(created.Id, &admin.User{
		Name:            &admin.UserName{FamilyName: "King"},
		Password:        "another-password-123",
		Suspended:       false,
		ForceSendFields: []string{"Suspended"},
	}).Context(ctx).Do()
	require.NoError(t, err)
	require.False(t, updated.Suspended)
	require.Empty(t, updated.SuspensionReason)
	require.Equal(t, "Ada King", updated.Name.FullName)
	require.True(t, b.fake.PasswordMatches(created.Id, "another-password-123"))
	require.False(t, b.fake.PasswordMatches(created.Id, testPassword))

	require.NoError(t, b.svc.Users.Delete(created.PrimaryEmail).Context(ctx).Do())
	_, err = b.svc.Users.Get(created.Id).Context(ctx).Do()
	requireGoogleError(t, err, http.StatusNotFound, "notFound")
	require.Zero(t, b.fake.Count())

	calls := b.fake.Calls()
	require.Equal(t, 1, calls[fake.CallInsert])
	require.Equal(t, 4, calls[fake.CallGet])
	require.Equal(t, 1, calls[fake.CallPatch])
	require.Equal(t, 1, calls[fake.CallUpdate])
	require.Equal(t, 1, calls[fake.CallDelete])
}

func TestDeleteAnswers204(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	require.NoError(t, b.fake.AddUsers(fake.User{PrimaryEmail: "x@demo.test", Name: fake.UserName{GivenName: "X", FamilyName: "Y"}}))

	req, err := http.NewRequest(http.MethodDelete, b.url+"/admin/directory/v1/users/x@demo.test?alt=json&prettyPrint=false", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Empty(t, body)

	err = b.svc.Users.Delete("x@demo.test").Context(t.Context()).Do()
	requireGoogleError(t, err, http.StatusNotFound, "notFound")
}

func TestInsertDuplicate(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	ctx := t.Context()

	_, err := b.svc.Users.Insert(newUser("dup@demo.test")).Context(ctx).Do()
	require.NoError(t, err)
	_, err = b.svc.Users.Insert(newUser("DUP@demo.test")).Context(ctx).Do()
	gerr := requireGoogleError(t, err, http.StatusConflict, "duplicate")
	require.Equal(t, "Entity already exists.", gerr.Message)
	require.Equal(t, 1, b.fake.Count())
}

func TestInsertValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(u *admin.User)
	}{
		{"missing primaryEmail", func(u *admin.User) { u.PrimaryEmail = "" }},
		{"email without domain", func(u *admin.User) { u.PrimaryEmail = "nobody" }},
		{"foreign domain", func(u *admin.User) { u.PrimaryEmail = "ada@elsewhere.example" }},
		{"missing name", func(u *admin.User) { u.Name = nil }},
		{"missing family name", func(u *admin.User) { u.Name.FamilyName = "" }},
		{"missing password", func(u *admin.User) { u.Password = "" }},
		{"short password", func(u *admin.User) { u.Password = "short" }},
		{"unknown hash function", func(u *admin.User) { u.HashFunction = "ROT13" }},
		{"relative org unit", func(u *admin.User) { u.OrgUnitPath = "Sales" }},
	}
	b := setup(t, fake.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := newUser("valid@demo.test")
			tt.mutate(u)
			_, err := b.svc.Users.Insert(u).Context(t.Context()).Do()
			requireGoogleError(t, err, http.StatusBadRequest, "invalid")
		})
	}
}

func TestInsertAcceptsConfiguredDomainsAndHashes(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{Domains: []string{"agency.example", "Clients.Example"}, CustomerID: "C01abc"})
	ctx := t.Context()

	u := newUser("sha@clients.example")
	u.Password = "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"
	u.HashFunction = "SHA-1"
	got, err := b.svc.Users.Insert(u).Context(ctx).Do()
	require.NoError(t, err)
	require.Equal(t, "C01abc", got.CustomerId)
	require.Empty(t, got.HashFunction)
	stored, ok := b.fake.Get("sha@clients.example")
	require.True(t, ok)
	require.Equal(t, "SHA-1", stored.HashFunction)
	require.True(t, b.fake.PasswordMatches(got.Id, u.Password))

	_, err = b.svc.Users.Insert(newUser("x@demo.test")).Context(ctx).Do()
	requireGoogleError(t, err, http.StatusBadRequest, "invalid")
}

func TestGetUnknown(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	_, err := b.svc.Users.Get("ghost@demo.test").Context(t.Context()).Do()
	gerr := requireGoogleError(t, err, http.StatusNotFound, "notFound")
	require.Equal(t, "Resource Not Found: userKey", gerr.Message)

	_, err = b.svc.Users.Patch("100000000000000000000", &admin.User{Suspended: true}).Context(t.Context()).Do()
	requireGoogleError(t, err, http.StatusNotFound, "notFound")
}

func TestRenameKeepsOldAddressAsAlias(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	ctx := t.Context()
	created, err := b.svc.Users.Insert(newUser("old@demo.test")).Context(ctx).Do()
	require.NoError(t, err)
	_, err = b.svc.Users.Insert(newUser("taken@demo.test")).Context(ctx).Do()
	require.NoError(t, err)

	_, err = b.svc.Users.Update(created.Id, &admin.User{PrimaryEmail: "taken@demo.test"}).Context(ctx).Do()
	requireGoogleError(t, err, http.StatusConflict, "duplicate")

	renamed, err := b.svc.Users.Update(created.Id, &admin.User{PrimaryEmail: "new@demo.test"}).Context(ctx).Do()
	require.NoError(t, err)
	require.Equal(t, []string{"old@demo.test"}, renamed.Aliases)

	got, err := b.svc.Users.Get("old@demo.test").Context(ctx).Do()
	require.NoError(t, err)
	require.Equal(t, "new@demo.test", got.PrimaryEmail)

	_, err = b.svc.Users.Insert(newUser("old@demo.test")).Context(ctx).Do()
	requireGoogleError(t, err, http.StatusConflict, "duplicate")
}

func TestListPagesEveryUserOnceInOrder(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	require.NoError(t, b.fake.SeedUsers(1234, "", "/"))
	want := b.fake.Users()
	require.Len(t, want, 1234)

	var got []string
	var sizes []int
	var tokens []string
	err := b.svc.Users.List().Customer("my_customer").MaxResults(500).Pages(t.Context(), func(page *admin.Users) error {
		require.Equal(t, "admin#directory#users", page.Kind)
		sizes = append(sizes, len(page.Users))
		tokens = append(tokens, page.NextPageToken)
		for _, u := range page.Users {
			got = append(got, u.PrimaryEmail)
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, []int{500, 500, 234}, sizes)
	require.Empty(t, tokens[2], "no token on the last page")
	require.NotEmpty(t, tokens[0])
	require.Len(t, got, len(want))
	for i, u := range want {
		require.Equal(t, u.PrimaryEmail, got[i])
	}
}

func TestListExactMultipleHasNoEmptyLastPage(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	require.NoError(t, b.fake.SeedUsers(10, "", ""))
	pages := 0
	err := b.svc.Users.List().Customer(fake.DefaultCustomerID).MaxResults(5).Pages(t.Context(), func(page *admin.Users) error {
		pages++
		require.Len(t, page.Users, 5)
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 2, pages)
}

func TestListStableWhileUsersAreAdded(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	require.NoError(t, b.fake.SeedUsers(300, "", ""))
	before := b.fake.Users()

	seen := map[string]int{}
	pages := 0
	err := b.svc.Users.List().Customer("my_customer").MaxResults(100).Pages(t.Context(), func(page *admin.Users) error {
		pages++
		for _, u := range page.Users {
			seen[u.PrimaryEmail]++
		}
		// Between pages, users appear both behind and ahead of the cursor.
		return b.fake.AddUsers(
			fake.User{PrimaryEmail: fmt.Sprintf("aaa%d@demo.test", pages), Name: fake.UserName{GivenName: "A", FamilyName: "A"}},
			fake.User{PrimaryEmail: fmt.Sprintf("zzz%d@demo.test", pages), Name: fake.UserName{GivenName: "Z", FamilyName: "Z"}},
		)
	})
	require.NoError(t, err)
	for _, u := range before {
		require.Equal(t, 1, seen[u.PrimaryEmail], u.PrimaryEmail)
	}
	for email, n := range seen {
		require.Equal(t, 1, n, email)
	}
}

func TestListParameters(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	require.NoError(t, b.fake.SeedUsers(150, "", ""))

	tests := []struct {
		name   string
		call   func() *admin.UsersListCall
		status int // 0 for success
		count  int
	}{
		{"default page size is 100", func() *admin.UsersListCall { return b.svc.Users.List().Customer("my_customer") }, 0, 100},
		{"maxResults 500", func() *admin.UsersListCall { return b.svc.Users.List().Customer("my_customer").MaxResults(500) }, 0, 150},
		{"maxResults 501", func() *admin.UsersListCall { return b.svc.Users.List().Customer("my_customer").MaxResults(501) }, 400, 0},
		{"maxResults 0", func() *admin.UsersListCall { return b.svc.Users.List().Customer("my_customer").MaxResults(0) }, 400, 0},
		{"neither customer nor domain", func() *admin.UsersListCall { return b.svc.Users.List() }, 400, 0},
		{"configured customer id", func() *admin.UsersListCall { return b.svc.Users.List().Customer(fake.DefaultCustomerID) }, 0, 100},
		{"foreign customer id", func() *admin.UsersListCall { return b.svc.Users.List().Customer("C999") }, 403, 0},
		{"foreign domain", func() *admin.UsersListCall { return b.svc.Users.List().Domain("elsewhere.example") }, 403, 0},
		{"orderBy email", func() *admin.UsersListCall { return b.svc.Users.List().Customer("my_customer").OrderBy("email") }, 0, 100},
		{"bad orderBy", func() *admin.UsersListCall { return b.svc.Users.List().Customer("my_customer").OrderBy("shoeSize") }, 400, 0},
		{"bad pageToken", func() *admin.UsersListCall { return b.svc.Users.List().Customer("my_customer").PageToken("garbage!") }, 400, 0},
		{"bad query", func() *admin.UsersListCall { return b.svc.Users.List().Customer("my_customer").Query("shoeSize=42") }, 400, 0},
		{"showDeleted lists no deleted users", func() *admin.UsersListCall {
			return b.svc.Users.List().Customer("my_customer").ShowDeleted("true")
		}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page, err := tt.call().Context(t.Context()).Do()
			if tt.status != 0 {
				var gerr *googleapi.Error
				require.ErrorAs(t, err, &gerr)
				require.Equal(t, tt.status, gerr.Code, gerr.Body)
				return
			}
			require.NoError(t, err)
			require.Len(t, page.Users, tt.count)
		})
	}
}

func TestListDomainFilter(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{Domains: []string{"agency.example", "client.example"}})
	require.NoError(t, b.fake.SeedUsers(3, "agency.example", ""))
	require.NoError(t, b.fake.SeedUsers(2, "client.example", ""))

	page, err := b.svc.Users.List().Domain("client.example").Context(t.Context()).Do()
	require.NoError(t, err)
	require.Len(t, page.Users, 2)
	for _, u := range page.Users {
		require.True(t, strings.HasSuffix(u.PrimaryEmail, "@client.example"))
	}
	page, err = b.svc.Users.List().Customer("my_customer").Context(t.Context()).Do()
	require.NoError(t, err)
	require.Len(t, page.Users, 5)
}

func TestListQuery(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	user := func(email, ou string, suspended bool, extID string) fake.User {
		u := fake.User{PrimaryEmail: email, Name: fake.UserName{GivenName: "G", FamilyName: "F"}, OrgUnitPath: ou, Suspended: suspended}
		if extID != "" {
			u.ExternalIDs = []fake.ExternalID{{Type: "organization", Value: extID}}
		}
		return u
	}
	require.NoError(t, b.fake.AddUsers(
		user("ah-1@demo.test", "/AccessHive", false, "id-1"),
		user("ah-2@demo.test", "/AccessHive/Clients", true, "id-2"),
		user("ah-3@demo.test", "/AccessHive/Clients/Acme", false, "id-3"),
		user("staff@demo.test", "/Staff", false, ""),
		user("other@demo.test", "/AccessHiveOther", false, "id-1"),
	))

	tests := []struct {
		query string
		want  []string
	}{
		{"orgUnitPath='/AccessHive'", []string{"ah-1@demo.test", "ah-2@demo.test", "ah-3@demo.test"}},
		{"orgUnitPath=/AccessHive/Clients", []string{"ah-2@demo.test", "ah-3@demo.test"}},
		{"orgUnitPath='/'", []string{"ah-1@demo.test", "ah-2@demo.test", "ah-3@demo.test", "other@demo.test", "staff@demo.test"}},
		{"externalId:id-1", []string{"ah-1@demo.test", "other@demo.test"}},
		{"externalId=id-2", []string{"ah-2@demo.test"}},
		{"isSuspended=true", []string{"ah-2@demo.test"}},
		{"isSuspended=false orgUnitPath='/AccessHive'", []string{"ah-1@demo.test", "ah-3@demo.test"}},
		{"email:ah-*", []string{"ah-1@demo.test", "ah-2@demo.test", "ah-3@demo.test"}},
		{"orgUnitPath='/AccessHive' externalId:id-1 isSuspended=false", []string{"ah-1@demo.test"}},
		{"email=staff@demo.test", []string{"staff@demo.test"}},
		{"externalId:nothing", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			var got []string
			err := b.svc.Users.List().Customer("my_customer").Query(tt.query).MaxResults(2).Pages(t.Context(), func(page *admin.Users) error {
				for _, u := range page.Users {
					got = append(got, u.PrimaryEmail)
				}
				return nil
			})
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestListOrderByFamilyNameDescending(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	for i, family := range []string{"Baker", "Adams", "Clark", "Adams"} {
		require.NoError(t, b.fake.AddUsers(fake.User{
			PrimaryEmail: fmt.Sprintf("u%d@demo.test", i),
			Name:         fake.UserName{GivenName: "G", FamilyName: family},
		}))
	}
	var got []string
	err := b.svc.Users.List().Customer("my_customer").OrderBy("familyName").SortOrder("DESCENDING").MaxResults(1).
		Pages(t.Context(), func(page *admin.Users) error {
			for _, u := range page.Users {
				got = append(got, u.Name.FamilyName+"/"+u.PrimaryEmail)
			}
			return nil
		})
	require.NoError(t, err)
	require.Equal(t, []string{"Clark/u2@demo.test", "Baker/u0@demo.test", "Adams/u3@demo.test", "Adams/u1@demo.test"}, got)
}

func TestCustomSchemasFollowProjection(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	ctx := t.Context()
	u := newUser("schema@demo.test")
	u.CustomSchemas = map[string]googleapi.RawMessage{"AccessHive": googleapi.RawMessage(`{"identityId":"idt-7","agency":"a1"}`)}
	created, err := b.svc.Users.Insert(u).Context(ctx).Do()
	require.NoError(t, err)

	basic, err := b.svc.Users.Get(created.Id).Context(ctx).Do()
	require.NoError(t, err)
	require.Empty(t, basic.CustomSchemas, "basic projection leaves custom schemas out, as Google does")

	full, err := b.svc.Users.Get(created.Id).Projection("full").Context(ctx).Do()
	require.NoError(t, err)
	require.JSONEq(t, `{"identityId":"idt-7","agency":"a1"}`, string(full.CustomSchemas["AccessHive"]))

	_, err = b.svc.Users.Patch(created.Id, &admin.User{
		CustomSchemas: map[string]googleapi.RawMessage{"AccessHive": googleapi.RawMessage(`{"agency":null,"state":"managed"}`)},
	}).Context(ctx).Do()
	require.NoError(t, err)
	custom, err := b.svc.Users.Get(created.Id).Projection("custom").CustomFieldMask("AccessHive").Context(ctx).Do()
	require.NoError(t, err)
	require.JSONEq(t, `{"identityId":"idt-7","state":"managed"}`, string(custom.CustomSchemas["AccessHive"]))

	page, err := b.svc.Users.List().Customer("my_customer").Query("AccessHive.identityId=idt-7").Projection("full").Context(ctx).Do()
	require.NoError(t, err)
	require.Len(t, page.Users, 1)
	require.NotEmpty(t, page.Users[0].CustomSchemas)
}

func TestFailNextRateLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	ctx := t.Context()
	b.fake.FailNext(2, http.StatusForbidden, "userRateLimitExceeded")

	for range 2 {
		_, err := b.svc.Users.List().Customer("my_customer").Context(ctx).Do()
		gerr := requireGoogleError(t, err, http.StatusForbidden, "userRateLimitExceeded")
		var body struct {
			Error struct {
				Errors []struct{ Domain string } `json:"errors"`
			} `json:"error"`
		}
		require.NoError(t, json.Unmarshal([]byte(gerr.Body), &body))
		require.Equal(t, "usageLimits", body.Error.Errors[0].Domain)
	}
	_, err := b.svc.Users.List().Customer("my_customer").Context(ctx).Do()
	require.NoError(t, err)
	require.Equal(t, 3, b.fake.Calls()[fake.CallList], "failed requests are counted too")
}

func TestFailNextServiceUnavailable(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	b.fake.FailNext(1, http.StatusServiceUnavailable, "")
	_, err := b.svc.Users.Insert(newUser("later@demo.test")).Context(t.Context()).Do()
	requireGoogleError(t, err, http.StatusServiceUnavailable, "backendError")
	require.Zero(t, b.fake.Count(), "a failed request changes nothing")

	_, err = b.svc.Users.Insert(newUser("later@demo.test")).Context(t.Context()).Do()
	require.NoError(t, err)
}

func TestFailNextOnMatchesOnlyItsRoute(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	ctx := t.Context()
	created, err := b.svc.Users.Insert(newUser("route@demo.test")).Context(ctx).Do()
	require.NoError(t, err)
	b.fake.FailNextOn(http.MethodPatch, "/admin/directory/v1/users/", 1, http.StatusBadRequest, "invalid")

	_, err = b.svc.Users.Get(created.Id).Context(ctx).Do()
	require.NoError(t, err)
	_, err = b.svc.Users.List().Customer("my_customer").Context(ctx).Do()
	require.NoError(t, err)
	_, err = b.svc.Users.Patch(created.Id, &admin.User{Suspended: true}).Context(ctx).Do()
	requireGoogleError(t, err, http.StatusBadRequest, "invalid")
	_, err = b.svc.Users.Patch(created.Id, &admin.User{Suspended: true}).Context(ctx).Do()
	require.NoError(t, err)
}

func TestEventualConsistency(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	ctx := t.Context()
	b.fake.SetEventualConsistency(2)

	created, err := b.svc.Users.Insert(newUser("fresh@demo.test")).Context(ctx).Do()
	require.NoError(t, err)
	require.Equal(t, 1, b.fake.Count(), "the user exists all along")

	_, err = b.svc.Users.Get(created.Id).Context(ctx).Do()
	requireGoogleError(t, err, http.StatusNotFound, "notFound")
	_, err = b.svc.Users.Update(created.PrimaryEmail, &admin.User{Password: "a-new-password"}).Context(ctx).Do()
	requireGoogleError(t, err, http.StatusNotFound, "notFound")
	_, err = b.svc.Users.Insert(newUser("fresh@demo.test")).Context(ctx).Do()
	requireGoogleError(t, err, http.StatusConflict, "duplicate")

	got, err := b.svc.Users.Get(created.Id).Context(ctx).Do()
	require.NoError(t, err)
	require.Equal(t, created.Id, got.Id)
	require.True(t, b.fake.PasswordMatches(created.Id, testPassword), "the 404 update changed nothing")
}

func TestCreateThenFail(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	ctx := t.Context()
	b.fake.CreateThenFail(1, http.StatusInternalServerError)

	_, err := b.svc.Users.Insert(newUser("lost@demo.test")).Context(ctx).Do()
	requireGoogleError(t, err, http.StatusInternalServerError, "backendError")
	require.Equal(t, 1, b.fake.Count())

	_, err = b.svc.Users.Insert(newUser("lost@demo.test")).Context(ctx).Do()
	requireGoogleError(t, err, http.StatusConflict, "duplicate")
	got, err := b.svc.Users.Get("lost@demo.test").Context(ctx).Do()
	require.NoError(t, err)
	require.Equal(t, "lost@demo.test", got.PrimaryEmail)
	require.Equal(t, 1, b.fake.Count())
}

func TestPasswordNeverServed(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	body := fmt.Sprintf(`{"primaryEmail":"pw@demo.test","name":{"givenName":"P","familyName":"W"},"password":%q}`, testPassword)
	responses := []string{
		rawRequest(t, http.MethodPost, b.url+"/admin/directory/v1/users?alt=json", body),
		rawRequest(t, http.MethodGet, b.url+"/admin/directory/v1/users/pw@demo.test?alt=json&projection=full", ""),
		rawRequest(t, http.MethodPatch, b.url+"/admin/directory/v1/users/pw@demo.test?alt=json",
			fmt.Sprintf(`{"password":%q}`, testPassword+"2")),
		rawRequest(t, http.MethodGet, b.url+"/admin/directory/v1/users?alt=json&customer=my_customer&projection=full", ""),
		rawRequest(t, http.MethodGet, b.url+"/_fake/users", ""),
	}
	for _, resp := range responses {
		require.NotContains(t, resp, testPassword)
		require.NotContains(t, strings.ToLower(resp), "password\"")
		require.NotContains(t, resp, "hashFunction")
	}
	stored, ok := b.fake.Get("pw@demo.test")
	require.True(t, ok)
	require.Len(t, stored.PasswordHash, 64)
	require.NotContains(t, stored.PasswordHash, testPassword)
}

// rawRequest sends a request without the client and returns the body.
func rawRequest(t *testing.T, method, url, body string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Less(t, resp.StatusCode, 300, string(data))
	if len(data) > 0 {
		require.Equal(t, "application/json; charset=UTF-8", resp.Header.Get("Content-Type"))
	}
	return string(data)
}

func TestLatencyHonoursContext(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	b.fake.SetLatency(300 * time.Millisecond)

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := b.svc.Users.List().Customer("my_customer").Context(ctx).Do()
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 250*time.Millisecond)

	start = time.Now()
	_, err = b.svc.Users.List().Customer("my_customer").Context(t.Context()).Do()
	require.NoError(t, err)
	require.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)

	b.fake.SetLatency(0)
	start = time.Now()
	_, err = b.svc.Users.List().Customer("my_customer").Context(t.Context()).Do()
	require.NoError(t, err)
	require.Less(t, time.Since(start), 250*time.Millisecond)
}

func TestReset(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	require.NoError(t, b.fake.SeedUsers(5, "", ""))
	b.fake.FailNext(5, http.StatusServiceUnavailable, "")
	b.fake.SetLatency(time.Hour)
	b.fake.SetEventualConsistency(3)
	b.fake.CreateThenFail(1, http.StatusInternalServerError)

	b.fake.Reset()
	require.Zero(t, b.fake.Count())
	require.Empty(t, b.fake.Calls())
	created, err := b.svc.Users.Insert(newUser("after@demo.test")).Context(t.Context()).Do()
	require.NoError(t, err)
	_, err = b.svc.Users.Get(created.Id).Context(t.Context()).Do()
	require.NoError(t, err)
}

// BenchmarkServeListPage measures the fake alone: one page of 500 users from
// 20,000, rendered by ServeHTTP without a network or a client.
func BenchmarkServeListPage(b *testing.B) {
	srv := fake.New(fake.Options{})
	require.NoError(b, srv.SeedUsers(20000, "", "/AccessHive"))
	req := httptest.NewRequest(http.MethodGet, "/admin/directory/v1/users?alt=json&prettyPrint=false&customer=my_customer&maxResults=500&query=orgUnitPath%3D%2FAccessHive", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

func TestAddUsersIsAllOrNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	ok := fake.User{PrimaryEmail: "ok@demo.test", Name: fake.UserName{GivenName: "O", FamilyName: "K"}, Aliases: []string{"alias@demo.test"}}
	tests := []struct {
		name  string
		users []fake.User
	}{
		{"foreign domain", []fake.User{ok, {PrimaryEmail: "x@elsewhere.example", Name: ok.Name}}},
		{"missing name", []fake.User{ok, {PrimaryEmail: "noname@demo.test"}}},
		{"duplicate in batch", []fake.User{ok, ok}},
		{"alias clash in batch", []fake.User{ok, {PrimaryEmail: "alias@demo.test", Name: ok.Name}}},
	}
	for _, tt := range tests {
		err := b.fake.AddUsers(tt.users...)
		require.ErrorIs(t, err, fake.ErrInvalidUser, tt.name)
		require.Zero(t, b.fake.Count(), tt.name)
	}
	require.NoError(t, b.fake.AddUsers(ok))
	got, err := b.svc.Users.Get("alias@demo.test").Context(t.Context()).Do()
	require.NoError(t, err)
	require.Equal(t, "ok@demo.test", got.PrimaryEmail)
	require.Equal(t, "1970-01-01T00:00:00.000Z", got.LastLoginTime)
}

// TestSeedTwentyThousandUsers checks what seeding stores; how fast it is is
// BenchmarkSeedTwentyThousandUsers' business (docs/BENCHMARKS.md).
func TestSeedTwentyThousandUsers(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	require.NoError(t, b.fake.SeedUsers(20000, "demo.test", "/AccessHive"))
	require.Equal(t, 20000, b.fake.Count())
	u, found := b.fake.Get("user020000@demo.test")
	require.True(t, found, "seeded users are numbered from 1")
	require.Equal(t, "/AccessHive", u.OrgUnitPath)

	require.NoError(t, b.fake.SeedUsers(10, "", ""))
	require.Equal(t, 20010, b.fake.Count(), "later seeds never collide with earlier ones")
	u, found = b.fake.Get("user020010@demo.test")
	require.True(t, found, "a later seed numbers on")
	require.Equal(t, "/", u.OrgUnitPath)
}

// BenchmarkSeedTwentyThousandUsers seeds 20,000 users into an empty fake, as the
// directory-sync benchmarks and `make run`'s demo data do.
func BenchmarkSeedTwentyThousandUsers(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		srv := fake.New(fake.Options{})
		if err := srv.SeedUsers(20000, "demo.test", "/AccessHive"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestControlEndpoints(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	ctx := t.Context()
	post := func(path, body string) (int, string) {
		resp, err := http.Post(b.url+path, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(data)
	}

	status, body := post("/_fake/seed", `{"n":3,"domain":"demo.test","orgUnitPath":"/AccessHive"}`)
	require.Equal(t, http.StatusOK, status, body)
	require.JSONEq(t, `{"count":3}`, body)

	status, body = post("/_fake/users", `{"users":[{"primaryEmail":"curl@demo.test","name":{"givenName":"C","familyName":"U"},"password":"curl-password","suspended":true,"externalIds":[{"type":"organization","value":"ext-9"}]}]}`)
	require.Equal(t, http.StatusOK, status, body)
	require.JSONEq(t, `{"count":4}`, body)
	require.True(t, b.fake.PasswordMatches("curl@demo.test", "curl-password"))

	status, _ = post("/_fake/fail", `{"n":1,"status":403,"reason":"userRateLimitExceeded"}`)
	require.Equal(t, http.StatusNoContent, status)
	_, err := b.svc.Users.Get("curl@demo.test").Context(ctx).Do()
	requireGoogleError(t, err, http.StatusForbidden, "userRateLimitExceeded")

	status, _ = post("/_fake/fail", `{"n":1,"status":503,"method":"POST","pathPrefix":"/admin/directory/v1/users"}`)
	require.Equal(t, http.StatusNoContent, status)
	_, err = b.svc.Users.Get("curl@demo.test").Context(ctx).Do()
	require.NoError(t, err)
	_, err = b.svc.Users.Insert(newUser("n1@demo.test")).Context(ctx).Do()
	requireGoogleError(t, err, http.StatusServiceUnavailable, "backendError")

	status, _ = post("/_fake/create-then-fail", `{"n":1,"status":503}`)
	require.Equal(t, http.StatusNoContent, status)
	_, err = b.svc.Users.Insert(newUser("n2@demo.test")).Context(ctx).Do()
	requireGoogleError(t, err, http.StatusServiceUnavailable, "backendError")
	_, found := b.fake.Get("n2@demo.test")
	require.True(t, found)

	status, _ = post("/_fake/eventual-consistency", `{"n":1}`)
	require.Equal(t, http.StatusNoContent, status)
	_, err = b.svc.Users.Insert(newUser("n3@demo.test")).Context(ctx).Do()
	require.NoError(t, err)
	_, err = b.svc.Users.Get("n3@demo.test").Context(ctx).Do()
	requireGoogleError(t, err, http.StatusNotFound, "notFound")

	status, _ = post("/_fake/latency", `{"latency":"20ms"}`)
	require.Equal(t, http.StatusNoContent, status)
	status, _ = post("/_fake/latency", `{"latency":"0s"}`)
	require.Equal(t, http.StatusNoContent, status)

	var all struct {
		Count int               `json:"count"`
		Users []json.RawMessage `json:"users"`
	}
	require.NoError(t, json.Unmarshal([]byte(rawRequest(t, http.MethodGet, b.url+"/_fake/users", "")), &all))
	require.Equal(t, 6, all.Count)
	require.Len(t, all.Users, 6)

	var calls struct{ Calls map[string]int }
	require.NoError(t, json.Unmarshal([]byte(rawRequest(t, http.MethodGet, b.url+"/_fake/calls", "")), &calls))
	require.Equal(t, 3, calls.Calls[fake.CallInsert])

	for _, bad := range []struct{ path, body string }{
		{"/_fake/fail", `{"n":1,"status":200}`},
		{"/_fake/fail", `{"n":0,"status":503}`},
		{"/_fake/fail", `{"n":1,"status":503,"typo":true}`},
		{"/_fake/latency", `{"latency":"soon"}`},
		{"/_fake/seed", `{"n":1,"domain":"elsewhere.example"}`},
		{"/_fake/users", `{"users":[{"primaryEmail":"bad"}]}`},
	} {
		status, body := post(bad.path, bad.body)
		require.Equal(t, http.StatusBadRequest, status, bad.path+" "+bad.body+" "+body)
	}
	status, _ = post("/_fake/nope", `{}`)
	require.Equal(t, http.StatusNotFound, status)
	resp, err := http.Get(b.url + "/_fake/reset")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	status, _ = post("/_fake/reset", "")
	require.Equal(t, http.StatusNoContent, status)
	require.Zero(t, b.fake.Count())
}

func TestUnimplementedRoute(t *testing.T) {
	t.Parallel()
	b := setup(t, fake.Options{})
	err := b.svc.Users.MakeAdmin("x@demo.test", &admin.UserMakeAdmin{Status: true}).Context(t.Context()).Do()
	requireGoogleError(t, err, http.StatusNotImplemented, "notImplemented")
	require.Equal(t, 1, b.fake.Calls()["POST users/{userKey}/makeAdmin"])
}

func TestServeShutsDownOnCancel(t *testing.T) {
	t.Parallel()
	srv := fake.New(fake.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()

	url := "http://" + ln.Addr().String()
	resp, err := http.Post(url+"/_fake/seed", "application/json", bytes.NewBufferString(`{"n":2}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	_, err = http.Get(url + "/_fake/users")
	require.Error(t, err)
}

func TestListenAndServeReportsListenErrors(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	err = fake.ListenAndServe(t.Context(), ln.Addr().String(), fake.Options{})
	require.Error(t, err)
	require.False(t, errors.Is(err, context.Canceled))
}

// BenchmarkListTwentyThousandUsers pages through 20,000 users with the real
// client, 500 per page, as the directory sync does.
func BenchmarkListTwentyThousandUsers(b *testing.B) {
	bb := setup(b, fake.Options{})
	require.NoError(b, bb.fake.SeedUsers(20000, "", "/AccessHive"))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := bb.svc.Users.List().Customer("my_customer").MaxResults(500).Pages(ctx, func(page *admin.Users) error {
			n += len(page.Users)
			return nil
		})
		if err != nil || n != 20000 {
			b.Fatalf("listed %d users: %v", n, err)
		}
	}
}
