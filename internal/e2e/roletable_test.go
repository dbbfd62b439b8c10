package e2e_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/accesshive/accesshive/internal/e2e"
)

// roleCase is one row of a role table: an operation and what each role gets from it.
type roleCase struct {
	op    string
	query string
	// vars returns the operation's variables for a role (nil: none).
	vars func(role string) map[string]any
	// want maps each role to allowed or the error code it gets.
	want map[string]string
	// check inspects an allowed answer.
	check func(t *testing.T, role string, r e2e.Response)
	// written counts, after the call, the rows the role's call would have written (1 when
	// allowed, 0 when refused).
	written func(role string) int
	// after checks the effect (or its absence) once the role's call returned.
	after func(t *testing.T, role string, allowed bool)
}

// runRoleTable runs every row for every role of roleLogins, each as a subtest: an allowed call
// answers without errors, a refused one with its code and no data, and writes nothing.
func runRoleTable(t *testing.T, clients map[string]*e2e.Client, rows []roleCase) {
	t.Helper()
	for _, rw := range rows {
		for _, rl := range roleLogins {
			t.Run(rw.op+"/"+rl.role, func(t *testing.T) {
				want, ok := rw.want[rl.role]
				require.True(t, ok, "row %s has no expectation for %s", rw.op, rl.role)
				var vars map[string]any
				if rw.vars != nil {
					vars = rw.vars(rl.role)
				}
				r := clients[rl.role].Do(rw.query, vars)
				if want == allowed {
					require.Empty(t, r.Errors, "%s may %s", rl.role, rw.op)
					if rw.check != nil {
						rw.check(t, rl.role, r)
					}
				} else {
					requireCode(t, r, want)
					require.Equal(t, "null", string(r.Data), "a refused operation returns no data")
				}
				if rw.written != nil {
					n := 0
					if want == allowed {
						n = 1
					}
					require.Equal(t, n, rw.written(rl.role), "rows written by %s's %s", rl.role, rw.op)
				}
				if rw.after != nil {
					rw.after(t, rl.role, want == allowed)
				}
			})
		}
	}
}
