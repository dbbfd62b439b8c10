package gws_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/gws"
	"github.com/accesshive/accesshive/internal/gws/fake"
)

// BenchmarkSyncDirectory20k runs the SYNC_DIRECTORY handler's work (Service.Sync) over a
// managed org unit of 20,000 AccessHive users, served by the in-process fake over real HTTP,
// against 20,000 PROVISIONED managed identities in PostgreSQL: streaming the identities,
// paging the directory 500 users at a time, reconciling and storing the report. It reports
// throughput and the peak growth of the in-use heap over the baseline taken after seeding
// (the fake's directory is in the baseline; the expected map, the pages and the report are in
// the peak).
func BenchmarkSyncDirectory20k(b *testing.B) {
	const n = 20000
	e := newEnv(b)
	ctx := context.Background()

	type row struct {
		ID          uuid.UUID `bun:"id"`
		Email       string    `bun:"email"`
		DisplayName string    `bun:"display_name"`
	}
	var rows []row
	err := e.db.NewRaw(`INSERT INTO identities (agency_id, scope, platform_key, type, display_name, email, provisioning_state)
		SELECT ?, 'AGENCY', 'META_ADS', 'MANAGED_GWS', 'Bench User' || lpad(g::text, 5, '0'),
			'bench' || lpad(g::text, 5, '0') || '@demo.test', 'PROVISIONED'
		FROM generate_series(1, ?) AS g
		RETURNING id, email, display_name`, e.agencyID, n).Scan(ctx, &rows)
	require.NoError(b, err)
	require.Len(b, rows, n)
	users := make([]fake.User, n)
	for i, r := range rows {
		given, family := gws.SplitName(r.DisplayName)
		users[i] = fake.User{
			PrimaryEmail: r.Email,
			Name:         fake.UserName{GivenName: given, FamilyName: family},
			OrgUnitPath:  managedOU,
			ExternalIDs:  ourExternalID(r.ID),
		}
	}
	require.NoError(b, e.fake.AddUsers(users...))
	users, rows = nil, nil

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	peak := base.HeapInuse
	mctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-mctx.Done():
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
		res, err := e.svc.Sync(ctx, e.agencyID, uuid.Nil, e.sourceID, func(_ context.Context, p any) error {
			pages = p.(gws.SyncProgress).Pages
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if res.Mismatches != 0 || res.UsersSeen != n || res.Expected != n || pages != n/500 {
			b.Fatalf("got %+v over %d pages", res, pages)
		}
	}
	stop()
	wg.Wait()

	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "users/s")
	b.ReportMetric(float64(peak-base.HeapInuse)/(1<<20), "peak-heap-MB")
}
