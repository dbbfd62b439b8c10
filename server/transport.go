package server

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Media types of a GraphQL-over-HTTP answer.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// postTransport is gqlgen's POST transport with the GraphQL-over-HTTP specification's answers to
// request errors (a document that does not parse or validate, variables that do not coerce, an
// operation the guard refuses before execution): the answer has no data entry, since nothing
// executed; it is 200 for Accept: application/json and a 4xx status for
// application/graphql-response+json, where the status itself must tell that nothing ran.
type postTransport struct{}

var _ graphql.Transport = postTransport{}

func (postTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" || r.Method != http.MethodPost {
		return false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == mediaJSON
}

// responseMediaType picks the answer's media type from Accept: application/json unless the client
// asks for application/graphql-response+json (or names neither, which the specification answers
// with the newer type).
func responseMediaType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return mediaJSON
	}
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "*/*", "application/*", mediaJSON:
			return mediaJSON
		case mediaGraphQLResponse:
			return mediaGraphQLResponse
		}
	}
	return mediaGraphQLResponse
}

// requestErrors is the answer to a request error: errors only, no data entry.
type requestErrors struct {
	Errors     gqlerror.List  `json:"errors"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

func (postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	media := responseMediaType(r)
	w.Header().Set("Content-Type", media)
	// malformed is a body that is no GraphQL-over-HTTP request at all: 400 for either type.
	writeRequestErrors := func(resp *graphql.Response, status int, malformed bool) {
		if media == mediaJSON && !malformed {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		b, _ := json.Marshal(requestErrors{Errors: resp.Errors, Extensions: resp.Extensions})
		_, _ = w.Write(b)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeRequestErrors(exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("could not read request body")}), http.StatusBadRequest, true)
		return
	}
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	start := graphql.Now()
	if err := dec.Decode(params); err != nil {
		// The presenter replaces the message, which would otherwise echo the body.
		writeRequestErrors(exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("json request body could not be decoded: %v", err)}), http.StatusBadRequest, true)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, opErr := exec.CreateOperationContext(ctx, params)
	if opErr != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr)
		writeRequestErrors(resp, requestErrorStatus(resp.Errors), false)
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	b, err := json.Marshal(responses(ctx))
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`))
		return
	}
	_, _ = w.Write(b)
}

// requestErrorStatus is the application/graphql-response+json status of a request error: 401
// for a missing session, 400 otherwise.
func requestErrorStatus(errs gqlerror.List) int {
	for _, e := range errs {
		if code, _ := e.Extensions["code"].(string); code == "UNAUTHENTICATED" {
			return http.StatusUnauthorized
		}
	}
	return http.StatusBadRequest
}
