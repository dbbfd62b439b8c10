package job_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/job"
)

func TestDecodeArgs(t *testing.T) {
	t.Parallel()
	id := uuid.New()
	tests := []struct {
		name      string
		rec       job.Record
		want      job.ProvisionArgs
		permanent bool
	}{
		{"ids", job.Record{Type: job.TypeProvisionIdentity, Input: json.RawMessage(`{"identityId":"` + id.String() + `","repair":true}`)}, job.ProvisionArgs{IdentityID: id, Repair: true}, false},
		{"empty input", job.Record{Type: job.TypeProvisionIdentity}, job.ProvisionArgs{}, false},
		{"not json", job.Record{Type: job.TypeProvisionIdentity, Input: json.RawMessage(`{`)}, job.ProvisionArgs{}, true},
		{"bad id", job.Record{Type: job.TypeProvisionIdentity, Input: json.RawMessage(`{"identityId":7}`)}, job.ProvisionArgs{}, true},
		{"another job type", job.Record{Type: job.TypeRotateCredentials, Input: json.RawMessage(`{}`)}, job.ProvisionArgs{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := job.DecodeArgs[job.ProvisionArgs](&tt.rec)
			if tt.permanent {
				require.ErrorIs(t, err, job.ErrPermanent)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestTypedCallsTheHandlerWithDecodedArguments(t *testing.T) {
	t.Parallel()
	id := uuid.New()
	calls := 0
	h := job.Typed(func(_ context.Context, rec *job.Record, args job.RotateArgs) (any, error) {
		calls++
		return args.IdentityID, nil
	})
	got, err := h(context.Background(), &job.Record{Type: job.TypeRotateCredentials, Input: json.RawMessage(`{"identityId":"` + id.String() + `"}`)})
	require.NoError(t, err)
	require.Equal(t, id, got)
	_, err = h(context.Background(), &job.Record{Type: job.TypeRotateCredentials, Input: json.RawMessage(`[]`)})
	require.ErrorIs(t, err, job.ErrPermanent)
	require.Equal(t, 1, calls)
}
