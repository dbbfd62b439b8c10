package server

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql/playground"
)

// playgroundHandler serves GraphiQL against /graphql; the browser sends the session cookie
// with its requests, so logging in with the login mutation there is enough.
func playgroundHandler() http.Handler {
	return playground.Handler("AccessHive", "/graphql")
}
