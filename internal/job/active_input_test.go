package job_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/uptrace/bun"

	"github.com/accesshive/accesshive/internal/job"
	"github.com/accesshive/accesshive/internal/tenant"
	"github.com/accesshive/accesshive/internal/testenv"
)

// TestActiveByInput checks against the real database that ActiveByInput finds the oldest job of a type still
// to run for an object, in the scope's agency only, and forgets it once it has finished.
func TestActiveByInput(t *testing.T) {
	t.Parallel()
	bdb := testenv.DB(t)
	ctx := context.Background()
	mine, other := newAgency(t, bdb), newAgency(t, bdb)
	source := uuid.NewString()
	enqueue := func(agencyID uuid.UUID, sourceID string) *job.Record {
		rec, err := job.Enqueue(ctx, bdb, job.Spec{AgencyID: agencyID, Type: job.TypeSyncDirectory,
			Input: map[string]string{"sourceId": sourceID}})
		require.NoError(t, err)
		return rec
	}
	active := func(agencyID uuid.UUID) (uuid.UUID, job.Status) {
		id, status, err := job.ActiveByInput(ctx, bdb, tenant.Agency(agencyID), job.TypeSyncDirectory, "sourceId", source)
		require.NoError(t, err)
		return id, status
	}

	enqueue(other, source)
	enqueue(mine, uuid.NewString())
	id, _ := active(mine)
	require.Equal(t, uuid.Nil, id, "another agency's job, or another source's, is not this one's")

	first := enqueue(mine, source)
	second := enqueue(mine, source)
	id, status := active(mine)
	require.Equal(t, first.ID, id, "the oldest")
	require.Equal(t, job.StatusQueued, status)

	_, err := bdb.NewUpdate().Table("jobs").Set("status = ?", job.StatusSucceeded).Where("id = ?", first.ID).
		Comment(tenant.AllAgencies("test: finish a job by id")).Exec(ctx)
	require.NoError(t, err)
	id, _ = active(mine)
	require.Equal(t, second.ID, id, "a finished job is not active")
}

func newAgency(t *testing.T, bdb bun.IDB) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	err := bdb.NewRaw("INSERT INTO agencies (name) VALUES (?) RETURNING id", testenv.RandomName("agency-")).
		Scan(context.Background(), &id)
	require.NoError(t, err)
	return id
}
