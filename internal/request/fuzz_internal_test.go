package request

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/fault"
)

// FuzzCheckReason feeds arbitrary decision reasons to their validator: trimmed, nil when
// blank, within MaxReason runes when accepted, BAD_USER_INPUT on "reason" otherwise.
func FuzzCheckReason(f *testing.F) {
	for _, s := range []string{"Approved for Q3", "   ", "", strings.Repeat("é", MaxReason+1), "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := checkReason(&in)
		if err != nil {
			var fe *fault.Error
			require.True(t, errors.As(err, &fe))
			require.Equal(t, fault.CodeBadUserInput, fe.Code)
			require.Equal(t, "reason", fe.Field)
			return
		}
		if strings.TrimSpace(in) == "" {
			require.Nil(t, out)
			return
		}
		require.NotNil(t, out)
		require.Equal(t, strings.TrimSpace(in), *out)
		require.LessOrEqual(t, utf8.RuneCountInString(*out), MaxReason)
	})
}
