package job

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestJobTransitions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		from, to Status
		ok       bool
	}{
		{StatusQueued, StatusRunning, true},
		{StatusRetrying, StatusRunning, true},
		{StatusRunning, StatusSucceeded, true},
		{StatusRunning, StatusRetrying, true},
		{StatusRunning, StatusFailed, true},
		{StatusRunning, StatusRunning, true},
		{StatusQueued, StatusSucceeded, false},
		{StatusSucceeded, StatusRunning, false},
		{StatusFailed, StatusRunning, false},
		{StatusRetrying, StatusSucceeded, false},
	} {
		require.Equal(t, tc.ok, CanTransition(tc.from, tc.to), "%s → %s", tc.from, tc.to)
	}
}

func TestPermanent(t *testing.T) {
	t.Parallel()
	base := errors.New("directory said no")
	err := Permanent(base)
	require.ErrorIs(t, err, ErrPermanent)
	require.ErrorIs(t, err, base)
	require.Equal(t, "directory said no", err.Error())
	require.NoError(t, Permanent(nil))
	for typ := range Kinds {
		require.True(t, typ.Valid())
	}
	require.False(t, Type("NOPE").Valid())
}
