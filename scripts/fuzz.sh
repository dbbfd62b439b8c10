#!/usr/bin/env bash
# Runs every Go fuzz target of the module for a while each (default 4s): `make fuzz-short`
# (part of `make test`) and `make fuzz-long` (part of `make soak`). The GraphQL targets in
# internal/e2e need PostgreSQL and Redis: run this under bin/withenv.
#
# A failure leaves the failing input in the package's testdata/fuzz/<Target>/ and stops the
# run; commit that file with the fix, so the input stays a seed for good.
set -euo pipefail
fuzztime="${1:-4s}"
cd "$(dirname "$0")/.."
targets=$(grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . | sed -E 's#^\./(.*)/[^/]+:func (Fuzz[A-Za-z0-9_]+).*#\1 \2#' | sort)
if [ -z "$targets" ]; then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi
start=$(date +%s)
while read -r pkg name; do
	echo "== fuzz ${pkg} ${name} (${fuzztime})"
	# -parallel 1: one fuzzing worker (the machine's cores are shared with the rest of the suite).
	log=$(mktemp)
	if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "${fuzztime}" -parallel 1 "./${pkg}" 2>&1 | tee "$log"; then
		# Go's fuzzing coordinator sometimes gives up on a worker still busy (minimizing a new
		# input) when a short -fuzztime ends, and reports only "context deadline exceeded",
		# with no failing input. That is the tool, not the code: run the target once more.
		# A real failure writes its input under testdata/fuzz and is never retried.
		if grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
			echo "== fuzz ${pkg} ${name}: the fuzzing engine timed out without a failing input; once more"
			go test -run '^$' -fuzz "^${name}\$" -fuzztime "${fuzztime}" -parallel 1 "./${pkg}"
		else
			rm -f "$log"
			exit 1
		fi
	fi
	rm -f "$log"
done <<<"$targets"
echo "fuzz.sh: $(wc -l <<<"$targets") targets in $(( $(date +%s) - start ))s"
