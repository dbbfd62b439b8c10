// Package model holds the GraphQL models gqlgen generates and the custom scalars.
package model

import (
	"encoding/json"
	"fmt"
	"io"
)

// JSON is the JSON scalar: a raw JSON value passed through unchanged.
type JSON json.RawMessage

// MarshalGQL writes the raw value.
func (j JSON) MarshalGQL(w io.Writer) {
	if len(j) == 0 {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = w.Write(j)
}

// UnmarshalGQL accepts any JSON value.
func (j *JSON) UnmarshalGQL(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("JSON: %w", err)
	}
	*j = b
	return nil
}

// MarshalJSON writes the raw value (so JSON nests as itself, not as base64).
func (j JSON) MarshalJSON() ([]byte, error) {
	if len(j) == 0 {
		return []byte("null"), nil
	}
	return j, nil
}

// UnmarshalJSON keeps a copy of the raw value.
func (j *JSON) UnmarshalJSON(b []byte) error {
	*j = append((*j)[:0], b...)
	return nil
}
