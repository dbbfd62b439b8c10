package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

// TestConsoleHandler checks the console's caching, history-API fallback, CSP and playground.
func TestConsoleHandler(t *testing.T) {
	files := fstest.MapFS{
		"index.html":            {Data: []byte("<html>console</html>")},
		"playground.html":       {Data: []byte("<html>graphiql</html>")},
		"assets/main-abc123.js": {Data: []byte("console.log(1)")},
		"favicon.svg":           {Data: []byte("<svg/>")},
	}
	h := consoleHandler(files, true)

	w := get(t, h, "/")
	require.Equal(t, http.StatusOK, w.Code)
	require.Contains(t, w.Body.String(), "console")
	require.Equal(t, "no-cache", w.Header().Get("Cache-Control"))
	csp := w.Header().Get("Content-Security-Policy")
	require.Contains(t, csp, "script-src 'self'")
	require.NotContains(t, csp, "unsafe-inline'; connect") // only styles may be inline
	require.NotContains(t, strings.SplitN(strings.SplitN(csp, "script-src", 2)[1], ";", 2)[0], "unsafe-inline")

	// Client routes fall back to index.html so a reload keeps the page.
	w = get(t, h, "/clients/123?tab=requests")
	require.Equal(t, http.StatusOK, w.Code)
	require.Contains(t, w.Body.String(), "console")
	require.Equal(t, "no-cache", w.Header().Get("Cache-Control"))

	w = get(t, h, "/assets/main-abc123.js")
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "public, max-age=31536000, immutable", w.Header().Get("Cache-Control"))
	require.Contains(t, w.Header().Get("Content-Type"), "javascript")

	// A missing asset is a 404, never index.html (a stale tab must not run HTML as script).
	require.Equal(t, http.StatusNotFound, get(t, h, "/assets/gone.js").Code)
	require.Equal(t, http.StatusOK, get(t, h, "/favicon.svg").Code)

	w = get(t, h, "/playground")
	require.Contains(t, w.Body.String(), "graphiql")
	// Without the playground enabled, /playground is just a client route.
	require.Contains(t, get(t, consoleHandler(files, false), "/playground").Body.String(), "console")

	// A binary built without `make web` says so instead of failing obscurely.
	w = get(t, consoleHandler(fstest.MapFS{".gitkeep": {}}, true), "/")
	require.Equal(t, http.StatusServiceUnavailable, w.Code)
	require.Contains(t, w.Body.String(), "make web")
}
