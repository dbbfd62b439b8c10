#!/usr/bin/env bash
# Runs every Go fuzz target of the module for a while each (default 4s): `make fuzz-short`
# (part of `make test`) and `make fuzz-long` (part of `make soak`). The GraphQL targets in
# internal/e2e need PostgreSQL and Redis: run this under bin/withenv. A second argument, a
# regular expression, runs only the targets whose names match it (e.g. '^FuzzGraphQL').
#
# A failure leaves the failing input in the package's testdata/fuzz/<Target>/ and stops the
# run; commit that file with the fix, so the input stays a seed for good.
set -euo pipefail
fuzztime="${1:-4s}"
only="${2:-}"
GO="${GO:-go}"
cd "$(dirname "$0")/.."
targets=$(grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . | sed -E 's#^\./(.*)/[^/]+:func (Fuzz[A-Za-z0-9_]+).*#\1 \2#' | sort)
if [ -n "$only" ]; then
	targets=$(awk -v re="$only" '$2 ~ re' <<<"$targets")
fi
if [ -z "$targets" ]; then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi

# engine_timeout says whether a failed run's log ($1) is only Go's fuzzing coordinator giving up
# on a worker still busy (minimizing a new input) when a short -fuzztime ends: it then reports
# "context deadline exceeded" on a line of its own, with no failing input, no failing seed, no
# failed assertion and no panic. That is the tool, not the code. Anything else is a real
# failure, even when its message mentions a deadline: an input written under testdata/fuzz, a
# seed that fails, testify's "Error Trace", a panic. (t.Error's own lines start with
# file:line, so they never are the bare line.)
engine_timeout() {
	grep -qxE '[[:space:]]*context deadline exceeded' "$1" &&
		! grep -qE 'Failing input written|seed corpus entry|Error Trace|panic:' "$1"
}

# fuzz_one runs one target. A run that ends in the engine's bare deadline (engine_timeout) is
# run again, up to three runs in all; if every run ends so, the target's seeds (f.Add and
# testdata/fuzz) are replayed without fuzzing (go test -run), and only a failure there fails: the
# coordinator race (golang/go's internal/fuzz reads the -fuzztime deadline on its parent context
# before the child is cancelled) wrote no failing input, so there is nothing else to report.
fuzz_one() {
	local pkg="$1" name="$2" log attempt
	log=$(mktemp)
	for attempt in 1 2 3; do
		# -parallel 1: one fuzzing worker (the machine's cores are shared with the rest of the suite).
		if "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "${fuzztime}" -parallel 1 "./${pkg}" 2>&1 | tee "$log"; then
			rm -f "$log"
			return 0
		fi
		if ! engine_timeout "$log"; then
			rm -f "$log"
			echo "fuzz.sh: ${pkg} ${name} failed" >&2
			return 1
		fi
		echo "== fuzz ${pkg} ${name}: the fuzzing engine timed out without a failing input (run ${attempt} of 3)"
	done
	rm -f "$log"
	echo "== fuzz ${pkg} ${name}: replaying its seeds without fuzzing"
	"$GO" test -count=1 -run "^${name}\$" "./${pkg}" || { echo "fuzz.sh: ${pkg} ${name} failed" >&2; return 1; }
}

start=$(date +%s)
while read -r pkg name; do
	echo "== fuzz ${pkg} ${name} (${fuzztime})"
	fuzz_one "$pkg" "$name" || exit 1
done <<<"$targets"
echo "fuzz.sh: $(wc -l <<<"$targets") targets in $(( $(date +%s) - start ))s"
