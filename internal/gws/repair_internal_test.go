package gws

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/identity"
	"github.com/accesshive/accesshive/internal/job"
)

func TestSelectKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		kinds   []string
		want    []string
		invalid bool
	}{
		{"none means all, in repair order", nil, repairKinds, false},
		{"repeats are dropped", []string{MismatchDrift, MismatchDrift, MismatchMissing}, []string{MismatchDrift, MismatchMissing}, false},
		{"an unknown kind is refused", []string{MismatchMissing, "NOPE"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := selectKinds(tt.kinds)
			if tt.invalid {
				require.Equal(t, "kinds", requireInvalidField(t, err))
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestReportToRepair(t *testing.T) {
	t.Parallel()
	rep := &Report{Mismatches: []ReportMismatch{
		{Kind: MismatchSuspended, Email: "s@x.test"},
		{Kind: MismatchDrift, Email: "d@x.test"},
		{Kind: MismatchUnknown, Email: "u@x.test"},
		{Kind: MismatchMissing, Email: "m@x.test"},
	}}
	todo, touching := rep.toRepair([]string{MismatchSuspended, MismatchDrift, MismatchMissing})
	emails := make([]string, 0, len(todo))
	for _, m := range todo {
		emails = append(emails, m.Email)
	}
	require.Equal(t, []string{"m@x.test", "d@x.test", "s@x.test"}, emails, "in repair order, unselected kinds left out")
	require.Equal(t, 2, touching, "a suspended user is only reported, never touched")
}

func TestReportCollect(t *testing.T) {
	t.Parallel()
	pending, deleting := uuid.New(), uuid.New()
	unsettled := map[uuid.UUID]identity.State{pending: identity.StateProvisioning, deleting: identity.StateDeprovisioning}
	rep := &Report{Counts: map[string]int{}}
	rep.collect([]Mismatch{
		{Kind: MismatchMissing, Email: "p@x.test", IdentityID: pending},
		{Kind: MismatchSuspended, Email: "d@x.test", IdentityID: deleting},
		{Kind: MismatchDrift, Email: "p@x.test", IdentityID: pending},
		{Kind: MismatchUnknown, Email: "u@x.test"},
	}, unsettled)
	require.Equal(t, map[string]int{MismatchDrift: 1, MismatchUnknown: 1}, rep.Counts)
	require.Equal(t, 2, rep.total())
	require.Len(t, rep.Mismatches, 2)
	require.Equal(t, pending, *rep.Mismatches[0].IdentityID)
	require.Nil(t, rep.Mismatches[1].IdentityID, "an unknown user names no identity")
	require.False(t, rep.Truncated)

	many := make([]Mismatch, MaxReportMismatches+1)
	for i := range many {
		many[i] = Mismatch{Kind: MismatchUnknown}
	}
	full := &Report{Counts: map[string]int{}}
	full.collect(many, nil)
	require.Len(t, full.Mismatches, MaxReportMismatches)
	require.Equal(t, MaxReportMismatches+1, full.total(), "counts stay complete")
	require.True(t, full.Truncated)
}

func TestPermanentIf(t *testing.T) {
	t.Parallel()
	err := errors.New("boom")
	require.ErrorIs(t, permanentIf(true, err), job.ErrPermanent)
	require.ErrorIs(t, permanentIf(true, err), err)
	require.Same(t, err, permanentIf(false, err))
	require.ErrorIs(t, directoryFailure(fmt.Errorf("bad: %w", errInvalidArgument)), job.ErrPermanent, "Google would never accept it")
	require.NotErrorIs(t, directoryFailure(&transportError{msg: "connection reset"}), job.ErrPermanent, "a network error is retried")
}
