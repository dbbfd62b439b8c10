package gws_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/gws/fake"
)

// BenchmarkReconcile20k reconciles a managed OU of 20,000 AccessHive users
// (served by the in-process fake over real HTTP) with 20,000 expected
// identities. It reports throughput and the peak growth of the in-use heap
// over the baseline taken after seeding (the directory and the expected map
// are in the baseline; the fake's own work per page is in the peak).
func BenchmarkReconcile20k(b *testing.B) {
	const n = 20000
	bd := setup(b, nil)
	users := make([]fake.User, n)
	expected := make(map[string]gws.Expected, n)
	for i := range users {
		id := uuid.New()
		email := fmt.Sprintf("managed%05d@%s", i, domain)
		users[i] = fake.User{
			PrimaryEmail: email,
			Name:         fake.UserName{GivenName: "Client", FamilyName: fmt.Sprintf("Identity %05d", i)},
			OrgUnitPath:  managedOU,
			ExternalIDs:  ourExternalID(id),
		}
		expected[email] = gws.Expected{IdentityID: id, Email: email, GivenName: "Client", FamilyName: users[i].Name.FamilyName}
	}
	require.NoError(b, bd.fake.AddUsers(users...))

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	peak := base.HeapInuse
	ctx, stop := context.WithCancel(b.Context())
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	})

	b.ReportAllocs()
	for b.Loop() {
		pages := 0
		mismatches, err := gws.Reconcile(b.Context(), bd.client, expected, nil, func(p, _ int) { pages = p })
		if err != nil {
			b.Fatal(err)
		}
		if len(mismatches) != 0 || pages != n/500 {
			b.Fatalf("got %d mismatches over %d pages", len(mismatches), pages)
		}
	}
	stop()
	wg.Wait()

	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "users/s")
	b.ReportMetric(float64(peak-base.HeapInuse)/(1<<20), "peak-heap-MB")
}
