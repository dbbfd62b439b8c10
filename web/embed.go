// Package web holds the console's built files (web/dist, made by `make web`) for the binary
// to serve. A clean clone without Node still builds: dist/.gitkeep is committed, and the
// server answers "console not built" while dist/index.html is missing.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built console (index.html, playground.html and assets/).
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return sub
}
