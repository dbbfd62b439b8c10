// Command funclen lists the functions longer than a limit (60 lines by default) in the Go files
// under the given directories, skipping tests, generated code and the console's node_modules; it
// exits 1 when it lists any, so `make lint` keeps functions a reader can hold in mind.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	limit := flag.Int("max", 60, "the longest a function may be, in lines")
	flag.Parse()
	roots := flag.Args()
	if len(roots) == 0 {
		roots = []string{"."}
	}
	fset := token.NewFileSet()
	found := 0
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			n, err := longFuncs(fset, path, *limit)
			found += n
			return err
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "funclen:", err)
			os.Exit(2)
		}
	}
	if found > 0 {
		fmt.Fprintf(os.Stderr, "funclen: %d functions longer than %d lines\n", found, *limit)
		os.Exit(1)
	}
}

// longFuncs prints the functions of one file longer than limit lines and returns their number.
func longFuncs(fset *token.FileSet, path string, limit int) (int, error) {
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		return 0, err
	}
	if ast.IsGenerated(f) {
		return 0, nil
	}
	n := 0
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		start, end := fset.Position(fd.Pos()).Line, fset.Position(fd.End()).Line
		if lines := end - start + 1; lines > limit {
			fmt.Printf("%s:%d: %s is %d lines\n", path, start, fd.Name.Name, lines)
			n++
		}
	}
	return n, nil
}
