package server

import (
	"bytes"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// consoleCSP allows only the console's own files: no inline script, no other origin. The
// websocket goes to the same host (connect-src 'self' covers ws: and wss: in current browsers;
// both are named for older ones). Inline styles are allowed because Radix positions menus
// with style attributes.
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self' ws: wss:; " +
	"worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AccessHive</title></head>
<body><h1>The console is not built</h1><p>Run <code>make web</code> (or <code>make run</code>, which builds it) and reload.
The GraphQL API is at <code>/graphql</code>.</p></body></html>`

// consoleHandler serves the single-page console from files: hashed assets are cached for a
// year (their names change with their content), index.html is never cached, and any other
// path without a file answers index.html so client-side routes survive a reload. The
// playground (a second page of the same build) is served at /playground when enabled.
func consoleHandler(files fs.FS, playground bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", consoleCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if strings.HasPrefix(name, "assets/") {
			if serveFile(w, r, files, name, "public, max-age=31536000, immutable") {
				return
			}
			http.NotFound(w, r)
			return
		}
		page := "index.html"
		if name == "playground" && playground {
			page = "playground.html"
		} else if name != "" && name != "index.html" && !strings.HasSuffix(name, ".html") {
			// A root-level file such as favicon.svg; anything else is a client route.
			if serveFile(w, r, files, name, "no-cache") {
				return
			}
		}
		if !serveFile(w, r, files, page, "no-cache") {
			h.Set("Cache-Control", "no-cache")
			h.Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(notBuiltPage))
		}
	})
}

// serveFile writes a regular file from files with the given Cache-Control; false when there
// is no such file.
func serveFile(w http.ResponseWriter, r *http.Request, files fs.FS, name, cache string) bool {
	if !fs.ValidPath(name) || name == "." {
		return false
	}
	b, err := fs.ReadFile(files, name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrInvalid) {
			http.Error(w, "cannot read file", http.StatusInternalServerError)
			return true
		}
		return false
	}
	if fi, err := fs.Stat(files, name); err != nil || fi.IsDir() {
		return false
	}
	w.Header().Set("Cache-Control", cache)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
	return true
}
