package gws_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/gws/fake"
)

const (
	managedOU  = "/AccessHive"
	domain     = fake.DefaultDomain
	usersPath  = "/admin/directory/v1/users"
	userPrefix = usersPath + "/"
)

type bundle struct {
	fake   *fake.Server
	client *gws.Client
	cfg    gws.Config
}

// config points a client at a fake with test-sized backoff.
func config(ts *httptest.Server) gws.Config {
	return gws.Config{
		Domain:      domain,
		CustomerID:  fake.DefaultCustomerID,
		ManagedOU:   managedOU,
		Endpoint:    ts.URL,
		HTTPClient:  ts.Client(),
		BaseBackoff: time.Millisecond,
	}
}

// setup starts a fake Directory API and a client for it, without rate
// limiting unless a test passes a limiter. edit may adjust the config.
func setup(tb testing.TB, limiter gws.Limiter, edit ...func(*gws.Config)) bundle {
	tb.Helper()
	srv := fake.New(fake.Options{})
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	cfg := config(ts)
	for _, e := range edit {
		e(&cfg)
	}
	if limiter == nil {
		limiter = rate.NewLimiter(rate.Inf, 0)
	}
	c, err := gws.New(context.Background(), cfg, limiter)
	require.NoError(tb, err)
	return bundle{fake: srv, client: c, cfg: cfg}
}

// newManaged returns a ManagedUser with a fresh identity and a unique address.
func newManaged(name string) gws.ManagedUser {
	id := uuid.New()
	return gws.ManagedUser{
		IdentityID:   id,
		PrimaryEmail: name + "-" + id.String()[:8] + "@" + domain,
		GivenName:    "Ada",
		FamilyName:   "Lovelace",
	}
}

// newPassword returns a password unique to the test, easy to spot in a string.
func newPassword() string {
	return "S3cret-" + uuid.NewString()
}

// requireNoSecret asserts that no error in the chain mentions a password.
func requireNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, s := range secrets {
			require.NotContains(t, e.Error(), s, "an error leaks a password")
		}
	}
	if err != nil {
		for _, s := range secrets {
			require.NotContains(t, err.Error(), s)
		}
	}
}

// ourExternalID is the external id EnsureUser stores.
func ourExternalID(id uuid.UUID) []fake.ExternalID {
	return []fake.ExternalID{{Type: "custom", CustomType: gws.ExternalIDType, Value: id.String()}}
}

func TestEnsureUserCreates(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	mu := newManaged("create")
	mu.PrimaryEmail = strings.ToUpper(mu.PrimaryEmail) // Google lowercases addresses
	pw := newPassword()

	user, adopted, err := b.client.EnsureUser(t.Context(), mu, pw)
	require.NoError(t, err)
	require.False(t, adopted)
	email := strings.ToLower(mu.PrimaryEmail)
	require.Equal(t, email, user.PrimaryEmail)
	require.Equal(t, managedOU, user.OrgUnitPath)
	require.Equal(t, mu.IdentityID, user.IdentityID)
	require.NotEmpty(t, user.ID)
	require.False(t, user.CreatedAt.IsZero())

	got, ok := b.fake.Get(email)
	require.True(t, ok)
	require.Equal(t, user.ID, got.ID)
	require.Equal(t, managedOU, got.OrgUnitPath)
	require.Equal(t, ourExternalID(mu.IdentityID), got.ExternalIDs)
	require.Equal(t, "Ada", got.Name.GivenName)
	require.Equal(t, "Lovelace", got.Name.FamilyName)
	require.False(t, got.ChangePasswordAtNextLogin)
	require.True(t, b.fake.PasswordMatches(email, pw))
	require.Equal(t, map[string]int{fake.CallList: 1, fake.CallGet: 1, fake.CallInsert: 1}, b.fake.Calls())
}

func TestEnsureUserAdoptsOnSecondRun(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	mu := newManaged("again")
	first, _, err := b.client.EnsureUser(t.Context(), mu, newPassword())
	require.NoError(t, err)

	pw := newPassword()
	second, adopted, err := b.client.EnsureUser(t.Context(), mu, pw)
	require.NoError(t, err)
	require.True(t, adopted)
	require.Equal(t, first.ID, second.ID)
	require.Equal(t, 1, b.fake.Count())
	require.True(t, b.fake.PasswordMatches(first.ID, pw), "an adopted user gets the vault's password")
	calls := b.fake.Calls()
	require.Equal(t, 1, calls[fake.CallInsert])
	require.Equal(t, 1, calls[fake.CallPatch])
}

func TestEnsureUserAdoptsAfterLostCreateAnswer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		status   int
		eventual int
	}{
		{name: "500", status: http.StatusInternalServerError},
		{name: "503 and eventual consistency", status: http.StatusServiceUnavailable, eventual: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			b.fake.CreateThenFail(1, tc.status)
			b.fake.SetEventualConsistency(tc.eventual)
			mu := newManaged("lost")
			pw := newPassword()

			user, adopted, err := b.client.EnsureUser(t.Context(), mu, pw)
			require.NoError(t, err)
			require.True(t, adopted, "the user created by the lost insert is adopted")
			require.Equal(t, 1, b.fake.Count(), "exactly one user")
			require.Equal(t, mu.IdentityID, user.IdentityID)
			require.True(t, b.fake.PasswordMatches(user.ID, pw))
			calls := b.fake.Calls()
			require.Equal(t, 1, calls[fake.CallInsert], "no second insert")
			require.Equal(t, 1+tc.eventual, calls[fake.CallPatch], "hidden patches are retried")
		})
	}
}

func TestEnsureUserDoesNotTrustConflict(t *testing.T) {
	t.Parallel()

	t.Run("ours after all", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		mu := newManaged("conflict")
		// Ours, but outside the managed OU (so the external id search misses
		// it) and hidden from the first get, as if just created.
		require.NoError(t, b.fake.AddUsers(fake.User{
			PrimaryEmail: mu.PrimaryEmail,
			Name:         fake.UserName{GivenName: "Ada", FamilyName: "Lovelace"},
			OrgUnitPath:  "/Elsewhere",
			ExternalIDs:  ourExternalID(mu.IdentityID),
		}))
		b.fake.FailNextOn(http.MethodGet, userPrefix, 1, http.StatusNotFound, "notFound")
		pw := newPassword()

		user, adopted, err := b.client.EnsureUser(t.Context(), mu, pw)
		require.NoError(t, err)
		require.True(t, adopted)
		require.Equal(t, "/Elsewhere", user.OrgUnitPath)
		require.Equal(t, 1, b.fake.Count())
		require.True(t, b.fake.PasswordMatches(mu.PrimaryEmail, pw))
		calls := b.fake.Calls()
		require.Equal(t, 1, calls[fake.CallInsert])
		require.Equal(t, 2, calls[fake.CallGet], "the 409 is checked against the real state")
	})

	t.Run("nobody visible", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		b.fake.FailNextOn(http.MethodPost, usersPath, 1, http.StatusConflict, "duplicate")
		mu := newManaged("phantom")
		pw := newPassword()

		_, _, err := b.client.EnsureUser(t.Context(), mu, pw)
		require.Error(t, err)
		require.False(t, gws.IsPermanent(err), "an unconfirmed 409 may resolve itself: %v", err)
		require.Contains(t, err.Error(), "409")
		requireNoSecret(t, err, pw)
		require.Zero(t, b.fake.Count())
		calls := b.fake.Calls()
		require.Equal(t, 1, calls[fake.CallInsert])
		require.Equal(t, 1+6, calls[fake.CallGet], "one get, then one plus five consistency retries")
	})
}

func TestEnsureUserEmailTaken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		externalIDs func(ours uuid.UUID) []fake.ExternalID
	}{
		{name: "no external id", externalIDs: func(uuid.UUID) []fake.ExternalID { return nil }},
		{name: "another identity", externalIDs: func(uuid.UUID) []fake.ExternalID { return ourExternalID(uuid.New()) }},
		{name: "same value, other type", externalIDs: func(ours uuid.UUID) []fake.ExternalID {
			return []fake.ExternalID{{Type: "organization", Value: ours.String()}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			mu := newManaged("taken")
			require.NoError(t, b.fake.AddUsers(fake.User{
				PrimaryEmail: mu.PrimaryEmail,
				Name:         fake.UserName{GivenName: "Grace", FamilyName: "Hopper"},
				OrgUnitPath:  managedOU,
				ExternalIDs:  tc.externalIDs(mu.IdentityID),
			}))
			pw := newPassword()

			_, _, err := b.client.EnsureUser(t.Context(), mu, pw)
			require.ErrorIs(t, err, gws.ErrEmailTaken)
			require.True(t, gws.IsPermanent(err))
			requireNoSecret(t, err, pw)
			require.Equal(t, 1, b.fake.Count())
			require.False(t, b.fake.PasswordMatches(mu.PrimaryEmail, pw), "a foreign user is never touched")
			calls := b.fake.Calls()
			require.Zero(t, calls[fake.CallInsert])
			require.Zero(t, calls[fake.CallPatch])
		})
	}
}

func TestEnsureUserRetriesRateLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.fake.FailNext(2, http.StatusForbidden, "userRateLimitExceeded")
	mu := newManaged("ratelimited")
	pw := newPassword()

	_, adopted, err := b.client.EnsureUser(t.Context(), mu, pw)
	require.NoError(t, err)
	require.False(t, adopted)
	require.Equal(t, map[string]int{fake.CallList: 3, fake.CallGet: 1, fake.CallInsert: 1}, b.fake.Calls(),
		"the first request is refused twice, then retried")
	require.True(t, b.fake.PasswordMatches(mu.PrimaryEmail, pw))
}

func TestEnsureUserRetriesRateLimitedInsertWithoutLookingAgain(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.fake.FailNextOn(http.MethodPost, usersPath, 2, http.StatusForbidden, "userRateLimitExceeded")
	mu := newManaged("insertlimited")
	pw := newPassword()

	_, adopted, err := b.client.EnsureUser(t.Context(), mu, pw)
	require.NoError(t, err)
	require.False(t, adopted)
	require.Equal(t, map[string]int{fake.CallList: 1, fake.CallGet: 1, fake.CallInsert: 3}, b.fake.Calls(),
		"a refused insert created nothing: it is retried without reading the directory again")
	require.True(t, b.fake.PasswordMatches(mu.PrimaryEmail, pw))
}

func TestRetriesServerErrors(t *testing.T) {
	t.Parallel()

	t.Run("get", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		require.NoError(t, b.fake.SeedUsers(1, "", managedOU))
		b.fake.FailNextOn(http.MethodGet, userPrefix, 2, http.StatusServiceUnavailable, "")
		u, err := b.client.Get(t.Context(), "user000001@"+domain)
		require.NoError(t, err)
		require.Equal(t, "user000001@"+domain, u.PrimaryEmail)
		require.Equal(t, 3, b.fake.Calls()[fake.CallGet])
	})

	t.Run("insert", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		b.fake.FailNextOn(http.MethodPost, usersPath, 2, http.StatusServiceUnavailable, "")
		mu := newManaged("flaky")
		pw := newPassword()
		_, adopted, err := b.client.EnsureUser(t.Context(), mu, pw)
		require.NoError(t, err)
		require.False(t, adopted)
		require.Equal(t, 1, b.fake.Count())
		calls := b.fake.Calls()
		require.Equal(t, 3, calls[fake.CallInsert])
		require.Equal(t, 3, calls[fake.CallList], "the state is re-checked after each failed insert")
		require.True(t, b.fake.PasswordMatches(mu.PrimaryEmail, pw))
	})

	t.Run("gives up", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil, func(c *gws.Config) { c.MaxRetries = 2 })
		b.fake.FailNext(10, http.StatusServiceUnavailable, "")
		_, err := b.client.Get(t.Context(), "someone@"+domain)
		require.Error(t, err)
		require.False(t, gws.IsPermanent(err), "a 503 may pass")
		require.Contains(t, err.Error(), "after 3 attempts")
		require.Contains(t, err.Error(), "503")
		require.Equal(t, 3, b.fake.Calls()[fake.CallGet])
	})
}

func TestBadRequestIsPermanent(t *testing.T) {
	t.Parallel()

	t.Run("injected", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		b.fake.FailNext(1, http.StatusBadRequest, "invalid")
		_, err := b.client.Get(t.Context(), "someone@"+domain)
		require.Error(t, err)
		require.True(t, gws.IsPermanent(err))
		require.Equal(t, "gws: get user someone@demo.test: googleapi 400 invalid: Invalid Input", err.Error())
		require.Equal(t, 1, b.fake.Calls()[fake.CallGet], "no retry")
	})

	t.Run("refused insert", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		mu := newManaged("nameless")
		mu.FamilyName = ""
		pw := newPassword()
		_, _, err := b.client.EnsureUser(t.Context(), mu, pw)
		require.Error(t, err)
		require.True(t, gws.IsPermanent(err))
		require.Contains(t, err.Error(), "gws: insert user "+mu.PrimaryEmail+": googleapi 400")
		requireNoSecret(t, err, pw)
		require.Equal(t, 1, b.fake.Calls()[fake.CallInsert])
		require.Zero(t, b.fake.Count())
	})

	t.Run("short password", func(t *testing.T) {
		t.Parallel()
		b := setup(t, nil)
		_, _, err := b.client.EnsureUser(t.Context(), newManaged("short"), "abc")
		require.Error(t, err)
		require.True(t, gws.IsPermanent(err))
		requireNoSecret(t, err, "abc")
	})
}

func TestSetPasswordRightAfterCreate(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.fake.SetEventualConsistency(2)
	user, _, err := b.client.EnsureUser(t.Context(), newManaged("fresh"), newPassword())
	require.NoError(t, err)

	pw := newPassword()
	require.NoError(t, b.client.SetPassword(t.Context(), user.ID, pw))
	require.True(t, b.fake.PasswordMatches(user.ID, pw))
	require.Equal(t, 3, b.fake.Calls()[fake.CallPatch], "two 404s of a fresh user are retried")

	// A user that never shows up is believed missing after a few tries.
	b.fake.SetEventualConsistency(100)
	ghost, _, err := b.client.EnsureUser(t.Context(), newManaged("ghost"), newPassword())
	require.NoError(t, err)
	pw = newPassword()
	err = b.client.SetPassword(t.Context(), ghost.ID, pw)
	require.ErrorIs(t, err, gws.ErrNotFound)
	require.True(t, gws.IsPermanent(err))
	requireNoSecret(t, err, pw)
	require.Equal(t, 3+6, b.fake.Calls()[fake.CallPatch])
}

func TestSuspendGetDelete(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	ctx := t.Context()
	mu := newManaged("lifecycle")
	created, _, err := b.client.EnsureUser(ctx, mu, newPassword())
	require.NoError(t, err)

	require.NoError(t, b.client.Suspend(ctx, created.ID))
	require.NoError(t, b.client.Suspend(ctx, mu.PrimaryEmail), "suspending twice is fine")
	got, ok := b.fake.Get(created.ID)
	require.True(t, ok)
	require.True(t, got.Suspended)

	user, err := b.client.Get(ctx, mu.PrimaryEmail)
	require.NoError(t, err)
	require.Equal(t, created.ID, user.ID)
	require.True(t, user.Suspended)
	require.Equal(t, mu.IdentityID, user.IdentityID)
	require.Equal(t, managedOU, user.OrgUnitPath)
	require.Equal(t, "Ada", user.GivenName)
	require.Equal(t, "Lovelace", user.FamilyName)

	require.NoError(t, b.client.Delete(ctx, created.ID))
	require.Zero(t, b.fake.Count())
	require.NoError(t, b.client.Delete(ctx, created.ID), "deleting a deleted user is fine")

	_, err = b.client.Get(ctx, created.ID)
	require.ErrorIs(t, err, gws.ErrNotFound)
	require.True(t, gws.IsPermanent(err))
	err = b.client.Suspend(ctx, created.ID)
	require.ErrorIs(t, err, gws.ErrNotFound)
	require.True(t, gws.IsPermanent(err))
	require.Equal(t, 2, b.fake.Calls()[fake.CallDelete])

	for _, err := range []error{
		b.client.Suspend(ctx, ""), b.client.Delete(ctx, ""), b.client.SetPassword(ctx, "", "long-enough"),
	} {
		require.True(t, gws.IsPermanent(err), "%v", err)
	}
	_, err = b.client.Get(ctx, "")
	require.True(t, gws.IsPermanent(err))
	_, _, err = b.client.EnsureUser(ctx, gws.ManagedUser{PrimaryEmail: "x@" + domain}, "long-enough")
	require.True(t, gws.IsPermanent(err))
}

func TestListManaged(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	require.NoError(t, b.fake.SeedUsers(1234, "", managedOU))
	require.NoError(t, b.fake.SeedUsers(7, "", "/Staff")) // outside the managed OU

	seen := make(map[string]int)
	var sizes []int
	pages, err := b.client.ListManaged(t.Context(), func(page []User) error {
		sizes = append(sizes, len(page))
		for _, u := range page {
			seen[u.PrimaryEmail]++
			require.Equal(t, managedOU, u.OrgUnitPath)
		}
		if len(sizes) == 1 {
			// The next page request fails once and is retried.
			b.fake.FailNext(1, http.StatusServiceUnavailable, "")
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 3, pages)
	require.Equal(t, []int{500, 500, 234}, sizes)
	require.Len(t, seen, 1234)
	for email, n := range seen {
		require.Equal(t, 1, n, email)
	}
	require.Equal(t, 4, b.fake.Calls()[fake.CallList])

	stop := errors.New("stop")
	pages, err = b.client.ListManaged(t.Context(), func([]User) error { return stop })
	require.ErrorIs(t, err, stop)
	require.Equal(t, 1, pages)
}

// User shortens gws.User in test callbacks.
type User = gws.User

func TestReconcile(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	name := fake.UserName{GivenName: "Ada", FamilyName: "Lovelace"}
	ok, suspended, drifted, foreignID, missing := uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()
	require.NoError(t, b.fake.AddUsers(
		fake.User{PrimaryEmail: "ok@" + domain, Name: name, OrgUnitPath: managedOU, ExternalIDs: ourExternalID(ok)},
		fake.User{PrimaryEmail: "stranger@" + domain, Name: name, OrgUnitPath: managedOU},
		fake.User{PrimaryEmail: "suspended@" + domain, Name: name, OrgUnitPath: managedOU, ExternalIDs: ourExternalID(suspended), Suspended: true},
		fake.User{PrimaryEmail: "drifted@" + domain, Name: fake.UserName{GivenName: "Augusta", FamilyName: "Lovelace"}, OrgUnitPath: managedOU + "/Moved", ExternalIDs: ourExternalID(drifted)},
		fake.User{PrimaryEmail: "foreign-id@" + domain, Name: name, OrgUnitPath: managedOU, ExternalIDs: ourExternalID(uuid.New())},
		fake.User{PrimaryEmail: "outside@" + domain, Name: name, OrgUnitPath: "/Staff"},
	))
	expected := map[string]gws.Expected{}
	for email, id := range map[string]uuid.UUID{
		"ok@" + domain: ok, "suspended@" + domain: suspended, "drifted@" + domain: drifted,
		"foreign-id@" + domain: foreignID, "missing@" + domain: missing,
	} {
		expected[email] = gws.Expected{IdentityID: id, Email: email, GivenName: "Ada", FamilyName: "Lovelace"}
	}

	var progressed [][2]int
	got, err := gws.Reconcile(t.Context(), b.client, expected, nil, func(pages, users int) {
		progressed = append(progressed, [2]int{pages, users})
	})
	require.NoError(t, err)
	require.Equal(t, [][2]int{{1, 5}}, progressed)

	type key struct{ kind, email string }
	byKey := make(map[key]gws.Mismatch)
	for _, m := range got {
		byKey[key{m.Kind, m.Email}] = m
	}
	require.Len(t, got, 5, "%+v", got)
	require.Len(t, byKey, 5)

	m := byKey[key{gws.MismatchMissing, "missing@" + domain}]
	require.Equal(t, missing, m.IdentityID)
	m = byKey[key{gws.MismatchUnknown, "stranger@" + domain}]
	require.Equal(t, uuid.Nil, m.IdentityID)
	m = byKey[key{gws.MismatchSuspended, "suspended@" + domain}]
	require.Equal(t, suspended, m.IdentityID)
	m = byKey[key{gws.MismatchDrift, "drifted@" + domain}]
	require.Equal(t, drifted, m.IdentityID)
	require.Contains(t, m.Detail, "givenName")
	require.Contains(t, m.Detail, "orgUnitPath")
	m = byKey[key{gws.MismatchDrift, "foreign-id@" + domain}]
	require.Equal(t, foreignID, m.IdentityID)
	require.Contains(t, m.Detail, "external id")
	require.Equal(t, gws.MismatchMissing, got[len(got)-1].Kind, "missing users come last")
}

// countingLimiter stands for the agency's limiter: it counts the waits a Client makes and,
// while closed, holds every Wait until its context ends, as an exhausted limiter does.
type countingLimiter struct {
	waits  atomic.Int32
	closed atomic.Bool
}

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.waits.Add(1)
	if l.closed.Load() {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

// TestLimiterThrottles: every request, and every retry of one, waits on the agency's limiter
// before it is sent, and a context that ends during that wait stops the call with nothing sent.
// (The limiter's own pacing is rate.Limiter's; TestLimitersPerAgency checks its rate.)
func TestLimiterThrottles(t *testing.T) {
	t.Parallel()
	lim := &countingLimiter{}
	b := setup(t, lim)
	require.NoError(t, b.fake.SeedUsers(1, "", managedOU))
	ctx := t.Context()

	for range 5 {
		_, err := b.client.Get(ctx, "user000001@"+domain)
		require.NoError(t, err)
	}
	require.Equal(t, int32(5), lim.waits.Load(), "one wait per request")
	require.Equal(t, 5, b.fake.Calls()[fake.CallGet])

	// Retries wait on the limiter too.
	b.fake.FailNext(2, http.StatusServiceUnavailable, "")
	_, err := b.client.Get(ctx, "user000001@"+domain)
	require.NoError(t, err)
	require.Equal(t, int32(5+3), lim.waits.Load(), "3 attempts wait 3 times")
	require.Equal(t, 5+3, b.fake.Calls()[fake.CallGet])

	// A context that ends while waiting stops the call before anything is sent.
	lim.closed.Store(true)
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	_, err = b.client.Get(short, "user000001@"+domain)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.False(t, gws.IsPermanent(err))
	require.Equal(t, int32(5+3+1), lim.waits.Load())
	require.Equal(t, 5+3, b.fake.Calls()[fake.CallGet], "nothing sent past a closed limiter")
}

func TestLimitersPerAgency(t *testing.T) {
	t.Parallel()
	l := gws.NewLimiters(600)
	a, other := uuid.New(), uuid.New()
	require.Same(t, l.For(a), l.For(a), "one limiter per agency")
	require.NotSame(t, l.For(a), l.For(other))
	require.InDelta(t, 10.0, float64(l.For(a).(*rate.Limiter).Limit()), 1e-9)
	require.Equal(t, 10, l.For(a).(*rate.Limiter).Burst())

	def := gws.NewLimiters(0).For(a).(*rate.Limiter)
	require.InDelta(t, float64(gws.DefaultQueriesPerMinute)/60, float64(def.Limit()), 1e-9)
}

func TestTransportErrorsAreRetried(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close() // no answer at all
		}
	}))
	t.Cleanup(ts.Close)
	cfg := config(ts)
	cfg.MaxRetries = 2
	c, err := gws.New(t.Context(), cfg, rate.NewLimiter(rate.Inf, 0))
	require.NoError(t, err)

	pw := newPassword()
	err = c.SetPassword(t.Context(), "someone@"+domain, pw)
	require.Error(t, err)
	require.False(t, gws.IsPermanent(err))
	require.Contains(t, err.Error(), "transport")
	requireNoSecret(t, err, pw)
	require.Equal(t, int32(3), hits.Load())
}

func TestAttemptTimeoutIsRetried(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, func(c *gws.Config) { c.MaxRetries = 1 })
	gws.SetAttemptTimeout(b.client, 30*time.Millisecond)
	// The directory answers every request, successfully, but only after a second, and the call's
	// own context has no deadline: the only way this call can fail is the attempt timeout
	// cutting each attempt short. (The fake still holds each request for the second, so the
	// test's end waits for it.)
	b.fake.SetLatency(time.Second)

	pw := newPassword()
	err := b.client.SetPassword(t.Context(), "someone@"+domain, pw)
	require.Error(t, err, "attempts are cut short, not waited out")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.False(t, gws.IsPermanent(err))
	requireNoSecret(t, err, pw)
	require.Equal(t, 2, b.fake.Calls()[fake.CallPatch], "the timed-out attempt is retried once")
}

func TestContextEndsRetries(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, func(c *gws.Config) { c.BaseBackoff = 10 * time.Second })
	b.fake.FailNext(100, http.StatusServiceUnavailable, "")
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()

	start := time.Now()
	_, err := b.client.Get(ctx, "someone@"+domain)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.False(t, gws.IsPermanent(err))
	require.Less(t, time.Since(start), 5*time.Second)
}

func TestCheck(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	require.NoError(t, b.client.Check(t.Context()))
	require.Equal(t, 1, b.fake.Calls()[fake.CallList])

	for name, edit := range map[string]func(*gws.Config){
		"wrong customer": func(c *gws.Config) { c.CustomerID = "C0other" },
		"wrong domain":   func(c *gws.Config) { c.Domain = "elsewhere.test" },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil, edit)
			err := b.client.Check(t.Context())
			require.Error(t, err)
			require.True(t, gws.IsPermanent(err))
			require.Contains(t, err.Error(), "googleapi 403 forbidden")
			require.Equal(t, 1, b.fake.Calls()[fake.CallList], "no retry")
		})
	}
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	for name, cfg := range map[string]gws.Config{
		"no managed OU": {Endpoint: "http://127.0.0.1:1"},
		"root OU":       {Endpoint: "http://127.0.0.1:1", ManagedOU: "/"},
		"no key":        {ManagedOU: managedOU, AdminSubject: "admin@" + domain},
		"no subject":    {ManagedOU: managedOU, ServiceAccountJSON: []byte(`{}`)},
		"not a key":     {ManagedOU: managedOU, AdminSubject: "admin@" + domain, ServiceAccountJSON: []byte(`{"type":"authorized_user"}`)},
		"not even JSON": {ManagedOU: managedOU, AdminSubject: "admin@" + domain, ServiceAccountJSON: []byte(`nope`)},
	} {
		_, err := gws.New(ctx, cfg, nil)
		require.Error(t, err, name)
		require.True(t, gws.IsPermanent(err), name)
	}

	// A client without a limiter of its own gets one and works.
	ts := httptest.NewServer(fake.New(fake.Options{}))
	t.Cleanup(ts.Close)
	c, err := gws.New(ctx, gws.Config{ManagedOU: "AccessHive/", Endpoint: ts.URL + "/", HTTPClient: ts.Client()}, nil)
	require.NoError(t, err)
	require.NoError(t, c.Check(ctx))
}

func TestRefusedCredentialsArePermanent(t *testing.T) {
	t.Parallel()
	var tokenRequests atomic.Int32
	tokenServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		tokenRequests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"unauthorized_client","error_description":"Client is unauthorized to retrieve access tokens using this method"}`))
	}))
	t.Cleanup(tokenServer.Close)

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	privatePEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	keyJSON, err := json.Marshal(map[string]string{
		"type":           "service_account",
		"project_id":     "accesshive-test",
		"private_key_id": "k1",
		"private_key":    privatePEM,
		"client_email":   "provisioner@accesshive-test.iam.gserviceaccount.com",
		"client_id":      "1234567890",
	})
	require.NoError(t, err)

	google := &googleAt{srv: tokenServer}
	c, err := gws.New(t.Context(), gws.Config{
		Domain:             domain,
		CustomerID:         "C0demo",
		AdminSubject:       "admin@" + domain,
		ManagedOU:          managedOU,
		ServiceAccountJSON: keyJSON,
		HTTPClient:         &http.Client{Transport: google},
		BaseBackoff:        time.Millisecond,
	}, rate.NewLimiter(rate.Inf, 0))
	require.NoError(t, err)

	err = c.Check(t.Context())
	require.Error(t, err)
	require.True(t, gws.IsPermanent(err), "%v", err)
	require.Contains(t, err.Error(), "auth: token endpoint answered 401 unauthorized_client")
	require.NotContains(t, err.Error(), "PRIVATE KEY")
	require.Equal(t, int32(1), tokenRequests.Load(), "refused credentials are not retried")
	require.Equal(t, []string{"oauth2.googleapis.com"}, google.Hosts())
}

// TestTokenRequestsGoOnlyToGoogle replays issue 8 item 5: a key whose token_uri names a server
// of the tenant's choosing, and a token endpoint answering with a redirect to an internal
// address. Before the fix the signed assertion went to the named server and the redirect was
// followed; now the only host asked is Google's token endpoint, no redirect is followed, and the
// error carries neither address.
func TestTokenRequestsGoOnlyToGoogle(t *testing.T) {
	t.Parallel()
	var named, internal atomic.Int32
	namedSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { named.Add(1) }))
	t.Cleanup(namedSrv.Close)
	internalSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { internal.Add(1) }))
	t.Cleanup(internalSrv.Close)
	redirecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, internalSrv.URL+"/probe", http.StatusFound)
	}))
	t.Cleanup(redirecting.Close)

	keyJSON, _ := serviceAccountJSON(t, namedSrv.URL+"/token")
	google := &googleAt{srv: redirecting}
	c, err := gws.New(t.Context(), gws.Config{
		Domain: domain, CustomerID: "C0demo", AdminSubject: "admin@" + domain, ManagedOU: managedOU,
		ServiceAccountJSON: []byte(keyJSON), HTTPClient: &http.Client{Transport: google}, BaseBackoff: time.Millisecond,
	}, rate.NewLimiter(rate.Inf, 0))
	require.NoError(t, err)
	err = c.Check(t.Context())
	require.Error(t, err)
	require.Zero(t, named.Load(), "the key's token_uri received a request")
	require.Zero(t, internal.Load(), "a redirect was followed")
	require.NotEmpty(t, google.Hosts())
	require.LessOrEqual(t, len(google.Hosts()), 2, "a check is retried at most once")
	for _, h := range google.Hosts() {
		require.Equal(t, "oauth2.googleapis.com", h)
	}
	require.NotContains(t, err.Error(), internalSrv.URL)
	require.NotContains(t, err.Error(), namedSrv.URL)
}

// TestErrorsNeverEchoPassword uses a directory that, unlike Google, echoes the
// request body in its error message.
func TestErrorsNeverEchoPassword(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && r.URL.Path == usersPath:
			_, _ = w.Write([]byte(`{"kind":"admin#directory#users"}`))
			return
		case r.Method == http.MethodGet:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":{"code":404,"message":"Resource Not Found: userKey","errors":[{"reason":"notFound","message":"Resource Not Found: userKey"}]}}`))
			return
		}
		data, _ := io.ReadAll(r.Body)
		echo, _ := json.Marshal("Invalid Input: " + string(data))
		status := http.StatusBadRequest
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"error":{"code":` + jsonInt(status) + `,"message":` + string(echo) +
			`,"errors":[{"reason":"invalid","message":` + string(echo) + `}]}}`))
	}))
	t.Cleanup(ts.Close)
	c, err := gws.New(t.Context(), config(ts), rate.NewLimiter(rate.Inf, 0))
	require.NoError(t, err)

	pw := newPassword()
	_, _, err = c.EnsureUser(t.Context(), newManaged("echo"), pw)
	require.Error(t, err)
	require.True(t, gws.IsPermanent(err))
	require.Contains(t, err.Error(), "[REDACTED]", "the echo is there, the password is not")
	requireNoSecret(t, err, pw)

	err = c.SetPassword(t.Context(), "someone@"+domain, pw)
	require.Error(t, err)
	requireNoSecret(t, err, pw)
}

func jsonInt(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestIsPermanent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{name: "nil", err: nil, want: false},
		{name: "email taken", err: gws.ErrEmailTaken, want: true},
		{name: "not found", err: gws.ErrNotFound, want: true},
		{name: "canceled", err: context.Canceled, want: false},
		{name: "other", err: errors.New("boom"), want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, gws.IsPermanent(tc.err))
		})
	}
}
