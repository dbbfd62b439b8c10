package page_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/fault"
	"github.com/accesshive/accesshive/internal/page"
)

// FuzzDecode feeds arbitrary strings to the cursor decoder, which reads the "after" argument
// of every list: it never panics, refuses with BAD_USER_INPUT on field "after", and what it
// accepts encodes back to a cursor that decodes to the same position.
func FuzzDecode(f *testing.F) {
	f.Add(page.Cursor{At: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), ID: uuid.MustParse("8f4c7d0e-0000-4000-8000-000000000001")}.Encode())
	f.Add("")
	f.Add("not base64!")
	f.Add("MjAyNi0wMS0wMlQwMzowNDowNVp8") // "2026-01-02T03:04:05Z|"
	f.Add("fA")                           // "|"
	f.Fuzz(func(t *testing.T, s string) {
		c, err := page.Decode(s)
		if err != nil {
			var fe *fault.Error
			require.True(t, errors.As(err, &fe), "a domain error: %v", err)
			require.Equal(t, fault.CodeBadUserInput, fe.Code)
			require.Equal(t, "after", fe.Field)
			return
		}
		again, err := page.Decode(c.Encode())
		require.NoError(t, err)
		require.True(t, c.At.Equal(again.At), "%v != %v", c.At, again.At)
		require.Equal(t, c.ID, again.ID)
	})
}
