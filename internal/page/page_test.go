package page

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/fault"
)

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	c := Cursor{At: time.Date(2026, 11, 26, 5, 0, 0, 123456789, time.UTC), ID: uuid.New()}
	got, err := Decode(c.Encode())
	require.NoError(t, err)
	require.True(t, c.At.Equal(got.At))
	require.Equal(t, c.ID, got.ID)
	for _, bad := range []string{"", "!!", "Zm9vfGJhcg", "MjAyNi0xMS0yNlQwNTowMDowMFp8bm90LWEtdXVpZA"} {
		_, err := Decode(bad)
		require.True(t, errors.Is(err, fault.ErrBadUserInput), "%q", bad)
	}
}

func TestBuild(t *testing.T) {
	t.Parallel()
	items := []int{1, 2, 3}
	key := func(i int) Cursor { return Cursor{At: time.Unix(int64(i), 0), ID: uuid.Nil} }
	r := Build(items, 2, 7, key)
	require.Equal(t, []int{1, 2}, r.Items)
	require.True(t, r.HasNextPage)
	require.Len(t, r.Cursors, 2)
	require.Equal(t, 7, r.TotalCount)
	r = Build(items, 3, 3, key)
	require.False(t, r.HasNextPage)
}
