package event_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/event"
)

// reportPayload is a test payload of TopicJobUpdated.
type reportPayload struct {
	Pages int    `json:"pages"`
	Note  string `json:"note"`
}

func (reportPayload) EventTopic() event.Topic { return event.TopicJobUpdated }

// recorder is a Publisher that keeps what it is given.
type recorder struct{ got []event.Event }

func (r *recorder) Publish(_ context.Context, e event.Event) error {
	r.got = append(r.got, e)
	return nil
}

func TestPayloadRoundTrip(t *testing.T) {
	t.Parallel()
	agency := uuid.New()
	rec := &recorder{}
	require.NoError(t, event.Publish(context.Background(), rec, agency, "SYNC_DIRECTORY", reportPayload{Pages: 3, Note: "ok"}))
	require.Len(t, rec.got, 1)
	e := rec.got[0]
	require.Equal(t, event.TopicJobUpdated, e.Topic)
	require.Equal(t, agency, e.AgencyID)
	require.Equal(t, "SYNC_DIRECTORY", e.Key)

	got, err := event.Decode[reportPayload](e)
	require.NoError(t, err)
	require.Equal(t, reportPayload{Pages: 3, Note: "ok"}, got)
}

func TestDecodeRefusesAnotherTopicOrBadData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		e    event.Event
		want string
	}{
		{"another topic", event.Event{Topic: event.TopicSessionRevoked, Data: []byte(`{}`)}, "decode session.revoked event as job.updated"},
		{"bad data", event.Event{Topic: event.TopicJobUpdated, Data: []byte(`{"pages":"three"}`)}, "event: decode job.updated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := event.Decode[reportPayload](tt.e)
			require.ErrorContains(t, err, tt.want)
		})
	}
	_, err := event.Decode[event.SessionRevoked](event.Event{Topic: event.TopicSessionRevoked, Data: []byte(`{}`)})
	require.NoError(t, err)
}
